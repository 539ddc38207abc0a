"""Copies: the same document held twice, as text and as PDF, or re-issued with small
changes. Two documents are compared by the runs of five words their paragraphs hold
(their text as one stream, blind to case, punctuation and how each reader split it into
paragraphs): the share of runs they have in common, of all the runs either holds.

Measured on a knowledge base of 40 reports and papers from a dozen authorities: the one
report held both as text and as PDF shares 100% of its runs (95% of its paragraphs word
for word); of every other pair of documents, the most alike (two 2014 reports under the
same framework, sharing its set phrases) share 5%. A re-issue that rewrites a tenth of a
report still shares about 80%, while a committee paper that wraps a whole report in as
much again of its own words shares about 50%: it is a document of its own. So a copy is
two documents sharing at least COPY_SHARE of their runs.

Only documents that have at least MIN_SHARED paragraphs of the same wording as the new
one are compared, found through the store's index of paragraph fingerprints. Two documents
are never copies when either is shorter than MIN_RUNS runs (a short note written from a
template differs from the next in a name or a figure), or when both are dated and the dates
or the periods they cover differ (a re-issue keeps its inspection's date; a monthly report
from the same template is another month's)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

RUN = 5
COPY_SHARE = 0.8
MIN_SHARED = 2
MIN_RUNS = 100
CANDIDATES = 3


@dataclass
class Copy:
    copy: str           # doc_id of the document kept out of lists, search and exports
    original: str       # doc_id of the document kept
    share: float


def runs(texts: Iterable[str]) -> set[int]:
    """Hashes of every run of RUN words of the texts read as one stream."""
    words = [w for t in texts for w in re.findall(r"[a-z0-9]+", t.lower())]
    if len(words) < RUN:
        return {hash(tuple(words))} if words else set()
    return {hash(tuple(words[i:i + RUN])) for i in range(len(words) - RUN + 1)}


def share(a: set[int], b: set[int]) -> float:
    """Runs both hold, of the runs either holds."""
    return len(a & b) / len(a | b) if a and b else 0.0


def _runs_of(store, doc_id: str) -> set[int]:
    return runs(p["text"] for p in store.paragraphs(doc_id, include_boilerplate=False))


def find_copy(store, doc_id: str) -> Copy | None:
    """Whether the stored document `doc_id` and a document held before it are copies of
    each other, and which of the two is kept: the one with pages (a PDF's citations name
    the page), else the one held first."""
    candidates = [d for d, shared in store.sharing_paragraphs(doc_id, CANDIDATES) if shared >= MIN_SHARED]
    if not candidates:
        return None
    new_doc = store.document(doc_id)
    mine = _runs_of(store, doc_id)
    if len(mine) < MIN_RUNS:
        return None
    best: tuple[float, dict] | None = None
    for c in candidates:
        old_doc = store.document(c)
        if _dated_apart(new_doc, old_doc):
            continue
        theirs = _runs_of(store, c)
        if len(theirs) >= MIN_RUNS and (best is None or share(mine, theirs) > best[0]):
            best = (share(mine, theirs), old_doc)
    if best is None or best[0] < COPY_SHARE:
        return None
    old_doc = best[1]
    other = old_doc["doc_id"]
    if new_doc.get("pages") and not old_doc.get("pages"):
        return Copy(copy=other, original=doc_id, share=best[0])
    return Copy(copy=doc_id, original=other, share=best[0])


def _dated_apart(a: dict, b: dict) -> bool:
    return any(a.get(k) and b.get(k) and a[k] != b[k] for k in ("date", "period"))
