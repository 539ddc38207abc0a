"""The `kb` command line."""
from __future__ import annotations

import argparse
import csv
import getpass
import json
import sys
import textwrap
from pathlib import Path

from kb import framework
from kb.accounts_cli import record_command, register as register_accounts
from kb.assistant.cli import register as register_assistant
from kb.backup import register as register_backup
from kb.settings_cli import register as register_settings

# The protective marking leads every record (kb.marking): a CSV has nowhere else to hold it.
EXPORT_FIELDS = ["marking", "doc_id", "title", "doc_type", "authority", "date", "paragraph_id", "page", "number",
                 "section", "kind", "text", "judgement", "judgements", "criteria", "stance", "tag_source"]


class UserError(Exception):
    """A mistake in what the user asked for; printed as one line, exit status 2."""


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        status = args.func(args) or 0
        record_command(args, status)
        return status
    except UserError as e:
        print(f"kb: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kb", description="Inspection-readiness knowledge base for children's services.")
    p.add_argument("--home", help="knowledge base folder (default: $KB_HOME or a per-user folder)")
    sub = p.add_subparsers(metavar="COMMAND")

    def cmd(name, func, help):
        s = sub.add_parser(name, help=help, description=help)
        s.set_defaults(func=func)
        return s

    s = cmd("ingest", cmd_ingest, "ingest files and folders (PDF, DOCX, HTML, Markdown, text)")
    s.add_argument("paths", nargs="+", metavar="PATH")
    s.add_argument("--force", action="store_true", help="process again documents already held")
    s = cmd("docs", cmd_docs, "list documents")
    s.add_argument("--json", action="store_true")
    s = cmd("show", cmd_show, "print a document as paragraphs with section, page and number")
    s.add_argument("doc")
    s.add_argument("--json", action="store_true")
    s = cmd("doc", cmd_doc, "print a document's details and their history, or correct them")
    s.add_argument("doc")
    s.add_argument("--authority", help="the local authority the document is about")
    s.add_argument("--type", dest="doc_type", metavar="TYPE", help="a document type id (`kb framework` lists them)")
    s.add_argument("--date", metavar="YYYY-MM-DD")
    s.add_argument("--title")
    s.add_argument("--who", default=None, help="who is correcting (default: your user name)")
    s.add_argument("--json", action="store_true")
    s = cmd("remove", cmd_remove, "remove a document")
    s.add_argument("doc")
    cmd("reindex", cmd_reindex, "rebuild the search index from the database")
    s = cmd("learn", cmd_learn, "learn the stance model from this knowledge base's documents and tag them again")
    s.add_argument("--forget", action="store_true", help="go back to the model shipped with kb")
    s = cmd("export", cmd_export, "write one record per paragraph")
    s.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    s.add_argument("--out", help="file to write (default: standard output)")
    s.add_argument("--all", action="store_true", help="include documents that are copies of another (default: once)")
    s = cmd("grades", cmd_grades, "inspection grades per authority: latest, earlier and the change")
    fmt = s.add_mutually_exclusive_group()
    fmt.add_argument("--csv", action="store_true", help="one row per inspection, as CSV")
    fmt.add_argument("--xlsx", action="store_true", help="one row per inspection, as an Excel workbook")
    fmt.add_argument("--json", action="store_true")
    s.add_argument("--sort", choices=["authority", "date", "overall"], default="authority",
                   help="authority A to Z (default), latest inspection newest first, or overall grade best first")
    s.add_argument("--out", help="file to write (default: standard output)")
    s.add_argument("--link-base", metavar="URL", help="the web app's address, to link each report in CSV and Excel")
    s = cmd("search", cmd_search, "search the evidence")
    s.add_argument("query", nargs="+")
    add_filters(s)
    s.add_argument("--limit", type=positive_int, default=10)
    s.add_argument("--offset", type=non_negative_int, default=0)
    s.add_argument("--json", action="store_true")
    cmd("classify", cmd_classify, "tag text alone: JSONL {id,text} on stdin -> JSONL tags on stdout")
    s = cmd("tag", cmd_tag, "correct a paragraph's tags (a person's correction wins over the tagger)")
    s.add_argument("paragraph")
    s.add_argument("--judgement", choices=framework.JUDGEMENT_IDS)
    s.add_argument("--criterion", action="append", metavar="ID", help="criterion id; repeat for several; 'none' clears")
    s.add_argument("--stance", choices=framework.STANCE_IDS)
    s.add_argument("--who", default=None, help="who is correcting (default: your user name)")
    s.add_argument("--note")
    s = cmd("history", cmd_history, "show the changes to a paragraph's tags")
    s.add_argument("paragraph")
    s.add_argument("--json", action="store_true")
    s = cmd("evidence", cmd_evidence, "evidence for and against a judgement or criterion")
    s.add_argument("target", metavar="JUDGEMENT|CRITERION")
    s.add_argument("--stance", choices=framework.STANCE_IDS)
    s.add_argument("--type", dest="doc_type", choices=framework.DOC_TYPE_IDS)
    s.add_argument("--authority")
    s.add_argument("--json", action="store_true")
    s = cmd("framework", cmd_framework, "list judgement, criterion, stance and document type ids")
    s.add_argument("--json", action="store_true")
    register_assistant(sub)
    register_backup(sub)
    register_accounts(sub)
    register_settings(sub)
    s = cmd("serve", cmd_serve, "start the web app")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=positive_int, default=5000)
    return p


def add_filters(s: argparse.ArgumentParser) -> None:
    """Search filters; one given twice means either value (`--type A --type B`), and
    different filters must all hold."""
    s.add_argument("--judgement", action="append", choices=framework.JUDGEMENT_IDS)
    s.add_argument("--criterion", action="append", metavar="ID")
    s.add_argument("--stance", action="append", choices=framework.STANCE_IDS)
    s.add_argument("--type", dest="doc_type", action="append", choices=framework.DOC_TYPE_IDS)
    s.add_argument("--authority", action="append")
    s.add_argument("--from", dest="date_from", metavar="DATE", help="YYYY, YYYY-MM or YYYY-MM-DD")
    s.add_argument("--to", dest="date_to", metavar="DATE")


def _int_at_least(low: int):
    """An argparse type: a whole number no less than `low`."""
    def parse(v: str) -> int:
        try:
            n = int(v)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{v}' is not a whole number") from None
        if n < low:
            raise argparse.ArgumentTypeError(f"must be {low} or more")
        return n
    return parse


positive_int = _int_at_least(1)
non_negative_int = _int_at_least(0)


def open_kb(args, rebuild: bool = True):
    """The knowledge base at --home; its index rebuilt first if it is missing or from
    another version (saying so on stderr), unless `rebuild` is off."""
    from kb.kb import KnowledgeBase
    return KnowledgeBase(args.home, rebuild=rebuild, notice=say)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def find_doc(kb, ref: str) -> dict:
    doc = kb.store.document(ref)
    if doc:
        return doc
    matches = [d for d in kb.store.documents() if ref.lower() in (d["doc_id"] + " " + d["source"] + " " + d["title"]).lower()]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise UserError(f"no document '{ref}'; `kb docs` lists them")
    raise UserError(f"'{ref}' matches {len(matches)} documents: " + ", ".join(d["doc_id"] for d in matches[:8]))


# -- commands -------------------------------------------------------------------------
def cmd_ingest(args) -> int:
    kb = open_kb(args)
    show = _progress_bar() if sys.stderr.isatty() else None
    report = kb.ingest(args.paths, force=args.force, progress=show)
    print(f"added {len(report.added)}, unchanged {len(report.unchanged)}, replaced {len(report.replaced)}, "
          f"failed {len(report.failed)}  (knowledge base: {kb.home})")
    for doc_id in report.added + report.replaced:
        d = kb.store.document(doc_id)
        print(f"  {doc_id}: {d['doc_type']}, {d['authority'] or 'authority unknown'}, {d['date'] or 'undated'}, {d['pages'] or '-'} pages")
    for path, reason in report.skipped:
        print(f"  skipped {path}: {reason}", file=sys.stderr)
    for c in report.copies:
        print(f"  {c.copy} looks like a copy of {c.original}: kept once in lists and exports")
    for path, reason in report.failed:
        print(f"  FAILED {path}: {reason}", file=sys.stderr)
    return 1 if report.failed else 0


def _progress_bar():
    def show(done: int, total: int, name: str) -> None:
        if total < 2:
            return
        width = 30
        filled = int(width * done / total)
        label = Path(name).name[:40] if name else "done"
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label:<40}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()
    return show


def cmd_docs(args) -> int:
    kb = open_kb(args)
    docs = [doc_summary(d) for d in kb.store.documents()]
    if args.json:
        print(json.dumps(docs, indent=1, ensure_ascii=False))
        return 0
    if not docs:
        print(f"no documents yet in {kb.home}; add some with `kb ingest PATH`")
    for d in docs:
        grades = ", ".join(f"{k} {v}" for k, v in d["grades"].items())
        print(f"{d['doc_id']}  [{d['doc_type']}] {d['title']}")
        print(f"    {d['authority'] or 'authority unknown'} · {d['date'] or d['period'] or 'undated'} · "
              f"{d['pages'] or '-'} pages · {d['paragraphs']} paragraphs · {d['source']}")
        if grades:
            print(f"    grades: {grades}")
        if d["duplicate_of"]:
            print(f"    copy of {d['duplicate_of']}: kept once in lists, search and exports")
    return 0


def doc_summary(d: dict) -> dict:
    return {k: d.get(k) for k in ("doc_id", "title", "source", "doc_type", "authority", "date", "period",
                                  "pages", "paragraphs", "grades", "duplicate_of")}


def cmd_show(args) -> int:
    kb = open_kb(args)
    doc = find_doc(kb, args.doc)
    paras = list(kb.store.paragraphs(doc["doc_id"]))
    if args.json:
        print(json.dumps({"document": doc_summary(doc), "paragraphs": [export_record(p) for p in paras]},
                         indent=1, ensure_ascii=False))
        return 0
    print(f"{doc['title']}  ({doc['doc_id']}, {doc['doc_type']})")
    trail: list[str] = []
    for p in paras:
        if p["section"] != trail:
            trail = p["section"]
            print("\n== " + " > ".join(trail) if trail else "")
        where = f"p.{p['page']}" if p["page"] else ""
        num = f"¶{p['number']}" if p["number"] is not None else ""
        tags = f"{p['judgement']}/{p['stance']}" if p.get("judgement") else ""
        marker = " (boilerplate)" if p["boilerplate"] else ""
        print(f"\n[{p['paragraph_id']}] {where} {num} {p['kind']} {tags}{marker}".rstrip())
        print(textwrap.indent(p["text"], "    "))
    return 0


def cmd_doc(args) -> int:
    from kb.doc_details import DetailError
    kb = open_kb(args)
    doc = find_doc(kb, args.doc)
    wanted = {"authority": args.authority, "doc_type": args.doc_type, "date": args.date, "title": args.title}
    if any(v is not None for v in wanted.values()):
        who = args.who or getpass.getuser()
        try:
            done = kb.correct_document(doc["doc_id"], wanted, who)
        except DetailError as e:
            raise UserError(str(e)) from None
        for field, old, new in done:
            print(f"{doc['doc_id']}: {field} {old or '-'} -> {new} (corrected by {who})")
        if not done:
            print(f"{doc['doc_id']}: no change, the details are already so")
        doc = kb.store.document(doc["doc_id"])
        if not args.json:
            return 0
    set_by = kb.store.document_corrections(doc["doc_id"])
    history = kb.store.document_history(doc["doc_id"])
    if args.json:
        print(json.dumps({"document": doc_summary(doc), "corrected": set_by, "history": history},
                         indent=1, ensure_ascii=False))
        return 0
    print(f"{doc['doc_id']}  ({doc['source']})")
    for field, label in (("title", "title"), ("doc_type", "type"), ("authority", "authority"), ("date", "date")):
        who = f"  (set by {set_by[field]['who']}, {set_by[field]['at']})" if field in set_by else ""
        print(f"  {label:<10} {doc[field] or '-'}{who}")
    if doc["duplicate_of"]:
        print(f"  copy of {doc['duplicate_of']}: kept once in lists, search and exports")
    print("history:" if history else "no changes: the details are as read from the file")
    for h in history:
        print(f"  {h['at']}  {h['who']}  {h['field']}: {h['old'] or '-'} -> {h['new']}")
    return 0


def cmd_remove(args) -> int:
    kb = open_kb(args)
    doc = find_doc(kb, args.doc)
    kb.remove(doc["doc_id"])
    print(f"removed {doc['doc_id']} ({doc['source']}); people's corrections to it are kept for a re-ingest")
    return 0


def cmd_reindex(args) -> int:
    kb = open_kb(args, rebuild=False)
    n = kb.reindex()
    print(f"index rebuilt: {n} paragraphs")
    return 0


def cmd_learn(args) -> int:
    from indexer.model import ReadError
    kb = open_kb(args)
    if args.forget:
        changed = kb.forget()
        print(f"using the stance model shipped with kb; tags of {changed} paragraphs changed")
        return 0
    try:
        report = kb.learn()
    except ReadError as e:
        raise UserError(str(e)) from None
    counts = ", ".join(f"{n} {label}" for label, n in sorted(report.sentences.items()))
    print(f"learned stance from {counts} sentences ({report.features} weighted terms); "
          f"tags of {report.changed} paragraphs changed, each on record in its history")
    return 0


def export_record(p: dict) -> dict:
    return {
        "doc_id": p["doc_id"], "title": p.get("title"), "doc_type": p.get("doc_type"),
        "authority": p.get("authority"), "date": p.get("date"),
        "paragraph_id": p["paragraph_id"], "page": p["page"], "number": p["number"],
        "section": p["section"], "kind": p["kind"], "text": p["text"], "judgement": p.get("judgement"),
        "judgements": p.get("judgements") or {}, "criteria": list(p.get("criteria") or {}),
        "stance": p.get("stance"), "tag_source": p.get("tag_source"), "boilerplate": p["boilerplate"],
    }


def cmd_export(args) -> int:
    from kb.spreadsheet import cell
    kb = open_kb(args)
    out = open(args.out, "w", newline="", encoding="utf-8") if args.out else sys.stdout
    try:
        from kb.marking import marking
        mark = marking()
        records = ({"marking": mark, **export_record(p)}
                   for p in kb.store.paragraphs(include_boilerplate=False, copies=args.all))
        if args.format == "jsonl":
            for r in records:
                out.write(json.dumps(r, ensure_ascii=False) + "\n")
        else:
            w = csv.writer(out)
            w.writerow(EXPORT_FIELDS)
            for r in records:
                w.writerow([cell(" > ".join(r[f]) if f == "section" else
                                 ";".join(r[f]) if f == "criteria" else
                                 json.dumps(r[f]) if f == "judgements" else r[f]) for f in EXPORT_FIELDS])
    finally:
        if args.out:
            out.close()
    return 0


def cmd_grades(args) -> int:
    from kb import grades
    kb = open_kb(args, rebuild=False)
    table = grades.build(kb.store.documents())
    table.authorities = grades.sort(table.authorities, args.sort)
    base = (args.link_base or "").rstrip("/")
    link_for = (lambda doc_id: f"{base}/document/{doc_id}") if base else None
    if args.xlsx:
        if not args.out and sys.stdout.isatty():
            raise UserError("an Excel workbook does not print: name a file with --out PATH")
        body = grades.to_xlsx(table, link_for)
    else:
        from kb.marking import marking
        text = (json.dumps({"marking": marking(), **table.to_dict()}, indent=1, ensure_ascii=False) + "\n"
                if args.json else grades.to_csv(table, link_for) if args.csv else
                f"{marking()}\n\n{grades.to_text(table)}\n\n{marking()}\n")
        body = text.encode("utf-8")
    if not args.out:
        sys.stdout.flush()
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
        return 0
    try:
        Path(args.out).write_bytes(body)
    except OSError as e:
        raise UserError(f"cannot write {args.out}: {e.strerror}") from None
    print(f"wrote {len(table.authorities)} authorities' grades to {args.out}", file=sys.stderr)
    return 0


def cmd_search(args) -> int:
    from kb.search import search
    kb = open_kb(args)
    query = " ".join(args.query)
    try:
        result = search(kb.index, query, judgement=args.judgement, criterion=args.criterion, stance=args.stance,
                        doc_type=args.doc_type, authority=args.authority, date_from=args.date_from,
                        date_to=args.date_to, limit=args.limit, offset=args.offset)
    except ValueError as e:
        raise UserError(str(e)) from None
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
        return 0
    print(result.to_text())
    return 0


def cmd_classify(args) -> int:
    from kb.tagging import classify_record
    bad = 0
    for n, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
                raise ValueError('each line needs a JSON object with a "text" string')
        except ValueError as e:
            print(f"kb classify: line {n}: {e}", file=sys.stderr)
            bad += 1
            continue
        sys.stdout.write(json.dumps(classify_record(rec), ensure_ascii=False) + "\n")
    return 1 if bad else 0


def cmd_tag(args) -> int:
    from kb.store import Correction
    if not (args.judgement or args.criterion or args.stance):
        raise UserError("say what to correct: --judgement, --criterion or --stance")
    criteria = None
    if args.criterion:
        criteria = [] if args.criterion == ["none"] else args.criterion
        for c in criteria:
            try:
                framework.criterion(c)
            except KeyError:
                raise UserError(f"'{c}' is not a criterion id; `kb framework` lists them") from None
    kb = open_kb(args)
    who = args.who or getpass.getuser()
    try:
        p = kb.correct(args.paragraph, Correction(args.judgement, criteria, args.stance, args.note), who,
                       wait=False)
    except KeyError:
        raise UserError(f"no paragraph '{args.paragraph}'; `kb show DOC` prints paragraph ids") from None
    print(f"{p['paragraph_id']}: judgement {p['judgement']}, criteria {', '.join(p['criteria']) or '-'}, "
          f"stance {p['stance']} (corrected by {who})")
    if kb.index_behind:
        print("  the search index is busy with another process (an ingest): search shows this "
              "correction once that is done")
    return 0


def cmd_history(args) -> int:
    kb = open_kb(args)
    try:
        rows = kb.store.history(args.paragraph)
    except KeyError:
        raise UserError(f"no paragraph '{args.paragraph}'") from None
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    if not rows:
        print("no changes: the tags are the tagger's own")
    for r in rows:
        print(f"{r['at']}  {r['who']} ({r['source']})  {r['field']}: {r['old']} -> {r['new']}")
    return 0


def cmd_evidence(args) -> int:
    from kb.evidence import EvidenceFilter, gather
    kb = open_kb(args)
    try:
        groups = gather(kb.store.paragraphs(include_boilerplate=False), args.target, EvidenceFilter(stance=args.stance, doc_type=args.doc_type,
                                                              authority=args.authority))
    except ValueError as e:
        raise UserError(str(e)) from None
    if args.json:
        print(json.dumps([{"criterion": g.criterion.id if g.criterion else None,
                           "title": g.criterion.title if g.criterion else "Not tied to one criterion",
                           "items": g.items} for g in groups], indent=1, ensure_ascii=False))
        return 0
    for g in groups:
        title = f"{g.criterion.id}  {g.criterion.title}" if g.criterion else "Not tied to one criterion"
        print(f"\n## {title}  ({len(g.items)} items)")
        if not g.items:
            print("   no evidence held")
            continue
        for voice, label in (("inspectors", "Inspectors' findings"), ("authority", "Our own account")):
            items = g.by_voice(voice)
            if not items:
                continue
            print(f"  {label}:")
            by_doc: dict[str, list[dict]] = {}
            for i in items:
                by_doc.setdefault(i["doc_id"], []).append(i)
            for doc_id, its in by_doc.items():
                print(f"    {its[0]['title']} ({its[0]['date'] or 'undated'})")
                for i in its:
                    cite = ", ".join(x for x in (f"p.{i['page']}" if i["page"] else "",
                                                 f"¶{i['number']}" if i["number"] is not None else "") if x)
                    text = textwrap.shorten(i["text"], 160)
                    print(f"      [{i['stance']}] {text} ({cite or i['paragraph_id']})")
    return 0


def cmd_framework(args) -> int:
    if args.json:
        print(json.dumps({"judgements": [j.__dict__ for j in framework.judgements()],
                          "criteria": [dict(c.__dict__, cues=list(c.cues)) for c in framework.criteria()],
                          "stances": list(framework.STANCE_IDS), "doc_types": list(framework.DOC_TYPE_IDS)},
                         indent=1))
        return 0
    for j in framework.judgements():
        print(f"{j.id}: {j.title}")
        for c in framework.criteria_of(j.id):
            print(f"    {c.id}: {c.title}")
    print("stances: " + ", ".join(framework.STANCE_IDS))
    print("document types: " + ", ".join(framework.DOC_TYPE_IDS))
    return 0


def cmd_serve(args) -> int:
    from web.serve import serve
    return serve(args.home, args.host, args.port)


if __name__ == "__main__":
    sys.exit(main())
