"""The Whoosh full-text index over the store's paragraphs (home/index).

The index is derived data: `Index.rebuild` recreates it from the store's rows. Each full
build goes into a fresh generation folder (kb.search.generations), live once the pointer
file is replaced, so a reader sees either the old index or the new one, never a half-built
one. Small changes (one document ingested or removed, a person's correction) are written
into the live generation with one Whoosh writer; Whoosh's own commit is atomic for readers
too. Every write holds a lock file, so one process writes at a time.
"""
from __future__ import annotations

import fcntl
import shutil
import threading
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from whoosh import index as whoosh_index
from whoosh.searching import Searcher

from kb.home import INDEX_DIR, private_files
from kb.search import generations, reading
from kb.search.analysis import Analysed
from kb.search.generations import LOCK_FILE, POINTER_FILE
from kb.search.schema import SCHEMA, SCHEMA_VERSION, WEIGHTING, WORDS_FIELD, document_fields
from kb.search.writing import Writer, add_rows, merge_plan, write_part

if TYPE_CHECKING:
    from kb.ingest import Pending


class IndexBusy(Exception):
    """Another writer holds the index and the caller chose not to wait."""


class IndexUnavailable(Exception):
    """The index is missing or damaged; the message says what to do."""


@dataclass
class Snapshot:
    """A searcher over one state of the index, plus a memo for values derived from that
    state (facet tables, spelling vocabulary, term sets) that stay valid until the index
    changes. Every thread's snapshot of the same state shares one memo, so a table is
    built once, not once per web server thread; `lock` guards its bounded (LRU) parts."""
    generation: str
    searcher: Searcher
    memo: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Index:
    """The index of one knowledge base home (home/index). Safe to share between threads:
    each thread gets its own searcher (`snapshot`)."""

    def __init__(self, home: Path):
        self.root = Path(home) / INDEX_DIR
        self._local = threading.local()
        self._shared: dict[tuple, tuple[dict, threading.Lock]] = {}   # index state -> (memo, lock)
        self._shared_lock = threading.Lock()

    # -- writing -------------------------------------------------------------------------
    def rebuild(self, rows: Iterable[dict]) -> int:
        """Index `rows` into a new generation and switch to it; returns paragraphs indexed."""
        return self.rebuild_in_parts([lambda: rows])

    def rebuild_in_parts(self, parts: list[Callable[[], Iterable[dict]]],
                         submit: Callable[..., Pending] | None = None) -> int:
        """Index each part's rows (whole documents) into a segment of its own, in the order
        of `parts`, and switch to the new generation that holds them all; returns
        paragraphs indexed. With `submit` (kb.ingest.Workers.submit), each part is
        written by a worker process, as Whoosh's multi-process writer writes its segments:
        writing postings is the slow part of a rebuild, and it runs in Python."""
        with self._write_lock():
            gen_dir = self._new_generation_dir()
            try:
                ix = whoosh_index.create_in(gen_dir, SCHEMA)
                if submit is None:
                    written = [write_part(gen_dir, part) for part in parts]
                else:
                    pending = [submit(write_part, gen_dir, part) for part in parts]
                    # A part whose worker died is written here.
                    written = [(p.result() if p else None) or write_part(gen_dir, part)
                               for p, part in zip(pending, parts)]
                # One table of contents lists every part's segment; the parts' writers
                # share this writer's temporary folder, which it removes.
                writer = Writer(ix)
                writer._close_segment()
                writer._commit_toc([segment for segment, _ in written if segment is not None])
                writer._finish()
                ix.close()
            except BaseException:
                shutil.rmtree(gen_dir, ignore_errors=True)
                raise
            self._point_to(gen_dir.name)
            self._remove_old_generations()
        return sum(count for _, count in written)

    def add_document(self, doc_id: str, rows: Iterable[dict]) -> int:
        """Replace a document's paragraphs with `rows`; returns paragraphs indexed."""
        return self.add_documents([doc_id], rows)

    def add_documents(self, doc_ids: Iterable[str], rows: Iterable[dict],
                      analysed: dict[tuple, Analysed] | None = None, wait: bool = True) -> int:
        """Replace the paragraphs of several documents in one commit; `rows` holds the
        new paragraphs of all of them, `analysed` any of their text analysed already
        (`analyse`). Returns paragraphs indexed. With wait=False, raises IndexBusy at
        once if another writer holds the index."""
        doc_ids, given = list(doc_ids), set()

        def noting(rows):
            for row in rows:
                given.add(row["doc_id"])
                yield row

        with self._writer(wait) as writer:
            for doc_id in doc_ids:
                writer.delete_by_term("doc_id", doc_id)
            count = add_rows(writer, noting(rows), analysed)
            if set(doc_ids) - given:     # a document left the index: its text goes from disk
                writer.purge_on_commit()
            return count

    @contextmanager
    def batch(self, rows_of: Callable[[list[str]], Iterable[dict]]) -> Iterator[_Batch]:
        """Replace documents one at a time, in one commit at the end that leaves the
        index as `add_documents` on all of them would: yields `replace(doc_id, analysed)`,
        which indexes `rows_of([doc_id])` at once (its text analysed already when
        `analysed` holds it), so that each document is indexed while the caller prepares
        the next. The write lock is taken at the first replacement and held until the
        end or until `replace.flush()`, which commits what is written so far."""
        batch = _Batch(self, rows_of)
        try:
            yield batch
        except BaseException:
            batch.cancel()
            raise
        batch.commit()

    def remove_document(self, doc_id: str) -> int:
        """Drop a document's paragraphs, rewriting the segments that held them so that its
        text is gone from the index's files; returns how many were dropped."""
        with self._writer() as writer:
            writer.purge_on_commit()
            return writer.delete_by_term("doc_id", doc_id)

    def update_paragraphs(self, rows: Iterable[dict], wait: bool = True) -> int:
        """Re-index individual paragraphs (after a correction); returns paragraphs written.
        With wait=False, raises IndexBusy at once if another writer holds the index."""
        count = 0
        with self._writer(wait) as writer:
            for row in rows:
                doc = document_fields(row)
                if doc is None:
                    writer.delete_by_term("paragraph_id", row["paragraph_id"])
                else:
                    # Its words count once more in the spelling vocabulary; the count
                    # only steers corrections, and is exact again at the next rebuild.
                    doc[WORDS_FIELD] = dict.fromkeys(doc["text"].written, 1)
                    writer.update_document(**doc)
                    count += 1
        return count

    def merge(self, wait: bool = True) -> int:
        """Merge the index's segments as far as the size tiers call for (writing.merge_tiers),
        beyond what one commit does; run once an ingest is done. Returns how many segments
        were merged (0: none needed). With wait=False, raises IndexBusy at once if another
        writer holds the index."""
        if self._current_generation() is None or merge_plan(self._segment_sizes()) < 2:
            return 0
        with self._write_lock(wait):
            chosen = merge_plan(self._segment_sizes())      # again, holding the lock
            if chosen >= 2:
                writer = self._open_writer()
                writer.merge_limit = None
                writer.commit()
        return chosen if chosen >= 2 else 0

    def _segment_sizes(self) -> list[int]:
        """Paragraphs in each segment of the live generation (deleted ones too), smallest first."""
        _, ix = self._open_live(self._current_generation())
        return sorted(segment.doc_count_all() for segment in ix._segments())

    def repair(self, expected: Callable[[], dict[str, int]], rows_of: Callable[[list[str]], Iterable[dict]],
               wait: bool = False) -> tuple[list[str], list[str]] | None:
        """Bring the index back in step with the store after a crash left them apart (the
        store commits each document before the index commits the batch). `expected()`
        gives each stored document's indexable paragraph count; a document the index holds
        with another count is indexed again from `rows_of`, one it holds that the store
        does not is dropped. Returns (indexed again, dropped), or None when another writer
        holds the index (unless `wait`): its work is under way, not lost, and it indexes
        what it stores."""
        if self._read_pointer() is None:
            return [], []
        with private_files(), open(self.root / LOCK_FILE, "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                return None
            try:
                held = self.paragraph_counts()
                wanted = expected()      # read holding the lock: no writer is between the two
                stale = sorted(d for d, n in wanted.items() if held.get(d, 0) != n)
                dropped = sorted(set(held) - set(wanted))
                if stale or dropped:
                    writer = self._open_writer()
                    try:
                        for doc_id in stale + dropped:
                            writer.delete_by_term("doc_id", doc_id)
                        add_rows(writer, rows_of(stale))
                        if dropped:
                            writer.purge_on_commit()
                    except BaseException:
                        writer.cancel()
                        raise
                    writer.commit()
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        return stale, dropped

    def paragraph_counts(self) -> dict[str, int]:
        """doc_id -> paragraphs the live generation holds (deleted ones not counted)."""
        generation = self._current_generation()
        if generation is None:
            return {}
        generation, ix = self._open_live(generation)
        try:
            with ix.reader() as reader:
                if "doc_id" not in reader.indexed_field_names():
                    return {}
                counts = {}
                for term in reader.lexicon("doc_id"):
                    n = sum(1 for _ in reader.postings("doc_id", term).all_ids())
                    if n:
                        counts[term.decode("utf-8")] = n
                return counts
        finally:
            ix.close()

    # -- the engine interface (kb.search.engine.SearchEngine) ----------------------------
    def index_documents(self, doc_ids: Iterable[str], rows: Iterable[dict],
                        analysed: dict[tuple, Analysed] | None = None) -> int:
        return self.add_documents(doc_ids, rows, analysed)

    def remove(self, doc_id: str) -> int:
        return self.remove_document(doc_id)

    def search(self, query: str, **filters):
        from kb.search import search     # the query layer sits above the index it reads
        return search(self, query, **filters)

    def ranked(self, query: str, **filters):
        from kb.search import ranked_ids
        return ranked_ids(self, query, **filters)

    def more_like_this(self, text: str, *, exclude_doc: str | None = None, limit: int = 5) -> list[str]:
        return reading.more_like_this(self.snapshot(), text, exclude_doc=exclude_doc, limit=limit)

    def term_stats(self, terms: Iterable[str]) -> reading.TermStats:
        return reading.term_stats(self.snapshot(), terms)

    # -- reading -------------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        """The calling thread's searcher, brought up to date with the latest commit.
        It is shared: do not close it (`close()` does, for this thread)."""
        current = getattr(self._local, "snapshot", None)
        generation = self._current_generation()
        if generation is None:
            self._create_empty()
            generation = self._current_generation()
        if current is not None and current.generation == generation and current.searcher.up_to_date():
            return current
        if current is not None:
            current.searcher.close()
        # A fresh searcher rather than Searcher.refresh(): a refreshed reader can keep a
        # reused segment's old deletions.
        generation, ix = self._open_live(generation)
        searcher = ix.searcher(weighting=WEIGHTING)
        memo, lock = self._shared_memo((generation, searcher.reader().generation()))
        fresh = Snapshot(generation, searcher, memo, lock)
        self._local.snapshot = fresh
        return fresh

    def _shared_memo(self, state: tuple) -> tuple[dict, threading.Lock]:
        with self._shared_lock:
            if state not in self._shared:
                # Only the newest states are searched: keep two, drop older ones.
                for old in list(self._shared)[:-1]:
                    del self._shared[old]
                self._shared[state] = ({}, threading.Lock())
            return self._shared[state]

    def doc_count(self) -> int:
        return self.snapshot().searcher.doc_count()

    def needs_rebuild(self) -> bool:
        """True when there is no index yet or it was built by another schema version."""
        pointer = self._read_pointer()
        return pointer is None or pointer[1] != SCHEMA_VERSION

    def close(self) -> None:
        current = getattr(self._local, "snapshot", None)
        if current is not None:
            current.searcher.close()
            self._local.snapshot = None

    # -- internals -----------------------------------------------------------------------
    @contextmanager
    def _write_lock(self, wait: bool = True) -> Iterator[None]:
        # Whatever the index writes is private: it holds the documents' text.
        with private_files(), self._locked(wait):
            yield

    @contextmanager
    def _locked(self, wait: bool = True) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / LOCK_FILE, "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                raise IndexBusy("another process is writing the search index") from None
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    @contextmanager
    def _writer(self, wait: bool = True):
        with self._write_lock(wait):
            writer = self._open_writer()
            try:
                yield writer
            except BaseException:
                writer.cancel()
                raise
            writer.commit()

    def _open_writer(self) -> Writer:
        """A writer on the live generation; call with the write lock held."""
        generation = self._current_generation()
        if generation is None:
            generation = self._create_empty_locked()
        return Writer(self._open(generation))

    def _create_empty(self) -> None:
        with self._write_lock():
            if self._current_generation() is None:
                self._create_empty_locked()

    def _create_empty_locked(self) -> str:
        gen_dir = self._new_generation_dir()
        whoosh_index.create_in(gen_dir, SCHEMA).close()
        self._point_to(gen_dir.name)
        self._remove_old_generations()
        return gen_dir.name

    def _open_live(self, generation: str):
        """(generation, its index) for the generation the pointer named a moment ago; a
        rebuild that switched since then removed it, so then the new one."""
        try:
            return generation, self._open(generation)
        except IndexUnavailable:
            newer = self._current_generation()
            if newer is None or newer == generation:
                raise
            return newer, self._open(newer)

    def _open(self, generation: str):
        try:
            # With our schema given, Whoosh does not unpickle the one it saved, whose
            # classes are named by the module that wrote it (indexes written before the
            # index moved into kb/search/ name indexer.index).
            return whoosh_index.open_dir(self.root / generation, schema=SCHEMA)
        except (OSError, whoosh_index.EmptyIndexError) as e:
            raise IndexUnavailable(
                f"The search index in {self.root} is missing or damaged ({e}); "
                "rebuild it with `kb reindex`.") from e

    def _read_pointer(self) -> tuple[str, int] | None:
        return generations.read_pointer(self.root)

    def _current_generation(self) -> str | None:
        pointer = self._read_pointer()
        if pointer is None:
            return None
        if pointer[1] != SCHEMA_VERSION:
            raise IndexUnavailable(
                f"The search index in {self.root} was built by another version of kb; "
                "rebuild it with `kb reindex`.")
        return pointer[0]

    def _new_generation_dir(self) -> Path:
        return generations.new_generation_dir(self.root)

    def _point_to(self, generation: str) -> None:
        generations.point_to(self.root, generation, SCHEMA_VERSION)

    def _remove_old_generations(self) -> None:
        generations.remove_old_generations(self.root)


class _Batch:
    """The writer behind `Index.batch`, opened with the write lock at the first
    replacement. A document replaced twice cannot be taken back out of an uncommitted
    writer, so then the batch writes all its documents afresh on commit."""

    def __init__(self, index: Index, rows_of: Callable[[list[str]], Iterable[dict]]):
        self._index, self._rows_of = index, rows_of
        self._held = ExitStack()          # the write lock, once taken
        self._writer: Writer | None = None
        self._doc_ids: dict[str, None] = {}
        self._repeated = False

    def replace(self, doc_id: str, analysed: dict[tuple, Analysed] | None = None) -> None:
        if self._writer is None:
            self._held.enter_context(self._index._write_lock())
            self._writer = self._index._open_writer()
        self._repeated = self._repeated or doc_id in self._doc_ids
        self._doc_ids[doc_id] = None
        if not self._repeated:
            self._writer.delete_by_term("doc_id", doc_id)
            add_rows(self._writer, self._rows_of([doc_id]), analysed)

    __call__ = replace

    def flush(self) -> None:
        """Commit the documents replaced so far and let the write lock go, so that other
        writers (a person's correction) need not wait while the caller prepares the next
        document; the next replacement takes the lock again. Its segment is left unmerged
        (merging small segments takes most of a commit): the batch's last commit merges."""
        self.commit(merge=False)
        self._held, self._writer, self._doc_ids, self._repeated = ExitStack(), None, {}, False

    def commit(self, merge: bool = True) -> None:
        with self._held:
            if self._writer is None:
                return
            try:
                if self._repeated:
                    self._writer.cancel()
                    self._writer = self._index._open_writer()
                    for doc_id in self._doc_ids:
                        self._writer.delete_by_term("doc_id", doc_id)
                    add_rows(self._writer, self._rows_of(list(self._doc_ids)))
                self._writer.commit(merge=merge)
            except BaseException:
                self._writer.cancel()
                raise

    def cancel(self) -> None:
        with self._held:
            if self._writer is not None:
                self._writer.cancel()

