"""Whose evidence a pack or a comparison covers, and that evidence, criterion by criterion,
as sentences. A knowledge base may hold several authorities' documents; a brief mixing
them would mislead, so packs and comparisons are about one authority at a time."""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from kb import framework
from kb.assistant.question import criterion_scores, named_authority
from kb.assistant.sentences import sentence_items, when
from kb.evidence import EvidenceFilter, gather, newest_first, voice_of


# Fewer words than this, and no figure: a label or a heading, not a statement.
MIN_WORDS = 6


def authorities(store) -> list[str]:
    return sorted({d["authority"] for d in store.documents() if d.get("authority")})


def choose_authority(store, authority: str | None = None) -> str | None:
    """The authority named (matched loosely: "durham" is "Durham County Council"), or, with
    none named, the one using the knowledge base (see home_authority), or failing that the
    one it holds most documents from. None when no document names one."""
    if authority:
        known = authorities(store)
        low = authority.strip().lower()
        exact = [a for a in known if a.lower() == low] or [a for a in known if low in a.lower()]
        found = exact[0] if len(exact) == 1 else named_authority(low, known)
        if not found:
            listed = ", ".join(known) or "none yet"
            raise ValueError(f"no documents from an authority called '{authority}'; authorities held: {listed}")
        return found
    return home_authority(store) or _most_documents(store)


def home_authority(store) -> str | None:
    """The authority whose own documents (self-evaluations, plans, papers) the knowledge
    base holds most of, or None when it holds none: inspection reports alone say nothing
    about whose knowledge base it is."""
    return _commonest(Counter(d["authority"] for d in store.documents()
                              if d.get("authority") and voice_of(d["doc_type"]) == "authority"))


def _most_documents(store) -> str | None:
    return _commonest(Counter(d["authority"] for d in store.documents() if d.get("authority")))


def _commonest(counts: Counter) -> str | None:
    """The most counted name, the alphabetically first among equals; None when empty."""
    return min(counts, key=lambda a: (-counts[a], a), default=None)


def newest_date(store, authority: str | None) -> str | None:
    dates = [when(d) for d in store.documents() if authority is None or d.get("authority") == authority]
    dates = [d for d in dates if d]
    return max(dates) if dates else None


def year_before(iso: str) -> str:
    day = date.fromisoformat(iso[:10])
    return (day - timedelta(days=365)).isoformat()


def criterion_paragraphs(store, criteria: list[str], authority: str | None) -> dict[str, list[dict]]:
    """Per criterion, the paragraphs tagged with it (the authority's only, when one is
    given), newest first, dated by their document's date or period."""
    docs = {d["doc_id"]: d for d in store.documents()}
    wanted = set(criteria)
    out: dict[str, list[dict]] = {c: [] for c in criteria}
    judgements = sorted({framework.criterion(c).judgement for c in criteria})
    rows = list(store.paragraphs(include_boilerplate=False))    # read once, not per judgement
    for jid in judgements:
        for group in gather(rows, jid, EvidenceFilter(authority=authority)):
            if group.criterion is None or group.criterion.id not in wanted:
                continue
            for item in group.items:
                doc = docs.get(item["doc_id"], {})
                out[group.criterion.id].append({**item, "date": item.get("date") or when(doc),
                                                "period": doc.get("period")})
    for items in out.values():
        items.sort(key=newest_first, reverse=True)
    return out


def on_criterion(paragraphs: list[dict], cid: str, limit: int, *, figures: bool | None = None) -> list[dict]:
    """Sentences about one criterion from its paragraphs, in the paragraphs' order: in each
    paragraph the sentences whose words point at the criterion, or, when none does by
    itself, the first that takes a stance. `figures` True keeps only sentences with a
    figure, False leaves them out."""
    out: list[dict] = []
    seen: set[str] = set()
    for p in paragraphs:
        # A label ("Contact: Chris Ring", a table's header) is not a statement; a short
        # row of figures still is. A statement repeated in an appendix is taken once.
        items = [i for i in sentence_items(p) if i["text"] not in seen
                 and (i["figure"] or len(i["text"].split()) >= MIN_WORDS)]
        if figures is not None:
            items = [i for i in items if i["figure"] == figures]
        pointed = [i for i in items if cid in criterion_scores(i["text"])]
        if not pointed and figures is not True:
            pointed = [i for i in items if i["stance"] in ("strength", "development", "mixed")][:1]
        out.extend(pointed)
        seen.update(i["text"] for i in pointed)
        if len(out) >= limit:
            break
    return out[:limit]
