"""Reading the index beyond a ranked search: paragraphs like a text (more like this), and
how many paragraphs use a term (term statistics)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from whoosh.query import Or, Term

from kb.search import docsets

if TYPE_CHECKING:
    from kb.search.index import Snapshot

KEY_TERMS = 10


@dataclass(frozen=True)
class TermStats:
    paragraphs: int                  # paragraphs the index holds
    frequency: dict[str, int]        # term (as analysed: kb.search.analysis.index_term) -> paragraphs using it


def more_like_this(snapshot: Snapshot, text: str, *, exclude_doc: str | None = None,
                   limit: int = 5) -> list[str]:
    """Ids of up to `limit` paragraphs that share the text's distinctive terms (those rare
    across the collection, weighted by Bo1), best first, none from `exclude_doc`."""
    searcher = snapshot.searcher
    terms = searcher.key_terms_from_text("text", text, numterms=KEY_TERMS)
    if not terms:
        return []
    # Scored as kb.search ranks (memoised per-term tables), not by Whoosh's matcher tree,
    # which walks every posting of the ten terms in Python for each page shown.
    query = Or([Term("text", term, boost=weight) for term, weight in terms])
    from kb.search import ranking      # it reads the index module, which reads this one
    own = docsets.to_ids(docsets.of_query(snapshot, Term("doc_id", exclude_doc))) if exclude_doc else set()
    best = ranking.top(snapshot, query, None, limit + len(own))
    return [searcher.stored_fields(d)["paragraph_id"] for d in [d for _, d in best if d not in own][:limit]]


def term_stats(snapshot: Snapshot, terms: Iterable[str]) -> TermStats:
    searcher = snapshot.searcher
    return TermStats(searcher.doc_count(), {t: searcher.doc_frequency("text", t) for t in terms})
