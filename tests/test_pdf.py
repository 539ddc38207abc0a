"""The PDF reader, on small PDFs written byte by byte here (standard Helvetica fonts)."""
import pytest

from indexer.model import ReadError
from indexer.readers.pdf import read_pdf

BODY = 12
PITCH = 14.5


def make_pdf(pages, *, encrypt=False, page_count=None):
    """A PDF whose pages hold text items (x, y, text, size, bold); y grows upwards. `text`
    may be a list of (x, text) runs set on one line in one text object, as a contents
    line or a table row is."""
    objects = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    regular = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    bold = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
    pages_id = len(objects) + 1 + 2 * len(pages)
    kids = []
    for items in pages:
        ops = []
        for x, y, text, size, is_bold in items:
            runs = [(x, text)] if isinstance(text, str) else text
            shows, at = [], 0
            for run_x, run in runs:
                escaped = run.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("cp1252")
                shows.append(b"%g %g Td (%s) Tj" % (run_x - at, y if not shows else 0, escaped))
                at = run_x
            ops.append(b"BT /F%d %g Tf %s ET" % (2 if is_bold else 1, size, b" ".join(shows)))
        stream = b"\n".join(ops)
        content = add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                        b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> >>"
                        % (pages_id, content, regular, bold)))
    count = len(kids) if page_count is None else page_count
    add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids[:count]), count))
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    trailer = b"<< /Size %d /Root %d 0 R" % (len(objects) + 2 if encrypt else len(objects) + 1, catalog)
    if encrypt:   # a standard security handler whose user password is not empty
        lock = add(b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -44 >>" % (b"11" * 32, b"22" * 32))
        trailer += b" /Encrypt %d 0 R /ID [<%s> <%s>]" % (lock, b"ab" * 16, b"ab" * 16)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n%s >>\nstartxref\n%d\n%%%%EOF\n" % (trailer, xref)
    return bytes(out)


def text_lines(lines, top, x=72, first_x=None, size=BODY, bold=False):
    """Items for consecutive lines of one paragraph, starting at baseline `top`."""
    return [((first_x if first_x is not None and i == 0 else x), top - i * PITCH, line, size, bold)
            for i, line in enumerate(lines)]


def running_furniture(page_no):
    return [(72, 800, "Inspection of Testshire local authority children\u2019s services", 8, True),
            (72, 30, f"10 October to 21 October 2022 {page_no}", 8, False)]


def texts(raw, kind=None):
    return [b.text for b in raw.blocks if kind is None or b.kind == kind]


def test_running_headers_and_page_numbers_are_removed_and_a_split_paragraph_rejoined():
    page1 = running_furniture(1) + [(72, 740, "What inspectors found", 14, True)] + text_lines([
        "Children receive a good service from a well-established early help offer that has",
        "developed over several years. Professionally curious social workers undertake",
        "detailed assessments of children\u2019s",
    ], 700)
    page2 = running_furniture(2) + text_lines([
        "needs. However, workflow systems do not support timely assessments for all children.",
    ], 740) + text_lines([
        "Leaders know their services well and respond promptly to what audits tell them.",
    ], 700)
    page3 = running_furniture(3) + text_lines([
        "Partners understand thresholds and make appropriate referrals to the front door.",
    ], 740)
    raw = read_pdf(make_pdf([page1, page2, page3]))

    assert raw.pages == 3
    everything = " ".join(texts(raw))
    assert "Inspection of Testshire" not in everything
    assert "October 2022" not in everything
    joined = [b for b in raw.blocks if "children\u2019s needs. However" in b.text]
    assert len(joined) == 1 and joined[0].page == 1
    assert joined[0].text.startswith("Children receive a good service")
    assert [b.page for b in raw.blocks if b.kind == "paragraph"] == [1, 2, 3]


def test_numbered_paragraphs_bullets_and_heading_levels():
    items = [(72, 780, "Inspection of Testshire", 24, False),
             (72, 740, "What needs to improve?", 14, True)]
    items += text_lines(["\u2022 The timeliness of assessments for children who need",
                         "help and protection."], 715, x=90, first_x=72)
    items += text_lines(["\u2022 Supervision of social workers."], 685, x=90, first_x=72)
    items += [(72, 650, "The experiences and progress of children who need help and", 14, True),
              (72, 650 - 17, "protection: good", 14, True)]
    items += text_lines(["1. Children and families benefit from a well-designed early help offer",
                         "that is understood by partners across the area."], 600, x=90, first_x=72)
    items += text_lines(["2. Strategy meetings are timely and well attended by the police and",
                         "health colleagues who share information promptly."], 600 - 2 * PITCH, x=90, first_x=72)
    items += text_lines(["3. Children are seen alone."], 600 - 4 * PITCH, x=90, first_x=72)
    raw = read_pdf(make_pdf([items]))

    headings = [(b.text, b.level) for b in raw.blocks if b.kind == "heading"]
    assert headings == [("Inspection of Testshire", 1), ("What needs to improve?", 2),
                        ("The experiences and progress of children who need help and protection: good", 2)]
    assert texts(raw, "list_item") == [
        "The timeliness of assessments for children who need help and protection.",
        "Supervision of social workers."]
    paragraphs = texts(raw, "paragraph")
    assert [p[:3] for p in paragraphs] == ["1. ", "2. ", "3. "]
    assert paragraphs[0].endswith("understood by partners across the area.")


def test_grade_table_is_one_table_block_with_rows_and_cells():
    items = [(72, 780, "Inspection of Testshire local authority children\u2019s services", 20, False),
             (77, 740, "Judgement", BODY, True), (300, 740, "Grade", BODY, True)]
    rows = [(["The impact of leaders on social work", "practice with children and families"], "Good"),
            (["The experiences and progress of", "children who need help and protection"], "Requires improvement to be good"),
            (["The experiences and progress of", "children in care and care leavers"], "Outstanding")]
    top = 705
    for label, grade in rows:
        items += text_lines(label, top, x=77)
        items.append((300, top, grade, BODY, False))
        top -= 42
    items.append((77, top, "Overall effectiveness", BODY, False))
    items.append((300, top, "Good", BODY, False))
    items += text_lines(["Children in Testshire receive a good service. Leaders know their strengths",
                         "and what needs to improve."], top - 40, x=71)
    raw = read_pdf(make_pdf([items]))

    tables = [b for b in raw.blocks if b.kind == "table"]
    assert len(tables) == 1
    assert tables[0].rows == [
        ["Judgement", "Grade"],
        ["The impact of leaders on social work practice with children and families", "Good"],
        ["The experiences and progress of children who need help and protection", "Requires improvement to be good"],
        ["The experiences and progress of children in care and care leavers", "Outstanding"],
        ["Overall effectiveness", "Good"],
    ]
    assert tables[0].text.splitlines()[4] == "Overall effectiveness | Good"
    assert texts(raw, "paragraph") == [
        "Children in Testshire receive a good service. Leaders know their strengths and what needs to improve."]


def test_words_split_at_line_ends_are_joined_only_when_the_document_knows_the_word():
    items = text_lines(["Most assessments are timely. Inspectors read several assess-",
                        "ments that lacked analysis and some two-",
                        "way agreements with families."], 700)
    raw = read_pdf(make_pdf([items]))
    assert texts(raw) == ["Most assessments are timely. Inspectors read several assessments "
                          "that lacked analysis and some two-way agreements with families."]


def test_short_last_line_and_wider_gap_end_paragraphs():
    items = text_lines(["Leaders have a clear understanding of practice and of the needs of",
                        "children in the area."], 700)
    items += text_lines(["Senior leaders use data well."], 700 - 2 * PITCH)   # no extra gap
    items += text_lines(["Partners are engaged."], 700 - 3 * PITCH - 12)      # wider gap
    raw = read_pdf(make_pdf([items]))
    assert texts(raw) == ["Leaders have a clear understanding of practice and of the needs of children in the area.",
                          "Senior leaders use data well.", "Partners are engaged."]


def test_a_quotation_paragraph_is_a_quote():
    items = text_lines(["\u201cMy personal adviser is always there for me and helps me to plan",
                        "for university.\u201d"], 700)
    items += text_lines(["Care leavers told inspectors that they feel \u2018part of a family\u2019 and",
                         "valued."], 650)
    raw = read_pdf(make_pdf([items]))
    assert [b.kind for b in raw.blocks] == ["quote", "paragraph"]


def test_unreadable_pdfs_raise_read_error_with_a_sentence():
    good = make_pdf([text_lines(["Some text on the only page."], 700)])
    cases = {
        b"": "empty",
        b"Hello, this is a note": "not a PDF",
        good[: len(good) // 2]: "truncated",
        make_pdf([text_lines(["Secret."], 700)], encrypt=True): "password-protected",
        make_pdf([[]]): "no text layer",
        make_pdf([], page_count=0): "no pages",
    }
    for data, phrase in cases.items():
        with pytest.raises(ReadError) as caught:
            read_pdf(data)
        assert phrase in str(caught.value)
        assert str(caught.value).endswith(".")


def test_a_numbered_paragraph_runs_on_over_a_page_break_at_its_hanging_indent():
    page1 = running_furniture(1) + text_lines(["11. Visits to children are regular and purposeful, and social workers know",
                                               "their children well."], 120, x=90, first_x=72)
    page1 += [(72, 60, "1 Data supplied by the local authority.", 8, False)]   # a footnote
    page2 = running_furniture(2) + text_lines(["Managers check that visits happen when plans say they should.",
                                               "Children\u2019s views shape their plans."], 740, x=90)
    page2 += text_lines(["12. Plans are specific and reviewed."], 740 - 2 * PITCH, x=90, first_x=72)
    raw = read_pdf(make_pdf([page1, page2]))
    assert texts(raw) == [
        "11. Visits to children are regular and purposeful, and social workers know their children well. "
        "Managers check that visits happen when plans say they should. Children\u2019s views shape their plans.",
        "Data supplied by the local authority.",
        "12. Plans are specific and reviewed."]
