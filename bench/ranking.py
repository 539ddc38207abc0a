"""What each part of kb.search's ranking on top of BM25 earns: nDCG@10 of the shipped
ranking, of it with each part switched off (or, if the default has it off, on) in turn, of plain BM25 (every part off) and of
SQLite FTS5's bm25 over the same paragraphs (bench/fts.py), in one run on one knowledge base.

    python -m bench.ranking [--home KB_HOME] [--queries FILE ...] [--pool OUT.jsonl] [-v]

Query-time parts are switched by kb.search's RankingOptions; index-time weights
(SEGMENT_WEIGHTS, RESTATEMENT_WEIGHT) by rebuilding the index of a temporary copy of the
knowledge base with the weight changed (a weight of 0 leaves that part out). The queries
are split in two halves by position (even: "tune", on which changes are decided; odd:
"held"), and each is reported beside the whole. With --pool, every query's pooled top ten
of FTS5, plain BM25 and the shipped ranking is written to OUT (one line per query), with
each paragraph's text and its grade so far, for judging. Without --home the bundled corpus
is ingested into a temporary knowledge base first.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from bench import fts
from bench.measure import knowledge_base, load_jsonl, paragraphs
from bench.ndcg import K, key, ndcg
from kb.search import RankingOptions, analysis, schema, search

BENCH = Path(__file__).resolve().parent
OFF = RankingOptions(tag_boost=0, proximity_boost=0, expansion_word_boost=0, restatement_prior=1.0)
# name -> (index-time weights changed from the shipped ones, query-time options)
VARIANTS: dict[str, tuple[dict, RankingOptions]] = {
    "shipped": ({}, RankingOptions()),
    "- tag bonus": ({}, RankingOptions(tag_boost=0)),
    "- expansion words": ({}, RankingOptions(expansion_word_boost=0)),
    "- restatement weight": ({"restatement": 1.0}, RankingOptions()),
    "- aliases": ({"aliases": 0}, RankingOptions()),
    "- headings": ({"section": 0}, RankingOptions()),
    # Parts measured and switched off in the shipped default, each switched back on.
    "+ restatement prior .7": ({}, RankingOptions(restatement_prior=0.7)),
    "+ proximity bonus 3": ({}, RankingOptions(proximity_boost=3.0)),
    "+ title .2": ({"title": 0.2}, RankingOptions()),
    "as before (schema 5)": ({"title": 0.2},
                             RankingOptions(restatement_prior=0.7, proximity_boost=3.0)),
    "plain BM25": ({"section": 0, "aliases": 0, "title": 0, "restatement": 1.0}, OFF),
}
POOLED = ("fts5", "plain BM25", "shipped")


@contextmanager
def weights(changes: dict):
    """The index-time weights changed for the duration (workers are forked, so they see it)."""
    saved = dict(analysis.SEGMENT_WEIGHTS), schema.RESTATEMENT_WEIGHT
    try:
        for name, value in changes.items():
            if name == "restatement":
                schema.RESTATEMENT_WEIGHT = value
            else:
                analysis.SEGMENT_WEIGHTS[name] = value
        yield
    finally:
        analysis.SEGMENT_WEIGHTS.clear()
        analysis.SEGMENT_WEIGHTS.update(saved[0])
        schema.RESTATEMENT_WEIGHT = saved[1]


@contextmanager
def rebuilt(kb, changes: dict):
    """A KnowledgeBase: `kb` itself when nothing changes, else a temporary copy of its
    store whose index is rebuilt with the changed weights."""
    if not changes:
        yield kb
        return
    from kb.kb import KnowledgeBase
    tmp = Path(tempfile.mkdtemp(prefix="kb-ranking-"))
    try:
        src = sqlite3.connect(kb.store.path)
        dst = sqlite3.connect(tmp / Path(kb.store.path).name)
        src.backup(dst)
        src.close()
        dst.close()
        with weights(changes):
            copy = KnowledgeBase(tmp)     # no index: rebuilt now, with the weights
        try:
            yield copy
        finally:
            copy.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def fts_hits(kb, queries: list[dict]) -> dict[str, list[tuple[str, str]]]:
    """qid -> FTS5's top ten as (paragraph id, text)."""
    rows = paragraphs(kb)
    text = {r["paragraph_id"]: r["text"] for r in rows}
    tmp = Path(tempfile.mkdtemp(prefix="kb-ranking-fts-"))
    try:
        fts.build(rows, tmp / "fts.sqlite3")
        db = sqlite3.connect(tmp / "fts.sqlite3")
        out = {q["qid"]: [(pid, text[pid]) for pid, _, _, _ in fts.search(db, q["query"], {})["hits"][:K]]
               for q in queries}
        db.close()
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def kb_hits(kb, queries: list[dict], options: RankingOptions) -> dict[str, list[tuple[str, str]]]:
    return {q["qid"]: [(h.paragraph_id, h.text) for h in search(kb.index, q["query"], limit=K, options=options).hits]
            for q in queries}


def run(kb, queries: list[dict]) -> dict[str, dict[str, list[tuple[str, str]]]]:
    """system -> qid -> top ten, for FTS5 and every variant (one rebuilt index per set of
    index-time weights)."""
    results = {"fts5": fts_hits(kb, queries)}
    by_index: dict[str, list[str]] = {}
    for name, (changes, _) in VARIANTS.items():
        by_index.setdefault(json.dumps(changes, sort_keys=True), []).append(name)
    for changes, names in by_index.items():
        with rebuilt(kb, json.loads(changes)) as variant_kb:
            for name in names:
                results[name] = kb_hits(variant_kb, queries, VARIANTS[name][1])
    return results


def halves(queries: list[dict]) -> dict[str, list[dict]]:
    return {"all": queries, "tune": queries[0::2], "held": queries[1::2]}


def table(results, queries: list[dict]) -> list[str]:
    scores = {system: {q["qid"]: ndcg([t for _, t in hits[q["qid"]]], q["relevant"]) for q in queries}
              for system, hits in results.items()}
    parts = halves(queries)
    head = f"{'system':<22}" + "".join(f"{name:>8}" for name in parts) + "   vs shipped (all)"
    lines = [f"queries: {len(queries)} (tune {len(parts['tune'])}, held {len(parts['held'])});  nDCG@{K}", head]
    shipped_all = sum(scores["shipped"].values()) / len(queries)
    for system in ["fts5", *VARIANTS]:
        means = {name: sum(scores[system][q["qid"]] for q in qs) / len(qs) for name, qs in parts.items()}
        delta = means["all"] - shipped_all
        lines.append(f"{system:<22}" + "".join(f"{m:>8.3f}" for m in means.values())
                     + ("" if system == "shipped" else f"   {delta:+.3f}"))
    return lines


def per_query(results, queries: list[dict], a: str = "shipped", b: str = "fts5") -> list[str]:
    lines = [f"per query, {a} against {b}:"]
    for q in queries:
        sa = ndcg([t for _, t in results[a][q["qid"]]], q["relevant"])
        sb = ndcg([t for _, t in results[b][q["qid"]]], q["relevant"])
        mark = "  <" if sa < sb - 0.005 else "  >" if sa > sb + 0.005 else ""
        lines.append(f"  {q['qid']:<5} {sa:.3f} {sb:.3f}{mark}  {q['query']}")
    return lines


def pool(results, queries: list[dict]) -> list[dict]:
    """Per query: the union of the pooled systems' top tens, with texts and grades so far."""
    out = []
    for q in queries:
        judged = [(key(r["snippet"]), r["grade"]) for r in q["relevant"]]
        seen: dict[str, dict] = {}
        for system in POOLED:
            for rank, (pid, text) in enumerate(results[system][q["qid"]], 1):
                entry = seen.setdefault(pid, {"paragraph_id": pid, "text": text, "ranks": {}})
                entry["ranks"][system] = rank
        for entry in seen.values():
            body = key(entry["text"])
            entry["grade"] = max((g for s, g in judged if s in body), default=None)
        out.append({"qid": q["qid"], "query": q["query"], "pool": list(seen.values())})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--home", help="an existing knowledge base (default: ingest corpus/ afresh); never changed")
    ap.add_argument("--queries", nargs="+", default=[str(BENCH / "queries.jsonl")])
    ap.add_argument("--pool", help="write each query's pooled top ten here, for judging")
    ap.add_argument("-v", "--verbose", action="store_true", help="per query: shipped against FTS5")
    args = ap.parse_args(argv)
    queries = [q for path in args.queries for q in load_jsonl(Path(path))]
    with knowledge_base(args.home) as kb:
        results = run(kb, queries)
    print("\n".join(table(results, queries)))
    if args.verbose:
        print("\n".join(per_query(results, queries)))
    if args.pool:
        with open(args.pool, "w", encoding="utf-8") as f:
            for line in pool(results, queries):
                f.write(json.dumps(line, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
