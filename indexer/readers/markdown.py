"""Markdown, and plain text read as Markdown: headings, paragraphs, list items, tables (pipe
tables, and the tab-separated rows that text extracted from PDFs and Word carries),
blockquotes; inline markup and HTML fragments reduced to their text."""
from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token

from indexer.clean import clean, vocabulary
from indexer.model import Block, RawDocument
from indexer.readers.text import finish, numbered_kind, prepare_lines, table_block

_BREAK_TAG = re.compile(r"^<br\s*/?>$", re.IGNORECASE)
_BOLD_OPEN = re.compile(r"^<(b|strong)(\s[^>]*)?>$", re.IGNORECASE)
_BOLD_CLOSE = re.compile(r"^</(b|strong)\s*>$", re.IGNORECASE)
# YAML front matter: "---", "key: value" lines, "---".
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n((?:[^\n]*\n){0,50}?)---[ \t]*\n")
_FRONT_TITLE = re.compile(r"^title:\s*(.+?)\s*$", re.MULTILINE)
# How far the number of cells may differ for tab rows across a blank line to stay one table.
_TABLE_WIDTH_SLACK = 1


def read_markdown(text: str, fmt: str = "markdown") -> RawDocument:
    """A text document: `fmt` is "markdown", or "text" for plain text, whose line breaks
    carry less meaning (see text.prepare_lines)."""
    title = None
    front = _FRONT_MATTER.match(text)
    if front:
        text = text[front.end():]
        named = _FRONT_TITLE.search(front.group(1))
        title = named.group(1).strip("\"'") if named else None
    text = prepare_lines(text, plain=fmt == "text")
    blocks, emphasised = _Converter(vocabulary(text)).run(_MARKDOWN.parse(text))
    blocks = finish(blocks, emphasised)
    if title is None:
        title = next((b.text for b in blocks[:5] if b.kind == "heading"), None)
    return RawDocument(blocks=blocks, format=fmt, title=title)


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    # Indentation is layout in extracted text, never code.
    md.disable("code")
    md.block.ruler.before("table", "tab_table", _tab_table,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})
    return md


def _line(state: StateBlock, n: int) -> str:
    return state.src[state.bMarks[n]:state.eMarks[n]]


def _is_tab_row(line: str) -> bool:
    return "\t" in line and bool(line.strip())


def _tab_table(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """Rows of tab-separated cells: two or more lines with tabs, continuing across blank
    lines (a page break) when the next rows have about as many cells."""
    if state.sCount[start] < state.blkIndent or not _is_tab_row(_line(state, start)):
        return False
    rows, n = [], start
    while n < end:
        line = _line(state, n)
        # Rows after the first may sit outside the container they began in, like a lazy
        # continuation line of a paragraph.
        if _is_tab_row(line):
            rows.append(line.split("\t"))
            n += 1
            continue
        if line.strip():
            break
        after = n
        while after < end and not _line(state, after).strip():
            after += 1
        width = max(len(r) for r in rows)
        if after < end and _is_tab_row(_line(state, after)) and \
                abs(len(_line(state, after).split("\t")) - width) <= _TABLE_WIDTH_SLACK:
            n = after
        else:
            break
    if len(rows) < 2:
        return False
    if not silent:
        token = state.push("tab_table", "table", 0)
        token.map = [start, n]
        token.meta = {"rows": rows}
        state.line = n
    return True


_MARKDOWN = _parser()


class _Converter:
    """Walks markdown-it's token stream into Blocks. A list item is one Block (its own
    paragraphs joined; nested lists follow it); an ordered item keeps its number."""

    def __init__(self, words: frozenset[str]) -> None:
        self.vocabulary = words     # the document's words, to repair words split at a line end
        self.blocks: list[Block] = []
        self.emphasised: set[int] = set()   # id() of the paragraphs that are bold throughout

    def run(self, tokens: list[Token]) -> tuple[list[Block], set[int]]:
        quote_depth = 0
        in_table = False
        lists: list[Token] = []     # open list tokens, innermost last
        items: list[list] = []      # per open list item: [its list_item_open token, its Block or None]
        heading_level = 0
        for i, tok in enumerate(tokens):
            kind = tok.type
            if kind == "blockquote_open":
                quote_depth += 1
            elif kind == "blockquote_close":
                quote_depth -= 1
            elif kind in ("bullet_list_open", "ordered_list_open"):
                lists.append(tok)
            elif kind in ("bullet_list_close", "ordered_list_close"):
                lists.pop()
            elif kind == "list_item_open":
                items.append([tok, None])
            elif kind == "list_item_close":
                items.pop()
            elif kind == "heading_open":
                heading_level = int(tok.tag[1])
            elif kind == "table_open":
                in_table = True
                self.blocks.append(self.pipe_table(tokens, i))
            elif kind == "table_close":
                in_table = False
            elif kind == "inline" and not in_table:
                text, bold = self.inline(tok)
                if heading_level:
                    if text:
                        self.blocks.append(Block(text, "heading", level=heading_level))
                    heading_level = 0
                elif text and items:
                    self.item_text(items, lists[-1].type == "ordered_list_open", text)
                elif text:
                    block = Block(text, "quote" if quote_depth else "paragraph")
                    if bold and not quote_depth:
                        self.emphasised.add(id(block))
                    self.blocks.append(block)
            elif kind == "tab_table":
                self.blocks.append(table_block(
                    [[self.inline_source(c) for c in row] for row in tok.meta["rows"]]))
            elif kind == "html_block":
                # Imported here: BeautifulSoup is slow to load and most text files have no HTML.
                from indexer.readers.html import html_blocks
                found, bold = html_blocks(tok.content)
                self.emphasised.update(bold)
                self.blocks.extend(found)
            elif kind == "fence":
                text = clean(tok.content, self.vocabulary)
                if text:
                    self.blocks.append(Block(text, "paragraph"))
        return self.blocks, self.emphasised

    def item_text(self, items: list[list], ordered: bool, text: str) -> None:
        """Add a paragraph of the innermost open list item: the first makes its Block (with
        the item's number when ordered), later ones extend it."""
        marker, block = items[-1]
        if block is None:
            if ordered:
                text = f"{marker.info}{marker.markup} {text}"
            block = Block(text, "list_item")
            items[-1][1] = block
            self.blocks.append(block)
        else:
            block.text = f"{block.text} {text}"
        if ordered and len(items) == 1:
            block.kind = numbered_kind(block.text)

    def pipe_table(self, tokens: list[Token], start: int) -> Block:
        rows: list[list[str]] = []
        for tok in tokens[start:]:
            if tok.type == "table_close":
                break
            if tok.type == "tr_open":
                rows.append([])
            elif tok.type == "inline" and rows:
                rows[-1].append(self.inline(tok)[0])
        return table_block(rows)

    def inline_source(self, source: str) -> str:
        tokens = _MARKDOWN.parseInline(source.strip())
        return self.inline(tokens[0])[0] if tokens else ""

    def inline(self, tok: Token) -> tuple[str, bool]:
        """The plain text of an inline token, and whether all of it is bold."""
        parts: list[str] = []
        depth, all_bold = 0, True
        for child in tok.children or ():
            kind = child.type
            if kind == "strong_open" or (kind == "html_inline" and _BOLD_OPEN.match(child.content)):
                depth += 1
            elif kind == "strong_close" or (kind == "html_inline" and _BOLD_CLOSE.match(child.content)):
                depth = max(depth - 1, 0)
            elif kind in ("text", "code_inline"):
                parts.append(child.content)
                if child.content.strip() and not depth:
                    all_bold = False
            elif kind in ("softbreak", "hardbreak") or (kind == "html_inline" and _BREAK_TAG.match(child.content)):
                parts.append("\n")
        text = clean("".join(parts), self.vocabulary)
        return text, bool(text) and all_bold
