"""The authority's own account beside the inspectors' findings, criterion by criterion:
where they agree, where the authority claims a strength that inspectors found to need
development (or the reverse), and where the authority's statements have no inspection
finding to test them against."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from kb import framework
from kb.assistant import scope
from kb.assistant.blocks import cite_text
from kb.assistant.sentences import has_figure, public
from kb.our_authority import our_authorities

VERDICTS = ("agree", "ours-strength-ofsted-development", "ours-development-ofsted-strength",
            "unsupported-claim", "ofsted-only", "none")
PER_SIDE = 4
# A side leans to strength (or development) when at least this share of its stance-taking
# sentences say so; in between it is mixed, which disagrees with neither.
LEAN = 0.6


@dataclass
class Row:
    criterion: framework.Criterion
    ours: list[dict] = field(default_factory=list)
    ofsted: list[dict] = field(default_factory=list)
    ours_lean: str | None = None
    ofsted_lean: str | None = None
    verdict: str = "none"
    note: str = ""
    elsewhere: list[dict] = field(default_factory=list)     # other authorities' newest findings, on request

    def to_dict(self) -> dict:
        return {"criterion": self.criterion.id, "title": self.criterion.title,
                "judgement": self.criterion.judgement, "verdict": self.verdict, "note": self.note,
                "ours_lean": self.ours_lean, "ofsted_lean": self.ofsted_lean,
                "ours": [public(i) for i in self.ours], "ofsted": [public(i) for i in self.ofsted],
                "elsewhere": [public(i) for i in self.elsewhere]}


@dataclass
class Comparison:
    authority: str | None
    rows: list[Row]
    said: str = ""               # whose account this is, and how that was decided
    with_comparators: bool = False

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(r.verdict for r in self.rows)
        return {v: counted.get(v, 0) for v in VERDICTS}

    def to_dict(self) -> dict:
        return {"authority": self.authority, "said": self.said, "counts": self.counts,
                "with_comparators": self.with_comparators, "rows": [r.to_dict() for r in self.rows]}

    def to_text(self) -> str:
        lines = [f"Our account beside inspectors' findings: {self.authority or 'all authorities'}",
                 *([f"  {self.said}"] if self.said else []),
                 "  " + ", ".join(f"{v} {n}" for v, n in self.counts.items() if n)]
        for r in self.rows:
            if r.verdict == "none":
                continue
            lines.append(f"\n{r.criterion.id}  {r.criterion.title}\n  {r.verdict}: {r.note}")
            for label, items in (("ours", r.ours), ("ofsted", r.ofsted)):
                for i in items:
                    lines.append(f"   [{label}, {i['stance']}] {i['text']}\n        ({cite_text(i)})")
            if r.elsewhere:
                lines.append("   What inspectors found elsewhere (other authorities, for comparison):")
                for i in r.elsewhere:
                    lines.append(f"   [{i.get('authority') or 'authority unknown'}, {i['stance']}] {i['text']}"
                                 f"\n        ({cite_text(i)})")
        silent = [r.criterion.id for r in self.rows if r.verdict == "none"]
        if silent:
            lines.append(f"\nNo evidence either way: {', '.join(silent)}")
        return "\n".join(lines)


def compare(kb, authority: str | None = None, *, with_comparators: bool = False) -> Comparison:
    """Every criterion's comparison for one authority (by default ours, kb.our_authority).
    `with_comparators` adds, apart, other authorities' newest inspection findings on each
    criterion. Raises ValueError for an unknown authority, or when ours is undecided."""
    who = scope.choose_authority(kb.store, authority)
    said = f"{who}, as asked" if authority else our_authorities(kb.store).describe()
    cids = [c.id for c in framework.criteria()]
    paragraphs = scope.criterion_paragraphs(kb.store, cids, who)
    rows = [_row(framework.criterion(cid), paragraphs[cid]) for cid in cids]
    if with_comparators and who:
        everyone = scope.criterion_paragraphs(kb.store, cids, None)
        for row in rows:
            others = [p for p in everyone[row.criterion.id] if p["voice"] == "inspectors"
                      and (p.get("authority") or "").casefold() != who.casefold()]
            row.elsewhere = scope.on_criterion(others, row.criterion.id, PER_SIDE)
    return Comparison(who, rows, said, with_comparators)


def _row(criterion: framework.Criterion, paragraphs: list[dict]) -> Row:
    row = Row(criterion)
    inspected = [p for p in paragraphs if p["voice"] == "inspectors"]
    if inspected:
        # The newest inspection on this criterion is the finding that stands.
        latest = inspected[0]
        inspected = [p for p in inspected if p["doc_id"] == latest["doc_id"]]
    own = [p for p in paragraphs if p["voice"] == "authority"]
    if inspected:
        # Our statements from well before that inspection answer an older question.
        floor = scope.year_before(latest["date"]) if latest.get("date") else ""
        own = [p for p in own if (p.get("date") or "") >= floor]
    row.ofsted = scope.on_criterion(inspected, criterion.id, PER_SIDE)
    row.ours = scope.on_criterion(own, criterion.id, PER_SIDE)
    row.ofsted_lean = _lean(inspected)
    row.ours_lean = _lean(own)
    row.verdict, row.note = _verdict(row, own, inspected)
    return row


def _lean(paragraphs: list[dict]) -> str | None:
    """strength, development or mixed, from the stance-taking sentences of the paragraphs."""
    counts = Counter()
    for p in paragraphs:
        for s in p.get("sentences") or []:
            counts[s.get("stance")] += 1
    taken = counts["strength"] + counts["development"]
    if not taken:
        return None
    share = counts["strength"] / taken
    return "strength" if share >= LEAN else "development" if share <= 1 - LEAN else "mixed"


def _verdict(row: Row, own: list[dict], inspected: list[dict]) -> tuple[str, str]:
    if not own and not inspected:
        return "none", "no evidence held either way"
    if not own:
        return "ofsted-only", f"inspectors' finding ({inspected[0]['title']}) has no account of ours beside it"
    if not inspected:
        backed = sum(1 for p in own for s in p.get("sentences") or [] if has_figure(s.get("text", "")))
        support = (f"{backed} of our sentences give{'s' if backed == 1 else ''} a figure" if backed
                   else "no figures behind it either")
        claim = "we claim strengths" if row.ours_lean in ("strength", "mixed") else "our account (no strength claimed)"
        return "unsupported-claim", f"{claim} with no inspection finding to test it; {support}"
    ours, theirs = row.ours_lean, row.ofsted_lean
    source = f"{inspected[0]['title']}, {inspected[0]['date'] or 'undated'}"
    if ours == "strength" and theirs == "development":
        return "ours-strength-ofsted-development", f"we describe a strength where inspectors found development ({source})"
    if ours == "development" and theirs == "strength":
        return "ours-development-ofsted-strength", f"we describe development where inspectors found a strength ({source})"
    return "agree", f"we lean {ours or 'neither way'}, inspectors lean {theirs or 'neither way'} ({source})"

