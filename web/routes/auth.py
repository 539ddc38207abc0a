"""Signing in and out. Failed attempts are limited per account and per client address,
and every attempt is in the audit log."""
from __future__ import annotations

import math

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from web import access
from web.ratelimit import AttemptLimiter

bp = Blueprint("auth", __name__)

# Failed sign-ins allowed in a window before more are refused without checking the password.
PER_ACCOUNT = (5, 15 * 60)
PER_ADDRESS = (20, 15 * 60)
MAX_FIELD = 1024


def limiters() -> tuple[AttemptLimiter, AttemptLimiter]:
    ext = current_app.extensions
    if "kb_sign_in_limits" not in ext:
        ext["kb_sign_in_limits"] = (AttemptLimiter(*PER_ACCOUNT), AttemptLimiter(*PER_ADDRESS))
    return ext["kb_sign_in_limits"]


def _next_url() -> str:
    target = request.values.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else url_for("browse.home")


def _form(error: str | None = None, status: int = 200, name: str = ""):
    return render_template("sign_in.html", error=error, name=name, next=_next_url(),
                           local=not access.accounts().any()), status


@bp.get("/sign-in")
def sign_in_form():
    return _form()


@bp.post("/sign-in")
def sign_in():
    name = (request.form.get("name") or "").strip()[:MAX_FIELD]
    password = (request.form.get("password") or "")[:MAX_FIELD]
    if not name or not password:
        return _form("Enter your account name and password.", 400, name)
    by_account, by_address = limiters()
    account_key, address_key = name.lower(), request.remote_addr or "?"
    wait = max(by_account.wait(account_key), by_address.wait(address_key))
    if wait:
        access.record("sign-in-refused", f"account {name}: too many failed attempts", who_=name)
        minutes = max(1, math.ceil(wait / 60))
        return _form(f"Too many failed attempts. Try again in {minutes} minute{'s' if minutes != 1 else ''}, "
                     "or ask an administrator to reset your password.", 429, name)
    account = access.accounts().verify(name, password)
    if account is None:
        by_account.failed(account_key)
        by_address.failed(address_key)
        access.record("sign-in-failed", f"account {name}", who_=name)
        return _form("That account name and password do not match an account that may sign in.", 401, name)
    by_account.clear(account_key)
    access.start_session(account)
    access.record("sign-in", f"as {account.role}", who_=account.name)
    flash(f"Signed in as {account.name}.")
    return redirect(_next_url(), 303)


@bp.post("/sign-out")
def sign_out():
    v = access.visitor()
    if v is not None and not v.local:
        access.record("sign-out", who_=v.name)
    access.end_session()
    flash("Signed out.")
    return redirect(url_for("auth.sign_in_form"), 303)
