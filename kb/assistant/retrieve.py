"""Paragraph retrieval for the assistant: the same query parsing (acronyms widened), index,
ranking and spelling correction as `kb search`, returning only paragraph ids and scores.
`kb.search.search` also highlights each hit and explains why it matched, which a results
page needs and an answer does not; that work costs several times the search itself, and
an answer looks at dozens of paragraphs."""
from __future__ import annotations

import math
from dataclasses import dataclass

from whoosh import query as wq

from kb.search import spelling
from kb.search.query import parse


@dataclass
class Retrieved:
    scores: dict[str, float]          # paragraph id -> score, 1.0 for the best
    corrected: str | None = None      # the query as searched, when its spelling was corrected


def retrieve(kb, query: str, *, authority: str | None = None, criterion: str | None = None,
             limit: int = 30) -> Retrieved:
    """The best `limit` paragraphs for the query, within one authority and one criterion
    when given. A query with a misspelt word is searched as corrected when the word occurs
    nowhere in the index or the query as typed finds nothing (as `kb search` does)."""
    snapshot = kb.index.snapshot()
    allowed = _allowed(authority, criterion)
    scores = _ranked(snapshot, query, allowed, limit)
    correction = spelling.correct(snapshot, query)
    if correction and (correction.unknown or not scores):
        fixed = _ranked(snapshot, correction.query, allowed, limit)
        if fixed:
            return Retrieved(fixed, correction.query)
    return Retrieved(scores)


def rarity(kb, terms: list[str]) -> dict[str, float]:
    """Inverse document frequency of each (stemmed) term over the whole index: a word most
    paragraphs use ("social", "worker") says less about what a question is after than one
    few use ("supervision")."""
    searcher = kb.index.snapshot().searcher
    total = searcher.doc_count() or 1
    return {t: math.log(1 + total / (1 + searcher.doc_frequency("text", t))) for t in terms}


def _allowed(authority: str | None, criterion: str | None) -> wq.Query | None:
    """A filter on the index's authority and criteria fields (the authority as the
    store and so the index write it)."""
    terms = [wq.Term(name, value) for name, value in (("authority", authority), ("criteria", criterion)) if value]
    if not terms:
        return None
    return terms[0] if len(terms) == 1 else wq.And(terms)


def _ranked(snapshot, query: str, allowed: wq.Query | None, limit: int) -> dict[str, float]:
    results = snapshot.searcher.search(parse(query).query, filter=allowed, limit=limit)
    top = max((r.score for r in results), default=0.0) or 1.0
    return {r["paragraph_id"]: r.score / top for r in results}
