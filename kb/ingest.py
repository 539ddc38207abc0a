"""One file to one prepared document: read, segment, describe, tag, and analyse its text
for the index. Nothing is written here; the knowledge base stores a prepared document in
one transaction, so a file that fails leaves nothing half-written. A batch of files can
be prepared in worker processes (`Workers`) while the caller stores and indexes the ones
before."""
from __future__ import annotations

import os
import signal
import sys
import threading
from dataclasses import dataclass, fields
from pathlib import Path

from indexer.metadata import DocMeta, describe
from indexer.model import Paragraph, RawDocument, ReadError
from indexer.readers import read_bytes
from indexer.segment import segment
from kb.search.analysis import Analysed, analyse
from kb.search.schema import indexable
from kb.tagging import Tags, tag
from kb.tagging.stance_model import load_model

# Workers run at a lower priority than the process they prepare documents for, and
# are given this many files each beyond the one it is storing.
WORKER_NICENESS = 10
READ_AHEAD_PER_WORKER = 2


@dataclass
class Prepared:
    source: str
    path: str | None
    raw: RawDocument
    meta: DocMeta
    paragraphs: list[Paragraph]
    tags: list[dict]
    analysed: dict[tuple, Analysed]      # the index's analysis of the paragraphs' text


def prepare(data: bytes, source: str, path: str | None = None, stance_model: str | None = None) -> Prepared:
    """Read, segment, describe and tag one file (`stance_model`: the path of a knowledge
    base's own stance model, else the shipped one is used). Raises ReadError naming the
    file, also for a reader's unexpected failure on a malformed file, so that it fails
    that file and not the batch."""
    try:
        raw = read_bytes(data, source)
        paragraphs = segment(raw)
        if not any(not p.boilerplate for p in paragraphs):
            raise ReadError(f"{source} holds no text that could be evidence")
        meta = describe(raw, paragraphs, source)
        model = load_model(Path(stance_model)) if stance_model else None
        tags = [tag_dict(tag(p.text, section=p.section, doc_type=meta.doc_type, kind=p.kind, stance_model=model))
                for p in paragraphs]
        analysed = analyse_paragraphs(paragraphs, meta.title)
    except ReadError:
        raise
    except Exception as e:
        raise ReadError(f"{source} could not be read: {type(e).__name__}: {e}") from None
    return Prepared(source, path, raw, meta, paragraphs, tags, analysed)


def analyse_paragraphs(paragraphs: list[Paragraph], title: str) -> dict[tuple, Analysed]:
    """The index's analysis of each paragraph it will hold, done here so that a worker
    does it while the indexing process writes the documents before."""
    out: dict[tuple, Analysed] = {}
    for p in paragraphs:
        if indexable(p.text, p.boilerplate):
            done = analyse(p.text, p.section, title)
            out[done.key] = done
    return out


def tag_dict(t: Tags) -> dict:
    # Shallow: the Tags object is thrown away, so its lists and dicts need no copying
    # (dataclasses.asdict deep-copies them, a tenth of the cost of tagging).
    return {f.name: getattr(t, f.name) for f in fields(t)}


class Workers:
    """Worker processes that prepare documents while the caller stores earlier ones (or
    write the parts of a rebuilt index): one per CPU for a batch of several documents.
    They are forked, so they start with this process's modules loaded; that is safe on
    Linux in a process that runs no other thread. Elsewhere, and for a single document,
    there are none, and the caller does the work itself."""

    def __init__(self, documents: int):
        count = 1
        if sys.platform.startswith("linux") and threading.active_count() == 1:
            count = min(documents, len(os.sched_getaffinity(0)))
        self._pool = None
        self.count = count if count > 1 else 0
        # How many documents beyond the one in hand should be in the workers' hands.
        self.ahead = READ_AHEAD_PER_WORKER * self.count
        if self.ahead:
            # Imported here: a single file, or an upload in the web app, has no use for them.
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor
            self._pool = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork"),
                                             initializer=_start_worker, initargs=(os.getpid(),))

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def start(self, data: bytes, source: str, path: str | None, stance_model: str | None = None) -> Pending | None:
        """Hand a document to a worker to prepare; None when there are no workers."""
        return self.submit(prepare, data, source, path, stance_model)

    def submit(self, fn, *args) -> Pending | None:
        """Hand `fn(*args)` to a worker; None when there are no workers."""
        if self._pool is None:
            return None
        from concurrent.futures.process import BrokenProcessPool
        try:
            return Pending(self._pool.submit(fn, *args))
        except BrokenProcessPool:
            return None


def _start_worker(parent: int) -> None:
    # A worker dies with its parent, also when the parent is killed outright (kill -9),
    # instead of waiting for more work that never comes.
    _die_with_parent()
    if os.getppid() != parent:   # the parent died before the line above took effect
        os._exit(1)
    # Ctrl+C reaches every process of the terminal's group: the parent stops the batch,
    # and a worker finishes the document in hand instead of printing a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The parent, storing and indexing, is the bottleneck of a long batch: it comes first.
    os.nice(WORKER_NICENESS)


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (prctl PR_SET_PDEATHSIG)."""
    import ctypes
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass   # no prctl: the check of the parent's pid in _start_worker still applies


_PR_SET_PDEATHSIG = 1


class Pending:
    """Work in a worker's hands."""

    def __init__(self, future):
        self._future = future

    def done(self) -> bool:
        """Whether the result is in, so that `result` will not wait."""
        return self._future.done()

    def result(self):
        """The worker's result (a Prepared document: raises ReadError), or None if the
        worker died (a reader crashed the interpreter): then the caller does the work."""
        from concurrent.futures.process import BrokenProcessPool
        try:
            return self._future.result()
        except BrokenProcessPool:
            return None
