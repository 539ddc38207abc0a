"""segment(): blocks of any format to paragraphs with trails, numbers and boilerplate marks."""
from indexer.model import Block, RawDocument
from indexer.readers.text import table_block
from indexer.segment import segment


def doc(*blocks):
    return RawDocument(list(blocks), "text")


def heading(text, level):
    return Block(text, "heading", level=level)


def para(text, page=None):
    return Block(text, "paragraph", page=page)


def test_heading_trail_nests_and_unwinds_and_headings_are_not_paragraphs():
    paragraphs = segment(doc(
        heading("Inspection of Testshire", 1),
        para("Summary text."),
        heading("Care leavers", 2),
        heading("Areas for development", 3),
        para("Pathway plans are not always updated."),
        heading("Leadership", 2),
        para("Leaders know their services."),
        Block("   ", "paragraph"),
    ))
    assert [(p.seq, p.section, p.text) for p in paragraphs] == [
        (0, ["Inspection of Testshire"], "Summary text."),
        (1, ["Inspection of Testshire", "Care leavers", "Areas for development"],
         "Pathway plans are not always updated."),
        (2, ["Inspection of Testshire", "Leadership"], "Leaders know their services."),
    ]


def test_numbers_in_sequence_are_taken_off_the_text():
    paragraphs = segment(doc(
        para("1. Children benefit from early help."),
        para("2. Strategy meetings are timely."),
        para("3.Assessments are thorough."),
        para("4. Plans are specific."),
    ))
    assert [(p.number, p.text) for p in paragraphs] == [
        (1, "Children benefit from early help."), (2, "Strategy meetings are timely."),
        (3, "Assessments are thorough."), (4, "Plans are specific.")]


def test_a_lone_year_or_a_list_inside_numbered_paragraphs_is_not_numbering():
    paragraphs = segment(doc(
        para("2020. A year to remember for the service."),
        para("5. The council agreed two actions."),
        Block("1. Recruit more foster carers.", "list_item"),
        Block("2. Open a second family hub.", "list_item"),
        para("6. Progress will be reported to scrutiny."),
        para("7. Members are asked to note the report."),
        para("8.5 million pounds was invested."),
    ))
    assert [p.number for p in paragraphs] == [None, 5, None, None, 6, 7, None]
    assert paragraphs[0].text.startswith("2020.")
    assert paragraphs[2].text == "1. Recruit more foster carers."


def test_a_paragraph_cut_by_a_page_break_is_joined_but_not_across_a_heading():
    paragraphs = segment(doc(
        para("Professionally curious social workers undertake detailed assessments of children's", page=1),
        para("needs. However, workflow systems slow them down.", page=2),
        para("Leaders have responded to this with a new system that is being assess-", page=2),
        para("ments of need are now quicker.", page=3),
        heading("Children in care", 2),
        para("lower-case start after a heading stays apart."),
        para("A complete sentence."),
        para("another complete sentence stays apart."),
    ))
    assert [(p.text, p.page) for p in paragraphs] == [
        ("Professionally curious social workers undertake detailed assessments of children's needs. "
         "However, workflow systems slow them down.", 1),
        ("Leaders have responded to this with a new system that is being assessments of need are now quicker.", 2),
        ("lower-case start after a heading stays apart.", None),
        ("A complete sentence.", None),
        ("another complete sentence stays apart.", None),
    ]


def test_list_item_continued_after_a_page_break_but_next_item_kept_separate():
    paragraphs = segment(doc(
        Block("The quality of plans for children in care and for", "list_item", page=1),
        para("care leavers.", page=2),
        Block("timeliness of reviews", "list_item", page=2),
    ))
    assert [(p.kind, p.text) for p in paragraphs] == [
        ("list_item", "The quality of plans for children in care and for care leavers."),
        ("list_item", "timeliness of reviews")]


def test_ofsted_closing_page_is_boilerplate_and_kept():
    paragraphs = segment(doc(
        para("52. Social workers are proud of their work."),
        para("The Office for Standards in Education, Children's Services and Skills (Ofsted) regulates "
             "and inspects to achieve excellence in the care of children and young people."),
        para("You may reuse this information (not including logos) free of charge in any format or "
             "medium, under the terms of the Open Government Licence."),
        para("Piccadilly Gate Store Street Manchester M1 2WD"),
        para("T: 0300 123 1231 Textphone: 0161 618 8524 E: enquiries@ofsted.gov.uk"),
        para("\u00a9 Crown copyright 2024"),
    ))
    assert [p.boilerplate for p in paragraphs] == [False, True, True, True, True, True]
    assert len(paragraphs) == 6


def test_committee_implications_with_nothing_to_say_are_boilerplate():
    rows = [["Carbon Impact", "This report has no implications for Carbon Impact."],
            ["Diversity", "This report has no implications for Diversity."],
            ["Key Decision", "This is not a key decision."],
            ["Health and Well Being", "This report has implications for vulnerable children."]]
    paragraphs = segment(doc(
        para("The report updates members on progress since the inspection."),
        table_block(rows),
        heading("Appendix 1: Implications", 2),
        heading("Legal Implications", 3),
        para("The framework helps the council carry out its statutory functions."),
        heading("Climate Change", 3),
        para("None."),
        para("Staffing: no implications."),
    ))
    assert [(p.kind, p.boilerplate) for p in paragraphs] == [
        ("paragraph", False), ("table", True), ("paragraph", False), ("paragraph", True), ("paragraph", True)]
    assert paragraphs[1].rows == rows
    assert paragraphs[3].section == ["Appendix 1: Implications", "Climate Change"]


def test_ligatures_and_odd_spaces_are_cleaned_and_kinds_kept():
    paragraphs = segment(doc(
        Block("Inspectors \ufb01nd  signi\ufb01cant\u00a0progress.", "quote"),
        Block("A | B\n1 | 2", "table", rows=[["A", " B"], ["1", "2"], ["", ""]]),
        Block("A block of a kind segment does not know.", "figure"),
    ))
    assert [(p.kind, p.text) for p in paragraphs] == [
        ("quote", "Inspectors find significant progress."),
        ("table", "A | B\n1 | 2"),
        ("paragraph", "A block of a kind segment does not know.")]
    assert paragraphs[1].rows == [["A", "B"], ["1", "2"]]


def test_a_licence_on_an_inside_cover_does_not_swallow_the_text_after_it():
    paragraphs = segment(doc(
        para("You may reuse this information (not including logos) free of charge under the terms of "
             "the Open Government Licence."),
        para("Piccadilly Gate"),
        para("Store Street"),
        heading("Summary", 1),
        Block("Children are safe.", "list_item"),
    ))
    assert [p.boilerplate for p in paragraphs] == [True, True, True, False]


def test_split_words_rejoin_with_the_document_vocabulary_and_suspended_hyphens_keep_their_space():
    paragraphs = segment(doc(
        para("Assessments are timely for homeless 16-", page=1),
        para("and 17-year-olds, and most assess-", page=2),
        para("ments use a two-", page=2),
        para("way approach.", page=2),
    ))
    assert [p.text for p in paragraphs] == [
        "Assessments are timely for homeless 16- and 17-year-olds, and most assessments use a two-way approach."]


def test_judgement_sections_close_the_summary_whatever_their_heading_levels():
    # A 2025-style report: "What needs to improve?" set bolder (so deeper in the trail)
    # than the judgement headings that follow it.
    paragraphs = segment(doc(
        heading("Inspection of Testshire", 1),
        para("Children in Testshire receive outstanding services."),
        heading("What needs to improve?", 2),
        Block("The timeliness of reviews.", "list_item"),
        heading("The experiences and progress of children who need help and protection: outstanding", 3),
        para("1. Early help is strong."),
        heading("Early help", 4),
        para("2. Family hubs are busy."),
        heading("The experiences and progress of children in care: good", 4),
        para("3. Children live in stable homes."),
        heading("The impact of leaders on social work practice with children and families: outstanding", 2),
        para("4. Leaders know their services."),
    ))
    assert [p.section for p in paragraphs] == [
        ["Inspection of Testshire"],
        ["Inspection of Testshire", "What needs to improve?"],
        ["Inspection of Testshire", "The experiences and progress of children who need help and protection: outstanding"],
        ["Inspection of Testshire", "The experiences and progress of children who need help and protection: outstanding",
         "Early help"],
        ["Inspection of Testshire", "The experiences and progress of children in care: good"],
        ["Inspection of Testshire",
         "The impact of leaders on social work practice with children and families: outstanding"],
    ]


def test_earlier_framework_judgements_close_recommendations_and_summaries_but_keep_their_parents():
    paragraphs = segment(doc(
        heading("Borough of Testshire", 1),
        heading("The local authority", 2),
        heading("Recommendations", 3),
        para("1. Improve the quality of plans."),
        heading("Summary for children and young people", 3),
        para("Most of you told us you feel safe."),
        heading("Children who need help and protection: Judgement: good", 4),
        para("2. Referrals are dealt with promptly."),
        heading("Summary", 5),
        para("3. Thresholds are understood."),
        heading("Leadership, management and governance are good", 4),
        para("4. Leaders are ambitious."),
        heading("Areas for improvement", 3),
        heading("Leadership, management and governance", 4),
        para("Improve supervision."),
    ))
    assert [p.section[1:] for p in paragraphs] == [
        ["The local authority", "Recommendations"],
        ["The local authority", "Summary for children and young people"],
        ["The local authority", "Children who need help and protection: Judgement: good"],
        ["The local authority", "Children who need help and protection: Judgement: good", "Summary"],
        ["The local authority", "Leadership, management and governance are good"],
        ["The local authority", "Areas for improvement", "Leadership, management and governance"],
    ]


def test_a_lead_in_keeps_the_list_it_introduces_in_its_section():
    paragraphs = segment(doc(
        heading("Children looked after in this area", 2),
        para("At 31 March 2017, 345 children were being looked after. Of this number:"),
        Block("214 live outside the local authority area", "list_item"),
        Block("40 live in residential children's homes,", "list_item"),
        Block("54 children are unaccompanied asylum-seeking children.", "list_item"),
        para("5. The council agreed the following actions:"),
        Block("1. recruit more foster carers;", "list_item"),
        Block("2. open a second family hub.", "list_item"),
        para("6. Progress will be reported to scrutiny."),
        para("The service has two aims:"),
        Block("Children are safe at home.", "list_item"),
        heading("Recommendations", 2),
        Block("Improve the timeliness of plans.", "list_item"),
    ))
    assert [(p.seq, p.number, p.kind, p.text) for p in paragraphs] == [
        (0, None, "paragraph", "At 31 March 2017, 345 children were being looked after. Of this number: "
         "214 live outside the local authority area; 40 live in residential children's homes, "
         "54 children are unaccompanied asylum-seeking children."),
        (1, 5, "paragraph", "The council agreed the following actions: 1. recruit more foster carers; "
         "2. open a second family hub."),
        (2, 6, "paragraph", "Progress will be reported to scrutiny."),
        (3, None, "paragraph", "The service has two aims:"),
        (4, None, "list_item", "Children are safe at home."),
        (5, None, "list_item", "Improve the timeliness of plans."),
    ]


def test_a_sentence_followed_by_a_bracketed_note_is_complete():
    paragraphs = segment(doc(
        para("Plans are not reviewed often enough. (Recommendation)", page=1),
        para("managers check plans monthly.", page=2),
        para("Reviews take place for most children (see", page=2),
        para("paragraph 12) and are timely.", page=2),
    ))
    assert [p.text for p in paragraphs] == [
        "Plans are not reviewed often enough. (Recommendation)", "managers check plans monthly.",
        "Reviews take place for most children (see paragraph 12) and are timely."]
