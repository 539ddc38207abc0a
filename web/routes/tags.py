"""People checking the tagger: the review screen after an upload, and the form that accepts
or changes one paragraph's judgement, criteria and stance. Every save records who (the
signed-in account, web/access.py) and when, in the paragraph's history and the audit log;
accepting records a confirmation (a correction that keeps the tagger's values)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from kb import framework
from kb.store import Correction
from web import access, params
from web.state import current, or_404

bp = Blueprint("tags", __name__)

REVIEW_PAGE_SIZE = 20
MAX_NOTE = 500
ACCEPTED_NOTE = "Accepted as tagged"


def _note(form) -> str | None:
    note = (form.get("note") or "").strip()
    if len(note) > MAX_NOTE:
        params.bad(f"The note is too long: keep it under {MAX_NOTE} characters.")
    return note or None


def _next_url(form, fallback: str) -> str:
    """Where to go after saving: a path on this site only."""
    target = form.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else fallback


def accepted(para: dict, note: str | None) -> Correction:
    return Correction(judgement=para["judgement"], criteria=list(para.get("criteria") or {}),
                      stance=para["stance"], note=note or ACCEPTED_NOTE)


def changed(form, note: str | None) -> Correction:
    judgement = params.choice(form, "judgement", framework.JUDGEMENT_IDS, "judgement area")
    stance = params.choice(form, "stance", framework.STANCE_IDS, "stance")
    criteria = form.getlist("criteria") + [c for c in [form.get("add_criterion")] if c]
    known = params.criterion_ids()
    unknown = [c for c in criteria if c not in known]
    if unknown:
        params.bad(f"'{unknown[0]}' is not a criterion this knowledge base knows.")
    return Correction(judgement=judgement, criteria=list(dict.fromkeys(criteria)), stance=stance, note=note)


@bp.post("/paragraph/<pid>/tags")
def correct(pid: str):
    state = current()
    kb = state.kb()
    para = or_404(kb.store.paragraph(pid))
    form = request.form
    who, note = access.who(), _note(form)
    action = form.get("action")
    if action == "accept":
        correction = accepted(para, note)
    elif action == "change":
        correction = changed(form, note)
    else:
        params.bad("Choose whether to accept the tags or save your changes.")
    with state.writing() as change:
        kb.correct(pid, correction, who, wait=False)
        change.doc_ids.add(para["doc_id"])
    access.record("correct", f"{pid}: " + ("accepted" if action == "accept" else _described(correction)))
    flash(("Accepted" if action == "accept" else "Saved changes to") + f" the tags of paragraph {pid}."
          + state.index_notice())
    return redirect(_next_url(form, url_for("documents.paragraph", pid=pid)), 303)


@bp.post("/document/<doc_id>/accept")
def accept_page(doc_id: str):
    """Accept, in one go, the paragraphs listed on a review page that nobody has checked yet."""
    state = current()
    kb = state.kb()
    or_404(kb.store.document(doc_id))
    form = request.form
    who = access.who()
    found = kb.store.paragraphs_by_id(form.getlist("pid"))
    todo = [p for p in found.values() if p["doc_id"] == doc_id and p.get("tag_source") != "person"]
    with state.writing() as change:
        kb.correct_all([(p["paragraph_id"], accepted(p, None)) for p in todo], who, wait=False)
        change.doc_ids.add(doc_id)
    if todo:
        access.record("correct", f"{doc_id}: accepted {len(todo)} paragraphs")
    flash(f"Accepted the tags of {len(todo)} paragraph{'s' if len(todo) != 1 else ''}." + state.index_notice())
    return redirect(_next_url(form, url_for("tags.review", doc_id=doc_id)), 303)


@bp.get("/document/<doc_id>/review")
def review(doc_id: str):
    kb = current().kb()
    doc = or_404(kb.store.document(doc_id))
    page = params.page_number(request.args)
    paras = list(kb.store.paragraphs(doc_id, include_boilerplate=False))
    pages = max(1, -(-len(paras) // REVIEW_PAGE_SIZE))
    if page > pages:
        abort(404)
    shown = paras[(page - 1) * REVIEW_PAGE_SIZE:page * REVIEW_PAGE_SIZE]
    checked = sum(1 for p in paras if p.get("tag_source") == "person")
    rows = [{"para": p, "confirmation": kb.store.correction(p["paragraph_id"])} for p in shown]
    return render_template("review.html", doc=doc, rows=rows, page=page, pages=pages,
                           total=len(paras), checked=checked)



def _described(c: Correction) -> str:
    return f"judgement {c.judgement}, criteria {', '.join(c.criteria or []) or '-'}, stance {c.stance}"
