"""An upload is checked before it is queued: a name the knowledge base takes, and bytes
that really are a readable document. The readers' own type detection decides, so the web
and the command line refuse the same files with the same sentences."""
from __future__ import annotations

from pathlib import PurePath

from indexer.model import ReadError
from indexer.readers import SUPPORTED
from indexer.readers.detect import detect_format

ALLOWED_SUFFIXES = SUPPORTED
ALLOWED_DESCRIPTION = "PDF, Word (.docx), HTML, Markdown or plain text"


def check_upload(data: bytes, name: str) -> str:
    """The real format of an upload that may be read as evidence; raises ReadError with a
    sentence for the person otherwise."""
    if not name:
        raise ReadError("Choose a file to upload.")
    if PurePath(name).suffix.lower() not in ALLOWED_SUFFIXES:
        raise ReadError(f"{name} is not a file type that can be added: upload a {ALLOWED_DESCRIPTION} file.")
    return detect_format(data, name)
