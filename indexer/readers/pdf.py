"""Read a PDF into blocks with pypdfium2.

pdfium hands out text line by line, with no paragraph breaks. The position, size and weight
of each line's first and last character are enough to rebuild the layout: running headers
and footers are lines repeated at the same height on many pages; paragraphs end at a wider
gap, a return to the first-line indent, a bullet or the next paragraph number; headings are
larger or bold; tables are lines that share a height or hold wide gaps. Only a few calls
into pdfium are made per line (never per character of the page), so reading stays close to
the cost of bare text extraction.
"""
from __future__ import annotations

import ctypes
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from indexer.clean import PARAGRAPH_NUMBER, append_item, clean, ends_sentence, tidy, vocabulary
from indexer.model import Block, RawDocument, ReadError

# Bullet glyphs, Symbol/Wingdings bullets (private use code points), and dashes (a minus
# sign or a box-drawing line among them) or stars followed by a space.
_BULLET = re.compile(r"^(?:[•◼▪■●○◦‣⁃∙·➢➤►▶✓✔❖◆◇□]|[\uf000-\uf0ff])\s*|^[-–−─*]\s+")
_MARKER = re.compile(r"^(?:\d{1,3}[.)]|\(?[a-zA-Z]{1,4}[.)]|\(\d{1,3}\)|[•◼▪■●○◦‣⁃∙·➢➤►▶✓✔❖◆◇□–−─*-]|[\uf000-\uf0ff])$")
_FIELD = re.compile(r"^[A-Z][\w'’ ]{0,30}:\s+\S")
_GRADE_WORDS = re.compile(r"\b(outstanding|good|inadequate|requires? improvement)\b", re.I)
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$|^[-–]\s*\d{1,4}\s*[-–]$", re.I)
_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi", re.I)
# The page number that ends a contents entry, after a space or a dot leader.
_ENTRY_NUMBER = re.compile(r"(?<=[\s.…·])\d{1,3}$")
# Digits glued to the end of a word, where a footnote mark would sit.
_GLUED_DIGITS = re.compile(r"(?<=[^\W\d_])\d{1,2}(?=[\s,.;:)]|$)")
# The number that opens a footnote (the text after it is kept).
_FOOTNOTE_MARK = re.compile(r"^\d{1,2}(?:\s+|$|(?=[^\W\d_]))")
# A line that ends in a word that cannot end a heading, and a line that is only a grade.
_JOINING_WORD = re.compile(r"\b(?:and|or|of|the|for|to|in|on|with|by|is|are)$", re.I)
_GRADE_LINE = re.compile(r"^(?:outstanding|good|inadequate|requires? improvement(?: to be good)?)\.?$", re.I)
_GRADED_TAIL = re.compile(r"\s(outstanding|good|inadequate|requires? improvement(?: to be good)?)$", re.I)
_OPEN_QUOTE = "“\"‘'"
# A closing quote: a double one, or a single one not followed by a letter (not an apostrophe).
_CLOSE_QUOTE = re.compile(r"[”\"]|[’'](?![^\W\d_])")


@dataclass
class _Line:
    text: str
    page: int
    x0: float        # left edge of the first character
    x1: float        # right edge of the last character
    top: float       # baseline of the first character (PDF y grows upwards)
    bottom: float    # baseline of the last character; lower than top when pdfium joined a
                     # line broken at a hyphen with the next one
    size: float
    bold: bool
    cells: list[tuple[float, float, str]]  # the line cut at wide gaps; one stretch when none
    heading: bool = False                   # styled as a heading (set once the body style is known)
    bullet: bool = False                    # starts with a bullet


@dataclass
class _Table:
    rows: list[list[str]]
    page: int
    styles: list[_Line] | None   # for a table whose every line is bold or large: headings
                                 # laid out in columns (title beside grade), one a row,
                                 # each styled as its row's first line
    first: _Line                 # the table's first line


@dataclass
class _Open:
    """The block being built."""
    lines: list[_Line]
    kind: str            # heading, paragraph or list_item (a paragraph may turn out a quote)
    first_x: float
    cont_x: float | None = None   # indent of the second and later lines
    nested: list[int] = field(default_factory=list)   # where the items of a list nested
                                                      # under this list item start

    @property
    def last(self) -> _Line:
        return self.lines[-1]


class _Probe:
    """Reusable ctypes outputs for the handful of per-line pdfium calls."""

    def __init__(self) -> None:
        self._rect = pdfium_c.FS_RECTF()
        self._l, self._t, self._r, self._b = (ctypes.c_double() for _ in range(4))
        self._name = ctypes.create_string_buffer(128)
        self._flags = ctypes.c_int()

    def box(self, tp, i: int) -> tuple[float, float, float]:
        """Left, right and bottom of a character's box as its font sets it (the same bottom
        for every character of a line in one font, unlike its ink)."""
        pdfium_c.FPDFText_GetLooseCharBox(tp, i, ctypes.byref(self._rect))
        return self._rect.left, self._rect.right, self._rect.bottom

    def has_gap(self, tp, start: int, count: int, width: float) -> bool:
        """Whether pdfium's runs of text on this stretch leave a gap wider than `width`."""
        runs = pdfium_c.FPDFText_CountRects(tp, start, count)
        right = None
        for k in range(runs):
            pdfium_c.FPDFText_GetRect(tp, k, ctypes.byref(self._l), ctypes.byref(self._t),
                                      ctypes.byref(self._r), ctypes.byref(self._b))
            if right is not None and self._l.value - right > width:
                return True
            right = self._r.value
        return False

    def bold(self, tp, i: int) -> bool:
        weight = pdfium_c.FPDFText_GetFontWeight(tp, i)
        if weight > 0:
            return weight >= 600
        n = pdfium_c.FPDFText_GetFontInfo(tp, i, self._name, len(self._name), ctypes.byref(self._flags))
        return n > 0 and bool(_BOLD_NAME.search(self._name.value.decode("latin-1", "replace")))


def read_pdf(data: bytes) -> RawDocument:
    """Blocks of a PDF: headings with levels, paragraphs, list items, quotes and tables, each
    with the 1-based page it starts on. Raises ReadError for a PDF that cannot give text."""
    doc = _open(data)
    try:
        pages = _read_pages(doc)
        if not any(pages):
            raise ReadError("This PDF has no text layer (scanned?); it needs OCR before it can be read.")
        heights = [doc.get_page_size(i)[1] for i in range(len(doc))]
        info = doc.get_metadata_dict(skip_empty=True)
    finally:
        doc.close()
    return _Layout(pages, heights).document(info)


def _open(data: bytes) -> pdfium.PdfDocument:
    if not data.strip():
        raise ReadError("This file is empty.")
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise ReadError("This file is not a PDF (it does not start with a PDF header).")
    if b"%%EOF" not in data[-4096:]:
        raise ReadError("This PDF is truncated (it stops before its end-of-file marker); "
                        "download or export it again.")
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        # pdfium's error code can be left over from an earlier call: the bytes decide.
        if re.search(rb"/Encrypt\b", data):
            if "security" in str(e).lower():
                raise ReadError("This PDF is encrypted with a scheme that cannot be opened.") from None
            raise ReadError("This PDF is password-protected; save an unprotected copy and try again.") from None
        if re.search(rb"/Count\s+0\b", data) and not re.search(rb"/Count\s+[1-9]", data):
            raise ReadError("This PDF has no pages.") from None
        raise ReadError("This PDF is damaged and cannot be opened.") from None
    if len(doc) == 0:
        doc.close()
        raise ReadError("This PDF has no pages.")
    return doc


def _read_pages(doc: pdfium.PdfDocument) -> list[list[_Line]]:
    probe = _Probe()
    pages = []
    for i in range(len(doc)):
        try:
            page = doc[i]
            textpage = page.get_textpage()
        except pdfium.PdfiumError:
            raise ReadError(f"Page {i + 1} of this PDF is damaged and cannot be read.") from None
        try:
            pages.append(_page_lines(textpage, i + 1, page.get_width(), probe))
        finally:
            textpage.close()
            page.close()
    return pages


def _page_lines(textpage: pdfium.PdfTextPage, page_no: int, page_width: float, probe: _Probe) -> list[_Line]:
    text = textpage.get_text_range()
    tp = textpage.raw
    lines = []
    for m in re.finditer(r"[^\r\n]+", text):
        raw = m.group()
        stripped = raw.strip()
        if not stripped:
            continue
        a = m.start() + len(raw) - len(raw.lstrip())
        b = m.start() + len(raw.rstrip()) - 1
        first_letter = a if stripped[0].isalnum() else min(b, a + 2)   # past a bullet
        x0, _, top = probe.box(tp, a)
        _, x1, bottom = probe.box(tp, b)
        size = pdfium_c.FPDFText_GetFontSize(tp, first_letter)
        if stripped[-1].isdigit() and len(stripped) > 1 and pdfium_c.FPDFText_GetFontSize(tp, b) < 0.8 * size:
            stripped = stripped.rstrip("0123456789").rstrip()   # a footnote mark set as superscript
        stripped = _without_marks(stripped, a, tp)
        bold = probe.bold(tp, first_letter) and probe.bold(tp, b)
        line = _Line(stripped, page_no, x0, x1, top, bottom, size, bold, [])
        line.cells = _cells(line, text, a, b, tp, probe, page_width)
        if lines and _same_line(lines[-1], line):
            _join_line(lines[-1], line)
        else:
            lines.append(line)
    return lines


def _without_marks(text: str, start: int, tp) -> str:
    """Footnote marks set small after a word inside a line ("schools2 out of") taken out;
    only digits glued to a letter are looked at, one font-size call each."""
    cut = []
    for m in _GLUED_DIGITS.finditer(text):
        letter = pdfium_c.FPDFText_GetFontSize(tp, start + m.start() - 1)
        if pdfium_c.FPDFText_GetFontSize(tp, start + m.start()) < 0.8 * letter:
            cut.append(m.span())
    for i, j in reversed(cut):
        text = text[:i] + text[j:]
    return text


def _same_line(prev: _Line, ln: _Line) -> bool:
    """pdfium breaks a line where a raised footnote mark starts a run: the run starts where
    the previous one stopped, on the same baseline."""
    raised = ln.bottom - prev.bottom
    on_baseline = (abs(raised) < 0.3 * prev.size or abs(ln.top - prev.top) < 0.3 * prev.size   # (a mark
                   or (ln.size < 0.8 * prev.size and 0 <= raised < 0.7 * prev.size))          # raised the end)
    return (abs(ln.x0 - prev.x1) < 0.5 * prev.size and on_baseline
            and len(prev.cells) == 1 and len(ln.cells) == 1)


def _join_line(prev: _Line, ln: _Line) -> None:
    rest = ln.text
    if ln.size < 0.8 * prev.size:          # measured on a raised mark: drop the mark
        rest = re.sub(r"^\d{1,3}\s*", "", rest)
    if rest:
        prev.text = prev.text + rest if rest[0] in ".,;:)" else f"{prev.text} {rest}"
    prev.x1, prev.bottom = ln.x1, ln.bottom
    prev.cells = [(prev.x0, prev.x1, prev.text)]


def _cells(line: _Line, text: str, a: int, b: int, tp, probe: _Probe,
           page_width: float) -> list[tuple[float, float, str]]:
    """Cut a line at gaps wider than two ems: table cells that pdfium set on one line.
    A line is examined space by space only when pdfium's runs of text on it leave such a
    gap, or when it is much wider than its character count explains (tab stops)."""
    whole = [(line.x0, line.x1, line.text)]
    gap = 2 * line.size
    if abs(line.bottom - line.top) > line.size:
        return whole   # pdfium joined two lines at a hyphen: not a table row
    per_char = (line.x1 - line.x0) / (line.size * (b - a + 1))
    if per_char <= 0.6:
        # Not wider than its characters explain. A full line of running text reaches the
        # right side, set as tightly as running text is, and has no gap; other lines (a
        # grade table's row reaching the margin among them) ask pdfium whether its runs
        # leave one.
        running = line.x1 > 0.8 * page_width and per_char <= 0.48
        if running or not probe.has_gap(tp, a, b - a + 1, gap):
            return whole
    cells, start, x_start = [], a, line.x0
    for m in re.finditer(r" +", text[a:b + 1]):
        before, after = a + m.start() - 1, a + m.end()
        _, right, _ = probe.box(tp, before)
        left, _, _ = probe.box(tp, after)
        if left - right > gap:
            cells.append((x_start, right, text[start:before + 1].strip()))
            start, x_start = after, left
    if not cells:
        return whole
    cells.append((x_start, line.x1, text[start:b + 1].strip()))
    if _MARKER.match(cells[0][2]):   # "1." or a bullet before a wide tab: a list, not a table
        cells[:2] = [(cells[0][0], cells[1][1], f"{cells[0][2]} {cells[1][2]}")]
    return cells if len(cells) > 1 else whole


class _Layout:
    """Turns the lines of every page into blocks."""

    def __init__(self, pages: list[list[_Line]], heights: list[float]) -> None:
        furniture = _running_lines(pages, heights)
        self.pages = [[ln for ln in lines if id(ln) not in furniture] for lines in pages]
        self.pages = [_without_contents(lines, len(pages)) for lines in self.pages]
        body = [ln for lines in self.pages for ln in lines]
        sizes = Counter()
        for ln in body:
            sizes[round(ln.size * 2) / 2] += len(ln.text)
        self.body_size = sizes.most_common(1)[0][0] if sizes else 12.0
        self.pitch = _line_pitch(body, self.body_size)
        self.right = _right_margin(body, self.body_size)
        self._vocabulary: frozenset[str] | None = None
        self._column_heads: set[int] = set()   # ids of headings read from a one-row table
        for ln in body:
            ln.bullet = bool(_BULLET.match(ln.text))
            ln.heading = self._is_heading(ln)

    # -- styles ---------------------------------------------------------------------------

    def _is_heading(self, ln: _Line) -> bool:
        large = ln.size >= self.body_size + 1.0
        if not (large or (ln.bold and ln.size >= self.body_size - 0.5)):
            return False
        if ln.bullet or len(ln.text.split()) > 30 or (not large and PARAGRAPH_NUMBER.match(ln.text)):
            return False
        # "Inspection dates: 10 to 21 October 2022" is a labelled field, not a heading
        if ln.size < 1.2 * self.body_size and _FIELD.match(ln.text):
            label, value = ln.text.split(":", 1)
            if len(label.split()) <= 3 and not _GRADE_WORDS.search(value):
                return False
        return True

    def _is_footnote(self, ln: _Line, lowest_body: float) -> bool:
        return ln.size < 0.9 * self.body_size and ln.top < lowest_body

    # -- pages to items --------------------------------------------------------------------

    def _items(self) -> list[_Line | _Table | list[_Line]]:
        """Lines and tables in reading order; a list of lines is a page's footnotes, which
        are placed after whatever paragraph runs on over the page break."""
        items: list = []
        for lines in self.pages:
            body_tops = [ln.bottom for ln in lines if ln.size >= 0.9 * self.body_size]
            lowest = min(body_tops) if body_tops else -math.inf
            notes = [ln for ln in lines if self._is_footnote(ln, lowest)]
            rest = [ln for ln in lines if not self._is_footnote(ln, lowest)]
            items.extend(self._with_tables(rest))
            if notes:
                items.append(notes)
        return items

    def _with_tables(self, lines: list[_Line]) -> list[_Line | _Table]:
        regions = _table_regions(lines)
        out: list = []
        placed = set()
        for ln in lines:
            region = regions.get(id(ln))
            if region is None:
                out.append(ln)
            elif id(region) not in placed:
                placed.add(id(region))
                out.append(self._table(*region))
        return out

    def _table(self, region: list[_Line], columns: list[tuple[float, float]]) -> _Table:
        rows = _rows_of(region, columns)
        styled = all(ln.bold or ln.size >= self.body_size + 1.0 for ln in region)
        styles = [next(c[0] for c in row if c) for row in rows] if styled else None
        return _Table([[self._text(cell) for cell in row] for row in rows], region[0].page, styles, region[0])

    # -- items to blocks -------------------------------------------------------------------

    def document(self, info: dict) -> RawDocument:
        blocks: list[Block] = []
        open_: _Open | None = None
        notes: list[Block] = []
        last_number = 0

        def close(flush: bool = True) -> None:
            """End the open block; a page's footnotes follow it, unless a list goes on
            (they wait until it ends, not to cut it in two)."""
            nonlocal open_
            if open_ is not None:
                blocks.append(self._block(open_))
                open_ = None
            if flush:
                blocks.extend(notes)
                notes.clear()

        for item in self._items():
            if isinstance(item, list):
                notes.extend(self._footnotes(item))
                continue
            if isinstance(item, _Table):
                close()
                blocks.extend(self._table_blocks(item, blocks))
                continue
            ln = item
            number = PARAGRAPH_NUMBER.match(ln.text)
            numbered_next = bool(number) and int(number.group(1)) in (1, last_number + 1)
            if open_ is not None and ln.bullet and _nests(open_, ln):
                open_.nested.append(len(open_.lines))
                open_.lines.append(ln)
                continue
            if open_ is not None and not self._breaks(open_, ln, numbered_next):
                open_.lines.append(ln)
                if open_.cont_x is None and ln.page == open_.lines[0].page:
                    open_.cont_x = ln.x0
                continue
            kind = "heading" if ln.heading else "list_item" if ln.bullet else "paragraph"
            close(flush=kind != "list_item")
            if number and (numbered_next or 0 < int(number.group(1)) - last_number <= 3):
                last_number = int(number.group(1))
            open_ = _Open([ln], kind, ln.x0)
        close()
        blocks = self._graded_boxes(blocks)
        self._label_headings(blocks)
        self._assign_levels(blocks)
        title = info.get("Title", "").strip() or None
        return RawDocument(blocks, "pdf", pages=len(self.pages), title=title, meta=_meta(info))

    def _breaks(self, cur: _Open, ln: _Line, numbered_next: bool) -> bool:
        """Whether ln starts a new block rather than continuing cur."""
        heading = ln.heading
        prev = cur.last
        if cur.kind == "paragraph" and prev.bold and ln.bold and abs(ln.size - prev.size) < 0.6 \
                and ln.page == prev.page and 0 < prev.bottom - ln.top < self.pitch + 0.25 * ln.size:
            return False   # the second line of a bold labelled field ("Lead inspector: ...")
        if (cur.kind == "heading") != heading:
            return True
        if heading:
            if ln.page == prev.page and 0 < prev.bottom - ln.top < 2 * max(ln.size, prev.size) \
                    and self._heading_goes_on(prev, ln):
                return False
            same_style = abs(ln.size - prev.size) < 0.6 and ln.bold == prev.bold
            return not (same_style and ln.page == prev.page and abs(prev.bottom - ln.top) < 2 * ln.size
                        and len(cur.lines) < 6)
        if ln.bullet or numbered_next:
            return True
        if cur.nested and ln.x0 > cur.first_x + 8 and ln.page == prev.page \
                and 0 < prev.bottom - ln.top < self.pitch + 0.25 * self.body_size:
            return False   # the next line of a nested item
        if ln.page != prev.page:
            return not self._runs_on(cur, ln)
        gap = prev.bottom - ln.top
        if gap > self.pitch + 0.25 * self.body_size or gap < -0.5 * ln.size:
            return True
        if abs(ln.size - prev.size) > 1.0:
            return True
        if cur.cont_x is not None and ln.x0 < cur.cont_x - 4:
            return True   # back at the first-line indent of a hanging paragraph or list
        if cur.cont_x is not None and ln.x0 > cur.cont_x + 8:
            return True   # a first-line indent opens the next paragraph
        return self._short_line_ends(prev, ln)

    def _table_blocks(self, table: _Table, before: list[Block]) -> list[Block]:
        """A table; or headings set in columns: a table of headings styled as headings, or a
        box that grades one judgement ("Key judgement | Judgement grade" over "The
        experiences and progress of ... | Requires improvement"), which heads the section
        below it, just under the heading before it that is set larger than the box."""
        if table.styles is not None:
            heads = [Block(": ".join(c for c in row if c), "heading", table.page, level=self._level_key(style))
                     for row, style in zip(table.rows, table.styles) if any(row)]
            if len(heads) == 1 and not any(_GRADE_LINE.match(c) for c in table.rows[0]):
                self._column_heads.add(id(heads[0]))   # perhaps the head of a grade box
            return heads
        graded = [row for row in table.rows if len(row) > 1 and _GRADE_LINE.match(row[-1])]
        if len(graded) == 1 and len(table.rows) <= 2 and (len(table.rows) == 1 or table.first.bold):
            text = ": ".join(c for c in graded[0] if c)
            return [Block(text, "heading", table.page, level=_box_level(self._level_key(table.first), before))]
        return [_table_block(table)]

    def _graded_boxes(self, blocks: list[Block]) -> list[Block]:
        """A grade box whose grade pdfium set too close to the title to cut the row: its
        column heads, then a short line that ends in a grade, become the box's heading."""
        out: list[Block] = []
        for b in blocks:
            head = out[-1] if out else None
            tail = _GRADED_TAIL.search(b.text) if b.kind == "paragraph" else None
            if head is not None and id(head) in self._column_heads and tail is not None \
                    and len(b.text.split()) <= 25 and not ends_sentence(b.text):
                text = f"{b.text[:tail.start()].strip()}: {tail.group(1)}"
                out[-1] = Block(text, "heading", head.page, level=_box_level(head.level, out[:-1]))
                continue
            out.append(b)
        return out

    def _label_headings(self, blocks: list[Block]) -> None:
        """A short line set as body text, unpunctuated, standing alone before a list or a
        numbered paragraph ("Performance management and oversight" over its bullets) is
        a heading of the body's style, under every styled one."""
        body_key = -(int(round(self.body_size * 2)) * 2)
        for b, after in zip(blocks, blocks[1:]):
            if b.kind == "paragraph" and after.kind in ("list_item", "paragraph") and _is_label(b.text) \
                    and (after.kind == "list_item" or PARAGRAPH_NUMBER.match(after.text)):
                b.kind, b.level = "heading", body_key

    def _heading_goes_on(self, prev: _Line, ln: _Line) -> bool:
        """A heading line, in whatever heading style, that completes the one above it: it
        starts in lower case; or one of them is or ends in a joining word ("and"); or the
        line above, of the same size, was full (the next word would not have fitted); or
        it is the grade the line above leads to ("The effectiveness of the board is" /
        "good.")."""
        if ln.text[0].islower() or _JOINING_WORD.search(prev.text) or _JOINING_WORD.fullmatch(ln.text):
            return True
        if ends_sentence(prev.text):
            return False
        first_word = ln.text.split()[0]
        wrapped = abs(ln.size - prev.size) < 0.6 and self.right - prev.x1 < (len(first_word) + 1) * 0.5 * ln.size
        return wrapped or bool(_GRADE_LINE.match(ln.text))

    def _short_line_ends(self, prev: _Line, ln: _Line) -> bool:
        """A line that stopped although the next line's first word would have fitted ended
        its paragraph (when it also ends a sentence)."""
        if not ends_sentence(prev.text):
            return False
        first_word = ln.text.split()[0]
        room = self.right - prev.x1
        return room > (len(first_word) + 2) * 0.55 * ln.size

    def _runs_on(self, cur: _Open, ln: _Line) -> bool:
        """Whether the first line of a page continues the paragraph left open on the last."""
        if cur.kind == "heading":
            return False
        if ln.text[0].islower():
            return True
        hanging = cur.cont_x
        starts_marked = cur.lines[0].bullet or PARAGRAPH_NUMBER.match(cur.lines[0].text)
        if hanging is not None and hanging > cur.first_x + 4 and abs(ln.x0 - hanging) < 4:
            return True
        if hanging is None and starts_marked and ln.x0 > cur.first_x + 4:
            return True
        if ends_sentence(cur.last.text):
            return False
        indent = hanging if hanging is not None else cur.first_x
        return abs(ln.x0 - indent) < 4

    def _text(self, lines: list[_Line]) -> str:
        joined = "\n".join(ln.text for ln in lines).replace("\ufffe", "-\n")
        return clean(joined, self._words() if "-\n" in joined else frozenset())

    def _words(self) -> frozenset[str]:
        """The document's words, to tell a word split at a line end from a compound; read
        the first time a line ends in a hyphen."""
        if self._vocabulary is None:
            text = "\n".join(ln.text for lines in self.pages for ln in lines)
            self._vocabulary = vocabulary(text.replace("\ufffe", " "))
        return self._vocabulary

    def _block(self, cur: _Open) -> Block:
        text = self._text(cur.lines[:cur.nested[0]] if cur.nested else cur.lines)
        for start, end in zip(cur.nested, cur.nested[1:] + [len(cur.lines)]):
            text = append_item(text, _BULLET.sub("", self._text(cur.lines[start:end]), count=1))
        kind = cur.kind
        if kind == "list_item":
            text = _BULLET.sub("", text, count=1)
        elif kind == "paragraph" and _is_quote(text):
            kind = "quote"
        block = Block(text, kind, cur.lines[0].page)
        if kind == "heading":
            block.level = self._level_key(cur.lines[0])
        return block

    def _footnotes(self, lines: list[_Line]) -> list[Block]:
        groups: list[list[_Line]] = []
        for ln in lines:
            if not groups or ln.text[:1].isdigit() or groups[-1][-1].bottom - ln.top > 2 * ln.size:
                groups.append([ln])
            else:
                groups[-1].append(ln)
        notes = [(_FOOTNOTE_MARK.sub("", self._text(g), count=1), g[0].page) for g in groups]
        return [Block(text, "paragraph", page) for text, page in notes if text]

    # -- heading levels --------------------------------------------------------------------

    @staticmethod
    def _level_key(ln: _Line) -> int:
        """A provisional level: the line's style encoded, larger and bolder first; ranked
        into 1, 2, 3... by _assign_levels."""
        return -(int(round(ln.size * 2)) * 2 + int(ln.bold))

    @staticmethod
    def _assign_levels(blocks: list[Block]) -> None:
        keys = sorted({b.level for b in blocks if b.kind == "heading"})
        rank = {k: min(i + 1, 6) for i, k in enumerate(keys)}
        for b in blocks:
            if b.kind == "heading":
                b.level = rank[b.level]


def _is_label(text: str) -> bool:
    """Short, capitalised, unpunctuated and without figures: a label, not a sentence."""
    words = text.split()
    return (len(words) <= 8 and text[0].isupper() and not ends_sentence(text)
            and text[-1] not in ",-–" and ":" not in text and not any(c.isdigit() for c in text))


def _box_level(own: float, before: list[Block]) -> float:
    """The provisional level of a grade box's heading: just under the last heading before
    it that is set larger than the box, so that the box's own subheadings nest under it."""
    above = next((b.level for b in reversed(before)
                  if b.kind == "heading" and b.level < own and b.level == int(b.level)), None)   # not a box
    return own if above is None else above + 0.5


def _nests(cur: _Open, ln: _Line) -> bool:
    """A bullet indented under a list item: an item of a list nested in it, which stays
    with the item it completes ("Of this number:" over "214 live outside the area")."""
    return cur.kind == "list_item" and ln.x0 > cur.first_x + 8 and not cur.lines[0].heading


def _table_block(table: _Table) -> Block:
    rows = [row for row in table.rows if any(row)]
    return Block("\n".join(" | ".join(row) for row in rows), "table", table.page, rows=rows)


def _is_quote(text: str) -> bool:
    """A paragraph that is a quotation: it opens with a quote mark that closes near its end."""
    if len(text) < 8 or text[0] not in _OPEN_QUOTE:
        return False
    closes = [m.start() for m in _CLOSE_QUOTE.finditer(text, 1)]
    return bool(closes) and closes[0] >= 0.6 * len(text) and closes[-1] >= len(text) - 60


# -- running headers and footers -----------------------------------------------------------

def _furniture_key(text: str) -> str:
    """A margin line with its digits masked and its page number, on whichever side the
    page sets it, taken off."""
    return re.sub(r"\d+", "#", re.sub(r"^\d{1,4}\s+|\s+\d{1,4}$", "", tidy(text).lower()))


def _running_lines(pages: list[list[_Line]], heights: list[float]) -> set[int]:
    """ids of lines in the top or bottom margin that repeat, digits aside, at the same height
    on several pages (running headers, footers, page numbers), and lone page numbers there."""
    candidates: dict[str, list[_Line]] = defaultdict(list)
    found: set[int] = set()
    for lines, height in zip(pages, heights):
        for ln in lines:
            if ln.top > 0.85 * height or ln.top < 0.13 * height:
                if _PAGE_NUMBER.match(ln.text):
                    found.add(id(ln))
                candidates[_furniture_key(ln.text)].append(ln)
    # A part of a combined report (a board's review after the authority's) has its own.
    needed = max(3, math.ceil(0.15 * len(pages))) if len(pages) > 8 else max(2, math.ceil(0.4 * len(pages)))
    for lines in candidates.values():
        lines.sort(key=lambda ln: ln.top)
        cluster: list[_Line] = []
        for ln in lines + [None]:
            if ln is not None and (not cluster or ln.top - cluster[-1].top <= 3):
                cluster.append(ln)
                continue
            if len({c.page for c in cluster}) >= needed:
                found.update(id(c) for c in cluster)
            cluster = [ln] if ln is not None else []
    return found


# -- contents pages ------------------------------------------------------------------------

def _without_contents(lines: list[_Line], page_count: int) -> list[_Line]:
    """A page's lines less its table of contents: three or more entries ending in page
    numbers that are right-aligned together (or led by dots), in order and within the
    document, with the wrapped entries between them and the title just above them."""
    aligned, dotted = [], []
    for i, ln in enumerate(lines):
        entry = _contents_entry(ln.text)
        if entry is not None and 0 < entry[0] <= page_count:
            (dotted if entry[1] else aligned).append(i)
    groups: list[list[int]] = []   # entries whose numbers end within a few points of each other
    for i in sorted(aligned, key=lambda i: lines[i].x1):
        if groups and lines[i].x1 - lines[groups[-1][-1]].x1 <= 4:
            groups[-1].append(i)
        else:
            groups.append([i])
    groups = [sorted(g + dotted) for g in groups] or [dotted]
    found = max((run for group in groups for run in _runs(group, lines)), key=len, default=[])
    numbers = [_contents_entry(lines[i].text)[0] for i in found]
    if len(found) < 3 or numbers != sorted(numbers):
        return lines
    first, last = found[0], found[-1]
    if first > 0 and _is_title_of(lines[first - 1], lines[first]):
        first -= 1
    return lines[:first] + lines[last + 1:]


def _contents_entry(text: str) -> tuple[int, bool] | None:
    """(page number, led by dots) of a line that reads as a contents entry: a title with
    letters, then dots or a space, then a number."""
    if not text[-1:].isdigit():
        return None
    m = _ENTRY_NUMBER.search(text)
    if m is None:
        return None
    head = text[:m.start()].rstrip()
    title = head.rstrip(" .…·")
    if not any(c.isalpha() for c in title):
        return None
    leaders = head[len(title):]
    return int(m.group()), sum(c in ".…·" for c in leaders) >= 3


def _runs(indexes: list[int], lines: list[_Line]) -> list[list[int]]:
    """Entries that follow each other closely: at most two wrapped lines apart and
    without a wide vertical gap."""
    runs: list[list[int]] = []
    for i in indexes:
        if runs and i - runs[-1][-1] <= 3 and lines[runs[-1][-1]].bottom - lines[i].top < 5 * lines[i].size:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _is_title_of(title: _Line, entry: _Line) -> bool:
    """A short line just above the first entry: the contents page's title."""
    return len(title.text.split()) <= 3 and 0 < title.bottom - entry.top < 4 * title.size


def _line_pitch(lines: list[_Line], body_size: float) -> float:
    """The usual distance between baselines inside a paragraph of body text."""
    gaps = Counter()
    for prev, ln in zip(lines, lines[1:]):
        gap = prev.bottom - ln.top
        if prev.page == ln.page and abs(ln.size - body_size) < 0.6 and 0.8 * body_size < gap < 2.5 * body_size:
            gaps[round(gap * 2) / 2] += 1
    return gaps.most_common(1)[0][0] if gaps else 1.2 * body_size


def _right_margin(lines: list[_Line], body_size: float) -> float:
    """Where full lines of body text end: a high percentile of their right edges."""
    rights = sorted(ln.x1 for ln in lines if abs(ln.size - body_size) < 0.6)
    return rights[-max(1, len(rights) // 20)] if rights else 0.0


# -- tables ----------------------------------------------------------------------------------

def _table_regions(lines: list[_Line]) -> dict[int, tuple[list[_Line], list[tuple[float, float]]]]:
    """Map id(line) -> (the lines of its table, the table's column extents), for one page.

    Anchors are lines cut into cells, and lines sharing a height with another line with a gap
    between them. Lines next to an anchor join its table when they sit inside one column."""
    anchors = {id(ln) for ln in lines if len(ln.cells) > 1}
    by_height = sorted(lines, key=lambda ln: -ln.top)
    for i, a in enumerate(by_height):
        for b in by_height[i + 1:]:
            if a.top - b.top >= 0.75 * max(a.size, b.size):
                break
            if a.x1 + a.size < b.x0 or b.x1 + b.size < a.x0:
                anchors.update((id(a), id(b)))
    if not anchors:
        return {}
    columns = _columns([c for ln in lines if id(ln) in anchors for c in ln.cells])
    if len(columns) < 2:
        return {}
    member = set(anchors)
    changed = True
    while changed:
        changed = False
        for i, ln in enumerate(lines):
            if id(ln) in member or not _inside_a_column(ln, columns):
                continue
            near = [o for o in lines[max(0, i - 1):i + 2] if id(o) in member]
            if any(abs(o.bottom - ln.top) < 2.2 * ln.size or abs(ln.bottom - o.top) < 2.2 * ln.size for o in near):
                member.add(id(ln))
                changed = True
    regions: dict[int, tuple[list[_Line], list[tuple[float, float]]]] = {}
    run: list[_Line] = []
    for ln in lines + [None]:
        if ln is not None and id(ln) in member:
            run.append(ln)
            continue
        own = _columns([c for r in run if id(r) in anchors for c in r.cells])
        if len(own) > 1 and (len(run) > 1 or len(run[0].cells) > 1):
            region = (run, own)
            for r in run:
                regions[id(r)] = region
        run = []
    return regions


def _columns(cells: list[tuple[float, float, str]]) -> list[tuple[float, float]]:
    """Column extents: overlapping horizontal spans of anchor cells merged."""
    spans = sorted((c[0], c[1]) for c in cells)
    merged: list[list[float]] = []
    for x0, x1 in spans:
        if merged and x0 <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], x1)
        else:
            merged.append([x0, x1])
    return [(a, b) for a, b in merged]


def _column_of(x0: float, columns: list[tuple[float, float]]) -> int:
    """The last column starting at or before x0 (with a little slack)."""
    index = 0
    for i, (start, _) in enumerate(columns):
        if x0 >= start - 3:
            index = i
    return index


def _inside_a_column(ln: _Line, columns: list[tuple[float, float]]) -> bool:
    """A single-stretch line that starts in a column and stops before the next one."""
    if len(ln.cells) > 1 or ln.x0 < columns[0][0] - 3:
        return False
    i = _column_of(ln.x0, columns)
    return i + 1 >= len(columns) or ln.x1 <= columns[i + 1][0]


@dataclass
class _Cell:
    column: int
    lines: list[_Line] = field(default_factory=list)

    @property
    def span(self) -> tuple[float, float]:
        size = self.lines[0].size
        return self.lines[-1].bottom - 0.3 * size, self.lines[0].top + size


def _rows_of(region: list[_Line], columns: list[tuple[float, float]]) -> list[list[list[_Line]]]:
    """Rows of a table region, each a list of cells (lists of lines), one per column.
    Lines of a column close together form a cell; cells whose heights overlap form a row,
    which copes with cells centred vertically against a taller neighbour."""
    pieces: list[tuple[int, _Line]] = []
    for ln in region:
        for x0, x1, text in ln.cells:
            part = _Line(text, ln.page, x0, x1, ln.top, ln.bottom, ln.size, ln.bold, [(x0, x1, text)])
            pieces.append((_column_of(x0, columns), part))
    cells: list[_Cell] = []
    open_by_column: dict[int, _Cell] = {}
    for column, part in pieces:
        cell = open_by_column.get(column)
        if cell is None or not (0 < cell.lines[-1].bottom - part.top < 1.6 * part.size):
            cell = _Cell(column)
            cells.append(cell)
            open_by_column[column] = cell
        cell.lines.append(part)
    cells.sort(key=lambda c: -c.span[1])
    rows: list[list[_Cell]] = []
    for cell in cells:
        low, high = cell.span
        for row in rows:
            if any(low < other.span[1] and other.span[0] < high for other in row):
                row.append(cell)
                break
        else:
            rows.append([cell])
    width = len(columns)
    out = []
    for row in rows:
        slots: list[list[_Line]] = [[] for _ in range(width)]
        for cell in sorted(row, key=lambda c: -c.span[1]):
            slots[cell.column].extend(cell.lines)
        out.append(slots)
    return out


def _meta(info: dict) -> dict:
    meta = {}
    for key, name in (("Author", "author"), ("Subject", "subject"), ("Creator", "creator")):
        if info.get(key, "").strip():
            meta[name] = info[key].strip()
    for key, name in (("CreationDate", "created"), ("ModDate", "modified")):
        m = re.match(r"D:(\d{4})(\d{2})(\d{2})", info.get(key, ""))
        if m:
            try:
                meta[name] = date(int(m[1]), int(m[2]), int(m[3])).isoformat()
            except ValueError:
                pass
    return meta
