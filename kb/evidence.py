"""Evidence for and against a judgement or a criterion, from the store's tags: grouped by
criterion and by document, newest first, inspectors' findings beside the authority's own
account. The command line, the web pages and the assistant all read evidence here."""
from __future__ import annotations

from dataclasses import dataclass, field

from kb import framework
from typing import Iterable


@dataclass
class EvidenceFilter:
    stance: str | None = None        # strength, development, context, mixed
    doc_type: str | None = None
    authority: str | None = None
    year_from: int | None = None
    year_to: int | None = None


@dataclass
class CriterionEvidence:
    criterion: framework.Criterion | None      # None: tagged to the judgement, no criterion
    items: list[dict] = field(default_factory=list)

    def by_stance(self, stance: str) -> list[dict]:
        return [i for i in self.items if has_stance(i["stance"], stance)]

    def by_voice(self, voice: str) -> list[dict]:
        return [i for i in self.items if voice_of(i["doc_type"]) == voice]


def has_stance(stance: str | None, wanted: str) -> bool:
    """Whether a paragraph of this stance counts as `wanted`: a mixed one counts as both
    strength and development."""
    return stance == wanted or (stance == "mixed" and wanted in ("strength", "development"))


def voice_of(doc_type: str) -> str:
    """'inspectors' for Ofsted's own reports, 'authority' for the authority's account."""
    return "inspectors" if doc_type in framework.INSPECTOR_DOC_TYPES else "authority"


def parse_target(target: str) -> tuple[str, str | None]:
    """A judgement id or a criterion id -> (judgement id, criterion id or None)."""
    if target in framework.JUDGEMENT_IDS:
        return target, None
    try:
        c = framework.criterion(target)
    except KeyError:
        known = ", ".join(framework.JUDGEMENT_IDS)
        raise ValueError(f"'{target}' is neither a judgement ({known}) nor a criterion id "
                         "(such as hp.assessment; `kb framework` lists them)") from None
    return c.judgement, c.id


def matches(p: dict, f: EvidenceFilter) -> bool:
    if f.stance and not has_stance(p["stance"], f.stance):
        return False
    if f.doc_type and p["doc_type"] != f.doc_type:
        return False
    if f.authority and (p.get("authority") or "").lower() != f.authority.lower():
        return False
    year = int(p["date"][:4]) if p.get("date") else None
    if f.year_from and (year is None or year < f.year_from):
        return False
    if f.year_to and (year is None or year > f.year_to):
        return False
    return True


def evidence_items(p: dict) -> dict:
    """A paragraph as an evidence item: its citation and the sentences that carry its stance."""
    return {
        "paragraph_id": p["paragraph_id"], "doc_id": p["doc_id"], "title": p["title"],
        "doc_type": p["doc_type"], "authority": p.get("authority"), "date": p.get("date"),
        "page": p.get("page"), "number": p.get("number"), "section": p.get("section") or [],
        "text": p["text"], "stance": p["stance"], "judgement": p["judgement"],
        "criteria": list(p.get("criteria") or {}), "sentences": p.get("sentences") or [],
        "tag_source": p.get("tag_source"), "voice": voice_of(p["doc_type"]),
    }


def evidence_by_id(store, ids: list[str]) -> list[dict]:
    """Evidence items of these paragraphs, in the order given, skipping ids no longer stored."""
    found = store.paragraphs_by_id(ids)
    return [evidence_items(found[i]) for i in ids if i in found]


def newest_first(item: dict) -> tuple:
    """Sort key, used with reverse=True: newest document first, then in reading order."""
    return item.get("date") or "", -(item.get("number") or 0)


def store_order(item: dict) -> tuple[str, int]:
    """Sort key: the order the store reads paragraphs in (document, then place in it),
    which `newest_first` keeps among items of the same date and number."""
    doc_id, _, seq = item["paragraph_id"].rpartition(":")
    return doc_id, int(seq)


def gather(rows: Iterable[dict], target: str, f: EvidenceFilter | None = None) -> list[CriterionEvidence]:
    """Evidence for a judgement (every criterion of it, then untagged-to-criterion items) or
    for one criterion, newest first within each group. `rows` are stored paragraphs
    (`Store.paragraphs(include_boilerplate=False)`, or rows already read)."""
    f = f or EvidenceFilter()
    jid, cid = parse_target(target)
    wanted = [framework.criterion(cid)] if cid else list(framework.criteria_of(jid))
    groups = {c.id: CriterionEvidence(c) for c in wanted}
    loose = CriterionEvidence(None)
    seen: set[tuple] = set()
    for p in rows:
        if p.get("boilerplate") or not p.get("stance") or not matches(p, f):
            continue
        if p.get("duplicate_of"):     # a copy of a document held: its evidence is the original's
            continue
        # Committee papers repeat a report's words in the presentation that follows it:
        # the same wording twice in one document is one piece of evidence.
        wording = (p["doc_id"], p.get("fingerprint") or p["text"])
        if wording in seen:
            continue
        seen.add(wording)
        # With a criterion asked for, `groups` holds only it, and nothing is loose.
        crits = [c for c in (p.get("criteria") or {}) if c in groups]
        if crits:
            for c in crits:
                groups[c].items.append(evidence_items(p))
        elif not cid and p.get("judgement") == jid:
            loose.items.append(evidence_items(p))
    out = list(groups.values()) + ([loose] if loose.items else [])
    for g in out:
        g.items.sort(key=newest_first, reverse=True)
    return out
