"""What an uploaded file really is, judged from its bytes rather than its name, so that a
program or a spreadsheet renamed to .pdf is refused with a sentence saying what it is."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from indexer.model import ReadError

ALLOWED_SUFFIXES = (".pdf", ".docx", ".html", ".htm", ".md", ".markdown", ".txt", ".text")
ALLOWED_DESCRIPTION = "PDF, Word (.docx), HTML, Markdown or plain text"

# Leading bytes of formats people are likely to pick by mistake.
_SIGNATURES = (
    (b"\xd0\xcf\x11\xe0", "an old-style Office file (.doc or .xls); save it as .docx and upload that"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a program"),
    (b"\x1f\x8b", "a compressed (gzip) file"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"{\\rtf", "a rich text (.rtf) file; save it as .docx and upload that"),
)
_ZIP_KINDS = (("word/document.xml", "docx"), ("xl/", "an Excel workbook"),
              ("ppt/", "a PowerPoint presentation"), ("content.xml", "an OpenDocument file; save it as .docx"))
_HTML_START = re.compile(rb"<(!doctype\s+html|html|head|body|div|p|h[1-6]|table|section|article)[\s>]", re.I)
_TEXT_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def real_type(data: bytes) -> str:
    """'pdf', 'docx', 'html' or 'text' for what can be read; otherwise a description of
    what the bytes are."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    for signature, description in _SIGNATURES:
        if head.startswith(signature):
            return description
    if b"\x00" in data[:8192] and not head.startswith(_TEXT_BOMS):
        return "a binary file"
    if _HTML_START.search(data[:4096]):
        return "html"
    return "text"


def _zip_type(data: bytes) -> str:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        return "a damaged zip file"
    for marker, kind in _ZIP_KINDS:
        if any(n == marker or (marker.endswith("/") and n.startswith(marker)) for n in names):
            return kind
    return "a zip archive"


def check_upload(data: bytes, name: str) -> str:
    """The real type of an upload that may be read as evidence; raises ReadError with a
    sentence for the person otherwise."""
    if not name:
        raise ReadError("Choose a file to upload.")
    if Path(name).suffix.lower() not in ALLOWED_SUFFIXES:
        raise ReadError(f"{name} is not a file type that can be added: upload a {ALLOWED_DESCRIPTION} file.")
    if not data.strip():
        raise ReadError(f"{name} is empty.")
    kind = real_type(data)
    if kind not in ("pdf", "docx", "html", "text"):
        raise ReadError(f"{name} is really {kind}, not a {ALLOWED_DESCRIPTION} document.")
    return kind
