"""A linear stance model over a sentence's words and the cue rules' findings.

The weights are learned (see `stance_learn`) from the labels a knowledge base holds for
free: sentences under "What needs to improve?", "Areas for improvement" and
recommendations, under "The local authority's strengths", in judgement sections graded
Outstanding or Inadequate, in an inspection's facts about the area. At run time the model
is a dictionary of weights read from JSON: scoring a sentence is a sum, with no library
to import, and the terms that weighed most are the verdict's explanation."""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .text import normalise, stem

LABELS = ("strength", "development", "context")
FORMAT = 1
SHIPPED = Path(__file__).resolve().parent.parent / "data" / "stance_model.json"

_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+(?:[.,]\d+)*\s?%?")
_STOP = frozenset("the a an of and to in for is are was were be been by on at with that this as it its "
                  "their they them there from or which who has have had".split())


def words(sentence: str) -> list[str]:
    """Lower-case word tokens, lightly stemmed; a number becomes <n>, a percentage <pct>."""
    out = []
    for t in _TOKEN.findall(normalise(sentence).lower()):
        if t[0].isdigit():
            out.append("<pct>" if t.endswith("%") else "<n>")
        else:
            out.append(stem(t))
    return out


def features(sentence: str, rule_features: list[str] = ()) -> list[str]:
    """Unigrams (less function words), bigrams (all words, so "not always" and "too
    few" stay whole) and the rules' own findings, each prefixed so that they cannot
    collide with a word."""
    toks = words(sentence)
    feats = [t for t in toks if t not in _STOP]
    feats += [f"{a}_{b}" for a, b in zip(toks, toks[1:])]
    if toks:
        feats.append("^" + toks[0])
    feats += [f"rule:{r}" for r in rule_features]
    return feats


@dataclass
class StanceModel:
    weights: dict[str, list[float]]     # feature -> one weight per label
    bias: list[float]
    trained_on: dict                    # what it learned from: counts, never text

    def scores(self, feats: list[str]) -> list[float]:
        """Probabilities per label, in LABELS order."""
        a, b, c = self.bias                       # three labels, as load() checks
        weights = self.weights
        for f in set(feats):
            w = weights.get(f)
            if w is not None:
                a += w[0]
                b += w[1]
                c += w[2]
        z = (a, b, c)
        top = max(z)
        e = [math.exp(v - top) for v in z]
        total = sum(e)
        return [v / total for v in e]

    def strongest(self, feats: list[str], label: str, n: int = 3) -> list[str]:
        """The words that pushed most towards `label` against the other labels, as a
        reader would name them: a pair's function words dropped ("the quality" is
        "quality"), each named once; the rules' findings and sentence openings left out."""
        i = LABELS.index(label)
        others = [j for j in range(len(LABELS)) if j != i]
        pushes = []
        weights = self.weights
        for f in set(feats):
            w = weights.get(f)
            if w is not None:
                push = w[i] - max(w[others[0]], w[others[1]])   # three labels, as load() checks
                if push > 0 and not f.startswith(("rule:", "^")):
                    pushes.append((push, f))
        named: list[str] = []
        for _, f in sorted(pushes, reverse=True):
            shown = " ".join(t for t in f.split("_") if t not in _STOP and not t.startswith("<"))
            if shown and len(shown) > 2 and shown not in named:
                named.append(shown)
            if len(named) == n:
                break
        return named

    def to_json(self) -> dict:
        return {"format": FORMAT, "labels": list(LABELS), "bias": self.bias,
                "trained_on": self.trained_on, "weights": self.weights}

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), separators=(",", ":")), "utf-8")

    @classmethod
    def load(cls, path: Path) -> "StanceModel":
        data = json.loads(path.read_text("utf-8"))
        if data.get("format") != FORMAT or data.get("labels") != list(LABELS):
            raise ValueError(f"{path} is not a stance model of format {FORMAT}")
        return cls(data["weights"], data["bias"], data.get("trained_on", {}))


@lru_cache(maxsize=1)
def default_model() -> StanceModel | None:
    """The model shipped with kb (learned from published Ofsted reports), or None when
    it is absent, so that the rules decide alone."""
    return StanceModel.load(SHIPPED) if SHIPPED.exists() else None


def load_model(path: Path) -> StanceModel:
    """A knowledge base's own model (`kb learn`), read once per version of the file."""
    return _load(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int) -> StanceModel:
    return StanceModel.load(Path(path))
