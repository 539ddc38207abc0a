"""What a search finds: paragraphs holding every word (with acronyms' expansions), any
word only when none holds them all, and filters of one kind that combine as either value;
in kb.search, the command line and the web search page. Small hand-written paragraphs."""
import json

import pytest

from kb.cli import build_parser, main
from kb.search import ANY_NOTICE, search
from kb.search.index import Index

BASE = {"seq": 0, "page": 1, "number": None, "section": [], "kind": "paragraph", "boilerplate": False,
        "judgement": "in-care", "judgements": {}, "criteria": {}, "stance": "strength",
        "sentences": [], "tag_source": "auto", "doc_type": "ilacs-inspection", "authority": "Northshire",
        "date": "2023-06-01", "period": None}


def row(pid, text, **kw):
    doc_id = pid.split(":")[0]
    return {**BASE, "paragraph_id": pid, "doc_id": doc_id, "seq": int(pid.split(":")[1]),
            "title": f"Paper {doc_id}", "source": f"{doc_id}.txt", "text": text, **kw}


ROWS = [
    row("a:0", "Foster carers receive training in therapeutic parenting.", number=1),
    row("a:1", "Foster carers are recruited from the local community.", number=2),
    row("a:2", "Training for residential staff is mandatory.", number=3, stance="development"),
    row("a:3", "Carers told us that training in foster placements was rushed.", number=4),
    row("b:0", "The independent reviewing officer visits every child before the review.",
        doc_type="focused-visit", authority="Southby", date="2024-02-01", judgement="help-protection"),
    row("b:1", "IRO visits are recorded promptly.", doc_type="focused-visit", authority="Southby",
        date="2024-02-01", judgement="help-protection", stance="development"),
    row("c:0", "Unaccompanied asylum-seeking children are well supported by specialist workers.",
        doc_type="self-evaluation", authority="Northshire", date="2024-03-31", stance="context"),
    row("c:1", "Workers' caseloads are manageable and training is valued.", doc_type="self-evaluation",
        authority="Northshire", date="2024-03-31", judgement="leadership"),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    ix = Index(tmp_path_factory.mktemp("home"))
    ix.rebuild(ROWS)
    yield ix
    ix.close()


SOME = "holds only some of the words"


def ids(result):
    """The hits that hold every word (a short page goes on with some-word hits)."""
    return [h.paragraph_id for h in result.hits if SOME not in h.why]


# -- every word ----------------------------------------------------------------------------

def test_a_paragraph_must_hold_every_word(index):
    result = search(index, "foster carers training")
    assert set(ids(result)) == {"a:0", "a:3"}
    assert result.total == 2 and result.match == "all"
    # Paragraphs holding only some of the words are counted apart, not found.
    assert result.any_total == 5
    assert "2 paragraphs found holding every word (5 hold some of them" in result.to_text()


def test_a_short_page_goes_on_with_paragraphs_holding_some_words_after_the_rest(index):
    result = search(index, "foster carers training")
    marked = [SOME in h.why for h in result.hits]
    assert marked == sorted(marked)             # every-word hits first, then the others
    assert marked.count(False) == 2 and marked.count(True) == 3
    assert result.total == 2
    assert len(search(index, "foster carers training", limit=1).hits) == 1


def test_stop_words_do_not_count(index):
    assert ids(search(index, "training for the foster carers")) == ids(search(index, "foster carers training"))


def test_an_acronym_is_present_when_its_expansion_is(index):
    result = search(index, "IRO visits")
    assert set(ids(result)) == {"b:0", "b:1"} and result.match == "all"
    spelt = search(index, "independent reviewing officer visits")
    assert set(ids(spelt)) == {"b:0", "b:1"}


def test_ranking_within_the_matched_set_is_unchanged(index):
    every = search(index, "foster carers training")
    anyword = search(index, "foster carers training", match="any")
    assert anyword.match == "any" and anyword.total == every.any_total == 5
    kept = [(h.paragraph_id, h.score) for h in anyword.hits if h.paragraph_id in set(ids(every))]
    assert [(h.paragraph_id, h.score) for h in every.hits if SOME not in h.why] == kept


def test_a_quoted_phrase_must_stand_as_typed(index):
    # a:3 holds "carers", "foster" and "training", but not "foster carers" side by side.
    assert ids(search(index, '"foster carers" training')) == ["a:0"]


def test_or_and_not_mean_what_they_say(index):
    either = search(index, "asylum OR caseloads")
    assert set(ids(either)) == {"c:0", "c:1"} and either.match == "all"
    assert set(ids(search(index, "carers NOT training"))) == {"a:1"}


def test_no_paragraph_with_every_word_falls_back_to_any_and_says_so(index):
    result = search(index, "asylum therapeutic")
    assert result.match == "any"
    assert set(ids(result)) == {"a:0", "c:0"} and result.total == 2
    assert ANY_NOTICE in result.to_text()
    assert result.to_dict()["match"] == "any"


def test_nothing_either_way_has_no_notice(index):
    result = search(index, "xylophone zebra")
    assert result.total == 0 and result.match == "all"
    assert ANY_NOTICE not in result.to_text()


def test_the_fallback_respects_the_filters(index):
    # Within Southby's papers no paragraph says "visits" and "carers"; any word finds b:0, b:1.
    result = search(index, "visits carers", authority="Southby")
    assert result.match == "any" and set(ids(result)) == {"b:0", "b:1"}


def test_a_misspelt_word_is_corrected_before_any_word_is_tried(index):
    result = search(index, "foster carers trainning")
    assert result.corrected and result.match == "all"
    assert set(ids(result)) == {"a:0", "a:3"}


def test_bad_match_is_refused(index):
    with pytest.raises(ValueError, match="match must be one of"):
        search(index, "carers", match="some")


# -- filters of one kind combine -------------------------------------------------------------

def test_two_values_of_one_filter_mean_either(index):
    both = search(index, "training OR visits", doc_type=["ilacs-inspection", "self-evaluation"])
    assert set(ids(both)) == {"a:0", "a:2", "a:3", "c:1"}
    one = search(index, "training OR visits", doc_type="ilacs-inspection")
    other = search(index, "training OR visits", doc_type="self-evaluation")
    assert both.total == one.total + other.total
    # The facets count the same paragraphs as the total.
    assert both.facets["doc_type"] == {"ilacs-inspection": 3, "self-evaluation": 1}
    assert sum(both.facets["stance"].values()) == both.total


def test_filters_of_different_kinds_must_all_hold(index):
    result = search(index, "training OR visits", doc_type=["ilacs-inspection", "focused-visit"],
                    stance=["development"])
    assert set(ids(result)) == {"a:2", "b:1"}
    assert set(ids(search(index, "training OR visits", stance=["development", "context"],
                          judgement=["help-protection", "leadership"]))) == {"b:1"}


def test_several_authorities_ignore_case_and_repeats(index):
    result = search(index, "training OR visits", authority=["southby", "Southby", "NORTHSHIRE"])
    assert result.total == search(index, "training OR visits").total
    assert set(ids(search(index, "training OR visits", authority=["southby"]))) == {"b:0", "b:1"}


def test_an_unknown_value_among_several_is_named(index):
    with pytest.raises(ValueError, match="'no-such-type'"):
        search(index, "training", doc_type=["ilacs-inspection", "no-such-type"])


# -- the command line ---------------------------------------------------------------------------

def test_the_command_line_collects_repeated_filters():
    args = build_parser().parse_args(["search", "care", "--type", "focused-visit", "--type",
                                      "ilacs-inspection", "--stance", "strength", "--authority", "A",
                                      "--authority", "B", "--judgement", "in-care", "--criterion", "x"])
    assert args.doc_type == ["focused-visit", "ilacs-inspection"]
    assert args.authority == ["A", "B"] and args.stance == ["strength"]


def test_kb_search_says_when_it_falls_back(tmp_path, capsys):
    home = tmp_path / "kb"
    paper = tmp_path / "northshire-notes.md"
    paper.write_text("# Northshire notes\n\nFoster carers receive training in therapeutic parenting.\n\n"
                     "Unaccompanied children seeking asylum are supported by specialist workers.\n")
    assert main(["--home", str(home), "ingest", str(paper)]) == 0
    capsys.readouterr()
    assert main(["--home", str(home), "search", "asylum", "therapeutic"]) == 0
    assert ANY_NOTICE in capsys.readouterr().out
    assert main(["--home", str(home), "search", "asylum", "therapeutic", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["match"] == "any" and out["total"] == 2
    assert main(["--home", str(home), "search", "foster", "training", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["match"] == "all" and out["total"] == 1 and out["any_total"] == 1


# -- the web search page -------------------------------------------------------------------------

INSPECTION = """Inspection of Northshire local authority children's services

Inspection dates: 2 June to 13 June 2024

Judgement\tGrade
The impact of leaders on social work practice with children and families\tGood
The experiences and progress of children who need help and protection\tGood
The experiences and progress of children in care\tGood
The experiences and progress of care leavers\tGood
Overall effectiveness\tGood

The experiences and progress of children in care: good

1. Foster carers receive training in therapeutic parenting and know the children well.

2. Unaccompanied children seeking asylum are supported by specialist workers.
"""

SELF_EVALUATION = """# Northshire children's services self-evaluation 2024-25

## Children in care

Foster carers value the training we offer, and more of them now stay with us.
"""


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from web.app import create_app
    application = create_app(tmp_path_factory.mktemp("kb"))
    application.config["TESTING"] = True
    state = application.extensions["kb_state"]
    kb = state.kb()
    kb.ingest_bytes(INSPECTION.encode(), "northshire-ilacs-2024.txt")
    kb.ingest_bytes(SELF_EVALUATION.encode(), "northshire-self-evaluation-2024-25.md")
    yield application.test_client()
    application.extensions["kb_jobs"].shutdown()
    state.close()


def page(client, query: str) -> str:
    response = client.get("/search?" + query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def test_the_page_says_when_it_falls_back_to_any_word(client):
    html = page(client, "q=asylum+therapeutic")
    assert "No paragraph holds every word; showing paragraphs with any of them." in html
    assert "1 paragraph found" not in html and "paragraphs found" in html
    assert "No paragraph holds every word" not in page(client, "q=foster+training")


def test_the_page_counts_paragraphs_with_every_word_and_links_to_any(client):
    html = page(client, "q=foster+carers+stay")
    assert "1 paragraph found holding every word" in html
    assert "match=any" in html and "Show the 2 paragraphs with any of the words" in html
    anyword = page(client, "q=foster+carers+stay&match=any")
    assert "2 paragraphs found" in anyword and "Only those with every word" in anyword


def test_two_types_on_the_page_mean_either(client):
    both = page(client, "q=foster+training&type=ilacs-inspection&type=self-evaluation")
    one = page(client, "q=foster+training&type=self-evaluation")
    assert "2 paragraphs found" in both and "1 paragraph found" in one
    # The second value is kept by the form and by the facet links.
    assert 'name="type" value="self-evaluation" checked' in both
    assert "type=ilacs-inspection&amp;type=self-evaluation" in both


def test_a_bad_value_among_several_is_refused(client):
    response = client.get("/search?q=foster&type=ilacs-inspection&type=nonsense")
    assert response.status_code == 400
    assert "nonsense" in response.get_data(as_text=True)
    assert client.get("/search?q=foster&match=some").status_code == 400
