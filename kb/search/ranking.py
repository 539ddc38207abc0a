"""Ranking by summing memoised per-term scores instead of walking Whoosh's matcher tree.

Whoosh scores a query by stepping a tree of matchers through every matching posting in
Python, which for a query with common words ("children in care") costs tens of
milliseconds. The queries kb.search builds are sums: any of the words, phrases, acronym
groups, a tag bonus. So each term's BM25F scores are computed once per index snapshot
(the scores Whoosh would give) and a query is scored by adding them up in a dict. A
phrase scores, in the paragraphs that contain it, the sum of its words' scores; a term of
an id field (a tag) adds its boost. Queries of any other shape (AND, NOT, ranges) are
left to Whoosh.

A paragraph's total can then be multiplied by a prior for an inspector's unnumbered text
(the summary, "what needs to improve", restating the numbered findings people cite),
bonuses included; it is off (RESTATEMENT_PRIOR), since the index's own lower word weight
for such text does the same work.
"""
from __future__ import annotations

import heapq
from collections import OrderedDict

from whoosh import query as wq
from whoosh.scoring import bm25

from kb import framework
from kb.search import docsets, facets, postings
from kb.search.index import Snapshot
from kb.search.schema import WEIGHTING

# Postings (score table entries) memoised per snapshot, least recently used dropped
# beyond this: about 100 MB at most.
MEMO_POSTINGS = 1_000_000
# The prior of an inspector's unnumbered paragraph (a restatement), 1.0 for none. It was
# 0.7 (nDCG@10 0.874 -> 0.901 on the bundled corpus with no field weight); beside the
# index's RESTATEMENT_WEIGHT it earns nothing (bench/ranking.py: tune half 0.789 with it,
# 0.793 without; the weight alone does the work), so it is off and costs nothing.
RESTATEMENT_PRIOR = 1.0



def supported(q: wq.Query) -> bool:
    """True when `q` is built only of shapes `top` scores itself."""
    if isinstance(q, wq.Or):
        return all(supported(sub) for sub in q.subqueries)
    if isinstance(q, wq.AndMaybe):
        return supported(q.a) and supported(q.b)
    return isinstance(q, (wq.Term, wq.Phrase))


def top(snapshot: Snapshot, q: wq.Query, allowed: set[int] | None, k: int,
        prior: float = RESTATEMENT_PRIOR) -> list[tuple[float, int]]:
    """The `k` best (score, docnum) pairs, best first; ties go to the earlier paragraph.
    A restatement's score is multiplied by `prior`."""
    scores = _scores(snapshot, q)        # may be a memoised table: read, never write
    if prior == 1.0:
        items = iter(scores.items())
    else:
        restated = _restatements(snapshot)
        items = ((d, s * prior if d in restated else s) for d, s in scores.items())
    if allowed is not None:
        items = ((d, s) for d, s in items if d in allowed)
    best = heapq.nsmallest(k, ((-s, d) for d, s in items))
    return [(-neg, d) for neg, d in best]


def warm(snapshot: Snapshot) -> None:
    """Build the tables every ranking of this index state reads."""
    _restatements(snapshot)
    _lengths(snapshot, "text")


def _restatements(snapshot: Snapshot) -> set[int]:
    """Docnums of inspectors' paragraphs without an Ofsted paragraph number."""
    ids = snapshot.memo.get("restatements")
    if ids is None:
        inspectors = facets.matching(snapshot, "doc_type", sorted(framework.INSPECTOR_DOC_TYPES))
        numbered = docsets.with_value(snapshot, "number")
        ids = snapshot.memo["restatements"] = docsets.to_ids(inspectors & ~numbered)
    return ids


def _scores(snapshot: Snapshot, q: wq.Query) -> dict[int, float]:
    if isinstance(q, wq.Or):
        total: dict[int, float] = {}
        for sub in q.subqueries:
            _add(total, _scores(snapshot, sub), q.boost)
        return total
    if isinstance(q, wq.AndMaybe):
        base = dict(_scores(snapshot, q.a))
        bonus = _scores(snapshot, q.b)
        for d in base:
            if d in bonus:
                base[d] += bonus[d]
        return base
    if isinstance(q, wq.Phrase):
        return _phrase_scores(snapshot, q)
    if snapshot.searcher.schema[q.fieldname].scorable:
        table = _term_scores(snapshot, q.fieldname, q.text)
        return table if q.boost == 1 else {d: s * q.boost for d, s in table.items()}
    return dict.fromkeys(_ids(snapshot, q), q.boost)


def _add(total: dict[int, float], scores: dict[int, float], boost: float) -> None:
    get = total.get
    if boost == 1:
        for d, s in scores.items():
            total[d] = get(d, 0.0) + s
    else:
        for d, s in scores.items():
            total[d] = get(d, 0.0) + s * boost


def _phrase_scores(snapshot: Snapshot, q: wq.Phrase) -> dict[int, float]:
    tables = [_term_scores(snapshot, q.fieldname, w) for w in q.words]
    return {d: q.boost * sum(t.get(d, 0.0) for t in tables) for d in _ids(snapshot, q)}


class _Memo:
    """Score tables and id sets of one index state, bounded by their total size; shared by
    the threads searching that state, hence the lock."""

    def __init__(self, lock):
        self.items: OrderedDict = OrderedDict()
        self.size = 0
        self.lock = lock

    def get(self, key):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key, value):
        with self.lock:
            if key not in self.items:
                self.items[key] = value
                self.size += len(value)
            while self.size > MEMO_POSTINGS and len(self.items) > 1:
                _, dropped = self.items.popitem(last=False)
                self.size -= len(dropped)
        return value


def _memo(snapshot: Snapshot) -> _Memo:
    memo = snapshot.memo.get("ranking")
    if memo is None:
        memo = snapshot.memo.setdefault("ranking", _Memo(snapshot.lock))
    return memo


def _term_scores(snapshot: Snapshot, field: str, text: str) -> dict[int, float]:
    """{docnum: BM25F score} of one term: Whoosh's bm25() with the searcher's statistics,
    as Whoosh's own scorer computes it, but over the raw postings (twice as fast)."""
    memo = _memo(snapshot)
    key = ("scores", field, text)
    table = memo.get(key)
    if table is not None:
        return table
    searcher = snapshot.searcher
    table = {}
    if (field, text) in searcher.reader():
        idf = searcher.idf(field, text)
        avgfl = searcher.avg_field_length(field) or 1
        lengths = _lengths(snapshot, field)
        b, k1 = WEIGHTING.B, WEIGHTING.K1
        ids, weights = postings.ids_and_weights(searcher.reader(), field, text)
        table = {d: bm25(idf, w, lengths[d], avgfl, b, k1) for d, w in zip(ids, weights)}
    return memo.put(key, table)


def _lengths(snapshot: Snapshot, field: str) -> list[int]:
    """Every paragraph's length in `field`, by docnum, as the scorer reads it."""
    key = ("lengths", field)
    lengths = snapshot.memo.get(key)
    if lengths is None:
        searcher = snapshot.searcher
        lengths = [searcher.doc_field_length(d, field, 1) for d in range(searcher.doc_count_all())]
        snapshot.memo[key] = lengths
    return lengths


def _ids(snapshot: Snapshot, q: wq.Query) -> set[int]:
    """The docnums matching a phrase or an id-field term, as a set."""
    memo = _memo(snapshot)
    key = ("ids", type(q).__name__, q.fieldname, tuple(q.words) if isinstance(q, wq.Phrase) else q.text,
           getattr(q, "slop", None))
    ids = memo.get(key)
    if ids is None:
        ids = memo.put(key, docsets.to_ids(docsets.of_query(snapshot, q)))
    return ids

