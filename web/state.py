"""What the app keeps between requests: one knowledge base per worker thread (a SQLite
connection belongs to the thread that opened it), one lock that serialises writes, and a
snapshot of the evidence the browse pages read.

Gathering evidence means reading every paragraph, which takes seconds on a few hundred
reports. So the snapshot reads them once and hands them to `gather` for each judgement; a
page then only filters and slices lists held in memory. The app's own writes (an upload,
a correction, a removal) patch the snapshot for what they touched; a change made from
outside (`kb ingest` while the app runs) is noticed by the store's signature and the
snapshot is rebuilt.

A snapshot holds a million or so small objects. Once built they are frozen out of the
cyclic garbage collector's sight (`gc.freeze`): otherwise every full collection walks
them all, stopping every thread for most of a second (the long tail of page times under
load). They hold no cycles, so a snapshot that is replaced is still freed when the last
page using it is done."""
from __future__ import annotations

import gc
import logging
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from flask import abort, current_app

from kb import framework
from kb.evidence import CriterionEvidence, EvidenceFilter, gather, has_stance, matches, newest_first, store_order
from kb.home import resolve_home
from kb.kb import KnowledgeBase
from kb.search import warm
from kb.search.index import Index

log = logging.getLogger(__name__)

# Views kept per snapshot that are costly to make again (filtered evidence, a document's
# rendered paragraphs, similar evidence): people come back to the same ones as they click about.
VIEWS_KEPT = 64
# Documents' rendered paragraphs, kept apart from the other views (a hundred reports would
# push each other out of those) up to this many characters in all, and carried over to the
# next snapshot for every document a change did not touch.
BODIES_KEPT_CHARS = 48_000_000


def _gather_all(rows: list[dict]) -> dict[str, list[CriterionEvidence]]:
    return {jid: gather(rows, jid) for jid in framework.JUDGEMENT_IDS}


@dataclass
class Snapshot:
    key: tuple                                      # the store's signature when it was taken
    documents: list[dict]                           # the store's order: newest first
    evidence: dict[str, list[CriterionEvidence]]    # judgement id -> gather(judgement)
    by_doc: dict[str, dict] = field(init=False)
    _views: OrderedDict = field(default_factory=OrderedDict)
    _views_lock: threading.Lock = field(default_factory=threading.Lock)
    _bodies: OrderedDict = field(default_factory=OrderedDict)     # doc id -> rendered paragraphs

    def __post_init__(self):
        self.by_doc = {d["doc_id"]: d for d in self.documents}

    @classmethod
    def read(cls, store, key: tuple) -> Snapshot:
        return cls(key, store.documents(), _gather_all(list(store.paragraphs(include_boilerplate=False))))

    def patched(self, store, key: tuple, doc_ids: set[str]) -> Snapshot:
        """This snapshot with the evidence of the given documents read again (a removed
        document's evidence goes)."""
        fresh = _gather_all([p for d in doc_ids for p in store.paragraphs(d, include_boilerplate=False)])
        evidence = {}
        for jid, groups in self.evidence.items():
            added = {(g.criterion.id if g.criterion else None): g.items for g in fresh[jid]}
            merged = []
            for g in groups:
                kept = [i for i in g.items if i["doc_id"] not in doc_ids]
                new = added.pop(g.criterion.id if g.criterion else None, [])
                if new:
                    # In the order a full read gives: store order, then newest first.
                    kept = sorted(kept + new, key=store_order)
                    kept.sort(key=newest_first, reverse=True)
                merged.append(replace(g, items=kept))
            merged += [CriterionEvidence(None, items) for items in added.values()]   # a first loose item
            evidence[jid] = [g for g in merged if g.criterion is not None or g.items]
        patched = Snapshot(key, store.documents(), evidence)
        with self._views_lock:
            patched._bodies.update((d, body) for d, body in self._bodies.items() if d not in doc_ids)
        return patched

    @property
    def authorities(self) -> list[str]:
        return sorted({d["authority"] for d in self.documents if d.get("authority")}, key=str.lower)

    def view(self, key: tuple, make):
        """`make()`, kept with the most recently used views of this state."""
        with self._views_lock:
            if key in self._views:
                self._views.move_to_end(key)
                return self._views[key]
        value = make()
        with self._views_lock:
            self._views[key] = value
            while len(self._views) > VIEWS_KEPT:
                self._views.popitem(last=False)
        return value

    def body(self, doc_id: str, make: Callable[[], str]) -> str:
        """A document's rendered paragraphs, `make()` the first time."""
        with self._views_lock:
            if doc_id in self._bodies:
                self._bodies.move_to_end(doc_id)
                return self._bodies[doc_id]
        value = make()
        with self._views_lock:
            self._bodies[doc_id] = value
            size = sum(len(b) for b in self._bodies.values())
            while size > BODIES_KEPT_CHARS and len(self._bodies) > 1:
                size -= len(self._bodies.popitem(last=False)[1])
        return value

    def groups(self, jid: str, f: EvidenceFilter) -> list[CriterionEvidence]:
        """A judgement's evidence by criterion, keeping only the items `f` lets through."""
        if f == EvidenceFilter():
            return self.evidence[jid]
        key = ("groups", jid, f.stance, f.doc_type, (f.authority or "").lower(), f.year_from, f.year_to)
        return self.view(key, lambda: self._filtered(jid, f))

    def _filtered(self, jid: str, f: EvidenceFilter) -> list[CriterionEvidence]:
        # The document filters are decided once per document, not once per item: a
        # judgement holds tens of thousands of items and a hundred or so documents.
        by_document = replace(f, stance=None)
        docs = None if by_document == EvidenceFilter() else \
            {d["doc_id"] for d in self.documents if matches(d, by_document)}
        stance = f.stance
        return [replace(g, items=[i for i in g.items if (docs is None or i["doc_id"] in docs)
                                  and (not stance or has_stance(i["stance"], stance))])
                for g in self.evidence[jid]]

    def criterion(self, cid: str, f: EvidenceFilter) -> CriterionEvidence:
        jid = framework.criterion(cid).judgement
        for g in self.groups(jid, f):
            if g.criterion and g.criterion.id == cid:
                return g
        raise KeyError(cid)


@dataclass
class Change:
    """The documents one write touched, filled in by the code that writes. A correction
    touches its paragraph's whole document: it applies to every paragraph of the same
    wording there."""
    doc_ids: set[str] = field(default_factory=set)


class AppState:
    def __init__(self, home: str | Path | None):
        self.home = resolve_home(home)
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._index = Index(self.home)
        self._snapshot: Snapshot | None = None
        self._snapshot_lock = threading.Lock()
        # `kb serve` turns this on: the search tables are then rebuilt in the background
        # after every change (warm_search).
        self.warm_after_changes = False
        # Told when opening the knowledge base rebuilds its index (kb serve prints it).
        self.notice: Callable[[str], None] | None = None
        self._warmer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="warm")
        self._warming: Future | None = None
        self._warming_lock = threading.Lock()

    def kb(self) -> KnowledgeBase:
        """The calling thread's knowledge base: its own store connection, the shared index."""
        kb = getattr(self._local, "kb", None)
        if kb is None:
            kb = self._local.kb = KnowledgeBase(self.home, self._index, notice=self.notice)
        return kb

    def close(self) -> None:
        """Close the calling thread's knowledge base (SQLite lets only its own thread close
        it; other threads' close with the process)."""
        kb = getattr(self._local, "kb", None)
        if kb is not None:
            kb.close()
            self._local.kb = None

    @contextmanager
    def writing(self):
        """Hold the write lock while the caller changes the knowledge base and records what
        it touched in the Change yielded; then patch the snapshot to match, unless the store
        changed in some other way too, when the next page rebuilds it."""
        with self._write_lock:
            store = self.kb().store
            before = _signature(store.db)
            change = Change()
            yield change
            after = _signature(store.db)
            with self._snapshot_lock:
                snap = self._snapshot
                if snap is not None and snap.key == before:
                    self._snapshot = snap.patched(store, after, change.doc_ids)
                    _freeze()
        if self.warm_after_changes:
            self.warm_search()

    def index_notice(self) -> str:
        """For the message after a change: what to expect of search when another process
        (a `kb ingest`) holds the search index, so that the change waits in the store; the
        index takes it in, in the background, as soon as it is free."""
        if not self.kb().index_behind:
            return ""
        self.tidy_index()
        return (" The search index is busy with another process (an ingest), so search and "
                "its filters show this change once that is done; the pages of the paragraph, "
                "document and judgement show it now.")

    def tidy_index(self) -> Future:
        """In the background: index the changes held in the store (see index_notice) and
        merge the index's segments as an ingest leaves them (KnowledgeBase.settle_index)."""
        return self._warmer.submit(self._tidy)

    def _tidy(self) -> None:
        try:
            self.kb().settle_index()
        except Exception:      # the next change or the next open of the knowledge base catches up
            log.exception("bringing the search index up to date")
        finally:
            self.close()

    def warm_search(self) -> Future:
        """Build the search tables of the index as it now is, in the background, so that
        the next search does not wait for them (kb.search.warm). A request made while one
        is still waiting to run shares it."""
        with self._warming_lock:
            if self._warming is None or self._warming.running() or self._warming.done():
                self._warming = self._warmer.submit(self._warm)
            return self._warming

    def _warm(self) -> None:
        try:
            warm(self.kb().index)
        except Exception:      # only a head start: a search builds the tables anyway
            log.exception("warming the search tables")
        finally:
            self.close()

    def snapshot(self) -> Snapshot:
        store = self.kb().store
        key = _signature(store.db)
        snap = self._snapshot
        if snap is not None and snap.key == key:
            return snap
        with self._snapshot_lock:
            snap = self._snapshot
            if snap is None or snap.key != key:
                changed = _changed_since(store, snap) if snap is not None else None
                if changed is None:
                    snap = Snapshot.read(store, key)
                else:
                    snap = snap.patched(store, key, changed)
                self._snapshot = snap
                _freeze()
        return snap


def _freeze() -> None:
    """Collect what garbage there is, then keep everything alive now out of later collections."""
    gc.collect()
    gc.freeze()


def _changed_since(store, snap: Snapshot) -> set[str] | None:
    """The documents changed since `snap` was taken, by this app or another process:
    added, replaced or removed (their ingested_at differs), or with corrections or tag
    history since. None when so many changed that reading everything again is quicker."""
    now = {d["doc_id"]: d["ingested_at"] for d in store.documents()}
    then = {d["doc_id"]: d["ingested_at"] for d in snap.documents}
    changed = {doc_id for doc_id in now.keys() | then.keys() if now.get(doc_id) != then.get(doc_id)}
    _, _, _, corrected_at, history_id, _ = snap.key
    changed.update(r[0] for r in store.db.execute(
        "SELECT DISTINCT doc_id FROM history WHERE id > ?", (history_id or 0,)))
    changed.update(r[0] for r in store.db.execute(
        "SELECT DISTINCT doc_id FROM corrections WHERE at >= ?", (corrected_at or "",)))
    return changed if len(changed) <= len(now) // 2 else None


def _signature(db) -> tuple:
    """Cheap evidence that the store changed: documents added, replaced or removed,
    corrections made, by this app or by another process (`kb ingest`, `kb tag`)."""
    return tuple(db.execute(
        "SELECT (SELECT COUNT(*) FROM documents), (SELECT MAX(ingested_at) FROM documents),"
        " (SELECT COUNT(*) FROM corrections), (SELECT MAX(at) FROM corrections),"
        " (SELECT MAX(id) FROM history), (SELECT group_concat(doc_id) FROM documents"
        "  WHERE ingested_at = (SELECT MAX(ingested_at) FROM documents))").fetchone())


def current() -> AppState:
    """The app's state, from inside a request."""
    return current_app.extensions["kb_state"]


def or_404(found):
    """A document or paragraph looked up from the URL, or the "not found" page."""
    if found is None:
        abort(404)
    return found
