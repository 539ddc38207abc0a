"""Time `kb.tagging.classify_record` (what `kb classify` runs per line) on real paragraphs.

    python bench/classify.py [RECORDS.jsonl] [--home DIR] [--n N]

The paragraphs are those of the knowledge base at --home, or of RECORDS.jsonl ({"id",
"text"} objects, the `kb classify` input), or else of the bundled corpus ingested into a
temporary knowledge base: report paragraphs as they are, not texts written for speed.
Each is classified once, in the order held, up to N (default: all of them; a larger N
than there are paragraphs takes them again, which the per-word caches make cheaper, and
says so). Prints wall and CPU time, records per CPU second and the mean length.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.measure import knowledge_base, paragraphs  # noqa: E402
from kb.tagging import classify_record  # noqa: E402


def texts_of(records: str | None, home: str | None) -> list[str]:
    if records:
        with open(records, encoding="utf-8") as f:
            return [json.loads(line)["text"] for line in f if line.strip()]
    with knowledge_base(home) as kb:
        return [p["text"] for p in paragraphs(kb)]


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("records", nargs="?", help="JSONL of {id, text}")
    ap.add_argument("--home", help="a knowledge base whose paragraphs to classify")
    ap.add_argument("--n", type=int, help="records to classify (default: every paragraph once)")
    args = ap.parse_args(argv)
    texts = texts_of(args.records, args.home)
    if not texts:
        print("no records to classify", file=sys.stderr)
        return 1
    n = args.n or len(texts)
    records = [{"id": i, "text": texts[i % len(texts)]} for i in range(n)]
    classify_record({"id": "warm", "text": "Leaders know their services well."})  # load the tables first
    start, start_cpu = time.perf_counter(), time.process_time()
    for record in records:
        classify_record(record)
    seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    chars = sum(len(r["text"]) for r in records) // len(records)
    repeated = f", {len(texts)} distinct (repeats answer partly from caches)" if n > len(texts) else ""
    # CPU time is what the tagger costs; wall time also counts whatever else the machine runs.
    print(f"{n} paragraphs (mean {chars} characters{repeated}): {seconds:.1f}s wall, {cpu:.1f}s CPU, "
          f"{n / cpu:.0f} records per CPU second, {1000 * cpu / n:.2f} ms each")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
