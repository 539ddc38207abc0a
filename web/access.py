"""Who is asking, and may they: one check before every request.

Every endpoint needs a role, looked up in ROLE_FOR; an endpoint not listed needs the
strictest (admin), so a new page is closed until someone decides who may see it.

- A knowledge base with no accounts is one person's on their own machine: requests from
  loopback are served as that person (the operating system user running the app, the same
  "who" as on the command line), and any other address is refused.
- Otherwise a person signs in (web/routes/auth.py) and the session carries their account's
  name. The account is read again on every request, so a disable or a password reset ends
  existing sessions at once; a session idle for longer than IDLE_TIMEOUT ends too.
- Single sign-on: when the setting KB_TRUSTED_USER_HEADER names a header (such as
  X-Remote-User), a request carrying it is that account's, unsigned-in. Only enable it behind
  a proxy that authenticates people and sets (and strips) that header itself."""
from __future__ import annotations

import ipaddress
import os
import time
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, abort, current_app, g, jsonify, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface

from kb import audit
from kb.accounts import Accounts, rank
from web.state import current

IDLE_TIMEOUT = timedelta(hours=8)
_SEEN_EVERY = 60            # seconds: how often a session's last-seen time is rewritten

PUBLIC = {"static", "auth.sign_in", "auth.sign_in_form", "auth.sign_out"}
ROLE_FOR = {
    # reader: search, browse, ask, export
    "browse.home": "reader", "browse.judgement": "reader", "browse.criterion": "reader",
    "browse.documents": "reader", "documents.document": "reader", "documents.paragraph": "reader",
    "search.page": "reader", "assistant.ask_page": "reader", "assistant.compare_page": "reader",
    "assistant.pack_page": "reader", "assistant.pack_download": "reader",
    "exports.evidence": "reader", "exports.search": "reader", "grades.page": "reader", "grades.download": "reader",
    # editor: upload, correct tags, edit document details
    "upload.form": "editor", "upload.receive": "editor", "upload.progress": "editor",
    "upload.status": "editor", "tags.review": "editor", "tags.correct": "editor",
    "tags.accept_page": "editor", "documents.edit_details": "editor",
    # admin: accounts, removal, settings, the audit log
    "documents.confirm_remove": "admin", "documents.remove": "admin",
    "audit.page": "admin", "audit.download": "admin", "settings.page": "admin", "settings.save": "admin",
}
ROLE_NAMES = {"reader": "search, browse, ask and export", "editor": "add documents and correct tags",
              "admin": "remove documents and read the audit log"}


@dataclass(frozen=True)
class Visitor:
    name: str
    role: str
    local: bool = False         # the only person of an account-less knowledge base

    def can(self, role: str) -> bool:
        return rank(self.role) >= rank(role)


def accounts() -> Accounts:
    return Accounts(current().kb().store.db)


def visitor() -> Visitor | None:
    return g.get("visitor")


def who() -> str:
    """The "who" of a change made in this request."""
    v = visitor()
    return v.name if v else "unknown"


def record(action: str, detail: str = "", who_: str | None = None) -> None:
    """An audit entry for this request, by the visitor (or `who_`), from the client's address."""
    audit.record(current().kb().store.db, action, who_ or who(), detail, request.remote_addr)


def is_loopback(host: str | None) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address((host or "").strip("[]")).is_loopback
    except ValueError:
        return False


def check_access():
    endpoint = request.endpoint
    if endpoint is None:            # no such page: the 404 and 405 pages say so
        return None
    known = accounts()
    g.visitor = _identify(known)
    if endpoint in PUBLIC:
        return None
    if g.visitor is None:
        if not known.any():
            abort(403, description="This knowledge base has no accounts, so it serves only the computer it "
                                   "runs on. An administrator can add accounts with `kb user add NAME --role ROLE`.")
        if request.method == "GET" and not _wants_json():
            return redirect(url_for("auth.sign_in_form", next=request.full_path.rstrip("?")), 303)
        return _refuse(401, "Sign in first: your session has ended.")
    required = ROLE_FOR.get(endpoint, "admin")
    if not g.visitor.can(required):
        return _refuse(403, f"Your account is a {g.visitor.role}'s. Only an {required} or above may "
                            f"{ROLE_NAMES[required]}; ask an administrator if you need to.")
    return None


def _identify(known: Accounts) -> Visitor | None:
    if not known.any():
        if is_loopback(request.remote_addr):
            return Visitor(audit.operator(), "admin", local=True)
        return None
    header = current_app.config.get("KB_TRUSTED_USER_HEADER")
    if header and request.headers.get(header):
        account = known.get(request.headers[header])
        return Visitor(account.name, account.role) if account and not account.disabled else None
    name = session.get("account")
    if not name:
        return None
    account = known.get(name)
    now = int(time.time())
    if (account is None or account.disabled or session.get("sessions") != account.sessions
            or now - int(session.get("seen", 0)) > IDLE_TIMEOUT.total_seconds()):
        end_session()
        return None
    if now - int(session.get("seen", 0)) > _SEEN_EVERY:
        session["seen"] = now
    return Visitor(account.name, account.role)


def start_session(account) -> None:
    """Signed in: a fresh session (nothing carried over from before, against fixation)."""
    session.clear()
    session.permanent = True
    session["account"] = account.name
    session["sessions"] = account.sessions
    session["seen"] = int(time.time())


def end_session() -> None:
    session.clear()


def _wants_json() -> bool:
    return request.accept_mimetypes.best_match(["application/json", "text/html"]) == "application/json"


def _refuse(code: int, message: str):
    if _wants_json():
        return jsonify(error=message), code
    abort(code, description=message)


class _SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or (request and request.is_secure))


def install(app: Flask) -> None:
    app.session_interface = _SessionInterface()
    app.config.update(PERMANENT_SESSION_LIFETIME=IDLE_TIMEOUT, SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax")
    app.config.setdefault("KB_TRUSTED_USER_HEADER", os.environ.get("KB_TRUSTED_USER_HEADER") or None)
    app.before_request(check_access)

    @app.context_processor
    def access_globals():
        def can_visit(endpoint: str) -> bool:
            v = visitor()
            return v is not None and v.can(ROLE_FOR.get(endpoint, "admin"))
        return {"visitor": visitor(), "can_visit": can_visit}
