"""Reading what a person typed into a URL or form. Anything out of range stops the request
with a 400 and a sentence saying what was wrong."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, request
from werkzeug.datastructures import MultiDict

from kb import framework
from kb.evidence import EvidenceFilter

MAX_QUERY = 500
MAX_TEXT = 200
MAX_PAGE = 10_000
YEAR_RANGE = (1990, 2100)


def bad(message: str):
    abort(400, description=message)


def text(args: MultiDict, name: str, limit: int = MAX_TEXT) -> str:
    value = (args.get(name) or "").strip()
    if len(value) > limit:
        bad(f"The {name} field is too long: keep it under {limit} characters.")
    return value


def choice(args: MultiDict, name: str, allowed, label: str) -> str | None:
    value = text(args, name)
    if not value:
        return None
    if value not in allowed:
        bad(f"'{value}' is not a {label} this knowledge base knows.")
    return value


def year(args: MultiDict, name: str, label: str) -> int | None:
    value = text(args, name)
    if not value:
        return None
    if not value.isdigit() or not YEAR_RANGE[0] <= int(value) <= YEAR_RANGE[1]:
        bad(f"The {label} year must be a year such as 2022, not '{value}'.")
    return int(value)


def page_number(args: MultiDict) -> int:
    value = text(args, "page") or "1"
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        bad(f"The page number must be a whole number from 1 to {MAX_PAGE}, not '{value}'.")
    return int(value)


def criterion_ids() -> set[str]:
    return {c.id for c in framework.criteria()}


@dataclass
class Filters:
    """The filters shared by the browse, search and export pages."""
    doc_type: str | None = None
    authority: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    stance: str | None = None

    def evidence(self) -> EvidenceFilter:
        return EvidenceFilter(stance=self.stance, doc_type=self.doc_type, authority=self.authority,
                              year_from=self.year_from, year_to=self.year_to)

    def query_args(self) -> dict[str, str]:
        """The filters as URL parameters, for links that keep them."""
        pairs = {"type": self.doc_type, "authority": self.authority, "from": self.year_from,
                 "to": self.year_to, "stance": self.stance}
        return {k: str(v) for k, v in pairs.items() if v not in (None, "")}

    @property
    def active(self) -> bool:
        return bool(self.query_args())


def filters(args: MultiDict | None = None) -> Filters:
    args = request.args if args is None else args
    f = Filters(
        doc_type=choice(args, "type", framework.DOC_TYPE_IDS, "document type"),
        authority=text(args, "authority") or None,
        year_from=year(args, "from", "'from'"),
        year_to=year(args, "to", "'to'"),
        stance=choice(args, "stance", framework.STANCE_IDS, "stance"),
    )
    if f.year_from and f.year_to and f.year_from > f.year_to:
        bad(f"The 'from' year ({f.year_from}) is after the 'to' year ({f.year_to}).")
    return f
