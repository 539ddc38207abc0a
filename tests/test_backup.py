"""kb backup and kb restore: a round trip brings back documents, corrections and search; a
backup taken while another connection writes is a consistent snapshot; a restore refuses
files that are not knowledge bases of a schema this version reads, and will not replace a
knowledge base that holds documents unless forced (keeping the one it replaces)."""
import re
import sqlite3
import stat
import threading

import pytest

from kb.backup import BackupError, backup, check, restore
from kb.cli import main
from kb.kb import KnowledgeBase
from kb.search import search
from kb.store import SCHEMA_VERSION, Correction

DOCS = {
    "fostering.md": "# Fostering\n\nThe fostering service recruits carers quickly and matches children with care.\n",
    "leavers.md": "# Care leavers\n\nPersonal advisers stay in touch with care leavers and help them into work.\n",
}


def docs_of(results):
    return [h.paragraph_id.split(":")[0] for h in results.hits]


@pytest.fixture
def held(tmp_path):
    """A knowledge base of two documents, one paragraph of which a person has corrected."""
    for name, text in DOCS.items():
        (tmp_path / name).write_text(text)
    kb = KnowledgeBase(tmp_path / "home")
    assert len(kb.ingest([tmp_path / name for name in DOCS]).added) == 2
    para = next(p for p in kb.store.paragraphs("leavers") if "advisers" in p["text"])
    kb.correct(para["paragraph_id"], Correction(stance="strength"), who="tester")
    yield kb, para["paragraph_id"]
    kb.close()


def test_a_round_trip_brings_back_documents_corrections_and_search(held, tmp_path):
    kb, corrected = held
    target, summary = backup(kb.home, tmp_path)           # a folder: a dated file inside
    assert target.parent == tmp_path and target.name.startswith("kb-") and target.suffix == ".sqlite3"
    assert (summary.documents, summary.corrections, summary.schema) == (2, 1, SCHEMA_VERSION)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600

    kb.remove("leavers")
    assert docs_of(search(kb.index, "personal advisers")) == []
    with pytest.raises(BackupError, match=r"holds 1 documents; restoring replaces all of them.*Add --force"):
        restore(kb.home, target)
    assert kb.store.document("leavers") is None             # refused: nothing changed

    restored, kept = restore(kb.home, target, force=True)
    assert restored == summary
    assert kept is not None and check(kept).documents == 1  # the database it replaced, kept
    assert sorted(d["doc_id"] for d in kb.store.documents()) == ["fostering", "leavers"]
    assert kb.store.paragraph(corrected)["stance"] == "strength"
    assert kb.store.history(corrected)[-1]["who"] == "tester"
    assert docs_of(search(kb.index, "personal advisers")) == ["leavers"]
    assert kb.store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_backup_taken_while_another_connection_writes_is_consistent(held, tmp_path):
    kb, _ = held
    written, stop, failures = threading.Event(), threading.Event(), []

    def writer():
        other = KnowledgeBase(kb.home, rebuild=False)       # a connection of its own
        try:
            for i in range(300):
                if stop.is_set():
                    break
                other.ingest_bytes(f"# Visit {i}\n\nVisit {i} found that managers oversee plans for "
                                   f"children well and review them monthly.\n\nA second paragraph, {i}.\n".encode(),
                                   f"visit-{i}.md")
                if i == 3:
                    written.set()
        except Exception as e:  # reported by the assertion below
            failures.append(e)
            written.set()
        finally:
            other.close()

    thread = threading.Thread(target=writer)
    thread.start()
    written.wait()
    try:
        target, summary = backup(kb.home, tmp_path / "during.sqlite3")
    finally:
        stop.set()
        thread.join()
    assert failures == []
    assert summary.documents >= 6                            # the two held and at least four visits
    copy = sqlite3.connect(target)
    per_doc = copy.execute(
        "SELECT d.doc_id, COUNT(p.paragraph_id), COUNT(t.paragraph_id) FROM documents d"
        " LEFT JOIN paragraphs p ON p.doc_id = d.doc_id LEFT JOIN tags t ON t.paragraph_id = p.paragraph_id"
        " GROUP BY d.doc_id").fetchall()
    copy.close()
    # Each document is whole: all of its paragraphs, each with its tags.
    visits = [(doc, paras, tags) for doc, paras, tags in per_doc if doc.startswith("visit-")]
    assert len(visits) == summary.documents - 2 and all(p == t == 2 for _, p, t in visits)

    fresh = tmp_path / "fresh"
    restored, kept = restore(fresh, target)
    assert kept is None and restored.documents == summary.documents
    again = KnowledgeBase(fresh)
    found = docs_of(search(again.index, "managers oversee plans", limit=500))
    assert sorted(found) == sorted(doc for doc, _, _ in visits)
    again.close()


def test_restore_refuses_what_is_not_a_knowledge_base_of_this_schema(held, tmp_path):
    kb, _ = held
    text = tmp_path / "notes.txt"
    text.write_text("not a database at all, just some words\n" * 50)
    with pytest.raises(BackupError, match=r"notes\.txt is not a knowledge base backup: it is not an SQLite database"):
        restore(kb.home, text, force=True)
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE documents (x)").connection.commit()
    with pytest.raises(BackupError, match=r"other\.sqlite3 is an SQLite database but not a knowledge base"):
        restore(kb.home, other, force=True)
    newer, _ = backup(kb.home, tmp_path / "newer.sqlite3")
    db = sqlite3.connect(newer)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(BackupError, match=r"made by a newer version of kb"):
        restore(kb.home, newer, force=True)
    with pytest.raises(BackupError, match=r"does not exist"):
        restore(kb.home, tmp_path / "missing.sqlite3")
    assert len(kb.store.documents()) == 2                     # every refusal left it as it was


def test_the_commands(held, tmp_path, capsys):
    kb, _ = held
    assert main(["--home", str(kb.home), "backup", str(tmp_path / "nightly.sqlite3")]) == 0
    out = capsys.readouterr().out
    assert "backed up 2 documents" in out and "the search index is not in the backup" in out
    assert main(["--home", str(kb.home), "restore", str(tmp_path / "nightly.sqlite3")]) == 2
    assert "Add --force" in capsys.readouterr().err
    assert main(["--home", str(tmp_path / "new"), "restore", str(tmp_path / "nightly.sqlite3")]) == 0
    assert "restored 2 documents" in capsys.readouterr().out
    assert main(["--home", str(kb.home), "backup", str(tmp_path / "no" / "such" / "folder" / "x.sqlite3")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_a_backup_taken_while_the_web_app_serves_restores_into_a_new_home(held, tmp_path):
    """`kb backup` of the home the web app is serving (and correcting through) at that moment:
    the restored home has the documents, the command line's correction and the web's."""
    from web.app import create_app

    kb, corrected = held
    app = create_app(kb.home)
    app.config["TESTING"] = True
    web_pid = next(p["paragraph_id"] for p in kb.store.paragraphs("fostering") if "carers" in p["text"])
    corrected_on_web, stop, served, statuses = threading.Event(), threading.Event(), [], []

    def serve():
        client = app.test_client()
        page = client.get(f"/paragraph/{web_pid}").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        statuses.append(client.post(f"/paragraph/{web_pid}/tags", data={
            "csrf_token": csrf, "action": "change", "judgement": "in-care", "stance": "development"}).status_code)
        corrected_on_web.set()
        n = 0
        while not stop.is_set() or n < 3:
            path = ("/", "/search?q=personal+advisers", f"/paragraph/{corrected}", "/documents")[n % 4]
            statuses.append(client.get(path).status_code)
            served.append(path)
            n += 1

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        assert corrected_on_web.wait(60), "the web app never took the correction"
        before = len(served)
        assert main(["--home", str(kb.home), "backup", str(tmp_path / "serving.sqlite3")]) == 0
    finally:
        stop.set()
        thread.join(60)
        app.extensions["kb_jobs"].shutdown()
        app.extensions["kb_state"].close()
    assert not thread.is_alive() and len(served) > before
    assert statuses[0] == 303 and set(statuses[1:]) == {200}

    fresh = tmp_path / "restored"
    assert main(["--home", str(fresh), "restore", str(tmp_path / "serving.sqlite3")]) == 0
    again = KnowledgeBase(fresh)
    try:
        assert sorted(d["doc_id"] for d in again.store.documents()) == ["fostering", "leavers"]
        assert again.store.paragraph(corrected)["stance"] == "strength"
        assert again.store.history(corrected)[-1]["who"] == "tester"
        assert (again.store.paragraph(web_pid)["judgement"], again.store.paragraph(web_pid)["stance"]) == \
            ("in-care", "development")
        assert again.store.correction(web_pid) is not None
        assert docs_of(search(again.index, "personal advisers")) == ["leavers"]
        assert docs_of(search(again.index, "fostering carers")) == ["fostering"]
    finally:
        again.close()
