"""Search latency of kb.search against SQLite FTS5 over the same paragraphs and queries,
and Whoosh indexing throughput, in one run.

    python -m bench.search [--home KB_HOME] [--min-paragraphs N] [--rounds R]

Both engines do the same work per search: a ranked top 10 (Whoosh BM25F with our query
expansion; FTS5 bm25()), the total, six facet counts over every matching paragraph
(judgement, criteria, stance, document type, authority, year) and highlighted text (our
highlighter; FTS5 snippet()). Every query of bench/queries.jsonl runs unfiltered and with
each of three filters (judgement, document type, date range). The paragraphs are those of
the knowledge base at --home, or of the bundled corpus ingested into a temporary one;
they are copied under new document ids until there are at least --min-paragraphs, so the
figures describe a knowledge base of realistic size. Prints the indexing rate, then p50
and p95 per engine and the ratio of the p95s (target: kb.search within 2x of FTS5).
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from indexer.index import Index
from kb.search import search

BENCH = Path(__file__).resolve().parent
TOP = 10
FILTERS = ({}, {"judgement": "help-protection"}, {"doc_type": "ilacs-inspection"},
           {"date_from": "2020", "date_to": "2023"})
FACET_COLUMNS = ("judgement", "stance", "doc_type", "authority", "year")


@contextmanager
def knowledge_base(home: str | None):
    """The knowledge base at `home`, or the bundled corpus ingested into a temporary one."""
    from kb.corpus import bundled_files
    from kb.kb import KnowledgeBase

    if home:
        kb = KnowledgeBase(home)
        try:
            yield kb
        finally:
            kb.close()
        return
    tmp = tempfile.mkdtemp(prefix="kb-bench-")
    kb = KnowledgeBase(tmp)
    try:
        report = kb.ingest(bundled_files())
        if report.failed:
            raise SystemExit(f"could not ingest the bundled corpus: {report.failed}")
        yield kb
    finally:
        kb.close()
        shutil.rmtree(tmp, ignore_errors=True)


def load_queries(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def scaled(rows: list[dict], minimum: int) -> list[dict]:
    """`rows`, repeated under new document ids until there are at least `minimum`."""
    out, copy = list(rows), 1
    while rows and len(out) < minimum:
        for r in rows:
            doc_id = f"{r['doc_id']}-copy{copy}"
            out.append({**r, "doc_id": doc_id, "paragraph_id": f"{doc_id}:{r['seq']}"})
        copy += 1
    return out


# -- FTS5 ----------------------------------------------------------------------------------

def build_fts(rows: list[dict]) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.executescript("""
        CREATE TABLE para (id INTEGER PRIMARY KEY, paragraph_id TEXT, doc_id TEXT, title TEXT,
                           judgement TEXT, stance TEXT, doc_type TEXT, authority TEXT, date TEXT, year TEXT);
        CREATE TABLE para_criteria (id INTEGER, criterion TEXT);
        CREATE INDEX para_criteria_id ON para_criteria(id);
        CREATE VIRTUAL TABLE fts USING fts5(text, section, title, tokenize='porter unicode61');
    """)
    for i, r in enumerate(rows, 1):
        date = r.get("date")
        db.execute("INSERT INTO para VALUES (?,?,?,?,?,?,?,?,?,?)",
                   (i, r["paragraph_id"], r["doc_id"], r.get("title"), r.get("judgement"), r.get("stance"),
                    r.get("doc_type"), r.get("authority"), date, date[:4] if date else None))
        db.executemany("INSERT INTO para_criteria VALUES (?,?)", [(i, c) for c in (r.get("criteria") or {})])
        db.execute("INSERT INTO fts (rowid, text, section, title) VALUES (?,?,?,?)",
                   (i, r["text"], " ; ".join(r.get("section") or []), r.get("title") or ""))
    return db


def fts_query(text: str) -> str:
    """Any of the query's words, each quoted so FTS5 syntax in the query cannot break it."""
    words = re.findall(r"\w+", text.lower())
    return " OR ".join(f'"{w}"' for w in dict.fromkeys(words))


def fts_search(db: sqlite3.Connection, text: str, filters: dict) -> dict:
    where, args = ["fts MATCH ?"], [fts_query(text)]
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
    cond = " AND ".join(where)
    hits = db.execute(
        "SELECT p.paragraph_id, p.title, bm25(fts, 1.0, 0.5, 0.2) AS score,"
        " snippet(fts, 0, '<mark>', '</mark>', '…', 40) FROM fts JOIN para p ON p.id = fts.rowid"
        f" WHERE {cond} ORDER BY score LIMIT {TOP}", args).fetchall()
    db.execute("DROP TABLE IF EXISTS temp.matched")
    db.execute(f"CREATE TEMP TABLE matched AS SELECT p.id FROM fts JOIN para p ON p.id = fts.rowid WHERE {cond}",
               args)
    total = db.execute("SELECT COUNT(*) FROM matched").fetchone()[0]
    facets = {c: dict(db.execute(f"SELECT p.{c}, COUNT(*) FROM matched m JOIN para p ON p.id = m.id"
                                 f" WHERE p.{c} IS NOT NULL GROUP BY p.{c} ORDER BY 2 DESC").fetchall())
              for c in FACET_COLUMNS}
    facets["criteria"] = dict(db.execute(
        "SELECT criterion, COUNT(*) FROM matched m JOIN para_criteria c ON c.id = m.id"
        " GROUP BY criterion ORDER BY 2 DESC").fetchall())
    return {"hits": hits, "total": total, "facets": facets}


# -- timing --------------------------------------------------------------------------------

def latencies(run, cases: list[tuple[str, dict]], rounds: int) -> tuple[list[float], list[float]]:
    """Seconds per search: the first pass over the cases (caches cold: each query's terms
    are read for the first time), then `rounds` more (caches warm, as in a running server)."""
    first, warm = [], []
    for times in [first] + [warm] * rounds:
        for text, filters in cases:
            t = time.perf_counter()
            run(text, filters)
            times.append(time.perf_counter() - t)
    return first, warm


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--home", help="an existing knowledge base (default: ingest corpus/ afresh)")
    ap.add_argument("--queries", default=str(BENCH / "queries.jsonl"))
    ap.add_argument("--min-paragraphs", type=int, default=5000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    queries = [q["query"] for q in load_queries(Path(args.queries))]
    cases = [(q, flt) for q in queries for flt in FILTERS]
    with knowledge_base(args.home) as kb:
        rows = scaled(list(kb.store.paragraphs(include_boilerplate=False)), args.min_paragraphs)
    work = Path(tempfile.mkdtemp(prefix="kb-bench-index-"))
    try:
        index = Index(work)
        t = time.perf_counter()
        indexed = index.rebuild(rows)
        secs = time.perf_counter() - t
        print(f"whoosh indexing: {indexed} paragraphs in {secs:.2f} s ({indexed / secs:.0f} paragraphs/s)")
        t = time.perf_counter()
        db = build_fts(rows)
        print(f"fts5 indexing:   {len(rows)} paragraphs in {time.perf_counter() - t:.2f} s")
        ours = latencies(lambda q, flt: search(index, q, limit=TOP, **flt), cases, args.rounds)
        theirs = latencies(lambda q, flt: fts_search(db, q, flt), cases, args.rounds)
        index.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"searches: {len(cases)} cases over {len(rows)} paragraphs (top 10, total, 6 facets, "
          "highlights; each query unfiltered and with 3 filters)")
    for label, i in (("first pass", 0), (f"next {args.rounds} passes", 1)):
        print(f"{label}:")
        for name, values in (("kb.search", ours[i]), ("sqlite fts5", theirs[i])):
            print(f"  {name:<12} p50 {1000 * statistics.median(values):7.2f} ms"
                  f"   p95 {1000 * percentile(values, 95):7.2f} ms")
        print(f"  p95 ratio kb.search / fts5: {percentile(ours[i], 95) / percentile(theirs[i], 95):.2f}x"
              " (target <= 2x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
