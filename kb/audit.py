"""The audit log: what was done to the knowledge base, by whom and when, from the command
line and the web app alike. The `audit` table is append-only: triggers in the schema refuse
any update or delete, so an entry once written stays as written.

Entries name documents, paragraphs and accounts, never their text."""
from __future__ import annotations

import csv
import getpass
import io
import sqlite3
from dataclasses import asdict, dataclass

from kb.marking import marking
from kb.spreadsheet import cell
from kb.store import now

# What an entry can record (its `action`).
ACTIONS = ("sign-in", "sign-in-failed", "sign-in-refused", "sign-out", "upload", "ingest", "correct",
           "remove", "export", "pack", "learn", "account-add", "account-disable", "account-reset",
           "settings", "backup", "restore")
FIELDS = ("id", "at", "who", "action", "detail", "address")


@dataclass(frozen=True)
class Entry:
    id: int
    at: str
    who: str
    action: str
    detail: str
    address: str | None


def operator() -> str:
    """Who is at the command line: the operating system's user name."""
    try:
        return getpass.getuser()
    except Exception:          # no user name in the environment or the password database
        return "unknown"


def record(db: sqlite3.Connection, action: str, who: str, detail: str = "", address: str | None = None) -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    db.execute("INSERT INTO audit (at, who, action, detail, address) VALUES (?,?,?,?,?)",
               (now(), who or "unknown", action, detail[:2000], address))


def entries(db: sqlite3.Connection, since: str | None = None, who: str | None = None,
            action: str | None = None, limit: int | None = None) -> list[Entry]:
    """Entries oldest first; `since` is an ISO date or time (entries at or after it)."""
    sql, args = "SELECT * FROM audit WHERE 1 = 1", []
    if since:
        sql += " AND at >= ?"
        args.append(since)
    if who:
        sql += " AND who = ? COLLATE NOCASE"
        args.append(who)
    if action:
        sql += " AND action = ?"
        args.append(action)
    if limit:
        sql = f"SELECT * FROM ({sql} ORDER BY id DESC LIMIT ?) ORDER BY id"
        args.append(limit)
    else:
        sql += " ORDER BY id"
    return [Entry(**{f: r[f] for f in FIELDS}) for r in db.execute(sql, args)]


def to_csv(rows: list[Entry]) -> str:
    """The entries as CSV, each row led by the protective marking (a CSV has nowhere else
    to hold it, as in every other export)."""
    mark = marking()
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(("marking",) + FIELDS)
    for e in rows:
        w.writerow([mark] + [cell(v) for v in asdict(e).values()])
    return out.getvalue()
