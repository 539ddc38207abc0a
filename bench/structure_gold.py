"""Write a structure gold file for a folder of Ofsted reports, in the form of
`../shared/eval/dev_structure.jsonl`, so that `evaluate.py structure` can measure any folder:
each report's numbered paragraphs with the judgement section they stand in, and its grades.

    python bench/structure_gold.py FOLDER OUT.jsonl [--grades GRADES.json]

The paragraphs come from a second, independent reading of each PDF (its text flattened,
numbered paragraphs found under graded judgement headings: kb.tagging.train), not from the
knowledge base's reader, so the two can disagree. Grades come from a hand-read gold file
(bench/older_grades.json for the older sample reports). The output quotes the reports:
keep it out of the repository.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kb.tagging.headings import read_trail
from kb.tagging.train import labelled_paragraphs, report_text


def gold_of(pdf: Path, grades: dict) -> dict:
    paragraphs = []
    for n, p in enumerate(labelled_paragraphs(report_text(pdf)), 1):
        judgement = read_trail(p["section"]).judgement
        paragraphs.append({"n": n, "judgement": judgement, "text": p["text"]})
    # evaluate.py reads "requires improvement to be good" as "requires improvement".
    graded = {k: v.replace(" to be good", "") for k, v in grades.get(pdf.name, {}).items()}
    return {"report": pdf.name, "grades": graded, "paragraphs": paragraphs}


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--grades", type=Path)
    args = ap.parse_args(argv)
    grades = json.loads(args.grades.read_text()) if args.grades else {}
    reports = [gold_of(pdf, grades) for pdf in sorted(args.folder.glob("*.pdf"))]
    reports = [r for r in reports if r["paragraphs"]]
    with args.out.open("w") as f:
        for r in reports:
            f.write(json.dumps(r) + "\n")
    print(f"{len(reports)} reports, {sum(len(r['paragraphs']) for r in reports)} paragraphs -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
