"""Adding a document: the upload form, the checks on the file, and the progress page that
hands over to the review screen once the document is read and tagged."""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, session, url_for

from indexer.model import ReadError
from web import access
from web.upload_check import ALLOWED_DESCRIPTION, ALLOWED_SUFFIXES, check_upload

bp = Blueprint("upload", __name__)

# A small file is usually read within this time: the person goes straight to the review.
QUICK_WAIT_SECONDS = 2.0
_OUTCOME_MESSAGES = {
    "added": "Added {name}. Check the tags below: accept them or change them.",
    "replaced": "Replaced the earlier version of {name}. People's corrections have been carried over.",
    "unchanged": "{name} is already in the knowledge base, unchanged. Its tags are below.",
}


def _jobs():
    return current_app.extensions["kb_jobs"]


def _owner() -> str:
    if "uploader" not in session:
        session["uploader"] = secrets.token_urlsafe(16)
    return session["uploader"]


def _form(error: str | None = None, status: int = 200):
    limit_mb = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
    return render_template("upload.html", error=error, limit_mb=limit_mb, accept=",".join(ALLOWED_SUFFIXES),
                           allowed=ALLOWED_DESCRIPTION), status


@bp.get("/upload")
def form():
    return _form()


def wants_json() -> bool:
    """The page's script sent the upload and reads the answer itself."""
    return request.accept_mimetypes.best_match(["application/json", "text/html"]) == "application/json"


def _refuse(message: str):
    if wants_json():
        return jsonify(error=message), 400
    return _form(message, 400)


@bp.post("/upload")
def receive():
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        return _refuse("Choose a file to upload.")
    name = sent.filename.replace("\\", "/").rsplit("/", 1)[-1]
    data = sent.read()
    try:
        check_upload(data, name)
    except ReadError as e:
        return _refuse(str(e))
    job = _jobs().submit(data, name, _owner())
    access.record("upload", f"{name}, {len(data)} bytes")
    _jobs().wait(job, QUICK_WAIT_SECONDS)
    next_url = url_for("upload.progress", job_id=job.id)
    if wants_json():
        return jsonify(next=next_url)
    return redirect(next_url, 303)


def _job_or_404(job_id: str):
    job = _jobs().get(job_id, session.get("uploader", ""))
    if job is None:
        abort(404)
    return job


@bp.get("/upload/<job_id>")
def progress(job_id: str):
    job = _job_or_404(job_id)
    if job.finished:
        _record_outcome(job)
    if job.state == "done":
        flash(_OUTCOME_MESSAGES[job.outcome].format(name=job.name))
        return redirect(url_for("tags.review", doc_id=job.doc_id), 303)
    if job.state == "failed":
        return _form(job.error)
    return render_template("progress.html", job=job)


def _record_outcome(job) -> None:
    """The upload's ingest in the audit log, once, by the person who uploaded it."""
    recorded = current_app.extensions.setdefault("kb_audited_jobs", set())
    if job.id in recorded:
        return
    recorded.add(job.id)
    access.record("ingest", f"{job.name}: {job.outcome} as {job.doc_id}" if job.state == "done"
                  else f"{job.name}: failed: {job.error}")


@bp.get("/upload/<job_id>/status")
def status(job_id: str):
    """The job's state for the progress page's script."""
    job = _job_or_404(job_id)
    return jsonify(state=job.state, elapsed=job.elapsed, error=job.error,
                   next=url_for("upload.progress", job_id=job.id))
