"""Paragraph retrieval for the assistant: `kb search`'s ranking (the engine's `ranked`),
its scores scaled so that the best is 1.0, and how rare a word is in the index."""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass
class Retrieved:
    scores: dict[str, float]          # paragraph id -> score, 1.0 for the best
    corrected: str | None = None      # the query as searched, when its spelling was corrected


def retrieve(kb, query: str, *, authority: str | None = None, criterion: str | None = None,
             limit: int = 30) -> Retrieved:
    """The best `limit` paragraphs for the query, within one authority and one criterion
    when given, spelling corrected as `kb search` corrects it."""
    ranked = kb.index.ranked(query, authority=authority, criterion=criterion, limit=limit)
    top = max((score for _, score in ranked.ids), default=0.0) or 1.0
    return Retrieved({pid: score / top for pid, score in ranked.ids}, ranked.corrected)


def rarity(kb, terms: list[str]) -> dict[str, float]:
    """Inverse document frequency of each (stemmed) term over the whole index: a word most
    paragraphs use ("social", "worker") says less about what a question is after than one
    few use ("supervision")."""
    stats = kb.index.term_stats(terms)
    total = stats.paragraphs or 1
    return {t: math.log(1 + total / (1 + stats.frequency[t])) for t in terms}
