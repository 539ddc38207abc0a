"""People's tag corrections and their history follow a document's bytes, not its file name:
the same report removed and added again under another name gets them back; a new version
at the same path keeps them by doc id, and they then follow the new version's bytes."""
import sqlite3

import pytest

from kb.home import DB_NAME
from kb.kb import KnowledgeBase
from kb.search import search
from kb.store import SCHEMA_VERSION, Correction, Store

REPORT = """# Northshire scrutiny paper: help and protection

## Front door

Strategy discussions are held promptly and police attend them, so decisions about risk are timely.

## Assessment

Too many child and family assessments are not completed within timescales.
"""

STRATEGY = "Strategy discussions are held promptly"


@pytest.fixture
def kb(tmp_path):
    base = KnowledgeBase(tmp_path / "kb")
    yield base
    base.close()


def write(folder, name: str, text: str):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def paragraph(kb, doc_id: str, starts: str) -> dict:
    found = [p for p in kb.store.paragraphs(doc_id) if p["text"].startswith(starts)]
    assert len(found) == 1, [p["text"] for p in kb.store.paragraphs(doc_id)]
    return found[0]


def corrected(kb, doc_id: str) -> dict:
    para = paragraph(kb, doc_id, STRATEGY)
    chosen = "development" if para["stance"] != "development" else "context"
    kb.correct(para["paragraph_id"], Correction(stance=chosen, note="read by the service manager"), "sam")
    return {"stance": chosen, "history": kb.store.history(para["paragraph_id"])}


def test_the_same_bytes_under_another_name_get_corrections_and_history_back(kb, tmp_path):
    first = kb.ingest([write(tmp_path / "a", "scrutiny-june.md", REPORT)])
    doc_id = first.added[0]
    made = corrected(kb, doc_id)
    assert kb.remove(doc_id)

    again = kb.ingest([write(tmp_path / "b", "help-and-protection-paper.md", REPORT)])
    new_id = again.added[0]
    assert new_id != doc_id
    para = paragraph(kb, new_id, STRATEGY)
    assert para["stance"] == made["stance"] and para["tag_source"] == "person"
    assert kb.store.correction(para["paragraph_id"])["who"] == "sam"
    history = kb.store.history(para["paragraph_id"])
    assert history == made["history"] and history[-1]["who"] == "sam"
    # The paragraph's search entry carries the correction too.
    hits = search(kb.index, "strategy discussions police", stance=made["stance"]).hits
    assert [h.paragraph_id for h in hits] == [para["paragraph_id"]]
    # Another paragraph of it was never corrected, and is not now.
    assert paragraph(kb, new_id, "Too many")["tag_source"] == "auto"


def test_an_upload_of_the_same_bytes_gets_them_back_too(kb, tmp_path):
    _, doc_id = kb.ingest_bytes(REPORT.encode(), "paper.md")
    made = corrected(kb, doc_id)
    kb.remove(doc_id)
    outcome, new_id = kb.ingest_bytes(REPORT.encode(), "renamed paper.md")
    assert outcome == "added" and new_id != doc_id
    assert paragraph(kb, new_id, STRATEGY)["stance"] == made["stance"]


def test_a_new_version_at_the_same_path_keeps_them_and_they_follow_its_bytes(kb, tmp_path):
    path = write(tmp_path / "a", "scrutiny.md", REPORT)
    doc_id = kb.ingest([path]).added[0]
    made = corrected(kb, doc_id)
    revised = REPORT + "\n## Update\n\nA second assessment team started in May.\n"
    path.write_text(revised, encoding="utf-8")
    assert kb.ingest([path]).replaced == [doc_id]
    assert paragraph(kb, doc_id, STRATEGY)["stance"] == made["stance"]

    kb.remove(doc_id)
    new_id = kb.ingest([write(tmp_path / "b", "renamed.md", revised)]).added[0]
    para = paragraph(kb, new_id, STRATEGY)
    assert para["stance"] == made["stance"] and kb.store.history(para["paragraph_id"])[-1]["who"] == "sam"


def test_different_bytes_under_another_name_get_none(kb, tmp_path):
    doc_id = kb.ingest([write(tmp_path / "a", "one.md", REPORT)]).added[0]
    corrected(kb, doc_id)
    other = kb.ingest([write(tmp_path / "b", "two.md", REPORT.replace("Northshire", "Southshire"))]).added[0]
    para = paragraph(kb, other, STRATEGY)
    assert para["tag_source"] == "auto" and kb.store.correction(para["paragraph_id"]) is None


def test_a_knowledge_base_of_the_schema_before_gets_its_corrections_named_by_their_bytes(tmp_path):
    home = tmp_path / "kb"
    kb = KnowledgeBase(home)
    doc_id = kb.ingest([write(tmp_path / "a", "paper.md", REPORT)]).added[0]
    made = corrected(kb, doc_id)
    kb.close()
    # Back to how schema 4 held corrections and history: without the bytes they were made on
    # (and without what later versions added).
    db = sqlite3.connect(home / DB_NAME)
    for table in ("corrections", "history"):
        db.execute(f"DROP INDEX {table}_hash")
        db.execute(f"ALTER TABLE {table} DROP COLUMN content_hash")
    db.execute("DROP TABLE index_pending")
    db.execute("PRAGMA user_version = 4")
    db.commit()
    db.close()

    kb = KnowledgeBase(home)
    try:
        digest = kb.store.document(doc_id)["content_hash"]
        assert {r[0] for r in kb.store.db.execute("SELECT content_hash FROM corrections")} == {digest}
        kb.remove(doc_id)
        new_id = kb.ingest([write(tmp_path / "b", "renamed.md", REPORT)]).added[0]
        assert paragraph(kb, new_id, STRATEGY)["stance"] == made["stance"]
    finally:
        kb.close()
    assert Store(home / DB_NAME).db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
