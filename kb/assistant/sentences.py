"""Sentences as the assistant's unit of evidence: each one cut verbatim from a stored
paragraph and carrying the paragraph's citation, its own stance, and whether it holds a
figure (a percentage, a count, a rate)."""
from __future__ import annotations

import re

from kb.assistant.figures import has_measure, measures, period
from kb.evidence import voice_of
from kb.tagging.text import normalise

# The keys every sentence item carries (the web pages and the JSON answer rely on them).
ITEM_KEYS = ("text", "paragraph_id", "doc_id", "title", "page", "number", "date", "stance")

_LEADING_NUMBER = re.compile(r"^\s*\d{1,3}(?:\.\d{1,2})?\.?\s+(?=[A-Z(])")
# Fewer words than this: a heading, a label or a fragment, not a statement.
MIN_WORDS = 5
# A sentence that opens by pointing back ("This means that ...", "These include ...")
# needs the sentence before it to say what it is about.
_POINTS_BACK = re.compile(r"^\s*(?:this|these|that|those|such|it|they|which)\b(?!\s+(?:year|month|quarter|report|"
                          r"inspection|paper|plan|strategy|document|self-evaluation|framework|service)s?\b)", re.I)


def _period(p: dict) -> tuple[int, int | None] | None:
    """The first and last years of a paragraph's period ("2019-21" is 2019 and 2021; the
    last is None for a single year), or None without a period."""
    m = re.match(r"((?:19|20)\d\d)(?:\s*[-/]\s*(\d{2,4}))?", p.get("period") or "")
    if not m:
        return None
    start, end = int(m.group(1)), m.group(2)
    if not end:
        return start, None
    return start, int(end) if len(end) == 4 else start // 100 * 100 + int(end)


def when(p: dict) -> str | None:
    """A paragraph's date: its document's date, or the end of the period it covers
    ("2023-24" is read as the year to 31 March 2024)."""
    if p.get("date"):
        return p["date"]
    period = _period(p)
    if not period:
        return None
    start, end = period
    return f"{start}-12-31" if end is None else f"{end}-03-31"


def years_covered(p: dict) -> tuple[int, int] | None:
    """The years a paragraph's document speaks for: its period ("2019-21" is 2019 to 2021),
    else its date's year."""
    period = _period(p)
    if period:
        start, end = period
        return start, max(start, end or start)
    if p.get("date"):
        year = int(p["date"][:4])
        return year, year
    return None


def citation(p: dict) -> dict:
    """Where a paragraph comes from, as every item of evidence states it."""
    return {"paragraph_id": p["paragraph_id"], "doc_id": p["doc_id"], "title": p.get("title"),
            "page": p.get("page"), "number": p.get("number"), "date": when(p),
            "doc_type": p.get("doc_type"), "authority": p.get("authority"),
            "voice": voice_of(p.get("doc_type") or "other"), "section": p.get("section") or []}


def has_figure(sentence: str) -> bool:
    """Whether a sentence reports a measure (kb.assistant.figures): a percentage, a rate, a
    count of children or of work done, a timescale; not a year, an age, a section number,
    a count of places ("14 localities") or a paragraph's own number at its start."""
    return has_measure(_LEADING_NUMBER.sub("", sentence))


def is_statement(text: str) -> bool:
    """Whether a sentence can stand as evidence by itself: not a table's cells, a heading,
    a label or a fragment that starts mid-thought (lower case, a stray mark)."""
    words = text.split()
    if len(words) < MIN_WORDS or "|" in text or "\t" in text.strip():
        return False
    first = text.lstrip("\"'“‘(-•* ")[:1]
    if not first or first.islower() or not (first.isalpha() or first.isdigit()):
        return False
    # A line leading into a list ("The actions are:") says nothing by itself, unless it
    # states a figure ("Since May 2018, 55 children have been born ...:").
    return not text.rstrip().endswith(":") or has_figure(text)


def sentence_items(p: dict, *, whole: bool = False) -> list[dict]:
    """The paragraph's sentences, each verbatim from its text, with stance and citation.
    Stored sentences come from the tagger, which normalises quotes; normalising maps
    one character to one, so a match in the normalised text gives the original's span.
    `whole`: a sentence that points back ("This means that ...") comes with the sentence
    before it, as one item spanning both, so that it says what it is about; a table's
    sentences are those of its cells, never a row's cells run together."""
    text = p["text"]
    flat = normalise(text)
    stored = _cell_sentences(p) if whole and p.get("kind") == "table" else p.get("sentences") or []
    if not stored and not (whole and p.get("kind") == "table"):
        stored = _split(text)
    cite = citation(p)
    items, start = [], 0
    for s in stored:
        at = flat.find(s["text"], start)
        if at < 0:
            at = flat.find(s["text"])
        if at < 0 or not s["text"].strip():
            continue
        begin, start = at, at + len(s["text"])
        if whole:   # a paragraph's own number left at its start ("24 The ...") is not its words
            lead = _LEADING_NUMBER.match(text, begin, start)
            begin = lead.end() if lead else begin
        stance = s.get("stance") or "context"
        if whole and items and _POINTS_BACK.match(s["text"]):
            before = items.pop()
            begin = before["begin"]
            if stance == "context":
                stance = before["stance"]
        original = text[begin:start]
        items.append({"text": original, **cite, "stance": stance, "figure": has_figure(original),
                      "seq": len(items), "begin": begin})
    for item in items:
        del item["begin"]
        if item["figure"]:
            item["measures"] = measures(_LEADING_NUMBER.sub("", item["text"]))
            item["period"] = period(item["text"])
    return items


_GRADE_HEADER = re.compile(r"\b(?:grade|judgement|rating)s?\b", re.I)
_STRENGTH_COLUMN = re.compile(r"\bstrengths?\b|\bworking well\b|\bwhat we do well\b", re.I)
_DEVELOPMENT_COLUMN = re.compile(r"\b(?:development|improvement|to improve|weakness(?:es)?|concerns?|gaps?|"
                                 r"next steps|priorit(?:y|ies))\b", re.I)


def _cell_sentences(p: dict) -> list[dict]:
    """The sentences in a table's cells, each with the stance its column's heading gives
    ("Areas for Development") or else its own. A table of grades holds none: its cells
    are names and grades, which kb.grades reads."""
    from kb.tagging import sentence_split, sentence_stance
    rows = p.get("rows") or [line.split(" | ") for line in p["text"].split("\n")]
    if not rows:
        return []
    header = [normalise(c or "").strip() for c in rows[0]]
    headed = all(len(c.split()) < MIN_WORDS for c in header)
    if headed and any(_GRADE_HEADER.search(c) for c in header):
        return []
    columns = [("development" if _DEVELOPMENT_COLUMN.search(c) else "strength" if _STRENGTH_COLUMN.search(c)
                else None) for c in header] if headed else []
    out = []
    for row in rows[1:] if headed else rows:
        for j, cell in enumerate(row):
            for sentence in sentence_split(normalise(cell or "")):
                stance = (columns[j] if j < len(columns) else None) or sentence_stance(sentence, p.get("doc_type"))[0]
                if stance != "context":     # names in a grid of roles and meetings say nothing
                    out.append({"text": sentence, "stance": stance})
    return out


def _split(text: str) -> list[dict]:
    """Sentences and stances for a paragraph stored without them (tags not yet computed)."""
    from kb.tagging import sentence_split, sentence_stance
    out = []
    for s in sentence_split(text):
        stance, _ = sentence_stance(s)
        out.append({"text": s, "stance": stance})
    return out


def public(item: dict) -> dict:
    """A sentence item as the answer shows it: the contract keys, then the helpful extras."""
    out = {k: item.get(k) for k in ITEM_KEYS}
    out.update({k: item.get(k) for k in ("doc_type", "authority", "voice", "section", "figure")})
    if item.get("figure"):
        out.update({"measures": item.get("measures") or [], "period": item.get("period")})
    return out
