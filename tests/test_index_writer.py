"""The index's writer side: the writer that skips Whoosh's per-posting file look-ups
writes what Whoosh's own writer writes, and a batch of replacements committed once
leaves the index as `add_documents` would."""
import pytest
from whoosh import index as whoosh_index

from kb.search.analysis import analyse, segmented, text_parts
from kb.search.index import Index
from kb.search.schema import SCHEMA
from kb.search.writing import add_rows
from test_index import ROWS, row

MORE = ROWS + [
    row("c:0", "Return home interviews are timely; the IRO challenges drift.", number=3, page=2),
    row("c:1", "Personal education plans are not always updated.", criteria={"ic.education": 0.7}),
    row("d:0", "Leaders know their services well and have a realistic self-evaluation.",
        doc_type="ilacs-inspection", judgement="leadership", section=["Leadership", "Self-evaluation"]),
]


def snapshot_of(reader) -> dict:
    """Everything a search can read back from an index, keyed by paragraph id: stored
    fields, field lengths, and each term's postings and statistics."""
    pid = {d: reader.stored_fields(d)["paragraph_id"] for d in reader.all_doc_ids()}
    out = {"stored": sorted((pid[d], sorted(reader.stored_fields(d).items())) for d in pid),
           "lengths": sorted((pid[d], f, reader.doc_field_length(d, f)) for d in pid for f in SCHEMA.names()),
           "terms": []}
    for fieldname, text in reader.all_terms():
        info = reader.term_info(fieldname, text)
        postings = []
        m = reader.postings(fieldname, text)
        while m.is_active():
            postings.append((pid[m.id()] if fieldname in SCHEMA.names() else m.id(), m.weight(), m.value()))
            m.next()
        out["terms"].append((fieldname, text, info.weight(), info.doc_frequency(), info.min_length(),
                             info.max_length(), info.max_weight(), sorted(postings)))
    return out


def whoosh_built(tmp_path, rows) -> dict:
    """The same rows written by Whoosh's own writer."""
    ix = whoosh_index.create_in(tmp_path, SCHEMA)
    writer = ix.writer()
    add_rows(writer, rows)
    writer.commit()
    with ix.reader() as reader:
        return snapshot_of(reader)


def ours(index: Index) -> dict:
    return snapshot_of(index.snapshot().searcher.reader())


def test_rebuild_writes_what_whoosh_writes(tmp_path):
    index = Index(tmp_path / "ours")
    index.rebuild(MORE)
    assert ours(index) == whoosh_built(tmp_path, MORE)


def by_doc(rows):
    def rows_of(doc_ids):
        return [r for r in rows if r["doc_id"] in doc_ids]
    return rows_of


def test_batch_leaves_the_index_as_add_documents_does(tmp_path):
    rows_of = by_doc(MORE)
    docs = ["a", "b", "c", "d"]
    at_once = Index(tmp_path / "at-once")
    at_once.rebuild(ROWS[:1])
    at_once.add_documents(docs, rows_of(docs))
    one_by_one = Index(tmp_path / "one-by-one")
    one_by_one.rebuild(ROWS[:1])
    with one_by_one.batch(rows_of) as replace:
        for doc_id in docs:
            replace(doc_id)
    assert ours(one_by_one) == ours(at_once)


def test_a_document_replaced_twice_in_a_batch_is_indexed_once_with_its_last_rows(tmp_path):
    current = {"a": [row("a:0", "First wording about drift.")]}
    index = Index(tmp_path)
    index.rebuild([])
    with index.batch(lambda doc_ids: [r for d in doc_ids for r in current[d]]) as replace:
        replace("a")
        current["a"] = [row("a:0", "Second wording about delay."), row("a:1", "A new paragraph.")]
        replace("a")
    stored = sorted((f["paragraph_id"], f["content"]) for f in index.snapshot().searcher.all_stored_fields())
    assert stored == [("a:0", "Second wording about delay."), ("a:1", "A new paragraph.")]


def test_a_batch_with_nothing_to_replace_leaves_the_index_alone(tmp_path):
    index = Index(tmp_path)
    index.rebuild(ROWS)
    before = index.snapshot().searcher
    with index.batch(by_doc(MORE)):
        pass
    assert before.up_to_date()


def test_a_failed_batch_changes_nothing_and_frees_the_lock(tmp_path):
    index = Index(tmp_path)
    index.rebuild(ROWS)
    before = ours(index)
    with pytest.raises(RuntimeError):
        with index.batch(by_doc(MORE)) as replace:
            replace("c")
            raise RuntimeError("the store failed")
    assert ours(index) == before
    assert index.add_document("c", by_doc(MORE)(["c"])) == 2


ANALYSIS_CASES = [
    ("The LADO responds swiftly; the IRO challenges drift in children's plans.", ["Help and protection"], "Report"),
    ("A the of and", [], ""),                                   # nothing but stop words
    ("and the s.47 enquiries, e.g. pre-proceedings (PLO) letters", ["Care", "Areas for development"], "T"),
    ("Advisors and advisers; judgments and judgements; people, children.", ["x"], "Title \x1e odd \x1f chars"),
    ("Café naïve résumé 2023-24 £4.5m 10,000 a b c", [], "Ofsted"),
    ("", ["Only a heading"], "and a title"),
    ("Word " * 40, ["Word word"], "word"),
]


def whoosh_analysis(text, section, title):
    """What Whoosh's own analyzer chain and Positions format make of the same value."""
    parts = text_parts(text, section, title)
    value = segmented(parts)
    postings = tuple(SCHEMA["text"].index(value))
    written = {t.text for t in SCHEMA["text"].analyzer(value, no_morph=True)}
    return postings, written


@pytest.mark.parametrize("text,section,title", ANALYSIS_CASES)
def test_analysis_makes_what_whoosh_makes(text, section, title):
    done = analyse(text, section, title)
    postings, written = whoosh_analysis(text, section, title)
    assert done.postings == postings
    assert done.written == written


def test_analysis_matches_whoosh_on_the_bundled_corpus():
    from kb.ingest import prepare
    from kb.corpus import bundled_files
    checked = 0
    for path in bundled_files():
        prepared = prepare(path.read_bytes(), path.name)
        for p in prepared.paragraphs:
            if p.boilerplate:
                continue
            done = analyse(p.text, p.section, prepared.meta.title)
            assert (done.postings, done.written) == whoosh_analysis(p.text, p.section, prepared.meta.title), p.text[:80]
            checked += 1
    assert checked > 900


def test_documents_committed_one_by_one_are_merged_into_few_segments(tmp_path):
    """Each ingested document commits a segment of its own. A commit merges only small
    segments (its write lock is held meanwhile); Index.merge, run once an ingest is done,
    leaves a few segments per fourfold of size (Whoosh's own policy left one per report),
    the paragraphs all still there."""
    from collections import Counter

    from kb.search.writing import Writer, _tier

    index = Index(tmp_path)
    for n in range(40):
        index.add_document(f"doc{n}", [row(f"doc{n}:{k}", f"Supervision note {k} of report {n}.") for k in range(100)])
        sizes = [s.doc_count_all() for s, _ in index.snapshot().searcher.reader().leaf_readers()]
        assert sum(sizes) == 100 * (n + 1)
        # a commit rewrites at most its limit of older paragraphs, beside its own hundred
        assert max(sizes) <= Writer.merge_limit + 100
    assert len(sizes) > 4
    assert index.merge() == len(sizes) and index.merge() == 0
    sizes = [s.doc_count_all() for s, _ in index.snapshot().searcher.reader().leaf_readers()]
    assert max(Counter(_tier(size) for size in sizes).values()) <= 4 and len(sizes) <= 4
    assert index.doc_count() == 4000 and index.search("supervision note 7 report 39").hits
