"""A document as paragraphs, one paragraph with its tags and history, and removal."""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, flash, redirect, render_template, request, url_for
from markupsafe import Markup

from kb.doc_details import FIELDS, LABELS, DetailError, checked_changes

from web import access
from web.similar import similar_paragraphs
from web.state import current, or_404

bp = Blueprint("documents", __name__)
# What werkzeug's url_for leaves unquoted in a path part.
PATH_SAFE = "!$&'()*+,/:;=@"


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
    doc = or_404(state.kb().store.document(doc_id))
    return _document_page(doc)


def _document_page(doc: dict, error: DetailError | None = None, typed: dict | None = None, status: int = 200):
    state = current()
    kb = state.kb()
    doc_id = doc["doc_id"]
    # The paragraphs change only with the store, so their rendering is kept with the snapshot.
    snap = state.snapshot()
    body = snap.body(doc_id, lambda: _paragraphs_html(kb, doc_id))
    original = kb.store.document(doc["duplicate_of"]) if doc.get("duplicate_of") else None
    copies = [kb.store.document(c) for c in kb.store.copies_of(doc_id)]
    return render_template("document.html", doc=doc, body=body, original=original, copies=copies,
                           set_by=kb.store.document_corrections(doc_id),
                           details_history=kb.store.document_history(doc_id), authorities=snap.authorities,
                           error=error, typed=typed or doc, labels=LABELS), status


@bp.post("/document/<doc_id>/details")
def edit_details(doc_id: str):
    """A person's corrections of a document's title, type, authority and date."""
    state = current()
    kb = state.kb()
    doc = or_404(kb.store.document(doc_id))
    typed = {f: request.form.get(f) for f in FIELDS}
    try:
        checked_changes(typed, doc, form=True)     # refused before anything is written, the typing kept
    except DetailError as e:
        return _document_page(doc, e, {**doc, **{k: v for k, v in typed.items() if v is not None}}, 400)
    who = access.who()
    with state.writing() as change:
        done = kb.correct_document(doc_id, typed, who, form=True, wait=False)
        change.doc_ids.add(doc_id)
    if done:
        access.record("correct", f"document {doc_id}: " + "; ".join(f"{f} {o or '-'} -> {n}" for f, o, n in done))
        flash("Saved: " + ", ".join(LABELS[f] for f, _, _ in done) + ". Search and evidence use the new details."
              + state.index_notice())
    else:
        flash("No change: the details were already so.")
    return redirect(url_for("documents.document", doc_id=doc_id), 303)


def _paragraphs_html(kb, doc_id: str) -> Markup:
    rows, trail = [], []
    for p in kb.store.paragraphs(doc_id):
        rows.append({"para": p, "headings": headings_between(trail, p["section"])})
        trail = p["section"]
    # Each address built once, not once a paragraph: url_for is most of a long report's rendering.
    criteria = {c for r in rows for c in (r["para"].get("criteria") or ())}
    return Markup(render_template("document_paragraphs.html", rows=rows,
                                  paragraph_href=_href_maker("documents.paragraph", "pid"),
                                  criterion_href={c: url_for("browse.criterion", cid=c) for c in criteria}))


def _href_maker(endpoint: str, argument: str):
    """A function of one value giving url_for(endpoint, argument=value), built from one
    url_for call with a marker in the value's place."""
    marker = "MARKER0"
    prefix, _, suffix = url_for(endpoint, **{argument: marker}).partition(marker)
    return lambda value: prefix + quote(value, safe=PATH_SAFE) + suffix


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
