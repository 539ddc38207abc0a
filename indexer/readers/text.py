"""Plain text: from bytes to a string, and the habits of text that was extracted from PDFs
or Word. The Markdown reader parses every text file (Markdown's grammar already covers
blank-line paragraphs, "- " bullets and "1." numbering); what lives here is what plain text
needs beyond that grammar, and the layout cues every reader shares: headings that are only
shown by capitals, bold or a short line standing alone, and quotations."""
from __future__ import annotations

import codecs
import re

from indexer.clean import ends_sentence
from indexer.model import PARAGRAPH_KINDS, Block

# Byte-order marks, longest first: a UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
# Share of control characters above which decoded "text" is really binary data.
_MAX_CONTROL_SHARE = 0.01
# Control characters (category Cc: U+0000-001F, U+007F-009F) other than the layout ones,
# tab to carriage return (U+0009-000D).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def decode_text(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read with: a byte-order mark wins, then UTF-8,
    then Windows-1252 (what Word and older council systems save), then Latin-1."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            pass
    return data.decode("latin-1"), "latin-1"


def is_text(text: str) -> bool:
    """False for decoded binary data: NUL bytes or more than a sprinkling of control codes."""
    if "\x00" in text:
        return False
    sample = text[:65536]
    controls = len(_CONTROL.findall(sample))
    return controls <= _MAX_CONTROL_SHARE * max(len(sample), 1)


# --- lines of extracted text -------------------------------------------------------------

_BULLET_GLYPH = re.compile(r"^(\s*)(?:[-*+]\s+)?[•◼▪●■◦‣➢►·]\s+")
# Words a wrapped line can end on in mid-sentence.
_CONNECTORS = frozenset(
    "a an and as at but by for from in into its of on or our that the their to which who with"
    .split())
# A line this long means the file is not hard-wrapped: its line breaks are the author's.
_UNWRAPPED_LINE = 200
# Consecutive short lines without full stops (an address, a signature) stay together.
_SHORT_LINE = 80


def prepare_lines(text: str, plain: bool) -> str:
    """Text ready for the Markdown parser: bullet glyphs turned into Markdown bullets and, in
    plain text whose lines are not hard-wrapped, a blank line put wherever a line break
    starts a new paragraph."""
    lines = [_BULLET_GLYPH.sub(r"\1- ", line) for line in text.split("\n")]
    if plain and any(len(line) >= _UNWRAPPED_LINE for line in lines):
        lines = _separate_paragraph_lines(lines)
    return "\n".join(lines)


def _separate_paragraph_lines(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        prev = out[-1] if out else ""
        if prev.strip() and line.strip() and _starts_paragraph(line) and not _runs_on(prev) \
                and (ends_sentence(prev) or max(len(prev), len(line)) >= _SHORT_LINE):
            out.append("")
        out.append(line)
    return out


def _starts_paragraph(line: str) -> bool:
    if line[0].isspace() or "\t" in line:
        return False  # an indented line continues a bullet; tab rows are tables
    first = next((ch for ch in line if ch.isalnum()), "")
    return first.isupper() or first.isdigit()


def _runs_on(line: str) -> bool:
    """Whether a line stops mid-sentence, so that the next line continues it."""
    if "\t" in line:
        return True
    tail = line.rstrip().rstrip("*_")
    if not tail or tail[-1] in ",;(&/-–":
        return True
    last = tail.rsplit(None, 1)[-1].lower()
    return last in _CONNECTORS


# --- shapes of a paragraph ---------------------------------------------------------------

_QUOTE_OPEN = "\"“‘'"
# A closing mark: after a non-space, not followed by a letter (unlike the ' in "children's").
_QUOTE_END = re.compile(r"(?<=\S)[\"”’'](?![A-Za-z])")
_FIELD = re.compile(r"^[^:]{1,40}:\s+\S")   # "Lead inspector: Jane Smith"
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_MINOR_WORDS = frozenset(
    "a an and as at but by for from in into nor of on or per so the to via vs with yet".split())
_NUMBERED_PARAGRAPH_WORDS = 20


def numbered_kind(text: str) -> str:
    """A numbered item that is a full sentence, or long, is a numbered paragraph (Ofsted
    reports and committee papers number theirs); a short phrase is a list item."""
    long = len(text.split()) >= _NUMBERED_PARAGRAPH_WORDS
    return "paragraph" if long or ends_sentence(text) else "list_item"


def _is_capitals(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 4 and sum(ch.isupper() for ch in letters) >= 0.9 * len(letters)


def _is_title_case(text: str) -> bool:
    words = [w for w in _WORD.findall(text) if w.lower() not in _MINOR_WORDS]
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.75 * len(words)


def _heading_style(text: str, emphasised: bool, guess_plain: bool) -> str | None:
    """How a paragraph presents itself as a heading, or None: "caps", "bold", or, for
    plain lines, "title" or "sentence" case."""
    words = text.split()
    if not words or len(text) > 150 or len(words) > 20 or text[0] in _QUOTE_OPEN:
        return None
    first_letter = next((ch for ch in text if ch.isalpha()), "")
    if not first_letter.isupper() or text[-1] in ".,;":
        return None
    if _is_capitals(text):
        return "caps"
    if emphasised:
        return "bold"
    if not guess_plain or len(words) > 16 or text[-1] in ":!" or _FIELD.match(text):
        return None
    return "title" if _is_title_case(text) else "sentence"


_PLAIN_LEVELS = {"caps": 1, "bold": 2, "title": 2, "sentence": 3}


def promote_headings(blocks: list[Block], emphasised: set[int]) -> list[Block]:
    """Paragraphs that act as headings become heading Blocks. `emphasised` holds the id() of
    the paragraphs that are bold throughout. A short line in capitals or bold counts; so does
    any short unpunctuated line, but only in a document with no explicit headings. Each must
    head something: text, or a deeper heading. In a document with explicit headings an
    implied one sits one level below the explicit heading before it."""
    explicit = any(b.kind == "heading" for b in blocks)
    levels: list[int] = []
    last_explicit = 0
    for b in blocks:
        style = None
        if b.kind == "heading":
            last_explicit = b.level
        elif b.kind == "paragraph":
            style = _heading_style(b.text, id(b) in emphasised, not explicit)
        levels.append(0 if style is None else
                      (last_explicit + 1 if explicit else _PLAIN_LEVELS[style]))
    out: list[Block] = []
    for i in range(len(blocks) - 1, -1, -1):
        b, nxt = blocks[i], (out[-1] if out else None)
        if levels[i] and nxt is not None and _heads(levels[i], nxt):
            b = Block(b.text.rstrip(":").strip(), "heading", b.page, levels[i])
        out.append(b)
    return out[::-1]


def _heads(level: int, nxt: Block) -> bool:
    if nxt.kind == "heading":
        return nxt.level > level
    return nxt.kind in PARAGRAPH_KINDS and not (nxt.kind == "paragraph" and nxt.text[:1].islower())


def mark_quotes(blocks: list[Block]) -> None:
    """A paragraph that is a quotation, with at most a short attribution after the closing
    mark ("…" Ofsted, 2022), becomes kind "quote"."""
    for b in blocks:
        if b.kind != "paragraph" or len(b.text) < 2 or b.text[0] not in _QUOTE_OPEN:
            continue
        closing = [m.start() for m in _QUOTE_END.finditer(b.text, 1)]
        if closing and closing[-1] > len(b.text) // 2 and len(b.text[closing[-1] + 1:].split()) <= 8:
            b.kind = "quote"


def table_block(rows: list[list[str]]) -> Block:
    """The one Block a table becomes: its rows of cells (empty rows and trailing empty cells
    dropped), and as text one row a line with cells split by " | "."""
    kept = []
    for row in rows:
        while row and not row[-1]:
            row = row[:-1]
        if row:
            kept.append(row)
    return Block("\n".join(" | ".join(r) for r in kept), "table", rows=kept)


# --- contents pages ----------------------------------------------------------------------

# Entries with dot leaders ("Health ..... 29"), one or several in a paragraph.
_LEADER_ENTRIES = re.compile(r"(?:[^.…]+?(?:\.\s?){3,}\s*\d{1,3}\s*|[^…]+?…+\s*\d{1,3}\s*)+")
_LEADERS = re.compile(r"(?:\.\s?){3,}|…")
_CONTENTS_TITLE = re.compile(r"^\W*(table of )?contents\W*$", re.IGNORECASE)
_PAGE = re.compile(r"^\d{1,3}$")
# Share of a contents table's rows that must end in a page number (a header row may not).
_CONTENTS_ROWS = 0.8


def drop_contents(blocks: list[Block]) -> tuple[list[Block], set[str]]:
    """Remove a contents page: it repeats the headings with page numbers and is not
    evidence. Paragraphs of dot-leader entries go; so does a table whose rows end in page
    numbers that never go down, when it has dot leaders or a "Contents" title (which goes
    with it). Returns the blocks left and the entries' titles, normalised (`_entry_key`)."""
    keep = [True] * len(blocks)
    entries: set[str] = set()
    for i, b in enumerate(blocks):
        if b.kind in ("paragraph", "list_item") and _LEADER_ENTRIES.fullmatch(b.text):
            keep[i] = False
            entries.update(_entry_key(e) for e in re.split(r"(?<=\d)\s+(?=\D)", b.text))
        elif b.kind == "table" and b.rows:
            titled = i > 0 and bool(_CONTENTS_TITLE.match(blocks[i - 1].text))
            if _is_contents_table(b.rows, titled):
                keep[i] = False
                entries.update(_entry_key(r[0]) for r in b.rows if r)
                if titled:
                    keep[i - 1] = False
    entries.discard("")
    return [b for b, k in zip(blocks, keep) if k], entries


def _entry_key(text: str) -> str:
    """A contents entry or heading reduced to its words: no leaders, page number, markup or case."""
    text = _LEADERS.split(re.sub(r"<[^>]+>", "", text))[0]
    text = re.sub(r"\s*\d{1,3}\s*$", "", text)
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def nest_under_contents(blocks: list[Block], entries: set[str]) -> None:
    """Where a contents page names the document's sections, a heading it does not name (a
    caption, a signature, a sub-point) sits below the listed heading before it, so that it
    does not cut the section it stands in."""
    listed = [b for b in blocks if b.kind == "heading" and _entry_key(b.text) in entries]
    if len(listed) < 3:
        return
    floor = 0
    for b in blocks:
        if b.kind != "heading":
            continue
        if _entry_key(b.text) in entries:
            floor = b.level
        elif floor and b.level <= floor:
            b.level = min(floor + 1, 6)


def _is_contents_table(rows: list[list[str]], titled: bool) -> bool:
    pages = [int(r[-1]) for r in rows if len(r) >= 2 and _PAGE.match(r[-1])]
    if len(pages) < 3 or len(pages) < _CONTENTS_ROWS * len(rows):
        return False
    if any(a > b for a, b in zip(pages, pages[1:])):
        return False
    return titled or bool(_CONTENTS_TITLE.match(rows[0][0])) or \
        any(_LEADERS.search(cell) for r in rows for cell in r)


def finish(blocks: list[Block], emphasised: set[int]) -> list[Block]:
    """The layout cues every reader applies to its Blocks, in order: contents pages out,
    implied headings in and nested under the sections the contents lists, quotations marked."""
    blocks, entries = drop_contents(blocks)
    blocks = promote_headings(blocks, emphasised)
    nest_under_contents(blocks, entries)
    mark_quotes(blocks)
    return blocks
