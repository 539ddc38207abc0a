"""Print layout-debris counts for the PDFs of one or more folders, read and segmented as
`kb ingest` does (no tagging, no store):

    .venv/bin/python bench/layout.py FOLDER... [--show KIND]

Counts, per folder: paragraphs that are contents lines; footnote markers (a bare number, a
number opening a paragraph, or a number glued to the end of a word); fragments (a paragraph
that does not end a sentence, followed by a paragraph that starts in lower case or any that
starts with a stop or comma); headings that are a grade or a fragment ("good.", "protection:
good"); lead-ins kept apart from the list items that continue their sentence; paragraphs
whose trail holds a graded judgement section under a summary heading. --show KIND prints
the examples of one count (contents, marker, fragment, heading, lead-in, nested)."""
from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from indexer.model import ReadError  # noqa: E402
from indexer.readers import read_bytes  # noqa: E402
from indexer.segment import segment  # noqa: E402
from indexer.clean import ends_sentence  # noqa: E402

GRADE = r"(?:outstanding|good|inadequate|requires? improvement(?: to be good)?)"
_CONTENTS = re.compile(r"(?:\.{4,}|…{2,}|\s)\s*\d{1,3}$")
_MARKER = re.compile(r"^[\d\s,*†‡§]{1,8}$|^\d{1,2}\s+[A-Z]|[a-z]{3,}\d{1,2}(?=[\s.,;:]|$)")
_GRADE_HEADING = re.compile(rf"^(?:judgement\s*:?\s*|is\s+|are\s+)?{GRADE}\.?$", re.I)
_JUDGEMENT = re.compile(
    r"^(?:the )?(?:experiences? and progress of|impact of leaders|leadership, management"
    r"|children who need help and protection|children looked after and|care leavers)", re.I)
_SUMMARY = re.compile(r"summary|what needs to improve|recommendations|areas for improvement", re.I)


def counts(paragraphs) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {k: [] for k in ("contents", "marker", "fragment", "heading", "lead-in", "nested")}
    headings = {h for p in paragraphs for h in p.section}
    for h in headings:
        if _GRADE_HEADING.match(h) or h[:1].islower():
            found["heading"].append(h)
    for i, p in enumerate(paragraphs):
        lines = [" ".join(r) for r in p.rows] if p.rows else [p.text]
        if any(_CONTENTS.search(line) and re.search(r"\.{4,}|…{2,}", line) for line in lines) \
                or (p.rows and sum(bool(re.fullmatch(r"\d{1,3}", r[-1])) for r in p.rows) >= 0.6 * len(p.rows) >= 1.2):
            found["contents"].append(p.text[:100])
        if p.kind != "table" and p.number is None and _MARKER.search(p.text):
            found["marker"].append(p.text[:100])
        nxt = paragraphs[i + 1] if i + 1 < len(paragraphs) else None
        starts_inside = nxt is not None and (nxt.text[:1] in ".,;:)" or (nxt.text[:1].islower() and nxt.kind == "paragraph"))
        if starts_inside and p.kind != "table" and not ends_sentence(p.text) and nxt.section == p.section:
            found["fragment"].append(f"{p.text[-60:]} || {nxt.text[:60]}")
        if nxt is not None and p.kind in ("paragraph", "list_item") and nxt.kind == "list_item" \
                and p.text.rstrip().endswith(":") and (nxt.text[0].islower() or nxt.text[0].isdigit()):
            found["lead-in"].append(p.text[:100])
        trail = p.section
        for j, h in enumerate(trail):
            if _JUDGEMENT.match(h) and re.search(GRADE, h, re.I) and any(_SUMMARY.search(o) for o in trail[:j]):
                found["nested"].append(" > ".join(trail)[:160])
                break
    return found


def main(argv: list[str]) -> None:
    show = None
    if "--show" in argv:
        k = argv.index("--show")
        show = argv[k + 1]
        argv = argv[:k] + argv[k + 2:]
    for folder in argv:
        total: Counter = Counter()
        for path in sorted(Path(folder).glob("*.pdf")):
            try:
                paragraphs = segment(read_bytes(path.read_bytes(), path.name))
            except ReadError:
                continue
            total["documents"] += 1
            total["paragraphs"] += len(paragraphs)
            for kind, items in counts(paragraphs).items():
                total[kind] += len(items)
                if kind == show:
                    for item in items:
                        print(f"{path.stem}: {item}")
        print(folder, " ".join(f"{k}={v}" for k, v in total.items()))


if __name__ == "__main__":
    main(sys.argv[1:])
