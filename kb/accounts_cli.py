"""The administrator's commands: `kb user add|list|disable|reset` and `kb audit`, and the
audit entry every changing command leaves (`record_command`, called by kb/cli.py's main).
On the command line the operator is the operating system's user name."""
from __future__ import annotations

import argparse
import getpass
import sqlite3
import sys
from datetime import date

from kb import audit
from kb.accounts import ROLES, AccountError, Accounts
from kb.home import DB_NAME, resolve_home
from kb.store import Store


def _user_error(message: str) -> Exception:
    from kb.cli import UserError       # printed as one line, exit status 2
    return UserError(message)


def register(subparsers) -> None:
    u = subparsers.add_parser("user", help="manage the web app's accounts",
                              description="Manage the web app's accounts. With none, the app serves this computer only.")
    usub = u.add_subparsers(metavar="ACTION", required=True)
    s = usub.add_parser("add", help="add an account")
    s.add_argument("name")
    s.add_argument("--role", choices=ROLES, required=True,
                   help="reader: search, browse, ask, export; editor: also upload and correct; "
                        "admin: also accounts, removal and the audit log")
    s.add_argument("--password-stdin", action="store_true", help="read the password from standard input (scripts)")
    s.set_defaults(func=cmd_user_add)
    s = usub.add_parser("list", help="list accounts")
    s.set_defaults(func=cmd_user_list)
    s = usub.add_parser("disable", help="stop an account signing in (its open sessions end)")
    s.add_argument("name")
    s.set_defaults(func=cmd_user_disable)
    s = usub.add_parser("reset", help="set a new password (and role); enables a disabled account")
    s.add_argument("name")
    s.add_argument("--role", choices=ROLES)
    s.add_argument("--password-stdin", action="store_true")
    s.set_defaults(func=cmd_user_reset)

    a = subparsers.add_parser("audit", help="the audit log: who did what, and when",
                              description="Print the audit log, oldest first.")
    a.add_argument("--since", type=_date, metavar="YYYY-MM-DD")
    a.add_argument("--user", metavar="NAME", help="entries by this account or system user")
    a.add_argument("--csv", action="store_true", help="as CSV")
    a.set_defaults(func=cmd_audit)


def _date(value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date: use YYYY-MM-DD") from None


def _store(args) -> Store:
    return Store(resolve_home(args.home) / DB_NAME)


def _password(args, name: str) -> str:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise _user_error("no password on standard input")
        return password
    if not sys.stdin.isatty():
        raise _user_error("no terminal to ask for a password: pipe it in with --password-stdin")
    password = getpass.getpass(f"Password for {name}: ")
    if getpass.getpass("The same again: ") != password:
        raise _user_error("the two passwords differ; nothing was changed")
    return password


def cmd_user_add(args) -> int:
    store = _store(args)
    try:
        account = Accounts(store.db).add(args.name, args.role, _password(args, args.name))
    except AccountError as e:
        raise _user_error(str(e)) from None
    audit.record(store.db, "account-add", audit.operator(), f"{account.name} as {account.role}")
    print(f"added {account.name} ({account.role}); they can sign in to the web app now")
    return 0


def cmd_user_list(args) -> int:
    rows = Accounts(_store(args).db).list()
    if not rows:
        print("no accounts: the web app serves this computer only. Add one with `kb user add NAME --role admin`")
    for a in rows:
        print(f"{a.name:<24} {a.role:<7} {'disabled' if a.disabled else 'enabled':<9} changed {a.changed_at}")
    return 0


def cmd_user_disable(args) -> int:
    store = _store(args)
    try:
        account = Accounts(store.db).disable(args.name)
    except AccountError as e:
        raise _user_error(str(e)) from None
    audit.record(store.db, "account-disable", audit.operator(), account.name)
    print(f"disabled {account.name}: they cannot sign in, and their open sessions have ended")
    return 0


def cmd_user_reset(args) -> int:
    store = _store(args)
    accounts = Accounts(store.db)
    if accounts.get(args.name) is None:
        raise _user_error(f"no account '{args.name}'; `kb user list` lists them")
    try:
        account = accounts.reset(args.name, _password(args, args.name), role=args.role)
    except AccountError as e:
        raise _user_error(str(e)) from None
    audit.record(store.db, "account-reset", audit.operator(), f"{account.name}: new password, role {account.role}")
    print(f"{account.name} ({account.role}) has a new password and is enabled; earlier sign-ins have ended")
    return 0


def cmd_audit(args) -> int:
    rows = audit.entries(_store(args).db, since=args.since, who=args.user)
    if args.csv:
        sys.stdout.write(audit.to_csv(rows))
        return 0
    if not rows:
        print("no entries" + (" match" if args.since or args.user else ""))
    for e in rows:
        where = f" from {e.address}" if e.address else ""
        print(f"{e.at}  {e.who}{where}  {e.action}  {e.detail}".rstrip())
    return 0


# -- the audit entry of other commands -------------------------------------------------
def _paths(args) -> str:
    shown = ", ".join(args.paths[:5]) + (f" and {len(args.paths) - 5} more" if len(args.paths) > 5 else "")
    return shown + (" (--force)" if args.force else "")


def _tag(args) -> str:
    fields = [f"{k} {v}" for k, v in (("judgement", args.judgement), ("criteria", ",".join(args.criterion or []) or None),
                                     ("stance", args.stance)) if v]
    return f"{args.paragraph}: " + ", ".join(fields)


def _doc_fields(args) -> str | None:
    fields = [f"{k} {getattr(args, k)}" for k in ("authority", "doc_type", "date", "title") if getattr(args, k, None)]
    return f"{args.doc}: " + ", ".join(fields) if fields else None     # only printing: nothing to record


# Command function name -> (action, detail of its arguments, or None for nothing to record).
_RECORDED = {
    "cmd_ingest": ("ingest", _paths),
    "cmd_remove": ("remove", lambda a: a.doc),
    "cmd_tag": ("correct", _tag),
    "cmd_doc": ("correct", _doc_fields),
    "cmd_export": ("export", lambda a: f"{a.format} to {a.out or 'standard output'}"),
    "cmd_learn": ("learn", lambda a: "back to the shipped model" if a.forget else "from this knowledge base"),
    "cmd_backup": ("backup", lambda a: f"database to {a.path}"),
    "cmd_restore": ("restore", lambda a: f"database from {a.path}" + (" (--force)" if a.force else "")),
    "cmd_pack": ("pack", lambda a: f"{a.theme}" + (f", {a.authority}" if getattr(a, "authority", None) else "")
                 + (" as JSON" if getattr(a, "json", False) else f" to {a.out or 'pack-' + a.theme}")),
}


def record_command(args, status: int) -> None:
    """The audit entry of a command that changed or took evidence out of the knowledge base,
    once it has run (status 0, or 1 for an ingest where some files failed)."""
    recorded = _RECORDED.get(getattr(args.func, "__name__", ""))
    if recorded is None or status not in (0, 1):
        return
    action, describe = recorded
    detail = describe(args)
    if detail is None:
        return
    if status:
        detail += f" (exit status {status})"
    if getattr(args, "who", None):
        detail += f" (recorded as {args.who})"
    try:
        store = _store(args)
        try:
            audit.record(store.db, action, audit.operator(), detail)
        finally:
            store.close()
    except (OSError, sqlite3.Error) as e:
        print(f"kb: warning: the audit log could not record this {action}: {e}", file=sys.stderr)
