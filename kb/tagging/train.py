"""Learn judgement-area terms from Ofsted report PDFs (ILACS or SIF), or their text: each
numbered paragraph is labelled by the graded judgement section it stands in, and only
numbers derived from the terms are written, never the reports' text. Load the result with
scoring.load_learned and pass it to Tagger(learned=...).

    python -m kb.tagging.train [--linear] [--exclude NAME ...] --out TERMS.json REPORT.pdf|REPORT.txt ...

Without --linear, term counts per area (LearnedTerms); with it, a linear model fitted on
them beside the lexicon (LinearModel), which is what kb/data/area_terms.json holds.
--exclude leaves out a report by file name (the evaluation's own reports, say).
"""
from __future__ import annotations

import math
import random
import re
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

import pypdfium2 as pdfium

from indexer.model import ReadError

from kb import framework

from .headings import read_trail
from .lexicon import CRITERION_TERMS
from .scoring import AREAS, STOPWORDS, TEMPERATURE, AreaScorer, LinearModel, learned_features
from .tagger import Tagger, _split_combined
from .text import tokens

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


# Fitting the linear model. Each choice was measured against the lexicon alone and the
# learned counts on held-out halves of the sample reports (bench/classify_heldout.py).
LINEAR_MIN_SOURCES = 3        # a term must occur in this many reports ...
LINEAR_MIN_PARAGRAPHS = 5     # ... and this many paragraphs, so no one report's wording decides
LINEAR_L2 = 0.01
LINEAR_EPOCHS = 12
LINEAR_RATE = 0.03            # first epoch's step; it falls as 1 / epoch


def framework_terms() -> dict[str, str]:
    """Learned terms that spell a criterion cue of exactly one judgement (the framework's
    cues and the lexicon's criterion cues), with that judgement; a cue of several words is
    held by its adjacent word pairs."""
    judgement_of = {c.id: c.judgement for c in framework.criteria()}
    cues = [(cue, c.judgement) for c in framework.criteria() for cue in c.cues]
    cues += [(cue, judgement_of[cid]) for cid, phrases in CRITERION_TERMS.items() for cue in phrases]
    owners: dict[str, set[str]] = {}
    for cue, judgement in cues:
        every = tokens(cue)
        words = [w for w in every if w not in STOPWORDS]
        held = set(words) if len(every) == 1 else {f"{a} {b}" for a, b in zip(words, words[1:])}
        for term in held:
            owners.setdefault(term, set()).add(judgement)
    single = {t: next(iter(js)) for t, js in owners.items() if len(js) == 1}
    return {t: a for t, a in single.items() if a in AREAS}


def _examples(reports: Iterable[Iterable[Mapping]], scorer: AreaScorer) -> list[list[tuple]]:
    """Per report, (terms, lexicon scores of the whole text and of its opening sentence,
    both over TEMPERATURE, area index) for each paragraph with an area; a combined
    in-care-and-care-leavers label is split by content, as Tagger.learn splits it."""
    out = []
    for paragraphs in reports:
        rows = []
        for p in paragraphs:
            text = p.get("text") or ""
            area = p.get("judgement") or read_trail(p.get("section")).judgement
            evidence = scorer.evidence(text)
            if area == "in-care+care-leavers":
                area = _split_combined(evidence.raw)
            if text and area in AREAS:
                lexicon = [evidence.raw[a] / TEMPERATURE for a in AREAS]
                opening = [evidence.opening[a] / TEMPERATURE for a in AREAS]
                rows.append((learned_features(evidence.expanded), lexicon, opening, AREAS.index(area)))
        out.append(rows)
    return out


def fit_linear(reports: Iterable[Iterable[Mapping]], *, framework_owned: bool = True,
               opening_lexicon: bool = True, seed: int = 0) -> LinearModel:
    """A LinearModel fitted by stochastic gradient descent on the cross-entropy of the
    areas, given one iterable of labelled paragraphs (as Tagger.learn takes them) per
    report. The lexicon's score is a feature beside the terms, and so (with
    `opening_lexicon`) is its score of the opening sentence, which states the paragraph's
    theme: the data say how much more that sentence counts.

    Areas are weighted inversely to their frequency, since every area counts alike in
    macro-F1 and reports give care leavers far fewer paragraphs than children in care.
    With `framework_owned`, a term that spells a criterion cue of one judgement may not
    point to another judgement more than to its own: older reports (SIF) filed some work,
    pre-proceedings above all, under a section that ILACS does not."""
    per_report = _examples(reports, AreaScorer())
    sources: Counter = Counter()
    paragraphs: Counter = Counter()
    for rows in per_report:
        sources.update({t for terms, *_ in rows for t in terms})
        for terms, *_ in rows:
            paragraphs.update(terms)
    vocabulary = {t for t, n in sources.items() if n >= LINEAR_MIN_SOURCES and paragraphs[t] >= LINEAR_MIN_PARAGRAPHS}
    examples = [([t for t in terms if t in vocabulary], lexicon, opening, y)
                for rows in per_report for terms, lexicon, opening, y in rows]
    if not examples:
        raise ReadError("no labelled paragraphs to fit a model on")
    n = len(AREAS)
    frequency = Counter(y for *_, y in examples)
    area_weight = [len(examples) / (n * frequency[k]) if frequency[k] else 0.0 for k in range(n)]
    owned = {t: AREAS.index(a) for t, a in framework_terms().items() if t in vocabulary} if framework_owned else {}
    weights: dict[str, list[float]] = {t: [0.0] * n for t in vocabulary}
    bias = [0.0] * n
    lexicon_weight, opening_weight = 1.0, 0.0
    shuffle = random.Random(seed).shuffle
    for epoch in range(LINEAR_EPOCHS):
        step = LINEAR_RATE / (1 + epoch)
        shrink = 1 - step * LINEAR_L2
        shuffle(examples)
        for terms, lexicon, opening, y in examples:
            rows = [weights[t] for t in terms]
            logits = [lexicon_weight * lexicon[k] + opening_weight * opening[k] + bias[k] + sum(r[k] for r in rows)
                      for k in range(n)]
            top = max(logits)
            exp = [math.exp(z - top) for z in logits]
            total = sum(exp)
            grad = [step * area_weight[y] * (e / total - (k == y)) for k, e in enumerate(exp)]
            lexicon_weight -= sum(g * v for g, v in zip(grad, lexicon))
            if opening_lexicon:
                opening_weight -= sum(g * v for g, v in zip(grad, opening))
            for k in range(n):
                bias[k] -= grad[k]
            for r in rows:
                for k in range(n):
                    r[k] = r[k] * shrink - grad[k]
            for t in terms:
                if t in owned:   # projected back: no area above the cue's own
                    r, own = weights[t], owned[t]
                    for k in range(n):
                        r[k] = min(r[k], r[own])
    terms = {t: {a: round(w[k], 3) for k, a in enumerate(AREAS) if abs(w[k]) >= 0.001}
             for t, w in weights.items()}
    return LinearModel({t: per for t, per in terms.items() if per},
                       {a: round(bias[k], 4) for k, a in enumerate(AREAS)},
                       round(lexicon_weight, 4), round(opening_weight, 4), len(per_report))


def _option(argv: list[str], name: str) -> list[str]:
    """The values of every `name VALUE` in argv, removed from it."""
    values = []
    while name in argv and argv.index(name) + 1 < len(argv):
        i = argv.index(name)
        values.append(argv[i + 1])
        del argv[i:i + 2]
    return values


def main(argv: list[str]) -> int:
    argv = list(argv)
    out = _option(argv, "--out")
    skipped = set(_option(argv, "--exclude"))
    linear = "--linear" in argv
    argv = [a for a in argv if a != "--linear"]
    if len(out) != 1 or not argv:
        print(__doc__, file=sys.stderr)
        return 2
    tagger = Tagger()
    reports = []
    try:
        # In name order, so that the same reports fit the same model however they are listed.
        for name in sorted(argv, key=lambda a: Path(a).name):
            if Path(name).name in skipped:
                print(f"{Path(name).name}: excluded")
                continue
            paragraphs = labelled_paragraphs(report_text(Path(name)))
            if linear:
                reports.append(paragraphs)
                print(f"{Path(name).name}: {len(paragraphs)} labelled paragraphs")
            else:
                print(f"{Path(name).name}: {tagger.learn(paragraphs)} labelled paragraphs")
        if linear:
            model = fit_linear(reports)
            model.save(Path(out[0]))
            print(f"fitted on {model.reports} reports: {len(model.terms)} terms")
        else:
            tagger.save_learned(Path(out[0]))
    except ReadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {out[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
