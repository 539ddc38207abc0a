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
MAX_VALUES = 50           # values of one filter
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


def choices(args: MultiDict, name: str, allowed, label: str) -> tuple[str, ...]:
    """Every value given for `name` (a filter given twice means either value), blanks and
    repeats dropped; `allowed` None takes any text."""
    values: list[str] = []
    for raw in args.getlist(name):
        value = raw.strip()
        if not value or value in values:
            continue
        if len(value) > MAX_TEXT:
            bad(f"The {name} field is too long: keep it under {MAX_TEXT} characters.")
        if allowed is not None and value not in allowed:
            bad(f"'{value}' is not a {label} this knowledge base knows.")
        values.append(value)
    if len(values) > MAX_VALUES:
        bad(f"Choose at most {MAX_VALUES} values for {name}.")
    return tuple(values)


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
    """The filters shared by the browse, search and export pages. A filter given several
    values means any of them on the search page; the browse pages, which take one, use
    the first (`doc_type`, `authority`, `stance`)."""
    doc_types: tuple[str, ...] = ()
    authorities: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    stances: tuple[str, ...] = ()

    @property
    def doc_type(self) -> str | None:
        return self.doc_types[0] if self.doc_types else None

    @property
    def authority(self) -> str | None:
        return self.authorities[0] if self.authorities else None

    @property
    def stance(self) -> str | None:
        return self.stances[0] if self.stances else None

    def evidence(self) -> EvidenceFilter:
        return EvidenceFilter(stance=self.stance, doc_type=self.doc_type, authority=self.authority,
                              year_from=self.year_from, year_to=self.year_to)

    def query_args(self) -> dict[str, str | tuple[str, ...]]:
        """The filters as URL parameters, for links that keep them: a filter of several
        values as a tuple (url_for repeats the parameter)."""
        pairs = {"type": self.doc_types, "authority": self.authorities, "from": self.year_from,
                 "to": self.year_to, "stance": self.stances}
        out: dict[str, str | tuple[str, ...]] = {}
        for k, v in pairs.items():
            if isinstance(v, tuple):
                if v:
                    out[k] = v[0] if len(v) == 1 else v
            elif v not in (None, ""):
                out[k] = str(v)
        return out

    @property
    def active(self) -> bool:
        return bool(self.query_args())


def filters(args: MultiDict | None = None) -> Filters:
    args = request.args if args is None else args
    f = Filters(
        doc_types=choices(args, "type", framework.DOC_TYPE_IDS, "document type"),
        authorities=choices(args, "authority", None, "authority"),
        year_from=year(args, "from", "'from'"),
        year_to=year(args, "to", "'to'"),
        stances=choices(args, "stance", framework.STANCE_IDS, "stance"),
    )
    if f.year_from and f.year_to and f.year_from > f.year_to:
        bad(f"The 'from' year ({f.year_from}) is after the 'to' year ({f.year_to}).")
    return f
