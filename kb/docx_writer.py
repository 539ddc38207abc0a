"""A Word document from a flat list of typed blocks: what the web app's exports and the
assistant's evidence packs hand to a leader to paste into a briefing."""
from __future__ import annotations

import io
import re

from docx import Document
from docx.shared import Pt, RGBColor

BLOCK_KINDS = ("h1", "h2", "h3", "p", "bullet", "cite", "quote")

_HEADING_LEVEL = {"h1": 1, "h2": 2, "h3": 3}
_CITE_GREY = RGBColor(0x50, 0x5A, 0x5F)
# Characters XML 1.0 forbids; extracted PDF text sometimes carries them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def write_docx(title: str, blocks: list[tuple[str, str]]) -> bytes:
    """The document as .docx bytes: `title` as its title (and the file's title property),
    then each (kind, text) block in order. Kinds: h1, h2, h3, p, bullet, cite (a small grey
    citation line) and quote. Raises ValueError for an unknown kind."""
    for kind, _ in blocks:
        if kind not in BLOCK_KINDS:
            raise ValueError(f"unknown block kind '{kind}'; use one of {', '.join(BLOCK_KINDS)}")
    doc = Document()
    clean_title = _xml_safe(title)
    doc.core_properties.title = clean_title
    doc.add_heading(clean_title, level=0)
    for kind, text in blocks:
        _add_block(doc, kind, _xml_safe(text))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _add_block(doc, kind: str, text: str) -> None:
    if kind in _HEADING_LEVEL:
        doc.add_heading(text, level=_HEADING_LEVEL[kind])
    elif kind == "p":
        doc.add_paragraph(text)
    elif kind == "bullet":
        doc.add_paragraph(text, style="List Bullet")
    elif kind == "quote":
        doc.add_paragraph(text, style="Quote")
    else:  # cite
        para = doc.add_paragraph()
        para.paragraph_format.space_after = Pt(8)
        run = para.add_run(text)
        run.font.size = Pt(9)
        run.font.color.rgb = _CITE_GREY


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text or "")
