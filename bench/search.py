"""Search as a user meets it, against SQLite FTS5 over the same paragraphs in the same run:
queries no process has answered before, over the knowledge base's own index.

    python -m bench.search [--home KB_HOME] [--queries N] [--rounds R] [--commands C]

The knowledge base at --home (default: the bundled corpus ingested into a temporary one)
is searched as kb opens it. Its indexed paragraphs are also put in an FTS5 database
(bench/fts.py: the same work per search: top ten with highlights, the total and six facet
counts over every match, every word first and any word when none holds them all).

Each query is timed once: kb memoises per-term tables, so a repeat answers from memory.
The queries are bench/queries.jsonl's, then one to three words taken from the paragraphs
(bench/measure.py), each distinct, each with one of four filters in turn (none, a
judgement, a document type, a date range). Two measures:

- in a warm process, as in `kb serve`: R processes, each opening the knowledge base and
  building what the web app builds at start (kb.search.warm), then running its own N
  queries once each through kb.search and once each through FTS5. Prints p50, p95 and
  max per engine, the median over the R processes with their range, and the p95 ratio
  (target: within 2x of FTS5).
- as a fresh command, as on the command line: C queries, each one `kb search --json`
  process and one `python bench/fts.py` process (interpreter, sqlite3, one search), after
  one untimed `kb search` that fills the byte-code and file caches. Prints wall time and
  the child's peak resident memory, medians with range (targets: within 5x of FTS5's
  command, under 300 MB).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import fts  # noqa: E402
from bench.measure import (ENV, KB, fresh_queries, knowledge_base_home, paragraphs, run_command,  # noqa: E402
                           spread, summary)

# kb.search keyword arguments; bench/fts.py and `kb search` take the same in their own names.
FILTERS = ({}, {"judgement": "help-protection"}, {"doc_type": "ilacs-inspection"},
           {"date_from": "2015", "date_to": "2019"})
OPTIONS = {"judgement": "--judgement", "doc_type": "--type", "date_from": "--from", "date_to": "--to"}


def options(filters: dict) -> list[str]:
    return [a for k, v in filters.items() for a in (OPTIONS[k], v)]


def worker(home: str, fts_db: str, cases_file: str) -> int:
    """One warm process: open as the web app does, then each case once per engine."""
    import sqlite3

    from kb.kb import KnowledgeBase
    from kb.search import search, warm

    cases = json.loads(Path(cases_file).read_text("utf-8"))
    t = time.perf_counter()
    kb = KnowledgeBase(home)
    warm(kb.index)
    opened = time.perf_counter() - t
    ours, theirs = [], []
    for text, filters in cases:
        t = time.perf_counter()
        search(kb.index, text, limit=fts.TOP, **filters)
        ours.append(time.perf_counter() - t)
    kb.close()
    db = sqlite3.connect(f"file:{fts_db}?mode=ro", uri=True)
    for text, filters in cases:
        t = time.perf_counter()
        fts.search(db, text, filters)
        theirs.append(time.perf_counter() - t)
    print(json.dumps({"opened": opened, "kb": ours, "fts": theirs}))
    return 0


def warm_rounds(home: Path, fts_db: Path, rounds: list[list], work: Path) -> list[dict]:
    out = []
    for n, cases in enumerate(rounds):
        cases_file = work / f"cases-{n}.json"
        cases_file.write_text(json.dumps(cases), "utf-8")
        p = subprocess.run([sys.executable, "-m", "bench.search", "--worker", str(home), str(fts_db), str(cases_file)],
                           cwd=ROOT, env=ENV, capture_output=True, text=True)
        if p.returncode:
            sys.exit(f"a warm search process failed:\n{p.stderr}")
        out.append(json.loads(p.stdout.splitlines()[-1]))
    return out


def commands(home: Path, fts_db: Path, cases: list) -> dict[str, list[tuple[float, float]]]:
    run_command([KB, "--home", str(home), "search", "warm up the caches", "--json"], env=ENV)
    out: dict[str, list[tuple[float, float]]] = {"kb search": [], "fts5": []}
    for text, filters in cases:
        wall, rss, status, _ = run_command([KB, "--home", str(home), "search", text, *options(filters), "--json"],
                                           env=ENV)
        if status:
            sys.exit(f"kb search {text!r} {filters} failed: exit {status}")
        out["kb search"].append((wall, rss))
        wall, rss, status, _ = run_command([sys.executable, str(ROOT / "bench" / "fts.py"), str(fts_db), text,
                                            *options(filters)], env=ENV)
        if status:
            sys.exit(f"bench/fts.py {text!r} failed: exit {status}")
        out["fts5"].append((wall, rss))
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        return worker(*argv[1:4])
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--home", help="an existing knowledge base (default: ingest corpus/ afresh)")
    ap.add_argument("--queries", type=int, default=136, help="queries per warm process")
    ap.add_argument("--rounds", type=int, default=3, help="warm processes, each with its own queries")
    ap.add_argument("--commands", type=int, default=10, help="fresh `kb search` commands")
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args(argv)
    with knowledge_base_home(args.home) as home, tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        from kb.kb import KnowledgeBase
        kb = KnowledgeBase(home)
        rows = paragraphs(kb)
        documents = kb.store.counts()["documents"]
        kb.close()
        work = Path(tmp)
        fts_db = work / "fts.sqlite3"
        t = time.perf_counter()
        fts.build(rows, fts_db)
        print(f"knowledge base {home}: {documents} documents, {len(rows)} paragraphs indexed; "
              f"fts5 built in {time.perf_counter() - t:.1f} s")
        wanted = args.queries * args.rounds + args.commands
        queries = fresh_queries([r["text"] for r in rows], wanted, args.seed)
        if len(queries) < wanted:
            sys.exit(f"only {len(queries)} distinct queries could be made from these paragraphs; ask for fewer")
        cases = [(q, FILTERS[i % len(FILTERS)]) for i, q in enumerate(queries)]
        # Command cases first: the labelled queries (realistic) lead the list.
        command_cases, warm_cases = cases[:args.commands], cases[args.commands:]
        rounds = [warm_cases[r::args.rounds] for r in range(args.rounds)]
        results = warm_rounds(home, fts_db, rounds, work)
        fresh = commands(home, fts_db, command_cases)
    report_warm(results, args.queries)
    report_commands(fresh)
    return 0


def report_warm(results: list[dict], per_round: int) -> None:
    print(f"\nin a warm process: {len(results)} processes x {per_round} queries, each query once "
          "(opened and warmed as kb serve does: " + spread([r["opened"] for r in results], " s") + ")")
    print(f"{'':14}{'p50 ms':>26}{'p95 ms':>26}{'max ms':>26}")
    stats = {name: [summary([1000 * v for v in r[key]]) for r in results] for name, key in
             (("kb.search", "kb"), ("sqlite fts5", "fts"))}
    for name, per in stats.items():
        print(f"{name:14}" + "".join(f" {spread([s[k] for s in per]):>25}" for k in ("p50", "p95", "max")))
    ratios = [o["p95"] / t["p95"] for o, t in zip(stats["kb.search"], stats["sqlite fts5"])]
    print(f"p95 ratio kb.search / fts5: {spread(ratios, 'x', 2)} (target <= 2x)")


def report_commands(fresh: dict[str, list[tuple[float, float]]]) -> None:
    n = len(fresh["kb search"])
    print(f"\nas a fresh command: {n} queries, each its own process")
    print(f"{'':14}{'wall s':>28}{'peak memory MB':>30}")
    for name, values in fresh.items():
        print(f"{name:14}{spread([w for w, _ in values], '', 3):>28}{spread([m for _, m in values], '', 0):>30}")
    ratios = [o[0] / t[0] for o, t in zip(fresh["kb search"], fresh["fts5"])]
    print(f"wall ratio kb search / fts5: {spread(ratios, 'x', 1)} (target <= 5x; memory target < 300 MB)")


if __name__ == "__main__":
    sys.exit(main())
