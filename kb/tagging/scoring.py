"""Judgement-area scores for a piece of text: the hand-written lexicon (plus the
framework's criterion cues) and, where available, terms learned from inspection reports
whose sections labelled their paragraphs. Both kinds of evidence are kept so that the
tag can say which words produced it."""
from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from indexer.model import ReadError
from kb import framework

from .lexicon import AREA_TERMS
from .text import expand_acronyms, phrase_key, stem, tokens

AREAS = framework.AREAS
# Weight given to a framework cue its judgement's lexicon does not already hold.
FRAMEWORK_CUE_WEIGHT = 1.5
# Learned evidence counts for less than the lexicon, and only in proportion to how many
# reports it came from: from two or three reports it is noise (measured), from dozens not.
LEARNED_SCALE = 0.35
FULL_TRUST_REPORTS = 20
# Softmax temperature turning summed weights into scores that add up to one.
TEMPERATURE = 3.0
# The opening sentence of a paragraph states its theme, and counts more.
TOPIC_SENTENCE_WEIGHT = 1.5
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'])")
# Learned terms must recur: in this many reports and this many paragraphs.
MIN_SOURCES = 2
MIN_PARAGRAPHS = 3
SMOOTHING = 0.5

# Words too common to say anything about an area, in stemmed form like the tokens.
STOPWORDS = frozenset(stem(w) for w in """a about above after again against all also am an and any are as at
be been being before below between both but by can could did do does doing down during each few for from
further had has have having he her here him his how i if in into is it its itself just me more most my no
nor not now of off on once only or other our out over own same she should so some such than that the their
them then there these they this those through to too under until up very was we were what when where which
while who whom why will with would you your""".split())


def learned_features(text: str) -> set[str]:
    """Terms a learned model keeps: content unigrams and adjacent content bigrams."""
    words = [t for t in tokens(text) if t not in STOPWORDS and not t.isdigit() and len(t) > 1]
    return set(words) | {f"{a} {b}" for a, b in zip(words, words[1:])}


@dataclass
class LearnedTerms:
    """Paragraph counts per area and per (term, area), from labelled paragraphs. Only
    these derived counts are kept, never the text they came from."""
    paragraphs: dict[str, int] = field(default_factory=lambda: {a: 0 for a in AREAS})
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    sources: dict[str, int] = field(default_factory=dict)   # term -> reports it occurs in
    reports: int = 0
    _weights: dict[str, dict[str, float]] | None = field(default=None, repr=False)

    def add(self, labelled: list[tuple[str, str]]) -> None:
        """Count (text, area) pairs from one source (a report); areas outside the four
        judgement areas are ignored."""
        seen: set[str] = set()
        for text, area in labelled:
            if area not in AREAS:
                continue
            self.paragraphs[area] = self.paragraphs.get(area, 0) + 1
            for term in learned_features(text):
                per_area = self.counts.setdefault(term, {})
                per_area[area] = per_area.get(area, 0) + 1
                seen.add(term)
        for term in seen:
            self.sources[term] = self.sources.get(term, 0) + 1
        self.reports += 1
        self._weights = None

    @property
    def scale(self) -> float:
        return LEARNED_SCALE * min(1.0, self.reports / FULL_TRUST_REPORTS)

    # Counts add to the lexicon as they are; only a fitted model re-weighs it.
    lexicon_weight: ClassVar[float] = 1.0
    opening_weight: ClassVar[float] = 0.0
    bias: ClassVar[dict[str, float]] = {}

    def weights(self) -> dict[str, dict[str, float]]:
        """Per term, per area: log-probability of the term in the area's paragraphs
        minus its mean over the areas (naive Bayes, centred)."""
        if self._weights is None:
            self._weights = {}
            areas = [a for a in AREAS if self.paragraphs.get(a)]
            if len(areas) >= 2:
                for term, per_area in self.counts.items():
                    if self.sources.get(term, 0) < MIN_SOURCES or sum(per_area.values()) < MIN_PARAGRAPHS:
                        continue
                    logs = {a: math.log((per_area.get(a, 0) + SMOOTHING) / (self.paragraphs[a] + 2 * SMOOTHING))
                            for a in areas}
                    mean = sum(logs.values()) / len(logs)
                    self._weights[term] = {a: v - mean for a, v in logs.items()}
        return self._weights

    def to_json(self) -> dict:
        return {"reports": self.reports, "paragraphs": self.paragraphs, "counts": self.counts,
                "sources": self.sources}

    @classmethod
    def from_json(cls, data: dict) -> "LearnedTerms":
        return cls(dict(data["paragraphs"]), {t: dict(c) for t, c in data["counts"].items()},
                   dict(data["sources"]), int(data["reports"]))

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), sort_keys=True, separators=(",", ":")), "utf-8")

    @classmethod
    def load(cls, path: Path) -> "LearnedTerms":
        try:
            return cls.from_json(json.loads(path.read_text("utf-8")))
        except OSError as exc:
            raise ReadError(f"cannot read learned terms from {path}: {exc.strerror}") from None
        except (ValueError, KeyError, TypeError, AttributeError):
            raise ReadError(f"{path} is not a learned-terms file written by the tagger") from None


@dataclass
class LinearModel:
    """A multinomial logistic regression over the same terms, fitted on labelled reports
    (kb.tagging.train.fit_linear): per term and area a weight, per area a bias, and the
    weights that the lexicon's score of the whole text and of its opening sentence keep
    beside them. Only these numbers are kept, never the text they came from.

    Its logits are in natural units while the scorer divides its sums by TEMPERATURE
    before the softmax, so learned weights and biases count `scale` (= TEMPERATURE) times."""
    terms: dict[str, dict[str, float]]
    bias: dict[str, float]
    lexicon_weight: float
    opening_weight: float
    reports: int
    scale: ClassVar[float] = TEMPERATURE
    KIND: ClassVar[str] = "linear"

    def weights(self) -> dict[str, dict[str, float]]:
        return self.terms

    def to_json(self) -> dict:
        return {"kind": self.KIND, "reports": self.reports, "lexicon_weight": self.lexicon_weight,
                "opening_weight": self.opening_weight, "bias": self.bias, "terms": self.terms}

    @classmethod
    def from_json(cls, data: dict) -> "LinearModel":
        if data.get("kind") != cls.KIND:
            raise KeyError("kind")
        terms = {t: {a: float(w) for a, w in per.items() if a in AREAS} for t, per in data["terms"].items()}
        return cls(terms, {a: float(data["bias"].get(a, 0.0)) for a in AREAS}, float(data["lexicon_weight"]),
                   float(data["opening_weight"]), int(data["reports"]))

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), sort_keys=True, separators=(",", ":")), "utf-8")


def load_learned(path: Path) -> "LearnedTerms | LinearModel":
    """Learned evidence from a file either kind wrote."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise ReadError(f"cannot read learned terms from {path}: {exc.strerror}") from None
    except ValueError:
        raise ReadError(f"{path} is not a learned-terms file written by the tagger") from None
    try:
        return LinearModel.from_json(data) if isinstance(data, dict) and "kind" in data else LearnedTerms.from_json(data)
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ReadError(f"{path} is not a learned-terms file written by the tagger") from None


def _strongest_first(contributions: list[tuple[float, str]]) -> list[str]:
    return list(dict.fromkeys(term for _, term in sorted(contributions, reverse=True)))


def _first_sentence(text: str) -> tuple[str, str]:
    parts = _SENTENCE_END.split(text, maxsplit=1)
    return parts[0], (parts[1] if len(parts) > 1 else "")


class PhraseTable:
    """phrase key -> {label: weight}, matched longest first and without overlap."""

    def __init__(self, terms: dict[str, dict[str, float]], extra: dict[str, dict[str, float]],
                 extra_weight: float):
        """`extra` phrases join a label at `extra_weight` only where `terms` lacks them."""
        self.weights: dict[str, dict[str, float]] = {}
        for label, phrases in terms.items():
            for phrase, weight in phrases.items():
                self.weights.setdefault(phrase_key(phrase), {})[label] = weight
        for label, phrases in extra.items():
            for phrase in phrases:
                self.weights.setdefault(phrase_key(phrase), {}).setdefault(label, extra_weight)
        self.weights.pop("", None)
        # First word -> the lengths in words of the phrases it opens, longest first.
        self.lengths: dict[str, list[int]] = {}
        for key in self.weights:
            words = key.split()
            self.lengths.setdefault(words[0], []).append(len(words))
        for lengths in self.lengths.values():
            lengths.sort(reverse=True)

    def count(self, toks: list[str]) -> Counter:
        """How often each phrase occurs in the tokens."""
        found: Counter = Counter()
        lengths, weights = self.lengths, self.weights
        free_from = 0   # a match's tokens are not the start of another
        for i in [i for i, t in enumerate(toks) if t in lengths]:
            if i < free_from:
                continue
            for n in lengths[toks[i]]:
                if n <= len(toks) - i:
                    key = " ".join(toks[i:i + n])
                    if key in weights:
                        found[key] += 1
                        free_from = i + n
                        break
        return found


@dataclass
class AreaEvidence:
    scores: dict[str, float]                  # area -> probability-like score, sums to 1
    raw: dict[str, float]                     # area -> summed weight before the softmax
    opening: dict[str, float]                 # area -> the part of the lexicon's weight from the opening sentence
    support: dict[str, float]                 # area -> the lexicon's weight for it, as the model weighs it
    learned_support: dict[str, float]         # area -> the weight of the learned terms for it (none against)
    cues: dict[str, list[str]]                # area -> lexicon phrases that counted, strongest first
    learned: dict[str, list[str]]             # area -> learned terms that counted, strongest first
    acronyms: list[tuple[str, str]]
    expanded: str                             # the text with acronym expansions appended


class AreaScorer:
    def __init__(self, learned: LearnedTerms | LinearModel | None = None):
        framework_cues = {j: {cue: FRAMEWORK_CUE_WEIGHT for c in framework.criteria_of(j) for cue in c.cues}
                          for j in AREAS}
        self.table = PhraseTable(AREA_TERMS, framework_cues, FRAMEWORK_CUE_WEIGHT)
        self.learned = learned

    def evidence(self, text: str, heading_text: str = "", heading_weight: float = 2.0) -> AreaEvidence:
        """Scores for the text; words of non-judgement headings (topic headings such as
        'Health' or 'Workforce') count `heading_weight` times."""
        expanded, acronyms = expand_acronyms(text)
        raw = {a: 0.0 for a in AREAS}
        contributions: dict[str, list[tuple[float, str]]] = {a: [] for a in AREAS}
        first, rest = _first_sentence(expanded)
        opening = dict(raw)
        parts = ((first, TOPIC_SENTENCE_WEIGHT), (rest, 1.0), (heading_text, heading_weight))
        for part, (source, factor) in enumerate(parts):
            # Repeats add less: a phrase counts by the square root of its occurrences.
            for key, count in self.table.count(tokens(source)).items():
                for area, weight in self.table.weights[key].items():
                    value = factor * weight * math.sqrt(count)
                    raw[area] += value
                    if part == 0:
                        opening[area] += value
                    contributions[area].append((value, key))
        learned_hits: dict[str, list[tuple[float, str]]] = {a: [] for a in AREAS}
        support = dict(raw)
        learned_support = {a: 0.0 for a in AREAS}
        if self.learned is not None:
            learned = self.learned
            weights, scale = learned.weights(), learned.scale
            support = {a: learned.lexicon_weight * v + learned.opening_weight * opening[a] for a, v in raw.items()}
            raw = {a: v + scale * learned.bias.get(a, 0.0) for a, v in support.items()}
            for term in learned_features(expanded + " . " + heading_text):
                for area, w in weights.get(term, {}).items():
                    raw[area] += scale * w
                    if w > 0:
                        learned_support[area] += scale * w
                        learned_hits[area].append((w, term))
        top = max(raw.values())
        exp = {a: math.exp((v - top) / TEMPERATURE) for a, v in raw.items()}
        total = sum(exp.values())
        return AreaEvidence(
            scores={a: exp[a] / total for a in AREAS},
            raw=raw,
            opening=opening,
            support=support,
            learned_support=learned_support,
            cues={a: _strongest_first(c) for a, c in contributions.items()},
            learned={a: _strongest_first(c) for a, c in learned_hits.items()},
            acronyms=acronyms,
            expanded=expanded,
        )
