"""After a crash: the store commits each document as it is ingested, the index commits a
batch at the end, so a process killed in between leaves documents stored but not
searchable, and a plain re-run finds them unchanged. Opening the knowledge base compares
the two, document by document, and puts the index right, saying what it did."""
from __future__ import annotations

from typing import Callable

from kb.search.index import Index
from kb.store import Store


def indexable_counts(store: Store) -> dict[str, int]:
    """doc_id -> the paragraphs of it the index should hold (kb.search.schema.indexable); a
    copy of another document is not indexed (kb.duplicates)."""
    return {r[0]: r[1] for r in store.db.execute(
        "SELECT d.doc_id, COUNT(p.paragraph_id) FROM documents d LEFT JOIN paragraphs p ON p.doc_id = d.doc_id"
        " AND NOT p.boilerplate AND length(trim(p.text, ' ' || char(9, 10, 11, 12, 13))) > 0"
        " WHERE d.duplicate_of IS NULL GROUP BY d.doc_id")}


def repair_index(store: Store, index: Index, notice: Callable[[str], None] | None = None,
                 wait: bool = False) -> tuple[list[str], list[str]]:
    """Index the stored documents the index lacks or holds out of date, drop those it holds
    that the store does not; returns (indexed, dropped). Unless `wait`, nothing is done
    while another process writes the index (its ingest indexes what it stores)."""
    def rows_of(doc_ids: list[str]):
        for doc_id in doc_ids:
            yield from store.paragraphs(doc_id, include_boilerplate=False, copies=False)

    done = index.repair(lambda: indexable_counts(store), rows_of, wait)
    if done is None:
        return [], []
    indexed, dropped = done
    if notice and indexed:
        notice(f"{_documents(len(indexed))} not in the search index, or not as stored (an earlier run "
               f"stopped); indexed {'it' if len(indexed) == 1 else 'them'} now")
    if notice and dropped:
        notice(f"{_documents(len(dropped))} removed from the knowledge base still in the search index "
               f"(an earlier run stopped); dropped {'it' if len(dropped) == 1 else 'them'} now")
    return indexed, dropped


def _documents(n: int) -> str:
    return "1 document was" if n == 1 else f"{n} documents were"
