"""The search page: query, filters, facet counts, highlights, pages, "did you mean", and
whether the paragraphs found hold every word or (when none does) any of them. A filter
may be given several times (`type=a&type=b`): any of its values."""
from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, render_template, request, url_for

from kb import framework
from kb.search import MATCHES, SearchResult, search
from web import params
from web.formatting import criterion_label, doc_type_label, judgement_label, stance_label
from web.state import current

bp = Blueprint("search", __name__)

PER_PAGE = 10
FACET_VALUES = 8
# Facet field -> (heading, URL parameter, how a value reads).
FACETS = (
    ("judgement", "Judgement area", "judgement", judgement_label),
    ("criteria", "Criterion", "criterion", criterion_label),
    ("stance", "Stance", "stance", stance_label),
    ("doc_type", "Document type", "type", doc_type_label),
    ("authority", "Authority", "authority", str),
    ("year", "Year", "year", str),
)


class SearchRequest:
    """The query and filters of one search, read from the URL."""

    def __init__(self, args):
        self.q = params.text(args, "q", params.MAX_QUERY)
        self.filters = params.filters(args)
        self.judgements = params.choices(args, "judgement", framework.JUDGEMENT_IDS, "judgement area")
        self.criteria = params.choices(args, "criterion", params.criterion_ids(), "criterion")
        match = params.text(args, "match") or "all"
        if match not in MATCHES:
            params.bad(f"'{match}' is not a way to match words: use 'all' or 'any'.")
        self.match = match
        self.page = params.page_number(args)

    @property
    def judgement(self) -> str | None:
        return self.judgements[0] if self.judgements else None

    @property
    def criterion(self) -> str | None:
        return self.criteria[0] if self.criteria else None

    def chosen(self, param: str) -> tuple[str, ...]:
        """The values chosen for a filter's URL parameter."""
        f = self.filters
        return {"judgement": self.judgements, "criterion": self.criteria, "stance": f.stances,
                "type": f.doc_types, "authority": f.authorities}[param]

    def args(self, **changes) -> dict[str, str | tuple[str, ...]]:
        """URL parameters of this search (page excluded), with `changes` applied; a
        filter of several values as a tuple."""
        out: dict = {"q": self.q, "judgement": self.judgements, "criterion": self.criteria,
                     **self.filters.query_args(), "match": "" if self.match == "all" else self.match}
        for k, v in changes.items():
            out[k] = "" if v is None else v if isinstance(v, tuple) else str(v)
        return {k: v for k, v in out.items() if v}

    def run(self, kb, limit: int, offset: int) -> SearchResult:
        f = self.filters
        return search(kb.index, self.q, judgement=self.judgements, criterion=self.criteria, stance=f.stances,
                      doc_type=f.doc_types, authority=f.authorities,
                      date_from=str(f.year_from) if f.year_from else None,
                      date_to=str(f.year_to) if f.year_to else None, limit=limit, offset=offset,
                      match=self.match)


def _selected(req: SearchRequest, param: str, value: str) -> bool:
    if param == "year":
        return str(req.filters.year_from) == value == str(req.filters.year_to)
    return value.lower() in (v.lower() for v in req.chosen(param))


def _toggled(req: SearchRequest, param: str, value: str) -> tuple[str, ...]:
    """The values of a filter with `value` added, or taken out when it is chosen."""
    chosen = req.chosen(param)
    kept = tuple(v for v in chosen if v.lower() != value.lower())
    return kept if len(kept) < len(chosen) else chosen + (value,)


def facet_groups(req: SearchRequest, result: SearchResult) -> list[dict]:
    """Each facet's commonest values with their counts and a link that applies (or, when
    applied, removes) that value as a filter."""
    groups = []
    for field, heading, param, label in FACETS:
        counts = result.facets.get(field) or {}
        values = []
        for value, n in list(counts.items())[:FACET_VALUES]:
            chosen = _selected(req, param, value)
            if param == "year":
                change = {"from": None, "to": None} if chosen else {"from": value, "to": value}
            else:
                change = {param: _toggled(req, param, value)}
            values.append({"label": label(value), "count": n, "chosen": chosen,
                           "url": url_for("search.page", **req.args(**change))})
        if values:
            groups.append({"heading": heading, "values": values})
    return groups


@bp.get("/search")
def page():
    req = SearchRequest(request.args)
    snap = current().snapshot()
    context = {"req": req, "snap": snap, "result": None, "error": None, "facets": [], "per_page": PER_PAGE}
    if req.q:
        try:
            result = req.run(current().kb(), PER_PAGE, (req.page - 1) * PER_PAGE)
        except ValueError as e:
            context["error"] = str(e)
            return render_template("search.html", **context), 400
        context.update(result=result, hits=[asdict(h) for h in result.hits], facets=facet_groups(req, result),
                       has_next=req.page * PER_PAGE < result.total, extra=_extra_choices(req))
    return render_template("search.html", **context)


def _extra_choices(req: SearchRequest) -> list[dict]:
    """Values chosen beyond the first of each filter (the form's lists hold one each),
    shown as ticked boxes so that the form keeps them."""
    labels = {"judgement": judgement_label, "criterion": criterion_label, "stance": stance_label,
              "type": doc_type_label, "authority": str}
    return [{"param": param, "value": v, "label": label(v)}
            for param, label in labels.items() for v in req.chosen(param)[1:]]
