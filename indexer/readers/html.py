"""Web pages and HTML fragments: the page's own headings, paragraphs, list items, tables and
quotations, without the site around them (navigation, banners, cookie notices, forms,
scripts, "skip to content" links)."""
from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

from indexer.clean import clean, squash
from indexer.model import Block, RawDocument
from indexer.readers import limits
from indexer.readers.text import finish, numbered_kind, table_block

# Elements that are never the page's content.
_CHROME_TAGS = ("script", "style", "noscript", "template", "svg", "canvas", "iframe", "object",
                "embed", "nav", "aside", "form", "button", "select", "input", "textarea",
                "label", "dialog", "menu", "head")
# The site's own header and footer; inside <main> or <article> a header holds the title.
_PAGE_FRAME_TAGS = ("header", "footer")
_CHROME_ROLES = frozenset(("navigation", "banner", "contentinfo", "search", "complementary",
                           "dialog", "alertdialog", "menu", "menubar"))
# Words in a class or id that mark site furniture ("cookie-banner__heading", "skip-link").
_CHROME_WORDS = frozenset((
    "cookie", "cookies", "consent", "gdpr", "skip", "skiplink", "breadcrumb", "breadcrumbs",
    "crumb", "navbar", "menu", "sidebar", "share", "sharing", "social", "newsletter",
    "pagination", "visually-hidden", "visuallyhidden", "sr-only", "screen-reader-text"))
_SKIP_LINK = re.compile(r"^\s*skip to\b", re.IGNORECASE)
_INLINE_TAGS = frozenset((
    "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn",
    "em", "font", "i", "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strike",
    "strong", "sub", "sup", "time", "tt", "u", "var", "wbr", "img", "br"))
_BOLD_TAGS = frozenset(("b", "strong"))
_HEADING_TAGS = {f"h{n}": n for n in range(1, 7)}
_NESTED_BLOCKS = ("ul", "ol", "table", "blockquote", "dl", "pre")
_NOT_TEXT = (Comment, Declaration, Doctype, ProcessingInstruction)


def read_html(data: bytes) -> RawDocument:
    limits.check_markup(len(data))
    soup = _parse(data)
    title = _title(soup)
    main = soup.find("main") or soup.find(attrs={"role": "main"}) or soup.find("article")
    root = main or soup.body or soup
    _remove_chrome(soup, root, frame_too=main is None)
    blocks, emphasised = _Walker().run(root)
    if title is None:
        h1 = next((b for b in blocks if b.kind == "heading" and b.level == 1), None)
        title = h1.text if h1 else None
    blocks = finish(blocks, emphasised)
    return RawDocument(blocks=blocks, format="html", title=title,
                       meta={"encoding": soup.original_encoding} if soup.original_encoding else {})


def html_blocks(markup: str) -> tuple[list[Block], set[int]]:
    """Blocks of an HTML fragment met inside a text document, and the id() of those that are
    bold throughout (for the caller's heading inference)."""
    soup = _parse(markup)
    root = soup.body or soup
    _remove_chrome(soup, root, frame_too=True)
    return _Walker().run(root)


def _parse(markup: bytes | str) -> BeautifulSoup:
    """The element tree, refused when it nests deeper than the walker below may recurse."""
    soup = BeautifulSoup(markup, "lxml")
    limits.check_depth(_depth(soup))
    return soup


def _depth(root: Tag) -> int:
    """How deep elements nest under `root`, found without recursion."""
    deepest, stack = 0, [(root, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limits.MAX_HTML_DEPTH:
            break
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tag))
    return deepest


def _title(soup: BeautifulSoup) -> str | None:
    if soup.title and soup.title.get_text(strip=True):
        return squash(soup.title.get_text(" "))
    return None


def _remove_chrome(soup: BeautifulSoup, root: Tag, frame_too: bool) -> None:
    """Remove site furniture, but never the content root or what contains it (a layout
    wrapper may well be called "page-with-sidebar")."""
    keep = {id(root), *(id(parent) for parent in root.parents)}
    chrome = soup.find_all(_CHROME_TAGS + (_PAGE_FRAME_TAGS if frame_too else ())) + soup.find_all(_is_chrome)
    for tag in chrome:
        if id(tag) not in keep and not tag.decomposed:   # not already gone with an ancestor
            tag.decompose()


def _is_chrome(tag: Tag) -> bool:
    if tag.get("role") in _CHROME_ROLES or tag.get("aria-hidden") == "true" or tag.has_attr("hidden"):
        return True
    if "display:none" in tag.get("style", "").replace(" ", "").lower():
        return True
    names = [*tag.get("class", ()), tag.get("id") or ""]
    for name in names:
        name = name.lower()
        if name in _CHROME_WORDS or _CHROME_WORDS.intersection(re.split(r"[^a-z0-9]+", name)):
            return True
    return tag.name == "a" and bool(_SKIP_LINK.match(tag.get_text()))


class _Walker:
    """Turns an element tree into Blocks: runs of inline content become paragraphs (or quotes
    inside a blockquote), and each list item, heading and table becomes one Block."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.emphasised: set[int] = set()   # id() of the paragraphs that are bold throughout
        self.pieces: list[tuple[str, bool]] = []   # (text, inside <b>/<strong>)

    def run(self, root: Tag) -> tuple[list[Block], set[int]]:
        self.walk(root, quote=False, bold=False)
        self.flush(quote=False)
        return self.blocks, self.emphasised

    def flush(self, quote: bool) -> None:
        text = clean("".join(t for t, _ in self.pieces))
        if text:
            block = Block(text, "quote" if quote else "paragraph")
            if all(bold for t, bold in self.pieces if t.strip()):
                self.emphasised.add(id(block))
            self.blocks.append(block)
        self.pieces = []

    def walk(self, node: Tag, quote: bool, bold: bool) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, _NOT_TEXT):
                    self.pieces.append((re.sub(r"\s+", " ", str(child)), bold))
                continue
            name = child.name
            if name in _INLINE_TAGS:
                if name == "br":
                    self.pieces.append(("\n", bold))
                elif name != "img":
                    self.walk(child, quote, bold or name in _BOLD_TAGS)
                continue
            self.flush(quote)
            self.block(child, quote)

    def block(self, tag: Tag, quote: bool) -> None:
        name = tag.name
        if name in _HEADING_TAGS:
            text = clean(_text(tag))
            if text:
                self.blocks.append(Block(text, "heading", level=_HEADING_TAGS[name]))
        elif name in ("ul", "ol"):
            self.list_items(tag, quote, depth=0)
        elif name == "table":
            self.table(tag, quote)
        elif name == "pre":
            text = clean(tag.get_text())
            if text:
                self.blocks.append(Block(text, "quote" if quote else "paragraph"))
        else:
            inner_quote = quote or name == "blockquote"
            self.walk(tag, inner_quote, False)
            self.flush(inner_quote)

    def list_items(self, listing: Tag, quote: bool, depth: int) -> None:
        number = int(listing.get("start", "1")) if str(listing.get("start", "1")).isdigit() else 1
        for item in listing.find_all("li", recursive=False):
            own = clean(" ".join(_text(c) for c in item.children
                                 if not (isinstance(c, Tag) and c.name in _NESTED_BLOCKS)))
            if own:
                if listing.name == "ol":
                    own = f"{number}. {own}"
                kind = numbered_kind(own) if listing.name == "ol" and depth == 0 else "list_item"
                self.blocks.append(Block(own, kind))
            number += 1
            for nested in item.find_all(_NESTED_BLOCKS, recursive=False):
                if nested.name in ("ul", "ol"):
                    self.list_items(nested, quote, depth + 1)
                else:
                    self.block(nested, quote)

    def table(self, table: Tag, quote: bool) -> None:
        rows = []
        for tr in table.find_all("tr"):
            if tr.find_parent("table") is not table:
                continue
            rows.append([clean(_text(cell)) for cell in tr.find_all(("td", "th"), recursive=False)])
        # A table used for layout (nested tables, or one cell of content per row) is read as
        # the text it holds.
        if table.find("table") or all(sum(1 for c in r if c) <= 1 for r in rows):
            self.walk(table, quote, False)
            self.flush(quote)
            return
        caption = table.find("caption")
        if caption and clean(_text(caption)):
            self.blocks.append(Block(clean(_text(caption)), "paragraph"))
        self.blocks.append(table_block(rows))


def _text(node) -> str:
    """A node's text, with a space where a line break or a block element starts (and none
    inside a word split across inline tags)."""
    if isinstance(node, NavigableString):
        return "" if isinstance(node, _NOT_TEXT) else str(node)
    parts = []
    for d in node.descendants:
        if isinstance(d, NavigableString):
            if not isinstance(d, _NOT_TEXT):
                parts.append(str(d))
        elif d.name == "br" or d.name not in _INLINE_TAGS:
            parts.append(" ")
    return "".join(parts)

