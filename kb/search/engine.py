"""What the rest of kb asks of a search engine. `kb.search.index.Index`, the embedded
Whoosh index, is the one implementation; nothing outside kb/search/ imports Whoosh.

A shared engine (OpenSearch, Elasticsearch) for a service that outgrows one machine would
implement the same methods: `index_documents` and `remove` as bulk requests over the rows
of kb.search.schema.document_fields, with the analysis of kb.search.analysis as an
analyser of its own; `search` as one query with filters as term filters and facets as
aggregations; `more_like_this` as its more-like-this query; `term_stats` from its term
vectors or index statistics. See README, "The search engine".
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Protocol, runtime_checkable

if TYPE_CHECKING:
    from kb.search import Ranked, SearchResult
    from kb.search.analysis import Analysed
    from kb.search.reading import TermStats


@runtime_checkable
class SearchEngine(Protocol):
    def index_documents(self, doc_ids: Iterable[str], rows: Iterable[dict],
                        analysed: dict[tuple, Analysed] | None = None) -> int:
        """Replace these documents' paragraphs with `rows` (store paragraph rows) in one
        commit; returns paragraphs indexed."""

    def remove(self, doc_id: str) -> int:
        """Drop a document's paragraphs, its text gone from the engine's files; returns
        how many were dropped."""

    def rebuild(self, rows: Iterable[dict]) -> int:
        """Index `rows` afresh, replacing everything held; returns paragraphs indexed."""

    def search(self, query: str, **filters) -> SearchResult:
        """A page of ranked, highlighted hits with the total and facets (kb.search.search)."""

    def ranked(self, query: str, **filters) -> Ranked:
        """Paragraph ids and scores only (kb.search.ranked_ids)."""

    def more_like_this(self, text: str, *, exclude_doc: str | None = None, limit: int = 5) -> list[str]:
        """Ids of paragraphs sharing the text's distinctive terms, best first."""

    def term_stats(self, terms: Iterable[str]) -> TermStats:
        """How many paragraphs the engine holds, and how many use each term."""
