"""Summaries the browse pages show: per judgement area, the count of strengths and areas
for development, the latest grade an inspection gave it and the documents it draws on;
per criterion, whether any of its evidence is recent."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from kb import framework
from kb.assistant.sentences import when
from kb.evidence import CriterionEvidence, EvidenceFilter, has_stance, matches
from web.params import Filters
from web.state import Snapshot

# Evidence older than this many years does not count as recent.
RECENT_YEARS = 3


@dataclass
class AreaSummary:
    judgement: framework.Judgement
    strengths: int
    developments: int
    grade: dict | None                   # the latest graded inspection: grade, date, document
    documents: list[tuple[dict, int]]    # documents it draws on, with how many items each


def area_summaries(snap: Snapshot, f: Filters) -> list[AreaSummary]:
    key = ("areas", tuple(sorted(f.query_args().items())))
    return snap.view(key, lambda: [_summarise(snap, j, f) for j in framework.judgements()])


def _summarise(snap: Snapshot, j: framework.Judgement, f: Filters) -> AreaSummary:
    items = {}
    for g in snap.groups(j.id, f.evidence()):
        for i in g.items:
            items[i["paragraph_id"]] = i
    strengths = sum(1 for i in items.values() if has_stance(i["stance"], "strength"))
    developments = sum(1 for i in items.values() if has_stance(i["stance"], "development"))
    per_doc = Counter(i["doc_id"] for i in items.values() if i["stance"] != "context")
    documents = [(snap.by_doc[d], n) for d, n in per_doc.most_common() if d in snap.by_doc]
    return AreaSummary(j, strengths, developments, latest_grade(snap.documents, j.id, f.authority), documents)


def latest_grade(documents: list[dict], jid: str, authority: str | None = None) -> dict | None:
    """The newest inspection report that grades `jid` (for one authority, if given)."""
    theirs = EvidenceFilter(authority=authority)
    graded = [d for d in documents
              if d.get("grades", {}).get(jid) and d["doc_type"] in framework.INSPECTOR_DOC_TYPES
              and matches(d, theirs)]
    if not graded:
        return None
    best = max(graded, key=lambda d: d.get("date") or "")
    return {"grade": best["grades"][jid], "date": best.get("date"), "doc_id": best["doc_id"],
            "title": best["title"], "authority": best.get("authority")}


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
