"""What one document may cost to read. A file under the size limit can still hold far more:
a Word package whose XML unpacks a thousandfold, a text that becomes a hundred thousand
paragraphs, HTML nested deeper than a reader can walk. Each limit is checked before the
expensive step it guards where that is possible, and refused with a sentence saying which
limit and what to do. The limits sit far above real documents: the longest report held in
the development knowledge base has 447 paragraphs, the largest Word XML part a few MB."""
from __future__ import annotations

import zipfile

from indexer.model import ReadError

# Paragraphs (reader blocks) one document may hold.
MAX_PARAGRAPHS = 10_000
# Characters of decoded text, for plain text and Markdown (a 5 MB text is some 2,500 pages).
MAX_TEXT_CHARS = 5_000_000
# A Word package: all members together unpacked, the XML among them (python-docx parses it
# into a tree some forty times its size), and how much smaller than its unpacked size a
# member above RATIO_FLOOR may be stored (real Word XML packs about 10 to 40 times).
MAX_UNPACKED_BYTES = 200 * 2**20
MAX_XML_BYTES = 32 * 2**20
MAX_RATIO = 100
RATIO_FLOOR = 2**20
# An HTML file's size, markup and all, and how deep its elements may nest (real pages
# nest some 30 deep; the reader walks them recursively).
MAX_HTML_BYTES = 20 * 2**20
MAX_HTML_DEPTH = 200


def check_package(archive: zipfile.ZipFile) -> None:
    """Refuse a ZIP package that would unpack to too much, judged from the sizes its
    directory declares (zipfile never unpacks a member beyond its declared size)."""
    unpacked = xml = 0
    for info in archive.infolist():
        unpacked += info.file_size
        if info.filename.endswith((".xml", ".rels")):
            xml += info.file_size
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ReadError(
                f"its part {info.filename} unpacks to {_mb(info.file_size)} from {_mb(info.compress_size)}, "
                f"more than {MAX_RATIO} times smaller packed than unpacked, which no real Word document is; "
                "it was refused unread (open it in Word and save it again if it is genuine)")
    if xml > MAX_XML_BYTES:
        raise ReadError(f"its text unpacks to {_mb(xml)} of XML, over the {_mb(MAX_XML_BYTES)} limit for one "
                        "document; split it into smaller documents")
    if unpacked > MAX_UNPACKED_BYTES:
        raise ReadError(f"it unpacks to {_mb(unpacked)}, over the {_mb(MAX_UNPACKED_BYTES)} limit for one "
                        "document; remove embedded images or split it")


def check_text(text: str) -> None:
    if len(text) > MAX_TEXT_CHARS:
        raise ReadError(f"it holds {len(text):,} characters of text, over the {MAX_TEXT_CHARS:,} limit for "
                        "one document; split it into smaller documents")


def check_paragraphs(count: int) -> None:
    if count > MAX_PARAGRAPHS:
        raise ReadError(f"it holds {count:,} paragraphs, over the {MAX_PARAGRAPHS:,} limit for one document; "
                        "split it into smaller documents")


def check_markup(size: int) -> None:
    if size > MAX_HTML_BYTES:
        raise ReadError(f"it is {_mb(size)} of HTML, over the {_mb(MAX_HTML_BYTES)} limit for one web page; "
                        "save the page's text alone, or split it")


def check_depth(depth: int) -> None:
    if depth > MAX_HTML_DEPTH:
        raise ReadError(f"its HTML elements nest more than {MAX_HTML_DEPTH} deep, the limit for one page "
                        "(real pages nest some 30 deep); it was refused unread")


def _mb(size: int) -> str:
    return f"{size / 2**20:.1f} MB" if size < 10 * 2**20 else f"{size / 2**20:.0f} MB"
