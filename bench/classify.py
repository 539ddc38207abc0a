"""Time `kb.tagging.classify_record` on many paragraphs.

    python bench/classify.py [RECORDS.jsonl] [--n 10000]

RECORDS.jsonl holds {"id", "text"} objects (the `kb classify` input); they are repeated
until there are N records. Without a file, a few paragraphs written for this script are
used, which are shorter than real report paragraphs.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kb.tagging import classify_record  # noqa: E402

SAMPLE = [
    "Children and families are helped early by family hubs, and referrals to the front door are "
    "screened promptly. However, a small number of strategy meetings are delayed.",
    "Children in care live in stable homes with foster carers who are well supported. Independent "
    "reviewing officers do not always challenge drift in care plans.",
    "Personal advisers stay in touch with care leavers, and pathway plans are reviewed regularly. "
    "Some young people wait too long for suitable accommodation.",
    "Senior leaders have invested in the workforce, caseloads are manageable and audits are used "
    "to improve practice. Leaders know their services well.",
]


def main(argv: list[str]) -> int:
    n = 10000
    if "--n" in argv:
        i = argv.index("--n")
        n = int(argv[i + 1])
        del argv[i:i + 2]
    if argv:
        with open(argv[0], encoding="utf-8") as f:
            texts = [json.loads(line)["text"] for line in f if line.strip()]
    else:
        texts = SAMPLE
    if not texts:
        print("no records to classify", file=sys.stderr)
        return 1
    records = [{"id": i, "text": texts[i % len(texts)]} for i in range(n)]
    classify_record(records[0])  # build the tables before the clock starts
    start, start_cpu = time.perf_counter(), time.process_time()
    for record in records:
        classify_record(record)
    seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    chars = sum(len(r["text"]) for r in records) // len(records)
    # CPU time is what the tagger costs; wall time also counts whatever else the machine runs.
    print(f"{n} records (mean {chars} characters): {seconds:.1f}s wall, {cpu:.1f}s CPU, "
          f"{n / cpu:.0f} records per CPU second")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
