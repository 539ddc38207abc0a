"""Word documents (.docx): paragraphs and tables in the order of the body, headings from
styles and outline levels, list items with the numbers Word shows, tables with merged cells
kept once, text boxes, and the title from the document's properties. Read from the XML, so
that text inside tracked insertions, content controls and fields is not lost."""
from __future__ import annotations

import io
import re
import zipfile

from docx import Document
from docx.oxml.ns import qn

from indexer.clean import clean
from indexer.model import Block, RawDocument, ReadError
from indexer.readers.limits import check_package
from indexer.readers.text import finish, numbered_kind, table_block

_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = (qn(t) for t in ("w:p", "w:tbl", "w:tr", "w:tc", "w:sdt", "w:sdtContent"))
_CUSTOM_XML = qn("w:customXml")
_T, _TAB, _BR, _CR, _NB_HYPHEN = (qn(t) for t in ("w:t", "w:tab", "w:br", "w:cr", "w:noBreakHyphen"))
_R, _TXBX = qn("w:r"), qn("w:txbxContent")
_VAL = qn("w:val")
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Subtrees whose text is not the paragraph's own: text boxes (read as blocks of their own),
# the fallback copy of drawings, deleted or moved-away text, field instructions.
_NOT_RUN_TEXT = frozenset((_TXBX, _MC_FALLBACK, qn("w:del"), qn("w:moveFrom"), qn("w:instrText")))
_HEADING_STYLE = re.compile(r"^heading (\d)$")
_OUTLINE_BODY = 9          # w:outlineLvl 9 means body text
_FALSE = frozenset(("0", "false", "off"))


def _letters(n: int) -> str:
    """Word's letter numbering: A..Z, then AA..ZZ."""
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + numeral, n - value
    return out


_NUMBER_FORMATS = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "lowerLetter": lambda n: _letters(n).lower(),
    "upperLetter": _letters,
    "lowerRoman": lambda n: _roman(n).lower(),
    "upperRoman": _roman,
}


def read_docx(data: bytes) -> RawDocument:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_package(archive)   # before python-docx unpacks every part into memory
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ReadError("the Word document is damaged: its ZIP package cannot be opened") from None
    try:
        document = Document(io.BytesIO(data))
    except Exception:  # python-docx fails in many ways on a broken package; all mean "damaged"
        raise ReadError("the Word document is damaged and cannot be opened") from None
    reader = _Reader(document)
    reader.body(document.element.body)
    blocks = finish(reader.blocks, reader.emphasised)
    props = document.core_properties
    title = (props.title or "").strip() or reader.title
    meta = {key: value for key, value in (
        ("author", props.author), ("created", props.created and props.created.date().isoformat()),
        ("modified", props.modified and props.modified.date().isoformat())) if value}
    return RawDocument(blocks=blocks, format="docx", title=title, meta=meta)


class _Style:
    """A paragraph or character style: its lower-case name, the style it is based on, and
    its XML (for outline level, numbering and bold)."""

    def __init__(self, name: str, based_on: str | None, element) -> None:
        self.name, self.based_on, self.element = name.lower(), based_on, element


class _Reader:
    def __init__(self, document) -> None:
        self.blocks: list[Block] = []
        self.emphasised: set[int] = set()   # id() of the paragraphs that are bold throughout
        self.title: str | None = None        # the first paragraph in the Title style
        self.styles = _styles(document)
        self.default_style = next((sid for sid, s in self.styles.items()
                                   if s.element.get(qn("w:default")) in ("1", "true")
                                   and s.element.get(qn("w:type")) == "paragraph"), None)
        self.numbering = _Numbering(document)

    # --- the body ------------------------------------------------------------------------

    def body(self, container) -> None:
        for child in container:
            if child.tag == _P:
                self.paragraph(child)
            elif child.tag == _TBL:
                self.table(child)
            elif child.tag == _SDT:
                if not _is_contents_control(child):
                    content = child.find(_SDT_CONTENT)
                    if content is not None:
                        self.body(content)
            elif child.tag == _CUSTOM_XML:
                self.body(child)

    def paragraph(self, p) -> None:
        style_id = _child_val(p, "w:pPr", "w:pStyle") or self.default_style
        chain = self.style_chain(style_id)
        names = [s.name for s in chain]
        if any(n.startswith("toc") for n in names):
            return   # a table of contents repeats the headings with page numbers
        text = clean(_run_text(p))
        if text:
            self.blocks.append(self.classify(p, text, chain, names))
        for box in _text_boxes(p):
            self.body(box)

    def classify(self, p, text: str, chain: list[_Style], names: list[str]) -> Block:
        # Numbered headings count too: the paragraphs under them may be numbered "2.1".
        numbered = self.numbering.label(p, chain)
        label, depth = numbered or ("", 0)
        if label:
            text = f"{label} {text}"
        level = self.heading_level(p, chain, names)
        if level:
            if self.title is None and "title" in names:
                self.title = text
            return Block(text, "heading", level=level)
        if numbered is not None:
            return Block(text, numbered_kind(text) if label and depth == 0 else "list_item")
        if any(n.startswith("list") for n in names):
            return Block(text, "list_item")
        if any(n in ("quote", "intense quote") for n in names):
            return Block(text, "quote")
        block = Block(text)
        if self.bold_throughout(p, chain):
            self.emphasised.add(id(block))
        return block

    def heading_level(self, p, chain: list[_Style], names: list[str]) -> int:
        for name in names:
            if name == "title":
                return 1
            if name == "subtitle":
                return 2
            m = _HEADING_STYLE.match(name)
            if m:
                return int(m.group(1))
        for element in [p] + [s.element for s in chain]:
            outline = _int(_child_val(element, "w:pPr", "w:outlineLvl"), None)
            if outline is not None:
                return outline + 1 if outline < _OUTLINE_BODY else 0
        return 0

    def bold_throughout(self, p, chain: list[_Style]) -> bool:
        paragraph_bold = _bold_of([s.element for s in chain])
        runs = [r for r in p.iter(_R) if "".join(t.text or "" for t in r.iter(_T)).strip()]
        if not runs:
            return False
        for run in runs:
            bold = _bold_of([run] + [s.element for s in self.style_chain(_child_val(run, "w:rPr", "w:rStyle"))])
            if not (bold if bold is not None else paragraph_bold):
                return False
        return True

    def style_chain(self, style_id: str | None) -> list[_Style]:
        chain, seen = [], set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            chain.append(self.styles[style_id])
            style_id = self.styles[style_id].based_on
        return chain

    # --- tables --------------------------------------------------------------------------

    def table(self, tbl) -> None:
        rows = [[_cell_text(tc) for tc in _cells(tr)] for tr in tbl.iter(_TR) if _owner(tr) is tbl]
        nested = any(t is not tbl for t in tbl.iter(_TBL))
        # A table used for layout (tables inside it, or one cell of text per row) is read as
        # the paragraphs it holds.
        if nested or all(sum(1 for c in r if c) <= 1 for r in rows):
            for tr in tbl.iter(_TR):
                if _owner(tr) is tbl:
                    for tc in _cells(tr):
                        self.body(tc)
            return
        self.blocks.append(table_block(rows))


class _Numbering:
    """The labels Word draws in front of numbered paragraphs ("3.", "(b)", "2.1"), counted
    the way Word counts them: per list, deeper levels restarting under a new parent."""

    def __init__(self, document) -> None:
        self.abstract_of: dict[str, str] = {}
        self.start_override: dict[str, dict[int, int]] = {}
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}   # fmt, text, start
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return
        for abstract in root.iter(qn("w:abstractNum")):
            levels = {}
            for lvl in abstract.iter(qn("w:lvl")):
                levels[_int(lvl.get(qn("w:ilvl")), 0)] = (
                    _child_val(lvl, "w:numFmt") or "decimal", _child_val(lvl, "w:lvlText") or "",
                    _int(_child_val(lvl, "w:start"), 1))
            self.levels[abstract.get(qn("w:abstractNumId"))] = levels
        for num in root.iter(qn("w:num")):
            num_id = num.get(qn("w:numId"))
            self.abstract_of[num_id] = _child_val(num, "w:abstractNumId")
            overrides = {}
            for override in num.iter(qn("w:lvlOverride")):
                start = _child_val(override, "w:startOverride")
                if start is not None:
                    overrides[_int(override.get(qn("w:ilvl")), 0)] = _int(start, 1)
            self.start_override[num_id] = overrides

    def label(self, p, chain: list[_Style]) -> tuple[str, int] | None:
        """(label, level) for a numbered or bulleted paragraph ("" for a bullet), else None."""
        for element in [p] + [s.element for s in chain]:
            num_id = _child_val(element, "w:pPr", "w:numPr", "w:numId")
            if num_id is not None:
                break
        else:
            return None
        ilvl = _int(_child_val(element, "w:pPr", "w:numPr", "w:ilvl"), 0)
        abstract = self.abstract_of.get(num_id)
        levels = self.levels.get(abstract)
        if num_id == "0" or not levels:
            return None if num_id == "0" else ("", ilvl)
        counters = self.counters.setdefault(abstract, {})
        if num_id not in self.started:   # a list instance that restarts its numbering
            self.started.add(num_id)
            for level, start in self.start_override.get(num_id, {}).items():
                counters[level] = start - 1
                for deeper in [k for k in counters if k > level]:
                    del counters[deeper]
        fmt, text, start = levels.get(ilvl, ("decimal", "", 1))
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else start
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if fmt in ("bullet", "none") or not text:
            return "", ilvl

        def number(m: re.Match) -> str:
            level = int(m.group(1)) - 1
            level_fmt, _, level_start = levels.get(level, ("decimal", "", 1))
            value = counters.get(level, level_start)
            return _NUMBER_FORMATS.get(level_fmt, str)(value)
        return re.sub(r"%(\d)", number, text).strip(), ilvl


def _styles(document) -> dict[str, _Style]:
    styles = {}
    for element in document.styles.element.iter(qn("w:style")):
        name = _child_val(element, "w:name") or element.get(qn("w:styleId")) or ""
        styles[element.get(qn("w:styleId"))] = _Style(name, _child_val(element, "w:basedOn"), element)
    return styles


def _int(value: str | None, default: int | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else default


def _child_val(element, *path: str) -> str | None:
    """The w:val of the element at `path` under `element`, or None."""
    for tag in path:
        if element is None:
            return None
        element = element.find(qn(tag))
    return None if element is None else element.get(_VAL)


def _bold_of(elements: list) -> bool | None:
    """The first explicit bold setting among run or style elements, nearest first."""
    for element in elements:
        rpr = element.find(qn("w:rPr"))
        b = rpr.find(qn("w:b")) if rpr is not None else None
        if b is not None:
            return b.get(_VAL, "true").lower() not in _FALSE
    return None


def _run_text(element) -> str:
    parts: list[str] = []

    def walk(node) -> None:
        for child in node:
            tag = child.tag
            if not isinstance(tag, str) or tag in _NOT_RUN_TEXT:
                continue
            if tag == _T:
                parts.append(child.text or "")
            elif tag == _TAB:
                parts.append("\t")
            elif tag in (_BR, _CR):
                parts.append("\n")
            elif tag == _NB_HYPHEN:
                parts.append("-")
            else:
                walk(child)
    walk(element)
    return "".join(parts)


def _text_boxes(p) -> list:
    """Text boxes anchored in a paragraph, once each (not the fallback copy Word also keeps)."""
    boxes = []
    for box in p.iter(_TXBX):
        ancestor = box.getparent()
        while ancestor is not None and ancestor is not p and ancestor.tag != _MC_FALLBACK:
            ancestor = ancestor.getparent()
        if ancestor is p:
            boxes.append(box)
    return boxes


def _is_contents_control(sdt) -> bool:
    gallery = sdt.find(f"{qn('w:sdtPr')}/{qn('w:docPartObj')}/{qn('w:docPartGallery')}")
    return gallery is not None and "contents" in (gallery.get(_VAL) or "").lower()


def _owner(tr):
    node = tr.getparent()
    while node is not None and node.tag != _TBL:
        node = node.getparent()
    return node


def _cells(tr) -> list:
    """A row's cells, including those wrapped in a content control."""
    cells = []
    for child in tr:
        if child.tag == _TC:
            cells.append(child)
        elif child.tag == _SDT and child.find(_SDT_CONTENT) is not None:
            cells.extend(child.find(_SDT_CONTENT).iterchildren(_TC))
    return cells


def _cell_text(tc) -> str:
    """A cell's text; a cell continuing a vertical merge is empty, so the merged text
    appears once."""
    merge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
    if merge is not None and merge.get(_VAL) != "restart":
        return ""
    return clean(" ".join(_run_text(p) for p in tc.iter(_P)))
