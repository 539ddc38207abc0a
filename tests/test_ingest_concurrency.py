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
