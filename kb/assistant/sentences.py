"""Sentences as the assistant's unit of evidence: each one cut verbatim from a stored
paragraph and carrying the paragraph's citation, its own stance, and whether it holds a
figure (a percentage, a count, a rate)."""
from __future__ import annotations

import re

from kb.evidence import voice_of
from kb.tagging.text import normalise

# The keys every sentence item carries (the web pages and the JSON answer rely on them).
ITEM_KEYS = ("text", "paragraph_id", "doc_id", "title", "page", "number", "date", "stance")

_PERCENT = re.compile(r"\d(?:[\d,]*\d)?(?:\.\d+)?\s?(?:%|per\s?cent\b)", re.I)
_NUMBER = re.compile(r"(?<![\w.,/£$-])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w/]|\.\d)")
_LEADING_NUMBER = re.compile(r"^\s*\d{1,3}(?:\.\d{1,2})?\.?\s+(?=[A-Z(])")
_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
           "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
# Numbers that label or date something rather than count it: "section 47", "Key Stage 4",
# "aged 16", "paragraph 12", "Quarter 3", "7 February".
_LABEL_BEFORE = re.compile(r"(?:\b(?:section|s|stage|aged|age|ages|paragraph|para|page|pages|appendix|"
                           r"chapter|tier|level|phase|step|quarter|q|priority|version|schedule|article|"
                           r"regulation|part|annex|table|figure|year|years|no|number|item|"
                           + _MONTHS + r")\.?\s*|\baged?\s+\d+\s*(?:and|to|or|-)\s*)$", re.I)
_LABEL_AFTER = re.compile(r"^(?:\s*-?\s*(?:year|years|yr)[\s-]*olds?\b|\s*-\s*and\b|\s+and\s+\d+\s*-?\s*year|"
                          r"\s*(?:st|nd|rd|th)\b|\s+(?:" + _MONTHS + r")\b|\s*(?:am|pm)\b|\s*:\d)", re.I)


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
    """Whether a sentence reports a figure: a percentage, or a number that counts
    something rather than labelling or dating it (not a year, an age, a section number)."""
    if _PERCENT.search(sentence):
        return True
    # A paragraph's own number left at the start of its first sentence ("24 The ...").
    sentence = _LEADING_NUMBER.sub("", sentence)
    for m in _NUMBER.finditer(sentence):
        digits = m.group(1)
        plain = digits.replace(",", "")
        if plain.startswith("0") and not plain.startswith("0."):
            continue  # telephone numbers and codes
        value = float(plain)
        if "." not in plain and "," not in digits and (1900 <= value <= 2099 or value < 2 or len(plain) > 5):
            continue
        if _LABEL_BEFORE.search(sentence[max(0, m.start() - 14):m.start()]):
            continue
        if _LABEL_AFTER.match(sentence[m.end():m.end() + 16]):
            continue
        return True
    return False


def sentence_items(p: dict) -> list[dict]:
    """The paragraph's sentences, each verbatim from its text, with stance and citation.
    Stored sentences come from the tagger, which normalises quotes; normalising maps
    one character to one, so a match in the normalised text gives the original's span."""
    text = p["text"]
    flat = normalise(text)
    stored = p.get("sentences") or []
    if not stored:
        stored = _split(text)
    cite = citation(p)
    items, start = [], 0
    for s in stored:
        at = flat.find(s["text"], start)
        if at < 0:
            at = flat.find(s["text"])
        if at < 0 or not s["text"].strip():
            continue
        start = at + len(s["text"])
        original = text[at:start]
        items.append({"text": original, **cite, "stance": s.get("stance") or "context",
                      "figure": has_figure(original), "seq": len(items)})
    return items


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
    return out
