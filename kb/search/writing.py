"""Writing index segments: Whoosh's segment writer made faster for these fields, and the
rows of whole documents added to it with their spelling vocabulary."""
from __future__ import annotations

from collections import Counter
from functools import partial
from itertools import groupby
from pathlib import Path
from typing import Callable, Iterable

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.reading import SegmentReader
from whoosh.writing import PostingPool, SegmentWriter

from kb.home import private_files
from kb.search.analysis import Analysed
from kb.search.schema import SCHEMA, WORDS_FIELD, document_fields

# One bulk writer with a generous buffer. Measured on two cores with 5,600 paragraphs:
# about 1,000 paragraphs/s so, 650 with a 64 MB buffer, 600 with procs=2 (pickling to the
# second process costs more than the analysis it takes over).
BULK_LIMIT_MB = 256


class Writer(SegmentWriter):
    """Whoosh's segment writer, with a faster look-up of field lengths on commit (see
    _SegmentLengths), writing posting blocks uncompressed: most blocks hold a few postings
    of a rare word, where zlib costs a third of the commit and saves little (measured:
    commit 0.17 s -> 0.12 s, index 1.3 MB -> 1.9 MB for 460 paragraphs). Readers take
    either. Otherwise everything it writes is as SegmentWriter writes it."""

    def __init__(self, ix, limitmb: int = 128, **kwargs):
        super().__init__(ix, codec=W3Codec(compression=0), limitmb=limitmb, **kwargs)
        # SegmentWriter ignores its poolclass argument.
        self.pool = _Pool(self._tempstorage, self.newsegment, limitmb=limitmb)

    purge = False     # set by purge_on_commit()

    def purge_on_commit(self) -> None:
        """Commit with `purge_deleted`: for a write that takes a document out of the index."""
        self.purge = True

    # The most paragraphs a commit rewrites to merge segments (about 0.3 s): a commit holds
    # the index's write lock, and a bigger merge is left to Index.merge, which runs once
    # an ingest is done.
    merge_limit: int | None = 500

    def commit(self, mergetype=None, merge=None, **kwargs):
        if mergetype is None:
            if self.purge:
                mergetype = partial(purge_deleted, limit=self.merge_limit)
            elif merge is not False:
                mergetype = partial(merge_tiers, limit=self.merge_limit)
        super().commit(mergetype=mergetype, merge=merge, **kwargs)

    def per_document_reader(self):
        return _SegmentLengths(super().per_document_reader())


# Segments whose sizes lie within a factor of TIER_BASE of each other share a tier; a tier
# holding TIER_FULL segments is merged into one (with every smaller one). Whoosh's own
# policy (MERGE_SMALL) merges only segments of a few dozen paragraphs, so an ingest, which
# commits each document as a segment of its own, left one segment per report: every term
# a query reads is then looked up in each of them (26 segments at 100 reports).
TIER_BASE = 4
TIER_FULL = 4


def merge_tiers(writer: SegmentWriter, segments: list, limit: int | None = None) -> list:
    """A merge policy: merge the smallest segments while some tier is full (see TIER_FULL),
    so that the index holds about TIER_FULL segments per fourfold of size; each paragraph
    is rewritten about once per tier it climbs. With a limit, no merge rewrites more
    paragraphs than that. Returns the segments left as they are."""
    ordered = sorted(segments, key=lambda s: s.doc_count_all())
    chosen = merge_plan([s.doc_count_all() for s in ordered], limit)
    if chosen < 2:
        return segments
    for segment in ordered[:chosen]:
        _rewrite(writer, segment)
    return ordered[chosen:]


def merge_plan(sizes: list[int], limit: int | None = None) -> int:
    """How many of the smallest segments (sizes in ascending order) merge_tiers merges."""
    sizes = [max(1, n) for n in sizes]
    chosen = 0
    while True:
        pool = ([sum(sizes[:chosen])] if chosen else []) + sizes[chosen:]
        tiers = Counter(_tier(n) for n in pool)
        full = [t for t, count in tiers.items() if count >= TIER_FULL]
        if not full:
            break
        lowest = min(full)
        more = chosen + sum(1 for n in sizes[chosen:] if _tier(n) <= lowest)
        if more == chosen or (limit is not None and sum(sizes[:more]) > limit):
            break
        chosen = more
    return chosen


def _tier(size: int) -> int:
    tier = 0
    while size >= TIER_BASE:
        size //= TIER_BASE
        tier += 1
    return tier


def purge_deleted(writer: SegmentWriter, segments: list, limit: int | None = None) -> list:
    """A merge policy: merge_tiers, then every segment still holding deleted paragraphs
    rewritten into the new segment without them. Whoosh only marks a paragraph deleted;
    its text stays in the segment's files until they are rewritten, and the commit removes
    the files of segments it no longer lists."""
    kept = []
    for segment in merge_tiers(writer, segments, limit):
        if segment.has_deletions():
            _rewrite(writer, segment)
        else:
            kept.append(segment)
    return kept


def _rewrite(writer: SegmentWriter, segment) -> None:
    """The segment's live paragraphs copied into the segment being written."""
    reader = SegmentReader(writer.storage, writer.schema, segment)
    writer.add_reader(reader)
    reader.close()


class _Pool(PostingPool):
    """Whoosh's posting pool without its per-posting type checks (the writer's own fields
    make the postings), which took a fifth of indexing a batch."""

    def add(self, item):
        # item = (fieldname, term bytes, docnum, weight, value bytes); the size is
        # PostingPool's estimate of its memory.
        self.fieldnames.add(item[0])
        self.currentsize += 150 + len(item[0]) + 2 * len(item[1]) + len(item[4] or b"")
        if self.currentsize > self.limit:
            self.save()
        self.current.append(item)


class _SegmentLengths:
    """The new segment's per-document reader as the writer uses it on commit: to look up
    the field length of every posting it writes. Whoosh's reader asks the file system,
    every time, whether a field has a lengths file, which for a field that has none (ids,
    keywords, numbers and spelling words are not scored) is an os.stat per posting; for
    the others it decodes one byte per posting. Here each field's lengths are read once,
    for all documents; a field has a lengths file exactly when its total length is above
    zero."""

    def __init__(self, reader):
        self._reader = reader
        self._lengths: dict[str, list | tuple] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0):
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            lengths = self._lengths[fieldname] = self._read(fieldname)
        return lengths[docnum] if lengths else default

    def _read(self, fieldname: str) -> list | tuple:
        if not self._reader.field_length(fieldname):
            return ()
        return [self._reader.doc_field_length(d, fieldname) for d in range(self._reader.doc_count_all())]

    def close(self) -> None:
        self._reader.close()


def write_part(gen_dir: Path, rows_of: Callable[[], Iterable[dict]]) -> tuple[object | None, int]:
    """Write the rows of one part of a rebuild into a segment of the index in `gen_dir`,
    without committing it (Index.rebuild_in_parts lists it); returns (the segment, or
    None when the part held nothing to index, paragraphs indexed)."""
    with private_files():   # a worker process does not share its parent's umask of the moment
        writer = Writer(whoosh_index.open_dir(gen_dir, schema=SCHEMA), _lk=False, limitmb=BULK_LIMIT_MB)
        try:
            count = add_rows(writer, rows_of())
            if not count:
                writer._close_segment()
                return None, 0
            return writer._finalize_segment(), count
        except BaseException:
            writer._close_segment()
            raise


def add_rows(writer, rows: Iterable[dict], analysed: dict[tuple, Analysed] | None = None) -> int:
    """Index rows, which come document by document; returns paragraphs indexed."""
    count = 0
    for _, same_doc in groupby(rows, key=lambda row: row["doc_id"]):
        docs = [d for d in (document_fields(row, analysed) for row in same_doc) if d is not None]
        for doc, words in zip(docs, _vocabulary_shares(docs)):
            if words:
                doc[WORDS_FIELD] = words
            writer.add_document(**doc)
        count += len(docs)
    return count


def _vocabulary_shares(docs: list[dict]) -> list[dict[str, int]]:
    """For each paragraph of one document, the words (as written) that it is the first
    to use, each with the number of the document's paragraphs that use it (_Vocabulary)."""
    counts: Counter = Counter()
    first: dict[str, int] = {}
    for i, doc in enumerate(docs):
        written = doc["text"].written
        counts.update(written)
        for word in written:
            first.setdefault(word, i)
    shares: list[dict[str, int]] = [{} for _ in docs]
    for word, i in first.items():
        shares[i][word] = counts[word]
    return shares
