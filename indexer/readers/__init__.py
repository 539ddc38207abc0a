"""Readers: from a file's bytes to a RawDocument of Blocks, whatever the format. The format
is judged from the content (detect.py), then one reader per format: pdf.py, docx.py,
html.py, and markdown.py for Markdown and plain text alike (text.py holds what plain text
needs beyond Markdown)."""
from __future__ import annotations

import os
import stat
from pathlib import Path

from indexer.model import RawDocument, ReadError
from indexer.readers import limits
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
        raw = _read(data, fmt)
        limits.check_paragraphs(len(raw.blocks))
        return raw
    except ReadError as e:
        raise ReadError(f"{name}: {e}") from None


def load_file(path: str | Path) -> bytes:
    """A file's bytes, refusing folders, unreadable and oversized files with a sentence.
    Only regular files are opened: a FIFO would block the read and a device such as
    /dev/zero never ends."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise ReadError(f"{path} is a folder, not a file")
        if not stat.S_ISREG(mode):
            raise ReadError(f"{path} is {_special_kind(mode)}, not a regular file; it was not opened")
        # O_NONBLOCK: should the path become a FIFO after the check, the open cannot hang.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise ReadError(f"{path} is {_special_kind(info.st_mode)}, not a regular file; it was not read")
            if info.st_size > MAX_BYTES:
                raise ReadError(_too_large(str(path), info.st_size))
            data = f.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:   # grown since it was measured
            raise ReadError(_too_large(str(path), len(data)))
        return data
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
    limits.check_text(text)
    raw = read_markdown(text, fmt)
    raw.meta["encoding"] = encoding
    return raw


def _special_kind(mode: int) -> str:
    for test, kind in ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return kind
    return "a special file"


def _too_large(name: str, size: int) -> str:
    return (f"{name} is {size / 2**20:.0f} MB, over the {MAX_BYTES // 2**20} MB limit for one "
            "document; split it or remove embedded images")
