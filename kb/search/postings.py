"""A term's postings read a block at a time.

Whoosh hands postings out one at a time through a stack of matcher objects (the segment's
leaf matcher, a filter for deleted paragraphs, a wrapper adding the segment's offset), so
reading a posting list costs several Python calls per paragraph: most of the time of a
query no one asked before, and of the paragraph page's similar evidence. The on-disk
format (whoosh3) stores postings in blocks of up to 128, each one pickled tuple of
delta-coded ids, weights and values; this module decodes each block whole. It relies on
the leaf matcher's block attributes (pinned by the whoosh-reloaded version in
constraints.txt) and falls back to Whoosh's own iteration for any other matcher.
"""
from __future__ import annotations

from itertools import accumulate
from typing import Iterator, Sequence

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher


def ids(reader, field: str, text: str) -> list[int]:
    """Docnums (of the whole reader) of the paragraphs holding the term, in order."""
    out: list[int] = []
    for base, deleted, block_ids, _ in _blocks(reader, field, text, weights=False):
        if deleted:
            out.extend(base + d for d in block_ids if d not in deleted)
        elif base:
            out.extend(base + d for d in block_ids)
        else:
            out.extend(block_ids)
    return out


def ids_and_weights(reader, field: str, text: str) -> tuple[list[int], list[float]]:
    """Docnums holding the term, in order, and the term's weight (frequency) in each."""
    out_ids: list[int] = []
    out_weights: list[float] = []
    for base, deleted, block_ids, block_weights in _blocks(reader, field, text, weights=True):
        if deleted:
            kept = [(base + d, w) for d, w in zip(block_ids, block_weights) if d not in deleted]
            out_ids.extend(d for d, _ in kept)
            out_weights.extend(w for _, w in kept)
        else:
            out_ids.extend((base + d for d in block_ids) if base else block_ids)
            out_weights.extend(block_weights)
    return out_ids, out_weights


def values(reader, field: str, text: str, wanted: list[int]) -> dict[int, bytes]:
    """{docnum: the term's stored value (its encoded positions)} for the docnums of
    `wanted` (ascending, live) that hold it. A block holding none of them is skipped
    unread, by its largest id."""
    out: dict[int, bytes] = {}
    for segment, base in reader.leaf_readers():
        end = base + segment.doc_count_all()
        mine = [d - base for d in wanted if base <= d < end]
        if not mine or (field, text) not in segment:
            continue
        matcher = segment.postings(field, text)
        if isinstance(matcher, FilterMatcher):
            matcher = matcher.child
            matcher.reset()
        if not isinstance(matcher, W3LeafMatcher):
            chosen = set(mine)
            out.update((base + d, v) for d, v in matcher.all_items() if d in chosen)
            continue
        chosen, i = set(mine), 0
        while matcher.is_active() and i < len(mine):
            last = matcher._maxid
            if mine[i] <= last:
                if matcher._data is None:
                    matcher._read_data()
                matcher._read_values()
                for d, v in zip(accumulate(matcher._data[0]), matcher._values):
                    if d in chosen:
                        out[base + d] = v
                while i < len(mine) and mine[i] <= last:
                    i += 1
            matcher._next_block()
    return out


def _blocks(reader, field: str, text: str, weights: bool
            ) -> Iterator[tuple[int, set | None, Sequence[int], Sequence[float]]]:
    """(segment's docnum offset, its deleted docnums or None, a block's segment docnums,
    their weights or None) for each block of each segment holding the term."""
    for segment, base in reader.leaf_readers():
        if (field, text) not in segment:
            continue
        matcher = segment.postings(field, text)
        deleted = None
        if isinstance(matcher, FilterMatcher) and matcher._exclude:
            deleted, matcher = matcher._ids, matcher.child
            matcher.reset()          # the filter stepped it on to the first live posting
        if not isinstance(matcher, W3LeafMatcher):
            yield from _one_at_a_time(matcher, base, deleted, weights)
            continue
        while matcher.is_active():
            if matcher._data is None:
                matcher._read_data()
            data = matcher._data
            block_ids = tuple(accumulate(data[0]))
            block_weights = None
            if weights:
                matcher._read_weights()
                block_weights = matcher._weights
            yield base, deleted, block_ids, block_weights
            matcher._next_block()


def _one_at_a_time(matcher, base: int, deleted: set | None, weights: bool):
    block_ids, block_weights = [], []
    while matcher.is_active():
        block_ids.append(matcher.id())
        if weights:
            block_weights.append(matcher.weight())
        matcher.next()
    yield base, deleted, block_ids, (block_weights if weights else None)
