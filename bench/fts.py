"""The anchor that kb search is measured against: SQLite FTS5 (porter, bm25) over the same
paragraphs, doing the same work per search, with nothing but the standard library.

    python bench/fts.py DB QUERY [--judgement J] [--type T] [--from Y] [--to Y]

As a command (the anchor of a fresh `kb search`), it opens a database built by `build`
and prints the top ten as JSON. Per search: the paragraphs holding every word, else any of
them (as kb search does); the top ten by bm25 with FTS5's snippet(); the total; and the
six facet counts over every match (judgement, criteria, stance, document type, authority,
year). The full-text query is evaluated once, in one statement that materialises its
matches in a common table expression (no temporary table) and returns the ranking, the
total and the facets; the ten snippets are then read by rowid for those ten alone."""
from __future__ import annotations

import json
import re
import sqlite3
import sys
from pathlib import Path

TOP = 10
FACETS = ("judgement", "stance", "doc_type", "authority", "year")


def build(rows, path: Path) -> int:
    """An FTS5 database at `path` holding `rows` (kb.store paragraph dicts); their count."""
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE para (id INTEGER PRIMARY KEY, paragraph_id TEXT, title TEXT, judgement TEXT, stance TEXT,
                           doc_type TEXT, authority TEXT, date TEXT, year TEXT);
        CREATE TABLE para_criteria (id INTEGER, criterion TEXT);
        CREATE INDEX para_criteria_id ON para_criteria(id);
        CREATE VIRTUAL TABLE fts USING fts5(text, section, title, tokenize='porter unicode61');
    """)
    n = 0
    for n, r in enumerate(rows, 1):
        date = r.get("date")
        db.execute("INSERT INTO para VALUES (?,?,?,?,?,?,?,?,?)",
                   (n, r["paragraph_id"], r.get("title"), r.get("judgement"), r.get("stance"), r.get("doc_type"),
                    r.get("authority"), date, date[:4] if date else None))
        db.executemany("INSERT INTO para_criteria VALUES (?,?)", [(n, c) for c in (r.get("criteria") or {})])
        db.execute("INSERT INTO fts (rowid, text, section, title) VALUES (?,?,?,?)",
                   (n, r["text"], " ; ".join(r.get("section") or []), r.get("title") or ""))
    db.commit()
    db.close()
    return n


def match_expression(text: str, every: bool) -> str:
    """The query's words, each quoted so that FTS5 syntax in the query cannot break it."""
    words = [f'"{w}"' for w in dict.fromkeys(re.findall(r"\w+", text.lower()))]
    return (" AND " if every else " OR ").join(words)


def search(db: sqlite3.Connection, text: str, filters: dict) -> dict:
    result = _search(db, text, filters, every=True)
    if not result["total"] and len(re.findall(r"\w+", text)) > 1:
        result = _search(db, text, filters, every=False)
    return result


def _search(db: sqlite3.Connection, text: str, filters: dict, every: bool) -> dict:
    expression = match_expression(text, every)
    if not expression:
        return {"hits": [], "total": 0, "facets": {}}
    where, args = [], [expression]
    for column in ("judgement", "doc_type"):
        if filters.get(column):
            where.append(f"p.{column} = ?")
            args.append(filters[column])
    if filters.get("date_from"):
        where.append("p.date >= ?")
        args.append(filters["date_from"])
    if filters.get("date_to"):
        where.append("p.date <= ?")
        args.append(filters["date_to"] + "~")
    cond = ("WHERE " + " AND ".join(where)) if where else ""
    facet_sql = "".join(f" UNION ALL SELECT '{c}', {c}, COUNT(*) FROM f WHERE {c} IS NOT NULL GROUP BY {c}"
                        for c in FACETS)
    rows = db.execute(f"""
        WITH m AS MATERIALIZED (SELECT rowid AS id, bm25(fts, 1.0, 0.5, 0.2) AS score FROM fts WHERE fts MATCH ?),
             f AS MATERIALIZED (SELECT m.id, m.score, p.judgement, p.stance, p.doc_type, p.authority, p.year
                                FROM m JOIN para p ON p.id = m.id {cond})
        SELECT 'top', id, score FROM (SELECT id, score FROM f ORDER BY score LIMIT {TOP})
        UNION ALL SELECT 'total', NULL, COUNT(*) FROM f{facet_sql}
        UNION ALL SELECT 'criteria', c.criterion, COUNT(*) FROM f JOIN para_criteria c ON c.id = f.id
                  GROUP BY c.criterion""", args).fetchall()
    top = [(key, score) for kind, key, score in rows if kind == "top"]
    total = next(n for kind, _, n in rows if kind == "total")
    facets: dict[str, dict] = {}
    for kind, key, n in rows:
        if kind not in ("top", "total"):
            facets.setdefault(kind, {})[key] = n
    hits = []
    if top:
        marks = ",".join(str(int(i)) for i, _ in top)
        snippets = {i: (pid, title, s) for i, pid, title, s in db.execute(
            "SELECT fts.rowid, p.paragraph_id, p.title, snippet(fts, 0, '<mark>', '</mark>', '…', 40)"
            f" FROM fts JOIN para p ON p.id = fts.rowid WHERE fts MATCH ? AND fts.rowid IN ({marks})",
            (expression,))}
        hits = [(*snippets[i], score) for i, score in top if i in snippets]
    return {"hits": hits, "total": total, "facets": facets}


def main(argv: list[str]) -> int:
    db_path, query, *rest = argv
    names = {"--judgement": "judgement", "--type": "doc_type", "--from": "date_from", "--to": "date_to"}
    filters = {names[rest[i]]: rest[i + 1] for i in range(0, len(rest) - 1, 2)}
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    result = search(db, query, filters)
    print(json.dumps({"total": result["total"], "hits": result["hits"]}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
