"""Search over the knowledge base's paragraphs.

    result = search(kb.index, "PLO letters", judgement="help-protection", limit=10)

Ranking is BM25F over a paragraph's text, headings, document title and glossary aliases
(kb.search.analysis), with acronyms widened, a bonus for the typed words side by side and one
for paragraphs tagged with the criteria the query names (kb.search.query), scored from
memoised per-term tables (kb.search.ranking). The total and the facets count every
paragraph the query and the filters match, not just the page returned (kb.search.docsets,
kb.search.facets). A word the index has never seen is corrected (kb.search.spelling): the
correction is offered as `did_you_mean`, and searched instead (`corrected` is then True)
when the query as typed finds nothing or one of its words occurs nowhere in the index.

A paragraph is found when it holds every word of the query (kb.search.query: with their
acronyms' expansions); only when none does, with the filters applied, are the paragraphs
holding any of the words found instead, and `match` says "any". (Zero, not "too few", is
the threshold: a handful of paragraphs holding every word is the answer to the question
asked, and mixing in the others would make the count mean two things again.) Either way
the paragraphs are ranked alike. Filters of one kind given several values match any of
them; filters of different kinds must all match.
"""
from __future__ import annotations

import datetime as dt
import html
import re
import textwrap
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from typing import Iterable

from whoosh import query as wq

from kb import framework
from kb.search import docsets, facets, highlight, ranking, spelling
from kb.search.aliases import glossary_aliases
from kb.search.index import Index, Snapshot
from kb.search.query import SHIPPED, ParsedQuery, RankingOptions, acronym_of, analyse, contains, parse

__all__ = ["Hit", "Ranked", "SearchResult", "ranked_ids", "search", "warm"]

MAX_LIMIT = 1000
MATCHES = ("all", "any")
ANY_NOTICE = "No paragraph holds every word; showing paragraphs with any of them."
FILTERS_KEPT = 32        # docnum sets of recent filter combinations kept per index snapshot
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


@dataclass
class Hit:
    paragraph_id: str
    doc_id: str
    title: str
    page: int | None
    number: int | None
    text: str
    highlight: str               # HTML: the text escaped, matched words in <mark>
    score: float
    judgement: str | None
    criteria: list[str]
    stance: str | None
    section: list[str]
    doc_type: str | None
    authority: str | None
    date: str | None
    why: list[str]               # what matched: words, acronym expansions, headings, tags


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int
    facets: dict[str, dict[str, int]]
    did_you_mean: str | None
    query_terms: list[str]
    query: str                   # what was searched: the query, or its correction
    corrected: bool = False      # True when the hits are for `did_you_mean`
    expansions: dict[str, list[str]] = field(default_factory=dict)  # acronym -> phrases added
    match: str = "all"           # "all": every hit holds every word; "any": none did, so any word
    any_total: int = 0           # paragraphs holding any of the words (the total when match is "any")

    def to_dict(self) -> dict:
        return asdict(self)

    def to_text(self) -> str:
        """The result for a terminal: a header, then each hit with its place and text."""
        lines = []
        if self.did_you_mean and self.corrected:
            lines.append(f"Showing results for: {self.did_you_mean} (nothing matched the query as typed)")
        elif self.did_you_mean:
            lines.append(f"Did you mean: {self.did_you_mean}?")
        for acronym, phrases in self.expansions.items():
            lines.append(f"Also searched for {acronym}: {', '.join(phrases)}")
        if self.match == "any":
            lines.append(ANY_NOTICE)
        found = f"{self.total} paragraph{'s' if self.total != 1 else ''} found"
        if self.any_total > self.total:
            found += (f" holding every word ({self.any_total} hold some of them: "
                      "join the words with OR to see those)")
        lines.append(found)
        for hit in self.hits:
            where = ", ".join(p for p in (f"page {hit.page}" if hit.page else "",
                                          f"paragraph {hit.number}" if hit.number else "") if p)
            lines.append("")
            lines.append(f"{hit.paragraph_id}  {hit.title}" + (f" ({where})" if where else ""))
            tags = " · ".join(t for t in (hit.judgement, hit.stance, ", ".join(hit.criteria[:3])) if t)
            if tags:
                lines.append(f"  {tags}")
            lines.append(textwrap.fill(_plain_text(hit.highlight), width=100, initial_indent="  ",
                                       subsequent_indent="  "))
            if hit.why:
                lines.append(f"  matched: {'; '.join(hit.why)}")
        return "\n".join(lines)


Choice = str | Iterable[str] | None     # one filter value, or several meaning any of them


def search(index: Index, query: str, *, judgement: Choice = None, criterion: Choice = None,
           stance: Choice = None, doc_type: Choice = None, authority: Choice = None,
           date_from: str | dt.date | None = None, date_to: str | dt.date | None = None,
           limit: int = 10, offset: int = 0, match: str = "all",
           options: RankingOptions = SHIPPED) -> SearchResult:
    """`match` "all" finds the paragraphs holding every word, or when none does those
    holding any; "any" finds the latter straight away. `options` switches parts of the
    ranking (bench/ranking.py). Raises ValueError, with a sentence
    for the user, for an empty query or a bad filter."""
    if match not in MATCHES:
        raise ValueError(f"match must be one of: {', '.join(MATCHES)}.")
    if not 0 < limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}.")
    if offset < 0:
        raise ValueError("offset cannot be negative.")
    judgements = _check_choice("judgement", judgement, framework.JUDGEMENT_IDS)
    criteria = _check_choice("criterion", criterion, [c.id for c in framework.criteria()])
    stances = _check_choice("stance", stance, framework.STANCE_IDS)
    doc_types = _check_choice("document type", doc_type, framework.DOC_TYPE_IDS)
    low, high = _date_bound("The start date", date_from), _date_bound("The end date", date_to)
    if low and high and low > high:
        raise ValueError(f"The date range is empty: {low} is after {high}.")
    parsed = parse(query, options)
    snapshot = index.snapshot()
    allowed = _Filter(snapshot, judgement=judgements, criteria=criteria, stance=stances,
                      doc_type=doc_types, authority=_values(authority), low=low, high=high)
    correction = spelling.correct(snapshot, query)
    fixed = parse(correction.query, options) if correction else None
    first = None
    for mode in MATCHES[MATCHES.index(match):]:
        result = _run(snapshot, query, parsed, allowed, limit, offset, mode, options.restatement_prior)
        if correction and (result.total == 0 or correction.unknown):
            retry = _run(snapshot, correction.query, fixed, allowed, limit, offset, mode,
                         options.restatement_prior)
            if retry.total:
                retry.corrected = True
                result = retry
        first = first or result
        if result.total or parsed.every is None:
            break
    if not result.total:
        result = first          # nothing either way: no notice about any of the words
    if correction:
        result.did_you_mean = correction.query
    return result


def warm(index: Index) -> None:
    """Build the tables that every search of the current index state reads (the facet
    sets, the spelling vocabulary, the field lengths, the restatements), so that the first
    search after the index changes does not wait for them: about half a second on 300
    documents. The web app runs it in the background after it starts and after each
    change; a search that comes first builds them itself, as always."""
    snapshot = index.snapshot()
    facets.warm(snapshot)
    spelling.vocabulary(snapshot)
    ranking.warm(snapshot)


@dataclass
class Ranked:
    ids: list[tuple[str, float]]     # (paragraph id, score), best first
    corrected: str | None = None     # the query as searched, when its spelling was corrected


def ranked_ids(index: Index, query: str, *, authority: str | None = None, criterion: str | None = None,
               limit: int = 30) -> Ranked:
    """The best `limit` paragraphs for the query, ranked and spelling-corrected as
    `search(..., match="any")` does (a question's words are seldom all in one paragraph,
    and the assistant reads more than those that hold them all), as ids and scores only: without the highlights, reasons, totals and facets that
    a results page needs and a caller reading the paragraphs itself does not (they cost
    several times the ranking). Raises ValueError for an empty query."""
    parsed = parse(query)
    snapshot = index.snapshot()
    allowed = _Filter(snapshot, authority=_values(authority), criteria=_values(criterion), low=None, high=None)
    found = _ids(snapshot, parsed, allowed, limit)
    correction = spelling.correct(snapshot, query)
    if correction and (correction.unknown or not found):
        fixed = _ids(snapshot, parse(correction.query), allowed, limit)
        if fixed:
            return Ranked(fixed, correction.query)
    return Ranked(found)


def _ids(snapshot: Snapshot, parsed: ParsedQuery, allowed: _Filter, limit: int) -> list[tuple[str, float]]:
    stored = snapshot.searcher.stored_fields
    return [(stored(d)["paragraph_id"], score) for score, d in _top(snapshot, parsed, allowed.ids, limit)]


def _top(snapshot: Snapshot, parsed: ParsedQuery, ids: set[int] | None, k: int,
         prior: float = ranking.RESTATEMENT_PRIOR) -> list[tuple[float, int]]:
    """The `k` best (score, docnum) pairs among the paragraphs `ids` (None: all), best first."""
    if ranking.supported(parsed.query):
        return ranking.top(snapshot, parsed.query, ids, k, prior)
    return [(r.score, r.docnum) for r in snapshot.searcher.search(parsed.query, filter=ids, limit=k)]


def _plain_text(highlight_html: str) -> str:
    """A highlight for a terminal: marks as [brackets], entities decoded."""
    return html.unescape(highlight_html.replace("<mark>", "[").replace("</mark>", "]"))


def _values(value: Choice) -> list[str]:
    """A filter's values: none, one, or several (any of them), blanks and repeats dropped."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    return list(dict.fromkeys(v.strip() for v in value if v and v.strip()))


def _check_choice(what: str, value: Choice, known) -> list[str]:
    values = _values(value)
    for v in values:
        if v not in known:
            raise ValueError(f"Unknown {what} {v!r}; expected one of: {', '.join(known)}.")
    return values


def _date_bound(name: str, value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    if not isinstance(value, str) or not _DATE.fullmatch(value.strip()):
        raise ValueError(f"{name} must be a date written YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}.")
    return value.strip()


class _Filter:
    """The paragraphs the filters allow: a bitmask for counting, a set of docnums for
    Whoosh's ranking; None when nothing is filtered."""

    def __init__(self, snapshot: Snapshot, *, low: str | None, high: str | None, **choices: list[str]):
        masks = []
        for name, values in choices.items():
            if name == "authority" and values:
                named = {v.lower() for v in values}
                wanted = [v for v in facets.values(snapshot, "authority") if v.lower() in named]
                masks.append(facets.matching(snapshot, "authority", wanted))
            elif values:
                masks.append(facets.matching(snapshot, name, values))
        if low or high:
            # ISO dates sort as text; "~" sorts after every digit, so "2023" ends after 2023-12-31.
            masks.append(docsets.of_query(snapshot, wq.TermRange("date", low, (high + "~") if high else None)))
        self.mask: int | None = None
        self.ids: set[int] | None = None
        if masks:
            self.mask = docsets.live(snapshot)
            for m in masks:
                self.mask &= m
            recent: OrderedDict = snapshot.memo.setdefault("filter-ids", OrderedDict())
            self.ids = recent.get(self.mask)
            if self.ids is None:
                self.ids = docsets.to_ids(self.mask)
                with snapshot.lock:
                    recent[self.mask] = self.ids
                    if len(recent) > FILTERS_KEPT:
                        recent.popitem(last=False)


def _run(snapshot: Snapshot, text: str, parsed: ParsedQuery, allowed: _Filter,
         limit: int, offset: int, match: str, prior: float) -> SearchResult:
    """One page of the paragraphs that hold every word (`match` "all") or any of them."""
    matched = docsets.of_query(snapshot, parsed.query)
    if allowed.mask is not None:
        matched &= allowed.mask
    ids, any_total = allowed.ids, matched.bit_count()
    some = 0                       # paragraphs holding only some of the words
    if match == "all" and parsed.every is not None:
        # Within the ranking query's matches, so every paragraph counted has a score.
        every = docsets.of_query(snapshot, parsed.every) & matched
        if every != matched:
            some = matched & ~every
            matched, ids = every, docsets.to_ids(every)
    hits = []
    stored = snapshot.searcher.stored_fields
    wanted = offset + limit
    ranked = _top(snapshot, parsed, ids, wanted, prior) if matched else []
    if some and len(ranked) < wanted:
        # A page that every-word matches do not fill goes on with the best paragraphs
        # holding some of the words, after them and marked so: the count stays the
        # every-word count, and a reader is not left with three hits where thirty help.
        partial = _top(snapshot, parsed, docsets.to_ids(some), wanted - len(ranked), prior)
        ranked = [(score, d, False) for score, d in ranked] + [(score, d, True) for score, d in partial]
    else:
        ranked = [(score, d, False) for score, d in ranked]
    for score, d, only_some in ranked[offset:]:
        hit = _hit(stored(d), score, parsed)
        if only_some:
            hit.why.insert(0, "holds only some of the words")
        hits.append(hit)
    expansions = {w.acronym: list(w.expansions + w.cues) for w in parsed.widenings}
    return SearchResult(hits=hits, total=matched.bit_count(), facets=facets.count(snapshot, matched),
                        did_you_mean=None, query_terms=parsed.terms, query=text, expansions=expansions,
                        match=match if parsed.every is not None else "all", any_total=any_total)


def _hit(stored: dict, score: float, parsed: ParsedQuery) -> Hit:
    text = stored["content"]
    marked = highlight.mark(text, parsed.marks)
    criteria = list(stored.get("criteria_list") or [])
    section = list(stored.get("trail") or [])
    return Hit(
        paragraph_id=stored["paragraph_id"], doc_id=stored["doc_id"], title=stored.get("title", ""),
        page=stored.get("page"), number=stored.get("number"), text=text, highlight=marked.html,
        score=round(score, 4), judgement=stored.get("judgement"), criteria=criteria,
        stance=stored.get("stance"), section=section, doc_type=stored.get("doc_type"),
        authority=stored.get("authority"), date=stored.get("date"),
        why=marked.labels + _why_elsewhere(text, section, criteria, parsed))


def _why_elsewhere(text: str, section: list[str], criteria: list[str], parsed: ParsedQuery) -> list[str]:
    """Reasons beyond the words marked in the text: aliases, headings and tags."""
    why = []
    for found, alias in glossary_aliases(text):
        # The paragraph uses an acronym for words of the query ("IRO" for "independent
        # reviewing officer"); a spelt-out acronym of the query is already a mark.
        if acronym_of(found) and analyse(found) not in parsed.marks:
            words = analyse(alias)
            if words in parsed.marks or all((w,) in parsed.marks for w in words):
                why.append(f"{found} = {alias}")
    for heading in section:
        words = analyse(heading)
        if any(contains(words, phrase) for phrase in parsed.marks):
            why.append(f"heading: {heading}")
    for cid in criteria:
        if cid in parsed.criteria:
            why.append(f"tagged: {framework.criterion(cid).title}")
    return list(dict.fromkeys(why))
