"""`kb backup PATH` and `kb restore PATH`. A backup is one SQLite file: the database, copied
with SQLite's online backup API, so it is a consistent snapshot even while the web app or an
ingest writes. The search index is not in it: it is derived from the database, and a
restore rebuilds it. A restore checks the file is a knowledge base of a schema this version
reads, refuses to replace a knowledge base that holds documents unless told to (--force),
and then keeps the database it replaced beside it, so nothing is lost by a mistaken restore."""
from __future__ import annotations

import argparse
import os
import sqlite3
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kb.home import DB_NAME, make_private_file, private_files, resolve_home
from kb.store import SCHEMA_VERSION, Store

# Tables every schema version since the first holds.
_REQUIRED_TABLES = ("documents", "paragraphs", "tags", "corrections", "history")


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass
class Summary:
    documents: int
    paragraphs: int
    corrections: int
    schema: int
    size: int       # bytes

    def describe(self) -> str:
        return (f"{self.documents} documents, {self.paragraphs} paragraphs, {self.corrections} corrections, "
                f"{self.size / 2**20:.1f} MB")


def backup(home: Path, target: Path) -> tuple[Path, Summary]:
    """Copy the home's database to `target` (a file, or a folder to put a dated file in).
    The copy is written beside the target and renamed over it once checked, so a failed
    backup never spoils the one before it."""
    target = Path(target)
    if target.is_dir():
        target = target / f"kb-{datetime.now().strftime('%Y%m%d-%H%M%S')}.sqlite3"
    if not target.parent.is_dir():
        raise BackupError(f"cannot write {target}: the folder {target.parent} does not exist")
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    store = Store(home / DB_NAME)
    try:
        with private_files():
            make_private_file(partial)
            copy = sqlite3.connect(partial)
            try:
                store.db.backup(copy)     # all pages in one step: one consistent snapshot
                copy.execute("PRAGMA journal_mode = DELETE")   # one self-contained file
            finally:
                copy.close()
        summary = check(partial)
        os.replace(partial, target)
    except OSError as e:
        raise BackupError(f"cannot write {target}: {e.strerror or e}") from None
    finally:
        store.close()
        partial.unlink(missing_ok=True)
    return target, summary


def check(path: Path) -> Summary:
    """What a backup holds; BackupError unless it is an undamaged knowledge base database
    of a schema this version of kb reads."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise BackupError(f"{path} does not exist") from None
    if not stat.S_ISREG(mode):
        raise BackupError(f"{path} is not a regular file")
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as e:
        raise BackupError(f"{path} cannot be opened as a database: {e}") from None
    try:
        try:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            schema = db.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError:
            raise BackupError(f"{path} is not a knowledge base backup: it is not an SQLite database") from None
        missing = [t for t in _REQUIRED_TABLES if t not in tables]
        if missing or schema < 1:
            raise BackupError(f"{path} is an SQLite database but not a knowledge base "
                              f"(it has no {', '.join(missing) or 'schema version'})")
        if schema > SCHEMA_VERSION:
            raise BackupError(f"{path} was made by a newer version of kb (schema {schema}; this version reads "
                              f"up to {SCHEMA_VERSION}): restore it with that version")
        verdict = db.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise BackupError(f"{path} is damaged ({verdict}); restore an earlier backup")
        count = lambda sql: db.execute(sql).fetchone()[0]
        return Summary(count("SELECT COUNT(*) FROM documents"),
                       count("SELECT COUNT(*) FROM paragraphs WHERE NOT boilerplate"),
                       count("SELECT COUNT(*) FROM corrections"), schema, path.stat().st_size)
    except sqlite3.DatabaseError as e:
        raise BackupError(f"{path} is damaged ({e}); restore an earlier backup") from None
    finally:
        db.close()


def restore(home: Path, source: Path, force: bool = False) -> tuple[Summary, Path | None]:
    """Replace the home's database with the backup at `source`, then rebuild the index.
    Returns what the backup held and where the replaced database was kept (None when the
    knowledge base was empty). Online: connections open elsewhere (the web app) see the
    restored database at their next read."""
    summary = check(source)
    home = resolve_home(home)
    db_path = home / DB_NAME
    store = Store(db_path)
    try:
        held = store.counts()["documents"]
        if held and not force:
            raise BackupError(
                f"the knowledge base in {home} holds {held} documents; restoring replaces all of them, with "
                "their corrections and history, by the backup's. Add --force to replace them (the database "
                "replaced is kept beside it)")
        kept = None
        if held:
            kept = home / f"{DB_NAME}.before-restore-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
            backup(home, kept)
        source_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            source_db.backup(store.db)
        except sqlite3.Error as e:
            raise BackupError(f"could not restore {source}: {e}; the knowledge base is as it was") from None
        finally:
            source_db.close()
    finally:
        store.close()
    # Opened again: an older schema is migrated, and the journal goes back to WAL.
    from kb.kb import KnowledgeBase
    kb = KnowledgeBase(home, rebuild=False)
    try:
        kb.reindex()
    finally:
        kb.close()
    return summary, kept


# -- the command line ------------------------------------------------------------------------

def register(subparsers) -> None:
    s = subparsers.add_parser("backup", help="copy the database to a file (safe while the app runs)",
                              description="Copy the knowledge base's database to PATH (a file, or a folder for a "
                                          "dated file) with SQLite's online backup. The search index is not "
                                          "copied: kb restore rebuilds it.")
    s.add_argument("path", metavar="PATH")
    s.set_defaults(func=cmd_backup)
    s = subparsers.add_parser("restore", help="replace the database with a backup and rebuild the index",
                              description="Replace the knowledge base's database with the backup at PATH, "
                                          "then rebuild the search index.")
    s.add_argument("path", metavar="PATH")
    s.add_argument("--force", action="store_true",
                   help="replace a knowledge base that holds documents (the replaced database is kept beside it)")
    s.set_defaults(func=cmd_restore)


def cmd_backup(args: argparse.Namespace) -> int:
    try:
        target, summary = backup(resolve_home(args.home), Path(args.path))
    except BackupError as e:
        raise _user_error(str(e)) from None
    print(f"backed up {summary.describe()} to {target}")
    print("  the search index is not in the backup: kb restore rebuilds it from the database")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    home = resolve_home(args.home)
    try:
        summary, kept = restore(home, Path(args.path), force=args.force)
    except BackupError as e:
        raise _user_error(str(e)) from None
    print(f"restored {summary.describe()} from {args.path} into {home}; search index rebuilt")
    if kept:
        print(f"  the database it replaced is kept as {kept}")
    return 0


def _user_error(message: str) -> Exception:
    from kb.cli import UserError       # printed as one line, exit status 2
    return UserError(message)
