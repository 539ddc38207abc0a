"""What a heading trail says before the paragraph is read: the judgement section it
stands in (an inspection report's "<judgement>: <grade>" heading, a SIF section, a
self-evaluation heading that mirrors a judgement in other words) and sections whose
name fixes the stance ("Areas for development", "What needs to improve?")."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kb import framework

from .lexicon import COMBINED
from .text import normalise

# One pattern per judgement family; checked against a lower-cased heading.
_JUDGEMENT_HEADINGS = (
    ("in-care+care-leavers", re.compile(
        r"(children|child|young people) (in care|looked after|we care for)\b.*\b(care leavers?|leaving care)"
        r"|\b(in care|looked after) and (care leavers?|leaving care)"
        r"|\bcare leavers? and (children|young people) (in care|looked after)"
        r"|\bexperiences? and progress (of children )?in care and care leavers"
        # a heading that a line break cut short: "... children in care and care"
        r"|\bin care and care$")),
    ("care-leavers", re.compile(
        r"\bcare leavers?\b|\bleaving care\b|\bcare[- ]experienced (young people|adults)|\bpathway to adulthood")),
    ("in-care", re.compile(
        r"\bchildren (in care|looked after|we care for)\b|\blooked after children\b|\bcared for children\b"
        r"|\bachieving permanence\b|\badoption performance\b")),
    ("help-protection", re.compile(
        r"\bneeds? (of )?help and protection\b|\bhelp and protection\b|\bchildren in need of help"
        r"|\bidentifying and responding to (children's|childrens|the) needs|\bappropriate thresholds\b"
        r"|\bchildren who need help\b|\bchild(ren)? in need\b|\bchild protection\b|\bearly help\b|\bfront door\b")),
    ("leadership", re.compile(
        r"\bimpact of leaders\b|\bleadership,? management and governance\b|\bleadership and management\b"
        r"|\bleadership\b|\bleaders on social work practice")),
    ("overall", re.compile(r"\boverall effectiveness\b")),
)
# Report summaries count as the overall judgement only where an inspectorate wrote them.
_INSPECTION_SUMMARY = re.compile(
    r"^(executive summary|summary|summary of (findings|the report)|summary for children and young people)\b")

_DEVELOPMENT_HEADINGS = re.compile(
    r"\bareas? (for|of|to|requiring) (further )?(development|improvement|improve)\b|\bwhat needs to improve\b"
    r"|\bdevelopment areas?\b|\bweakness(es)?\b|\bwhat (we|they) need to (do better|improve)"
    r"|\bwhat needs to (be better|happen next)\b|\bareas to develop\b|\bpriorities for improvement\b"
    r"|\bwhat (is|are) not working\b|\bworries\b|\bwhat we are worried about\b")
_STRENGTH_HEADINGS = re.compile(
    r"\bareas? of strength|\b(key )?strengths\b(?! and difficulties)|\bwhat (is|are) working well\b|\bwhat we do well\b"
    r"|\bwhat('s| is) going well\b|\bwhat we are proud of\b")
_RECOMMENDATIONS = re.compile(r"^recommendations?\b")


@dataclass(frozen=True)
class HeadingVerdict:
    judgement: str | None = None        # an area id, "overall", or "in-care+care-leavers"
    judgement_heading: str | None = None
    stance: str | None = None           # "strength" or "development"
    stance_heading: str | None = None


def clean_heading(heading: str) -> str:
    """A heading as the heading patterns read it: plain quotes, lower case, one space."""
    text = normalise(heading).lower()
    return re.sub(r"\s+", " ", text).strip(" .:;")


def _judgement_of(text: str) -> str | None:
    """The judgement a single heading (as `clean_heading` leaves it) names, or None when it names
    none or several (a report title such as "services for children in need of help and
    protection, children looked after and care leavers" lists them all and settles nothing)."""
    found = []
    for label, pattern in _JUDGEMENT_HEADINGS:
        if pattern.search(text):
            found.append(label)
    if "in-care+care-leavers" in found:
        found = [f for f in found if f not in COMBINED]
    return found[0] if len(found) == 1 else None


def read_trail(section: list[str] | None, doc_type: str | None = None) -> HeadingVerdict:
    """The innermost heading that names a judgement settles it; likewise for stance.
    A combined "children in care and care leavers" heading is refined by a heading
    inside it that names one of the two."""
    return _read_trail(tuple(section or ()), doc_type)


@lru_cache(maxsize=4096)
def _read_trail(section: tuple[str, ...], doc_type: str | None) -> HeadingVerdict:
    # Cached: the paragraphs of a section share its trail.
    judgement = judgement_heading = stance = stance_heading = None
    inspector_report = doc_type in framework.INSPECTOR_DOC_TYPES
    for heading in section:
        text = clean_heading(heading)
        if not text:
            continue
        named = _judgement_of(text)
        if named is None and inspector_report and _INSPECTION_SUMMARY.search(text) and judgement is None:
            # A report's summary is the overall account; a "Summary" that opens a
            # judgement section (as in single inspection framework reports) is that
            # judgement's own.
            named = "overall"
        if named is not None:
            judgement, judgement_heading = named, heading
        strength = bool(_STRENGTH_HEADINGS.search(text))
        development = bool(_DEVELOPMENT_HEADINGS.search(text)) or (
            inspector_report and bool(_RECOMMENDATIONS.search(text)))
        if strength != development:   # "Areas of strength and areas for development" says neither
            stance, stance_heading = ("strength" if strength else "development"), heading
    return HeadingVerdict(judgement, judgement_heading, stance, stance_heading)


def section_grade(section: list[str] | None, doc_type: str | None, grades: dict,
                  judgement: str | None) -> str | None:
    """The grade (lower case) of the judgement section a paragraph's trail stands in,
    from its document's grades; a combined children-in-care-and-care-leavers section
    takes the grade of the one of the two the paragraph was tagged with."""
    area = read_trail(section, doc_type).judgement
    if area in (None, "overall"):
        return None
    if area == "in-care+care-leavers":
        area = judgement if judgement in COMBINED else "in-care"
    grade = grades.get(area)
    return grade.lower() if grade else None
