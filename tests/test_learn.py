"""`kb learn`: a knowledge base learns its stance model from its own documents and
people's corrections, tags everything again with it, and keeps the corrections winning."""
import pytest

from indexer.model import ReadError
from kb.corpus import bundled_files
from kb.kb import STANCE_MODEL, KnowledgeBase
from kb.store import Correction
from kb.tagging import tag
from kb.tagging.stance_model import StanceModel, load_model


@pytest.fixture()
def fresh_kb(tmp_path):
    base = KnowledgeBase(tmp_path / "home")
    assert base.ingest(bundled_files()).ok
    yield base
    base.close()


def _first(base, doc_type, stance):
    return next(p for p in base.store.paragraphs(include_boilerplate=False)
                if p["doc_type"] == doc_type and p["stance"] == stance and p["kind"] == "paragraph")


def test_learning_needs_labels_for_every_stance_and_says_what_to_do(fresh_kb):
    # The bundled corpus holds one inspection report, with no section of plain facts.
    with pytest.raises(ReadError, match="none for context.*correct some paragraphs' stance"):
        fresh_kb.learn()
    assert fresh_kb.stance_model is None


def test_corrections_are_labels_and_still_win_after_learning(fresh_kb):
    plan = _first(fresh_kb, "service-plan", "strength")
    fresh_kb.correct(plan["paragraph_id"], Correction(stance="context"), "a tester")
    before = {p["paragraph_id"]: p["stance"] for p in fresh_kb.store.paragraphs()}
    report = fresh_kb.learn()
    assert report.sentences["context"] >= 1 and report.features > 0
    assert fresh_kb.stance_model and (fresh_kb.home / STANCE_MODEL).exists()
    assert isinstance(load_model(fresh_kb.home / STANCE_MODEL), StanceModel)
    again = fresh_kb.store.paragraph(plan["paragraph_id"])
    assert (again["stance"], again["tag_source"]) == ("context", "person")
    # Every change the new model made is counted and in the paragraph's history, by the tagger.
    changed = [p for p in fresh_kb.store.paragraphs() if p["stance"] != before[p["paragraph_id"]]]
    assert changed and len(changed) == report.changed
    for p in changed:
        assert any(h["who"] == "tagger" and h["field"] == "stance" and h["new"] == p["stance"]
                   for h in fresh_kb.store.history(p["paragraph_id"]))


def test_a_learned_model_tags_new_documents_and_forgetting_it_restores_the_shipped_one(fresh_kb, tmp_path):
    plan = _first(fresh_kb, "service-plan", "strength")
    fresh_kb.correct(plan["paragraph_id"], Correction(stance="context"), "a tester")
    fresh_kb.learn()
    assert (fresh_kb.home / STANCE_MODEL).stat().st_mode & 0o777 == 0o600     # weights of private text
    note = tmp_path / "visit-note.md"
    note.write_text("# Practice week\n\nManagers found that supervision records are brief and rarely "
                    "reflective, although staff value their managers.\n")
    [doc_id] = fresh_kb.ingest([note]).added
    stored = next(fresh_kb.store.paragraphs(doc_id, include_boilerplate=False))
    expected = tag(stored["text"], section=stored["section"], doc_type=stored["doc_type"],
                   kind=stored["kind"], stance_model=load_model(fresh_kb.home / STANCE_MODEL))
    assert stored["stance"] == expected.stance
    assert stored["sentences"] == expected.sentences
    fresh_kb.forget()
    assert fresh_kb.stance_model is None
    assert fresh_kb.store.paragraph(plan["paragraph_id"])["stance"] == "context"


def test_without_scikit_learn_learning_says_how_to_install_it(fresh_kb, monkeypatch):
    import sys
    for name in ("sklearn", "sklearn.feature_extraction", "sklearn.linear_model"):
        monkeypatch.setitem(sys.modules, name, None)   # as if it were not installed
    with pytest.raises(ReadError, match=r"needs scikit-learn.*\[train\]"):
        fresh_kb.learn()
    assert fresh_kb.stance_model is None
