"""How many of an inspection report folder's graded judgements `kb docs --json` gets right,
against a gold file of grades read from the reports by hand.

    python bench/grades.py FOLDER GOLD.json [--kb CMD]

GOLD.json maps a report's file name to {judgement id: grade}, grades spelt as the
framework spells them (e.g. bench/older_grades.json for the older Ofsted reports). The
folder is ingested with the kb command (default: the `kb` beside this interpreter) into a
temporary home. Prints right/total for each judgement id and over all, the grades given
that the gold file does not hold, each miss, and the document types found."""
from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

KB = str(Path(sys.executable).with_name("kb"))


def kb(cmd: str, home: str, *args: str) -> str:
    p = subprocess.run(shlex.split(cmd) + ["--home", home, *args], capture_output=True, text=True)
    # ingest exits 1 when some file failed (e.g. a web page saved as .pdf): still measured.
    if p.returncode not in (0, 1) or (p.returncode == 1 and args[0] != "ingest"):
        sys.exit(f"kb {' '.join(args)} failed ({p.returncode}):\n{p.stderr[-2000:]}")
    return p.stdout


def ingested_docs(cmd: str, folder: str) -> list[dict]:
    with tempfile.TemporaryDirectory() as home:
        kb(cmd, home, "ingest", folder)
        return json.loads(kb(cmd, home, "docs", "--json"))


def normal(grade: str | None) -> str | None:
    """ "Requires improvement" and "requires improvement to be good" are one grade."""
    if grade is None:
        return None
    grade = grade.lower().strip()
    return "requires improvement to be good" if grade.startswith("requires improvement") else grade


def compare(gold: dict[str, dict[str, str]], docs: list[dict]):
    """(right, total) per judgement id, grades given beyond the gold, and the misses."""
    by_file = {os.path.basename(d.get("source") or ""): d for d in docs}
    right, total, extra, misses = Counter(), Counter(), Counter(), []
    for name, wanted in gold.items():
        got = (by_file.get(name) or {}).get("grades") or {}
        for jid, grade in wanted.items():
            total[jid] += 1
            if normal(got.get(jid)) == normal(grade):
                right[jid] += 1
            else:
                misses.append((name, jid, grade, got.get(jid)))
        for jid in got.keys() - wanted.keys():
            extra[jid] += 1
            misses.append((name, jid, None, got[jid]))
    return right, total, extra, misses


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder")
    ap.add_argument("gold")
    ap.add_argument("--kb", default=KB, help="how to call the kb command line")
    args = ap.parse_args(argv)
    gold = json.loads(Path(args.gold).read_text("utf-8"))
    docs = ingested_docs(args.kb, args.folder)
    right, total, extra, misses = compare(gold, docs)
    for jid in sorted(total):
        print(f"{jid:16} {right[jid]:3}/{total[jid]:<3}" + (f"  (+{extra[jid]} not in gold)" if extra[jid] else ""))
    for jid in sorted(extra.keys() - total.keys()):
        print(f"{jid:16}   0/0    (+{extra[jid]} not in gold)")
    print(f"{'all':16} {sum(right.values()):3}/{sum(total.values())}  "
          f"({sum(extra.values())} grades not in gold)")
    for name, jid, want, got in misses:
        print(f"  miss {name}: {jid} wanted {want}, got {got}")
    types = Counter(d.get("doc_type") for d in docs)
    print("doc types: " + ", ".join(f"{t} {n}" for t, n in types.most_common()))
    missing = sorted(gold.keys() - {os.path.basename(d.get("source") or "") for d in docs})
    if missing:
        print("not ingested: " + ", ".join(missing))


if __name__ == "__main__":
    main(sys.argv[1:])
