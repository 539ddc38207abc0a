"""Sentence stance on labelled sets, the cue rules beside the learned model, each set split
in two by report (a fixed hash of the report's name): `work`, the half looked at while
developing, and `held`, the half that was not. The model is learned here from a knowledge
base's documents less the held half's reports, so no figure below has seen its report.

    python bench/stance.py --home HOME GOLD.jsonl [GOLD.jsonl ...] [--c 0.1]

bench/stance_current.jsonl holds 162 sentences drawn at random from the six current-format
(ILACS) sample reports and labelled by hand for this benchmark: a check of the current
generation beside ../shared/eval/dev_stance.jsonl, whose sentences the cue rules were once
fitted to. Its errors were looked at while writing rules, so its `work` half is not unseen.

HOME is a knowledge base holding Ofsted reports (for example the sample reports
ingested with `kb --home HOME ingest ...`). Gold files hold {"sid": "<report>~<n>",
"text", "stance"} per line.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter
from pathlib import Path

from kb.home import DB_NAME
from kb.store import Store
from kb.tagging.stance import rule_stance, sentence_verdict
from kb.tagging.stance_learn import fit, labelled_sentences, store_paragraphs
from kb.tagging.stance_model import LABELS


def half(report: str) -> str:
    return "held" if int(hashlib.md5(report.encode()).hexdigest(), 16) % 2 else "work"


def report_of(sid: str) -> str:
    return sid.split("~")[0]


def figures(pairs: list[tuple[str, str]]) -> str:
    acc = sum(g == p for g, p in pairs) / len(pairs)
    f1 = {}
    for a in LABELS:
        tp = sum(g == p == a for g, p in pairs)
        wrong = sum((p == a) != (g == a) for g, p in pairs)
        f1[a] = 2 * tp / (2 * tp + wrong) if tp else 0.0
    return (f"n {len(pairs):>3}  acc {acc:.3f}  dev-F1 {f1['development']:.3f}  "
            f"ctx-F1 {f1['context']:.3f}  str-F1 {f1['strength']:.3f}")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold", nargs="+")
    ap.add_argument("--home", required=True)
    ap.add_argument("--c", type=float, default=0.1, help="inverse regularisation of the model")
    args = ap.parse_args(argv)
    sets: dict[str, list[dict]] = {}
    for path in args.gold:
        items = [json.loads(line) for line in open(path) if line.strip()]
        for part in ("work", "held"):
            sets[f"{Path(path).stem}:{part}"] = [s for s in items if half(report_of(s["sid"])) == part]
    held_reports = {Path(report_of(s["sid"])).stem for name, items in sets.items() if name.endswith(":held")
                    for s in items}
    store = Store(Path(args.home) / DB_NAME)
    docs = {d["doc_id"]: d for d in store.documents()}
    # A held report is left out by its file name, whatever doc id the store gave it.
    exclude = [i for i, d in docs.items() if Path(d.get("source") or "").stem in held_reports or i in held_reports]
    samples = list(labelled_sentences(store_paragraphs(store, exclude)))
    store.close()
    started = time.perf_counter()
    model = fit(samples, c=args.c)
    print(f"model learned from {dict(Counter(l for _, l, _ in samples))} sentences "
          f"({len(exclude)} held reports left out) in {time.perf_counter() - started:.1f} s\n")
    systems = {"rules alone": lambda t: rule_stance(t)[0],
               "learned model": lambda t: sentence_verdict(t, None, model).stance}
    for name, items in sets.items():
        if not items:
            continue
        print(name)
        for system, predict in systems.items():
            print(f"  {system:<15}{figures([(s['stance'], predict(s['text'])) for s in items])}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
