"""Layouts of older Ofsted reports (single inspection framework, 2013-2018) and of recent
ones, on small PDFs built here: contents pages, footnote marks, headings set in two
styles, lead-ins of bullet lists, grade tables."""
from test_pdf import BODY, PITCH, make_pdf, text_lines, texts

from indexer.readers.pdf import read_pdf
from indexer.segment import segment


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
