import sqlite3

import pytest

from indexer.model import Paragraph
from kb.store import SCHEMA_VERSION, Correction, Store, fingerprint


def auto_tags(judgement="help-protection", stance="strength"):
    return {"judgement": judgement, "judgements": {judgement: 1.0}, "criteria": {"hp.assessment": 0.8},
            "stance": stance, "sentences": [], "confidence": 0.7, "explanation": ["test"]}


def doc(doc_id="d1", digest="h1"):
    return {"doc_id": doc_id, "title": "T", "source": "t.txt", "path": "/x/t.txt", "content_hash": digest,
            "format": "text", "doc_type": "other", "authority": "Darlington", "date": "2023-01-01",
            "pages": None, "grades": {"overall": "good"}}


def paras(*texts):
    return [Paragraph(seq=i, text=t, kind="paragraph", page=1, number=i + 1, section=["S"]) for i, t in enumerate(texts)]


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "kb.sqlite3")
    yield s
    s.close()


def test_schema_version_is_recorded(tmp_path):
    Store(tmp_path / "a.db").close()
    con = sqlite3.connect(tmp_path / "a.db")
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_refuses_a_newer_schema(tmp_path):
    con = sqlite3.connect(tmp_path / "b.db")
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.close()
    with pytest.raises(RuntimeError, match="newer version"):
        Store(tmp_path / "b.db")


def test_save_and_read_back(store):
    ps = paras("Assessments are timely.", "Plans drift.")
    store.save_document(doc(), ps, [auto_tags(), auto_tags(stance="development")])
    rows = list(store.paragraphs("d1"))
    assert [r["paragraph_id"] for r in rows] == ["d1:0", "d1:1"]
    assert rows[1]["stance"] == "development" and rows[1]["section"] == ["S"]
    assert rows[0]["criteria"] == {"hp.assessment": 0.8}
    assert store.documents()[0]["paragraphs"] == 2
    assert store.document("d1")["grades"] == {"overall": "good"}


def test_correction_wins_and_is_audited(store):
    store.save_document(doc(), paras("Plans drift."), [auto_tags()])
    p = store.correct("d1:0", Correction(stance="development", criteria=["hp.plans-reviews"]), who="ann")
    assert p["stance"] == "development" and p["tag_source"] == "person"
    assert list(p["criteria"]) == ["hp.plans-reviews"]
    h = store.history("d1:0")
    assert sorted((r["field"], r["who"], r["old"], r["new"]) for r in h) == [
        ("criteria", "ann", ["hp.assessment"], ["hp.plans-reviews"]), ("stance", "ann", "strength", "development")]


def test_correction_survives_reingest_even_when_paragraph_moves(store):
    store.save_document(doc(), paras("Intro.", "Plans drift."), [auto_tags(), auto_tags()])
    store.correct("d1:1", Correction(judgement="in-care"), who="ann")
    # The same document processed again, with a paragraph now in front of the corrected one.
    store.save_document(doc(), paras("New intro.", "Intro.", "Plans  drift"), [auto_tags()] * 3)
    moved = store.paragraph("d1:2")
    assert moved["judgement"] == "in-care" and moved["tag_source"] == "person"
    assert store.paragraph("d1:0")["tag_source"] == "auto"
    assert store.history("d1:2")[0]["who"] == "ann"


def test_removed_document_keeps_corrections_for_a_return(store):
    store.save_document(doc(), paras("Plans drift."), [auto_tags()])
    store.correct("d1:0", Correction(stance="development"), who="ann")
    assert store.remove_document("d1")
    assert store.paragraph("d1:0") is None
    store.save_document(doc(), paras("Plans drift."), [auto_tags()])
    assert store.paragraph("d1:0")["stance"] == "development"


def test_fingerprint_ignores_spacing_and_case():
    assert fingerprint("Plans  drift.") == fingerprint("plans drift")
    assert fingerprint("Plans drift") != fingerprint("Plans drift badly")


def test_new_doc_ids_are_unique_slugs(store):
    assert store.new_doc_id("Darlington ILACS 2022") == "darlington-ilacs-2022"
    store.save_document(doc("darlington-ilacs-2022"), paras("x"), [auto_tags()])
    assert store.new_doc_id("Darlington ILACS 2022") == "darlington-ilacs-2022-2"


def test_a_changed_automatic_tag_is_on_record(store):
    store.save_document(doc(), paras("Plans drift."), [auto_tags(stance="strength")])
    store.save_document(doc(), paras("Plans drift."), [auto_tags(stance="development")])
    h = store.history("d1:0")
    assert [(r["who"], r["source"], r["field"], r["old"], r["new"]) for r in h] == [
        ("tagger", "auto", "stance", "strength", "development")]


def test_accepting_tags_unchanged_is_on_record(store):
    store.save_document(doc(), paras("Plans drift."), [auto_tags()])
    p = store.correct("d1:0", Correction(judgement="help-protection", criteria=["hp.assessment"], stance="strength"),
                      who="ann")
    assert p["tag_source"] == "person"
    h = store.history("d1:0")
    assert [(r["who"], r["field"]) for r in h] == [("ann", "confirmed")]
    assert h[0]["new"]["stance"] == "strength"
