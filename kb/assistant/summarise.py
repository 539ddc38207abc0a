"""Extractive summary: pick the few sentences that are most relevant to the question and
most central among the retrieved evidence, without repeating one another (maximal
marginal relevance over TF-IDF vectors). Nothing is rewritten; sentences are chosen."""
from __future__ import annotations

import math
import re
from collections import Counter

from kb.assistant.question import STOPWORDS
from kb.search.analysis import index_term
from kb.tagging.text import normalise

# How much a sentence's own relevance counts against how central it is among the rest.
RELEVANCE_SHARE = 0.7
# Weight of novelty in MMR: 1 would ignore redundancy, 0 would ignore relevance.
MMR_LAMBDA = 0.7
# Two sentences this similar say the same thing; the second is never picked.
DUPLICATE = 0.6

_WORD = re.compile(r"[a-z0-9]+")


def terms_of(text: str) -> list[str]:
    """The text's subject words, lower-cased and stemmed with the search index's stemmer
    ("managers" and "management" meet), common words dropped."""
    return [index_term(w) for w in _WORD.findall(normalise(text).lower().replace("'s", ""))
            if w not in STOPWORDS and len(w) > 1]


def vectors(texts: list[str], idf: dict[str, float] | None = None) -> list[dict[str, float]]:
    """Unit-length TF-IDF vectors of the texts; IDF as given (over a whole collection) or
    else taken over the texts themselves."""
    bags = [Counter(terms_of(t)) for t in texts]
    if idf is None:
        df = Counter(term for bag in bags for term in bag)
        idf = {t: math.log(1 + len(texts) / n) for t, n in df.items()}
    out = []
    for bag in bags:
        vec = {t: (1 + math.log(c)) * idf.get(t, 0.0) for t, c in bag.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        out.append({t: v / norm for t, v in vec.items()})
    return out


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def select(texts: list[str], relevance: list[float], k: int) -> list[int]:
    """Indexes of up to k texts chosen by MMR: relevance blended with centrality (mean
    similarity to the other candidates), less similarity to what is already chosen."""
    n = len(texts)
    if n == 0 or k <= 0:
        return []
    vecs = vectors(texts)
    sims = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            sims[i][j] = sims[j][i] = cosine(vecs[i], vecs[j])
    centrality = [sum(row) / (n - 1) if n > 1 else 0.0 for row in sims]
    rel = _scaled(relevance)
    cen = _scaled(centrality)
    base = [RELEVANCE_SHARE * r + (1 - RELEVANCE_SHARE) * c for r, c in zip(rel, cen)]
    chosen: list[int] = []
    while len(chosen) < min(k, n):
        best, best_score = None, -math.inf
        for i in range(n):
            if i in chosen:
                continue
            overlap = max((sims[i][j] for j in chosen), default=0.0)
            if overlap >= DUPLICATE:
                continue
            score = MMR_LAMBDA * base[i] - (1 - MMR_LAMBDA) * overlap
            if score > best_score:
                best, best_score = i, score
        if best is None:
            break
        chosen.append(best)
    return chosen


def _scaled(values: list[float]) -> list[float]:
    top = max(values, default=0.0)
    return [v / top if top > 0 else 0.0 for v in values]
