"""Facet counts (judgement, criteria, stance, document type, authority, year) over every
paragraph a search matched, and the paragraph sets behind the filters, as bitmasks
(kb.search.docsets): each facet value's set is read once per index snapshot, and a count
is one AND and one popcount."""
from __future__ import annotations

from kb.search import docsets, postings
from kb.search.index import Snapshot
from kb.search.schema import FACET_FIELDS


def _table(snapshot: Snapshot) -> dict[str, dict[str, int]]:
    """field -> {value: bitmask of the paragraphs holding it}."""
    return {name: _field(snapshot, name) for name in FACET_FIELDS}


def _field(snapshot: Snapshot, name: str) -> dict[str, int]:
    """{value: bitmask of the paragraphs holding it} of one field, read once per snapshot
    (a fresh command that filters on one field reads only that one)."""
    key = ("facet", name)
    values = snapshot.memo.get(key)
    if values is None:
        reader = snapshot.searcher.reader()
        live = docsets.live(snapshot)
        values = {}
        if name in reader.indexed_field_names():
            for term in reader.lexicon(name):
                value = term.decode("utf-8") if isinstance(term, bytes) else term
                values[value] = docsets.from_ids(postings.ids(reader, name, value)) & live
        snapshot.memo[key] = values
    return values


def warm(snapshot: Snapshot) -> None:
    """Read every facet field's sets now (a results page counts them all)."""
    _table(snapshot)


def count(snapshot: Snapshot, matched: int) -> dict[str, dict[str, int]]:
    """{facet: {value: paragraphs}} over the `matched` bitmask, most common first."""
    out = {}
    for name, values in _table(snapshot).items():
        counts = {}
        for value, mask in values.items():
            n = (matched & mask).bit_count()
            if n:
                counts[value] = n
        out[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return out


def values(snapshot: Snapshot, field: str) -> list[str]:
    """Every value `field` holds in the index."""
    return list(_field(snapshot, field))


def matching(snapshot: Snapshot, field: str, values_: list[str]) -> int:
    """Bitmask of the paragraphs whose `field` holds any of `values_`."""
    table = _field(snapshot, field)
    mask = 0
    for value in values_:
        mask |= table.get(value, 0)
    return mask
