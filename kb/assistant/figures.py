"""Figures that measure something: a percentage, a rate (per 10,000, per cent), a count of
children, families or the work done with them, a timescale (days, weeks, months), a sum
of money, a proportion ("one in five"); each with the period the sentence gives for it
("in 2023/24", "at the end of March 2024"). A number that labels, dates or places
something ("14 localities", "page 12", "7 February 2024") is not a measure."""
from __future__ import annotations

import re

_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_WORD_NUM = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|a)"
# What a count counts: children and the people around them, and the pieces of work done
# with them. Places and structures (localities, hubs, teams, schools) are not measures.
_COUNTED = (
    r"children|child|young\s+people|young\s+person|babies|baby|infants?|families|family|households?|"
    r"parents?|carers?|foster(?:ing)?\s+(?:carers?|families|households)|care\s+leavers?|adopters?|mothers?|"
    r"fathers?|siblings?|girls?|boys?|pupils?|learners?|students?|"
    r"social\s+workers?|workers?|staff|practitioners?|managers?|agency\s+(?:staff|workers?)|vacancies|posts?|"
    r"referrals?|re-referrals?|contacts?|assessments?|plans?|cases?|caseloads?|visits?|episodes?|"
    r"placements?|moves?|adoptions?|orders?|audits?|reviews?|conferences?|strategy\s+(?:meetings?|discussions?)|"
    r"enquiries|investigations?|notifications?|applications?|proceedings|complaints?|allegations?|"
    r"return\s+(?:home\s+)?interviews?|missing\s+(?:episodes?|incidents?)|incidents?|exclusions?|"
    r"unaccompanied|asylum|supervisions?|sessions?|interventions?|requests?|offers?|apprenticeships?")
# A few words may stand between the number and the thing counted ("146 children",
# "423 missing episodes", "55 more looked after children").
_COUNT = re.compile(r"(?<![\w.,/£$-])(" + _NUM + r")(?![\w/%]|\.\d)\s+(?:[a-z'-]+\s+){0,3}?(?:" + _COUNTED + r")\b",
                    re.I)
# The count after what it counts: "the number of missing episodes in 2023/24 was 423",
# "caseloads of 18", "re-referrals rose to 210".
_COUNT_AFTER = re.compile(r"\b(?:" + _COUNTED + r"|number|total|average|rate)\b[^.;:|]{0,40}?\b(?:was|were|is|are|at|of|to|"
                          r"from|stood\s+at|reached|averaged?)\s+(" + _NUM + r")\b(?![\w/%]|\.\d|\s*(?:%|per\b))", re.I)
# A count laid out as a row of figures: "Contacts (children)\t8,182\t9,910".
_COUNT_CELL = re.compile(r"\b(?:" + _COUNTED + r")\b(?:\s*\([^)]*\))?(?:\t|:)\s*(" + _NUM + r")\b", re.I)
_PERCENT = re.compile(r"(?<![\w.])" + _NUM + r"\s?(?:%|per\s?cent\b)", re.I)
_RATE = re.compile(r"(?<![\w.])" + _NUM + r"\s*(?:per|/)\s*(?:10,000|10000|1,000|1000|100,000|100)\b", re.I)
_TIMESCALE = re.compile(r"(?<![\w.,/-])(" + _NUM + r")(?:\s*-\s*" + _NUM + r")?\s*(?:working\s+|calendar\s+)?"
                        r"(?:days?|weeks?|months?|hours?)\b", re.I)
_MONEY = re.compile(r"£\s?" + _NUM + r"(?:\s?(?:million|m|bn|billion|k)\b)?", re.I)
_PROPORTION = re.compile(r"\b(?:" + _NUM + "|" + _WORD_NUM + r")\s+(?:in|out\s+of)\s+(?:every\s+)?(?:" + _NUM
                         + r"|two|three|four|five|six|seven|eight|nine|ten)\b", re.I)
# A timescale that only says when ("in the last 12 months", "over the past six months")
# is a period, not a measure.
_PERIOD_BEFORE = re.compile(r"\b(?:last|past|previous|next|first|recent|coming|within\s+the\s+last)\s+$", re.I)
_YEAR_SPAN = r"(?:19|20)\d\d\s*(?:/|-|–|to)\s*(?:(?:19|20)?\d\d)"
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
          r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)")
_PERIODS = [
    re.compile(r"\b(?:at|as\s+at|by|to|until)\s+(?:the\s+)?end\s+of\s+(?:" + _MONTH + r"|quarter\s+\d|Q\d)"
               r"(?:\s+(?:19|20)\d\d)?", re.I),
    re.compile(r"\b(?:as\s+at|at|on|by)\s+\d{1,2}(?:st|nd|rd|th)?\s+" + _MONTH + r"\s+(?:19|20)\d\d\b", re.I),
    re.compile(r"\b(?:between|from)\s+" + _MONTH + r"(?:\s+(?:19|20)\d\d)?\s+(?:and|to)\s+" + _MONTH
               + r"\s+(?:19|20)\d\d\b", re.I),
    re.compile(r"\b(?:in\s+)?(?:the\s+)?(?:year|12\s+months)\s+(?:to|ending)\s+(?:\d{1,2}\s+)?" + _MONTH
               + r"\s+(?:19|20)\d\d\b", re.I),
    re.compile(r"\b(?:in|during|for|over)\s+(?:the\s+)?(?:(?:financial|reporting)\s+year\s+)?" + _YEAR_SPAN + r"\b",
               re.I),
    re.compile(r"\b" + _YEAR_SPAN + r"\b"),
    re.compile(r"\b(?:in|during)\s+(?:quarter|Q)\s*\d(?:\s+(?:of\s+)?(?:" + _YEAR_SPAN + r"|(?:19|20)\d\d))?", re.I),
    re.compile(r"\b(?:since|in|during|by)\s+(?:" + _MONTH + r"\s+)?(?:19|20)\d\d\b", re.I),
    re.compile(r"\b(?:in|over|during)\s+the\s+(?:last|past|previous)\s+(?:\d+|six|twelve|three|two)\s+"
               r"(?:months|years|weeks)\b", re.I),
]


def measures(sentence: str) -> list[str]:
    """The measures the sentence states, as written, in reading order."""
    if not any(ch.isdigit() for ch in sentence) and not _PROPORTION.search(sentence):
        return []
    found: list[tuple[int, int]] = []
    for pattern in (_PERCENT, _RATE, _MONEY, _PROPORTION):
        found += [m.span() for m in pattern.finditer(sentence)]
    for m in _TIMESCALE.finditer(sentence):
        if not _PERIOD_BEFORE.search(sentence[max(0, m.start() - 24):m.start()]):
            found.append(m.span())
    for pattern in (_COUNT, _COUNT_AFTER, _COUNT_CELL):
        for m in pattern.finditer(sentence):
            value = m.group(1).replace(",", "")
            if "." not in value and 1900 <= float(value) <= 2099:
                continue    # a year: "in 2023 children ..."
            if _LABEL_BEFORE.search(sentence[max(0, m.start(1) - 14):m.start(1)]):
                continue
            if pattern is not _COUNT and _names_other_thing(sentence[m.end(1):]):
                continue    # "children from 14 localities": the number counts the localities
            found.append(m.span() if pattern is _COUNT else m.span(1))
    found.sort()
    out, end = [], -1
    for start, stop in found:
        if start >= end:     # overlapping matches ("65.6 per 10,000" and "10,000 children") once
            out.append(sentence[start:stop].strip())
            end = stop
    return out


# Numbers that name or place something rather than count it: "section 47 enquiries",
# "Key Stage 4 pupils", "aged 16 and 17", "paragraph 12", "Quarter 3", "7 February".
_LABEL_BEFORE = re.compile(r"\b(?:section|s|stage|aged|age|ages|paragraph|para|page|pages|appendix|chapter|tier|"
                           r"level|phase|step|quarter|q|priority|version|schedule|article|regulation|part|annex|"
                           r"table|figure|year|no|number|item|tel|telephone)\.?\s*$", re.I)
_FUNCTION_WORDS = frozenset("and or in at by for of on per compared this last the across which with during from to "
                            "a an over between since as when against while than but so is was were are".split())


def _names_other_thing(after: str) -> bool:
    """Whether the word after a number names what it counts, and that is not a measure."""
    m = re.match(r"\s+([A-Za-z][\w'-]*)", after)
    return bool(m) and m.group(1).lower() not in _FUNCTION_WORDS


def period(sentence: str) -> str | None:
    """The period the sentence gives for its figures, as written, or None."""
    for pattern in _PERIODS:
        m = pattern.search(sentence)
        if m:
            return m.group(0).strip()
    return None


def has_measure(sentence: str) -> bool:
    return bool(measures(sentence))
