"""The assistant's commands: `kb ask`, `kb pack` and `kb compare`."""
from __future__ import annotations

import json
from pathlib import Path


def register(subparsers) -> None:
    """Add the ask, pack and compare commands to the `kb` command line's subparsers."""
    from kb.assistant.themes import THEMES

    def command(name: str, func, help: str, authority_help: str):
        s = subparsers.add_parser(name, help=help, description=help)
        s.set_defaults(func=func)
        s.add_argument("--authority", help=authority_help)
        return s

    s = command("ask", cmd_ask, "answer a question with sentences quoted from the evidence, each cited",
                "only this authority's documents (default: all, or the authority the question names)")
    s.add_argument("question", nargs="+")
    s.add_argument("--json", action="store_true", help="the answer as JSON")
    own = "the authority to cover (default: ours, `kb settings`)"
    s = command("pack", cmd_pack, "write an evidence pack for a focused-visit theme (Markdown and Word)", own)
    s.add_argument("theme", metavar="THEME",
                   help=f"a theme ({', '.join(THEMES)}), a judgement id or a criterion id")
    s.add_argument("--out", metavar="PATH", help="where to write PATH.md and PATH.docx (default: pack-THEME)")
    s.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD",
                   help="the day 'the last 12 months' ends (default: the newest document's date)")
    s.add_argument("--json", action="store_true", help="print the pack as JSON instead of writing files")
    s = command("compare", cmd_compare, "our own account beside inspectors' findings, criterion by criterion", own)
    s.add_argument("--with-comparators", action="store_true",
                   help="add, apart, what inspectors found in other authorities held")
    s.add_argument("--json", action="store_true")


def _user_error(message: str) -> Exception:
    # Imported when needed: kb.cli imports this module to register the commands.
    from kb.cli import UserError
    return UserError(message)


def _open(args):
    from kb.cli import open_kb
    kb = open_kb(args)
    if not kb.store.counts()["documents"]:
        raise _user_error(f"no documents yet in {kb.home}; add some with `kb ingest PATH`")
    return kb


def _run(func, *args, **kwargs):
    """Call the assistant, turning what the user can fix into a one-line message."""
    from kb.search.index import IndexUnavailable
    try:
        return func(*args, **kwargs)
    except (ValueError, IndexUnavailable) as e:
        raise _user_error(str(e)) from None


def cmd_ask(args) -> int:
    from kb.assistant.ask import ask
    kb = _open(args)
    answer = _run(ask, kb, " ".join(args.question), authority=args.authority)
    print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=1) if args.json else answer.to_text())
    return 0


def cmd_pack(args) -> int:
    from kb.assistant.pack import pack
    kb = _open(args)
    result = _run(pack, kb, args.theme, authority=args.authority, as_of=args.as_of)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
        return 0
    base = Path(args.out or f"pack-{result.theme.id}")
    if base.suffix.lower() in (".md", ".docx"):
        base = base.with_suffix("")
    written = []
    try:
        for suffix, data in ((".md", result.to_markdown().encode("utf-8")), (".docx", result.to_docx())):
            path = base.with_name(base.name + suffix)
            path.write_bytes(data)
            written.append(str(path))
    except OSError as e:
        raise _user_error(f"cannot write {base}: {e.strerror or e}") from None
    gaps = len(result.gaps)
    print(f"{result.title}: {len(result.theme.criteria)} criteria, {len(result.open_areas)} open areas, "
          f"{gaps} gap{'s' if gaps != 1 else ''}")
    for path in written:
        print(f"  wrote {path}")
    return 0


def cmd_compare(args) -> int:
    from kb.assistant.compare import compare
    kb = _open(args)
    result = _run(compare, kb, authority=args.authority, with_comparators=args.with_comparators)
    print(json.dumps(result.to_dict(), ensure_ascii=False, indent=1) if args.json else result.to_text())
    return 0
