"""Layouts of older Ofsted reports (single inspection framework, 2013-2018) and of recent
ones, on small PDFs built here: contents pages, footnote marks, headings set in two
styles, lead-ins of bullet lists, grade tables."""
from test_pdf import BODY, PITCH, make_pdf, text_lines, texts

from indexer.readers.pdf import read_pdf
from indexer.segment import segment


# Enough body text for the body size to be the body's, not the headings'.
LONG_TEXT = ["Social workers visit children regularly and see them alone; they know the children well",
             "and their records are up to date. Managers oversee their work and supervision is regular,",
             "reflective and recorded, and plans are reviewed when children's circumstances change."] * 3


def body(lines, top, **kw):
    return text_lines(lines, top, **kw)


def entry(x, y, title, number, size, bold, right=512):
    """A line holding a title and, at the right margin, a number."""
    return (x, y, [(x, title), (right, number)], size, bold)


def test_a_contents_page_is_dropped_with_its_title_and_wrapped_entries():
    cover = [(72, 760, "Borough of Testshire", 26, False)] + body(
        ["Children's services in Testshire are good."], 700)
    contents = [(72, 760, "Contents", 26, False),
                entry(72, 730, "The local authority", "3", 16, True),
                entry(84, 707, "Summary of findings", "3", 14, False),
                (84, 684, "The experiences and progress of children who need help and", 14, False),
                entry(84, 667, "protection", "4", 14, False),
                (84, 644, "Leadership, management and governance ........ 5", 14, False)]
    sections = [[(72, 760 - 40 * n, title, 14, True)] + body([f"Inspectors found {n} things worth saying here."], 730 - 40 * n)
                for n, title in enumerate(["Summary of findings", "Help and protection", "Leadership"])]
    raw = read_pdf(make_pdf([cover, contents] + sections))

    everything = "\n".join(texts(raw))
    assert "Contents" not in everything
    assert "need help and" not in everything and "governance" not in everything
    assert [b.text for b in raw.blocks if b.kind == "heading"] == [
        "Borough of Testshire", "Summary of findings", "Help and protection", "Leadership"]


def test_numbered_lines_that_do_not_run_in_page_order_are_not_contents():
    items = body(["Staff turnover by year:"], 760)
    items += [entry(72, 730, "Social workers in post in 2016", "30", BODY, False),
              entry(72, 710, "Social workers in post in 2017", "12", BODY, False),
              entry(72, 690, "Social workers in post in 2018", "2", BODY, False)]
    raw = read_pdf(make_pdf([items]))
    assert "Social workers in post in 2017" in "\n".join(texts(raw))


def right_edge(x, text, size=BODY):
    """Where Helvetica `text` set at x ends, as pdfium measures it."""
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(make_pdf([[(x, 700, text, size, False)]]))
    textpage = doc[0].get_textpage()
    right = textpage.get_charbox(textpage.count_chars() - 1, loose=True)[2]
    textpage.close()
    doc.close()
    return right


def test_footnote_marks_come_out_of_the_text_and_footnotes_lose_their_numbers():
    first = "\u2022 10 live in residential special schools,"
    after = right_edge(72, first)
    items = [(72, 760, "Children looked after in this area", 14, True)]
    items += body(["Of this number:"], 735)
    items += [(72, 715, first, BODY, False), (after, 719, "3", 7, False),
              (after + 4, 715, " all of whom live out of the authority area", BODY, False)]
    items += body(["\u2022 eight live with parents"], 715 - PITCH)
    items += [(72, 90, "3", 6, False), (76, 86, "These are residential special schools.", 8, False)]
    page2 = body(["\u2022 54 children are unaccompanied asylum-seeking children."], 760)
    page2 += body(["Leaders know their services well."], 760 - 2 * PITCH - 12)
    raw = read_pdf(make_pdf([items, page2]))

    assert [b.text for b in raw.blocks if b.kind != "heading"] == [
        "Of this number:",
        "10 live in residential special schools, all of whom live out of the authority area",
        "eight live with parents",
        "54 children are unaccompanied asylum-seeking children.",
        "These are residential special schools.",
        "Leaders know their services well."]


def test_a_heading_that_changes_style_part_way_is_one_heading():
    items = [(72, 780, "Borough of Testshire", 26, False),
             (72, 757, "Inspection of services for children in need of help and", 14, True),
             (72, 740, "protection, children looked after and care leavers", 14, True),
             (72, 717, "and", 14, False),
             (72, 694, "Review of the effectiveness of the Local Safeguarding Children", 14, True),
             (72, 677, "Board", 14, True),
             (72, 640, "The effectiveness of the Local Safeguarding Children Board is", 14, False),
             (72, 623, "good.", 14, True)]
    items += body(["The board coordinates the work of partners well."], 600)
    items += [(72, 560, "The effectiveness of the adoption panel", 14, False),
              (72, 540, "Requires improvement.", BODY, True)]
    items += body(["The panel does not always meet on time."], 520)
    raw = read_pdf(make_pdf([items, body(LONG_TEXT, 760)]))

    assert [b.text for b in raw.blocks if b.kind == "heading"] == [
        "Borough of Testshire",
        "Inspection of services for children in need of help and protection, children looked after and care "
        "leavers and Review of the effectiveness of the Local Safeguarding Children Board",
        "The effectiveness of the Local Safeguarding Children Board is good.",
        "The effectiveness of the adoption panel Requires improvement."]
    paragraphs = segment(raw)
    assert [p.section[-1] for p in paragraphs] == [
        "The effectiveness of the Local Safeguarding Children Board is good.",
        "The effectiveness of the adoption panel Requires improvement.",
        "The effectiveness of the adoption panel Requires improvement."]


def test_a_heading_followed_by_a_sub_heading_stays_apart():
    items = [(72, 760, "Information about this local authority area", 14, True),
             (72, 734, "Previous Ofsted inspections", BODY, True)]
    items += body(["The local authority operates two children's homes."], 710)
    raw = read_pdf(make_pdf([items]))
    assert [b.text for b in raw.blocks if b.kind == "heading"] == [
        "Information about this local authority area", "Previous Ofsted inspections"]


def test_bullets_nested_under_a_list_item_stay_with_the_item_they_complete():
    items = [(72, 760, "Children living in this area", 14, True)]
    items += body(["\u2022 The proportion of children entitled to free school meals:"], 735)
    items += body(["\u2013 in primary schools is 16.7% (the national average is 14.5%)"], 735 - PITCH, x=110)
    items += body(["\u2013 in secondary schools is 13.1% (the national average is 13.2%), and",
                   "rising"], 735 - 2 * PITCH, x=120, first_x=110)
    items += body(["\u2022 Children from minority ethnic groups account for 67.6% of all children."],
                  735 - 4 * PITCH)
    items += body(LONG_TEXT, 600)
    raw = read_pdf(make_pdf([items]))

    assert [b.text for b in raw.blocks if b.kind == "list_item"] == [
        "The proportion of children entitled to free school meals: in primary schools is 16.7% "
        "(the national average is 14.5%); in secondary schools is 13.1% (the national average is 13.2%), and rising",
        "Children from minority ethnic groups account for 67.6% of all children."]


def test_a_paragraph_introducing_a_list_carries_it_into_the_stored_paragraph():
    items = [(72, 760, "Children looked after in this area", 14, True)]
    items += body(["In the last 12 months:"], 735)
    items += body(["\u2022 there have been eight adoptions"], 735 - PITCH, x=90)
    items += body(["\u2022 28 children became subject of special guardianship orders"], 735 - 2 * PITCH, x=90)
    items += body(LONG_TEXT, 600)
    paragraphs = segment(read_pdf(make_pdf([items])))
    assert paragraphs[0].text == ("In the last 12 months: there have been eight adoptions; "
                                  "28 children became subject of special guardianship orders")
    assert paragraphs[1].text.startswith("Social workers visit children")


def judgement_page(top_heading, box, summary_text):
    """A page of an older report's judgement: a heading, a grade box, "Summary" and text."""
    items = [(72, 780, top_heading, 14, True)] if top_heading else []
    items += box
    items += [(72, 660, "Summary", BODY, True)]
    items += body([summary_text], 635)
    items += body(LONG_TEXT, 600)
    return items


def test_a_grade_box_heads_its_judgement_section_above_its_summary():
    box_cut = [entry(72, 740, "Key judgement", "Judgement grade", BODY, True, right=300),
               (72, 715, "The experiences and progress of children who need help and protection", BODY, False),
               (400, 715, "Requires improvement", BODY, False)]
    # pdfium keeps this grade on the title's line: only the column heads are cut apart
    box_close = [entry(72, 700, "Key judgement", "Judgement grade", BODY, True, right=300),
                 (72, 685, "Leadership, management and governance Good", BODY, False)]
    pages = [judgement_page("Inspection judgements about the local authority", box_cut,
                            "Referrals are dealt with promptly."),
             judgement_page(None, box_close, "Leaders are ambitious for children.")]
    paragraphs = segment(read_pdf(make_pdf(pages)))

    trails = {p.text: p.section for p in paragraphs}
    assert trails["Referrals are dealt with promptly."] == [
        "Inspection judgements about the local authority",
        "The experiences and progress of children who need help and protection: Requires improvement", "Summary"]
    assert trails["Leaders are ambitious for children."] == [
        "Inspection judgements about the local authority",
        "Leadership, management and governance: Good", "Summary"]


def test_headings_set_in_columns_are_headings_row_by_row():
    items = [(72, 760, [(72, "Leadership, management and governance"), (420, "Good")], 14, True),
             (72, 738, "Summary", BODY, True)]
    items += body(LONG_TEXT, 715)
    paragraphs = segment(read_pdf(make_pdf([items])))
    assert paragraphs[0].section == ["Leadership, management and governance: Good", "Summary"]


def test_a_running_footer_of_one_part_of_a_combined_report_is_furniture():
    pages = []
    for n in range(1, 13):
        items = body([f"Page {n} holds findings about the services for children in the area."], 700)
        if n > 8:   # the board's part, numbered on alternate sides
            footer = f"{n - 8} Review of the Testshire board" if n % 2 == 0 else f"Review of the Testshire board {n - 8}"
            items.append((72, 40, footer, 9, False))
        pages.append(items)
    raw = read_pdf(make_pdf(pages))
    assert "Testshire board" not in "\n".join(texts(raw))


def test_a_short_unstyled_label_over_a_list_is_a_heading_under_the_styled_ones():
    items = [(72, 760, "Children's services in Testshire require improvement because:", 14, True)]
    items += body(["Performance management and oversight"], 735)
    items += body(["\u2022 Senior managers do not oversee the progress of children's cases."], 735 - PITCH - 6)
    items += body(["Quality of planning"], 735 - 3 * PITCH)
    items += body(["\u2022 Not all children in need have a clear plan."], 735 - 4 * PITCH - 6)
    items += body(LONG_TEXT, 600)
    paragraphs = segment(read_pdf(make_pdf([items])))
    assert [(p.section, p.text) for p in paragraphs[:2]] == [
        (["Children's services in Testshire require improvement because:", "Performance management and oversight"],
         "Senior managers do not oversee the progress of children's cases."),
        (["Children's services in Testshire require improvement because:", "Quality of planning"],
         "Not all children in need have a clear plan.")]


def test_a_sentence_broken_at_a_footnote_mark_before_its_full_stop_is_one_sentence():
    first = "\u2022 At 31 March 2014, 3,421 children were in need of a service"
    after = right_edge(72, first)
    items = [(72, 760, "Child protection in this area", 14, True),
             (72, 735, first, BODY, False), (after, 739, "3", 7, False),
             (after + 4, 735, ". This is a decrease", BODY, False)]
    items += body(["from 3,679 at 31 March 2013."], 735 - PITCH, x=90)
    items += body(LONG_TEXT, 600)
    raw = read_pdf(make_pdf([items]))
    assert texts(raw, "list_item") == [
        "At 31 March 2014, 3,421 children were in need of a service. This is a decrease from 3,679 at 31 March 2013."]


def report_2025(summary_style, judgement_style):
    """A 2025-style ILACS report: summary, "What needs to improve?" with bullets, then the
    judgement sections, in the heading styles given as (size, bold)."""
    title = [(72, 780, "Inspection of Testshire local authority children\u2019s services", 24, False)]
    page1 = title + body(LONG_TEXT[:3], 740)
    page1 += [(72, 680, "What needs to improve?", *summary_style)]
    page1 += body(["\u2022 The timeliness of reviews for children in care."], 655)
    page1 += [(72, 620, "The experiences and progress of children who need help and protection:", *judgement_style),
              (72, 602, "outstanding", *judgement_style)]
    page1 += body(["1. Early help is strong and families are helped quickly."], 580)
    page1 += body(["2. Strategy meetings are timely."], 580 - 2 * PITCH)
    page2 = [(72, 760, "The experiences and progress of children in care: good", *judgement_style)]
    page2 += body(["3. Children live in stable homes close to their families."], 735)
    page2 += body(LONG_TEXT[3:], 700)
    return segment(read_pdf(make_pdf([page1, page2])))


def test_2025_judgement_sections_do_not_nest_under_what_needs_to_improve():
    for summary_style, judgement_style in (((14, True), (14, False)),    # same size, summary bolder
                                           ((16, False), (14, True))):   # judgement smaller and bolder
        paragraphs = report_2025(summary_style, judgement_style)
        numbered = {p.number: p.section for p in paragraphs if p.number}
        title = "Inspection of Testshire local authority children\u2019s services"
        assert numbered == {
            1: [title, "The experiences and progress of children who need help and protection: outstanding"],
            2: [title, "The experiences and progress of children who need help and protection: outstanding"],
            3: [title, "The experiences and progress of children in care: good"]}, summary_style
        bullets = [p for p in paragraphs if p.kind == "list_item"]
        assert [p.section for p in bullets] == [[title, "What needs to improve?"]]
