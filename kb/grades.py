"""Inspection grades across the authorities held: per authority, its latest inspection
report's grades, the earlier ones, and the change from one inspection to the next.

Pure functions over the store's documents (`Store.documents()` dicts). Only Ofsted
inspection reports count as inspections; focused visits, monitoring visits and joint
targeted area inspections grade nothing, so they are listed as visits, never as grades."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from kb import framework
from kb.marking import marking
from kb.spreadsheet import cell

INSPECTION_TYPES = ("ilacs-inspection", "sif-inspection", "pre-sif-inspection")
VISIT_TYPES = ("focused-visit", "monitoring-visit", "jtai")
IMPROVED, DECLINED, SAME = "improved", "declined", "same"
SORTS = ("authority", "date", "overall")
_TYPE_NAMES = {"ilacs-inspection": "ILACS inspection", "sif-inspection": "SIF inspection",
               "pre-sif-inspection": "inspection before the SIF", "focused-visit": "focused visit",
               "monitoring-visit": "monitoring visit", "jtai": "joint targeted area inspection"}


def grade_keys() -> tuple[str, ...]:
    """The grade keys in the order a table shows them: overall effectiveness first, then each
    judgement area followed by the older judgements graded within it, then the rest."""
    older = framework.older_judgements()
    keys = ["overall"]
    for jid in framework.JUDGEMENT_IDS:
        if jid != "overall":
            keys += [jid] + [o.id for o in older if o.part_of == jid]
    keys += [o.id for o in older if o.id not in keys]
    return tuple(keys)


def keys_held(inspections) -> list[str]:
    """The grade keys any of these inspections graded, in table order."""
    return [k for k in grade_keys() if any(k in i.grades for i in inspections)]


def short_name(key: str) -> str:
    for j in (*framework.judgements(), *framework.older_judgements()):
        if j.id == key:
            return j.short
    raise KeyError(key)


def type_name(doc_type: str) -> str:
    """A document type in a few words: 'ILACS inspection', 'focused visit', and for the
    authority's own papers the framework's title ('committee or cabinet paper')."""
    if doc_type in _TYPE_NAMES:
        return _TYPE_NAMES[doc_type]
    if doc_type in framework.DOC_TYPE_IDS:
        return framework.doc_type(doc_type).title.lower()
    return doc_type


def grade_name(grade: str | None) -> str:
    """'requires improvement to be good' -> 'Requires improvement to be good'."""
    return (grade or "").capitalize()


def change(before: str | None, after: str | None) -> str | None:
    """improved, declined or same from one grade to the next (Outstanding > Good > Requires
    improvement to be good > Inadequate); None when either is missing or off the scale."""
    if before not in framework.GRADES or after not in framework.GRADES:
        return None
    rank_before, rank_after = framework.GRADES.index(before), framework.GRADES.index(after)
    return SAME if rank_before == rank_after else IMPROVED if rank_after < rank_before else DECLINED


@dataclass(frozen=True)
class Inspection:
    doc_id: str
    title: str
    doc_type: str
    date: str | None
    source: str
    grades: dict[str, str]
    copies: tuple[str, ...] = ()            # other documents holding the same report
    disagreements: tuple[str, ...] = ()     # grade keys its copies read differently

    def to_dict(self) -> dict:
        return {"doc_id": self.doc_id, "title": self.title, "doc_type": self.doc_type, "date": self.date,
                "source": self.source, "grades": {k: self.grades[k] for k in grade_keys() if k in self.grades},
                "copies": list(self.copies), "disagreements": list(self.disagreements)}


@dataclass(frozen=True)
class Visit:
    doc_id: str
    title: str
    doc_type: str
    date: str | None


@dataclass
class AuthorityGrades:
    authority: str
    inspections: list[Inspection] = field(default_factory=list)   # newest first; undated last
    visits: list[Visit] = field(default_factory=list)             # newest first; undated last

    @property
    def latest(self) -> Inspection | None:
        return self.inspections[0] if self.inspections else None

    @property
    def previous(self) -> Inspection | None:
        return self.inspections[1] if len(self.inspections) > 1 else None

    @property
    def latest_visit(self) -> Visit | None:
        return self.visits[0] if self.visits else None

    def changes(self, index: int = 0) -> dict[str, str]:
        """Per grade key, how the inspection at `index` (0: the latest) moved from the one
        before it; keys that only one of the two graded are left out."""
        if index + 1 >= len(self.inspections):
            return {}
        now, before = self.inspections[index], self.inspections[index + 1]
        moves = {k: change(before.grades.get(k), now.grades.get(k)) for k in grade_keys()}
        return {k: v for k, v in moves.items() if v}

    def to_dict(self) -> dict:
        visit = self.latest_visit
        return {"authority": self.authority,
                "latest": self.latest.to_dict() if self.latest else None,
                "changes": self.changes(),
                "previous": self.previous.to_dict() if self.previous else None,
                "earlier": [i.to_dict() for i in self.inspections[1:]],
                "latest_visit": visit.__dict__ if visit else None}


@dataclass
class GradesTable:
    authorities: list[AuthorityGrades]
    unattributed: list[dict]    # inspection reports that name no authority

    def to_dict(self) -> dict:
        return {"judgements": [{"id": k, "title": framework.graded_title(k), "short": short_name(k)}
                               for k in grade_keys()],
                "grades": list(framework.GRADES),
                "authorities": [a.to_dict() for a in self.authorities],
                "unattributed": [{"doc_id": d["doc_id"], "title": d.get("title"), "date": d.get("date")}
                                 for d in self.unattributed]}


def _newest_first(date: str | None) -> tuple:
    return (date is not None, date or "")


def _inspections(docs: list[dict]) -> list[Inspection]:
    """One inspection per report: documents of one type and date are copies of one report
    (the same report held as PDF and as text); the copy with most grades stands for it."""
    def own_key(d: dict) -> tuple:
        return (d["doc_type"], d["date"]) if d.get("date") else (d["doc_id"],)

    by_id = {d["doc_id"]: d for d in docs}
    groups: dict[tuple, list[dict]] = {}
    for d in docs:
        # A document the store knows for a copy goes with its original, whatever it was read as.
        original = by_id.get(d.get("duplicate_of") or "")
        groups.setdefault(own_key(original or d), []).append(d)
    found = []
    for copies in groups.values():
        best = max(copies, key=lambda d: (len(d.get("grades") or {}), not d.get("duplicate_of")))
        grades = dict(best.get("grades") or {})
        disagree = sorted({k for d in copies for k, v in (d.get("grades") or {}).items() if grades.get(k) != v})
        found.append(Inspection(best["doc_id"], best.get("title") or best["doc_id"], best["doc_type"],
                                best.get("date"), best.get("source") or "", grades,
                                tuple(d["doc_id"] for d in copies if d is not best), tuple(disagree)))
    found.sort(key=lambda i: _newest_first(i.date), reverse=True)
    return found


def build(documents: list[dict]) -> GradesTable:
    """The grades table of these documents, one entry per authority, A to Z. Authorities
    are matched without regard to case or surrounding spaces."""
    by_authority: dict[str, list[dict]] = {}
    names: dict[str, str] = {}
    unattributed = []
    for d in documents:
        if d.get("doc_type") not in INSPECTION_TYPES + VISIT_TYPES:
            continue
        name = (d.get("authority") or "").strip()
        if not name:
            if d["doc_type"] in INSPECTION_TYPES:
                unattributed.append(d)
            continue
        key = name.casefold()
        names.setdefault(key, name)
        by_authority.setdefault(key, []).append(d)
    table = []
    for key, docs in by_authority.items():
        inspections = _inspections([d for d in docs if d["doc_type"] in INSPECTION_TYPES])
        visits = sorted((Visit(d["doc_id"], d.get("title") or d["doc_id"], d["doc_type"], d.get("date"))
                         for d in docs if d["doc_type"] in VISIT_TYPES),
                        key=lambda v: _newest_first(v.date), reverse=True)
        table.append(AuthorityGrades(names[key], inspections, visits))
    return GradesTable(sort(table, "authority"), unattributed)


def sort(authorities: list[AuthorityGrades], by: str = "authority", descending: bool = False) -> list[AuthorityGrades]:
    """By authority name (A to Z), latest inspection date (newest first) or latest overall
    grade (best first); `descending` turns the order round. Ties fall back to the name, and
    authorities with no value for the key come last either way."""
    if by not in SORTS:
        raise ValueError(f"cannot sort by '{by}'; choose one of {', '.join(SORTS)}")
    by_name = sorted(authorities, key=lambda a: a.authority.casefold(), reverse=descending and by == "authority")
    if by == "authority":
        return by_name

    def value(a: AuthorityGrades):
        if not a.latest:
            return None
        if by == "date":
            return a.latest.date
        grade = a.latest.grades.get("overall")
        return framework.GRADES.index(grade) if grade in framework.GRADES else None

    held = [a for a in by_name if value(a) is not None]
    missing = [a for a in by_name if value(a) is None]
    # Newest date first and best grade (lowest rank) first are the natural orders.
    held.sort(key=value, reverse=(by == "date") != descending)
    return held + missing


# -- flat rows for a spreadsheet ------------------------------------------------------------

def row_fields() -> list[str]:
    fields = ["authority", "inspection", "date", "doc_type", "title", "doc_id", "source", "link"]
    for k in grade_keys():
        fields += [k, f"{k}_change"]
    return fields + ["latest_visit_date", "latest_visit_type"]


def row_titles() -> list[str]:
    """Headings for people (the spreadsheet's first row), field for field."""
    titles = ["Authority", "Inspection", "Date", "Report type", "Title", "Document id", "Source file", "Link"]
    for k in grade_keys():
        titles += [short_name(k), f"{short_name(k)}: change"]
    return titles + ["Latest visit date", "Latest visit type"]


def rows(table: GradesTable, link_for=None, readable: bool = False) -> list[list]:
    """One row per inspection, the latest of each authority first (inspection 'latest', then
    'earlier'), each grade beside its change from the authority's inspection before it.
    `link_for(doc_id)` gives the link column (default: empty); `readable` writes grades and
    report types as words for people rather than as ids."""
    grade = grade_name if readable else (lambda g: g)
    kind = (lambda t: type_name(t)[:1].upper() + type_name(t)[1:]) if readable else (lambda t: t)
    out = []
    for a in table.authorities:
        visit = a.latest_visit
        for n, i in enumerate(a.inspections):
            moves = a.changes(n)
            row = [a.authority, "latest" if n == 0 else "earlier", i.date, kind(i.doc_type), i.title, i.doc_id,
                   i.source, link_for(i.doc_id) if link_for else ""]
            for k in grade_keys():
                row += [grade(i.grades.get(k, "")), moves.get(k, "")]
            row += [visit.date if visit else "", kind(visit.doc_type) if visit else ""]
            out.append(row)
    return out


def to_csv(table: GradesTable, link_for=None) -> str:
    """The rows as CSV with the field ids as header, the protective marking first on every
    row (kb.marking); cells that would start a spreadsheet formula are neutralised."""
    mark = marking()
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["marking"] + row_fields())
    for r in rows(table, link_for):
        writer.writerow([cell(v) for v in [mark] + r])
    return buf.getvalue()


def to_xlsx(table: GradesTable, link_for=None) -> bytes:
    """The rows as an Excel workbook, headed by the judgements' names, filterable and sortable."""
    from kb.xlsx_writer import write_xlsx
    return write_xlsx(row_titles(), rows(table, link_for, readable=True), sheet="Grades", title="Inspection grades by authority")


# -- as text for the command line -----------------------------------------------------------

_GRADE_WIDTH = max(len(g) for g in framework.GRADES)


def _grades_line(i: Inspection) -> str:
    if not i.grades:
        return "no grades on the framework's scale"
    return "; ".join(f"{short_name(k)} {grade_name(i.grades[k])}" for k in grade_keys() if k in i.grades)


def to_text(table: GradesTable) -> str:
    if not table.authorities and not table.unattributed:
        return "no Ofsted inspection reports or visit letters held; add some with `kb ingest PATH`"
    lines = []
    width = max(len(short_name(k)) for k in grade_keys())
    for a in table.authorities:
        lines.append(a.authority)
        i = a.latest
        if not i:
            lines.append("  no inspection report held")
        else:
            lines.append(f"  latest: {_TYPE_NAMES[i.doc_type]}, {i.date or 'undated'}  ({i.doc_id})")
            moves = a.changes()
            was = a.previous.grades if a.previous else {}
            for k in grade_keys():
                if k in i.grades:
                    move = f"  {moves[k]} (was {grade_name(was[k])})" if k in moves and moves[k] != SAME else \
                        f"  {moves[k]}" if k in moves else ""
                    lines.append(f"    {short_name(k):<{width}}  {grade_name(i.grades[k]):<{_GRADE_WIDTH}}{move}".rstrip())
            if not i.grades:
                lines.append(f"    {_grades_line(i)}")
            if i.copies:
                lines.append(f"    also held as: {', '.join(i.copies)}")
            if i.disagreements:
                lines.append(f"    its copies read these grades differently: {', '.join(i.disagreements)}")
            for e in a.inspections[1:]:
                lines.append(f"  earlier: {_TYPE_NAMES[e.doc_type]}, {e.date or 'undated'}: {_grades_line(e)}  ({e.doc_id})")
        if a.latest_visit:
            v = a.latest_visit
            lines.append(f"  latest visit: {_TYPE_NAMES[v.doc_type]}, {v.date or 'undated'} (no grades)  ({v.doc_id})")
    if table.unattributed:
        lines.append(f"{len(table.unattributed)} inspection report(s) name no authority and are left out: "
                     + ", ".join(d["doc_id"] for d in table.unattributed))
    return "\n".join(lines)
