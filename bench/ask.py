"""Recall and answer time of the assistant (`kb ask`) on labelled questions.

    python bench/ask.py [--home DIR] [--questions FILE] [--repeat N] [--json]

Each line of the questions file (default bench/ask_questions.jsonl) is
{"id", "question", "must_cite": [snippet, ...], "authority"?: name, "expect_enough"?: bool}.
A snippet names a paragraph a good answer must cite: the paragraph whose text holds it
(compared lower-cased, spacing and typographic quotes ignored). A snippet found in no
stored paragraph is an error in the file, reported as such, not a miss.

Recall of a question = snippets whose paragraph the answer cites (in its summary, for,
against or figures) / snippets. Reported: per question, micro recall over all snippets,
macro recall over questions, the questions expecting "too little to answer" that said so,
and answer time (median, p95, max over every timed call; one warm-up call first, since
the first call also opens the index). Without --home the bundled corpus is ingested into
a temporary knowledge base."""
from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.search import knowledge_base, load_queries, percentile  # noqa: E402
from kb.assistant import ask  # noqa: E402
from kb.tagging.text import normalise  # noqa: E402

DEFAULT_QUESTIONS = Path(__file__).resolve().parent / "ask_questions.jsonl"


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", normalise(text).lower()).strip()


def locate(kb, questions: list[dict]) -> dict[str, set[str]]:
    """snippet -> ids of the paragraphs holding it."""
    wanted = {s for q in questions for s in q.get("must_cite", [])}
    found: dict[str, set[str]] = {s: set() for s in wanted}
    keys = {s: flat(s) for s in wanted}
    for p in kb.store.paragraphs(include_boilerplate=False):
        text = flat(p["text"])
        for s, key in keys.items():
            if key in text:
                found[s].add(p["paragraph_id"])
    return found


def run(kb, questions: list[dict], repeat: int) -> dict:
    where = locate(kb, questions)
    broken = sorted(s for s, ids in where.items() if not ids)
    ask(kb, "warm up: how are children in care supported?")
    rows, times = [], []
    for q in questions:
        answer = None
        for _ in range(repeat):
            start = time.perf_counter()
            answer = ask(kb, q["question"], authority=q.get("authority"))
            times.append((time.perf_counter() - start) * 1000)
        cited = {i["paragraph_id"] for i in answer.cited()}
        snippets = [s for s in q.get("must_cite", []) if where[s]]
        hits = [s for s in snippets if where[s] & cited]
        rows.append({"id": q["id"], "cited": len(hits), "expected": len(snippets),
                     "missed": [s for s in snippets if s not in hits], "enough": answer.enough,
                     "expect_enough": q.get("expect_enough", True), "ms": times[-1]})
    scored = [r for r in rows if r["expected"]]
    return {
        "questions": len(rows),
        "micro_recall": sum(r["cited"] for r in scored) / max(1, sum(r["expected"] for r in scored)),
        "macro_recall": statistics.mean(r["cited"] / r["expected"] for r in scored) if scored else 0.0,
        "enough_correct": sum(r["enough"] == r["expect_enough"] for r in rows),
        "ms_median": statistics.median(times), "ms_p95": percentile(times, 95), "ms_max": max(times),
        "timed_calls": len(times), "broken_snippets": broken, "rows": rows,
    }


def report(result: dict) -> str:
    lines = []
    for r in result["rows"]:
        flag = "" if r["enough"] == r["expect_enough"] else "  (enough=%s, expected %s)" % (r["enough"], r["expect_enough"])
        lines.append(f"{r['id']:<38} cited {r['cited']}/{r['expected']}  {r['ms']:6.1f} ms{flag}")
        for s in r["missed"]:
            lines.append(f"    missed: {s[:90]}")
    for s in result["broken_snippets"]:
        lines.append(f"ERROR snippet in no stored paragraph: {s}")
    lines.append("")
    lines.append(f"questions {result['questions']}  recall micro {result['micro_recall']:.3f}  "
                 f"macro {result['macro_recall']:.3f}  enough right {result['enough_correct']}/{result['questions']}")
    lines.append(f"answer time over {result['timed_calls']} calls: median {result['ms_median']:.1f} ms  "
                 f"p95 {result['ms_p95']:.1f} ms  max {result['ms_max']:.1f} ms  (target p95 < 300 ms)")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--home", help="an existing knowledge base (default: the bundled corpus, ingested afresh)")
    ap.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    ap.add_argument("--repeat", type=int, default=3, help="timed calls per question")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    questions = load_queries(args.questions)
    with knowledge_base(args.home) as kb:
        result = run(kb, questions, max(1, args.repeat))
    print(json.dumps(result, indent=1) if args.json else report(result))
    return 1 if result["broken_snippets"] else 0


if __name__ == "__main__":
    sys.exit(main())
