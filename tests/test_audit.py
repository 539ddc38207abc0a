"""The audit log: append-only entries of what was done, by whom and when."""
from __future__ import annotations

import sqlite3

import pytest

from kb import audit
from kb.store import Store


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "kb.sqlite3")
    yield s
    s.close()


def test_entries_are_kept_in_order_and_filtered_by_user_and_date(store):
    audit.record(store.db, "sign-in", "ann", address="127.0.0.1")
    audit.record(store.db, "remove", "bob", "report-2023")
    rows = audit.entries(store.db)
    assert [(e.who, e.action) for e in rows] == [("ann", "sign-in"), ("bob", "remove")]
    assert rows[0].address == "127.0.0.1" and rows[1].detail == "report-2023"
    assert [e.who for e in audit.entries(store.db, who="BOB")] == ["bob"]
    assert audit.entries(store.db, since="2999-01-01") == []
    assert len(audit.entries(store.db, since=rows[0].at[:10])) == 2
    assert [e.action for e in audit.entries(store.db, limit=1)] == ["remove"]


def test_the_log_is_append_only(store):
    audit.record(store.db, "export", "ann", "csv")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.db.execute("UPDATE audit SET who = 'someone else'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.db.execute("DELETE FROM audit")
    assert [e.who for e in audit.entries(store.db)] == ["ann"]


def test_an_unknown_action_is_refused_and_csv_cells_are_neutralised(store):
    with pytest.raises(ValueError):
        audit.record(store.db, "coffee", "ann")
    audit.record(store.db, "upload", "ann", "=HYPERLINK(\"x\").pdf")
    text = audit.to_csv(audit.entries(store.db))
    header, row = text.splitlines()
    assert header == "marking,id,at,who,action,detail,address"
    assert row.startswith("OFFICIAL-SENSITIVE,") and "'=HYPERLINK" in row


# -- what the web app and the command line record --------------------------------------------
import io  # noqa: E402

from kb.accounts import Accounts  # noqa: E402
from kb.cli import main  # noqa: E402
from test_accounts import PASSWORD, csrf, make_home, sign_in  # noqa: E402
from web.app import create_app  # noqa: E402


def actions(db, who=None):
    return [(e.who, e.action) for e in audit.entries(db, who=who)]


def test_the_web_app_records_sign_ins_changes_and_exports(tmp_path):
    app = create_app(make_home(tmp_path))
    app.config["TESTING"] = True
    client = app.test_client()
    db = app.extensions["kb_state"].kb().store.db
    sign_in(client, "eddie", "wrong password")
    sign_in(client, "eddie")
    pid = next(iter(app.extensions["kb_state"].kb().store.paragraphs()))["paragraph_id"]
    client.post(f"/paragraph/{pid}/tags", data={"csrf_token": csrf(client, f"/paragraph/{pid}"), "action": "accept"})
    client.get("/export/evidence.csv?target=leadership")
    client.get("/export/search.csv?q=caseloads")
    client.get("/pack.md?theme=children-in-care")
    r = client.post("/upload", data={"csrf_token": csrf(client, "/upload"),
                                     "file": (io.BytesIO(b"# Plan\n\nA plan for our care leavers' housing.\n"), "plan.md")},
                    content_type="multipart/form-data")
    client.get(r.headers["Location"])
    client.post("/sign-out", data={"csrf_token": csrf(client, "/")})
    sign_in(client, "ada")
    client.post("/document/plan/remove", data={"csrf_token": csrf(client, "/document/plan/remove")})
    assert actions(db) == [("eddie", "sign-in-failed"), ("eddie", "sign-in"), ("eddie", "correct"),
                           ("eddie", "export"), ("eddie", "export"), ("eddie", "pack"), ("eddie", "upload"),
                           ("eddie", "ingest"), ("eddie", "sign-out"), ("ada", "sign-in"), ("ada", "remove")]
    rows = audit.entries(db)
    assert all(e.address == "127.0.0.1" for e in rows)
    assert "plan.md: added as plan" in rows[7].detail and rows[10].detail.startswith("plan")
    html = client.get("/audit?user=eddie").get_data(as_text=True)
    assert "sign-in-failed" in html and "ada" not in html.split("<table", 1)[1]
    assert client.get("/audit?since=yesterday").status_code == 400
    body = client.get("/audit.csv").get_data(as_text=True)
    assert body.startswith("marking,id,at,who,action,detail,address") and "sign-out" in body
    assert actions(db)[-1] == ("ada", "export")                     # taking the log away is on it too
    app.extensions["kb_jobs"].shutdown()


def test_the_command_line_records_its_operator(tmp_path, capsys, monkeypatch):
    home = str(tmp_path / "kb")
    (tmp_path / "note.md").write_text("# Note\n\n## Leadership\n\nCaseloads remain too high in two teams.\n")
    assert main(["--home", home, "ingest", str(tmp_path / "note.md")]) == 0
    db = Store(tmp_path / "kb" / "kb.sqlite3").db
    pid = next(iter(Store(tmp_path / "kb" / "kb.sqlite3").paragraphs()))["paragraph_id"]
    assert main(["--home", home, "tag", pid, "--stance", "development", "--who", "Pat"]) == 0
    assert main(["--home", home, "export", "--format", "csv", "--out", str(tmp_path / "out.csv")]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["--home", home, "user", "add", "ann", "--role", "admin", "--password-stdin"]) == 0
    assert main(["--home", home, "user", "disable", "ann"]) == 0
    assert main(["--home", home, "remove", "note"]) == 0
    assert main(["--home", home, "remove", "nothing-such"]) == 2                   # refused: not recorded
    me = audit.operator()
    assert actions(db) == [(me, "ingest"), (me, "correct"), (me, "export"), (me, "account-add"),
                           (me, "account-disable"), (me, "remove")]
    rows = audit.entries(db)
    assert "note.md" in rows[0].detail and "stance development" in rows[1].detail and "Pat" in rows[1].detail
    assert rows[0].address is None
    capsys.readouterr()
    assert main(["--home", home, "audit", "--csv", "--user", me]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "marking,id,at,who,action,detail,address" and len(out) == 7
    assert main(["--home", home, "audit", "--since", "2999-01-01"]) == 0
    assert "no entries match" in capsys.readouterr().out
    assert Accounts(db).get("ann").disabled


def test_backup_and_restore_are_recorded(tmp_path, capsys):
    home, other = str(tmp_path / "kb"), str(tmp_path / "other")
    (tmp_path / "note.md").write_text("# Note\n\n## Leadership\n\nCaseloads remain too high in two teams.\n")
    assert main(["--home", home, "ingest", str(tmp_path / "note.md")]) == 0
    copy = str(tmp_path / "nightly.sqlite3")
    assert main(["--home", home, "backup", copy]) == 0
    assert main(["--home", other, "restore", copy]) == 0
    me = audit.operator()
    assert actions(Store(tmp_path / "kb" / "kb.sqlite3").db)[-1] == (me, "backup")
    restored = audit.entries(Store(tmp_path / "other" / "kb.sqlite3").db)
    # the restored database holds the source's log, then the restore itself
    assert [(e.who, e.action) for e in restored] == [(me, "ingest"), (me, "restore")]
    assert copy in restored[-1].detail
