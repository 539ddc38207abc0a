"""The assistant: question understanding, sentence evidence, summaries, answers, evidence
packs, comparisons and their commands, on small fixtures and on the bundled corpus."""
from __future__ import annotations

import argparse
import io
import json
from contextlib import redirect_stdout

import docx
import pytest

from kb.assistant import THEMES, ask, compare, pack, scope
from kb.assistant.cli import register
from kb.assistant.compare import VERDICTS
from kb.assistant.question import understand
from kb.assistant.sentences import ITEM_KEYS, has_figure, sentence_items, when
from kb.assistant.summarise import select
from kb.assistant.themes import resolve
from kb.cli import UserError

HELD = ["Darlington", "Durham", "Northumberland"]


@pytest.fixture(scope="module")
def kb(bundled_kb):
    return bundled_kb


def assert_verbatim(kb, items):
    """Every item is word for word a piece of the stored paragraph it cites, and carries
    that paragraph's citation."""
    assert items
    for item in items:
        stored = kb.store.paragraph(item["paragraph_id"])
        assert stored is not None
        assert item["text"] in stored["text"], item["text"]
        assert item["doc_id"] == stored["doc_id"] and item["title"] == stored["title"]
        assert item["page"] == stored["page"] and item["number"] == stored["number"]


# -- understanding a question ------------------------------------------------------------

def test_question_matches_criterion_and_wants_evidence_for():
    u = understand("How do we know management oversight is improving?", HELD)
    assert u.criteria[0] == "lead.oversight-supervision"
    assert u.judgements == ["leadership"]
    assert u.intent == "for"
    assert not u.wants_figures and u.years is None and u.authority is None


def test_question_with_misspellings_still_finds_its_criterion():
    u = understand("managment oversite of child protecion chairs")
    assert u.criteria[0] == "lead.oversight-supervision"


def test_question_notices_figures_years_authority_and_weaknesses():
    u = understand("What are the weaknesses in assessment timeliness in Darlington's teams since 2022?", HELD)
    assert u.intent == "against"
    assert u.wants_figures
    assert u.years == {"from": 2022, "to": None}
    assert u.authority == "Darlington"
    assert "hp.assessment" in u.criteria
    assert "darlington" not in [t.lower() for t in u.terms]


def test_question_year_spans_and_voice():
    u = understand("What did Ofsted say about the MASH in 2023-24?")
    assert u.years == {"from": 2023, "to": 2024}
    assert u.voice == "inspectors"
    assert "hp.front-door" in u.criteria
    assert "multi-agency safeguarding hub" in u.terms
    assert understand("What does our self-evaluation say about early help?").voice == "authority"


def test_question_expands_acronyms_both_ways():
    assert "independent reviewing officer" in understand("Is the IRO service effective?").terms
    assert "PLO" in understand("How quickly do we use the public law outline?").terms


def test_question_about_what_families_say_is_about_listening():
    assert "lead.listening-feedback" in understand("What do families tell us about our service?").criteria


# -- sentences and figures -----------------------------------------------------------------

@pytest.mark.parametrize("sentence, figure", [
    ("62.7% of our Child & Family Assessments were completed within timescales.", True),
    ("There were 146 children on plans at the end of the year.", True),
    ("Contacts (children)\t8,182\t9,910", True),
    ("Section 47 enquiries are thorough.", False),
    ("Children aged 16 and 17 who present as homeless", False),
    ("The committee met on 7 February 2020.", False),
    ("24 The Quality Assurance Framework has improved.", False),
    ("Tel: 03000 268657", False),
])
def test_figures_are_counts_and_rates_not_labels_or_dates(sentence, figure):
    assert has_figure(sentence) is figure


def test_sentence_items_are_verbatim_even_where_the_tagger_normalised_quotes():
    text = "Leaders\u2019 oversight is strong. However, 55% of files lacked it."
    paragraph = {"paragraph_id": "d:1", "doc_id": "d", "title": "T", "page": 3, "number": 12,
                 "date": "2023-05-01", "doc_type": "self-evaluation", "text": text,
                 "sentences": [{"text": "Leaders' oversight is strong.", "stance": "strength"},
                               {"text": "However, 55% of files lacked it.", "stance": "development"}]}
    items = sentence_items(paragraph)
    assert [i["text"] for i in items] == ["Leaders\u2019 oversight is strong.", "However, 55% of files lacked it."]
    assert [i["stance"] for i in items] == ["strength", "development"]
    assert [i["figure"] for i in items] == [False, True]
    assert items[0]["voice"] == "authority" and items[0]["page"] == 3 and items[0]["number"] == 12


def test_a_period_dates_a_document_at_its_end():
    assert when({"date": None, "period": "2023-24"}) == "2024-03-31"
    assert when({"date": "2022-10-21", "period": None}) == "2022-10-21"
    assert when({"date": None, "period": None}) is None


def test_summary_selection_skips_repeats():
    texts = ["Supervision is not frequent enough for social workers.",
             "Supervision is not frequent enough for social workers.",
             "Caseloads fell from 23.2 to 18.2 over the year."]
    chosen = select(texts, [1.0, 0.95, 0.6], 2)
    assert sorted(chosen) == [0, 2]


# -- themes ------------------------------------------------------------------------------

def test_themes_resolve_by_name_judgement_or_criterion():
    assert resolve("front door").id == "front-door"
    assert resolve("Children in need and child protection").id == "cin-cp"
    assert resolve("help-protection").criteria[0] == "hp.early-help"
    assert resolve("hp.assessment").criteria == ("hp.assessment",)
    assert {"front-door", "cin-cp", "care-leavers", "children-in-care"} <= set(THEMES)
    with pytest.raises(ValueError, match="not a theme"):
        resolve("gardening")


# -- answers on the bundled corpus -----------------------------------------------------

def test_darlington_assessment_timeliness_links_inspection_to_self_assessment_figures(kb):
    answer = ask(kb, "What is the timeliness of children and family assessments in Darlington?")
    assert answer.enough
    assert answer.understood.authority == "Darlington"
    assert "hp.assessment" in answer.understood.criteria
    cited = answer.cited()
    assert any(i["doc_id"] == "darlington-ilacs-inspection-2022"
               and "timeliness of children and family assessments" in i["text"] for i in cited)
    assert any(i["doc_id"] == "darlington-self-assessment-2023-24" and "62.7%" in i["text"]
               for i in answer.figures)
    assert all(i["authority"] == "Darlington" for i in cited)


def test_durham_oversight_findings_link_to_the_scrutiny_papers_response(kb):
    answer = ask(kb, "How has Durham responded to the inspection's findings on management oversight?")
    cited = answer.cited()
    assert any("The quality and impact of management oversight, including that of child protection chairs"
               in i["text"] for i in cited)
    assert any(i["doc_id"] == "durham-scrutiny-committee-2020-02-07"
               and "Response to ILACS inspection" in i["section"] for i in cited)


@pytest.mark.parametrize("question", [
    "How do we know management oversight is improving?",
    "What is the timeliness of children and family assessments in Darlington?",
    "What percentage of care leavers in Northumberland have an up to date pathway plan?",
    "What did inspectors find about children\u2019s \u201cstaying put\u201d arrangements?",
])
def test_every_sentence_of_an_answer_is_verbatim_from_a_stored_paragraph(kb, question):
    answer = ask(kb, question)
    assert_verbatim(kb, answer.cited())
    for item in answer.evidence_for:
        assert item["stance"] == "strength"
    for item in answer.evidence_against:
        assert item["stance"] == "development"
    for item in answer.figures:
        assert has_figure(item["text"])


def test_answer_as_data_keeps_the_contract(kb):
    data = ask(kb, "Is supervision of social workers frequent enough?").to_dict()
    assert set(data) == {"question", "understood", "summary", "for", "against", "figures",
                         "criteria_touched", "enough", "message"}
    assert set(data["understood"]) >= {"judgements", "criteria", "terms", "intent", "wants_figures",
                                       "years", "authority"}
    assert data["summary"] and data["against"]
    for item in data["summary"] + data["for"] + data["against"] + data["figures"]:
        assert set(ITEM_KEYS) <= set(item)
    touched = {c["criterion"]: c for c in data["criteria_touched"]}
    assert touched["lead.oversight-supervision"]["from_question"]
    json.dumps(data)


def test_answer_says_plainly_when_it_holds_too_little(kb):
    answer = ask(kb, "What will the weather be in Atlantis next week?")
    assert not answer.enough
    assert "too little" in answer.message
    assert answer.summary == []


def test_answer_respects_the_years_asked_about(kb):
    answer = ask(kb, "What did inspectors say about dental checks in 2030?")
    assert not answer.enough and answer.cited() == []
    answer = ask(kb, "What did the 2016 improvement update say about the timeliness of assessments?")
    assert answer.enough
    assert {i["doc_id"] for i in answer.cited()} == {"darlington-cabinet-improvement-update-2016"}


def test_answer_corrects_the_question_spelling_as_search_does(kb):
    answer = ask(kb, "Is managment oversight of assesments good?")
    assert answer.understood.corrected and "management" in answer.understood.corrected.lower()
    assert answer.enough


def test_answer_rejects_an_authority_the_knowledge_base_does_not_hold(kb):
    with pytest.raises(ValueError, match="no documents from an authority"):
        ask(kb, "How are care leavers supported?", authority="Atlantis")
    answer = ask(kb, "How are care leavers supported?", authority="northumberland")
    assert {i["authority"] for i in answer.cited()} == {"Northumberland"}


def test_empty_question_asks_for_something_to_look_for(kb):
    answer = ask(kb, "   ")
    assert not answer.enough and "names nothing" in answer.message


# -- evidence packs ----------------------------------------------------------------------

def test_pack_for_a_focused_visit_theme(kb):
    result = pack(kb, "children in need and child protection", authority="Darlington")
    assert result.authority == "Darlington"
    assert result.as_of == "2024-03-31" and result.since == "2023-04-01"
    assert result.last_inspection["doc_id"] == "darlington-ilacs-inspection-2022"
    findings = [a.finding["text"] for a in result.open_areas]
    assert any("timeliness of children and family assessments" in f for f in findings)
    assessment = next(s for s in result.sections if s.criterion.id == "hp.assessment")
    assert assessment.inspectors and assessment.ours
    assert any("62.7%" in i["text"] for i in assessment.figures)
    quoted = [a.finding for a in result.open_areas] + [p for a in result.open_areas for p in a.progress]
    for s in result.sections:
        quoted += s.inspectors + s.ours + s.figures
    assert_verbatim(kb, quoted)
    assert all(i["voice"] == "authority" for s in result.sections for i in s.ours)


def test_pack_writes_the_same_content_as_markdown_and_word(kb):
    result = pack(kb, "front door", authority="Darlington")
    markdown = result.to_markdown()
    assert "\n# Evidence pack: The front door" in markdown
    assert "## Gaps" in markdown and "### What inspectors last said" in markdown
    document = docx.Document(io.BytesIO(result.to_docx()))
    text = "\n".join(p.text for p in document.paragraphs)
    for section in result.sections:
        assert f"{section.criterion.title} ({section.criterion.id})" in markdown
        assert f"{section.criterion.title} ({section.criterion.id})" in text
    assert set(result.to_dict()) >= {"theme", "authority", "as_of", "gaps", "open_areas", "criteria"}


def test_pack_marks_gaps_from_the_last_twelve_months(kb):
    result = pack(kb, "care leavers", authority="Darlington", as_of="2030-01-01")
    assert result.gaps and all(s.gap.startswith("no evidence of our own from the last 12 months")
                               or s.gap == "none of our own documents speaks to it" for s in result.sections)
    with pytest.raises(ValueError, match="not a date"):
        pack(kb, "care leavers", authority="Darlington", as_of="soon")


def test_pack_for_an_authority_without_an_inspection_says_so(kb):
    result = pack(kb, "cin-cp", authority="Durham")
    assert result.last_inspection is None and result.open_areas == []
    assert "No inspection report on these criteria is held." in result.to_markdown()


# -- comparisons -------------------------------------------------------------------------

def test_compare_lines_up_our_account_with_inspectors(kb):
    result = compare(kb, "Darlington")
    assert result.authority == "Darlington"
    rows = {r.criterion.id: r for r in result.rows}
    assert len(rows) == 43 and all(r.verdict in VERDICTS for r in rows.values())
    assessment = rows["hp.assessment"]
    assert assessment.ofsted and assessment.ours
    assert assessment.verdict not in ("ofsted-only", "unsupported-claim", "none")
    assert {i["voice"] for i in assessment.ofsted} == {"inspectors"}
    assert {i["voice"] for i in assessment.ours} == {"authority"}
    assert_verbatim(kb, assessment.ofsted + assessment.ours)
    data = result.to_dict()
    assert sum(data["counts"].values()) == 43
    assert {"criterion", "title", "ours", "ofsted", "verdict"} <= set(data["rows"][0])


def test_compare_without_an_inspection_leaves_claims_unsupported(kb):
    result = compare(kb, "Durham")
    verdicts = {r.verdict for r in result.rows}
    assert "unsupported-claim" in verdicts
    assert verdicts <= {"unsupported-claim", "none"}


# -- commands ------------------------------------------------------------------------------

def run_command(home, *argv) -> str:
    parser = argparse.ArgumentParser(prog="kb")
    parser.add_argument("--home")
    register(parser.add_subparsers())
    args = parser.parse_args(["--home", str(home), *argv])
    out = io.StringIO()
    with redirect_stdout(out):
        assert args.func(args) == 0
    return out.getvalue()


def test_ask_command_prints_text_and_json(kb):
    text = run_command(kb.home, "ask", "How", "do", "we", "know", "management", "oversight", "is", "improving?")
    assert "Evidence for:" in text and "[darlington-" in text
    data = json.loads(run_command(kb.home, "ask", "--json", "Are care leavers in education?"))
    assert data["understood"]["criteria"] and data["enough"]


def test_pack_command_writes_markdown_and_word(kb, tmp_path):
    out = run_command(kb.home, "pack", "care leavers", "--authority", "Darlington", "--out", str(tmp_path / "brief.md"))
    assert "\n# Evidence pack: Care leavers" in (tmp_path / "brief.md").read_text("utf-8")
    assert (tmp_path / "brief.docx").read_bytes()[:2] == b"PK"
    assert "wrote" in out


def test_compare_command_prints_verdicts(kb):
    text = run_command(kb.home, "compare", "--authority", "Darlington")
    assert text.startswith("Our account beside inspectors' findings: Darlington")
    assert json.loads(run_command(kb.home, "compare", "--authority", "Darlington", "--json"))["authority"] == "Darlington"


def test_commands_report_mistakes_as_user_errors(kb, tmp_path):
    with pytest.raises(UserError, match="not a theme"):
        run_command(kb.home, "pack", "gardening")
    with pytest.raises(UserError, match="no documents from an authority"):
        run_command(kb.home, "compare", "--authority", "Atlantis")
    with pytest.raises(UserError, match="no documents yet"):
        run_command(tmp_path / "empty", "ask", "anything")
