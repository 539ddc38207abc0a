"""describe() on the layouts of older Ofsted reports: the single inspection framework's
(SIF, 2013 to 2018) grade tables, summary sentences and section statements, the first
ILACS reports, and reports from before the SIF; titles broken over lines. Wording is made
up for the tests; "Testshire" is no real authority."""
from test_pdf import make_pdf, text_lines

from indexer.metadata import describe
from indexer.model import Block, RawDocument
from indexer.readers.pdf import read_pdf
from indexer.readers.text import table_block
from indexer.segment import segment
from kb import framework

RI = "requires improvement to be good"
SIF_TITLE = ("Inspection of services for children in need of help and protection, children looked "
             "after and care leavers")


def meta_of(blocks, source="report.pdf"):
    raw = RawDocument(blocks, "pdf")
    return describe(raw, segment(raw), source)


def front(*blocks, page=1):
    """Blocks of a report's first page, then one body paragraph on the next."""
    for b in blocks:
        b.page = page
    body = Block("1. Inspectors read the records of sixty children and met their social workers.",
                 "paragraph", page=page + 1)
    return [*blocks, body]


def sif_heading(name="London Borough of Testshire"):
    return [Block(name, "heading", level=1), Block(SIF_TITLE, "heading", level=2)]


def test_2013_layout_overall_sentence_numbered_table_and_lscb_sentence_over_two_lines():
    meta = meta_of(front(
        *sif_heading(),
        Block("and", "heading", level=3),
        Block("Review of the effectiveness of the local safeguarding children board", "heading", level=2),
        Block("Inspection dates: 4 November to 28 November 2013", "paragraph"),
        Block("The overall judgement is requires improvement.", "heading", level=2),
        Block("Nothing inspectors saw left a child at risk of harm, but help is not yet good.", "paragraph"),
        table_block([["1. Children who need help and protection", "Good"],
                     ["2. Children looked after and achieving permanence", "Requires improvement"],
                     ["2.1 Adoption performance", "Requires improvement"],
                     ["2.2 Experiences and progress of care leavers", "Good"],
                     ["3. Leadership, management and governance", "Good"]]),
        Block("The effectiveness of the Local Safeguarding Children Board (LSCB) is", "heading", level=2),
        Block("good.", "heading", level=2),
        Block("The board knows how well partners protect children.", "paragraph"),
    ))
    assert meta.doc_type == "sif-inspection"
    assert meta.date == "2013-11-28"
    assert meta.grades == {"overall": RI, "help-protection": "good", "in-care": RI, "adoption": RI,
                           "care-leavers": "good", "leadership": "good", "lscb": "good"}


def test_2014_layout_judgements_split_between_lines_and_a_table_lscb_in_its_own_section():
    blocks = front(
        *sif_heading("Testshire"),
        Block("Report published: 3 March 2015", "paragraph"),
        Block("The overall judgement is that children's services require improvement", "heading", level=2),
        Block("The judgements on areas of the service that contribute to overall effectiveness are:", "paragraph"),
        Block("1. Children who need help and protection Requires Improvement", "paragraph"),
        table_block([["2. Children looked after and achieving permanence", "Good"],
                     ["2.1 Adoption performance", "Good"]]),
        Block("2.2 Experiences and progress of care leavers Good", "paragraph"),
        Block("3. Leadership, management and governance Requires Improvement", "paragraph"),
    )
    blocks += [Block("The Local Safeguarding Children Board (LSCB)", "heading", level=1, page=30),
               Block("The Local Safeguarding Children Board requires improvement", "heading", level=2, page=30),
               Block("The LSCB requires improvement because:", "heading", level=3, page=30),
               # The closing pages describe every grade: none of this is the board's.
               Block("An LSCB that is good coordinates what partners do and checks it works.", "paragraph", page=40),
               Block("The LSCB is likely to be inadequate if the following applies:", "heading", level=3, page=40),
               Block("An LSCB requires improvement if it does not yet show the characteristics of good.",
                     "paragraph", page=40)]
    meta = meta_of(blocks)
    assert meta.date == "2015-03-03"
    assert meta.grades == {"overall": RI, "help-protection": RI, "in-care": "good", "adoption": "good",
                           "care-leavers": "good", "leadership": RI, "lscb": RI}


def test_2016_layout_grade_in_the_name_cell_and_sub_judgements_stated_in_their_sections():
    blocks = front(
        *sif_heading(),
        Block("Report published: 7 July 2016", "paragraph"),
        # As the PDF reader gives it: the summary's row keeps its empty grade cell.
        Block("Children's services in Testshire are inadequate | \n1. Children who need help and protection"
              " | Inadequate", "table", rows=[["Children's services in Testshire are inadequate", ""],
                                              ["1. Children who need help and protection", "Inadequate"]]),
        Block("2. Children looked after and achieving permanence Inadequate", "paragraph"),
        Block("2.1 Adoption performance Requires improvement", "paragraph"),
        Block("2.2 Experiences and progress of care leavers Requires improvement", "paragraph"),
        table_block([["3. Leadership, management and governance", "Inadequate"]]),
    )
    blocks += [Block("The graded judgement for adoption performance is that it requires improvement",
                     "heading", level=2, page=20),
               Block("The graded judgement about the experience and progress of care leavers is that it "
                     "requires improvement", "heading", level=2, page=22),
               Block("The Local Safeguarding Children Board is outstanding Executive summary",
                     "heading", level=2, page=30),
               Block("The Local Safeguarding Children Board is inadequate, as it does not do its duties.",
                     "paragraph", page=31)]
    meta = meta_of(blocks)
    assert meta.grades == {"overall": "inadequate", "help-protection": "inadequate", "in-care": "inadequate",
                           "adoption": RI, "care-leavers": RI, "leadership": "inadequate",
                           "lscb": "outstanding"}


def test_sub_judgements_only_in_their_sections_and_a_grade_broken_over_lines():
    blocks = front(
        *sif_heading("Testshire County Council"),
        Block("Children's services in Testshire require improvement to be", "heading", level=2),
        Block("good", "heading", level=2),
        Block("1. Children who need help and protection", "paragraph"),
        Block("Requires", "paragraph"), Block("improvement to be", "paragraph"), Block("good", "paragraph"),
        Block("2. Children looked after and achieving permanence Good", "paragraph"),
        Block("3. Leadership, management and governance Good", "paragraph"),
    )
    blocks += [Block("The graded judgement for adoption performance is good", "heading", level=2, page=18),
               Block("The graded judgement for the experiences and progress of care leavers is that it is "
                     "Outstanding.", "heading", level=2, page=20),
               Block("The effectiveness of the LSCB is good", "heading", level=2, page=27)]
    meta = meta_of(blocks)
    assert meta.grades == {"overall": RI, "help-protection": RI, "in-care": "good", "leadership": "good",
                           "adoption": "good", "care-leavers": "outstanding", "lscb": "good"}


def test_a_sub_judgement_not_judged_gets_no_grade():
    blocks = front(
        *sif_heading("City of Testshire"),
        Block("Children's services in the City of Testshire are good", "heading", level=2),
        table_block([["1. Children who need help and protection", "Good"],
                     ["2. Children looked after and achieving permanence", "Good"],
                     ["2.1 Adoption performance", "Not judged"],
                     ["2.2 Experiences and progress of care leavers", "Good"],
                     ["3. Leadership, management and governance", "Outstanding"]]),
    )
    blocks.append(Block("The graded judgement for adoption performance At the time of the inspection no "
                        "child had been adopted, so it was not graded.", "paragraph", page=12))
    meta = meta_of(blocks)
    assert "adoption" not in meta.grades
    assert meta.grades["overall"] == "good" and meta.grades["leadership"] == "outstanding"


def test_previous_inspections_quoted_later_do_not_replace_the_front_page_grades():
    blocks = front(
        *sif_heading("Metropolitan Borough of Testshire"),
        Block("Children's services in Testshire are good", "paragraph"),
        table_block([["1. Children who need help and protection", "Good"],
                     ["2. Children looked after and achieving permanence", "Requires improvement"],
                     ["3. Leadership, management and governance", "Good"]]),
    )
    blocks += [Block("Previous Ofsted inspections", "heading", level=2, page=5),
               Block("Overall effectiveness: inadequate", "list_item", page=5),
               Block("Leadership, management and governance were judged to be inadequate", "list_item", page=5)]
    meta = meta_of(blocks)
    assert meta.grades == {"overall": "good", "help-protection": "good", "in-care": RI, "leadership": "good"}


def test_first_ilacs_layout_read_from_the_front_page_when_no_table_is_recognised():
    meta = meta_of(front(
        Block("Testshire Metropolitan Borough Council", "heading", level=1),
        Block("Inspection of children's social care services", "heading", level=2),
        Block("Inspection dates: 4 June to 15 June 2018", "paragraph"),
        Block("Lead inspector: A. Person HMI", "paragraph"),
        Block("Judgement Grade", "paragraph"),
        Block("The experiences and progress of children who need help and protection", "paragraph"),
        Block("Requires improvement", "paragraph"),
        Block("The experiences and progress of children in care and care leavers Outstanding", "paragraph"),
        Block("The impact of leaders on social work practice with children and families Good", "paragraph"),
        Block("Overall effectiveness Good", "paragraph"),
        Block("Leaders have improved social work since the last inspection.", "paragraph"),
    ))
    assert meta.doc_type == "ilacs-inspection"
    assert meta.title == "Testshire Metropolitan Borough Council: Inspection of children's social care services"
    assert meta.date == "2018-06-15"
    assert meta.grades == {"help-protection": RI, "in-care": "outstanding", "care-leavers": "outstanding",
                           "leadership": "good", "overall": "good"}


def test_a_sif_front_page_read_from_a_pdf():
    lines = [(72, 780, "London Borough of Testshire", 26, False)]
    lines += text_lines(["Inspection of services for children in need of help and",
                         "protection, children looked after and care leavers"], 740, size=16)
    lines += text_lines(["Inspection date: 12 June 2017 to 6 July 2017", "Report published: 25 August 2017"], 690)
    lines += text_lines(["Children's services in Testshire are good"], 650, size=14, bold=True)
    rows = [("1. Children who need help and protection", "Good"),
            ("2. Children looked after and achieving permanence", "Requires improvement"),
            ("2.1 Adoption performance", "Good"),
            ("2.2 Experiences and progress of care leavers", "Outstanding"),
            ("3. Leadership, management and governance", "Good")]
    for i, (name, grade) in enumerate(rows):
        lines += [(72, 610 - 20 * i, name, 12, False), (400, 610 - 20 * i, grade, 12, False)]
    raw = read_pdf(make_pdf([lines]))
    meta = describe(raw, segment(raw), "testshire.pdf")
    assert meta.doc_type == "sif-inspection"
    assert meta.title == f"London Borough of Testshire: {SIF_TITLE}"
    assert meta.date == "2017-08-25"
    assert meta.grades == {"overall": "good", "help-protection": "good", "in-care": RI, "adoption": "good",
                           "care-leavers": "outstanding", "leadership": "good"}


# -- titles ------------------------------------------------------------------------------------

def test_a_title_broken_over_lines_is_read_whole_and_a_second_report_is_left_out():
    meta = meta_of(front(
        Block("Testshire Metropolitan Borough", "heading", level=1),
        Block("Council", "heading", level=1),
        Block("Inspection of services for children in need of help and", "heading", level=2),
        Block("protection, children looked after and care leavers", "heading", level=2),
        Block("and Review of the effectiveness of the Local Safeguarding", "heading", level=3),
        Block("Children Board", "heading", level=2),
        Block("Inspection date: 1 May 2015 to 21 May 2015", "paragraph"),
    ))
    assert meta.title == f"Testshire Metropolitan Borough Council: {SIF_TITLE}"
    assert meta.authority == "Testshire"


def test_an_ilacs_title_broken_where_no_word_says_so():
    meta = meta_of(front(
        Block("Inspection of Testshire County", "heading", level=1),
        Block("Council local authority children's", "heading", level=1),
        Block("services", "heading", level=1),
        Block("Inspection dates: 20 to 24 May 2024", "paragraph"),
        Block("Lead inspector: A. Person, His Majesty's Inspector", "paragraph"),
    ))
    assert meta.title == "Inspection of Testshire County Council local authority children's services"
    assert meta.doc_type == "ilacs-inspection"


def test_a_heading_that_is_a_whole_title_is_not_run_into_the_next():
    meta = meta_of([
        Block("Early help strategy", "heading", level=1),
        Block("Our priorities for families", "heading", level=2),
        Block("We will help families sooner, with partners.", "paragraph"),
    ])
    assert meta.title == "Early help strategy: Our priorities for families"   # a short name-like heading
    meta = meta_of([
        Block("Testshire's strategy for early help in every town", "heading", level=1),
        Block("Our priorities for families", "heading", level=2),
        Block("We will help families sooner, with partners.", "paragraph"),
    ])
    assert meta.title == "Testshire's strategy for early help in every town"
    meta = meta_of([
        Block("Help for children in need", "heading", level=1),
        Block("Child protection plans", "heading", level=2),
        Block("Plans are reviewed on time.", "paragraph"),
    ])
    assert meta.title == "Help for children in need"


# -- types -------------------------------------------------------------------------------------

def test_a_safeguarding_and_looked_after_children_inspection_is_an_ofsted_report_before_the_sif():
    meta = meta_of(front(
        Block("Inspection of safeguarding and looked after children services", "heading", level=1),
        Block("Testshire County Council", "heading", level=2),
        Block("Inspection dates: 10 January to 21 January 2011", "paragraph"),
        Block("Reporting inspector: A. Person HMI", "paragraph"),
        Block("The council's scrutiny committee is recommended to review the report of the inspection; "
              "it is recommended that the cabinet agree an action plan.", "paragraph"),
    ))
    assert meta.doc_type == "pre-sif-inspection"
    assert framework.doc_type(meta.doc_type).voice == "inspectors"
    assert meta.authority == "Testshire"
    assert meta.date == "2011-01-21"
    assert meta.grades == {}   # graded on another scale ("adequate"), not the framework's


def test_a_2013_child_protection_inspection_is_never_a_committee_paper():
    meta = meta_of(front(
        Block("Testshire County Council", "heading", level=1),
        Block("Inspection of local authority arrangements for the protection of children", "heading", level=2),
        Block("Inspection dates: 11 March to 20 March 2013", "paragraph"),
        Block("Lead inspector: A. Person", "paragraph"),
        Block("Report of the inspection, for the committee: members are asked to note it. The "
              "council's cabinet and scrutiny committee receive it.", "paragraph"),
    ))
    assert meta.doc_type == "pre-sif-inspection"


def test_an_unannounced_inspection_of_the_front_door_is_a_report_before_the_sif_with_no_period():
    meta = meta_of(front(
        Block("Unannounced inspection of local authority contact, referral and assessment "
              "arrangements", "heading", level=1),
        Block("Testshire County Council", "heading", level=2),
        Block("Inspection dates: 5 and 6 July 2011", "paragraph"),
        Block("Inspectors looked at the referrals of 2010-11 and the plan for 2011-12.", "paragraph"),
    ))
    assert meta.doc_type == "pre-sif-inspection"
    assert meta.period is None and meta.date == "2011-07-06"


def test_an_inspectors_report_naming_no_framework_is_typed_by_its_date():
    def report(dates):
        return front(Block("Testshire", "heading", level=1),
                     Block(f"Inspection dates: {dates}", "paragraph"),
                     Block("Lead inspector: A. Person", "paragraph"),
                     Block("The committee's agenda and scrutiny of the cabinet were reviewed.", "paragraph"))
    assert meta_of(report("1 to 12 October 2012")).doc_type == "pre-sif-inspection"
    assert meta_of(report("1 to 12 October 2015")).doc_type == "sif-inspection"
    assert meta_of(report("1 to 12 October 2021")).doc_type == "ilacs-inspection"


# -- the framework's ids -----------------------------------------------------------------------

def test_older_judgements_are_grade_keys_and_not_judgement_areas():
    assert framework.GRADE_KEYS[:5] == ("help-protection", "in-care", "care-leavers", "leadership", "overall")
    assert {"adoption", "lscb"} <= set(framework.GRADE_KEYS)
    assert not {"adoption", "lscb"} & set(framework.JUDGEMENT_IDS)
    adoption = next(j for j in framework.older_judgements() if j.id == "adoption")
    assert adoption.part_of == "in-care" and adoption.framework == "sif-inspection"
    assert framework.graded_title("lscb").startswith("The effectiveness of the Local Safeguarding")
    assert {"ilacs-inspection", "sif-inspection", "pre-sif-inspection"} <= framework.INSPECTOR_DOC_TYPES
    for j in framework.older_judgements():
        assert j.framework in framework.DOC_TYPE_IDS
        assert j.part_of is None or j.part_of in framework.JUDGEMENT_IDS


def test_the_glossary_knows_older_reports_acronyms_and_keeps_its_format():
    lines = (framework.DATA / "glossary.tsv").read_text("utf-8").splitlines()
    assert lines[0] == "acronym\texpansion"
    assert all(line.count("\t") == 1 and line == line.strip() for line in lines)
    pairs = framework.glossary()
    assert len(set(pairs)) == len(pairs) == len(lines) - 1
    known = dict(reversed(pairs))   # an acronym's first expansion
    for acronym in ("LSCB", "CSE", "LAC", "CAF", "CDOP", "SCR", "MARAC", "MAPPA", "CP", "CIN", "DCS"):
        assert known[acronym]
    assert known["MARAC"] == "multi-agency risk assessment conference"
    assert ("HMI", "Her Majesty's Inspector") in pairs and ("HMI", "His Majesty's Inspector") in pairs
