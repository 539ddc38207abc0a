"""Grade questions ("What grade did Durham get at its last inspection?", "How was help and
protection judged?") answered from the grades read from the reports (kb.grades): the
latest inspection's judgements and date, each cited to the report, and the change since
the inspection before; never a table's header row picked as a sentence."""
from __future__ import annotations

import re

from kb import framework, grades
from kb.assistant.sentences import citation

_ASKS = re.compile(r"\bgrade[ds]?\b|\bgrading\b|\bjudged\b|\brated\b|\bratings?\b|\bjudgements?\s+(?:did|was|were)\b|"
                   r"\b(?:ofsted|inspection)\s+(?:result|outcome)s?\b|\bhow\s+did\s+.{1,40}?\s+do\s+(?:at|in)\s+"
                   r"(?:its|their|our|the)\s+(?:last\s+|latest\s+|most\s+recent\s+)?inspection\b", re.I)
# Questions of why a grade was given want the findings, not the grade.
_WHY = re.compile(r"^\s*why\b|\bbecause\b|\breasons?\b", re.I)
# With no authority in scope, at most this many authorities' overall grades are listed.
MAX_AUTHORITIES = 12
_GOOD = ("outstanding", "good")


def asks_for_grades(question: str) -> bool:
    return bool(_ASKS.search(question)) and not _WHY.search(question)


def grade_items(store, scope, judgements: list[str]) -> tuple[list[dict], str]:
    """Sentence-like items stating the latest grades of the authorities in `scope` (a name,
    several, or None for all held), each cited to its report, and a message saying which
    inspection they come from and how it moved from the one before."""
    table = grades.build(store.documents())
    wanted = {scope.casefold()} if isinstance(scope, str) else {s.casefold() for s in scope or ()}
    held = [a for a in table.authorities if not wanted or a.authority.casefold() in wanted]
    held = [a for a in held if a.latest]
    if not held:
        who = ", ".join(scope) if isinstance(scope, tuple) else scope
        return [], (f"No Ofsted inspection report of {who} is held, so there are no grades to give "
                    "(focused and monitoring visits grade nothing)." if who else
                    "No Ofsted inspection report is held, so there are no grades to give.")
    if len(held) > 1 and not wanted:
        held = sorted(held, key=lambda a: a.latest.date or "", reverse=True)[:MAX_AUTHORITIES]
        items = [_item(store, a.latest, "overall", a.authority) for a in held if "overall" in a.latest.grades]
        return items, ("The latest inspections' overall effectiveness, newest first; name an authority "
                       "for each of its judgements.")
    items, lines = [], []
    for a in held:
        latest = a.latest
        keys = [k for k in judgements if k in latest.grades] + ["overall"]
        keys += [k for k in grades.grade_keys() if k in latest.grades]
        items += [_item(store, latest, k, a.authority if len(held) > 1 else None)
                  for k in dict.fromkeys(keys) if k in latest.grades]
        lines.append(_line(a))
    return items, " ".join(lines)


def _line(a: grades.AuthorityGrades) -> str:
    latest, before = a.latest, a.previous
    when = latest.date or "undated"
    text = f"{a.authority}'s latest Ofsted inspection is the {grades.type_name(latest.doc_type)} of {when}."
    overall = latest.grades.get("overall")
    if before and overall and before.grades.get("overall"):
        move = a.changes().get("overall")
        was = grades.grade_name(before.grades["overall"]).lower()
        text += (f" Overall effectiveness {move} from {was} (the inspection of {before.date or 'undated'})."
                 if move in (grades.IMPROVED, grades.DECLINED)
                 else f" Overall effectiveness was {was} at the inspection before, of {before.date or 'undated'}, too.")
    if not latest.grades:
        text += " Its grades could not be read from the report."
    return text


def _item(store, inspection: grades.Inspection, key: str, authority: str | None) -> dict:
    grade = inspection.grades[key]
    label = framework.graded_title(key)
    text = f"{authority}: {label}: {grades.grade_name(grade)}" if authority else f"{label}: {grades.grade_name(grade)}"
    return {"text": text, **citation(_grades_paragraph(store, inspection.doc_id, label)),
            "stance": "strength" if grade in _GOOD else "development", "figure": False,
            "relevance": 1.0, "coverage": 1.0, "on_criterion": True, "grade": grade, "grade_key": key}


def _grades_paragraph(store, doc_id: str, label: str) -> dict:
    """The paragraph the grade is read from: the report's table of judgements, or the
    paragraph naming the judgement, else the report's first paragraph."""
    rows = list(store.paragraphs(doc_id=doc_id, include_boilerplate=False))
    low = label.lower()
    for test in (lambda p: p.get("kind") == "table" and low in p["text"].lower(),
                 lambda p: p.get("kind") == "table" and "grade" in p["text"].lower(),
                 lambda p: low in p["text"].lower()):
        found = next((p for p in rows if test(p)), None)
        if found:
            return found
    return rows[0] if rows else {"paragraph_id": f"{doc_id}:0", "doc_id": doc_id}
