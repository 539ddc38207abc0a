"""What a file really is, judged from its bytes; the name's extension is believed only where
it cannot mislead (Markdown against plain text). A file named as a PDF or Word document
that is something else fails, saying both what it claims to be and what it is."""
from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import PurePath

from indexer.model import ReadError
from indexer.readers.limits import check_package
from indexer.readers.text import decode_text, is_text

FORMATS = ("pdf", "docx", "html", "markdown", "text")
# The extensions that promise a binary format, and how to name that format to a person.
_CLAIMS = {".pdf": ("pdf", "a PDF"), ".docx": ("docx", "a Word document")}
_MARKDOWN_EXTENSIONS = (".md", ".markdown")
_RENAME = {"html": "Rename it .html to ingest it as a web page.",
           "pdf": "Rename it .pdf to ingest it.",
           "docx": "Rename it .docx to ingest it.",
           "markdown": "Rename it .md to ingest it as text.",
           "text": "Rename it .txt to ingest it as text."}
# Formats the knowledge base cannot read, by leading bytes, with what to do about them.
_UNSUPPORTED_MAGIC = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-format Microsoft Office file (.doc, .xls or .ppt)",
     "Open it in Word and save it as .docx or PDF."),
    (b"{\\rtf", "a Rich Text (.rtf) file", "Open it in Word and save it as .docx or PDF."),
    (b"\x89PNG", "a PNG image", "Scanned pages need OCR first; add a PDF with a text layer."),
    (b"\xff\xd8\xff", "a JPEG image", "Scanned pages need OCR first; add a PDF with a text layer."),
    (b"GIF8", "a GIF image", "Add the document the image belongs to."),
    (b"II*\x00", "a TIFF image", "Scanned pages need OCR first; add a PDF with a text layer."),
    (b"MM\x00*", "a TIFF image", "Scanned pages need OCR first; add a PDF with a text layer."),
    (b"\x1f\x8b", "a gzip archive", "Unpack it and add the documents inside."),
    (b"Rar!", "a RAR archive", "Unpack it and add the documents inside."),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "Unpack it and add the documents inside."),
)
# Office Open XML and OpenDocument packages that are not Word documents.
_ZIP_KINDS = (
    ("xl/workbook.xml", "an Excel workbook", "Save the sheets as PDF, or copy the text into a document."),
    ("ppt/presentation.xml", "a PowerPoint presentation", "Save it as PDF and add that instead."),
)
_PDF_MAGIC_WINDOW = 1024   # the PDF header may follow a little junk
_HTML_START = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b",
                         re.IGNORECASE | re.DOTALL)
_HTML_FRAME = re.compile(r"<(?:html|head|body)\b", re.IGNORECASE)
_HTML_TAG = re.compile(r"</?(?:p|div|span|a|h[1-6]|ul|ol|li|table|tr|td|th|br|b|i|strong|em|section|"
                       r"article|main|img|meta|link|script|style)\b[^>]*>", re.IGNORECASE)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
# Share of a text's characters in HTML tags above which it is a web page or fragment.
_HTML_TAG_SHARE = 0.05
_MARKDOWN_SIGNS = (
    re.compile(r"^#{1,6}\s+\S", re.MULTILINE),                         # ATX heading
    re.compile(r"^```", re.MULTILINE),                                 # fenced code
    re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$", re.MULTILINE),  # pipe table rule
    re.compile(r"\[[^\]\n]+\]\([^)\s]+\)"),                            # link
    re.compile(r"\*\*[^*\n]+\*\*"),                                    # bold
)
# How many Markdown constructs make a text Markdown rather than plain.
_MARKDOWN_MIN_SIGNS = 3


class _Unreadable(Exception):
    """Content of a kind no reader handles: what it is, and what the user can do."""

    def __init__(self, kind: str, advice: str = "") -> None:
        super().__init__(kind)
        self.kind, self.advice = kind, advice


def detect_format(data: bytes, name: str) -> str:
    """One of FORMATS, or ReadError with a sentence for the user (empty, unreadable or
    unsupported files, and files whose extension claims a format they are not)."""
    suffix = PurePath(name).suffix.lower()
    claimed, claimed_as = _CLAIMS.get(suffix, (None, ""))
    try:
        found = _sniff(data, name)
    except _Unreadable as e:
        lead = f"{name} is not {claimed_as}: it is" if claimed else f"{name} is"
        raise ReadError(f"{lead} {e.kind}, which the knowledge base cannot read. {e.advice}".strip()) from None
    if claimed and found != claimed:
        raise ReadError(f"{name} is not {claimed_as}: it is {describe(data, found)}. {_RENAME[found]}")
    if found == "text" and suffix in _MARKDOWN_EXTENSIONS:
        return "markdown"
    return found


def describe(data: bytes, fmt: str) -> str:
    """How to name content of a format to a person ("an HTML web page ("Page title")")."""
    if fmt == "html":
        match = _TITLE.search(decode_text(data[:65536])[0])
        title = " ".join(html.unescape(match.group(1)).split()) if match else ""
        return f'an HTML web page ("{title}")' if title else "an HTML web page"
    return {"pdf": "a PDF", "docx": "a Word document", "markdown": "Markdown text",
            "text": "plain text"}[fmt]


def _sniff(data: bytes, name: str) -> str:
    if not data.strip():
        raise ReadError(f"{name} is empty")
    if b"%PDF-" in data[:_PDF_MAGIC_WINDOW]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data, name)
    for magic, kind, advice in _UNSUPPORTED_MAGIC:
        if data.startswith(magic):
            raise _Unreadable(kind, advice)
    text, _ = decode_text(data)
    if not is_text(text):
        raise _Unreadable("unrecognised binary data")
    if not text.strip().strip("\ufeff"):
        raise ReadError(f"{name} is empty")
    if _looks_like_html(text):
        return "html"
    signs = sum(len(sign.findall(text)) for sign in _MARKDOWN_SIGNS)
    return "markdown" if signs >= _MARKDOWN_MIN_SIGNS else "text"


def _sniff_zip(data: bytes, name: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            try:
                check_package(archive)
            except ReadError as e:
                raise ReadError(f"{name}: {e}") from None
            mimetype = archive.read("mimetype").decode("ascii", "replace") if "mimetype" in names else ""
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        raise ReadError(f"{name} is damaged: its ZIP package cannot be opened (was it cut short?)") from None
    if "word/document.xml" in names:
        return "docx"
    for marker, kind, advice in _ZIP_KINDS:
        if marker in names:
            raise _Unreadable(kind, advice)
    if mimetype.startswith("application/vnd.oasis.opendocument"):
        raise _Unreadable("an OpenDocument file", "Save it as .docx or PDF.")
    raise _Unreadable("a ZIP archive", "Unpack it and add the documents inside.")


def _looks_like_html(text: str) -> bool:
    head = text[:4096]
    if _HTML_START.match(head) or _HTML_FRAME.search(head):
        return True
    tags = sum(len(m) for m in _HTML_TAG.findall(text[:65536]))
    return text.lstrip().startswith("<") and tags >= _HTML_TAG_SHARE * len(text[:65536])
