"""Readers and type detection, on small documents built here: text, Markdown, HTML, DOCX."""
import io
import sys
import types
import zipfile

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

import indexer.readers as readers
from indexer.model import Block, RawDocument, ReadError
from indexer.readers import read_bytes, read_file
from indexer.readers.detect import detect_format


def kinds(raw):
    return [(b.kind, b.text) for b in raw.blocks]


def text_doc(source: str, name: str = "notes.txt") -> RawDocument:
    return read_bytes(source.encode(), name)


# --- detection and refusals ------------------------------------------------------------------

HTML_PAGE = b"""<!DOCTYPE html><html><head><title>Report not found - Find an Inspection Report - Ofsted</title>
</head><body><main><h1>Report not found</h1><p>Sorry, the document no longer exists.</p></main></body></html>"""


def docx_bytes(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_web_page_named_pdf_fails_naming_both_and_the_page_title():
    with pytest.raises(ReadError) as e:
        read_bytes(HTML_PAGE, "birmingham.pdf")
    assert str(e.value) == ('birmingham.pdf is not a PDF: it is an HTML web page ("Report not found - '
                            'Find an Inspection Report - Ofsted"). Rename it .html to ingest it as a web page.')


def test_the_same_page_named_html_is_read_as_a_page():
    raw = read_bytes(HTML_PAGE, "birmingham.html")
    assert raw.format == "html"
    assert kinds(raw) == [("heading", "Report not found"), ("paragraph", "Sorry, the document no longer exists.")]


def test_other_lies_about_binary_formats_fail():
    word = docx_bytes(docx.Document())
    with pytest.raises(ReadError, match=r"^report\.pdf is not a PDF: it is a Word document\. Rename it \.docx"):
        read_bytes(word, "report.pdf")
    with pytest.raises(ReadError, match=r"^report\.docx is not a Word document: it is a PDF\. Rename it \.pdf"):
        read_bytes(b"%PDF-1.7\n1 0 obj\n", "report.docx")
    with pytest.raises(ReadError, match=r"^notes\.pdf is not a PDF: it is plain text\. Rename it \.txt"):
        read_bytes(b"Just some notes about the visit.\n", "notes.pdf")


@pytest.mark.parametrize("data", [b"", b"  \n\t\n", " \n".encode("utf-16")])
def test_an_empty_file_is_refused(data):
    with pytest.raises(ReadError, match=r"^plan\.txt is empty$"):
        read_bytes(data, "plan.txt")


def test_binary_junk_is_refused_with_a_sentence():
    junk = bytes(range(256)) * 8
    with pytest.raises(ReadError, match=r"^blob\.bin is unrecognised binary data, which the knowledge base cannot read"):
        read_bytes(junk, "blob.bin")
    with pytest.raises(ReadError, match=r"^blob\.pdf is not a PDF: it is unrecognised binary data"):
        read_bytes(junk, "blob.pdf")


def zip_of(members: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return out.getvalue()


@pytest.mark.parametrize("data, message", [
    (zip_of({"readme.txt": "hello"}), r"^bundle\.zip is a ZIP archive, which the knowledge base cannot read\. Unpack it"),
    (zip_of({"xl/workbook.xml": "<workbook/>"}), r"^bundle\.zip is an Excel workbook"),
    (zip_of({"ppt/presentation.xml": "<p/>"}), r"^bundle\.zip is a PowerPoint presentation"),
    (b"PK\x03\x04" + b"\x00" * 40, r"^bundle\.zip is damaged: its ZIP package cannot be opened"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, r"^bundle\.zip is an old-format Microsoft Office file"),
    (b"{\\rtf1\\ansi Hello}", r"^bundle\.zip is a Rich Text \(\.rtf\) file"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, r"^bundle\.zip is a PNG image"),
])
def test_unsupported_packages_and_formats_are_named(data, message):
    with pytest.raises(ReadError, match=message):
        read_bytes(data, "bundle.zip")


def test_a_legacy_doc_is_refused_with_what_to_do():
    with pytest.raises(ReadError, match=r"^old\.doc is an old-format Microsoft Office file .* save it as \.docx or PDF"):
        read_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old.doc")


@pytest.mark.parametrize("member, content", [("word/document.xml", "<not xml"), ("[Content_Types].xml", "<Types/>")])
def test_a_damaged_word_document_fails_with_its_name(member, content):
    with zipfile.ZipFile(io.BytesIO(docx_bytes(docx.Document()))) as original:
        members = {n: original.read(n) for n in original.namelist()}
    members[member] = content
    with pytest.raises(ReadError, match=r"^broken\.docx: the Word document is damaged and cannot be opened$"):
        read_bytes(zip_of(members), "broken.docx")


def test_files_over_the_size_limit_are_refused(monkeypatch, tmp_path):
    monkeypatch.setattr(readers, "MAX_BYTES", 1024)
    with pytest.raises(ReadError, match=r"^big\.txt is 0 MB, over the 0 MB limit"):
        read_bytes(b"x" * 2048, "big.txt")
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 2048)
    with pytest.raises(ReadError, match=r"over the 0 MB limit"):
        read_file(path)


def test_the_size_limit_is_100_mb():
    assert readers.MAX_BYTES == 100 * 1024 * 1024


def test_read_file_explains_missing_files_and_folders(tmp_path):
    with pytest.raises(ReadError, match=r"does not exist$"):
        read_file(tmp_path / "nothing.txt")
    with pytest.raises(ReadError, match=r"is a folder, not a file$"):
        read_file(tmp_path)


def test_read_file_reads_by_content(tmp_path):
    path = tmp_path / "page.htm"
    path.write_bytes(HTML_PAGE)
    assert read_file(path).title == "Report not found - Find an Inspection Report - Ofsted"


def test_pdf_content_goes_to_the_pdf_reader(monkeypatch):
    seen = []
    fake = types.ModuleType("indexer.readers.pdf")
    fake.read_pdf = lambda data: seen.append(data) or RawDocument([Block("From the PDF.")], "pdf", pages=1)
    monkeypatch.setitem(sys.modules, "indexer.readers.pdf", fake)
    raw = read_bytes(b"%PDF-1.4 rest", "report.pdf")
    assert raw.format == "pdf" and seen == [b"%PDF-1.4 rest"]


def test_a_pdf_reader_error_is_prefixed_with_the_file_name(monkeypatch):
    def refuse(data):
        raise ReadError("the PDF is password-protected")
    fake = types.ModuleType("indexer.readers.pdf")
    fake.read_pdf = refuse
    monkeypatch.setitem(sys.modules, "indexer.readers.pdf", fake)
    with pytest.raises(ReadError, match=r"^secret\.pdf: the PDF is password-protected$"):
        read_bytes(b"%PDF-1.4", "secret.pdf")


@pytest.mark.parametrize("data, name, expected", [
    (HTML_PAGE, "x.txt", "html"),
    (b"<h1>Plan</h1><p>Our priorities.</p><ul><li>One</li></ul>", "fragment", "html"),
    (b"<html><body><p>Hi</p></body></html>", "x", "html"),
    (b"# Plan\n\n**Owner**: **Jo** and **Sam**\n\n- one\n", "plan.txt", "markdown"),
    (b"Plan\n\nSome text with a <b>bold</b> word.\n", "plan.txt", "text"),
    (b"Plan\n\nSome text.\n", "plan.md", "markdown"),
    (b"\xef\xbb\xbfPlan\n", "plan", "text"),
])
def test_detect_format_by_content(data, name, expected):
    assert detect_format(data, name) == expected


# --- encodings -------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding, expected", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("utf-16-be", "utf-16"),
    ("cp1252", "cp1252"),
])
def test_text_encodings_are_detected(encoding, expected):
    source = "Children’s services\n\n“Timely” help costs £5 — café visits.\n"
    data = source.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    raw = read_bytes(data, "notes.txt")
    assert raw.meta["encoding"] == expected
    assert [b.text for b in raw.blocks] == ["Children’s services", "“Timely” help costs £5 — café visits."]


# --- plain text, as extracted from PDFs and Word ----------------------------------------------

def test_wrapped_lines_join_and_blank_lines_separate():
    raw = text_doc("Leaders know their services well and act on\nwhat they learn from audits.\n\n"
                   "Caseloads are manageable.\n")
    assert kinds(raw) == [("paragraph", "Leaders know their services well and act on what they learn from audits."),
                          ("paragraph", "Caseloads are manageable.")]


def test_numbered_paragraphs_keep_their_number_one_block_each():
    raw = text_doc("Findings\n\n1. Children are seen promptly by social workers who know them.\n"
                   "2. Plans are specific and reviewed regularly by managers.\n\n"
                   "12. Care leavers are well supported.\n")
    assert kinds(raw) == [("heading", "Findings"),
                          ("paragraph", "1. Children are seen promptly by social workers who know them."),
                          ("paragraph", "2. Plans are specific and reviewed regularly by managers."),
                          ("paragraph", "12. Care leavers are well supported.")]


def test_a_page_break_inside_a_paragraph_leaves_two_blocks_for_segmentation():
    raw = text_doc("Social workers undertake detailed assessments of children's\n\nneeds. However, delays remain.\n")
    assert [b.text for b in raw.blocks] == ["Social workers undertake detailed assessments of children's",
                                            "needs. However, delays remain."]


def test_tab_separated_rows_are_one_table_block():
    raw = text_doc("Grades\n\nJudgement\tGrade\nLeadership\tGood\nOverall effectiveness\tGood\n\n"
                   "After the table.\n")
    table = raw.blocks[1]
    assert table.kind == "table"
    assert table.rows == [["Judgement", "Grade"], ["Leadership", "Good"], ["Overall effectiveness", "Good"]]
    assert table.text == "Judgement | Grade\nLeadership | Good\nOverall effectiveness | Good"
    assert raw.blocks[2].text == "After the table."


def test_a_table_cut_by_a_page_break_stays_one_table_and_cells_lose_markup():
    raw = text_doc("Areas of Strength\tAreas for Development\n"
                   "<p>Strong <b>oversight</b></p>\t<p>Timeliness<sup>1</sup></p>\n\n"
                   "Relational practice\t\n")
    assert [b.kind for b in raw.blocks] == ["table"]
    assert raw.blocks[0].rows == [["Areas of Strength", "Areas for Development"],
                                  ["Strong oversight", "Timeliness1"], ["Relational practice"]]


def test_a_single_line_with_a_tab_is_a_paragraph():
    raw = text_doc("Suzanne Joyner\tDirector of Children's Services\n")
    assert kinds(raw) == [("paragraph", "Suzanne Joyner Director of Children's Services")]


def test_bullets_and_bullet_glyphs_are_list_items():
    raw = text_doc("Strengths:\n\n- Workers know children well. They consider\n their views.\n"
                   "• Assessments are timely.\n- · Residential homes are good.\n")
    assert kinds(raw) == [("paragraph", "Strengths:"),
                          ("list_item", "Workers know children well. They consider their views."),
                          ("list_item", "Assessments are timely."),
                          ("list_item", "Residential homes are good.")]


def test_headings_implied_by_capitals_bold_and_short_lines():
    raw = text_doc("SUMMARY REPORT\n\n**Purpose of the\nReport**\n\n1. The purpose of this report is to update Cabinet.\n\n"
                   "Lead inspector: Jo Smith\n\nThe experiences and progress of care leavers: good\n\n"
                   "Care leavers are well supported by their personal advisers.\n")
    assert kinds(raw) == [
        ("heading", "SUMMARY REPORT"),
        ("heading", "Purpose of the Report"),
        ("paragraph", "1. The purpose of this report is to update Cabinet."),
        ("paragraph", "Lead inspector: Jo Smith"),
        ("heading", "The experiences and progress of care leavers: good"),
        ("paragraph", "Care leavers are well supported by their personal advisers."),
    ]
    assert [b.level for b in raw.blocks if b.kind == "heading"] == [1, 2, 3]


def test_a_short_line_is_not_a_heading_when_nothing_follows_it_or_the_text_runs_on():
    raw = text_doc("Our improvement plan sets out the areas where we need to do\n\n"
                   "more work. It is reviewed monthly.\n\nChris Bell\n")
    assert [b.kind for b in raw.blocks] == ["paragraph", "paragraph", "paragraph"]


def test_a_heading_must_head_something_deeper_or_text():
    raw = text_doc("Darlington Children's Services\n\nSelf-Assessment Report\n\n"
                   "Identifying needs and thresholds\n\nContacts rose by a third this year.\n")
    assert kinds(raw) == [("paragraph", "Darlington Children's Services"),
                          ("heading", "Self-Assessment Report"),
                          ("heading", "Identifying needs and thresholds"),
                          ("paragraph", "Contacts rose by a third this year.")]


def test_contents_pages_are_dropped():
    raw = text_doc("Contents\n\nCONTENTS\t2\nINTRODUCTION\t3\nHEALTH.....\t7\n<i>Attendance</i>\t9\n\n"
                   "Introduction\n\nThis document reflects our year.\n\nHealth ........ 7\n")
    assert kinds(raw) == [("heading", "Introduction"), ("paragraph", "This document reflects our year.")]


def test_a_table_of_rising_numbers_is_not_a_contents_page():
    raw = text_doc("Complaints\n\nYear\tTotal\nLeadership team\t17\nFront door team\t27\nCare team\t44\n")
    assert raw.blocks[1].kind == "table"


def test_quotations_are_marked():
    raw = text_doc('"She made a big difference, a good difference." Parent, 2023\n\n'
                   "“The development of creative relational approaches is modelled to staff.” OFSTED, December 2022\n\n"
                   "'Staying Close' is our offer to care leavers from residential homes across the county.\n")
    assert [b.kind for b in raw.blocks] == ["quote", "quote", "paragraph"]


def test_unwrapped_text_breaks_paragraphs_at_line_ends():
    long_line = "Leaders have a comprehensive understanding of the quality of practice " * 4
    raw = text_doc(f"Introduction\n{long_line.strip()}.\nThe next paragraph follows directly.\n"
                   "Piccadilly Gate\nStore Street\nManchester\n")
    assert [b.text[:20] for b in raw.blocks] == ["Introduction", "Leaders have a compr", "The next paragraph f",
                                                 "Piccadilly Gate Stor"]
    assert raw.blocks[0].kind == "heading"


def test_horizontal_rules_vanish_and_hyphens_split_at_line_ends_are_repaired():
    raw = text_doc("Assessments are thorough.\n\n---\n\nThe assess-\nments are timely and recorded.\n")
    assert [b.text for b in raw.blocks] == ["Assessments are thorough.", "The assessments are timely and recorded."]


# --- Markdown ---------------------------------------------------------------------------------

MARKDOWN = """---
title: Improvement plan 2024
---
# Improvement plan

Our **priorities** for [children](https://example.org) are <b>clear</b>.

## Help and protection

1. Strengthen management oversight.
2. Improve timeliness
   - of assessments
   - of plans

> Children told us they feel listened to.

| Measure | 2023 | 2024 |
| --- | --- | --- |
| Assessments in time | 62% | 75% |

**Workforce**

Caseloads fell.
"""


def test_markdown_blocks():
    raw = read_bytes(MARKDOWN.encode(), "plan.md")
    assert raw.format == "markdown" and raw.title == "Improvement plan 2024"
    assert [(b.kind, b.level, b.text) for b in raw.blocks] == [
        ("heading", 1, "Improvement plan"),
        ("paragraph", 0, "Our priorities for children are clear."),
        ("heading", 2, "Help and protection"),
        ("paragraph", 0, "1. Strengthen management oversight."),
        ("list_item", 0, "2. Improve timeliness"),
        ("list_item", 0, "of assessments"),
        ("list_item", 0, "of plans"),
        ("quote", 0, "Children told us they feel listened to."),
        ("table", 0, "Measure | 2023 | 2024\nAssessments in time | 62% | 75%"),
        ("heading", 3, "Workforce"),
        ("paragraph", 0, "Caseloads fell."),
    ]


def test_markdown_title_falls_back_to_the_first_heading():
    raw = read_bytes(b"# Practice standards\n\nSome text.\n", "standards.md")
    assert raw.title == "Practice standards"


def test_html_blocks_inside_markdown_are_read_as_html():
    raw = read_bytes(b"# Notes\n\n<div class='box'><p>First <i>point</i>.</p><ul><li>One</li></ul></div>\n\nAfter.\n",
                     "notes.md")
    assert kinds(raw)[1:] == [("paragraph", "First point."), ("list_item", "One"), ("paragraph", "After.")]


# --- HTML -------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html><html><head><title>Inspection of Exampleshire</title>
<style>p {color: red}</style><script>var x = "<p>not text</p>";</script></head>
<body>
<a class="govuk-skip-link" href="#main">Skip to main content</a>
<div class="cookie-banner"><p>We use cookies.</p></div>
<header><nav><ul><li>Home</li></ul></nav></header>
<main id="main">
  <h1>Inspection of Exampleshire</h1>
  <p>Children are <strong>well</strong> supported.<br>Plans are reviewed.</p>
  <h2>What needs to improve?</h2>
  <ul><li>Timeliness of <a href="#">assessments</a><ul><li>for disabled children</li></ul></li></ul>
  <ol start="3"><li>Leaders know their services well and act on audits.</li></ol>
  <p><strong>Workforce</strong></p>
  <p>Caseloads are manageable.</p>
  <table><tr><th>Judgement</th><th>Grade</th></tr>
    <tr><td colspan="2">Overall effectiveness: Good</td></tr>
    <tr><td>Leadership</td><td>Good</td></tr></table>
  <table><tr><td><p>A layout cell.</p></td></tr></table>
  <blockquote><p>We feel listened to.</p></blockquote>
  <div>Loose text in a div &amp; more.</div>
  <aside>Related links</aside>
  <form><label>Search</label></form>
</main>
<footer><p>&copy; Crown copyright</p></footer>
</body></html>"""


def test_html_keeps_the_article_and_drops_the_site():
    raw = read_bytes(PAGE.encode(), "report.html")
    assert raw.title == "Inspection of Exampleshire"
    assert [(b.kind, b.level, b.text) for b in raw.blocks] == [
        ("heading", 1, "Inspection of Exampleshire"),
        ("paragraph", 0, "Children are well supported. Plans are reviewed."),
        ("heading", 2, "What needs to improve?"),
        ("list_item", 0, "Timeliness of assessments"),
        ("list_item", 0, "for disabled children"),
        ("paragraph", 0, "3. Leaders know their services well and act on audits."),
        ("heading", 3, "Workforce"),
        ("paragraph", 0, "Caseloads are manageable."),
        ("table", 0, "Judgement | Grade\nOverall effectiveness: Good\nLeadership | Good"),
        ("paragraph", 0, "A layout cell."),
        ("quote", 0, "We feel listened to."),
        ("paragraph", 0, "Loose text in a div & more."),
    ]


def test_html_without_main_drops_header_footer_and_uses_h1_for_a_missing_title():
    page = (b"<html><body><header><p>Council logo</p></header><h1>Service statement</h1>"
            b"<p>Our vision.</p><footer><p>Contact us</p></footer></body></html>")
    raw = read_bytes(page, "statement.html")
    assert raw.title == "Service statement"
    assert kinds(raw) == [("heading", "Service statement"), ("paragraph", "Our vision.")]


def test_html_encoding_from_its_meta_charset():
    page = '<html><head><meta charset="windows-1252"></head><body><p>Children’s café</p></body></html>'
    raw = read_bytes(page.encode("cp1252"), "page.html")
    assert raw.blocks[0].text == "Children’s café"


# --- DOCX -------------------------------------------------------------------------------------

def numbered(document, text: str, num_id: int, level: int = 0):
    paragraph = document.add_paragraph(text)
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id
    return paragraph


def add_decimal_list(document) -> int:
    """A two-level list "1." / "a)" in the numbering part; returns its numId."""
    numbering = document.part.numbering_part.element
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), "90")
    for ilvl, fmt, text in ((0, "decimal", "%1."), (1, "lowerLetter", "%2)")):
        lvl = OxmlElement("w:lvl")
        lvl.set(qn("w:ilvl"), str(ilvl))
        for tag, value in (("w:start", "1"), ("w:numFmt", fmt), ("w:lvlText", text)):
            child = OxmlElement(tag)
            child.set(qn("w:val"), value)
            lvl.append(child)
        abstract.append(lvl)
    numbering.insert(0, abstract)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), "90")
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), "90")
    num.append(ref)
    numbering.append(num)
    return 90


def run_in(paragraph, wrapper_tag: str, text: str, text_tag: str = "w:t"):
    wrapper = OxmlElement(wrapper_tag)
    run = OxmlElement("w:r")
    t = OxmlElement(text_tag)
    t.text = text
    run.append(t)
    wrapper.append(run)
    paragraph._p.append(wrapper)


def test_docx_blocks_in_body_order():
    d = docx.Document()
    d.core_properties.title = "Self-evaluation 2024"
    d.add_paragraph("Contents", style="TOC Heading")
    toc = d.styles.add_style("toc 1", WD_STYLE_TYPE.PARAGRAPH)
    d.add_paragraph("Help and protection\t3", style=toc)
    d.add_heading("Help and protection", level=1)
    d.add_paragraph("Early help is strong.")
    d.add_heading("Front door", level=2)
    section = d.styles.add_style("Section Title", WD_STYLE_TYPE.PARAGRAPH)
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), "2")
    section.element.get_or_add_pPr().append(outline)
    d.add_paragraph("Thresholds", style=section)
    table = d.add_table(rows=3, cols=3)
    for r, row in enumerate([["Area", "Strength", "Development"], ["MASH", "", ""], ["", "Quick", "Records"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(1, 1).merge(table.cell(1, 2)).text = "Timely decisions"
    table.cell(1, 0).merge(table.cell(2, 0))
    d.add_paragraph("A bullet", style="List Bullet")
    num_id = add_decimal_list(d)
    numbered(d, "Leaders know their services well and act on what audits tell them.", num_id)
    numbered(d, "Caseloads", num_id)
    numbered(d, "in the front door", num_id, level=1)
    bold = d.add_paragraph()
    bold.add_run("Workforce").bold = True
    d.add_paragraph("Caseloads are manageable.")
    d.add_paragraph("Families feel listened to.", style="Quote")
    tracked = d.add_paragraph("Kept ")
    run_in(tracked, "w:ins", "inserted ")
    run_in(tracked, "w:del", "deleted ", "w:delText")
    run_in(tracked, "w:hyperlink", "linked")
    raw = read_bytes(docx_bytes(d), "sef.docx")
    assert raw.format == "docx" and raw.title == "Self-evaluation 2024"
    assert [(b.kind, b.level, b.text) for b in raw.blocks] == [
        ("heading", 1, "Help and protection"),
        ("paragraph", 0, "Early help is strong."),
        ("heading", 2, "Front door"),
        ("heading", 3, "Thresholds"),
        ("table", 0, "Area | Strength | Development\nMASH | Timely decisions\n | Quick | Records"),
        ("list_item", 0, "A bullet"),
        ("paragraph", 0, "1. Leaders know their services well and act on what audits tell them."),
        ("list_item", 0, "2. Caseloads"),
        ("list_item", 0, "a) in the front door"),
        ("heading", 4, "Workforce"),
        ("paragraph", 0, "Caseloads are manageable."),
        ("quote", 0, "Families feel listened to."),
        ("paragraph", 0, "Kept inserted linked"),
    ]
    assert raw.blocks[4].rows == [["Area", "Strength", "Development"], ["MASH", "Timely decisions"], ["", "Quick", "Records"]]


def test_docx_title_style_is_the_title_when_properties_have_none():
    d = docx.Document()
    d.core_properties.title = ""
    d.add_paragraph("Annual review", style="Title")
    d.add_paragraph("Text.")
    raw = read_bytes(docx_bytes(d), "review.docx")
    assert raw.title == "Annual review"
    assert raw.blocks[0].kind == "heading"


def test_docx_layout_table_is_read_as_paragraphs():
    d = docx.Document()
    table = d.add_table(rows=2, cols=1)
    table.cell(0, 0).text = "A boxed paragraph."
    table.cell(1, 0).text = "Another."
    raw = read_bytes(docx_bytes(d), "box.docx")
    assert kinds(raw) == [("paragraph", "A boxed paragraph."), ("paragraph", "Another.")]


def content_control(document, text: str, gallery: str | None = None) -> None:
    """A block content control (w:sdt) holding one paragraph, optionally a document-part
    gallery such as Word's "Table of Contents"."""
    sdt = OxmlElement("w:sdt")
    props = OxmlElement("w:sdtPr")
    if gallery:
        part = OxmlElement("w:docPartObj")
        kind = OxmlElement("w:docPartGallery")
        kind.set(qn("w:val"), gallery)
        part.append(kind)
        props.append(part)
    sdt.append(props)
    content = OxmlElement("w:sdtContent")
    paragraph = document.add_paragraph(text)
    content.append(paragraph._p)
    sdt.append(content)
    document.element.body.insert(len(document.element.body) - 1, sdt)


def test_docx_content_controls_are_read_and_a_contents_control_is_not():
    d = docx.Document()
    content_control(d, "Introduction\t2", gallery="Table of Contents")
    content_control(d, "Text inside a content control.")
    raw = read_bytes(docx_bytes(d), "controls.docx")
    assert kinds(raw) == [("paragraph", "Text inside a content control.")]


def test_a_heading_the_contents_page_does_not_list_stays_inside_its_section():
    text = "\n\n".join([
        "Contents",
        "HELP AND PROTECTION.....3\nCHILDREN IN CARE.....5\nLEADERSHIP.....7",
        "# Help and protection", "Early help is offered promptly to families.",
        "# PHOTO CAPTION", "Families told us they felt listened to.",
        "# Children in care", "Children live in stable homes.",
        "# Leadership", "Leaders know their services well.",
    ])
    raw = read_bytes(text.encode(), "sef.md")
    levels = {b.text: b.level for b in raw.blocks if b.kind == "heading"}
    assert levels["Help and protection"] == 1 and levels["Children in care"] == 1
    assert levels["PHOTO CAPTION"] == 2
    assert not any("....." in b.text for b in raw.blocks)
