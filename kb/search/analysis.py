"""How the index reads a paragraph's text: words, lower-cased, stop words dropped, folded
and English-stemmed, in named segments (text, headings, glossary aliases, title), each
weighted (SEGMENT_WEIGHTS). The index and the query side share this analysis, so both see
the same terms. Ingest runs `analyse` in its worker processes, so that the process that
writes the index only adds postings.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from whoosh import formats
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter, Tokenizer
from whoosh.lang import porter2

from kb.search.aliases import glossary_aliases


class _Variants(Filter):
    """Folds forms the stemmer leaves apart: irregular plurals ("children in need" matches
    "child in need") and spellings found side by side in these documents ("advisor",
    "adviser"). A morphological filter: the spelling vocabulary keeps the words as written."""
    is_morph = True
    _FOLD = {"children": "child", "people": "person", "advisor": "adviser", "advisors": "advisers",
             "judgment": "judgement", "judgments": "judgements"}

    def __call__(self, tokens):
        fold = self._FOLD
        for t in tokens:
            t.text = fold.get(t.text, t.text)
            yield t


WORD_PATTERN = r"\w+(\.?\w+)*"
# A field value made of named segments: SEGMENT_START name NAME_END text, repeated.
SEGMENT_START, NAME_END = "\x1e", "\x1f"
_SEPARATORS = str.maketrans("", "", SEGMENT_START + NAME_END)


def segmented(parts: dict[str, str]) -> str:
    """One field value holding several named texts (see SEGMENT_WEIGHTS)."""
    return "".join(f"{SEGMENT_START}{name}{NAME_END}{text.translate(_SEPARATORS)}"
                   for name, text in parts.items() if text)


class _SegmentTokenizer(Tokenizer):
    """Words of a plain string, or of a `segmented` one: each token then carries its
    segment's weight as its boost and its segment's number."""

    def __init__(self):
        self._words = RegexTokenizer(WORD_PATTERN)

    def __call__(self, value, **kwargs):
        if value.startswith(SEGMENT_START):
            chunks = (chunk.partition(NAME_END) for chunk in value[1:].split(SEGMENT_START))
            segments = [(text, SEGMENT_WEIGHTS.get(name, 1.0)) for name, _, text in chunks]
            segments = [(text, weight) for text, weight in segments if weight]
        else:
            segments = [(value, 1.0)]
        for number, (text, weight) in enumerate(segments):
            for t in self._words(text, **kwargs):
                t.boost = weight
                t.segment = number
                yield t


class _SegmentGaps(Filter):
    """Opens a gap in the position numbering between segments, so that a phrase never
    runs from the end of one into the start of the next. Runs after stop-word removal,
    which numbers positions afresh."""

    def __call__(self, tokens):
        for t in tokens:
            if t.positions:
                t.pos += t.segment * SEGMENT_GAP
            yield t


def text_analyzer():
    """Words, lower-cased, common words dropped, English-stemmed (Porter2: Whoosh's
    original Porter leaves "planning" as "plann"). The index and the query side share it,
    so both see the same terms."""
    return (_SegmentTokenizer() | LowercaseFilter() | StopFilter() | _SegmentGaps()
            | _Variants() | StemFilter(stemfn=porter2.stem, cachesize=-1))


# What a paragraph is searched by, and how much a word counts in each part (BM25F: the
# weights scale term frequencies before BM25 saturates them). Headings say what a
# paragraph is about; aliases are the glossary's other names for what it says; the title
# is shared by a whole document. (Tags weigh in at query time: kb.search.query.)
# A weight of 0 leaves that part out of the index. The title (0.2 until schema 6) is out:
# it pulled in paragraphs of a document whose name holds the query's words (bench/ranking.py,
# pooled sample queries, tune half). Headings stay: they lost on the pooled sample queries
# but won as much on the bundled corpus's (README, "Ranking").
SEGMENT_WEIGHTS = {"text": 1.0, "section": 0.5, "aliases": 0.8, "title": 0.0}
SEGMENT_GAP = 50


@dataclass(frozen=True)
class Analysed:
    """A paragraph's `text` field analysed ahead of indexing, perhaps in a worker process
    (`analyse`): its postings as Whoosh's writer takes them, and its words as written."""
    key: tuple                                   # analysis_key() of what was analysed
    postings: tuple[tuple[bytes, int, float, bytes], ...]
    written: frozenset[str]


def analysis_key(text: str, section: Iterable[str] | None, title: str | None) -> tuple:
    """What a paragraph's `text` field is made of: an `Analysed` value made from the same
    key can stand in for analysing it again."""
    return text, tuple(section or ()), title or ""


def analyse(text: str, section: Iterable[str] | None, title: str | None) -> Analysed:
    """A paragraph's `text` field (its words, headings, glossary aliases and document
    title: SEGMENT_WEIGHTS) analysed into postings."""
    key = analysis_key(text, section, title)
    postings, written = _text_postings(text_parts(*key))
    return Analysed(key, postings, frozenset(written))


def text_parts(text: str, section: Iterable[str], title: str) -> dict[str, str]:
    """The named parts of a paragraph's text field (SEGMENT_WEIGHTS)."""
    return {
        "text": text,
        "section": " ; ".join(section),
        "aliases": " ; ".join(alias for _, alias in glossary_aliases(text)),
        "title": title,
    }


_WORD = re.compile(WORD_PATTERN)
STOP_WORDS = StopFilter().stops       # words the text field leaves out
_stem = lru_cache(maxsize=None)(porter2.stem)


def index_term(word: str) -> str:
    """The term the text field indexes a lower-case word as (folded, then stemmed)."""
    return _stem(_Variants._FOLD.get(word, word))


def _text_postings(parts: dict[str, str]) -> tuple[tuple, set[str]]:
    """What the text field's analyzer and Whoosh's Positions format make of
    `segmented(parts)`, with the words as written (before folding and stemming), in one
    loop: Whoosh's chain of generators took a quarter of preparing a document. A test
    holds the two to the same postings (tests/test_index_writer.py)."""
    positions: dict[str, list[int]] = {}
    weights: dict[str, float] = {}
    written: set[str] = set()
    fold, stops = _Variants._FOLD, STOP_WORDS
    pos = None             # StopFilter renumbers the words it keeps, from the first one's place
    number = 0
    for name, text in parts.items():
        weight, gap = SEGMENT_WEIGHTS.get(name, 1.0), number * SEGMENT_GAP
        if not text or not weight:     # a segment weighted 0 is left out (bench/ranking.py)
            continue
        for place, m in enumerate(_WORD.finditer(text.translate(_SEPARATORS))):
            word = m.group().lower()
            if len(word) < 2 or word in stops:
                continue
            pos = place if pos is None else pos + 1
            written.add(word)
            term = _stem(fold.get(word, word))
            if term in positions:
                positions[term].append(pos + gap)
                weights[term] += weight
            else:
                positions[term] = [pos + gap]
                weights[term] = weight
        number += 1
    encode = formats.Positions().encode
    postings = tuple((term.encode("utf-8"), len(ps), weights[term], encode(ps)) for term, ps in positions.items())
    return postings, written

