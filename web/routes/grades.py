"""The grades page: per authority held, its latest inspection's grades, the change since the
inspection before, and its earlier inspections; and the same table as CSV or Excel."""
from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, Response, abort, render_template, request, url_for

from kb import grades
from web import params
from web.state import current

bp = Blueprint("grades", __name__)

ORDERS = ("asc", "desc")
_MIMETYPES = {"csv": "text/csv; charset=utf-8",
              "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _sorting() -> tuple[str, bool]:
    by = params.choice(request.args, "sort", grades.SORTS, "way of sorting") or "authority"
    order = params.choice(request.args, "order", ORDERS, "sort order") or "asc"
    return by, order == "desc"


def _table() -> grades.GradesTable:
    snap = current().snapshot()
    return snap.view(("grades",), lambda: grades.build(snap.documents))


def _sorted(table: grades.GradesTable, by: str, descending: bool) -> grades.GradesTable:
    return grades.GradesTable(grades.sort(table.authorities, by, descending), table.unattributed)


def anchor_of(authority: str) -> str:
    return "history-" + (re.sub(r"[^a-z0-9]+", "-", authority.lower()).strip("-") or "authority")


@bp.get("/grades")
def page():
    by, descending = _sorting()
    table = _sorted(_table(), by, descending)
    keys = grades.keys_held([a.latest for a in table.authorities if a.latest])
    return render_template("grades.html", table=table, keys=keys, by=by, descending=descending,
                           short_name=grades.short_name, type_name=grades.type_name, keys_held=grades.keys_held, anchor_of=anchor_of,
                           has_visits=any(a.latest_visit for a in table.authorities),
                           history=[a for a in table.authorities if len(a.inspections) > 1 or a.visits])


@bp.get("/grades.<fmt>")
def download(fmt: str):
    if fmt not in _MIMETYPES:
        abort(404)
    by, descending = _sorting()
    table = _sorted(_table(), by, descending)

    def link(doc_id: str) -> str:
        return url_for("documents.document", doc_id=doc_id, _external=True)

    # A byte-order mark, so that Excel reads the accents in a CSV right.
    body = ("\ufeff" + grades.to_csv(table, link)).encode("utf-8") if fmt == "csv" else grades.to_xlsx(table, link)
    name = f"inspection-grades-{date.today().isoformat()}.{fmt}"
    return Response(body, mimetype=_MIMETYPES[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'})
