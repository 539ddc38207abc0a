"""The assistant's pages: ask a question, build an evidence pack, compare the authority's
own account with the inspectors' findings. Each result depends only on what the knowledge
base holds, so it is kept with the evidence snapshot until the store changes."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from kb import framework
from kb.assistant import THEMES, ask, compare, pack
from web import access, ours, params
from web.routes.exports import download
from web.state import Snapshot, current

bp = Blueprint("assistant", __name__)

VERDICT_LABELS = {
    "agree": "Our account and the inspectors' agree",
    "ours-strength-ofsted-development": "We describe a strength; inspectors found an area for development",
    "ours-development-ofsted-strength": "We describe an area for development; inspectors found a strength",
    "unsupported-claim": "Our account only: no inspection finding to test it",
    "ofsted-only": "Inspectors' finding only: nothing of ours beside it",
    "none": "No evidence either way",
}
_VERDICT_ORDER = ("ours-strength-ofsted-development", "ours-development-ofsted-strength", "unsupported-claim",
                  "ofsted-only", "agree", "none")
_PACK_FORMATS = ("md", "docx")


def _authority() -> str | None:
    return params.text(request.args, "authority") or None


def theme_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    # A theme sharing a judgement's id resolves to the judgement, so it is listed once, there.
    return [("Focused visit themes", [(t.id, t.title) for t in THEMES.values() if t.id not in framework.JUDGEMENT_IDS]),
            ("Judgement areas", [(j.id, j.short) for j in framework.judgements()]),
            ("Criteria", [(c.id, c.title) for c in framework.criteria()])]


@bp.get("/ask")
def ask_page():
    question = params.text(request.args, "q", params.MAX_QUERY)
    authority = _authority()
    snap = current().snapshot()
    context = {"question": question, "authority": authority, "answer": None, "error": None, "snap": snap}
    if question:
        try:
            answer = snap.view(("ask", question, authority),
                               lambda: ask(current().kb(), question, authority=authority).to_dict())
        except ValueError as e:
            context["error"] = str(e)
            return render_template("ask.html", **context), 400
        context["answer"] = answer
    return render_template("ask.html", **context)


def _pack(snap: Snapshot, theme: str, authority: str | None):
    return snap.view(("pack", theme, authority), lambda: pack(current().kb(), theme, authority=authority))


@bp.get("/pack")
def pack_page():
    theme = params.text(request.args, "theme")
    authority = _authority()
    snap = current().snapshot()
    s = ours.scope(snap, authority)
    context = {"theme": theme, "authority": authority, "pack": None, "error": None,
               "themes": theme_choices(), "snap": snap, "scope": s}
    if theme:
        try:
            context["pack"] = _pack(snap, theme, authority or s.ours.one).to_dict()
        except ValueError as e:
            context["error"] = str(e)
            return render_template("pack.html", **context), 400
    return render_template("pack.html", **context)


@bp.get("/pack.<fmt>")
def pack_download(fmt: str):
    if fmt not in _PACK_FORMATS:
        params.bad("Evidence packs download as .md or .docx.")
    theme = params.text(request.args, "theme")
    if not theme:
        params.bad("Choose a theme for the evidence pack.")
    try:
        snap = current().snapshot()
        built = _pack(snap, theme, _authority() or ours.scope(snap, None).ours.one)
    except ValueError as e:
        params.bad(str(e))
    # Prepared by the signed-in account (the system user when nobody signs in).
    who = access.who()
    body = built.to_markdown(prepared_by=who).encode("utf-8") if fmt == "md" else built.to_docx(prepared_by=who)
    access.record("pack", f"{built.theme.id} as {fmt}" + (f", {_authority()}" if _authority() else ""))
    return download(body, f"evidence-pack-{built.theme.id}.{fmt}")


@bp.get("/compare")
def compare_page():
    authority = _authority()
    snap = current().snapshot()
    s = ours.scope(snap, authority)
    chosen = authority or s.ours.one
    try:
        comparison = snap.view(("compare", chosen, s.comparators),
                               lambda: compare(current().kb(), chosen, with_comparators=s.comparators).to_dict())
    except ValueError as e:
        # Not ours to pick: say so beside the choice of authority.
        return render_template("compare.html", comparison=None, error=str(e), authority=authority, snap=snap,
                               scope=s, verdicts=VERDICT_LABELS, shown=[], silent=[]), 400
    # Disagreements first: they are what a leader must be ready to explain.
    rows = sorted(comparison["rows"], key=lambda r: _VERDICT_ORDER.index(r["verdict"]))
    return render_template("compare.html", comparison=comparison, authority=authority, snap=snap, scope=s, error=None,
                           verdicts=VERDICT_LABELS, shown=[r for r in rows if r["verdict"] != "none"],
                           silent=[r for r in rows if r["verdict"] == "none"])
