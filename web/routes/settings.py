"""The settings page: whose knowledge base this is (kb.our_authority), for administrators."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from kb.our_authority import choose, held_authorities, not_held, our_authorities
from web import access, params
from web.state import current

bp = Blueprint("settings", __name__)


def _page(error: str | None = None, typed: dict | None = None, status: int = 200):
    snap = current().snapshot()
    ours = our_authorities(current().kb().store, snap.documents)
    return render_template("settings.html", ours=ours, held=held_authorities(snap.documents), error=error,
                           typed=typed, missing=not_held(ours, snap.documents)), status


@bp.get("/settings")
def page():
    return _page()


@bp.post("/settings")
def save():
    ticked = [v.strip() for v in request.form.getlist("authority") if v.strip()][:50]
    other = params.text(request.form, "other")
    names = [n for n in ticked if n] + [n.strip() for n in other.split(",") if n.strip()]
    if request.form.get("clear"):
        names = []
    elif not names:
        return _page("Tick our authority, or type its name, or choose “Forget the choice”.",
                     {"ticked": [], "other": other}, 400)
    try:
        ours = choose(current().kb().store, names, access.who(), request.remote_addr)
    except ValueError as e:
        message = str(e)
        return _page(message[:1].upper() + message[1:] + ".", {"ticked": ticked, "other": other}, 400)
    flash(f"Saved. {ours.describe()}.")
    return redirect(url_for("settings.page"), 303)
