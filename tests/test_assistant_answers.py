"""What the assistant's answers hold: the newest inspection's own improvement points for
"what needs to improve?", grades from the grades for grade questions, newer evidence
before older, each sentence once and on its stance's side, figures that measure, and no
fragments, headings or table debris. Small documents of two authorities, written here."""
from __future__ import annotations

import re

import pytest

from kb.assistant import ask
from kb.assistant.figures import measures, period
from kb.assistant.sentences import has_figure, is_statement, sentence_items
from kb.kb import KnowledgeBase


def inspection(name: str, dates: str, grade: str, points: list[str], findings: list[str]) -> str:
    listed = "\n".join(f"- {p}" for p in points)
    numbered = "\n\n".join(f"{n}. {f}" for n, f in enumerate(findings, 1))
    return f"""Inspection of {name} local authority children's services

Inspection dates: {dates}

Judgement\tGrade
The impact of leaders on social work practice with children and families\t{grade}
The experiences and progress of children who need help and protection\t{grade}
The experiences and progress of children in care\t{grade}
The experiences and progress of care leavers\t{grade}
Overall effectiveness\t{grade}

What needs to improve?

{listed}

The experiences and progress of children who need help and protection: {grade.lower()}

{numbered}
"""


NEW_POINTS = ["The timeliness of return home interviews for children who go missing.",
              "The quality and frequency of supervision for social workers needs to improve."]
OLD_POINTS = ["The quality of management oversight of child protection plans.",
              "The sufficiency of foster carers for older children."]
NORTHSHIRE_2024 = inspection(
    "Northshire", "4 March to 15 March 2024", "Requires improvement to be good", NEW_POINTS,
    ["Management oversight of child protection plans is now regular and well recorded in Northshire.",
     "Supervision of social workers in Northshire is not frequent enough, and records of it are brief.",
     "There is rigorous management oversight of pre-proceedings through senior panels. This means that when "
     "risk to children escalates, children's plans do not drift."])
NORTHSHIRE_2019 = inspection(
    "Northshire", "7 May to 18 May 2019", "Inadequate", OLD_POINTS,
    ["Management oversight of child protection plans in Northshire is weak and decisions are not recorded.",
     "Supervision of social workers in Northshire is infrequent and does not challenge practice."])
SOUTHSHIRE_2023 = inspection(
    "Southshire", "5 June to 16 June 2023", "Good", ["The timeliness of initial health assessments."],
    ["Supervision of social workers in Southshire is regular and reflective."])
NORTHSHIRE_SELF_EVALUATION = """# Northshire Council children's services self-evaluation 2024-25

## Supervision and management oversight

In 2024-25, 78% of supervisions of social workers took place within timescales, up from 61% the year before.

The co-location of early help and social work teams, in 14 localities across Northshire, supports management oversight of supervision.

At the end of March 2025, 146 children were subject to a child protection plan, a rate of 65.6 per 10,000 children.

Strategy discussions about child protection are held within 2 working days of a referral that needs one, with management oversight.
"""


def build(home, *files) -> KnowledgeBase:
    kb = KnowledgeBase(home)
    for name, text in files:
        outcome, _ = kb.ingest_bytes(text.encode(), name)
        assert outcome == "added", (name, outcome)
    return kb


@pytest.fixture
def two_authorities(tmp_path):
    kb = build(tmp_path / "kb",
               ("northshire-ilacs-2024.txt", NORTHSHIRE_2024),
               # The same report held again, as Markdown: its sentences are shown once.
               ("northshire-ilacs-2024-copy.md", NORTHSHIRE_2024 + "\nA copy kept for the team briefing folder.\n"),
               ("northshire-ilacs-2019.txt", NORTHSHIRE_2019),
               ("southshire-ilacs-2023.txt", SOUTHSHIRE_2023),
               ("northshire-self-evaluation-2024-25.md", NORTHSHIRE_SELF_EVALUATION))
    yield kb
    kb.close()


def shown(answer) -> list[dict]:
    return answer.summary + answer.evidence_for + answer.evidence_against + answer.figures


def flat(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


# -- what needs to improve -----------------------------------------------------------------

def test_what_needs_to_improve_leads_with_the_newest_reports_own_points(two_authorities):
    answer = ask(two_authorities, "What needs to improve in Northshire?")
    against = [flat(i["text"]) for i in answer.evidence_against]
    assert against[:2] == [flat(p) for p in NEW_POINTS]
    assert not any(flat(p) in " ".join(against) for p in OLD_POINTS)      # superseded
    assert answer.evidence_for == [] and answer.summary == []
    assert all(i["authority"] == "Northshire" for i in shown(answer))
    assert "2024" in answer.message and "lists 2" in answer.message


def test_improvement_points_are_the_named_authoritys_not_the_newest_anyones(two_authorities):
    answer = ask(two_authorities, "What needs to improve in Southshire?")
    assert [i["text"] for i in answer.evidence_against][:1] == ["The timeliness of initial health assessments."]
    assert {i["authority"] for i in answer.cited()} == {"Southshire"}


# -- grades --------------------------------------------------------------------------------

def test_grade_question_is_answered_from_the_latest_inspections_grades(two_authorities):
    answer = ask(two_authorities, "What grade did Northshire get at its last inspection?")
    texts = [i["text"] for i in answer.summary]
    assert texts[0] == "Overall effectiveness: Requires improvement to be good"
    assert len(texts) == 5 and not any("|" in t or "Judgement" in t or "\t" in t for t in texts)
    assert {i["date"] for i in answer.summary} == {"2024-03-15"}
    assert "2024-03-15" in answer.message and "improved from inadequate (the inspection of 2019-05-18)" in answer.message
    assert answer.enough and answer.evidence_for == [] and answer.evidence_against == []


def test_how_was_a_judgement_judged_puts_that_judgement_first(two_authorities):
    answer = ask(two_authorities, "How was help and protection judged in Southshire?")
    assert answer.summary[0]["text"] == "The experiences and progress of children who need help and protection: Good"
    assert {i["authority"] for i in answer.summary} == {"Southshire"}


# -- recency, one side, once -------------------------------------------------------------

def test_newer_evidence_comes_before_older_and_each_sentence_is_shown_once(two_authorities):
    answer = ask(two_authorities, "Is supervision of social workers in Northshire frequent enough?")
    items = shown(answer)
    keys = [flat(i["text"]) for i in items]
    assert len(keys) == len(set(keys))                                 # the copy adds nothing
    for i in answer.evidence_for:
        assert i["stance"] == "strength"
    for i in answer.evidence_against:
        assert i["stance"] == "development"
    against = [i["date"] for i in answer.evidence_against]
    assert against, "the 2019 and 2024 findings on supervision are both evidence against"
    assert against == sorted(against, reverse=True)
    assert all(i["date"] for i in items)


def test_a_sentence_that_points_back_is_shown_with_what_it_points_to(two_authorities):
    answer = ask(two_authorities, "How do leaders oversee pre-proceedings so that children's plans do not drift?")
    texts = [i["text"] for i in shown(answer)]
    assert any(t.startswith("There is rigorous management oversight") and "This means that" in t for t in texts)
    assert not any(t.startswith("This means") for t in texts)


# -- figures -------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, expected", [
    ("At the end of March 2025, 146 children were subject to a child protection plan, a rate of 65.6 per 10,000 "
     "children.", ["146 children", "65.6 per 10,000"]),
    ("In 2024-25, 78% of supervisions took place within timescales.", ["78%"]),
    ("Strategy discussions are held within 2 working days of a referral.", ["2 working days"]),
    ("The total number of missing episodes in 2023/24 was 423.", ["423"]),
    ("Four in five care leavers are in education, employment or training.", ["Four in five"]),
    ("Teams work in 14 localities across the county.", []),
    ("Section 47 enquiries are thorough (see page 12, paragraph 14).", []),
    ("The inspection took place on 7 February 2024.", []),
    ("In the last 12 months, supervision has become more regular.", []),
])
def test_figures_are_measures_not_places_labels_or_dates(sentence, expected):
    assert measures(sentence) == expected
    assert has_figure(sentence) is bool(expected)


def test_a_figure_carries_the_period_its_sentence_gives():
    assert period("At the end of March 2025, 146 children were on plans.") == "At the end of March 2025"
    assert period("In 2024-25, 78% of supervisions were on time.") == "In 2024-25"
    assert period("146 children were on plans.") is None


def test_answer_figures_are_measures_with_their_period(two_authorities):
    answer = ask(two_authorities, "How many children in Northshire are on child protection plans?")
    # The summary may state the figure itself; it is not repeated under Figures then.
    figure = next(i for i in answer.summary + answer.figures if "146 children" in i["text"])
    assert figure["measures"] == ["146 children", "65.6 per 10,000"]
    assert figure["period"] == "At the end of March 2025"
    assert figure["figure"] and not any("14 localities" in i["text"] for i in answer.figures)


# -- no fragments, headings or table debris ------------------------------------------------

@pytest.mark.parametrize("text, ok", [
    ("Supervision of social workers is regular and reflective.", True),
    ("What needs to improve?", False),
    ("Judgement | Grade", False),
    ("| Improve the timeliness and recording of supervision.", False),
    ("and the frequency of supervision is too low.", False),
    ("Help and protection", False),
])
def test_only_statements_are_quoted(text, ok):
    assert is_statement(text) is ok


def test_table_cells_are_quoted_by_cell_with_their_columns_stance():
    paragraph = {"paragraph_id": "d:3", "doc_id": "d", "title": "Self-assessment", "date": "2024-03-31",
                 "doc_type": "self-evaluation", "kind": "table",
                 "text": "Areas of strength | Areas for development\n"
                         "Assessments are strong and consider history | Improve the timeliness of supervision records.",
                 "rows": [["Areas of strength", "Areas for development"],
                          ["Assessments are strong and consider history",
                           "Improve the timeliness of supervision records."]]}
    items = sentence_items(paragraph, whole=True)
    assert [(i["text"], i["stance"]) for i in items] == [
        ("Assessments are strong and consider history", "strength"),
        ("Improve the timeliness of supervision records.", "development")]
    grades = dict(paragraph, text="Judgement | Grade\nOverall effectiveness | Good",
                  rows=[["Judgement", "Grade"], ["Overall effectiveness", "Good"]])
    assert sentence_items(grades, whole=True) == []


def test_no_answer_quotes_a_heading_a_fragment_or_table_debris(two_authorities):
    for question in ("What needs to improve in Northshire?", "How is management oversight in Northshire?",
                     "How many children in Northshire are on child protection plans?"):
        for item in shown(ask(two_authorities, question)):
            text = item["text"].strip()
            assert not text.startswith("|") and "\t" not in text and not text.endswith("?")
            assert len(text.split()) >= 5 and not text[0].islower()


def test_with_no_inspection_report_held_an_own_papers_list_of_areas_for_development_leads(tmp_path):
    kb = KnowledgeBase(tmp_path / "home")
    paper = ("Westshire Council Cabinet report 2025\n\nDate: 3 March 2025\n\n## Areas for development\n\n"
             "The timeliness of reviews for children who move home.\n\n"
             "The quality of supervision records for social workers.\n\n## Progress\n\n"
             "Caseloads have fallen and staff morale is good.\n")
    kb.ingest_bytes(paper.encode(), "westshire-cabinet-report-2025.md")
    answer = ask(kb, "What needs to improve in Westshire?")
    texts = [i["text"] for i in answer.evidence_against]
    assert texts[:2] == ["The timeliness of reviews for children who move home.",
                         "The quality of supervision records for social workers."]
    assert answer.message.startswith("No inspection report held lists what needs to improve")
    kb.close()
