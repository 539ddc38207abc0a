"""Summaries the browse pages show: per judgement area, the count of strengths and areas
for development in our evidence (web.ours), the grade our latest inspection gave it and the
documents it draws on; per criterion, whether any of its evidence is recent."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from kb import framework
from kb.assistant.sentences import when
from kb.evidence import CriterionEvidence, has_stance
from web.ours import Scope, latest_grades, split
from web.params import Filters
from web.state import Snapshot

# Evidence older than this many years does not count as recent.
RECENT_YEARS = 3


@dataclass
class AreaSummary:
    judgement: framework.Judgement
    strengths: int
    developments: int
    grades: list[dict]                   # per authority of ours: its latest grade, date, document
    documents: list[tuple[dict, int]]    # documents it draws on, with how many items each


def area_summaries(snap: Snapshot, f: Filters, s: Scope) -> list[AreaSummary]:
    key = ("areas", tuple(sorted(f.query_args().items())), s.names)
    return snap.view(key, lambda: [_summarise(snap, j, f, s) for j in framework.judgements()])


def _summarise(snap: Snapshot, j: framework.Judgement, f: Filters, s: Scope) -> AreaSummary:
    items = {}
    for g in split(snap.groups(j.id, f.evidence()), s)[0]:
        for i in g.items:
            items[i["paragraph_id"]] = i
    strengths = sum(1 for i in items.values() if has_stance(i["stance"], "strength"))
    developments = sum(1 for i in items.values() if has_stance(i["stance"], "development"))
    per_doc = Counter(i["doc_id"] for i in items.values() if i["stance"] != "context")
    documents = [(snap.by_doc[d], n) for d, n in per_doc.most_common() if d in snap.by_doc]
    # Without our authority (or a filter naming one) no grade is ours: another's is no answer.
    graded = latest_grades(snap.documents, j.id, s.names) if s.names else []
    return AreaSummary(j, strengths, developments, graded, documents)


def recent_documents(documents: list[dict], count: int = 8) -> list[dict]:
    """The documents added most recently."""
    return sorted(documents, key=lambda d: d.get("ingested_at") or "", reverse=True)[:count]


def recent_cutoff(today: date | None = None) -> str:
    today = today or date.today()
    try:
        start = today.replace(year=today.year - RECENT_YEARS)
    except ValueError:  # 29 February
        start = today.replace(year=today.year - RECENT_YEARS, day=28)
    return start.isoformat()


def evidence_date(item: dict, by_doc: dict[str, dict]) -> str | None:
    """When a piece of evidence dates from: its document's date or, for an undated document
    that names the period it covers ("2023-24"), the end of that period (the assistant's
    reading of periods, so that both speak of the same dates)."""
    doc = by_doc.get(item["doc_id"]) or {}
    return when({"date": item.get("date"), "period": doc.get("period")})


def newest_evidence(groups: list[CriterionEvidence], by_doc: dict[str, dict]) -> dict[str, str | None]:
    """Criterion id -> the date of its newest strength or area for development."""
    out = {}
    for g in groups:
        if g.criterion is not None:
            dates = [d for i in g.items if i["stance"] != "context" and (d := evidence_date(i, by_doc))]
            out[g.criterion.id] = max(dates) if dates else None
    return out


def stale_criteria(newest: dict[str, str | None], cutoff: str) -> list[str]:
    """Criteria whose newest for-or-against evidence is older than `cutoff`, or missing."""
    return [cid for cid, when in newest.items() if when is None or when < cutoff]
