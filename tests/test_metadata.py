"""describe(): title, type, authority, date, period and grades from a document's own text."""
from indexer.metadata import DocMeta, describe
from indexer.model import Block, RawDocument
from indexer.readers.text import table_block
from indexer.segment import segment


def meta_of(blocks, source="document.pdf", title=None) -> DocMeta:
    raw = RawDocument(blocks, "pdf", title=title)
    return describe(raw, segment(raw), source)


def ilacs_report(grade_rows, headings=()):
    return [
        Block("Inspection of Testshire local authority children\u2019s services", "heading", level=1),
        Block("Inspection dates: 10 October to 21 October 2022", "paragraph"),
        Block("Lead inspector: A. Person, His Majesty\u2019s Inspector", "paragraph"),
        table_block([["Judgement", "Grade"]] + grade_rows),
        Block("Children in Testshire receive a good service.", "paragraph"),
        *[Block(h, "heading", level=2) for h in headings],
        Block("1. The impact of leaders on social work practice with children and families is strong.", "paragraph"),
    ]


def test_ilacs_report_from_its_grade_table():
    meta = meta_of(ilacs_report([
        ["The impact of leaders on social work practice with children and families", "Requires improvement"],
        ["The experiences and progress of children who need help and protection", "Good"],
        ["The experiences and progress of children in care and care leavers", "Outstanding"],
        ["Overall effectiveness", "Requires improvement to be good"],
    ]))
    assert meta.doc_type == "ilacs-inspection"
    assert meta.title == "Inspection of Testshire local authority children's services"
    assert meta.authority == "Testshire"
    assert meta.date == "2022-10-21"
    assert meta.period is None
    assert meta.grades == {
        "leadership": "requires improvement to be good", "help-protection": "good",
        "in-care": "outstanding", "care-leavers": "outstanding", "overall": "requires improvement to be good"}


def test_grades_missing_from_the_table_come_from_section_headings():
    meta = meta_of(ilacs_report(
        [["Overall effectiveness", "Inadequate"]],
        headings=["The experiences and progress of children in care: good",
                  "The experiences and progress of care leavers: inadequate",
                  "The experiences and progress of children who need help and protection are: good"]))
    assert meta.grades == {"overall": "inadequate", "in-care": "good", "care-leavers": "inadequate",
                           "help-protection": "good"}


def test_sif_report_judgements_map_to_framework_ids_and_publication_date_wins():
    meta = meta_of([
        Block("Darlington", "heading", level=1),
        Block("Inspection of services for children in need of help and protection, children looked "
              "after and care leavers", "heading", level=2),
        Block("Inspection date: 27 February 2018 to 22 March 2018", "paragraph"),
        Block("Report published: 21 May 2018", "paragraph"),
        Block("Children's services in Darlington require improvement to be good", "heading", level=2),
        table_block([["1. Children who need help and protection", "Requires improvement to be good"],
                     ["2. Children looked after and achieving permanence", "Requires improvement to be good"],
                     ["2.1 Adoption performance", "Good"],
                     ["2.2 Experiences and progress of care leavers", "Good"],
                     ["3. Leadership, management and governance", "Inadequate"]]),
        Block("Overall effectiveness: good", "list_item"),   # a previous inspection, listed later
    ], source="darlington-2018.pdf", title="Darlington SIF report LI post FAC amendments final")
    assert meta.doc_type == "sif-inspection"
    assert meta.title == ("Darlington: Inspection of services for children in need of help and protection, "
                          "children looked after and care leavers")
    assert meta.authority == "Darlington"
    assert meta.date == "2018-05-21"
    assert meta.grades == {"help-protection": "requires improvement to be good",
                           "in-care": "requires improvement to be good", "adoption": "good",
                           "care-leavers": "good", "leadership": "inadequate",
                           "overall": "requires improvement to be good"}


def test_committee_paper_type_authority_and_labelled_date():
    meta = meta_of([
        Block("Children and Young People's Overview and Scrutiny Committee", "heading", level=1),
        Block("Date: Friday 7 February 2020", "paragraph"),
        Block("Report of the Corporate Director of Children's Services", "paragraph"),
        Block("Purpose of the report", "heading", level=2),
        Block("1. To update members on the response to the inspection carried out in September 2019 "
              "by Ofsted. Durham is making good progress.", "paragraph"),
        Block("2. Members are asked to note the work of Durham County Council since the visit.", "paragraph"),
        Block("3. Hartlepool Council reviewed one of our audits.", "paragraph"),
    ])
    assert meta.doc_type == "committee-report"
    assert meta.authority == "Durham"
    assert meta.date == "2020-02-07"
    assert meta.grades == {}


def test_self_assessment_period_and_a_name_only_first_heading():
    meta = meta_of([
        Block("Testshire Children's Services", "heading", level=1),
        Block("Self-Assessment 2023-24", "heading", level=1),
        Block("This self-assessment sets out how Testshire County Council knows its children. "
              "Overall effectiveness: outstanding.", "paragraph"),
    ])
    assert meta.title == "Testshire Children's Services: Self-Assessment 2023-24"
    assert meta.doc_type == "self-evaluation"
    assert meta.period == "2023-24"
    assert meta.authority == "Testshire"
    assert meta.grades == {}   # an authority's own view is not an inspection grade


def test_file_name_is_a_weak_hint_and_the_last_resort_title():
    blocks = [Block("Notes from the team away day, with thanks to everyone who came.", "paragraph")]
    assert meta_of(blocks, source="/tmp/service-plan-draft.docx").doc_type == "service-plan"
    meta = meta_of(blocks, source="/tmp/notes.txt", title="Microsoft Word - notes.docx")
    assert meta.doc_type == "other"
    assert meta.title == "Notes from the team away day, with thanks to everyone who came."
    assert meta.date is None and meta.authority is None
    assert meta_of([], source="/tmp/empty-notes.txt").title == "empty-notes"
