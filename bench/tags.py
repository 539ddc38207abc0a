"""How paragraph stance reads across a knowledge base: the share of `mixed` paragraphs, and
of paragraphs tagged `development` inside judgement sections that inspectors graded Good
or Outstanding (a few are right: good services still have caveats; many are not).

    python bench/tags.py --home HOME            an existing knowledge base
    python bench/tags.py FOLDER_OR_FILE ...     ingested into a temporary one first

Figures are printed per document type, then for inspection reports by grade of section.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

from kb import framework
from kb.tagging.headings import section_grade

KB = str(Path(sys.executable).with_name("kb"))
GOOD = {"good", "outstanding"}


def kb(home: str, *args: str) -> str:
    done = subprocess.run([KB, "--home", home, *args], capture_output=True, text=True)
    if done.returncode not in (0, 1):   # 1: some files failed, the rest were ingested
        sys.exit(done.stderr[-2000:])
    return done.stdout


def report(home: str) -> None:
    docs = {d["doc_id"]: d for d in json.loads(kb(home, "docs", "--json"))}
    by_type: dict[str, Counter] = defaultdict(Counter)
    graded: dict[str, Counter] = defaultdict(Counter)
    for line in kb(home, "export", "--format", "jsonl").splitlines():
        p = json.loads(line)
        if p.get("boilerplate") or p.get("kind") == "heading":
            continue
        doc = docs.get(p["doc_id"], {})
        kind = doc.get("doc_type", "?")
        by_type[kind][p["stance"]] += 1
        if kind in framework.INSPECTOR_DOC_TYPES:
            grade = section_grade(p.get("section"), doc.get("doc_type"), doc.get("grades") or {},
                                  p.get("judgement"))
            if grade:
                graded["good or outstanding" if grade in GOOD else "RI or inadequate"][p["stance"]] += 1
    print(f"{'document type':<22}{'paragraphs':>11}{'mixed':>8}{'develop.':>9}{'strength':>9}{'context':>8}")
    for kind, c in sorted(by_type.items()):
        n = sum(c.values())
        print(f"{kind:<22}{n:>11}" + "".join(f"{c[s] / n:>{w}.1%}" for s, w in
                                            (("mixed", 8), ("development", 9), ("strength", 9), ("context", 8))))
    total = sum((c for c in by_type.values()), Counter())
    n = sum(total.values()) or 1
    print(f"{'all':<22}{n:>11}{total['mixed'] / n:>8.1%}{total['development'] / n:>9.1%}"
          f"{total['strength'] / n:>9.1%}{total['context'] / n:>8.1%}")
    print("\ninspection paragraphs inside judgement sections, by the section's grade:")
    for band, c in sorted(graded.items()):
        n = sum(c.values())
        print(f"  {band:<22}{n:>6} paragraphs  development {c['development'] / n:.1%}  mixed {c['mixed'] / n:.1%}"
              f"  strength {c['strength'] / n:.1%}")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--home")
    args = ap.parse_args(argv)
    if args.home:
        report(args.home)
        return 0
    if not args.paths:
        ap.error("give --home or files to ingest")
    with tempfile.TemporaryDirectory() as home:
        kb(home, "ingest", *args.paths)
        report(home)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
