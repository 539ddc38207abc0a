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
    assert text.splitlines()[0] == "id,at,who,action,detail,address"
    assert "'=HYPERLINK" in text
