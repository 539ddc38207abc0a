"""The search page: query, filters, facet counts, highlights, pages, "did you mean"."""
from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, render_template, request, url_for

from kb import framework
from kb.search import SearchResult, search
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
        self.judgement = params.choice(args, "judgement", framework.JUDGEMENT_IDS, "judgement area")
        self.criterion = params.choice(args, "criterion", params.criterion_ids(), "criterion")
        self.page = params.page_number(args)

    def args(self, **changes) -> dict[str, str]:
        """URL parameters of this search (page excluded), with `changes` applied."""
        out = {"q": self.q, "judgement": self.judgement or "", "criterion": self.criterion or "",
               **self.filters.query_args()}
        out.update({k: "" if v is None else str(v) for k, v in changes.items()})
        return {k: v for k, v in out.items() if v}

    def run(self, kb, limit: int, offset: int) -> SearchResult:
        f = self.filters
        return search(kb.index, self.q, judgement=self.judgement, criterion=self.criterion, stance=f.stance,
                      doc_type=f.doc_type, authority=f.authority,
                      date_from=str(f.year_from) if f.year_from else None,
                      date_to=str(f.year_to) if f.year_to else None, limit=limit, offset=offset)


def _selected(req: SearchRequest, param: str, value: str) -> bool:
    if param == "year":
        return str(req.filters.year_from) == value == str(req.filters.year_to)
    current_value = {"judgement": req.judgement, "criterion": req.criterion, "stance": req.filters.stance,
                     "type": req.filters.doc_type, "authority": req.filters.authority}[param]
    return (current_value or "").lower() == value.lower()


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
                change = {param: None if chosen else value}
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
                       has_next=req.page * PER_PAGE < result.total)
    return render_template("search.html", **context)
