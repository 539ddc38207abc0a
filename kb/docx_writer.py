"""A Word document from a flat list of typed blocks: what the web app's exports and the
assistant's evidence packs hand to a leader or a team. Every document carries the
protective marking in its header and footer and page numbers in its footer; a pack also
gets a title page and a table of contents."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime, timezone

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from kb.marking import marking as protective_marking

# quote: words quoted from a document of no particular voice; inspector and ours: the
# inspectors' words and the authority's own, each in its own named style.
BLOCK_KINDS = ("h1", "h2", "h3", "p", "bullet", "cite", "quote", "inspector", "ours")

INSPECTOR_STYLE = "Inspector quote"
OURS_STYLE = "Our account"
CITE_STYLE = "Citation"
MARKING_STYLE = "Protective marking"
DETAIL_STYLE = "Title page detail"
CONTENTS_STYLE = "Contents entry"
DEFAULT_AUTHOR = "ILACS evidence knowledge base"
PROPERTY_LIMIT = 255        # characters python-docx allows in a core property

_HEADING_LEVEL = {"h1": 1, "h2": 2, "h3": 3}
_QUOTE_STYLE = {"quote": "Quote", "inspector": INSPECTOR_STYLE, "ours": OURS_STYLE}
_GREY = RGBColor(0x50, 0x5A, 0x5F)
# Characters XML 1.0 forbids; extracted PDF text sometimes carries them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class Properties:
    """The file's document properties (File > Info in Word)."""
    subject: str = ""
    author: str = ""            # the creator: the authority, or the person who made it
    last_modified_by: str = ""
    keywords: str = ""
    comments: str = ""


@dataclass
class TitlePage:
    """A first page of its own: the title, then labelled details (theme, authority, date,
    prepared by), then any blocks (a key to the styles, say)."""
    details: list[tuple[str, str]]
    blocks: list[tuple[str, str]] | None = None


def write_docx(title: str, blocks: list[tuple[str, str]], *, properties: Properties | None = None,
               title_page: TitlePage | None = None, contents: bool = False) -> bytes:
    """The document as .docx bytes: `title` as its title (and the file's title property),
    then each (kind, text) block in order. Kinds: h1, h2, h3, p, bullet, cite (a small grey
    citation line), quote, inspector (inspectors' words) and ours (the authority's words).
    `title_page` puts the title and details on a page of their own; `contents` adds a table
    of contents of the h1 headings. Raises ValueError for an unknown kind."""
    for kind, _ in [*blocks, *((title_page.blocks or []) if title_page else [])]:
        if kind not in BLOCK_KINDS:
            raise ValueError(f"unknown block kind '{kind}'; use one of {', '.join(BLOCK_KINDS)}")
    doc = Document()
    _add_styles(doc)
    mark = _xml_safe(protective_marking())
    clean_title = _xml_safe(title)
    _set_properties(doc, clean_title, mark, properties or Properties())
    _header_and_footer(doc, mark)
    if title_page:
        doc.add_paragraph(mark, style=MARKING_STYLE)
        doc.add_heading(clean_title, level=0)
        for label, value in title_page.details:
            para = doc.add_paragraph(style=DETAIL_STYLE)
            para.add_run(_xml_safe(label) + ": ").bold = True
            para.add_run(_xml_safe(value))
        for kind, text in title_page.blocks or []:
            _add_block(doc, kind, _xml_safe(text))
        _page_break(doc)
    else:
        doc.add_heading(clean_title, level=0)
    if contents:
        _contents(doc, [_xml_safe(text) for kind, text in blocks if kind == "h1"])
        _page_break(doc)
    for kind, text in blocks:
        _add_block(doc, kind, _xml_safe(text))
    _drop_thumbnail(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _add_block(doc, kind: str, text: str) -> None:
    if kind in _HEADING_LEVEL:
        doc.add_heading(text, level=_HEADING_LEVEL[kind])
    elif kind == "p":
        doc.add_paragraph(text)
    elif kind == "bullet":
        doc.add_paragraph(text, style="List Bullet")
    elif kind in _QUOTE_STYLE:
        doc.add_paragraph(text, style=_QUOTE_STYLE[kind])
    else:  # cite
        doc.add_paragraph(text, style=CITE_STYLE)


def _add_styles(doc) -> None:
    styles = doc.styles

    def paragraph_style(name: str):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        style.quick_style = True
        return style

    # Inspectors' words: italic on pale blue with a navy rule; ours: upright on pale
    # green with a green rule. Both keep with the citation that follows them.
    for name, italic, rule, fill in ((INSPECTOR_STYLE, True, "1F3A5F", "EEF2F8"),
                                     (OURS_STYLE, False, "2E6B3A", "EEF6EE")):
        style = paragraph_style(name)
        style.font.italic = italic
        fmt = style.paragraph_format
        fmt.left_indent = Cm(0.6)
        fmt.space_before = Pt(6)
        fmt.space_after = Pt(0)
        fmt.keep_with_next = True
        _rule_and_fill(style, rule, fill)
    cite = paragraph_style(CITE_STYLE)
    cite.font.size = Pt(9)
    cite.font.color.rgb = _GREY
    cite.paragraph_format.left_indent = Cm(0.6)
    cite.paragraph_format.space_before = Pt(2)
    cite.paragraph_format.space_after = Pt(8)
    mark = paragraph_style(MARKING_STYLE)
    mark.font.bold = True
    mark.font.size = Pt(10)
    mark.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    mark.paragraph_format.space_after = Pt(0)
    detail = paragraph_style(DETAIL_STYLE)
    detail.font.size = Pt(12)
    detail.paragraph_format.space_after = Pt(6)
    entry = paragraph_style(CONTENTS_STYLE)
    entry.paragraph_format.space_after = Pt(3)


def _rule_and_fill(style, rule: str, fill: str) -> None:
    ppr = style.element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    left = OxmlElement("w:left")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "8"), ("w:color", rule)):
        left.set(qn(key), value)
    borders.append(left)
    shading = OxmlElement("w:shd")
    for key, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", fill)):
        shading.set(qn(key), value)
    # pPr's children have a fixed order: keepNext..., pBdr, shd, ..., spacing, ind.
    anchor = next((c for c in ppr if c.tag in (qn("w:spacing"), qn("w:ind"), qn("w:jc"))), None)
    for element in (borders, shading):
        if anchor is not None:
            anchor.addprevious(element)
        else:
            ppr.append(element)


def _set_properties(doc, title: str, mark: str, props: Properties) -> None:
    core = doc.core_properties
    now = datetime.now(timezone.utc).replace(microsecond=0)
    author = _property(props.author) or DEFAULT_AUTHOR
    core.title = _property(title)
    core.subject = _property(props.subject)
    core.author = author
    core.last_modified_by = _property(props.last_modified_by) or author
    core.keywords = _property(props.keywords, "; ")
    core.comments = _property(props.comments)       # the template's is "generated by python-docx"
    core.category = _property(mark)
    core.language = "en-GB"
    core.created = core.modified = now
    core.revision = 1


def _header_and_footer(doc, mark: str) -> None:
    section = doc.sections[0]
    head = section.header.paragraphs[0]
    head.text = mark
    head.style = doc.styles[MARKING_STYLE]
    foot = section.footer.paragraphs[0]
    foot.style = doc.styles[MARKING_STYLE]
    foot.add_run("Page ")
    foot._p.append(_simple_field("PAGE", "1"))
    foot.add_run(" of ")
    foot._p.append(_simple_field("NUMPAGES", "1"))
    section.footer.add_paragraph(mark, style=MARKING_STYLE)


def _simple_field(instruction: str, shown: str):
    """A field Word and LibreOffice work out as they lay the page out; `shown` until then."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" {instruction} ")
    field.append(_text_run(shown))
    return field


def _contents(doc, headings: list[str]) -> None:
    """A table of contents: a TOC field Word fills in (with page numbers) when the file is
    opened, whose text until then is the plain list of sections, so the document reads
    the same in a viewer that never updates fields."""
    doc.add_paragraph("Contents", style="TOC Heading")
    entries = headings or ["(no sections)"]
    paragraphs = [doc.add_paragraph(style=CONTENTS_STYLE) for _ in entries]
    first, last = paragraphs[0]._p, paragraphs[-1]._p
    first.append(_field_char("begin", dirty=True))
    first.append(_instruction('TOC \\o "1-1" \\h \\z \\u'))
    first.append(_field_char("separate"))
    for para, text in zip(paragraphs, entries):
        para._p.append(_text_run(text))
    last.append(_field_char("end"))
    _update_fields_on_open(doc)


def _field_char(kind: str, dirty: bool = False):
    run = OxmlElement("w:r")
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    if dirty:
        char.set(qn("w:dirty"), "true")
    run.append(char)
    return run


def _instruction(text: str):
    run = OxmlElement("w:r")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {text} "
    run.append(instr)
    return run


def _text_run(text: str):
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    run.append(t)
    return run


def _update_fields_on_open(doc) -> None:
    settings = doc.settings.element
    if settings.find(qn("w:updateFields")) is not None:
        return
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    # Its place in settings is fixed: before compat (the template has no footnotePr etc.).
    compat = settings.find(qn("w:compat"))
    if compat is not None:
        compat.addprevious(update)
    else:
        settings.append(update)


def _page_break(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _drop_thumbnail(doc) -> None:
    """The template's preview picture, which is of some other document."""
    rels = doc.part.package.rels
    for rid, rel in list(rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del rels[rid]


def _property(text: str, separator: str = " ") -> str:
    """`text` cut to fit a core property, at the last `separator` that fits, marked with an
    ellipsis."""
    text = _xml_safe(text)
    if len(text) <= PROPERTY_LIMIT:
        return text
    cut = text[:PROPERTY_LIMIT - 1]
    at = cut.rfind(separator)
    return (cut[:at] if at > 0 else cut).rstrip("; ,") + "\u2026"


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text or "")
