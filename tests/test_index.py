"""The Whoosh index: generations switched atomically, incremental changes, glossary
aliases and the weighted `text` field."""
import threading

import pytest
from whoosh import query as wq

from kb.home import INDEX_DIR
from kb.search.aliases import glossary_aliases
from kb.search.analysis import text_analyzer
from kb.search.generations import LOCK_FILE, POINTER_FILE
from kb.search.index import Index, IndexUnavailable
from kb.search.schema import SCHEMA_VERSION


def row(pid, text, **kw):
    doc_id = pid.split(":")[0]
    base = {"paragraph_id": pid, "doc_id": doc_id, "seq": int(pid.split(":")[1]), "page": 1, "number": None,
            "section": [], "kind": "paragraph", "text": text, "boilerplate": False, "judgement": "help-protection",
            "judgements": {}, "criteria": {}, "stance": "context", "sentences": [], "tag_source": "auto",
            "title": f"Title of {doc_id}", "doc_type": "self-evaluation", "authority": "Testshire",
            "date": "2023-05-01", "period": None, "source": f"{doc_id}.txt"}
    base.update(kw)
    return base


ROWS = [
    row("a:0", "Children in care are visited regularly by their social workers."),
    row("a:1", "Care leavers have a personal adviser who stays in touch."),
    row("a:2", "Open Government Licence text.", boilerplate=True),
    row("b:0", "The LADO responds swiftly to allegations against professionals."),
]


def word(w):
    """The term the index holds for a word."""
    return wq.Term("text", next(iter(text_analyzer()(w))).text)


def ids(index, q):
    s = index.snapshot().searcher
    return sorted(s.stored_fields(d)["paragraph_id"] for d in s.docs_for_query(q))


def test_rebuild_indexes_evidence_not_boilerplate(tmp_path):
    index = Index(tmp_path)
    assert index.needs_rebuild()
    assert index.rebuild(ROWS) == 3
    assert not index.needs_rebuild()
    assert index.doc_count() == 3
    assert ids(index, word("licence")) == []
    assert ids(index, word("visited")) == ["a:0"]


def test_rebuild_switches_generations_and_keeps_only_the_live_one(tmp_path):
    index = Index(tmp_path)
    for _ in range(4):
        index.rebuild(ROWS)
    root = tmp_path / INDEX_DIR
    gens = sorted(p.name for p in root.glob("gen-*"))
    assert gens == ["gen-000004"]
    assert (root / POINTER_FILE).read_text().split() == ["gen-000004", str(SCHEMA_VERSION)]


def test_a_reader_keeps_its_snapshot_while_a_rebuild_switches(tmp_path):
    index = Index(tmp_path)
    index.rebuild(ROWS)
    old = index.snapshot().searcher
    Index(tmp_path).rebuild(ROWS[:1])            # another process, say
    assert len(list(old.docs_for_query(word("LADO")))) == 1
    assert ids(index, word("LADO")) == []   # the next snapshot sees the new index


def test_failed_rebuild_leaves_the_live_index_alone(tmp_path):
    index = Index(tmp_path)
    index.rebuild(ROWS)

    def broken():
        yield ROWS[0]
        raise RuntimeError("store went away")

    with pytest.raises(RuntimeError):
        index.rebuild(broken())
    assert ids(index, word("LADO")) == ["b:0"]
    assert sorted(p.name for p in (tmp_path / INDEX_DIR).glob("gen-*")) == ["gen-000001"]


def test_add_document_replaces_that_documents_paragraphs(tmp_path):
    index = Index(tmp_path)
    index.rebuild(ROWS)
    assert index.add_document("a", [row("a:0", "Pathway plans are timely.")]) == 1
    assert ids(index, word("visited")) == []        # a:0 as it was
    assert ids(index, word("adviser")) == []      # a:1 went with its document
    assert ids(index, word("pathway")) == ["a:0"]
    assert ids(index, word("LADO")) == ["b:0"]


def test_add_documents_and_remove_document(tmp_path):
    index = Index(tmp_path)                      # no index yet: the first write creates one
    index.add_documents(["c", "d"], [row("c:0", "Strategy meetings are timely."),
                                     row("d:0", "Strategy discussions include the police.")])
    assert ids(index, word("strategy")) == ["c:0", "d:0"]
    assert index.remove_document("c") == 1
    assert ids(index, word("strategy")) == ["d:0"]


def test_update_paragraphs_reindexes_corrected_tags(tmp_path):
    index = Index(tmp_path)
    index.rebuild(ROWS)
    corrected = row("b:0", ROWS[3]["text"], judgement="leadership", criteria={"hp.lado": 1.0}, tag_source="person")
    assert index.update_paragraphs([corrected]) == 1
    assert ids(index, wq.Term("judgement", "leadership")) == ["b:0"]
    assert ids(index, wq.Term("criteria", "hp.lado")) == ["b:0"]
    index.update_paragraphs([row("a:1", ROWS[1]["text"], boilerplate=True)])
    assert ids(index, word("adviser")) == []


def test_an_index_of_another_schema_version_asks_for_a_rebuild(tmp_path):
    index = Index(tmp_path)
    index.rebuild(ROWS)
    (tmp_path / INDEX_DIR / POINTER_FILE).write_text(f"gen-000001 {SCHEMA_VERSION + 1}\n")
    fresh = Index(tmp_path)
    assert fresh.needs_rebuild()
    with pytest.raises(IndexUnavailable, match="kb reindex"):
        fresh.snapshot()
    fresh.rebuild(ROWS)
    assert fresh.doc_count() == 3


def test_a_damaged_index_says_how_to_repair_it(tmp_path):
    index = Index(tmp_path)
    index.rebuild(ROWS)
    for f in (tmp_path / INDEX_DIR / "gen-000001").iterdir():
        f.unlink()
    with pytest.raises(IndexUnavailable, match="missing or damaged.*kb reindex"):
        Index(tmp_path).snapshot()


def test_concurrent_searches_survive_rebuilds(tmp_path):
    index = Index(tmp_path)
    index.rebuild(ROWS)
    errors = []

    def read():
        reader = Index(tmp_path)
        try:
            for _ in range(30):
                assert len(list(reader.snapshot().searcher.docs_for_query(word("LADO")))) == 1
        except Exception as e:      # report any failure to the main thread
            errors.append(e)

    threads = [threading.Thread(target=read) for _ in range(2)]
    for t in threads:
        t.start()
    for _ in range(3):
        index.rebuild(ROWS)
    for t in threads:
        t.join()
    assert errors == []
    assert (tmp_path / INDEX_DIR / LOCK_FILE).exists()


def test_glossary_aliases_go_both_ways():
    pairs = glossary_aliases("The LADO met IROs; PEPs and s47 enquiries. Letters under the Public Law "
                             "Outline reached children in need.")
    assert ("LADO", "local authority designated officer") in pairs
    assert ("IRO", "independent reviewing officer") in pairs
    assert ("PEP", "personal education plan") in pairs
    assert ("S47", "section 47") in pairs
    assert ("Public Law Outline", "PLO") in pairs
    assert ("children in need", "CIN") in pairs
    assert glossary_aliases("We send letters to parents.") == []


def test_the_weighted_field_keeps_parts_apart_and_folds_plurals(tmp_path):
    index = Index(tmp_path)
    index.rebuild([row("a:0", "Visits are designated", section=["Officer training"])])
    assert ids(index, word("officer")) == ["a:0"]          # the heading is searched
    assert ids(index, wq.Phrase("text", [word("designated").text, word("officer").text])) == []  # but no phrase spans parts
    assert [t.text for t in text_analyzer()("children in need")] == ["child", "need"]


def test_threads_share_one_memo_per_index_state(tmp_path):
    index = Index(tmp_path)
    index.rebuild([row("d:0", "Assessments are timely."), row("d:1", "Plans drift.")])
    mine = index.snapshot()
    mine.memo["facets"] = "built once"
    seen = {}
    worker = threading.Thread(target=lambda: seen.update(other=index.snapshot()))
    worker.start()
    worker.join()
    assert seen["other"].searcher is not mine.searcher
    assert seen["other"].memo is mine.memo and seen["other"].memo["facets"] == "built once"
    index.add_document("e", [row("e:0", "Care leavers have personal advisers.", doc_id="e")])
    assert "facets" not in index.snapshot().memo     # a new state starts a new memo


def test_an_index_whose_saved_schema_names_another_module_opens(tmp_path, monkeypatch):
    # Whoosh saves the schema pickled, its classes named by module; an index written when
    # the index lived in indexer/index.py names that module, which is gone.
    import sys
    import types

    from kb.search import schema
    old_home = types.ModuleType("indexer.index")
    old_home._Text = schema._Text
    with monkeypatch.context() as m:
        m.setitem(sys.modules, "indexer.index", old_home)
        m.setattr(schema._Text, "__module__", "indexer.index")
        Index(tmp_path).rebuild(ROWS)
    assert "indexer.index" not in sys.modules
    assert ids(Index(tmp_path), word("LADO")) == ["b:0"]
