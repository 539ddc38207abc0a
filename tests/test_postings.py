"""Postings read a block at a time (kb.search.postings) give what Whoosh's own matchers give:
every live paragraph of every segment, with its weight, deleted ones left out."""
from kb.search import postings
from kb.search.index import Index
from test_index import row


def whoosh_postings(reader, field, text):
    ids, weights = [], []
    if (field, text) in reader:
        m = reader.postings(field, text)
        while m.is_active():
            ids.append(m.id())
            weights.append(m.weight())
            m.next()
    return ids, weights


def test_block_reading_matches_whoosh_across_segments_long_lists_and_deletions(tmp_path):
    index = Index(tmp_path)
    # A term in more paragraphs than one block holds (128), in three segments.
    for doc in "abc":
        index.add_document(doc, [row(f"{doc}:{n}", f"Supervision is regular in team {n}; supervision notes "
                                                    f"are {'brief' if n % 3 else 'reflective'}.")
                                 for n in range(150)])
    index.update_paragraphs([row("b:7", "Caseloads are high.")])      # leaves a deleted paragraph behind
    reader = index.snapshot().searcher.reader()
    assert len(list(reader.leaf_readers())) > 1 and reader.has_deletions()
    checked = 0
    for term in ("supervis", "brief", "reflect", "caseload", "team", "not-a-word"):
        expected = whoosh_postings(reader, "text", term)
        ids, weights = postings.ids_and_weights(reader, "text", term)
        assert ids == expected[0] and postings.ids(reader, "text", term) == expected[0]
        assert weights == expected[1]
        checked += len(ids)
    assert checked > 900
    b7 = next(d for d in range(reader.doc_count_all()) if reader.is_deleted(d) is False
              and reader.stored_fields(d)["paragraph_id"] == "b:7")
    assert b7 not in postings.ids(reader, "text", "supervis") and b7 in postings.ids(reader, "text", "caseload")


def test_values_of_chosen_paragraphs_match_whoosh_and_skip_the_rest(tmp_path):
    index = Index(tmp_path)
    for doc in "ab":
        index.add_document(doc, [row(f"{doc}:{n}", f"Team {n} says supervision is regular and supervision "
                                                    f"notes are {'brief' if n % 4 else 'reflective'}.")
                                 for n in range(300)])
    reader = index.snapshot().searcher.reader()
    decode = index.snapshot().searcher.schema["text"].format.decoder("positions")
    every = {}
    m = reader.postings("text", "supervis")
    while m.is_active():
        every[m.id()] = decode(m.value())
        m.next()
    wanted = sorted(list(every)[::37] + [reader.doc_count_all() + 5])     # one docnum past the end
    got = postings.values(reader, "text", "supervis", wanted)
    assert {d: decode(v) for d, v in got.items()} == {d: every[d] for d in wanted if d in every}
    assert len(got) == len(wanted) - 1 and all(len(p) == 2 for p in every.values())
    assert postings.values(reader, "text", "caseload", wanted) == {}
