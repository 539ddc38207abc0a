"""A document's details a person may correct (authority, type, date, title): checking
what was typed, so the command line and the web form refuse the same mistakes with the
same words."""
from __future__ import annotations

import re
from datetime import date

from kb import framework

FIELDS = ("authority", "doc_type", "date", "title")
LABELS = {"authority": "authority", "doc_type": "document type", "date": "date", "title": "title"}
MAX_LENGTH = {"authority": 120, "title": 300}


class DetailError(ValueError):
    """A value a document's detail cannot take; the message says why, in one sentence,
    and `field` names the detail."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def checked(field: str, value: str | None) -> str:
    """The value as it will be stored (spacing tidied); raises DetailError."""
    try:
        return _checked(field, value)
    except DetailError as e:
        e.field = field
        raise


def _checked(field: str, value: str | None) -> str:
    if field not in FIELDS:
        raise DetailError(f"'{field}' is not a document detail; the details are {', '.join(FIELDS)}.")
    value = re.sub(r"\s+", " ", value or "").strip()
    label = LABELS[field]
    if not value:
        raise DetailError(f"The {label} cannot be empty.")
    if field == "doc_type":
        if value not in framework.DOC_TYPE_IDS:
            raise DetailError(f"'{value}' is not a document type; the types are "
                              f"{', '.join(framework.DOC_TYPE_IDS)}.")
    elif field == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise DetailError(f"The date must be written YYYY-MM-DD, such as 2022-12-02, not '{value}'.")
        try:
            date.fromisoformat(value)
        except ValueError:
            raise DetailError(f"{value} is not a real date.") from None
    elif len(value) > MAX_LENGTH[field]:
        raise DetailError(f"The {label} is too long: keep it under {MAX_LENGTH[field]} characters.")
    return value


def checked_changes(wanted: dict[str, str | None], current: dict, form: bool = False) -> dict[str, str]:
    """The details in `wanted` (field -> typed value, None for not given) that differ from
    the document's `current` ones, checked; raises DetailError on the first bad value.
    `form`: the values come from a form showing every detail, where a box left empty for
    a detail the document has no value for (an unknown date) is no change."""
    out = {}
    for field, value in wanted.items():
        if value is None:
            continue
        if form and not value.strip() and not current.get(field):
            continue
        value = checked(field, value)
        if value != current.get(field):
            out[field] = value
    return out
