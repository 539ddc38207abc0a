"""The knowledge base's system of record: one SQLite database holding documents, their
paragraphs, each paragraph's tags, people's corrections and the history of every change.
The Whoosh index is derived from it and can always be rebuilt (`kb reindex`).

People's corrections live apart from the automatic tags, keyed by the document and a
fingerprint of the paragraph's text, so they are re-applied when a document is ingested
again or the index is rebuilt. Each also names the bytes of the document it was made on,
so the same file added again under another name gets its corrections and history back."""
from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

from kb.home import make_private_file

SCHEMA_VERSION = 6

# Each entry moves the schema from version i to i+1; never edit one that has shipped.
_MIGRATIONS = [
    """
    CREATE TABLE documents (
        doc_id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        source TEXT NOT NULL,          -- file name as the user knows it
        path TEXT,                     -- where it was ingested from
        content_hash TEXT NOT NULL UNIQUE,
        format TEXT NOT NULL,
        doc_type TEXT NOT NULL,
        authority TEXT,
        date TEXT,                     -- ISO date, or NULL
        period TEXT,                   -- "2023-24" and the like, or NULL
        pages INTEGER,
        grades TEXT NOT NULL DEFAULT '{}',
        meta TEXT NOT NULL DEFAULT '{}',
        ingested_at TEXT NOT NULL
    );
    CREATE TABLE paragraphs (
        paragraph_id TEXT PRIMARY KEY,
        doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        page INTEGER,
        number INTEGER,
        section TEXT NOT NULL DEFAULT '[]',
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        rows TEXT,
        boilerplate INTEGER NOT NULL DEFAULT 0,
        fingerprint TEXT NOT NULL,
        UNIQUE (doc_id, seq)
    );
    CREATE INDEX paragraphs_doc ON paragraphs(doc_id, seq);
    CREATE TABLE tags (
        paragraph_id TEXT PRIMARY KEY REFERENCES paragraphs(paragraph_id) ON DELETE CASCADE,
        judgement TEXT,
        judgements TEXT NOT NULL DEFAULT '{}',
        criteria TEXT NOT NULL DEFAULT '{}',
        stance TEXT,
        sentences TEXT NOT NULL DEFAULT '[]',
        confidence REAL,
        explanation TEXT NOT NULL DEFAULT '[]',
        source TEXT NOT NULL DEFAULT 'auto'   -- 'auto', or 'person' where a correction applies
    );
    CREATE INDEX tags_judgement ON tags(judgement);
    -- A person's correction outlives the paragraph row: it is matched again by fingerprint.
    CREATE TABLE corrections (
        doc_id TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        judgement TEXT,
        criteria TEXT,                 -- JSON list, or NULL for "not corrected"
        stance TEXT,
        who TEXT NOT NULL,
        at TEXT NOT NULL,
        note TEXT,
        PRIMARY KEY (doc_id, fingerprint)
    );
    CREATE TABLE history (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        paragraph_id TEXT NOT NULL,
        doc_id TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        at TEXT NOT NULL,
        who TEXT NOT NULL,
        source TEXT NOT NULL,          -- 'auto' or 'person'
        field TEXT NOT NULL,
        old TEXT,
        new TEXT
    );
    CREATE INDEX history_fp ON history(doc_id, fingerprint);
    """,
    # 2: people's corrections of a document's details, their history, and copies.
    """
    -- The doc_id of the document this one is a copy of (the same text in another format,
    -- or re-issued): a copy stays in the store but is left out of lists, search and exports.
    ALTER TABLE documents ADD COLUMN duplicate_of TEXT;
    CREATE INDEX paragraphs_fingerprint ON paragraphs(fingerprint);
    -- A correction is found again by the document's bytes (removed, then added again) or,
    -- when a document is replaced in place, by its doc_id.
    CREATE TABLE document_corrections (
        doc_id TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        field TEXT NOT NULL,           -- authority, doc_type, date or title
        value TEXT NOT NULL,
        who TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (doc_id, field)
    );
    CREATE INDEX document_corrections_hash ON document_corrections(content_hash);
    CREATE TABLE document_history (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        doc_id TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        at TEXT NOT NULL,
        who TEXT NOT NULL,
        field TEXT NOT NULL,
        old TEXT,
        new TEXT
    );
    CREATE INDEX document_history_doc ON document_history(doc_id);
    """,
    """
    -- Local accounts (kb/accounts.py); sessions counts resets and disables, which end sign-ins.
    CREATE TABLE accounts (
        name TEXT PRIMARY KEY COLLATE NOCASE,
        role TEXT NOT NULL CHECK (role IN ('reader', 'editor', 'admin')),
        password_hash TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0,
        sessions INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        changed_at TEXT NOT NULL
    );
    -- The audit log (kb/audit.py): append-only, enforced here.
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        who TEXT NOT NULL,
        action TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '',
        address TEXT
    );
    CREATE INDEX audit_at ON audit(at);
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    """,
    # 4: the knowledge base's settings (kb/our_authority.py: whose knowledge base it is).
    """
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,           -- JSON
        who TEXT NOT NULL,
        at TEXT NOT NULL
    );
    """,
    # 5: tag corrections and history follow a document's bytes, as its details do: the same
    # file removed and added again under another name gets them back.
    """
    ALTER TABLE corrections ADD COLUMN content_hash TEXT;
    ALTER TABLE history ADD COLUMN content_hash TEXT;
    UPDATE corrections SET content_hash = (SELECT d.content_hash FROM documents d WHERE d.doc_id = corrections.doc_id);
    UPDATE history SET content_hash = (SELECT d.content_hash FROM documents d WHERE d.doc_id = history.doc_id);
    CREATE INDEX corrections_hash ON corrections(content_hash);
    CREATE INDEX history_hash ON history(content_hash);
    """,
    # 6: corrections stored while another process held the search index (an ingest), for
    # whoever writes the index next to bring it up to date (kb.kb.KnowledgeBase.catch_up).
    """
    CREATE TABLE index_pending (
        id INTEGER PRIMARY KEY AUTOINCREMENT,    -- held again: a new, higher id
        paragraph_id TEXT NOT NULL UNIQUE,
        at TEXT NOT NULL
    );
    """,
]

_TAG_FIELDS = ("judgement", "criteria", "stance")
_DETAIL_FIELDS = ("authority", "doc_type", "date", "title")   # kb.doc_details checks the values


def now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def fingerprint(text: str) -> str:
    """Identity of a paragraph's wording, blind to spacing, case and punctuation."""
    norm = re.sub(r"[^a-z0-9]+", "", text.lower())
    return hashlib.sha1(norm.encode()).hexdigest()[:16]


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Correction:
    judgement: str | None = None
    criteria: list[str] | None = None
    stance: str | None = None
    note: str | None = None


class Store:
    def __init__(self, path: Path):
        self.path = Path(path)
        make_private_file(self.path)   # SQLite gives its -wal and -shm files the same mode
        self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA foreign_keys = ON")
        # Deleted rows are overwritten with zeros, so a removed document's text leaves the
        # file, whatever this build of SQLite defaults to.
        self.db.execute("PRAGMA secure_delete = ON")
        self._use_wal()   # readers go on while one writer ingests
        self.db.execute("PRAGMA synchronous = NORMAL")
        self._migrate()

    def close(self) -> None:
        self.db.close()

    # -- schema ---------------------------------------------------------------------
    def _use_wal(self) -> None:
        """Switch to write-ahead logging. Switching takes a lock that SQLite does not wait
        for, so a process that meets another one switching a new file waits here instead."""
        waited = 0.0
        while self.db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            try:
                self.db.execute("PRAGMA journal_mode = WAL")
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) or waited >= 30:
                    raise
                time.sleep(0.05)
                waited += 0.05

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise RuntimeError(f"{self.path} was written by a newer version of kb (schema {version})")
        if version == SCHEMA_VERSION:
            return
        # Another process may be migrating the same file (two first opens of a new home):
        # the version read before the write lock is only a hint; the one read holding it decides.
        with self.transaction():
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            for i in range(version, SCHEMA_VERSION):
                for statement in _split_sql(_MIGRATIONS[i]):
                    self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {i + 1}")

    @contextmanager
    def transaction(self):
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")

    # -- documents ------------------------------------------------------------------
    def document_by_hash(self, digest: str) -> dict | None:
        row = self.db.execute("SELECT * FROM documents WHERE content_hash = ?", (digest,)).fetchone()
        return _doc(row) if row else None

    def document_by_path(self, path: str) -> dict | None:
        row = self.db.execute("SELECT * FROM documents WHERE path = ? ORDER BY ingested_at DESC",
                              (path,)).fetchone()
        return _doc(row) if row else None

    def document(self, doc_id: str) -> dict | None:
        row = self.db.execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return _doc(row) if row else None

    def documents(self) -> list[dict]:
        rows = self.db.execute(
            "SELECT d.*, (SELECT COUNT(*) FROM paragraphs p WHERE p.doc_id = d.doc_id AND NOT p.boilerplate)"
            " AS paragraphs FROM documents d ORDER BY COALESCE(d.date, '') DESC, d.title").fetchall()
        return [_doc(r) for r in rows]

    def new_doc_id(self, stem: str) -> str:
        base = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:60] or "document"
        candidate, n = base, 1
        while self.db.execute("SELECT 1 FROM documents WHERE doc_id = ?", (candidate,)).fetchone():
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    def save_document(self, doc: dict, paragraphs: list, tags: list) -> None:
        """Write a document with its paragraphs and automatic tags in one transaction,
        replacing any earlier version with the same doc_id, and re-apply corrections."""
        with self.transaction() as db:
            # The tagger's earlier verdicts, so a change in them on re-ingest is on record.
            before = {r["fingerprint"]: r for r in db.execute(
                "SELECT p.fingerprint, t.judgement, t.criteria, t.stance FROM paragraphs p"
                " JOIN tags t ON t.paragraph_id = p.paragraph_id WHERE p.doc_id = ? AND t.source = 'auto'",
                (doc["doc_id"],))}
            replacing = db.execute("SELECT 1 FROM documents WHERE doc_id = ?", (doc["doc_id"],)).fetchone()
            db.execute("DELETE FROM documents WHERE doc_id = ?", (doc["doc_id"],))
            db.execute(
                "INSERT INTO documents (doc_id, title, source, path, content_hash, format, doc_type,"
                " authority, date, period, pages, grades, meta, ingested_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (doc["doc_id"], doc["title"], doc["source"], doc.get("path"), doc["content_hash"],
                 doc["format"], doc["doc_type"], doc.get("authority"), doc.get("date"), doc.get("period"),
                 doc.get("pages"), json.dumps(doc.get("grades") or {}), json.dumps(doc.get("meta") or {}),
                 now()))
            for p, t in zip(paragraphs, tags):
                pid = f'{doc["doc_id"]}:{p.seq}'
                fp = fingerprint(p.text)
                db.execute(
                    "INSERT INTO paragraphs (paragraph_id, doc_id, seq, page, number, section, kind, text,"
                    " rows, boilerplate, fingerprint) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (pid, doc["doc_id"], p.seq, p.page, p.number, json.dumps(p.section), p.kind, p.text,
                     json.dumps(p.rows) if p.rows else None, int(p.boilerplate), fp))
                db.execute(
                    "INSERT INTO tags (paragraph_id, judgement, judgements, criteria, stance, sentences,"
                    " confidence, explanation, source) VALUES (?,?,?,?,?,?,?,?, 'auto')",
                    (pid, t["judgement"], json.dumps(t["judgements"]), json.dumps(t["criteria"]),
                     t["stance"], json.dumps(t["sentences"]), t["confidence"], json.dumps(t["explanation"])))
                if fp in before:
                    self._log_tagger_change(pid, doc["doc_id"], fp, before[fp], t)
            self._adopt_corrections(doc["doc_id"], doc["content_hash"], bool(replacing))
            self._apply_corrections(doc["doc_id"])
            self._apply_document_corrections(doc["doc_id"], doc["content_hash"], bool(replacing))

    def retag_document(self, doc_id: str, tags: list[tuple[str, dict]]) -> int:
        """Replace a document's automatic tags ((paragraph_id, tags) pairs) in one
        transaction, record each change the tagger made in the paragraph's history, and
        re-apply people's corrections; returns how many paragraphs' tags changed."""
        changed = 0
        with self.transaction() as db:
            before = {r["paragraph_id"]: r for r in db.execute(
                "SELECT p.paragraph_id, p.fingerprint, t.judgement, t.criteria, t.stance, t.source"
                " FROM paragraphs p JOIN tags t ON t.paragraph_id = p.paragraph_id WHERE p.doc_id = ?", (doc_id,))}
            corrected = {r[0] for r in db.execute("SELECT fingerprint FROM corrections WHERE doc_id = ?", (doc_id,))}
            for pid, t in tags:
                old = before.get(pid)
                if old is None:
                    continue
                db.execute(
                    "UPDATE tags SET judgement = ?, judgements = ?, criteria = ?, stance = ?, sentences = ?,"
                    " confidence = ?, explanation = ?, source = 'auto' WHERE paragraph_id = ?",
                    (t["judgement"], json.dumps(t["judgements"]), json.dumps(t["criteria"]), t["stance"],
                     json.dumps(t["sentences"]), t["confidence"], json.dumps(t["explanation"]), pid))
                # A corrected paragraph's stored tags are the person's: the tagger's own
                # earlier verdict is not known, so only uncorrected changes are logged.
                if old["fingerprint"] not in corrected and self._log_tagger_change(
                        pid, doc_id, old["fingerprint"], old, t):
                    changed += 1
            self._apply_corrections(doc_id)
        return changed

    def _adopt_corrections(self, doc_id: str, digest: str, replacing: bool) -> None:
        """Hold under this doc_id the tag corrections and history made on the same bytes
        under another (a document removed, then added again by another name); a
        correction of the same paragraph held under this doc_id gives way to them. When
        the document replaces one of the same doc_id (a new version at the same path),
        that one's corrections and history now name these bytes. The caller holds the
        transaction."""
        self.db.execute("UPDATE OR REPLACE corrections SET doc_id = ? WHERE content_hash = ? AND doc_id != ?",
                        (doc_id, digest, doc_id))
        # A history line's paragraph_id is "doc_id:seq"; SET reads the row's old doc_id.
        self.db.execute("UPDATE history SET paragraph_id = ? || substr(paragraph_id, length(doc_id) + 1),"
                        " doc_id = ? WHERE content_hash = ? AND doc_id != ?", (doc_id, doc_id, digest, doc_id))
        if replacing:
            for table in ("corrections", "history"):
                self.db.execute(f"UPDATE {table} SET content_hash = ? WHERE doc_id = ?", (digest, doc_id))

    def _log_tagger_change(self, pid: str, doc_id: str, fp: str, old: sqlite3.Row, new: dict) -> bool:
        was = {"judgement": old["judgement"], "criteria": list(json.loads(old["criteria"] or "{}")),
               "stance": old["stance"]}
        now_ = {"judgement": new["judgement"], "criteria": list(new["criteria"]), "stance": new["stance"]}
        at = now()
        changed = False
        for field in _TAG_FIELDS:
            if was[field] != now_[field]:
                self._record(pid, doc_id, fp, at, "tagger", "auto", field, was[field], now_[field])
                changed = True
        return changed

    def _record(self, pid: str, doc_id: str, fp: str, at: str, who: str, source: str, field: str,
                old, new) -> None:
        """One line of a paragraph's history; the caller holds the transaction."""
        self.db.execute(
            "INSERT INTO history (paragraph_id, doc_id, fingerprint, at, who, source, field, old, new, content_hash)"
            " VALUES (?,?,?,?,?,?,?,?,?, (SELECT content_hash FROM documents WHERE doc_id = ?))",
            (pid, doc_id, fp, at, who, source, field, json.dumps(old), json.dumps(new), doc_id))

    def remove_document(self, doc_id: str) -> bool:
        """Remove a document and its paragraphs; its corrections and history stay, so that
        ingesting it again, under any name, brings the corrections back."""
        with self.transaction() as db:
            removed = db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,)).rowcount > 0
        if removed:
            # The write-ahead log still holds the pages as they were; fold it into the
            # database and empty it. A reader still reading the old state keeps the log
            # busy, and the next checkpoint after it finishes empties it instead.
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return removed

    # -- paragraphs -----------------------------------------------------------------
    _PARA_SQL = (
        "SELECT p.*, t.judgement, t.judgements, t.criteria, t.stance, t.sentences, t.confidence,"
        " t.explanation, t.source AS tag_source, d.title, d.doc_type, d.authority, d.date, d.source,"
        " d.period, d.duplicate_of FROM paragraphs p JOIN documents d ON d.doc_id = p.doc_id"
        " LEFT JOIN tags t ON t.paragraph_id = p.paragraph_id")

    def paragraphs(self, doc_id: str | None = None, include_boilerplate: bool = True,
                   copies: bool = True) -> Iterator[dict]:
        """`copies`: whether paragraphs of documents that are copies of another are read."""
        sql, args = self._PARA_SQL, []
        where = []
        if doc_id is not None:
            where.append("p.doc_id = ?")
            args.append(doc_id)
        if not include_boilerplate:
            where.append("NOT p.boilerplate")
        if not copies:
            where.append("d.duplicate_of IS NULL")
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY d.doc_id, p.seq"
        for row in self.db.execute(sql, args):
            yield _para(row)

    def paragraph(self, paragraph_id: str) -> dict | None:
        row = self.db.execute(self._PARA_SQL + " WHERE p.paragraph_id = ?", (paragraph_id,)).fetchone()
        return _para(row) if row else None

    def paragraphs_by_id(self, ids: list[str]) -> dict[str, dict]:
        out = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            sql = self._PARA_SQL + f" WHERE p.paragraph_id IN ({','.join('?' * len(chunk))})"
            out.update((r["paragraph_id"], _para(r)) for r in self.db.execute(sql, chunk))
        return out

    # -- paragraphs the search index has yet to take in ------------------------------
    def hold_for_index(self, paragraph_ids: Iterable[str]) -> None:
        with self.transaction():
            self.db.executemany("INSERT OR REPLACE INTO index_pending (paragraph_id, at) VALUES (?, ?)",
                                [(pid, now()) for pid in paragraph_ids])

    def held_for_index(self) -> tuple[int, list[str]]:
        """(the latest hold's id, the paragraphs held), for release_for_index."""
        rows = self.db.execute("SELECT id, paragraph_id FROM index_pending ORDER BY id").fetchall()
        return (rows[-1][0] if rows else 0), [r[1] for r in rows]

    def release_for_index(self, upto: int, paragraph_ids: list[str]) -> None:
        """Forget these paragraphs as pending, unless held again after hold `upto`."""
        with self.transaction():
            self.db.executemany("DELETE FROM index_pending WHERE paragraph_id = ? AND id <= ?",
                                [(pid, upto) for pid in paragraph_ids])

    # -- corrections ----------------------------------------------------------------
    def correct(self, paragraph_id: str, correction: Correction, who: str) -> dict:
        """Record a person's correction of a paragraph's tags; returns the paragraph as now tagged."""
        para = self.paragraph(paragraph_id)
        if para is None:
            raise KeyError(paragraph_id)
        at = now()
        with self.transaction() as db:
            row = db.execute("SELECT * FROM corrections WHERE doc_id = ? AND fingerprint = ?",
                             (para["doc_id"], para["fingerprint"])).fetchone()
            merged = {
                "judgement": correction.judgement if correction.judgement is not None else (row["judgement"] if row else None),
                "criteria": json.dumps(correction.criteria) if correction.criteria is not None else (row["criteria"] if row else None),
                "stance": correction.stance if correction.stance is not None else (row["stance"] if row else None),
            }
            db.execute(
                "INSERT OR REPLACE INTO corrections (doc_id, fingerprint, judgement, criteria, stance, who, at, note,"
                " content_hash) VALUES (?,?,?,?,?,?,?,?, (SELECT content_hash FROM documents WHERE doc_id = ?))",
                (para["doc_id"], para["fingerprint"], merged["judgement"], merged["criteria"], merged["stance"],
                 who, at, correction.note, para["doc_id"]))
            new_values = {"judgement": correction.judgement, "criteria": correction.criteria,
                          "stance": correction.stance}
            changes = []
            for field in _TAG_FIELDS:
                new = new_values[field]
                old = list(para[field]) if field == "criteria" else para[field]
                if new is not None and old != new:
                    changes.append((field, old, new))
            # Accepting the tags as they stand is a decision too: it goes on record.
            for field, old, new in changes or [("confirmed", None, {f: new_values[f] for f in _TAG_FIELDS})]:
                self._record(paragraph_id, para["doc_id"], para["fingerprint"], at, who, "person", field, old, new)
            self._apply_corrections(para["doc_id"], para["fingerprint"])
        return self.paragraph(paragraph_id)

    def _apply_corrections(self, doc_id: str, fp: str | None = None) -> None:
        sql = "SELECT * FROM corrections WHERE doc_id = ?"
        args: list = [doc_id]
        if fp:
            sql += " AND fingerprint = ?"
            args.append(fp)
        for c in self.db.execute(sql, args).fetchall():
            sets, vals = ["source = 'person'"], []
            if c["judgement"]:
                sets.append("judgement = ?")
                vals.append(c["judgement"])
            if c["criteria"] is not None:
                sets.append("criteria = ?")
                vals.append(json.dumps({cid: 1.0 for cid in json.loads(c["criteria"])}))
            if c["stance"]:
                sets.append("stance = ?")
                vals.append(c["stance"])
            self.db.execute(
                f"UPDATE tags SET {', '.join(sets)} WHERE paragraph_id IN"
                " (SELECT paragraph_id FROM paragraphs WHERE doc_id = ? AND fingerprint = ?)",
                (*vals, doc_id, c["fingerprint"]))

    def corrected_stances(self) -> dict[tuple[str, str], str]:
        """(doc_id, fingerprint) -> the stance a person gave, for every stance correction."""
        return {(r[0], r[1]): r[2] for r in self.db.execute(
            "SELECT doc_id, fingerprint, stance FROM corrections WHERE stance IS NOT NULL")}

    def _identity(self, paragraph_id: str) -> tuple[str, str] | None:
        """(doc_id, fingerprint) of a stored paragraph, the key its corrections and history use."""
        row = self.db.execute("SELECT doc_id, fingerprint FROM paragraphs WHERE paragraph_id = ?",
                              (paragraph_id,)).fetchone()
        return (row["doc_id"], row["fingerprint"]) if row else None

    def correction(self, paragraph_id: str) -> dict | None:
        key = self._identity(paragraph_id)
        if key is None:
            return None
        row = self.db.execute("SELECT * FROM corrections WHERE doc_id = ? AND fingerprint = ?", key).fetchone()
        return dict(row) if row else None

    def history(self, paragraph_id: str) -> list[dict]:
        key = self._identity(paragraph_id)
        if key is None:
            raise KeyError(paragraph_id)
        rows = self.db.execute(
            "SELECT at, who, source, field, old, new FROM history WHERE doc_id = ? AND fingerprint = ?"
            " ORDER BY id", key).fetchall()
        return [{"at": r["at"], "who": r["who"], "source": r["source"], "field": r["field"],
                 "old": json.loads(r["old"]) if r["old"] else None,
                 "new": json.loads(r["new"]) if r["new"] else None} for r in rows]

    # -- document details -------------------------------------------------------------
    def correct_document(self, doc_id: str, changes: dict[str, str], who: str) -> list[tuple[str, object, str]]:
        """Record a person's values for a document's details (field -> checked value, see
        kb.doc_details); returns the (field, old, new) that changed. They win over what
        was read from the file, on re-ingest too."""
        doc = self.document(doc_id)
        if doc is None:
            raise KeyError(doc_id)
        at = now()
        done = []
        with self.transaction() as db:
            for field, value in changes.items():
                if field not in _DETAIL_FIELDS:
                    raise ValueError(field)
                db.execute("INSERT OR REPLACE INTO document_corrections (doc_id, content_hash, field, value, who, at)"
                           " VALUES (?,?,?,?,?,?)", (doc_id, doc["content_hash"], field, value, who, at))
                if doc[field] != value:
                    db.execute("INSERT INTO document_history (doc_id, content_hash, at, who, field, old, new)"
                               " VALUES (?,?,?,?,?,?,?)", (doc_id, doc["content_hash"], at, who, field,
                                                           doc[field], value))
                    done.append((field, doc[field], value))
            self._apply_document_corrections(doc_id, doc["content_hash"], True)
        return done

    def _apply_document_corrections(self, doc_id: str, digest: str, replacing: bool) -> None:
        """Give a just-stored document the details people set: those set on the same
        bytes, and, when it replaces a document of the same doc_id, those set on that.
        They are then held under this doc_id and these bytes. The caller holds the transaction."""
        sql = "SELECT * FROM document_corrections WHERE content_hash = ?"
        args = [digest]
        if replacing:
            sql += " OR doc_id = ?"
            args.append(doc_id)
        latest: dict[str, sqlite3.Row] = {}
        for row in self.db.execute(sql + " ORDER BY at", args).fetchall():
            latest[row["field"]] = row
        if not latest:
            return
        self.db.execute(sql.replace("SELECT *", "DELETE"), args)
        for field, row in latest.items():
            if field not in _DETAIL_FIELDS:
                continue
            self.db.execute("INSERT OR REPLACE INTO document_corrections (doc_id, content_hash, field, value, who, at)"
                            " VALUES (?,?,?,?,?,?)", (doc_id, digest, field, row["value"], row["who"], row["at"]))
            self.db.execute(f"UPDATE documents SET {field} = ? WHERE doc_id = ?", (row["value"], doc_id))
        self.db.execute("UPDATE document_history SET doc_id = ?, content_hash = ? WHERE content_hash = ?"
                        + (" OR doc_id = ?" if replacing else ""), (doc_id, digest, *args))

    def document_corrections(self, doc_id: str) -> dict[str, dict]:
        """field -> {"value", "who", "at"} for each detail of the document a person set."""
        return {r["field"]: {"value": r["value"], "who": r["who"], "at": r["at"]} for r in self.db.execute(
            "SELECT field, value, who, at FROM document_corrections WHERE doc_id = ?", (doc_id,))}

    def document_history(self, doc_id: str) -> list[dict]:
        return [dict(r) for r in self.db.execute(
            "SELECT at, who, field, old, new FROM document_history WHERE doc_id = ? ORDER BY id", (doc_id,))]

    # -- copies -----------------------------------------------------------------------
    def sharing_paragraphs(self, doc_id: str, limit: int = 3) -> list[tuple[str, int]]:
        """(doc_id, paragraphs of the same wording) of the documents that are not copies
        and share most paragraphs with this one, most first."""
        return [(r[0], r[1]) for r in self.db.execute(
            "SELECT o.doc_id, COUNT(DISTINCT o.fingerprint) AS shared FROM paragraphs p"
            " JOIN paragraphs o ON o.fingerprint = p.fingerprint AND o.doc_id != p.doc_id"
            " JOIN documents d ON d.doc_id = o.doc_id"
            " WHERE p.doc_id = ? AND NOT p.boilerplate AND NOT o.boilerplate AND d.duplicate_of IS NULL"
            " GROUP BY o.doc_id ORDER BY shared DESC, o.doc_id LIMIT ?", (doc_id, limit))]

    def set_copy(self, doc_id: str, original: str | None) -> None:
        """Mark a document a copy of `original` (None: no copy); its own copies follow it."""
        with self.transaction() as db:
            db.execute("UPDATE documents SET duplicate_of = ? WHERE doc_id = ?", (original, doc_id))
            if original:
                db.execute("UPDATE documents SET duplicate_of = ? WHERE duplicate_of = ?", (original, doc_id))

    def copies_of(self, doc_id: str) -> list[str]:
        return [r[0] for r in self.db.execute(
            "SELECT doc_id FROM documents WHERE duplicate_of = ? ORDER BY ingested_at, doc_id", (doc_id,))]

    def release_copies(self, doc_id: str) -> str | None:
        """When a document has gone, its earliest copy stands in for it (the others become
        copies of that one); returns the copy that now stands, if any."""
        copies = self.copies_of(doc_id)
        if not copies:
            return None
        with self.transaction() as db:
            db.execute("UPDATE documents SET duplicate_of = NULL WHERE doc_id = ?", (copies[0],))
            db.execute("UPDATE documents SET duplicate_of = ? WHERE duplicate_of = ?", (copies[0], doc_id))
        return copies[0]

    # -- settings -------------------------------------------------------------------
    def setting(self, key: str) -> dict | None:
        """{"value", "who", "at"} of a setting, or None when it was never set."""
        row = self.db.execute("SELECT value, who, at FROM settings WHERE key = ?", (key,)).fetchone()
        return {"value": json.loads(row["value"]), "who": row["who"], "at": row["at"]} if row else None

    def set_setting(self, key: str, value, who: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT INTO settings (key, value, who, at) VALUES (?,?,?,?) ON CONFLICT(key) DO UPDATE"
                       " SET value = excluded.value, who = excluded.who, at = excluded.at",
                       (key, json.dumps(value), who, now()))

    # -- aggregates -----------------------------------------------------------------
    def paragraph_counts(self) -> list[tuple[str, int]]:
        """(doc_id, indexable paragraphs) of every document that is not a copy, in doc_id order."""
        return [(r[0], r[1]) for r in self.db.execute(
            "SELECT d.doc_id, COUNT(p.paragraph_id) FROM documents d LEFT JOIN paragraphs p "
            "ON p.doc_id = d.doc_id AND NOT p.boilerplate WHERE d.duplicate_of IS NULL"
            " GROUP BY d.doc_id ORDER BY d.doc_id")]

    def counts(self) -> dict:
        docs = self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        paras = self.db.execute("SELECT COUNT(*) FROM paragraphs WHERE NOT boilerplate").fetchone()[0]
        return {"documents": docs, "paragraphs": paras}


def _split_sql(script: str) -> list[str]:
    """The statements of a migration; a trigger's body keeps its own semicolons."""
    body = "\n".join(line.split("--", 1)[0] for line in script.splitlines())
    statements, pending = [], ""
    for piece in body.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                statements.append(pending.strip())
            pending = ""
    if pending.strip(" \n;"):
        statements.append(pending.strip())
    return statements


def _doc(row: sqlite3.Row) -> dict:
    d = dict(row)
    d["grades"] = json.loads(d.get("grades") or "{}")
    d["meta"] = json.loads(d.get("meta") or "{}")
    return d


def _para(row: sqlite3.Row) -> dict:
    d = dict(row)
    d["section"] = json.loads(d["section"] or "[]")
    d["rows"] = json.loads(d["rows"]) if d.get("rows") else None
    d["boilerplate"] = bool(d["boilerplate"])
    for key, empty in (("judgements", "{}"), ("criteria", "{}"), ("sentences", "[]"), ("explanation", "[]")):
        d[key] = json.loads(d.get(key) or empty)
    return d
