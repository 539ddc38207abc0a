"""A document as paragraphs, one paragraph with its tags and history, and removal."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from web.similar import similar_paragraphs
from web.state import current

bp = Blueprint("documents", __name__)


def headings_between(before: list[str], after: list[str]) -> list[tuple[int, str]]:
    """The section headings to print when the trail changes from `before` to `after`:
    those below the part both share, with their depth (0 = outermost)."""
    shared = 0
    while shared < min(len(before), len(after)) and before[shared] == after[shared]:
        shared += 1
    return [(depth, after[depth]) for depth in range(shared, len(after))]


@bp.get("/document/<doc_id>")
def document(doc_id: str):
    kb = current().kb()
    doc = kb.store.document(doc_id)
    if doc is None:
        abort(404)
    rows, trail = [], []
    for p in kb.store.paragraphs(doc_id):
        rows.append({"para": p, "headings": headings_between(trail, p["section"])})
        trail = p["section"]
    return render_template("document.html", doc=doc, rows=rows)


@bp.get("/paragraph/<pid>")
def paragraph(pid: str):
    kb = current().kb()
    para = kb.store.paragraph(pid)
    if para is None:
        abort(404)
    return render_template("paragraph.html", para=para, doc=kb.store.document(para["doc_id"]),
                           history=kb.store.history(pid), confirmation=kb.store.correction(pid),
                           similar=similar_paragraphs(kb, para) if not para["boilerplate"] else [])


@bp.get("/document/<doc_id>/remove")
def confirm_remove(doc_id: str):
    doc = current().kb().store.document(doc_id)
    if doc is None:
        abort(404)
    return render_template("remove.html", doc=doc)


@bp.post("/document/<doc_id>/remove")
def remove(doc_id: str):
    state = current()
    kb = state.kb()
    doc = kb.store.document(doc_id)
    if doc is None:
        abort(404)
    with state.write_lock:
        kb.remove(doc_id)
        state.changed()
    flash(f"Removed {doc['title']}. People's corrections to it are kept in case it is added again.")
    return redirect(url_for("browse.documents"), 303)
