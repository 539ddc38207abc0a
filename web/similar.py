"""'More like this': evidence from other documents that shares a paragraph's distinctive
terms (the words it uses that are rare across the collection, weighted by Bo1)."""
from __future__ import annotations

from whoosh.query import Or, Term

from kb.evidence import evidence_by_id

KEY_TERMS = 10


def similar_paragraphs(kb, para: dict, limit: int = 5) -> list[dict]:
    """Up to `limit` evidence items like `para`, none from its own document."""
    searcher = kb.index.snapshot().searcher
    terms = searcher.key_terms_from_text("text", para["text"], numterms=KEY_TERMS)
    if not terms:
        return []
    query = Or([Term("text", term, boost=weight) for term, weight in terms])
    hits = searcher.search(query, limit=limit, mask=Term("doc_id", para["doc_id"]))
    return evidence_by_id(kb.store, [hit["paragraph_id"] for hit in hits])
