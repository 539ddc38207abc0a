"""Local accounts: the store's accounts, the `kb user` commands, sign-in and roles on the web."""
from __future__ import annotations

import pytest

from kb.accounts import AccountError, Accounts
from kb.store import Store

PASSWORD = "a long enough secret"


@pytest.fixture
def accounts(tmp_path):
    store = Store(tmp_path / "kb.sqlite3")
    yield Accounts(store.db)
    store.close()


def test_an_account_signs_in_with_its_password_only(accounts):
    assert not accounts.any()
    accounts.add("ann", "editor", PASSWORD)
    assert accounts.any()
    assert accounts.verify("ann", PASSWORD).role == "editor"
    assert accounts.verify("ANN", PASSWORD).name == "ann"          # names are not case-sensitive
    assert accounts.verify("ann", PASSWORD + "x") is None
    assert accounts.verify("bob", PASSWORD) is None
    stored = accounts.db.execute("SELECT password_hash FROM accounts").fetchone()[0]
    assert stored.startswith("$argon2") and PASSWORD not in stored


def test_bad_names_roles_and_passwords_are_refused_with_a_reason(accounts):
    with pytest.raises(AccountError, match="cannot be an account name"):
        accounts.add("ann smith", "reader", PASSWORD)
    with pytest.raises(AccountError, match="not a role"):
        accounts.add("ann", "owner", PASSWORD)
    with pytest.raises(AccountError, match="too short"):
        accounts.add("ann", "reader", "short")
    with pytest.raises(AccountError, match="account's name"):
        accounts.add("annabelle1", "reader", "annabelle1")
    accounts.add("ann", "reader", PASSWORD)
    with pytest.raises(AccountError, match="already an account"):
        accounts.add("Ann", "admin", PASSWORD)
    assert [(a.name, a.role) for a in accounts.list()] == [("ann", "reader")]


def test_disable_stops_sign_in_and_reset_restores_it_with_a_new_password(accounts):
    accounts.add("ann", "reader", PASSWORD)
    before = accounts.get("ann").sessions
    assert accounts.disable("ann").disabled
    assert accounts.verify("ann", PASSWORD) is None
    assert accounts.get("ann").sessions > before                    # her open sessions end
    after = accounts.reset("ann", "another long secret", role="editor")
    assert not after.disabled and after.role == "editor"
    assert accounts.verify("ann", PASSWORD) is None
    assert accounts.verify("ann", "another long secret") is not None
    with pytest.raises(AccountError, match="no account"):
        accounts.disable("bob")


def test_roles_include_the_ones_below(accounts):
    reader = accounts.add("rita", "reader", PASSWORD)
    admin = accounts.add("adam", "admin", PASSWORD)
    assert reader.can("reader") and not reader.can("editor")
    assert admin.can("reader") and admin.can("editor") and admin.can("admin")
