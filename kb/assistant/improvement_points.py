""""What needs to improve?" questions: the answer leads with the points the newest
inspection of the authority lists under its own improvement heading ("What needs to
improve?", "Recommendations", "Areas for priority action"), in the report's order,
rather than with whatever older sentence scores best."""
from __future__ import annotations

import re

from kb import framework
from kb.assistant.sentences import citation
from kb.tagging.headings import clean_heading

# Questions that ask what must get better, not how good something is.
_ASKS = re.compile(r"\bwhat\s+(?:needs?|has|have|must|should|ought)\s+(?:to\s+)?(?:be\s+)?improv|"
                   r"\bwhat\s+(?:do|does|did|should|must)\s+.{0,40}?\b(?:need\s+to\s+)?improve\b|"
                   r"\bwhat\s+(?:is|are)\s+(?:the\s+)?(?:areas?|points?|things?)\s+(?:for|to)\s+(?:improv|develop)|"
                   r"\bareas?\s+for\s+(?:improvement|development)\b|\brecommend(?:s|ed|ations?)?\b|"
                   r"\bpriority\s+actions?\b|\bimprovement\s+points?\b", re.I)
# The list headings of an inspection report: the families kb.tagging.stance_learn reads
# as development, less the graded findings ("requires improvement because ..."), which
# are a section of findings rather than a list of points.
_HEADING = re.compile(r"\bwhat needs to improve\b|\bareas? for (?:further )?(?:improvement|development)\b"
                      r"|^recommendations?\b|\bpriority (?:and immediate )?action\b|\bimmediate action\b")


def asks_for_improvements(question: str) -> bool:
    return bool(_ASKS.search(question))


def under_improvement_heading(p: dict) -> bool:
    return any(_HEADING.search(clean_heading(h)) for h in p.get("section") or [])


def newest_points(store, authority: str | None) -> tuple[dict | None, list[dict]]:
    """The newest inspector-written document of the authority (all authorities when None)
    that lists improvement points, and those points as evidence items in its order; one
    copy of a report held twice (the one with pages, else the one held first). With no
    such report held, the newest of the authority's own papers that lists its areas for
    development (a committee paper reporting an inspection's points, say), its points
    being those it tags as development."""
    held = [d for d in store.documents() if not d.get("duplicate_of")
            and (authority is None or d.get("authority") == authority)]
    # Newest first; of one date, the copy with pages, then the first held.
    held.sort(key=lambda d: (d.get("date") or "", bool(d.get("pages"))), reverse=True)
    inspectors = [d for d in held if d.get("doc_type") in framework.INSPECTOR_DOC_TYPES]
    own = [d for d in held if d.get("doc_type") not in framework.INSPECTOR_DOC_TYPES]
    for docs, development_only in ((inspectors, False), (own, True)):
        for doc in docs:
            rows = [p for p in store.paragraphs(doc_id=doc["doc_id"], include_boilerplate=False)
                    if p.get("kind") != "table" and under_improvement_heading(p) and p["text"].strip()
                    and (not development_only or p.get("stance") == "development")]
            if rows:
                return doc, [_point(p) for p in rows]
    return None, []


def _point(p: dict) -> dict:
    """A point as an item of evidence against: the paragraph's words verbatim."""
    return {"text": p["text"].strip(), **citation(p), "stance": "development", "figure": False,
            "relevance": 1.0, "coverage": 1.0, "on_criterion": True, "improvement_point": True,
            "judgement": p.get("judgement"), "paragraph_criteria": list(p.get("criteria") or {})}
