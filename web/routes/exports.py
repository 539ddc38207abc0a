"""Downloads: a judgement's or a criterion's evidence, or a search's results, as CSV or Word."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, request, url_for

from kb import framework
from kb.evidence import evidence_by_id, parse_target
from web import access, exports, params
from web.routes.search import SearchRequest
from web.state import current

bp = Blueprint("exports", __name__)

MAX_SEARCH_EXPORT = 500
_FORMATS = ("csv", "docx")
# By file extension: the evidence pack's downloads (routes/assistant.py) come as md too.
_MIMETYPES = {"csv": "text/csv; charset=utf-8", "md": "text/markdown; charset=utf-8",
              "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def _link(pid: str) -> str:
    return url_for("documents.paragraph", pid=pid, _external=True)


def download(body: bytes, name: str) -> Response:
    """`body` as a file to save, called `name` and typed by its extension."""
    mimetype = _MIMETYPES[name.rpartition(".")[2]]
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _dated(stem: str, fmt: str) -> str:
    return f"{stem}-{date.today().isoformat()}.{fmt}"


def _filters_line(parts: dict[str, str]) -> str:
    shown = [f"{k}: {v}" for k, v in parts.items() if v]
    return "Filters: " + ("; ".join(shown) if shown else "none")


@bp.get("/export/evidence.<fmt>")
def evidence(fmt: str):
    if fmt not in _FORMATS:
        abort(404)
    target = params.text(request.args, "target")
    try:
        jid, cid = parse_target(target)
    except ValueError as e:
        params.bad(str(e))
    f = params.filters()
    snap = current().snapshot()
    groups = [snap.criterion(cid, f.evidence())] if cid else snap.groups(jid, f.evidence())
    rows = exports.evidence_rows(groups)
    access.record("export", f"evidence {target} as {fmt}, {len(rows)} items; {_filters_line(f.query_args())}")
    if fmt == "csv":
        return download(exports.to_csv(rows, _link), _dated(f"evidence-{target}", fmt))
    title = "Evidence: " + (framework.criterion(cid).title if cid else framework.judgement(jid).short)
    intro = (f"{len(rows)} items, strengths and areas for development, newest first. "
             f"{_filters_line(f.query_args())}. Exported on {date.today():%d %B %Y}.")
    return download(exports.evidence_docx(title, intro, groups), _dated(f"evidence-{target}", fmt))


@bp.get("/export/search.<fmt>")
def search(fmt: str):
    if fmt not in _FORMATS:
        abort(404)
    req = SearchRequest(request.args)
    if not req.q:
        params.bad("Type one or more words to search for before downloading results.")
    kb = current().kb()
    try:
        result = req.run(kb, MAX_SEARCH_EXPORT, 0)
    except ValueError as e:
        params.bad(str(e))
    items = evidence_by_id(kb.store, [h.paragraph_id for h in result.hits])
    access.record("export", f"search {req.q!r} as {fmt}, {len(items)} items")
    if fmt == "csv":
        return download(exports.to_csv(exports.hit_rows(items), _link), _dated("search", fmt))
    shown = result.did_you_mean if result.corrected else req.q
    intro = (f"{len(items)} of {result.total} paragraphs, best match first. "
             f"{_filters_line({k: v for k, v in req.args().items() if k != 'q'})}. "
             f"Exported on {date.today():%d %B %Y}.")
    return download(exports.hits_docx(f"Search: {shown}", intro, items), _dated("search", fmt))
