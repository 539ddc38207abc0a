"""Judgement of a paragraph from its text alone, measured on reports the tagger did not
learn from: the labelled paragraphs of the sample Ofsted reports (each numbered paragraph
labelled by the graded judgement section it stands in, as kb.tagging.train reads them).

    python -m bench.classify_heldout SAMPLE_DIR... [--dev DEV.jsonl] [--variants a,b]

The reports in the folders, less those the dev file holds, are split into two halves by
name (alternately); every variant learns from one half and is scored on the other, both
ways round. Each report in the ILACS format (the dev reports' format) is also scored by
the variant learned from all the other reports; last, the variant learns from all of them
and is scored on the dev paragraphs. Dev reports are never learned from. Variants are
measured in the same run, so they compare fairly:

    lexicon           the hand-written lexicon alone (the tagger with nothing learned)
    counts            the lexicon plus learned term counts (LearnedTerms, naive Bayes)
    linear-bare       a linear model of the terms beside the lexicon's score (fit_linear)
    linear-framework  ... whose terms spelling one judgement's criterion cue keep to it
    linear            ... with the opening sentence's lexicon score weighed apart too:
                      what kb/data/area_terms.json holds, fitted on every sample report

Macro-F1 is computed as ../shared/eval/evaluate.py does: a combined children-in-care-and-
care-leavers label accepts either of its two areas.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from indexer.model import ReadError
from kb.tagging import Tagger
from kb.tagging.headings import read_trail
from kb.tagging.train import fit_linear, labelled_paragraphs, report_text

AREAS = ("help-protection", "in-care", "care-leavers", "leadership")
COMBINED = "in-care+care-leavers"


def read_reports(folders: list[str], exclude: set[str]) -> dict[str, list[dict]]:
    """report file name -> [{"text", "judgement", "section"}] (judgement may be the combined
    label, which the learners split by content and the scoring accepts either way)."""
    reports: dict[str, list[dict]] = {}
    for folder in folders:
        for path in sorted(Path(folder).glob("*.pdf")):
            if path.name in exclude:
                continue
            try:
                found = labelled_paragraphs(report_text(path))
            except ReadError as exc:
                print(f"skipped {path.name}: {exc}", file=sys.stderr)
                continue
            rows = [{"text": p["text"], "judgement": read_trail(p["section"]).judgement, "section": p["section"]}
                    for p in found]
            if rows:
                reports[path.name] = rows
    return reports


def read_dev(path: str) -> tuple[set[str], list[dict]]:
    names, rows = set(), []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                report = json.loads(line)
                names.add(Path(report["report"]).name)
                rows += [{"text": p["text"], "judgement": p["judgement"]} for p in report["paragraphs"]]
    return names, rows


def macro_f1(pairs: list[tuple[str, str]]) -> tuple[float, dict[str, float]]:
    tp, fp, fn = Counter(), Counter(), Counter()
    for gold, predicted in pairs:
        if gold == COMBINED:
            gold = predicted if predicted in ("in-care", "care-leavers") else "in-care"
        if gold == predicted:
            tp[gold] += 1
        else:
            fn[gold] += 1
            fp[predicted] += 1
    f1 = {}
    for area in set(tp) | set(fn):
        precision = tp[area] / (tp[area] + fp[area]) if tp[area] + fp[area] else 0.0
        recall = tp[area] / (tp[area] + fn[area]) if tp[area] + fn[area] else 0.0
        f1[area] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return sum(f1.values()) / len(f1), f1


def learn_counts(reports: list[list[dict]]) -> Tagger:
    tagger = Tagger()
    for rows in reports:
        tagger.learn(rows)
    return tagger


VARIANTS = {
    "lexicon": lambda reports: Tagger(),
    "counts": learn_counts,
    "linear-bare": lambda reports: Tagger(fit_linear(reports, framework_owned=False, opening_lexicon=False)),
    "linear-framework": lambda reports: Tagger(fit_linear(reports, opening_lexicon=False)),
    "linear": lambda reports: Tagger(fit_linear(reports)),
}


def score(tagger: Tagger, rows: list[dict]) -> tuple[float, dict[str, float]]:
    return macro_f1([(r["judgement"], tagger.tag(r["text"]).judgement) for r in rows])


def line(label: str, result: tuple[float, dict[str, float]]) -> str:
    f1, per = result
    areas = " ".join(f"{a} {per.get(a, 0.0):.3f}" for a in AREAS)
    return f"  {label:<14} macro-F1 {f1:.3f}  ({areas})"


def is_ilacs(rows: list[dict]) -> bool:
    """A report in the ILACS format (2018 on), as the dev reports are: its sections name
    the impact of leaders, where the SIF's named leadership, management and governance."""
    return any("impact of leaders" in h.lower() for r in rows for h in r["section"])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+")
    parser.add_argument("--dev", help="the dev paragraphs (JSONL, as evaluate.py reads them)")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    args = parser.parse_args(argv)
    dev_names, dev_rows = read_dev(args.dev) if args.dev else (set(), [])
    reports = read_reports(args.folders, dev_names)
    names = sorted(reports)
    halves = (names[0::2], names[1::2])
    ilacs = [n for n in names if is_ilacs(reports[n])]
    count = sum(len(r) for r in reports.values())
    print(f"{len(names)} reports, {count} labelled paragraphs ({len(ilacs)} reports in the ILACS format); "
          f"dev: {len(dev_names)} reports, {len(dev_rows)} paragraphs (never learned from)")

    def judged(tagger: Tagger, rows: list[dict]) -> list[tuple[str, str]]:
        return [(r["judgement"], tagger.tag(r["text"]).judgement) for r in rows]

    for variant in args.variants.split(","):
        build = VARIANTS[variant]
        started = time.perf_counter()
        print(f"{variant}:")
        pooled: list[tuple[str, str]] = []
        for k, (train, test) in enumerate((halves, halves[::-1])):
            pairs = judged(build([reports[n] for n in train]), [r for n in test for r in reports[n]])
            pooled += pairs
            print(line(f"half {'AB'[k]}->{'BA'[k]}", macro_f1(pairs)))
        print(line("halves pooled", macro_f1(pooled)))
        if ilacs:
            # Each ILACS-format report scored by a tagger learned from all the others.
            pairs = [p for n in ilacs for p in judged(build([reports[m] for m in names if m != n]), reports[n])]
            print(line("ILACS, 1 out", macro_f1(pairs)))
        if dev_rows:
            print(line("dev", macro_f1(judged(build([reports[n] for n in names]), dev_rows))))
        print(f"  ({time.perf_counter() - started:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
