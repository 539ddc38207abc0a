"""The audit log for administrators: the latest entries, by date and person, and as CSV."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, render_template, request

from kb import audit
from web import access, params
from web.state import current

bp = Blueprint("audit", __name__)

PAGE_LIMIT = 500


def _filters() -> tuple[str | None, str | None]:
    since = (request.args.get("since") or "").strip() or None
    if since:
        try:
            date.fromisoformat(since)
        except ValueError:
            params.bad(f"'{since}' is not a date: use YYYY-MM-DD.")
    user = (request.args.get("user") or "").strip()[:64] or None
    return since, user


@bp.get("/audit")
def page():
    since, user = _filters()
    rows = audit.entries(current().kb().store.db, since=since, who=user, limit=PAGE_LIMIT)
    return render_template("audit.html", entries=list(reversed(rows)), since=since, user=user, limit=PAGE_LIMIT)


@bp.get("/audit.csv")
def download():
    since, user = _filters()
    rows = audit.entries(current().kb().store.db, since=since, who=user)
    access.record("export", f"audit log CSV, {len(rows)} entries")
    body = audit.to_csv(rows)
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="audit-{date.today().isoformat()}.csv"'})
