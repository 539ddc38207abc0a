"""The Flask application factory: pages, protections and friendly error pages."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from kb.marking import marking
from web import access, formatting, security
from web.jobs import UploadJobs
from web.routes.upload import wants_json
from web.state import AppState

# Uploads larger than this are refused before they are read.
MAX_UPLOAD_BYTES = 25 * 1024 * 1024

_ERROR_TITLES = {400: "There is a problem with the request", 403: "Not allowed",
                 404: "Page not found", 405: "Not allowed", 413: "The file is too large",
                 500: "Sorry, something went wrong"}
log = logging.getLogger(__name__)


def create_app(home: str | Path | None = None, *, max_upload_bytes: int = MAX_UPLOAD_BYTES) -> Flask:
    app = Flask(__name__)
    state = AppState(home)
    app.extensions["kb_state"] = state
    app.extensions["kb_jobs"] = UploadJobs(state)
    app.config.update(SECRET_KEY=security.secret_key(state.home), MAX_CONTENT_LENGTH=max_upload_bytes,
                      MAX_FORM_MEMORY_SIZE=max_upload_bytes, PROPAGATE_EXCEPTIONS=False,
                      TEMPLATES_AUTO_RELOAD=False)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    security.install(app)
    access.install(app)
    formatting.install(app)
    _register_pages(app)
    _register_errors(app)
    return app


NAV_ITEMS = (("browse.home", "home", "Dashboard"), ("search.page", "search", "Search"),
             ("assistant.ask_page", "ask", "Ask"), ("assistant.pack_page", "pack", "Evidence pack"),
             ("assistant.compare_page", "compare", "Compare"), ("browse.documents", "documents", "Documents"),
             ("grades.page", "grades", "Grades"),
             ("upload.form", "upload", "Add a document"), ("audit.page", "audit", "Audit log"),
             ("settings.page", "settings", "Settings"))


def _register_pages(app: Flask) -> None:
    from web.routes import assistant, audit, auth, browse, documents, exports, search, tags, upload
    from web.routes import grades, settings
    for module in (browse, search, documents, tags, upload, exports, assistant, auth, audit):
        app.register_blueprint(module.bp)
    app.register_blueprint(grades.bp)
    app.register_blueprint(settings.bp)

    @app.context_processor
    def page_globals():
        here = request.full_path.rstrip("?") if request else "/"
        return {"nav_items": NAV_ITEMS, "here": here, "marking": marking()}


def _register_errors(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        code = e.code or 500
        if code == 413:
            limit = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
            message = f"Files can be up to {limit} MB. Split the document or save it without images."
        elif code == 404:
            message = "The page or item you asked for is not here. It may have been removed."
        else:
            message = e.description or ""
        if wants_json():
            return jsonify(error=message), code
        return render_template("error.html", code=code, title=_ERROR_TITLES.get(code, e.name),
                               message=message), code

    @app.errorhandler(Exception)
    def unexpected(e: Exception):
        log.exception("error serving %s", request.path)
        return render_template("error.html", code=500, title=_ERROR_TITLES[500],
                               message="The problem has been logged. Try again, or go back to the dashboard."), 500
