"""Local accounts: a name, a role and an Argon2 password hash, kept in the knowledge base's
database (the `accounts` table). With no accounts at all the knowledge base is one
person's, on their own machine: the web app then serves loopback only and nobody signs in.

A role includes the ones below it: a reader searches, browses, asks and exports; an editor
also uploads and corrects; an admin also manages accounts, removes documents and reads the
audit log."""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kb.store import now

ROLES = ("reader", "editor", "admin")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
MAX_NAME = 64
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]*$")

_hasher = PasswordHasher()
@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to verify against for an unknown name, so that a miss costs what a wrong
    password does; made on first use (about a second), not when kb starts."""
    return _hasher.hash("not a password anyone has")


class AccountError(ValueError):
    """A name, role or password that cannot be used; the message says why."""


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    disabled: bool
    sessions: int           # bumped by a reset or a disable: sign-ins made before it end
    created_at: str
    changed_at: str

    def can(self, role: str) -> bool:
        return not self.disabled and rank(self.role) >= rank(role)


def rank(role: str) -> int:
    return ROLES.index(role)


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME or not _NAME.match(name):
        raise AccountError(f"'{name}' cannot be an account name: use up to {MAX_NAME} letters, digits "
                           "and . _ @ -, starting with a letter or digit")
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"'{role}' is not a role; choose one of {', '.join(ROLES)}")
    return role


def check_password(password: str, name: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password is too short: use at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"the password is too long: keep it under {MAX_PASSWORD} characters")
    if password.strip().lower() == name.lower():
        raise AccountError("the password cannot be the account's name")
    return password


class Accounts:
    """The accounts of one store (a sqlite3 connection in autocommit mode)."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def any(self) -> bool:
        return self.db.execute("SELECT 1 FROM accounts LIMIT 1").fetchone() is not None

    def get(self, name: str) -> Account | None:
        row = self.db.execute("SELECT * FROM accounts WHERE name = ?", ((name or "").strip(),)).fetchone()
        return _account(row) if row else None

    def list(self) -> list[Account]:
        return [_account(r) for r in self.db.execute("SELECT * FROM accounts ORDER BY name COLLATE NOCASE")]

    def add(self, name: str, role: str, password: str) -> Account:
        name, role = check_name(name), check_role(role)
        check_password(password, name)
        if self.get(name):
            raise AccountError(f"there is already an account '{name}'; `kb user reset {name}` sets a new password")
        at = now()
        self.db.execute("INSERT INTO accounts (name, role, password_hash, created_at, changed_at)"
                        " VALUES (?,?,?,?,?)", (name, role, _hasher.hash(password), at, at))
        return self.get(name)

    def disable(self, name: str) -> Account:
        account = self._existing(name)
        self.db.execute("UPDATE accounts SET disabled = 1, sessions = sessions + 1, changed_at = ?"
                        " WHERE name = ?", (now(), account.name))
        return self.get(account.name)

    def reset(self, name: str, password: str, role: str | None = None) -> Account:
        """A new password (and role, if given); the account is enabled again and its
        earlier sign-ins end."""
        account = self._existing(name)
        check_password(password, account.name)
        self.db.execute("UPDATE accounts SET password_hash = ?, role = ?, disabled = 0,"
                        " sessions = sessions + 1, changed_at = ? WHERE name = ?",
                        (_hasher.hash(password), check_role(role or account.role), now(), account.name))
        return self.get(account.name)

    def verify(self, name: str, password: str) -> Account | None:
        """The account, if `password` is its password and it is enabled; else None."""
        row = self.db.execute("SELECT * FROM accounts WHERE name = ?", ((name or "").strip(),)).fetchone()
        try:
            _hasher.verify(row["password_hash"] if row else _dummy_hash(), password or "")
        except (VerificationError, InvalidHashError):
            return None
        if row is None or row["disabled"]:
            return None
        if _hasher.check_needs_rehash(row["password_hash"]):
            self.db.execute("UPDATE accounts SET password_hash = ? WHERE name = ?",
                            (_hasher.hash(password), row["name"]))
        return _account(row)

    def _existing(self, name: str) -> Account:
        account = self.get(name)
        if account is None:
            raise AccountError(f"no account '{name}'; `kb user list` lists them")
        return account


def _account(row: sqlite3.Row) -> Account:
    return Account(row["name"], row["role"], bool(row["disabled"]), row["sessions"], row["created_at"],
                   row["changed_at"])
