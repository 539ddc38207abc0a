"""Whose evidence a pack or a comparison covers, and that evidence, criterion by criterion,
as sentences. A knowledge base may hold several authorities' documents; a brief mixing
them would mislead, so packs and comparisons are about one authority at a time."""
from __future__ import annotations

from datetime import date, timedelta

from kb import framework
from kb.assistant.question import Understanding, criterion_scores, named_authority, understand, unheld_authority
from kb.assistant.sentences import sentence_items, when
from kb.evidence import EvidenceFilter, gather, newest_first
from kb.our_authority import held_authorities, our_authorities


# Fewer words than this, and no figure: a label or a heading, not a statement.
MIN_WORDS = 6


def authorities(store) -> list[str]:
    return held_authorities(store.documents())


def choose_authority(store, authority: str | None = None) -> str | None:
    """The authority named (matched loosely: "durham" is "Durham County Council"), or, with
    none named, our authority (kb.our_authority). None when the knowledge base holds one
    authority's documents or none, so that all of them are its. Raises ValueError for an
    authority not held, and when "ours" is several or undecided among several held: a
    brief mixing authorities would mislead."""
    known = authorities(store)
    if authority:
        low = authority.strip().lower()
        exact = [a for a in known if a.lower() == low] or [a for a in known if low in a.lower()]
        found = exact[0] if len(exact) == 1 else named_authority(low, known)
        if not found:
            listed = ", ".join(known) or "none yet"
            raise ValueError(f"no documents from an authority called '{authority}'; authorities held: {listed}")
        return found
    ours = our_authorities(store)
    if ours.one:
        return ours.one
    if ours.names:
        raise ValueError(f"{ours.describe()}: name one of them with --authority")
    if len(known) > 1:
        raise ValueError(f"{ours.describe()} (kb settings --authority NAME), or name one with --authority;"
                         f" authorities held: {', '.join(known)}")
    return None


def understand_question(store, question: str, authority: str | None = None) -> Understanding:
    """Read a question and decide whose documents answer it: the authority given, else the
    held authority the question names, else, for "we", "our" or "us", our authority or
    authorities (kb.our_authority); else all. A question naming an English authority that
    is not held gets `not_held` set, the sentence to answer with, instead of others' words."""
    held = authorities(store)
    u = understand(question, held, choose_authority(store, authority) if authority else None)
    if not u.authority:
        missing = unheld_authority(question, held)
        if missing:
            u.not_held = f"No documents of {missing} are held; authorities held: {', '.join(held) or 'none yet'}."
            return u
    if u.first_person and not u.authority:
        ours = our_authorities(store)
        u.ours = ours.describe()
        u.authority, u.authorities = ours.one, ours.names if len(ours.names) > 1 else ()
        u.authority_assumed = bool(ours.names)
    return u


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
