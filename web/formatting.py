"""How values read on a page: dates, labels, citations, anchors. Registered as Jinja
filters and globals; the export code uses the same wording."""
from __future__ import annotations

import re
from datetime import datetime

from markupsafe import Markup, escape

from kb import framework

STANCE_LABELS = {"strength": "Strength", "development": "Area for development",
                 "context": "Context", "mixed": "Strength and area for development"}
VOICE_LABELS = {"inspectors": "Inspectors' findings", "authority": "The authority's own account"}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_MARK = re.compile(r"</?mark>")


def long_date(value: str | None) -> str:
    """'2022-12-02' -> '2 December 2022'; a year-month or a year stays as precise as it is."""
    if not value:
        return "undated"
    parts = value[:10].split("-")
    try:
        if len(parts) == 3:
            return f"{int(parts[2])} {_MONTHS[int(parts[1]) - 1]} {parts[0]}"
        if len(parts) == 2:
            return f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        return value
    return parts[0]


def when(value: str | None) -> str:
    """An ISO timestamp as a date and a time of day (UTC, as stored)."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return f"{long_date(moment.date().isoformat())}, {moment:%H:%M} UTC"


def stance_label(stance: str | None) -> str:
    return STANCE_LABELS.get(stance or "", "Not tagged")


def judgement_label(jid: str | None) -> str:
    if not jid:
        return "No judgement"
    try:
        return framework.judgement(jid).short
    except KeyError:
        return jid


def criterion_label(cid: str) -> str:
    try:
        return framework.criterion(cid).title
    except KeyError:
        return cid


def doc_type_label(tid: str | None) -> str:
    try:
        return framework.doc_type(tid or "").title
    except KeyError:
        return tid or "Unknown type"


def grade_label(grade: str | None) -> str:
    return (grade or "").capitalize()


def tag_value(value, field: str) -> str:
    """A value from a paragraph's tag history, in words."""
    if value in (None, "", []):
        return "none"
    if field == "criteria":
        return "; ".join(criterion_label(c) for c in value)
    if field == "judgement":
        return judgement_label(value)
    if field == "stance":
        return stance_label(value)
    if field == "confirmed":   # a person accepted the tags as they stood
        return "; ".join(tag_value(value.get(f), f) for f in ("judgement", "criteria", "stance") if value.get(f))
    return str(value)


def anchor(paragraph_id: str) -> str:
    """The id of a paragraph's element on its document page."""
    return "p-" + paragraph_id.rsplit(":", 1)[-1]


def where(item: dict) -> str:
    """'page 4, paragraph 12' for whichever of the two the document has."""
    parts = []
    if item.get("page"):
        parts.append(f"page {item['page']}")
    if item.get("number") is not None:
        parts.append(f"paragraph {item['number']}")
    return ", ".join(parts)


def para_label(para: dict) -> str:
    """'Paragraph 12', or for a paragraph the document does not number, its place: 'Item 3'."""
    return f"Paragraph {para['number']}" if para["number"] is not None else f"Item {para['seq'] + 1}"


def citation(item: dict) -> str:
    """The line that lets a reader find a piece of evidence in its document."""
    bits = [item.get("title") or item.get("doc_id", ""), long_date(item.get("date"))]
    place = where(item)
    if place:
        bits.append(place)
    return ", ".join(bits)


def stance_text(item: dict, stance: str) -> str:
    """The part of an item that carries `stance`: for a paragraph holding both strengths
    and areas for development, only its sentences of that stance."""
    if item.get("stance") != "mixed":
        return item["text"]
    picked = [s["text"] for s in item.get("sentences") or [] if s.get("stance") == stance]
    return " ".join(picked) or item["text"]


def safe_highlight(fragment: str | None) -> Markup:
    """Search highlights arrive as escaped text with <mark> tags; anything else that looks
    like markup means the fragment was not escaped, so it is escaped whole."""
    fragment = fragment or ""
    bare = _MARK.sub("", fragment)
    if "<" in bare or ">" in bare:
        return escape(bare)
    return Markup(fragment)


def shorten(text: str, limit: int = 320) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def install(app) -> None:
    for fn in (long_date, when, stance_label, judgement_label, criterion_label, doc_type_label,
               grade_label, tag_value, anchor, where, para_label, citation, stance_text, safe_highlight, shorten):
        app.jinja_env.filters[fn.__name__] = fn
    app.jinja_env.globals.update(framework=framework, VOICE_LABELS=VOICE_LABELS,
                                 STANCE_LABELS=STANCE_LABELS)
