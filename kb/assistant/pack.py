"""An evidence pack for a focused visit: per criterion of a theme, what inspectors last
said, what the authority's own documents say, the figures and the gaps; and the areas
for development the last inspection left open, each with whatever evidence of progress
the authority has produced since. Every sentence is quoted from a stored paragraph."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kb import audit, framework
from kb.assistant import scope
from kb.assistant.blocks import quoted, to_markdown
from kb.assistant.retrieve import rarity
from kb.assistant.sentences import public, sentence_items
from kb.assistant.summarise import cosine, terms_of, vectors
from kb.assistant.themes import Theme, resolve
from kb.marking import marking
from kb.our_authority import our_authorities

PER_SIDE = 5           # sentences per criterion from inspectors, and from the authority
FIGURES = 5            # figures per criterion
OPEN_AREAS = 8         # areas for development carried over from the last inspection
PROGRESS = 3           # sentences of progress shown under each
# Below this similarity a later sentence is not about the same finding (a figure may be
# close only through its paragraph); the sentence's own words count this much against
# its paragraph's.
PROGRESS_SIMILARITY = 0.08
OWN_SHARE = 0.6
# Sections of a report that list what must improve, matched in the heading trail.
_IMPROVE_HEADINGS = ("improve", "recommendation", "areas for", "priority action")


@dataclass
class CriterionSection:
    criterion: framework.Criterion
    inspectors: list[dict] = field(default_factory=list)
    inspectors_source: dict | None = None       # the inspection those sentences come from
    ours: list[dict] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)
    gap: str | None = None                      # why this criterion is a gap, if it is one
    newest_own: dict | None = None              # our newest document speaking to it

    @property
    def heading(self) -> str:
        return f"{self.criterion.title} ({self.criterion.id})"

    def to_dict(self) -> dict:
        return {"criterion": self.criterion.id, "title": self.criterion.title,
                "inspectors": [public(i) for i in self.inspectors], "inspectors_source": self.inspectors_source,
                "ours": [public(i) for i in self.ours], "figures": [public(i) for i in self.figures],
                "gap": self.gap, "newest_own": self.newest_own}


@dataclass
class OpenArea:
    finding: dict                               # an inspector's development sentence
    progress: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"finding": public(self.finding), "progress": [public(i) for i in self.progress]}


@dataclass
class Pack:
    theme: Theme
    authority: str | None
    as_of: str | None
    since: str | None
    last_inspection: dict | None
    sections: list[CriterionSection]
    open_areas: list[OpenArea]
    as_of_basis: str = "the newest document held"    # why as_of is the date it is
    said: str = ""               # whose pack this is, and how that was decided

    @property
    def title(self) -> str:
        who = f" — {self.authority}" if self.authority else ""
        return f"Evidence pack: {self.theme.title}{who}"

    @property
    def gaps(self) -> list[CriterionSection]:
        return [s for s in self.sections if s.gap]

    @property
    def enough(self) -> bool:
        return any(s.inspectors or s.ours or s.figures for s in self.sections)

    @property
    def newest_own(self) -> dict | None:
        """Our newest document speaking to any of the theme's criteria."""
        return max((s.newest_own for s in self.sections if s.newest_own),
                   key=lambda d: d.get("date") or "", default=None)

    def to_dict(self) -> dict:
        return {"title": self.title, "theme": {"id": self.theme.id, "title": self.theme.title,
                                               "criteria": list(self.theme.criteria)},
                "authority": self.authority, "as_of": self.as_of, "since": self.since,
                "newest_own": self.newest_own,
                "last_inspection": self.last_inspection, "enough": self.enough,
                "open_areas": [a.to_dict() for a in self.open_areas],
                "gaps": [{"criterion": s.criterion.id, "title": s.criterion.title, "reason": s.gap}
                         for s in self.gaps],
                "criteria": [s.to_dict() for s in self.sections]}

    def blocks(self) -> list[tuple[str, str]]:
        """The pack's body. A sentence is quoted once: where it comes again (a finding that
        is also the criterion's latest word, a sentence on two criteria) the later place
        says it is quoted above."""
        out: list[tuple[str, str]] = [("p", self._scope_line())]
        if not self.enough:
            out.append(("p", "The knowledge base holds no evidence on these criteria"
                             + (f" for {self.authority}" if self.authority else "") + "."))
            return out
        shown: dict[str, str] = {}
        out += self._open_area_blocks(shown)
        out += self._gap_blocks()
        for s in self.sections:
            out += _section_blocks(s, shown)
        return out

    def details(self, prepared_by: str | None = None, today: date | None = None) -> list[tuple[str, str]]:
        """What the title page says the pack is: theme, authority, dates, who, marking."""
        return [("Theme", self.theme.title),
                ("Authority", self.authority or "not named by the documents held"),
                *([("Whose", self.said)] if self.said else []),
                ("Evidence held up to", _long_date(self.as_of) if self.as_of else "no dated document"),
                ("Date", _long_date((today or date.today()).isoformat())),
                ("Prepared by", prepared_by or audit.operator()),
                ("Protective marking", marking())]

    def to_markdown(self, prepared_by: str | None = None, today: date | None = None) -> str:
        front = [("p", f"**{label}:** {value}") for label, value in self.details(prepared_by, today)]
        mark = f"**{marking()}**"
        return f"{mark}\n\n{to_markdown(self.title, front + self.blocks())}\n{mark}\n"

    def to_docx(self, prepared_by: str | None = None, today: date | None = None) -> bytes:
        from kb.docx_writer import Properties, TitlePage, write_docx
        who = prepared_by or audit.operator()
        key = [("inspector", "Inspectors' words, quoted from Ofsted's reports, are set like this."),
               ("ours", "Our own words, quoted from our self-evaluation, plans and papers, are set like this."),
               ("p", "Each quotation is followed by its source: document, date, page, paragraph number and, "
                     "in brackets, the paragraph's id in the knowledge base (kb show).")]
        keywords = ["ILACS", "focused visit", "evidence pack", self.theme.title,
                    *([self.authority] if self.authority else []), *self.theme.criteria]
        props = Properties(subject=f"Focused visit evidence pack: {self.theme.title}",
                           author=self.authority or who, last_modified_by=who,
                           keywords="; ".join(keywords), comments=self._scope_line())
        return write_docx(self.title, self.blocks(), properties=props, contents=True,
                          title_page=TitlePage(self.details(who, today), key))

    def _gap_blocks(self) -> list[tuple[str, str]]:
        out = [("h1", "Gaps")]
        newest = self.newest_own
        if self.since:
            measure = (f"Measured against our own documents only (self-evaluation, plans, papers, audits), never "
                       f"an inspection report: a criterion is a gap when none of ours dated from {self.since} to "
                       f"{self.as_of} speaks to it, or all that does is against.")
        else:
            measure = "No document is dated, so none of our own evidence counts as recent."
        out.append(("p", measure + (f" Our newest document on these criteria is {newest['title']}, "
                                    f"{newest['date'] or 'undated'}." if newest else
                                    " None of our own documents held speaks to these criteria.")))
        if self.gaps:
            out += [("bullet", f"{s.heading}: {s.gap}") for s in self.gaps]
        else:
            out.append(("p", "Every criterion has evidence from our own documents of the last 12 months."))
        return out

    def _scope_line(self) -> str:
        window = (f"'Recent' means from {self.since} to {self.as_of}, the 12 months up to {self.as_of_basis}."
                  if self.as_of else "No document is dated, so no evidence counts as recent.")
        return (f"Criteria: {', '.join(self.theme.criteria)}. {window} Every sentence below is quoted "
                "word for word from the document cited under it.")

    def _open_area_blocks(self, shown: dict[str, str]) -> list[tuple[str, str]]:
        where = "Open areas for development"
        if not self.last_inspection:
            return [("h1", where), ("p", "No inspection report on these criteria is held.")]
        src = self.last_inspection
        out = [("h1", f"{where} from the last inspection ({src['title']}, {src['date'] or 'undated'})")]
        if not self.open_areas:
            out.append(("p", "That inspection recorded no area for development on these criteria."))
        for area in self.open_areas:
            out += _quote_once([area.finding], shown, where, "")
            out.append(("h3", "What our documents say since"))
            out += _quote_once(area.progress, shown, where,
                               "None of our documents held from after the inspection speaks to this.")
        return out


def _quote_once(items: list[dict], shown: dict[str, str], where: str, empty: str) -> list[tuple[str, str]]:
    """The items as quotations, leaving out those already quoted (`shown`: each sentence
    quoted so far and where) and saying where they are; `empty` when there are none."""
    out, earlier = [], []
    for item in items:
        key = " ".join(item["text"].split())
        if key in shown:
            earlier.append(shown[key])
            continue
        shown[key] = where
        out += quoted(item)
    if earlier:
        n = len(earlier)
        places = " and ".join(f"\u201c{w}\u201d" for w in dict.fromkeys(earlier))
        out.append(("p", f"{'One more sentence' if n == 1 else f'{n} more sentences'} on this "
                         f"{'is' if n == 1 else 'are'} quoted above, under {places}."))
    return out or ([("p", empty)] if empty else [])


def _section_blocks(s: CriterionSection, shown: dict[str, str]) -> list[tuple[str, str]]:
    out = [("h1", s.heading)]
    if s.gap:
        out.append(("p", f"Gap: {s.gap}."))
    src = s.inspectors_source
    out.append(("h2", f"What inspectors last said ({src['title']}, {src['date'] or 'undated'})" if src
                else "What inspectors last said"))
    out += _quote_once(s.inspectors, shown, s.heading, "No inspection finding on this is held.")
    out.append(("h2", "What our self-evaluation and papers say"))
    out += _quote_once(s.ours, shown, s.heading, "None of our own documents held speaks to this.")
    out.append(("h2", "Figures"))
    out += _quote_once(s.figures, shown, s.heading, "No figures held.")
    return out


def _long_date(iso: str) -> str:
    """"2024-03-31" as "31 March 2024"; a month ("2024-03") as "March 2024"."""
    try:
        day = date.fromisoformat(iso[:10])
        return f"{day.day} {day:%B %Y}"
    except ValueError:
        try:
            return date.fromisoformat(iso[:7] + "-01").strftime("%B %Y")
        except ValueError:
            return iso


def pack(kb, theme: str, *, authority: str | None = None, as_of: str | None = None) -> Pack:
    """The evidence pack for a theme (a judgement, a criterion or a named focused-visit
    theme). `authority` defaults to the one whose own documents the knowledge base holds;
    `as_of` (ISO date) to the newest document's date. Raises ValueError for an unknown
    theme or authority."""
    chosen = resolve(theme)
    who = scope.choose_authority(kb.store, authority)
    basis = "the date asked for" if as_of else "the newest document held"
    as_of = _valid_date(as_of) if as_of else scope.newest_date(kb.store, who)
    since = scope.year_before(as_of) if as_of else None
    paragraphs = scope.criterion_paragraphs(kb.store, list(chosen.criteria), who)
    sections = [_section(framework.criterion(cid), paragraphs[cid], since, as_of) for cid in chosen.criteria]
    last, areas = _open_areas(kb, paragraphs, chosen)
    # Asked for by name, the authority needs no explaining; by default, say whose it is.
    said = "" if authority else our_authorities(kb.store).describe()
    return Pack(chosen, who, as_of, since, last, sections, areas, basis, said)


def _valid_date(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValueError(f"'{text}' is not a date; use YYYY-MM-DD") from None


def _section(criterion: framework.Criterion, paragraphs: list[dict], since: str | None,
             as_of: str | None) -> CriterionSection:
    s = CriterionSection(criterion)
    inspected = [p for p in paragraphs if p["voice"] == "inspectors"]
    if inspected:
        latest = inspected[0]["doc_id"]
        s.inspectors = scope.on_criterion([p for p in inspected if p["doc_id"] == latest], criterion.id, PER_SIDE)
        s.inspectors_source = _source(inspected[0])
    own = [p for p in paragraphs if p["voice"] == "authority"]
    s.ours = scope.on_criterion(own, criterion.id, PER_SIDE, figures=False)
    s.figures = scope.on_criterion(own + inspected, criterion.id, FIGURES, figures=True)
    s.newest_own = _source(own[0]) if own else None       # `own` is newest first
    s.gap = _gap(own, since, as_of)
    return s


def _gap(own: list[dict], since: str | None, as_of: str | None) -> str | None:
    """Why a criterion is a gap, judged from our own documents alone (an inspection report
    is what the evidence answers, not evidence of ours); None when it is not one."""
    if not own:
        return "none of our own documents speaks to it"
    recent = [p for p in own if since and as_of and since <= (p.get("date") or "")[:10] <= as_of]
    if not recent:
        newest = own[0]
        return (f"no evidence of our own from the last 12 months (our newest on it: {newest['title']}, "
                f"{newest.get('date') or 'undated'})")
    stances = {p["stance"] for p in recent}
    if "development" in stances and not stances & {"strength", "mixed"}:
        return "our own evidence from the last 12 months is only against (areas for development)"
    return None


def _open_areas(kb, paragraphs: dict[str, list[dict]], theme: Theme) -> tuple[dict | None, list[OpenArea]]:
    """The newest inspection with areas for development on the theme's criteria, its
    findings (its "what needs to improve" list first), and later evidence of progress."""
    inspected: dict[str, dict] = {}
    for cid in theme.criteria:
        for p in paragraphs[cid]:
            if p["voice"] == "inspectors":
                inspected.setdefault(p["paragraph_id"], {**p, "theme_criteria": []})["theme_criteria"].append(cid)
    by_doc: dict[str, list[dict]] = {}
    for p in inspected.values():
        by_doc.setdefault(p["doc_id"], []).append(p)
    # A stable sort: among equally dated documents the first met comes first.
    ordered = sorted(by_doc, key=lambda d: by_doc[d][0].get("date") or "", reverse=True)
    for doc_id in ordered:
        findings = _findings(by_doc[doc_id])
        if findings:
            first = by_doc[doc_id][0]
            return _source(first), [OpenArea(f, _progress(kb, f, paragraphs, first["date"])) for f in findings]
    if ordered:
        return _source(by_doc[ordered[0]][0]), []
    return None, []


def _source(p: dict) -> dict:
    """The document a paragraph comes from, as a pack cites it."""
    return {"doc_id": p["doc_id"], "title": p["title"], "date": p["date"]}


def _findings(paragraphs: list[dict]) -> list[dict]:
    """Development sentences of one inspection's paragraphs that are not on the whole
    strengths: those under a "what needs to improve" heading first, then in report order."""
    def listed_to_improve(p):
        trail = " ".join(p.get("section") or []).lower()
        return any(h in trail for h in _IMPROVE_HEADINGS)

    def report_order(p):
        # Paragraph ids are "<doc_id>:<seq>", seq counting from the document's start.
        return int(p["paragraph_id"].rsplit(":", 1)[1])

    ordered = sorted(paragraphs, key=lambda p: (not listed_to_improve(p), report_order(p)))
    out, seen = [], set()
    for p in ordered:
        # A development sentence in a paragraph that as a whole reads as a strength is
        # more often a misreading than an open area.
        if p.get("stance") not in ("development", "mixed") and not listed_to_improve(p):
            continue
        for item in sentence_items(p):
            if item["stance"] == "development" and item["text"] not in seen:
                seen.add(item["text"])
                out.append({**item, "theme_criteria": p["theme_criteria"]})
    return out[:OPEN_AREAS]


def _progress(kb, finding: dict, paragraphs: dict[str, list[dict]], after: str | None) -> list[dict]:
    """The authority's sentences since the inspection, on the finding's criteria, that say
    most nearly the same thing (the sentence itself, and the paragraph around it: "62.7%
    ... within timescales" follows "Assessment timeliness is an area ..."), figures and
    strengths first among equals."""
    candidates, contexts, seen = [], [], set()
    for cid in finding["theme_criteria"]:
        for p in paragraphs[cid]:
            if p["voice"] != "authority" or (after and (p.get("date") or "") <= after) or p["paragraph_id"] in seen:
                continue
            seen.add(p["paragraph_id"])
            for item in sentence_items(p):
                candidates.append(item)
                contexts.append(p["text"])
    if not candidates:
        return []
    texts = [finding["text"]] + [c["text"] for c in candidates] + contexts
    # Word weights from the whole knowledge base: among a few paragraphs on one subject the
    # subject's own words look common.
    vecs = vectors(texts, rarity(kb, sorted({t for text in texts for t in terms_of(text)})))
    n = len(candidates)
    scored = []
    for k, c in enumerate(candidates):
        own = cosine(vecs[0], vecs[1 + k])
        around = cosine(vecs[0], vecs[1 + n + k])
        sim = OWN_SHARE * own + (1 - OWN_SHARE) * around
        if own >= PROGRESS_SIMILARITY or (c["figure"] and around >= PROGRESS_SIMILARITY):
            scored.append((sim + 0.05 * c["figure"] + 0.05 * (c["stance"] == "strength"), c))
    scored.sort(key=lambda x: -x[0])
    return [c for _, c in scored[:PROGRESS]]
