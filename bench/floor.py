"""The floor that `kb ingest` is measured against (bench/ingest.py): bare pypdfium2 text
extraction of some PDFs plus a bare Whoosh index of given paragraphs, nothing else.

    python bench/floor.py PARAGRAPHS.json INDEX_DIR FILE.pdf...

Run as a command, it pays for its own interpreter start and imports, as `kb ingest`
does; so it imports nothing but pypdfium2 and Whoosh."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pypdfium2 as pdfium
from whoosh import fields, index
from whoosh.analysis import StemmingAnalyzer


def bare_extract(files: list[Path]) -> tuple[int, list[str]]:
    pages, texts = 0, []
    for f in files:
        doc = pdfium.PdfDocument(f)
        for i in range(len(doc)):
            texts.append(doc[i].get_textpage().get_text_range())
            pages += 1
        doc.close()
    return pages, texts


def bare_index(paragraphs: list[str], where: Path) -> None:
    schema = fields.Schema(id=fields.ID(stored=True), text=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True))
    ix = index.create_in(where, schema)
    w = ix.writer(limitmb=256)
    for i, t in enumerate(paragraphs):
        w.add_document(id=str(i), text=t)
    w.commit()


if __name__ == "__main__":
    paragraphs_file, where, *pdfs = sys.argv[1:]
    bare_extract([Path(p) for p in pdfs])
    bare_index(json.loads(Path(paragraphs_file).read_text("utf-8")), Path(where))
