"""A document as paragraphs, one paragraph with its tags and history, and removal."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from markupsafe import Markup

from web import access
from web.similar import similar_paragraphs
from web.state import current, or_404

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
    state = current()
    kb = state.kb()
    doc = or_404(kb.store.document(doc_id))
    # The paragraphs change only with the store, so their rendering is kept with the snapshot.
    body = state.snapshot().view(("document", doc_id), lambda: _paragraphs_html(kb, doc_id))
    return render_template("document.html", doc=doc, body=body)


def _paragraphs_html(kb, doc_id: str) -> Markup:
    rows, trail = [], []
    for p in kb.store.paragraphs(doc_id):
        rows.append({"para": p, "headings": headings_between(trail, p["section"])})
        trail = p["section"]
    return Markup(render_template("document_paragraphs.html", rows=rows))


@bp.get("/paragraph/<pid>")
def paragraph(pid: str):
    state = current()
    kb = state.kb()
    para = or_404(kb.store.paragraph(pid))
    similar = [] if para["boilerplate"] else \
        state.snapshot().view(("similar", pid), lambda: similar_paragraphs(kb, para))
    return render_template("paragraph.html", para=para, doc=kb.store.document(para["doc_id"]),
                           history=kb.store.history(pid), confirmation=kb.store.correction(pid), similar=similar)


@bp.get("/document/<doc_id>/remove")
def confirm_remove(doc_id: str):
    doc = or_404(current().kb().store.document(doc_id))
    return render_template("remove.html", doc=doc)


@bp.post("/document/<doc_id>/remove")
def remove(doc_id: str):
    state = current()
    kb = state.kb()
    doc = or_404(kb.store.document(doc_id))
    with state.writing() as change:
        kb.remove(doc_id)
        change.doc_ids.add(doc_id)
    access.record("remove", f"{doc_id} ({doc['source']})")
    flash(f"Removed {doc['title']}. People's corrections to it are kept in case it is added again.")
    return redirect(url_for("browse.documents"), 303)
