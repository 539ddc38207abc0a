"""nDCG@10 of kb.search on the graded leaders' queries in bench/queries.jsonl.

    python -m bench.ndcg [--home KB_HOME] [--queries bench/queries.jsonl] [-v]

Each query lists relevant paragraphs by a distinctive snippet of their text and a grade
(3 = squarely about it, 2 = substantially, 1 = touches on it), so the judgements survive
re-segmentation and re-ingestion. A hit earns the grade of the best snippet it contains that
no higher-ranked hit has already claimed; gains are 2^grade - 1, discounted by log2(rank + 1),
as in ../shared/eval/evaluate.py. Without --home the bundled corpus/ is ingested into a
temporary knowledge base first. Prints one line per query with -v, then nDCG@10 overall
and for each kind of query (acronym, spelt, misspelt).
"""
from __future__ import annotations

import argparse
import math
import re
import sys
from collections import defaultdict
from pathlib import Path

from bench.measure import knowledge_base, load_jsonl as load_queries
from kb.search import search

BENCH = Path(__file__).resolve().parent
K = 10


def key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def dcg(grades: list[int]) -> float:
    return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(grades[:K]))


def ndcg(hit_texts: list[str], relevant: list[dict]) -> float:
    judged = [(key(r["snippet"]), r["grade"]) for r in relevant]
    unclaimed = dict(judged)
    gains = []
    for text in hit_texts[:K]:
        body = key(text)
        found = [(g, s) for s, g in unclaimed.items() if s in body]
        if found:
            grade, snippet = max(found)
            del unclaimed[snippet]
            gains.append(grade)
        else:
            gains.append(0)
    ideal = dcg(sorted((g for _, g in judged), reverse=True))
    return dcg(gains) / ideal if ideal else 0.0


def evaluate(index, queries: list[dict], verbose: bool = False) -> dict[str, float]:
    """Mean nDCG@10 overall ("all") and per kind of query."""
    scores: dict[str, list[float]] = defaultdict(list)
    for q in queries:
        result = search(index, q["query"], limit=K)
        score = ndcg([h.text for h in result.hits], q["relevant"])
        scores["all"].append(score)
        scores[q.get("kind", "other")].append(score)
        if verbose:
            note = f"  (searched: {result.query})" if result.corrected else ""
            print(f"{q['qid']} {q.get('kind', ''):<9} nDCG@10 {score:.3f}  {q['query']}{note}")
    return {kind: sum(v) / len(v) for kind, v in scores.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--home", help="an existing knowledge base (default: ingest corpus/ afresh)")
    ap.add_argument("--queries", default=str(BENCH / "queries.jsonl"))
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    queries = load_queries(Path(args.queries))
    with knowledge_base(args.home) as kb:
        means = evaluate(kb.index, queries, verbose=args.verbose)
    counts = defaultdict(int)
    for q in queries:
        counts[q.get("kind", "other")] += 1
    print(f"queries: {len(queries)}  nDCG@10: {means.pop('all'):.3f}")
    for kind, mean in sorted(means.items()):
        print(f"  {kind:<9} ({counts[kind]:>2} queries) nDCG@10: {mean:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
