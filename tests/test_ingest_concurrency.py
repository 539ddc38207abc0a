"""An ingest holds no lock while it reads, segments and tags a document: pages, the
stylesheet and a person's correction go on while an upload is being read. The reader is
made slow by holding it on an event the test releases, so nothing here is timed: each
request must finish while the upload is still in its reader."""
import re
import threading

import pytest

import kb.ingest
from kb.audit import operator
from kb.kb import KnowledgeBase
from kb.store import Correction
from web.app import create_app

PAPER = """# Northshire scrutiny paper

## Front door

Strategy discussions are held promptly and police attend them, so decisions about risk are timely.

## Workforce

Caseloads remain too high in two teams and recruitment of experienced social workers is difficult.
"""

UPLOAD = """# Northshire self-evaluation 2024-25

## Care leavers

Personal advisers keep in touch with care leavers and help them find suitable accommodation.
"""

# Only a guard against a deadlock turning into a hung run: the test fails, not waits, if the
# upload's reader is never reached or the requests wait for it.
GUARD_SECONDS = 60


class HeldReader:
    """kb.ingest.read_bytes, held on an event for the files named, until released."""

    def __init__(self, monkeypatch, names: set[str]):
        self.names = names
        self.entered, self.release, self.left = threading.Event(), threading.Event(), threading.Event()
        real = kb.ingest.read_bytes

        def held(data, source):
            if source in self.names:
                self.entered.set()
                self.release.wait(GUARD_SECONDS)
                self.left.set()
            return real(data, source)

        monkeypatch.setattr(kb.ingest, "read_bytes", held)


@pytest.fixture
def app(tmp_path):
    application = create_app(tmp_path / "kb")
    application.config["TESTING"] = True
    application.extensions["kb_state"].kb().ingest_bytes(PAPER.encode(), "scrutiny.md")
    yield application
    application.extensions["kb_jobs"].shutdown()
    application.extensions["kb_state"].close()


def test_pages_and_a_correction_go_on_while_an_upload_is_read(app, monkeypatch):
    state, jobs = app.extensions["kb_state"], app.extensions["kb_jobs"]
    client = app.test_client()
    pid = next(p["paragraph_id"] for p in state.kb().store.paragraphs() if p["text"].startswith("Caseloads"))
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get(f"/paragraph/{pid}").get_data(as_text=True)).group(1)
    reader = HeldReader(monkeypatch, {"self-evaluation.md"})

    job = jobs.submit(UPLOAD.encode(), "self-evaluation.md", "someone")
    assert reader.entered.wait(GUARD_SECONDS), "the upload never reached its reader"
    try:
        assert client.get("/").status_code == 200
        assert client.get("/static/style.css").status_code == 200
        r = client.post(f"/paragraph/{pid}/tags", data={
            "csrf_token": csrf, "action": "change", "judgement": "leadership",
            "criteria": ["lead.workforce"], "stance": "development"})
        assert r.status_code == 303
        assert "Caseloads remain too high" in client.get("/criterion/lead.workforce").get_data(as_text=True)
        # All of that was done while the upload was still being read.
        assert not reader.left.is_set() and job.state == "working"
    finally:
        reader.release.set()
    assert jobs.wait(job, GUARD_SECONDS) and job.state == "done", job.error
    kb_ = state.kb()
    assert kb_.store.document(job.doc_id)["source"] == "self-evaluation.md"
    assert kb_.store.correction(pid)["who"] == operator()
    assert kb_.store.paragraph(pid)["stance"] == "development"
    # The dashboard knows the new document at once.
    assert "Northshire self-evaluation" in client.get("/documents").get_data(as_text=True)


def test_a_correction_from_another_process_goes_on_while_an_ingest_reads(tmp_path, monkeypatch):
    """`kb ingest` of a folder, its second file slow, beside `kb tag`: the correction
    waits neither for the read nor for the index's commit of the whole batch."""
    home = tmp_path / "kb"
    setup = KnowledgeBase(home)
    setup.ingest_bytes(PAPER.encode(), "scrutiny.md")
    pid = next(p["paragraph_id"] for p in setup.store.paragraphs() if p["text"].startswith("Strategy"))
    setup.close()
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a-plan.md").write_text(PAPER.replace("Northshire scrutiny paper", "Northshire plan"), encoding="utf-8")
    (folder / "b-self-evaluation.md").write_text(UPLOAD, encoding="utf-8")
    reader = HeldReader(monkeypatch, {"b-self-evaluation.md"})
    result = {}

    def ingest():
        base = KnowledgeBase(home)       # a connection of this thread's own, as `kb ingest` has
        try:
            result["report"] = base.ingest([folder])
        finally:
            base.close()

    ingesting = threading.Thread(target=ingest)
    ingesting.start()
    other = KnowledgeBase(home)
    try:
        assert reader.entered.wait(GUARD_SECONDS)
        para = other.correct(pid, Correction(stance="context"), "sam")
        assert para["stance"] == "context" and not reader.left.is_set()
    finally:
        reader.release.set()
        ingesting.join(GUARD_SECONDS)
    try:
        assert len(result["report"].added) == 2 and result["report"].ok
        assert other.store.paragraph(pid)["stance"] == "context"
    finally:
        other.close()


# -- while another process holds the search index's write lock (an ingest's commit or merge) --
import fcntl  # noqa: E402
from contextlib import contextmanager  # noqa: E402

from kb.search import search  # noqa: E402
from kb.search.generations import LOCK_FILE  # noqa: E402


@contextmanager
def index_held(home):
    """The index's write lock held as another process's writer holds it (flock on a file
    description of its own)."""
    with open(home / "index" / LOCK_FILE, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def stance_in_search(kb_, query, pid):
    return next(h.stance for h in search(kb_.index, query).hits if h.paragraph_id == pid)


def test_a_correction_does_not_wait_for_a_held_index_and_is_indexed_once_it_is_free(tmp_path):
    home = tmp_path / "kb"
    base = KnowledgeBase(home)
    base.ingest_bytes(PAPER.encode(), "scrutiny.md")
    pid = next(p["paragraph_id"] for p in base.store.paragraphs() if p["text"].startswith("Caseloads"))
    before = stance_in_search(base, "caseloads", pid)
    with index_held(home):
        para = base.correct(pid, Correction(stance="context" if before != "context" else "strength"), "sam",
                            wait=False)
        assert base.store.paragraph(pid)["stance"] == para["stance"] != before
        assert base.index_behind == 1 and stance_in_search(base, "caseloads", pid) == before
        reopened = KnowledgeBase(home)            # opening while it is held leaves it held
        assert reopened.index_behind == 1
        reopened.close()
    again = KnowledgeBase(home)                   # the next open takes it in
    try:
        assert again.index_behind == 0 and stance_in_search(again, "caseloads", pid) == para["stance"]
    finally:
        again.close()
        base.close()


def test_an_upload_stored_while_the_index_is_held_is_indexed_when_the_index_settles(tmp_path):
    home = tmp_path / "kb"
    base = KnowledgeBase(home)
    base.ingest_bytes(PAPER.encode(), "scrutiny.md")
    with index_held(home):
        outcome, doc_id = base.store_prepared(base.prepare_bytes(UPLOAD.encode(), "self-evaluation.md"), wait=False)
        assert outcome == "added" and base.store.document(doc_id)
        assert not search(base.index, "personal advisers").hits
    base.settle_index()
    try:
        assert {h.doc_id for h in search(base.index, "personal advisers").hits} == {doc_id}
    finally:
        base.close()


def test_the_web_app_saves_a_correction_at_once_and_says_when_search_will_show_it(app):
    state = app.extensions["kb_state"]
    client = app.test_client()
    kb_ = state.kb()
    pid = next(p["paragraph_id"] for p in kb_.store.paragraphs() if p["text"].startswith("Strategy"))
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get(f"/paragraph/{pid}").get_data(as_text=True)).group(1)
    with index_held(kb_.home):
        r = client.post(f"/paragraph/{pid}/tags", data={
            "csrf_token": csrf, "action": "change", "judgement": "leadership",
            "criteria": ["lead.workforce"], "stance": "development"}, follow_redirects=True)
        assert r.status_code == 200 and "The search index is busy" in r.get_data(as_text=True)
        assert kb_.store.paragraph(pid)["stance"] == "development" and kb_.index_behind == 1
    state.tidy_index().result(GUARD_SECONDS)        # the background catch-up, once the index is free
    assert kb_.index_behind == 0 and stance_in_search(kb_, "strategy discussions", pid) == "development"


def test_kb_tag_while_the_index_is_held_saves_and_says_so(tmp_path, capsys):
    from kb.cli import main

    home = tmp_path / "kb"
    base = KnowledgeBase(home)
    base.ingest_bytes(PAPER.encode(), "scrutiny.md")
    pid = next(p["paragraph_id"] for p in base.store.paragraphs() if p["text"].startswith("Caseloads"))
    base.close()
    with index_held(home):
        assert main(["--home", str(home), "tag", pid, "--stance", "context"]) == 0
    out = capsys.readouterr().out
    assert "stance context" in out and "search index is busy" in out
    assert main(["--home", str(home), "search", "caseloads", "--json"]) == 0
    assert '"stance": "context"' in capsys.readouterr().out       # taken in by the next open
