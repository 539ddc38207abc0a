"""'More like this': evidence from other documents that shares a paragraph's distinctive
terms (the search engine's more_like_this)."""
from __future__ import annotations

from kb.evidence import evidence_by_id


def similar_paragraphs(kb, para: dict, limit: int = 5) -> list[dict]:
    """Up to `limit` evidence items like `para`, none from its own document."""
    ids = kb.index.more_like_this(para["text"], exclude_doc=para["doc_id"], limit=limit)
    return evidence_by_id(kb.store, ids) if ids else []
