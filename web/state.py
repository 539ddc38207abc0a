"""What the app keeps between requests: one knowledge base per worker thread (a SQLite
connection belongs to the thread that opened it), one lock that serialises writes, and a
snapshot of the evidence the browse pages read, rebuilt only when the store has changed.

Gathering evidence scans every paragraph, so the snapshot gathers each judgement once;
a page then only filters and slices lists held in memory."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

from flask import current_app

from kb import framework
from kb.evidence import CriterionEvidence, EvidenceFilter, gather, matches
from kb.home import resolve_home
from kb.kb import KnowledgeBase


@dataclass
class Snapshot:
    key: tuple
    documents: list[dict]                           # the store's order: newest first
    evidence: dict[str, list[CriterionEvidence]]    # judgement id -> gather(judgement)
    by_doc: dict[str, dict] = field(init=False)
    memo: dict = field(default_factory=dict)         # views derived from this state

    def __post_init__(self):
        self.by_doc = {d["doc_id"]: d for d in self.documents}

    @property
    def authorities(self) -> list[str]:
        return sorted({d["authority"] for d in self.documents if d.get("authority")}, key=str.lower)

    @property
    def years(self) -> list[int]:
        return sorted({int(d["date"][:4]) for d in self.documents if d.get("date")})

    def groups(self, jid: str, f: EvidenceFilter) -> list[CriterionEvidence]:
        """A judgement's evidence by criterion, keeping only the items `f` lets through."""
        return [replace(g, items=[i for i in g.items if matches(i, f)]) for g in self.evidence[jid]]

    def criterion(self, cid: str, f: EvidenceFilter) -> CriterionEvidence:
        jid = framework.criterion(cid).judgement
        for g in self.groups(jid, f):
            if g.criterion and g.criterion.id == cid:
                return g
        raise KeyError(cid)


class AppState:
    def __init__(self, home: str | Path | None):
        self.home = resolve_home(home)
        self._local = threading.local()
        self.write_lock = threading.Lock()
        self._generation = 0
        self._snapshot: Snapshot | None = None
        self._snapshot_lock = threading.Lock()

    def kb(self) -> KnowledgeBase:
        kb = getattr(self._local, "kb", None)
        if kb is None:
            kb = self._local.kb = KnowledgeBase(self.home)
        return kb

    def close(self) -> None:
        """Close the calling thread's knowledge base (SQLite lets only its own thread close
        it; other threads' close with the process)."""
        kb = getattr(self._local, "kb", None)
        if kb is not None:
            kb.close()
            self._local.kb = None

    def changed(self) -> None:
        """Called after the app itself writes, so the next page sees the change at once."""
        self._generation += 1

    def snapshot(self) -> Snapshot:
        store = self.kb().store
        key = (self._generation, _signature(store.db))
        snap = self._snapshot
        if snap is not None and snap.key == key:
            return snap
        with self._snapshot_lock:
            snap = self._snapshot
            if snap is None or snap.key != key:
                snap = self._snapshot = Snapshot(
                    key, store.documents(), {jid: gather(store, jid) for jid in framework.JUDGEMENT_IDS})
        return snap


def _signature(db) -> tuple:
    """Cheap evidence that another process (`kb ingest`, `kb tag`) changed the store."""
    return tuple(db.execute(
        "SELECT (SELECT COUNT(*) FROM documents), (SELECT MAX(ingested_at) FROM documents),"
        " (SELECT COUNT(*) FROM corrections), (SELECT MAX(at) FROM corrections),"
        " (SELECT MAX(id) FROM history)").fetchone())


def current() -> AppState:
    """The app's state, from inside a request."""
    return current_app.extensions["kb_state"]
