"""One file to one prepared document: read, segment, describe, tag. Nothing is written
here; the knowledge base stores a prepared document in one transaction, so a file that
fails leaves nothing half-written."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from indexer.metadata import DocMeta, describe
from indexer.model import Paragraph, RawDocument, ReadError
from indexer.readers import read_bytes
from indexer.segment import segment
from kb.store import content_hash
from kb.tagging import Tags, tag


@dataclass
class Prepared:
    source: str
    path: str | None
    digest: str
    raw: RawDocument
    meta: DocMeta
    paragraphs: list[Paragraph]
    tags: list[dict]


def prepare(data: bytes, source: str, path: str | None = None) -> Prepared:
    raw = read_bytes(data, source)
    paragraphs = segment(raw)
    if not any(not p.boilerplate for p in paragraphs):
        raise ReadError(f"{source} holds no text that could be evidence")
    meta = describe(raw, paragraphs, source)
    tags = [tag_dict(tag(p.text, section=p.section, doc_type=meta.doc_type, kind=p.kind)) for p in paragraphs]
    return Prepared(source, path, content_hash(data), raw, meta, paragraphs, tags)


def tag_dict(t: Tags) -> dict:
    return asdict(t)
