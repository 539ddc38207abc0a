"""What readers hand to segmentation, and what segmentation hands to the store."""
from __future__ import annotations

from dataclasses import dataclass, field

# Kinds of block a reader emits. Headings feed the section trail; the rest are evidence.
BLOCK_KINDS = ("heading", "paragraph", "list_item", "table", "quote")
# Kinds of stored paragraph (headings become the trail, not paragraphs).
PARAGRAPH_KINDS = ("paragraph", "list_item", "table", "quote")


class ReadError(Exception):
    """A file that cannot be read as evidence; the message is shown to the user as is."""


@dataclass
class Block:
    text: str                     # clean text; a table's rows are joined by newlines
    kind: str = "paragraph"       # one of BLOCK_KINDS
    page: int | None = None       # 1-based page the block starts on, where the format has pages
    level: int = 0                # heading level, 1 = top; 0 when not a heading
    rows: list[list[str]] | None = None  # a table's cells, row by row


@dataclass
class RawDocument:
    """A reader's output: ordered blocks plus whatever metadata the format itself carries."""
    blocks: list[Block]
    format: str                   # pdf, docx, html, markdown, text
    pages: int | None = None
    title: str | None = None      # a title the file declares (PDF/DOCX metadata, <title>)
    meta: dict = field(default_factory=dict)


@dataclass
class Paragraph:
    """One unit of evidence, as stored."""
    seq: int                      # order in the document, from 0
    text: str
    kind: str                     # one of PARAGRAPH_KINDS
    page: int | None
    number: int | None            # Ofsted's own paragraph number, where the document numbers them
    section: list[str]            # heading trail, outermost first
    boilerplate: bool = False     # licence text, "implications: none" and the like: kept, not evidence
    rows: list[list[str]] | None = None
