"""kb.search: acronyms both ways, query syntax and bad input, spelling, filters, facets,
highlights and reasons, on a small hand-built index."""
import datetime as dt

import pytest

from kb.search import RankingOptions, analysis, ranked_ids, ranking, search
from kb.search.index import Index

BASE = {"seq": 0, "page": 2, "number": None, "section": [], "kind": "paragraph", "boilerplate": False,
        "judgement": "help-protection", "judgements": {}, "criteria": {}, "stance": "strength",
        "sentences": [], "tag_source": "auto", "doc_type": "ilacs-inspection", "authority": "Testshire",
        "date": "2022-12-02", "period": None}


def row(pid, text, **kw):
    doc_id = pid.split(":")[0]
    return {**BASE, "paragraph_id": pid, "doc_id": doc_id, "seq": int(pid.split(":")[1]),
            "title": f"Report {doc_id}", "source": f"{doc_id}.pdf", "text": text, **kw}


ROWS = [
    row("insp:0", "When allegations are made against professionals, the local authority designated officer "
                  "responds swiftly.", number=16, criteria={"hp.lado": 0.9}),
    row("insp:1", "Letters before proceedings are clear and set out what parents need to do.", number=13,
        criteria={"hp.pre-proceedings": 0.8}),
    row("insp:2", "Personal education plans are reviewed; the virtual school challenges schools.", number=34,
        judgement="in-care", criteria={"cic.education": 0.9}),
    row("insp:3", "Unaccompanied asylum-seeking children are very well supported by their carers.", number=28,
        judgement="in-care", criteria={"cic.uasc": 0.9}),
    row("insp:4", "Children in care benefit from stable homes with foster carers.", number=27,
        judgement="in-care", criteria={"cic.homes-stability": 0.7}),
    row("insp:5", "Care leavers say their personal adviser stays in touch.", number=36,
        judgement="care-leavers", criteria={"cl.relationships": 0.8}),
    row("insp:6", "The emergency duty team responds well out of hours.", number=4, criteria={"hp.out-of-hours": 0.9}),
    row("insp:7", "Safety plans are shared with families & schools <promptly>.", number=9, stance="development"),
    row("self:0", "Our IRO service challenges drift in care plans.", doc_type="self-evaluation",
        authority="Otherton", date="2024-03-31", judgement="in-care", criteria={"cic.care-planning": 0.9}),
    row("self:1", "Workers' caseloads are too high in two teams, and agency use is rising.",
        doc_type="self-evaluation", authority="Otherton", date="2024-03-31", judgement="leadership",
        stance="development", criteria={"lead.workforce": 0.9}),
    row("self:2", "Private fostering arrangements are assessed within timescales.", doc_type="self-evaluation",
        authority="Otherton", date="2024-03-31", criteria={"hp.private-fostering": 1.0},
        section=["Private fostering"]),
    row("self:3", "Recruitment of social workers has improved retention across teams.",
        doc_type="self-evaluation", authority="Otherton", date="2024-03-31", judgement="leadership",
        criteria={"lead.workforce": 0.6}),
    row("self:4", "Licence text that nobody should find.", boilerplate=True),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    ix = Index(tmp_path_factory.mktemp("home"))
    ix.rebuild(ROWS)
    yield ix
    ix.close()


def ids(result):
    return [h.paragraph_id for h in result.hits]


# -- acronyms and their expansions -------------------------------------------------------

@pytest.mark.parametrize("query, expected", [
    ("LADO", "insp:0"),
    ("PLO letters", "insp:1"),
    ("PEPs", "insp:2"),
    ("UASC", "insp:3"),
    ("EDT", "insp:6"),
])
def test_an_acronym_finds_paragraphs_that_spell_it_out(index, query, expected):
    assert ids(search(index, query))[0] == expected


def test_the_expansion_finds_the_acronym(index):
    result = search(index, "independent reviewing officer")
    assert ids(result)[0] == "self:0"
    assert "IRO = independent reviewing officer" in result.hits[0].why


def test_why_and_expansions_say_which_expansion_matched(index):
    result = search(index, "LADO")
    assert "local authority designated officer (LADO)" in result.hits[0].why
    assert "local authority designated officer" in result.expansions["LADO"]
    assert result.query_terms == ["LADO"]


# -- query syntax ------------------------------------------------------------------------

def test_stemming_and_quoted_phrases(index):
    assert "self:3" in ids(search(index, "recruiting"))
    phrase = search(index, '"care leavers"')
    assert ids(phrase) == ["insp:5"]
    assert phrase.query_terms == ["care leavers"]


def test_boolean_operators_and_fields(index):
    assert set(ids(search(index, "care NOT leavers"))) == {"insp:4", "self:0"}
    assert ids(search(index, "foster AND stable")) == ["insp:4"]
    assert set(ids(search(index, "doc_type:self-evaluation caseloads"))) >= {"self:1"}


@pytest.mark.parametrize("query", ['"unbalanced quote', "care AND", "OR care", "((care", "care)) ^^ ~2",
                                   "x" * 5000, "care£$%^&*()[ leav\"ers " * 300, "title: text: :", "NOT care"])
def test_bad_queries_degrade_instead_of_failing(index, query):
    result = search(index, query)
    assert result.total >= 0


@pytest.mark.parametrize("query", ["", "   ", "the and of", "NOT", "AND OR", "((( )))", "£$%^&*() " * 600])
def test_an_empty_query_is_a_clear_error(index, query):
    with pytest.raises(ValueError, match="search"):
        search(index, query)


# -- spelling ----------------------------------------------------------------------------

def test_a_misspelling_is_corrected_and_searched(index):
    result = search(index, "privat fostering")
    assert result.did_you_mean == "private fostering"
    assert result.corrected and result.query == "private fostering"
    assert ids(result)[0] == "self:2"
    saftey = search(index, "saftey plans")
    assert saftey.did_you_mean == "safety plans" and ids(saftey)[0] == "insp:7"


@pytest.mark.parametrize("query, kw", [
    ("care", {}), ("LADO", {}), ("teams", {"authority": "otherton"}), ("care", {"criterion": "cic.care-planning"}),
    ('"personal adviser" OR schools', {}), ("care NOT leavers", {}),
])
def test_ranked_ids_rank_as_search_does(index, query, kw):
    hits = search(index, query, limit=5, match="any", **kw).hits
    ranked = ranked_ids(index, query, limit=5, **kw)
    assert ranked.ids == [(h.paragraph_id, pytest.approx(h.score, abs=1e-4)) for h in hits] and ranked.ids
    assert ranked.corrected is None


def test_ranked_ids_correct_spelling_as_search_does(index):
    ranked = ranked_ids(index, "privat fostering")
    assert ranked.corrected == "private fostering" and ranked.ids[0][0] == "self:2"
    assert ranked_ids(index, "care", authority="Nowhere").ids == []


def test_a_correct_query_is_left_alone(index):
    result = search(index, "caseloads")
    assert result.did_you_mean is None and not result.corrected


def test_stop_words_are_never_corrected(tmp_path):
    """"from", "were", "with" are left out of the index and its vocabulary; one edit from
    "form", "where", "wish", they were once searched as those instead."""
    ix = Index(tmp_path)
    ix.rebuild([row("d:0", "The referral form is completed where the family wish it."),
                row("d:1", "Children missing from care have return interviews."),
                row("d:2", "Plans were reviewed with the family.")])
    for query in ("missing from care", "plans were reviewed with them"):
        result = search(ix, query)
        assert result.did_you_mean is None and not result.corrected and result.query == query
        assert result.total == 1


# -- filters, facets, paging -------------------------------------------------------------

def test_facets_count_the_whole_result_not_the_page(index):
    result = search(index, "care", limit=1)
    assert len(result.hits) == 1 and result.total == 3
    assert result.facets["judgement"] == {"in-care": 2, "care-leavers": 1}
    assert result.facets["year"] == {"2022": 2, "2024": 1}
    assert set(result.facets) == {"judgement", "criteria", "stance", "doc_type", "authority", "year"}
    page2 = search(index, "care", limit=1, offset=1)
    assert ids(page2) != ids(result) and page2.total == 3


def test_filters(index):
    assert set(ids(search(index, "care", judgement="in-care"))) == {"insp:4", "self:0"}
    assert ids(search(index, "care", criterion="cic.care-planning")) == ["self:0"]
    assert ids(search(index, "teams", stance="development")) == ["self:1"]
    assert ids(search(index, "care", doc_type="self-evaluation")) == ["self:0"]
    assert ids(search(index, "teams", authority="otherton"))[0] in {"self:1", "self:3"}
    assert ids(search(index, "care", date_from="2024", date_to="2024")) == ["self:0"]
    assert set(ids(search(index, "care", date_to=dt.date(2023, 1, 1)))) == {"insp:4", "insp:5"}
    assert search(index, "care", authority="Nowhere").total == 0


@pytest.mark.parametrize("kw", [{"judgement": "nonsense"}, {"criterion": "hp.nothing"}, {"stance": "happy"},
                                {"doc_type": "novel"}, {"date_from": "last year"},
                                {"date_from": "2024", "date_to": "2023"}, {"limit": 0}, {"offset": -1}])
def test_bad_filters_are_clear_errors(index, kw):
    with pytest.raises(ValueError):
        search(index, "care", **kw)


# -- ranking, highlights and reasons -----------------------------------------------------

def test_tags_weigh_in_and_say_so(tmp_path):
    untagged = row("t:0", "Caseloads are discussed at the team meeting every month.")
    tagged = row("t:1", "Caseloads are discussed at the team meeting each week.", criteria={"lead.workforce": 0.9})
    tag_only = row("t:2", "Recruitment of social workers has improved retention.", criteria={"lead.workforce": 0.9})
    ix = Index(tmp_path)
    ix.rebuild([untagged, tagged, tag_only])
    result = search(ix, "caseloads")
    assert ids(result) == ["t:1", "t:0"]     # the tag reorders; alone, it finds nothing
    assert result.total == 2
    assert any(w.startswith("tagged: ") for w in result.hits[0].why)


def test_an_acronym_finds_the_words_of_its_expansion_one_by_one(tmp_path):
    spelt = row("u:0", "Unaccompanied asylum-seeking children are well supported.", number=1)
    asylum = row("u:1", "Young people who sought asylum as children have good support.", number=2)
    other = row("u:2", "Young people have good support from their carers.", number=3)
    ix = Index(tmp_path)
    ix.rebuild([spelt, asylum, other])
    # One word of the expansion ranks among any of the words, but does not stand for the
    # acronym when the paragraphs must hold every word (tests/test_search_matching.py).
    assert ids(search(ix, "UASC", match="any")) == ["u:0", "u:1"]
    every = search(ix, "UASC")
    assert every.total == 1 and ids(every) == ["u:0", "u:1"]
    assert "holds only some of the words" in every.hits[1].why


def test_headings_count(index):
    result = search(index, "private fostering")
    assert "heading: Private fostering" in result.hits[0].why


def test_highlight_is_html_safe_and_marks_matches(index):
    hit = search(index, "safety plans").hits[0]
    assert hit.highlight == ("<mark>Safety</mark> <mark>plans</mark> are shared with families &amp; "
                             "schools &lt;promptly&gt;.")
    assert hit.text.endswith("<promptly>.")


def test_an_inspectors_numbered_finding_outranks_its_restatement(tmp_path):
    finding = row("r:1", "Care leavers are supported into apprenticeships by personal advisers.", number=40)
    summary = row("r:0", "Care leavers are supported into apprenticeships.")
    ix = Index(tmp_path)
    ix.rebuild([summary, finding])
    assert ids(search(ix, "apprenticeships")) == ["r:1", "r:0"]


def test_a_restatement_counts_for_less_bonuses_included(tmp_path):
    # Restated by an inspector (no paragraph number), with a phrase and a tag bonus.
    summary = row("r:0", "Private fostering arrangements are now robust.", criteria={"hp.private-fostering": 1.0})
    self_evaluation = row("s:0", "Private fostering arrangements are now robust.", doc_type="self-evaluation",
                          criteria={"hp.private-fostering": 1.0})
    ix = Index(tmp_path)
    ix.rebuild([summary, self_evaluation])

    def scores(prior):
        options = RankingOptions(restatement_prior=prior)
        return {h.paragraph_id: h.score for h in search(ix, "private fostering", options=options).hits}

    full, halved = scores(1.0), scores(0.5)
    assert halved["r:0"] == pytest.approx(full["r:0"] / 2, abs=1e-3)
    assert halved["s:0"] == full["s:0"]


def test_ranking_options_switch_the_tag_and_proximity_bonuses(tmp_path):
    tagged = row("a:0", "Private fostering arrangements are checked.", doc_type="self-evaluation",
                 criteria={"hp.private-fostering": 1.0})
    untagged = row("b:0", "Private fostering arrangements are checked.", doc_type="self-evaluation")
    apart = row("c:0", "Fostering arrangements are private and checked.", doc_type="self-evaluation")
    ix = Index(tmp_path)
    ix.rebuild([tagged, untagged, apart])

    def scores(**parts):
        return {h.paragraph_id: h.score for h in search(ix, "private fostering", options=RankingOptions(**parts)).hits}

    shipped, no_tags, near = scores(), scores(tag_boost=0), scores(proximity_boost=3.0)
    assert shipped["a:0"] > shipped["b:0"] == pytest.approx(shipped["c:0"])   # no proximity bonus by default
    assert no_tags["a:0"] == pytest.approx(no_tags["b:0"])
    assert near["b:0"] > near["c:0"]


def test_a_segment_weighted_zero_is_left_out_of_the_index(tmp_path, monkeypatch):
    rows = [row("a:0", "Children are seen alone.", title="Annual conversation"),
            row("b:0", "The conversation with children is recorded.", title="Report b")]
    monkeypatch.setitem(analysis.SEGMENT_WEIGHTS, "title", 0.2)
    titled = Index(tmp_path / "titled")
    titled.rebuild(rows)
    monkeypatch.setitem(analysis.SEGMENT_WEIGHTS, "title", 0)
    untitled = Index(tmp_path / "untitled")
    untitled.rebuild(rows)
    assert ids(search(titled, "conversation")) == ["b:0", "a:0"]
    assert ids(search(untitled, "conversation")) == ["b:0"]


def test_results_serialise(index):
    result = search(index, "LADO")
    assert result.to_dict()["hits"][0]["paragraph_id"] == "insp:0"
    text = result.to_text()
    assert "insp:0" in text and "[local authority designated officer]" in text
    assert "Also searched for LADO" in text


def test_fast_paths_agree_with_whoosh(index):
    from whoosh import query as wq

    from kb.search import docsets, ranking
    from kb.search.query import parse

    snap = index.snapshot()
    words = wq.Or([wq.Term("text", "care"), wq.Term("text", "foster"), wq.Term("text", "leaver", boost=0.5)])
    ours = ranking.top(snap, words, None, 10)
    theirs = [(round(h.score, 9), h.docnum) for h in snap.searcher.search(words, limit=10)]
    assert [(round(s, 9), d) for s, d in ours] == theirs
    for text in ["care NOT leavers", "PLO letters", '"personal adviser" OR caseloads', "foster AND stable"]:
        q = parse(text).query
        assert docsets.to_ids(docsets.of_query(snap, q)) == set(snap.searcher.docs_for_query(q))


def test_phrase_sets_agree_with_whoosh_on_the_bundled_corpus(bundled_kb):
    """Every pair and triple of neighbouring words in some paragraphs, and phrases whose
    words occur apart or out of order, match what Whoosh's own phrase matching does."""
    from whoosh import query as wq

    from kb.search.analysis import text_analyzer
    from kb.search import docsets

    kb = bundled_kb
    snap = kb.index.snapshot()
    phrases = {("child", "care"), ("care", "child"), ("social", "worker", "visit"), ("care", "care"),
               ("leader", "know"), ("plan", "child")}
    for row in list(kb.store.paragraphs(include_boilerplate=False))[::40]:
        words = [t.text for t in text_analyzer()(row["text"])]
        phrases.update(tuple(words[i:i + n]) for n in (2, 3) for i in range(0, len(words) - n, 7))
    matched = 0
    for words in sorted(phrases):
        q = wq.Phrase("text", list(words))
        ours = docsets.to_ids(docsets.of_query(snap, q))
        assert ours == set(snap.searcher.docs_for_query(q)), words
        matched += bool(ours)
    assert matched > 100
