"""From what a person types to the Whoosh query that runs.

Whoosh's parser reads phrases in quotes, AND/OR/NOT, brackets and `field:` prefixes; each
word or phrase is searched in the `text` field, which holds a paragraph's words with its
headings, title and glossary aliases (kb.search.analysis.SEGMENT_WEIGHTS). On top of that:

- an acronym is widened to its glossary expansions and to the cue phrases of the criteria
  it names ("PLO" also looks for "public law outline", "pre-proceedings", "letter before
  proceedings"), each with a lower weight, and, with a weight lower still, to the words
  of its expansions one by one ("UASC" finds "young people who sought asylum");
- words typed one after another earn a bonus where they stand side by side;
- paragraphs tagged with a criterion the query names (by a cue phrase: "caseloads" names
  lead.workforce) earn a bonus, so the tagger's reading weighs in beside the words; the
  tag alone never brings in a paragraph that has none of the words.

A paragraph is found when it holds every word of the query (`ParsedQuery.every`): each
word counts as present when it, its acronym's expansions or its criteria's cue phrases are
(not the expansions' words one by one, which only help ranking); stop words do not count,
and OR and NOT mean what they say. kb.search falls back to any of the words (`query`'s own
matches) when no paragraph holds them all. Either way `query` ranks.

Input the parser cannot make sense of, or too long to be a question, is searched as plain
words instead; nothing a person types makes parsing fail.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from whoosh import query as wq
from whoosh.qparser import AndGroup, OrGroup, QueryParser, plugins

from kb.search.analysis import text_analyzer
from kb.search.ranking import RESTATEMENT_PRIOR
from kb.search.schema import SCHEMA
from kb import framework

EXPANSION_BOOST = 0.8    # "public law outline" when "PLO" was typed
CUE_BOOST = 0.3          # a cue phrase of the criterion the acronym belongs to
# Each word of a multi-word expansion on its own ("asylum" for "UASC"): BM25's idf keeps
# common ones ("local", "authority") from counting much. Measured on graded acronym
# queries over Ofsted reports: nDCG@10 0.883 -> 0.899 (0.4 gains little more and loses
# "PLO letters" and "MASH" to paragraphs that merely say "public" or "hub").
EXPANSION_WORD_BOOST = 0.2
# For a query of several words, a bonus for paragraphs that have them side by side in
# the typed order (a stop word between them is allowed: "children in care").
# Off (0): it made no measurable difference (bench/ranking.py, tune half 0.793 with a
# boost of 3.0, 0.792 without) and phrase matching was most of a query's scoring time.
PROXIMITY_BOOST = 0.0
PROXIMITY_SLOP = 1
# Paragraphs tagged with a criterion the query names (by one of its cue phrases) score
# this much more: the tagger's judgement weighs in beside the words.
TAG_BOOST = 3.0


@dataclass(frozen=True)
class RankingOptions:
    """The query-time parts of the ranking on top of BM25, each switchable (0, or 1.0 for
    the prior, turns it off) so that bench/ranking.py can measure what each earns; the
    defaults are the shipped choice. The index-time parts are weights:
    kb.search.analysis.SEGMENT_WEIGHTS and kb.search.schema.RESTATEMENT_WEIGHT."""
    tag_boost: float = TAG_BOOST
    proximity_boost: float = PROXIMITY_BOOST
    expansion_word_boost: float = EXPANSION_WORD_BOOST
    restatement_prior: float = RESTATEMENT_PRIOR     # kb.search.ranking


SHIPPED = RankingOptions()
MAX_QUERY_CHARS = 1000
MAX_TERMS = 32
_PUNCTUATION = "\"'()[]{}^~:+-*!?,.;"


@dataclass(frozen=True)
class Widening:
    """What one acronym of the query is widened to."""
    acronym: str                                # as typed
    expansions: tuple[str, ...]                 # glossary expansions
    cues: tuple[str, ...]                       # cue phrases of its criteria


@dataclass
class ParsedQuery:
    query: wq.Query                             # ranks; matches paragraphs with any of the words
    terms: list[str]                            # positive words and phrases, as typed
    widenings: list[Widening]
    # Analysed words and phrases to mark in a paragraph's text, with what each stands for.
    marks: dict[tuple[str, ...], str] = field(default_factory=dict)
    criteria: list[str] = field(default_factory=list)   # criteria the query names
    # Matches the paragraphs that hold every word (with the operators as typed); None when
    # that reading could not be made, and then `query`'s matches are all there is.
    every: wq.Query | None = None


def analyse(text: str) -> tuple[str, ...]:
    return tuple(t.text for t in ANALYZER(text))


# The one query-side analyser (highlight.py uses it too), so one stem cache.
ANALYZER = text_analyzer()


def contains(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    """Whether `phrase` occurs in `words`, word for word."""
    n = len(phrase)
    return any(words[i:i + n] == phrase for i in range(len(words) - n + 1))


@lru_cache(maxsize=2)
def _parser(every: bool = False) -> QueryParser:
    """The parser; with `every`, words typed one after another are all required (the
    ranking query reads them as any of the words, to score each one that is there)."""
    parser = QueryParser("text", SCHEMA, group=AndGroup if every else OrGroup)
    # Wildcards, ranges and `*:*` cost a lot and nobody types them by intent here;
    # single quotes are apostrophes in names ("O'Neill").
    parser.remove_plugin_class(plugins.WildcardPlugin)
    parser.remove_plugin_class(plugins.RangePlugin)
    parser.remove_plugin_class(plugins.EveryPlugin)
    parser.remove_plugin_class(plugins.SingleQuotePlugin)
    return parser


@lru_cache(maxsize=1)
def acronyms() -> dict[str, Widening]:
    """Lower-case acronym -> its widening (with the acronym as the glossary writes it)."""
    expansions: dict[str, list[str]] = {}
    display: dict[str, str] = {}
    for acronym, expansion in framework.glossary():
        key = acronym.lower()
        display.setdefault(key, acronym)
        if expansion not in expansions.setdefault(key, []):
            expansions[key].append(expansion)
    glossary_keys = set(expansions)
    widenings = {}
    for key, phrases in expansions.items():
        cues: list[str] = []
        for c in framework.criteria():
            if key in (cue.lower() for cue in c.cues):
                cues.extend(cue for cue in c.cues
                            if cue.lower() not in glossary_keys and cue not in phrases and cue not in cues)
        widenings[key] = Widening(display[key], tuple(phrases), tuple(cues))
    return widenings


def acronym_of(word: str) -> str | None:
    """The glossary key for a typed word ("PEPs" -> "pep"), or None."""
    key = word.lower()
    table = acronyms()
    if key in table:
        return key
    for suffix in ("'s", "\u2019s", "s"):
        if key.endswith(suffix) and key[:-len(suffix)] in table:
            return key[:-len(suffix)]
    return None


def parse(text: str, options: RankingOptions = SHIPPED) -> ParsedQuery:
    """Raises ValueError with a sentence for the user when there is nothing to search for."""
    text = (text or "").strip()
    if not text:
        raise ValueError("Type one or more words to search for.")
    parsed = None
    if len(text) <= MAX_QUERY_CHARS:
        try:
            parsed = _parser().parse(text)
        except Exception:    # the parser's failures are not ours to explain; fall back
            parsed = None
    if parsed is None or not _positive_leaves(parsed) or len(list(_leaves(parsed))) > MAX_TERMS:
        return _plain(text, options)
    builder = _Builder(text, options=options)
    if _is_word_list(parsed):
        query = _with_proximity([builder.rewrite(c) for c in parsed.subqueries], parsed.subqueries,
                                options.proximity_boost)
    else:
        query = builder.rewrite(parsed)
    return builder.result(query, _every(text))


def _every(text: str) -> wq.Query | None:
    """The query read with every word required, each widened as for ranking but without
    the words of its expansions one by one."""
    try:
        tree = _parser(every=True).parse(text)
    except Exception:    # as in parse(): the ranking query stands alone then
        return None
    if not _positive_leaves(tree) or len(list(_leaves(tree))) > MAX_TERMS:
        return None
    return _Builder(text, presence=True).rewrite(tree)


def _is_word_list(q: wq.Query) -> bool:
    """Words and phrases typed one after another, with no operators or fields."""
    return (isinstance(q, wq.Or) and len(q.subqueries) > 1
            and all(isinstance(c, (wq.Term, wq.Phrase)) and c.fieldname == "text" for c in q.subqueries))


def _with_proximity(concepts: list[wq.Query], typed: list[wq.Query], boost: float) -> wq.Query:
    """Any of the concepts, with a bonus for paragraphs that have the typed words side by
    side."""
    clauses = list(concepts)
    words = [w for c in typed for w in ((c.text,) if isinstance(c, wq.Term) else c.words)]
    if len(words) > 1 and boost:
        clauses.append(wq.Phrase("text", words, slop=PROXIMITY_SLOP, boost=boost))
    return wq.Or(clauses)


def _plain(text: str, options: RankingOptions) -> ParsedQuery:
    """The query as plain words: the first MAX_TERMS distinct ones, any of them."""
    builder, presence = _Builder(text, options=options), _Builder(text, presence=True)
    clauses, required, seen = [], [], set()
    for m in re.finditer(r"\w+", text[:MAX_QUERY_CHARS * 5]):
        words = analyse(m.group(0))
        if len(words) != 1 or words[0] in seen:
            continue
        seen.add(words[0])
        term = wq.Term("text", words[0])
        term.startchar, term.endchar = m.start(), m.end()
        clauses.append(builder.rewrite(term))
        required.append(presence.rewrite(term))
        if len(clauses) == MAX_TERMS:
            break
    if not clauses:
        raise ValueError("There is nothing to search for in that: use words that are not all "
                         "as common as 'the' or 'and'.")
    return builder.result(wq.Or(clauses), wq.And(required) if len(required) > 1 else required[0])


@lru_cache(maxsize=1)
def _criteria_by_cue() -> dict[tuple[str, ...], tuple[str, ...]]:
    """Analysed cue phrase -> the criteria it is a cue for."""
    table: dict[tuple[str, ...], list[str]] = {}
    for c in framework.criteria():
        for cue in c.cues:
            words = analyse(cue)
            if words and c.id not in table.setdefault(words, []):
                table[words].append(c.id)
    return {words: tuple(ids) for words, ids in table.items()}


def criteria_named(words: list[str]) -> list[str]:
    """Criteria one of whose cue phrases occurs in `words` (analysed, in typed order)."""
    found: list[str] = []
    words = tuple(words)
    for cue, ids in _criteria_by_cue().items():
        if contains(words, cue):
            found.extend(i for i in ids if i not in found)
    return found


def _leaves(q: wq.Query):
    if q.is_leaf():
        yield q
    else:
        for child in q.children():
            yield from _leaves(child)


def _positive_leaves(q: wq.Query) -> list[wq.Query]:
    """Leaves that add documents (not under NOT), ignoring empty ones."""
    if isinstance(q, wq.Not):
        return []
    if isinstance(q, wq.AndNot):
        return _positive_leaves(q.a)
    if q.is_leaf():
        return [] if q is wq.NullQuery else [q]
    return [leaf for child in q.children() for leaf in _positive_leaves(child)]


class _Builder:
    """Rewrites the parsed tree, widening acronyms, and collects the typed terms, the
    widenings and the marks on the way. With `presence`, an acronym is widened only to
    what stands for it whole (its expansions and cue phrases), for `ParsedQuery.every`."""

    def __init__(self, text: str, presence: bool = False, options: RankingOptions = SHIPPED):
        self.text = text
        self.presence = presence
        self.options = options
        self.terms: list[str] = []
        self.widenings: list[Widening] = []
        self.marks: dict[tuple[str, ...], str] = {}
        self.typed_words: list[str] = []          # analysed positive words, in typed order
        self._negated = 0

    def result(self, query: wq.Query, every: wq.Query | None) -> ParsedQuery:
        """The rewritten query, with a bonus for the paragraphs it finds that are tagged
        with the criteria the query names. (Also finding tagged paragraphs without any of
        the words made no measurable difference to ranking, and made totals and facets
        count paragraphs a person cannot see why were found.)"""
        criteria = criteria_named(self.typed_words)
        if criteria and self.options.tag_boost:
            tags = wq.Or([wq.Term("criteria", cid, boost=self.options.tag_boost) for cid in criteria])
            query = wq.AndMaybe(query, tags)
        return ParsedQuery(query, self.terms, self.widenings, self.marks, criteria, every)

    def rewrite(self, q: wq.Query) -> wq.Query:
        if isinstance(q, wq.Not):
            self._negated += 1
            try:
                return wq.Not(self.rewrite(q.query), boost=q.boost)
            finally:
                self._negated -= 1
        if isinstance(q, wq.AndNot):
            positive = self.rewrite(q.a)
            self._negated += 1
            try:
                return wq.AndNot(positive, self.rewrite(q.b))
            finally:
                self._negated -= 1
        if isinstance(q, wq.Term) and q.fieldname == "text":
            return self._word(q)
        if isinstance(q, wq.Phrase) and q.fieldname == "text":
            return self._phrase(q)
        if isinstance(q, (wq.Or, wq.And)) and any(isinstance(c, wq.Not) for c in q.subqueries):
            # "care NOT leavers" means care without leavers, not "care, or anything
            # without leavers" (how Whoosh reads a NOT inside an OR).
            wanted = [c for c in q.subqueries if not isinstance(c, wq.Not)]
            unwanted = [c.query for c in q.subqueries if isinstance(c, wq.Not)]
            return self.rewrite(wq.AndNot(type(q)(wanted), wq.Or(unwanted)))
        if q.is_leaf():
            return q
        return q.apply(self.rewrite)

    def _word(self, q: wq.Term) -> wq.Query:
        typed = self.text[q.startchar:q.endchar].strip(_PUNCTUATION) if q.startchar is not None else q.text
        if self._negated:
            return q
        self.terms.append(typed)
        self.typed_words.append(q.text)
        self.marks.setdefault((q.text,), typed)
        key = acronym_of(typed)
        if key is None:
            return q
        widening = acronyms()[key]
        self.widenings.append(Widening(typed, widening.expansions, widening.cues))
        clauses: list[wq.Query] = [q]
        for phrases, boost in ((widening.expansions, EXPANSION_BOOST), (widening.cues, CUE_BOOST)):
            for phrase in phrases:
                words = analyse(phrase)
                if words and words != (q.text,):
                    clauses.append(_words(words, q.boost * boost))
                    self.marks.setdefault(words, f"{phrase} ({typed})")
        alone: list[str] = []
        for phrase in widening.expansions if not self.presence else ():
            words = analyse(phrase)
            if len(words) > 1:
                alone.extend(w for w in words if w != q.text and w not in alone)
        if self.options.expansion_word_boost:
            clauses.extend(wq.Term("text", w, boost=q.boost * self.options.expansion_word_boost) for w in alone)
        return wq.Or(clauses)

    def _phrase(self, q: wq.Phrase) -> wq.Query:
        words = tuple(q.words)
        if q.char_ranges:
            typed = self.text[q.char_ranges[0][0]:q.char_ranges[-1][1]].strip(_PUNCTUATION)
        else:
            typed = " ".join(words)
        if not self._negated:
            self.terms.append(typed)
            self.typed_words.extend(words)
            self.marks.setdefault(words, typed)
        return q


def _words(words: tuple[str, ...], boost: float) -> wq.Query:
    if len(words) == 1:
        return wq.Term("text", words[0], boost=boost)
    return wq.Phrase("text", list(words), boost=boost)
