"""`kb init` and `kb settings`: whose knowledge base this is (kb/our_authority.py)."""
from __future__ import annotations

import json
import sys


def register(subparsers) -> None:
    for name, func, help in (
            ("init", cmd_init, "start a knowledge base and choose our authority (asked for at a terminal)"),
            ("settings", cmd_settings, "show the knowledge base's settings, or change our authority")):
        s = subparsers.add_parser(name, help=help, description=help)
        s.set_defaults(func=func)
        s.add_argument("--authority", action="append", metavar="NAME",
                       help="our authority; repeat for a group of authorities that compare notes")
        if name == "settings":
            s.add_argument("--no-authority", action="store_true",
                           help="forget the choice (our authority is then inferred from our own documents, or unknown)")
            s.add_argument("--json", action="store_true")


def _user_error(message: str) -> Exception:
    from kb.cli import UserError     # kb.cli imports this module to register the commands
    return UserError(message)


def _choose(kb, names: list[str]):
    from kb import audit
    from kb.our_authority import choose
    try:
        return choose(kb.store, names, audit.operator())
    except ValueError as e:
        raise _user_error(str(e)) from None


def _report(kb, ours) -> None:
    from kb.our_authority import held_authorities, not_held
    documents = kb.store.documents()
    print(ours.describe())
    if ours.how == "chosen":
        print(f"  set by {ours.who} at {ours.at}")
    missing = not_held(ours, documents)
    if missing:
        print(f"  no documents of {', '.join(missing)} are held yet")
    held = held_authorities(documents)
    if held:
        print(f"Authorities held: {', '.join(held)}")


def _ask(held: list[str]) -> list[str]:
    """Our authority or authorities, asked for at the terminal: numbers from the list of those
    held, or names, separated by commas; blank leaves it unset."""
    if held:
        print("Authorities held:")
        for n, name in enumerate(held, 1):
            print(f"  {n:>3}  {name}")
    prompt = "Our authority (a number or a name; several separated by commas; blank to leave it unset): "
    answer = input(prompt).strip()
    names = []
    for part in filter(None, (p.strip() for p in answer.split(","))):
        if part.isdigit():
            if not 1 <= int(part) <= len(held):
                raise _user_error(f"{part} is not a number on the list (1 to {len(held)})")
            names.append(held[int(part) - 1])
        else:
            names.append(part)
    return names


def cmd_init(args) -> int:
    from kb.cli import open_kb
    from kb.our_authority import held_authorities, our_authorities
    kb = open_kb(args)
    print(f"Knowledge base: {kb.home}")
    names = args.authority
    if names is None and sys.stdin.isatty():
        try:
            names = _ask(held_authorities(kb.store.documents()))
        except EOFError:
            names = None
    ours = _choose(kb, names) if names else our_authorities(kb.store)
    _report(kb, ours)
    if not names and ours.how != "chosen":
        print("Choose it with `kb settings --authority NAME` or on the web app's settings page (/settings).")
    return 0


def cmd_settings(args) -> int:
    from kb.cli import open_kb
    from kb.our_authority import our_authorities
    if args.authority and args.no_authority:
        raise _user_error("give --authority or --no-authority, not both")
    kb = open_kb(args, rebuild=False)
    if args.authority or args.no_authority:
        ours = _choose(kb, args.authority or [])
    else:
        ours = our_authorities(kb.store)
    if args.json:
        print(json.dumps({"our_authorities": ours.to_dict()}, indent=2))
    else:
        _report(kb, ours)
    return 0
