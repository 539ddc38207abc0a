"""Readers: from a file's bytes to a RawDocument of Blocks, whatever the format. The format
is judged from the content (detect.py), then one reader per format: pdf.py, docx.py,
html.py, and markdown.py for Markdown and plain text alike (text.py holds what plain text
needs beyond Markdown)."""
from __future__ import annotations

from pathlib import Path

from indexer.model import RawDocument, ReadError
from indexer.readers.detect import detect_format

# Files larger than this are refused before they are read.
MAX_BYTES = 100 * 1024 * 1024
# File extensions taken when a folder is ingested (a single file is judged by its content).
SUPPORTED = (".pdf", ".docx", ".html", ".htm", ".md", ".markdown", ".txt", ".text")


def read_bytes(data: bytes, name: str) -> RawDocument:
    """Read a file's bytes; `name` is the file name, used for messages and as a weak hint."""
    if len(data) > MAX_BYTES:
        raise ReadError(_too_large(name, len(data)))
    fmt = detect_format(data, name)
    try:
        return _read(data, fmt)
    except ReadError as e:
        raise ReadError(f"{name}: {e}") from None


def load_file(path: str | Path) -> bytes:
    """A file's bytes, refusing folders, unreadable and oversized files with a sentence."""
    path = Path(path)
    try:
        if path.is_dir():
            raise ReadError(f"{path} is a folder, not a file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ReadError(_too_large(str(path), size))
        return path.read_bytes()
    except FileNotFoundError:
        raise ReadError(f"{path} does not exist") from None
    except PermissionError:
        raise ReadError(f"{path} cannot be read: permission denied") from None
    except OSError as e:
        raise ReadError(f"{path} cannot be read: {e.strerror or e}") from None


def read_file(path: str | Path) -> RawDocument:
    return read_bytes(load_file(path), Path(path).name)


def _read(data: bytes, fmt: str) -> RawDocument:
    # Each reader is imported when its format first arrives: pdfium, python-docx and
    # BeautifulSoup take longer to load than a small file takes to read.
    if fmt == "pdf":
        from indexer.readers.pdf import read_pdf
        return read_pdf(data)
    if fmt == "docx":
        from indexer.readers.docx import read_docx
        return read_docx(data)
    if fmt == "html":
        from indexer.readers.html import read_html
        return read_html(data)
    from indexer.readers.markdown import read_markdown
    from indexer.readers.text import decode_text
    text, encoding = decode_text(data)
    raw = read_markdown(text, fmt)
    raw.meta["encoding"] = encoding
    return raw


def _too_large(name: str, size: int) -> str:
    return (f"{name} is {size / 2**20:.0f} MB, over the {MAX_BYTES // 2**20} MB limit for one "
            "document; split it or remove embedded images")
