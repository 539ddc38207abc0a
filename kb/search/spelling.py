"""Spelling correction for queries: each word the index has never seen is matched against
the words it has (as written, not stemmed), the glossary and the criteria cue phrases, by
edit distance (a swap of two letters counts once), preferring the more frequent word. A
word the index has seen only once or twice is offered a correction too when a word one
edit away is far more common."""
from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from kb import framework
from kb.search.analysis import STOP_WORDS
from kb.search.index import Snapshot
from kb.search.query import acronym_of
from kb.search.schema import WORDS_FIELD

MIN_WORD = 4            # shorter words are too easily "corrected" into something else
MAX_WORD = 30
RARE = 2                # seen this often or less: a typo in the corpus, perhaps
MUCH_MORE_COMMON = 100  # ... when a word one edit away is this many times as common
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
_WORD = re.compile(r"(?<![\w:])[A-Za-z]+(?![\w:])")


@dataclass(frozen=True)
class Correction:
    query: str            # the query with its misspelt words replaced
    unknown: bool         # some replaced word occurs nowhere in the index


@dataclass
class _Vocabulary:
    words: list[str]
    frequency: dict[str, int]


def vocabulary(snapshot: Snapshot) -> _Vocabulary:
    """The words of the index (and of the framework's phrases) with how many paragraphs
    use them, memoised for the index state."""
    vocab = snapshot.memo.get("spelling")
    if vocab is None:
        frequency: dict[str, int] = {}
        for leaf, _ in snapshot.searcher.reader().leaf_readers():
            for word, n in _segment_words(leaf).items():
                frequency[word] = frequency.get(word, 0) + n
        for phrase in _framework_phrases():
            for word in re.findall(r"[a-z]+", phrase.lower()):
                if len(word) >= MIN_WORD and word not in STOP_WORDS:
                    frequency.setdefault(word, 1)
        vocab = snapshot.memo["spelling"] = _Vocabulary(sorted(frequency), frequency)
    return vocab


# Each index segment's words, kept across index states: a segment's terms never change,
# and after a small change (a correction) the index is the same segments plus a small new
# one, so only that one is read again. (Reading the words through Whoosh's multi-segment
# reader looks each one up in every segment: four times slower.)
SEGMENTS_KEPT = 64
_by_segment: OrderedDict[str, dict[str, int]] = OrderedDict()
_by_segment_lock = threading.Lock()


def _segment_words(leaf) -> dict[str, int]:
    """{word: paragraphs that use it} of one segment (a word's total weight in the
    vocabulary field is the number of paragraphs that use it)."""
    segment = leaf.segment()
    key = segment.segment_id() if segment is not None else None
    with _by_segment_lock:
        words = _by_segment.get(key) if key else None
        if words is not None:
            _by_segment.move_to_end(key)
            return words
    words = {}
    if WORDS_FIELD in leaf.indexed_field_names():
        for word, info in leaf.iter_field(WORDS_FIELD):
            if isinstance(word, bytes):
                word = word.decode("utf-8")
            if word.isalpha():
                words[word] = int(info.weight())
    if key:
        with _by_segment_lock:
            _by_segment[key] = words
            while len(_by_segment) > SEGMENTS_KEPT:
                _by_segment.popitem(last=False)
    return words


def _framework_phrases() -> list[str]:
    phrases = [e for _, e in framework.glossary()]
    for c in framework.criteria():
        phrases.extend(c.cues)
        phrases.append(c.title)
    return phrases


def correct(snapshot: Snapshot, text: str) -> Correction | None:
    """The query with misspellings corrected, or None when every word looks right."""
    reader = snapshot.searcher.reader()
    vocab = None          # read only for a word the index holds rarely or not at all
    replaced, unknown = {}, False
    for m in _WORD.finditer(text):
        typed = m.group(0)
        word = typed.lower()
        # A stop word is left out of the search, and of the vocabulary: never "corrected"
        # ("missing from care" is not "missing form care").
        if (typed in _OPERATORS or word in replaced or not MIN_WORD <= len(word) <= MAX_WORD
                or word in STOP_WORDS or acronym_of(typed)):
            continue
        # A common word is right: its count in the index settles that without the
        # whole vocabulary (a fresh `kb search` would spend most of its time reading it).
        if (WORDS_FIELD, word) in reader and reader.frequency(WORDS_FIELD, word) > RARE:
            continue
        vocab = vocab or vocabulary(snapshot)
        seen = vocab.frequency.get(word, 0)
        if seen > RARE:
            continue
        better = _best(word, vocab, seen)
        if better:
            replaced[word] = better
            unknown = unknown or seen == 0
    if not replaced:
        return None
    fixed = _WORD.sub(lambda m: _keep_case(m.group(0), replaced.get(m.group(0).lower())), text)
    return Correction(fixed, unknown)


def _best(word: str, vocab: _Vocabulary, seen: int) -> str | None:
    max_edits = 1 if len(word) <= 5 or seen else 2
    candidates = process.extract(word, vocab.words, scorer=OSA.distance,
                                 score_cutoff=max_edits, limit=20)
    best, best_key = None, None
    for candidate, edits, _ in candidates:
        if candidate == word:
            continue
        freq = vocab.frequency[candidate]
        if seen and freq < seen * MUCH_MORE_COMMON:
            continue
        key = (edits, -math.log1p(freq))
        if best_key is None or key < best_key:
            best, best_key = candidate, key
    return best


def _keep_case(typed: str, replacement: str | None) -> str:
    if replacement is None:
        return typed
    if typed.isupper():
        return replacement.upper()
    if typed[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement
