"""The Whoosh full-text index over the store's paragraphs.

The index is derived data: `Index.rebuild` recreates it from the store's rows. Each full
build goes into a fresh generation folder (index/gen-000007) and becomes live when the
pointer file (index/CURRENT) is replaced with os.replace, so a reader sees either the old
index or the new one, never a half-built one. Small changes (one document ingested or
removed, a person's correction) are written into the live generation with one Whoosh
writer; Whoosh's own commit is atomic for readers too. Every write holds a lock file, so
one process writes at a time.

A paragraph is searched through one field, `text`, holding its words together with its
headings, its document's title and its glossary aliases (the expansions of the acronyms it
uses and the acronyms of the expansions it spells out, so that "IRO" finds "independent
reviewing officer" and the other way round), each part weighted (SEGMENT_WEIGHTS): BM25F
in one posting list per word, which keeps searches fast. Filters and facets use id fields.
The words as written, before stemming, are kept for spelling correction in `words`, once
per document (_Vocabulary). Ingest analyses the text field in its worker processes
(`analyse`), so that the process that writes the index only adds postings.
"""
from __future__ import annotations

import fcntl
import os
import re
import shutil
import threading
from collections import Counter
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from whoosh import formats, index as whoosh_index, scoring
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter, Tokenizer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, FieldType, Schema
from whoosh.lang import porter2
from whoosh.codec.whoosh3 import W3Codec
from whoosh.searching import Searcher
from whoosh.writing import PostingPool, SegmentWriter

from kb import framework
from kb.home import INDEX_DIR, private_files

if TYPE_CHECKING:
    from kb.ingest import Pending

# Bump when the schema or the analysis changes: an index of another version needs a rebuild.
SCHEMA_VERSION = 5
POINTER_FILE = "CURRENT"
LOCK_FILE = "write.lock"
GENERATION_PREFIX = "gen-"
# One bulk writer with a generous buffer. Measured on two cores with 5,600 paragraphs:
# about 1,000 paragraphs/s so, 650 with a 64 MB buffer, 600 with procs=2 (pickling to the
# second process costs more than the analysis it takes over).
BULK_LIMIT_MB = 256


class IndexUnavailable(Exception):
    """The index is missing or damaged; the message says what to do."""


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


@dataclass(frozen=True)
class Analysed:
    """A paragraph's `text` field analysed ahead of indexing, perhaps in a worker process
    (`analyse`): its postings as Whoosh's writer takes them, and its words as written."""
    key: tuple                                   # analysis_key() of what was analysed
    postings: tuple[tuple[bytes, int, float, bytes], ...]
    written: frozenset[str]


class _Text(TEXT):
    """The text field: takes a string, or an `Analysed` value whose work is done."""

    def index(self, value, **kwargs):
        if isinstance(value, Analysed):
            return iter(value.postings)
        return super().index(value, **kwargs)


class _Vocabulary(FieldType):
    """The words of the text field as written, for spelling correction. The value is
    {word: paragraphs}: a document's words, each given once, on the first of its
    paragraphs that uses it, with the number of its paragraphs that do; a term's total
    weight is then the number of paragraphs that use the word. (Whoosh's own spelling
    field posts every word of every paragraph: as many postings again as the text.)"""

    def __init__(self):
        super().__init__(formats.Existence(), analyzer=None)

    def index(self, value, **kwargs):
        return ((word.encode("utf-8"), n, float(n), b"") for word, n in value.items())


class _Id(ID):
    """An id field; indexing a value takes no analysis: the value is the one term."""

    def index(self, value, **kwargs):
        return ((value.encode("utf-8"), 1, self.format.field_boost, b""),)


WORDS_FIELD = "words"


def build_schema() -> Schema:
    text = _Text(analyzer=text_analyzer(), phrase=True)
    # A hyphenated word in a query ("pre-proceedings") is searched as a phrase.
    text.multitoken_query = "phrase"
    return Schema(
        paragraph_id=_Id(stored=True, unique=True),
        doc_id=_Id(stored=True),
        text=text,                 # the weighted segments of SEGMENT_WEIGHTS
        words=_Vocabulary(),       # WORDS_FIELD
        content=STORED,            # the paragraph's text as written, for display
        title=STORED,
        judgement=_Id(stored=True),
        criteria=KEYWORD(scorable=False),
        stance=_Id(stored=True),
        doc_type=_Id(stored=True),
        authority=_Id(stored=True),
        date=_Id(stored=True, sortable=True),
        year=_Id(),
        page=STORED,
        # Only "has a number" is searched: one term per value, not Whoosh's eight.
        number=NUMERIC(stored=True, shift_step=32),
        trail=STORED,
        criteria_list=STORED,
    )


# What a paragraph is searched by, and how much a word counts in each part (BM25F: the
# weights scale term frequencies before BM25 saturates them). Headings say what a
# paragraph is about; aliases are the glossary's other names for what it says; the title
# is shared by a whole document. (Tags weigh in at query time: kb.search.query.)
SEGMENT_WEIGHTS = {"text": 1.0, "section": 0.5, "aliases": 0.8, "title": 0.2}
SEGMENT_GAP = 50
# An inspector's report restates its numbered findings in unnumbered text (the summary,
# "what needs to improve"); there a word counts this much, so that the finding itself,
# which people cite by its number, ranks first.
RESTATEMENT_WEIGHT = 0.6
SCHEMA = build_schema()
# Length normalisation below the usual 0.75: Ofsted's numbered findings are long, and
# stronger normalisation favoured short fragments over them in our graded queries.
WEIGHTING = scoring.BM25F(B=0.5, K1=1.2)
# Fields whose values are ids (one or more per paragraph): used for filters and facets.
FACET_FIELDS = ("judgement", "criteria", "stance", "doc_type", "authority", "year")


# -- glossary aliases -------------------------------------------------------------------

def _word_pattern(word: str) -> tuple[str, str]:
    """(base, regex) for one word of an expansion: the regex tolerates plurals and
    possessives; every form it matches contains the base."""
    if word in ("child", "children"):
        return "child", "child(?:ren)?"
    if word.endswith("ies") and len(word) > 4:
        base, suffix = word[:-3], "(?:y|ies)"
    elif word.endswith("y") and len(word) > 3:
        base, suffix = word[:-1], "(?:y|ies)"
    elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        base, suffix = word[:-1], "(?:s|es)?"
    else:
        base, suffix = word, "(?:s|es)?"
    return base, re.escape(base) + suffix + "(?:['\u2019]s)?"


def _phrase_pattern(phrase: str) -> tuple[str, str]:
    """(base, regex) for a phrase in running text whatever its case, plurals, hyphens or
    commas ("pre-proceedings" ~ "pre proceedings", "letter" ~ "letters"). The base, the
    longest word's, is in every match: a cheap test before running the regex."""
    words = [_word_pattern(w) for w in re.findall(r"[a-z0-9]+", re.sub(r"['\u2019]s\b", "", phrase.lower()))]
    regex = r"(?<!\w)" + r"[\s\-\u2013\u2014,/]+".join(p for _, p in words) + r"(?!\w)"
    return max((b for b, _ in words), key=len), regex


@lru_cache(maxsize=None)
def _phrase_regex(regex: str) -> re.Pattern:
    # Compiled when a text first holds the phrase's base: a worker that reads a few
    # documents needs few of the glossary's phrases, and compiling all took 25 ms.
    return re.compile(regex, re.IGNORECASE)


@dataclass(frozen=True)
class _Glossary:
    expansions: dict[str, tuple[str, ...]]           # acronym as written -> its expansions
    acronym_re: re.Pattern                           # acronyms as written in text, plurals too
    expansion_res: tuple[tuple[str, str, str], ...]  # (base, phrase regex, acronym)


@lru_cache(maxsize=1)
def glossary_index() -> _Glossary:
    expansions: dict[str, list[str]] = {}
    for acronym, expansion in framework.glossary():
        expansions.setdefault(acronym, []).append(expansion)
    spellings = []
    for acronym in expansions:
        spellings.append(re.escape(acronym))
        if any(ch.isdigit() for ch in acronym):     # "s47" is as clear as "S47"
            spellings.append(re.escape(acronym.lower()))
    spellings.sort(key=len, reverse=True)
    acronym_re = re.compile(r"(?<![\w-])(" + "|".join(spellings) + r")(?:s|['\u2019]s)?(?![\w-])")
    expansion_res = tuple((*_phrase_pattern(e), a) for a, es in expansions.items() for e in es)
    return _Glossary({a: tuple(es) for a, es in expansions.items()}, acronym_re, expansion_res)


def glossary_aliases(text: str) -> list[tuple[str, str]]:
    """(found, alias) pairs for a paragraph: each acronym it uses with each of its
    expansions, and each expansion it spells out with its acronym."""
    g = glossary_index()
    pairs: dict[tuple[str, str], tuple[str, str]] = {}
    for m in g.acronym_re.finditer(text):
        acronym = m.group(1)
        acronym = acronym if acronym in g.expansions else acronym.upper()
        for e in g.expansions[acronym]:
            pairs.setdefault((acronym.lower(), e.lower()), (acronym, e))
    lowered = text.lower()
    for base, regex, acronym in g.expansion_res:
        if base in lowered:
            m = _phrase_regex(regex).search(text)
            if m:
                pairs.setdefault((m.group(0).lower(), acronym.lower()), (m.group(0), acronym))
    return list(pairs.values())


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
_STOP_WORDS = StopFilter().stops
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
    fold, stops = _Variants._FOLD, _STOP_WORDS
    pos = None             # StopFilter renumbers the words it keeps, from the first one's place
    number = 0
    for name, text in parts.items():
        if not text:
            continue
        weight, gap = SEGMENT_WEIGHTS.get(name, 1.0), number * SEGMENT_GAP
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


def indexable(text: str | None, boilerplate: bool = False) -> bool:
    """False for boilerplate and empty paragraphs, which are kept out of the index."""
    return bool(not boilerplate and text and text.strip())


def document_fields(row: dict, analysed: dict[tuple, Analysed] | None = None) -> dict | None:
    """The Whoosh document for a store paragraph row, or None for boilerplate. The text
    is taken from `analysed` (analysis_key -> Analysed) when it holds the row's key."""
    if not row.get("paragraph_id") or not indexable(row.get("text"), row.get("boilerplate")):
        return None
    text = row["text"]
    key = analysis_key(text, row.get("section"), row.get("title"))
    done = analysed.get(key) if analysed else None
    criteria_scores = row.get("criteria") or {}
    criteria_ids = [c for c, s in sorted(criteria_scores.items(), key=lambda kv: -(kv[1] or 0)) if (s or 0) > 0]
    fields_ = {
        "paragraph_id": row["paragraph_id"],
        "doc_id": row["doc_id"],
        "text": done or analyse(*key),
        "content": text,
        "title": row.get("title") or "",
        "criteria": " ".join(criteria_ids),
        "trail": list(row.get("section") or []),
        "criteria_list": criteria_ids,
    }
    for name in ("judgement", "stance", "doc_type", "authority"):
        if row.get(name):
            fields_[name] = row[name]
    date = row.get("date")
    if date:
        fields_["date"] = date
        fields_["year"] = date[:4]
    for name in ("page", "number"):
        if row.get(name) is not None:
            fields_[name] = int(row[name])
    if row.get("doc_type") in framework.INSPECTOR_DOC_TYPES and row.get("number") is None:
        fields_["_text_boost"] = RESTATEMENT_WEIGHT
    return fields_


# -- the index --------------------------------------------------------------------------

@dataclass
class Snapshot:
    """A searcher over one state of the index, plus a memo for values derived from that
    state (facet tables, spelling vocabulary, term sets) that stay valid until the index
    changes. Every thread's snapshot of the same state shares one memo, so a table is
    built once, not once per web server thread; `lock` guards its bounded (LRU) parts."""
    generation: str
    searcher: Searcher
    memo: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Index:
    """The index of one knowledge base home (home/index). Safe to share between threads:
    each thread gets its own searcher (`snapshot`)."""

    def __init__(self, home: Path):
        self.root = Path(home) / INDEX_DIR
        self._local = threading.local()
        self._shared: dict[tuple, tuple[dict, threading.Lock]] = {}   # index state -> (memo, lock)
        self._shared_lock = threading.Lock()

    # -- writing -------------------------------------------------------------------------
    def rebuild(self, rows: Iterable[dict]) -> int:
        """Index `rows` into a new generation and switch to it; returns paragraphs indexed."""
        return self.rebuild_in_parts([lambda: rows])

    def rebuild_in_parts(self, parts: list[Callable[[], Iterable[dict]]],
                         submit: Callable[..., Pending] | None = None) -> int:
        """Index each part's rows (whole documents) into a segment of its own, in the order
        of `parts`, and switch to the new generation that holds them all; returns
        paragraphs indexed. With `submit` (kb.ingest.Workers.submit), each part is
        written by a worker process, as Whoosh's multi-process writer writes its segments:
        writing postings is the slow part of a rebuild, and it runs in Python."""
        with self._write_lock():
            gen_dir = self._new_generation_dir()
            try:
                ix = whoosh_index.create_in(gen_dir, SCHEMA)
                if submit is None:
                    written = [_write_part(gen_dir, part) for part in parts]
                else:
                    pending = [submit(_write_part, gen_dir, part) for part in parts]
                    # A part whose worker died is written here.
                    written = [(p.result() if p else None) or _write_part(gen_dir, part)
                               for p, part in zip(pending, parts)]
                # One table of contents lists every part's segment; the parts' writers
                # share this writer's temporary folder, which it removes.
                writer = _Writer(ix)
                writer._close_segment()
                writer._commit_toc([segment for segment, _ in written if segment is not None])
                writer._finish()
                ix.close()
            except BaseException:
                shutil.rmtree(gen_dir, ignore_errors=True)
                raise
            self._point_to(gen_dir.name)
            self._remove_old_generations()
        return sum(count for _, count in written)

    def add_document(self, doc_id: str, rows: Iterable[dict]) -> int:
        """Replace a document's paragraphs with `rows`; returns paragraphs indexed."""
        return self.add_documents([doc_id], rows)

    def add_documents(self, doc_ids: Iterable[str], rows: Iterable[dict],
                      analysed: dict[tuple, Analysed] | None = None) -> int:
        """Replace the paragraphs of several documents in one commit; `rows` holds the
        new paragraphs of all of them, `analysed` any of their text analysed already
        (`analyse`). Returns paragraphs indexed."""
        with self._writer() as writer:
            for doc_id in doc_ids:
                writer.delete_by_term("doc_id", doc_id)
            return _add_rows(writer, rows, analysed)

    @contextmanager
    def batch(self, rows_of: Callable[[list[str]], Iterable[dict]]) -> Iterator[Callable[..., None]]:
        """Replace documents one at a time, in one commit at the end that leaves the
        index as `add_documents` on all of them would: yields `replace(doc_id, analysed)`,
        which indexes `rows_of([doc_id])` at once (its text analysed already when
        `analysed` holds it), so that each document is indexed while the caller prepares
        the next. The write lock is taken at the first replacement and
        held to the end."""
        batch = _Batch(self, rows_of)
        try:
            yield batch.replace
        except BaseException:
            batch.cancel()
            raise
        batch.commit()

    def remove_document(self, doc_id: str) -> int:
        """Drop a document's paragraphs; returns how many were dropped."""
        with self._writer() as writer:
            return writer.delete_by_term("doc_id", doc_id)

    def update_paragraphs(self, rows: Iterable[dict]) -> int:
        """Re-index individual paragraphs (after a correction); returns paragraphs written."""
        count = 0
        with self._writer() as writer:
            for row in rows:
                doc = document_fields(row)
                if doc is None:
                    writer.delete_by_term("paragraph_id", row["paragraph_id"])
                else:
                    # Its words count once more in the spelling vocabulary; the count
                    # only steers corrections, and is exact again at the next rebuild.
                    doc[WORDS_FIELD] = dict.fromkeys(doc["text"].written, 1)
                    writer.update_document(**doc)
                    count += 1
        return count

    def repair(self, expected: Callable[[], dict[str, int]],
               rows_of: Callable[[list[str]], Iterable[dict]]) -> tuple[list[str], list[str]] | None:
        """Bring the index back in step with the store after a crash left them apart (the
        store commits each document before the index commits the batch). `expected()`
        gives each stored document's indexable paragraph count; a document the index holds
        with another count is indexed again from `rows_of`, one it holds that the store
        does not is dropped. Returns (indexed again, dropped), or None when another writer
        holds the index: its work is under way, not lost, and it indexes what it stores."""
        if self._read_pointer() is None:
            return [], []
        with private_files(), open(self.root / LOCK_FILE, "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return None
            try:
                held = self.paragraph_counts()
                wanted = expected()      # read holding the lock: no writer is between the two
                stale = sorted(d for d, n in wanted.items() if held.get(d, 0) != n)
                dropped = sorted(set(held) - set(wanted))
                if stale or dropped:
                    writer = self._open_writer()
                    try:
                        for doc_id in stale + dropped:
                            writer.delete_by_term("doc_id", doc_id)
                        _add_rows(writer, rows_of(stale))
                    except BaseException:
                        writer.cancel()
                        raise
                    writer.commit()
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        return stale, dropped

    def paragraph_counts(self) -> dict[str, int]:
        """doc_id -> paragraphs the live generation holds (deleted ones not counted)."""
        generation = self._current_generation()
        if generation is None:
            return {}
        ix = self._open(generation)
        try:
            with ix.reader() as reader:
                if "doc_id" not in reader.indexed_field_names():
                    return {}
                counts = {}
                for term in reader.lexicon("doc_id"):
                    n = sum(1 for _ in reader.postings("doc_id", term).all_ids())
                    if n:
                        counts[term.decode("utf-8")] = n
                return counts
        finally:
            ix.close()

    # -- reading -------------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        """The calling thread's searcher, brought up to date with the latest commit.
        It is shared: do not close it (`close()` does, for this thread)."""
        current = getattr(self._local, "snapshot", None)
        generation = self._current_generation()
        if generation is None:
            self._create_empty()
            generation = self._current_generation()
        if current is not None and current.generation == generation and current.searcher.up_to_date():
            return current
        if current is not None:
            current.searcher.close()
        # A fresh searcher rather than Searcher.refresh(): a refreshed reader can keep a
        # reused segment's old deletions.
        searcher = self._open(generation).searcher(weighting=WEIGHTING)
        memo, lock = self._shared_memo((generation, searcher.reader().generation()))
        fresh = Snapshot(generation, searcher, memo, lock)
        self._local.snapshot = fresh
        return fresh

    def _shared_memo(self, state: tuple) -> tuple[dict, threading.Lock]:
        with self._shared_lock:
            if state not in self._shared:
                # Only the newest states are searched: keep two, drop older ones.
                for old in list(self._shared)[:-1]:
                    del self._shared[old]
                self._shared[state] = ({}, threading.Lock())
            return self._shared[state]

    def doc_count(self) -> int:
        return self.snapshot().searcher.doc_count()

    def needs_rebuild(self) -> bool:
        """True when there is no index yet or it was built by another schema version."""
        pointer = self._read_pointer()
        return pointer is None or pointer[1] != SCHEMA_VERSION

    def close(self) -> None:
        current = getattr(self._local, "snapshot", None)
        if current is not None:
            current.searcher.close()
            self._local.snapshot = None

    # -- internals -----------------------------------------------------------------------
    @contextmanager
    def _write_lock(self) -> Iterator[None]:
        # Whatever the index writes is private: it holds the documents' text.
        with private_files(), self._locked():
            yield

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / LOCK_FILE, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    @contextmanager
    def _writer(self):
        with self._write_lock():
            writer = self._open_writer()
            try:
                yield writer
            except BaseException:
                writer.cancel()
                raise
            writer.commit()

    def _open_writer(self) -> _Writer:
        """A writer on the live generation; call with the write lock held."""
        generation = self._current_generation()
        if generation is None:
            generation = self._create_empty_locked()
        return _Writer(self._open(generation))

    def _create_empty(self) -> None:
        with self._write_lock():
            if self._current_generation() is None:
                self._create_empty_locked()

    def _create_empty_locked(self) -> str:
        gen_dir = self._new_generation_dir()
        whoosh_index.create_in(gen_dir, SCHEMA).close()
        self._point_to(gen_dir.name)
        self._remove_old_generations()
        return gen_dir.name

    def _open(self, generation: str):
        try:
            return whoosh_index.open_dir(self.root / generation)
        except (OSError, whoosh_index.EmptyIndexError) as e:
            raise IndexUnavailable(
                f"The search index in {self.root} is missing or damaged ({e}); "
                "rebuild it with `kb reindex`.") from e

    def _read_pointer(self) -> tuple[str, int] | None:
        try:
            name, _, version = (self.root / POINTER_FILE).read_text("utf-8").strip().partition(" ")
        except FileNotFoundError:
            return None
        return (name, int(version)) if name and version.isdigit() else None

    def _current_generation(self) -> str | None:
        pointer = self._read_pointer()
        if pointer is None:
            return None
        if pointer[1] != SCHEMA_VERSION:
            raise IndexUnavailable(
                f"The search index in {self.root} was built by another version of kb; "
                "rebuild it with `kb reindex`.")
        return pointer[0]

    def _generations(self) -> list[tuple[int, Path]]:
        found = []
        for p in self.root.glob(GENERATION_PREFIX + "*"):
            suffix = p.name[len(GENERATION_PREFIX):]
            if p.is_dir() and suffix.isdigit():
                found.append((int(suffix), p))
        return sorted(found)

    def _new_generation_dir(self) -> Path:
        gens = self._generations()
        number = gens[-1][0] + 1 if gens else 1
        path = self.root / f"{GENERATION_PREFIX}{number:06d}"
        path.mkdir(parents=True)
        return path

    def _point_to(self, generation: str) -> None:
        tmp = self.root / f".{POINTER_FILE}.{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(f"{generation} {SCHEMA_VERSION}\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.root / POINTER_FILE)

    def _remove_old_generations(self) -> None:
        """Keep the live generation and the one before it (a reader that read the old
        pointer a moment ago may still be opening it); remove the rest, including any
        left half-built by a crash."""
        pointer = self._read_pointer()
        if pointer is None:
            return
        gens = self._generations()
        live = next((n for n, p in gens if p.name == pointer[0]), None)
        previous = max((n for n, _ in gens if live is not None and n < live), default=None)
        for n, path in gens:
            if n not in (live, previous):
                shutil.rmtree(path, ignore_errors=True)


class _Batch:
    """The writer behind `Index.batch`, opened with the write lock at the first
    replacement. A document replaced twice cannot be taken back out of an uncommitted
    writer, so then the batch writes all its documents afresh on commit."""

    def __init__(self, index: Index, rows_of: Callable[[list[str]], Iterable[dict]]):
        self._index, self._rows_of = index, rows_of
        self._held = ExitStack()          # the write lock, once taken
        self._writer: _Writer | None = None
        self._doc_ids: dict[str, None] = {}
        self._repeated = False

    def replace(self, doc_id: str, analysed: dict[tuple, Analysed] | None = None) -> None:
        if self._writer is None:
            self._held.enter_context(self._index._write_lock())
            self._writer = self._index._open_writer()
        self._repeated = self._repeated or doc_id in self._doc_ids
        self._doc_ids[doc_id] = None
        if not self._repeated:
            self._writer.delete_by_term("doc_id", doc_id)
            _add_rows(self._writer, self._rows_of([doc_id]), analysed)

    def commit(self) -> None:
        with self._held:
            if self._writer is None:
                return
            try:
                if self._repeated:
                    self._writer.cancel()
                    self._writer = self._index._open_writer()
                    for doc_id in self._doc_ids:
                        self._writer.delete_by_term("doc_id", doc_id)
                    _add_rows(self._writer, self._rows_of(list(self._doc_ids)))
                self._writer.commit()
            except BaseException:
                self._writer.cancel()
                raise

    def cancel(self) -> None:
        with self._held:
            if self._writer is not None:
                self._writer.cancel()


class _Writer(SegmentWriter):
    """Whoosh's segment writer, with a faster look-up of field lengths on commit (see
    _SegmentLengths), writing posting blocks uncompressed: most blocks hold a few postings
    of a rare word, where zlib costs a third of the commit and saves little (measured:
    commit 0.17 s -> 0.12 s, index 1.3 MB -> 1.9 MB for 460 paragraphs). Readers take
    either. Otherwise everything it writes is as SegmentWriter writes it."""

    def __init__(self, ix, limitmb: int = 128, **kwargs):
        super().__init__(ix, codec=W3Codec(compression=0), limitmb=limitmb, **kwargs)
        # SegmentWriter ignores its poolclass argument.
        self.pool = _Pool(self._tempstorage, self.newsegment, limitmb=limitmb)

    def per_document_reader(self):
        return _SegmentLengths(super().per_document_reader())


class _Pool(PostingPool):
    """Whoosh's posting pool without its per-posting type checks (the writer's own fields
    make the postings), which took a fifth of indexing a batch."""

    def add(self, item):
        # item = (fieldname, term bytes, docnum, weight, value bytes); the size is
        # PostingPool's estimate of its memory.
        self.fieldnames.add(item[0])
        self.currentsize += 150 + len(item[0]) + 2 * len(item[1]) + len(item[4] or b"")
        if self.currentsize > self.limit:
            self.save()
        self.current.append(item)


class _SegmentLengths:
    """The new segment's per-document reader as the writer uses it on commit: to look up
    the field length of every posting it writes. Whoosh's reader asks the file system,
    every time, whether a field has a lengths file, which for a field that has none (ids,
    keywords, numbers and spelling words are not scored) is an os.stat per posting; for
    the others it decodes one byte per posting. Here each field's lengths are read once,
    for all documents; a field has a lengths file exactly when its total length is above
    zero."""

    def __init__(self, reader):
        self._reader = reader
        self._lengths: dict[str, list | tuple] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0):
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            lengths = self._lengths[fieldname] = self._read(fieldname)
        return lengths[docnum] if lengths else default

    def _read(self, fieldname: str) -> list | tuple:
        if not self._reader.field_length(fieldname):
            return ()
        return [self._reader.doc_field_length(d, fieldname) for d in range(self._reader.doc_count_all())]

    def close(self) -> None:
        self._reader.close()


def _write_part(gen_dir: Path, rows_of: Callable[[], Iterable[dict]]) -> tuple[object | None, int]:
    """Write the rows of one part of a rebuild into a segment of the index in `gen_dir`,
    without committing it (Index.rebuild_in_parts lists it); returns (the segment, or
    None when the part held nothing to index, paragraphs indexed)."""
    with private_files():   # a worker process does not share its parent's umask of the moment
        writer = _Writer(whoosh_index.open_dir(gen_dir), _lk=False, limitmb=BULK_LIMIT_MB)
        try:
            count = _add_rows(writer, rows_of())
            if not count:
                writer._close_segment()
                return None, 0
            return writer._finalize_segment(), count
        except BaseException:
            writer._close_segment()
            raise


def _add_rows(writer, rows: Iterable[dict], analysed: dict[tuple, Analysed] | None = None) -> int:
    """Index rows, which come document by document; returns paragraphs indexed."""
    count = 0
    for _, same_doc in groupby(rows, key=lambda row: row["doc_id"]):
        docs = [d for d in (document_fields(row, analysed) for row in same_doc) if d is not None]
        for doc, words in zip(docs, _vocabulary_shares(docs)):
            if words:
                doc[WORDS_FIELD] = words
            writer.add_document(**doc)
        count += len(docs)
    return count


def _vocabulary_shares(docs: list[dict]) -> list[dict[str, int]]:
    """For each paragraph of one document, the words (as written) that it is the first
    to use, each with the number of the document's paragraphs that use it (_Vocabulary)."""
    counts: Counter = Counter()
    first: dict[str, int] = {}
    for i, doc in enumerate(docs):
        written = doc["text"].written
        counts.update(written)
        for word in written:
            first.setdefault(word, i)
    shares: list[dict[str, int]] = [{} for _ in docs]
    for word, i in first.items():
        shares[i][word] = counts[word]
    return shares
