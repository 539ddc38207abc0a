"""Learn judgement-area terms from Ofsted report PDFs (ILACS or SIF), or their text: each
numbered paragraph is labelled by the graded judgement section it stands in, and only term
counts are written, never the reports' text. Load the result with LearnedTerms.load and
pass it to Tagger(learned=...).

    python -m kb.tagging.train --out TERMS.json REPORT.pdf|REPORT.txt ...
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pypdfium2 as pdfium

from indexer.model import ReadError

from .headings import read_trail
from .tagger import Tagger

_GRADE = r"(?:outstanding|good|requires? improvement(?: to be good)?|inadequate)"
# A judgement section heading followed by its grade, in the flattened report text; the
# SIF's sub-judgements are announced as "The graded judgement for adoption performance
# is that it is good", and early SIF reports write "... are good", "... require
# improvement" and "judgment".
_SECTION = re.compile(
    r"((?:the )?experiences? and progress of [a-z ,'\u2019]{5,90}?"
    r"|(?:the )?impact of leaders on social work practice with children and families"
    r"|leadership, management and governance"
    r"|the graded judge?ment (?:for|about) [a-z ,'\u2019]{5,90}? is(?: that it is)?)"
    r"\s*(?:are|is)?\s*:?\s*" + _GRADE + r"\b", re.I)
# Sections that hold numbered items belonging to no single judgement; a SIF report's
# review of the safeguarding board follows the leadership section and must not extend it.
_UNLABELLED = re.compile(r"Recommendations\s+(?=1\.)|What needs to improve|Summary for children and young people"
                         r"|Executive summary|Information about this"
                         r"|(?i:section 2: the effectiveness of the local safeguarding"
                         r"|the (?:local safeguarding children board|effectiveness of the lscb) (?:is )?" + _GRADE +
                         r"|what the inspection judge?ments mean)")
# Paragraph numbers rise by one, or a little more where a paragraph opens in a way the
# pattern misses; a number further on is a figure or a page number that happens to
# precede a full stop ("... rose to 872. The ..."), not the next paragraph.
MAX_NUMBER_STEP = 5
_NUMBERED = re.compile(r"(?:(?<=\s)|^)(\d{1,3})\.\s+(?=[A-Z\u2018'\"])")
_END = re.compile(r"The Office for Standards in Education, Children|Ofsted has published|Ofsted will")


def report_text(path: Path) -> str:
    """A report's text on one line: a PDF through pdfium, or text already extracted."""
    if path.suffix.lower() in (".txt", ".md"):
        try:
            return re.sub(r"\s+", " ", path.read_text("utf-8", errors="replace"))
        except OSError as exc:
            raise ReadError(f"cannot read {path}: {exc.strerror}") from None
    try:
        document = pdfium.PdfDocument(str(path))
    except Exception as exc:  # pdfium raises its own error types for unreadable files
        raise ReadError(f"{path.name} is not a PDF that can be read ({exc})") from None
    pages = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    text = "\n".join(pages).replace("\ufffe", "-").replace("\u00ad", "")
    return re.sub(r"\s+", " ", text)


def _numbered_run(found: list[re.Match]) -> list[tuple[int, int, int]]:
    """The longest run of the numbered items whose numbers rise by 1 to MAX_NUMBER_STEP,
    as (number, where its number starts, where its text starts)."""
    items = [(int(m.group(1)), m.start(), m.end()) for m in found]
    length, previous = [1] * len(items), [-1] * len(items)
    for i, (number, _, _) in enumerate(items):
        for j in range(i):
            if 0 < number - items[j][0] <= MAX_NUMBER_STEP and length[j] + 1 > length[i]:
                length[i], previous[i] = length[j] + 1, j
    run: list[tuple[int, int, int]] = []
    i = max(range(len(items)), key=length.__getitem__, default=-1)
    while i >= 0:
        run.append(items[i])
        i = previous[i]
    return run[::-1]


def labelled_paragraphs(text: str) -> list[dict]:
    """[{"text", "section"}] for each numbered paragraph under a graded judgement heading,
    numbers increasing through the report (so a grade table or a recommendation list
    numbered from 1 cannot pass for findings)."""
    end = _END.search(text)
    text = text[:end.start()] if end else text
    marks = [(m.start(), m.end(), m.group(1)) for m in _SECTION.finditer(text)]
    marks += [(m.start(), m.end(), None) for m in _UNLABELLED.finditer(text)]
    marks.sort()
    out: list[dict] = []
    last_number = 0
    for i, (_, body_start, heading) in enumerate(marks):
        body_end = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        if heading is None or read_trail([heading]).judgement is None:
            continue
        body = text[body_start:body_end]
        starts = _numbered_run([m for m in _NUMBERED.finditer(body) if int(m.group(1)) > last_number])
        for j, (number, _, text_start) in enumerate(starts):
            stop = starts[j + 1][1] if j + 1 < len(starts) else len(body)
            paragraph = body[text_start:stop].strip()
            if len(paragraph) >= 60:
                out.append({"text": paragraph, "section": [heading]})
                last_number = number
    return out


def main(argv: list[str]) -> int:
    if "--out" not in argv or argv.index("--out") + 1 >= len(argv):
        print(__doc__, file=sys.stderr)
        return 2
    i = argv.index("--out")
    out = Path(argv[i + 1])
    del argv[i:i + 2]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    tagger = Tagger()
    try:
        for name in argv:
            paragraphs = labelled_paragraphs(report_text(Path(name)))
            learned = tagger.learn(paragraphs)
            print(f"{Path(name).name}: {learned} labelled paragraphs")
        tagger.save_learned(out)
    except ReadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
