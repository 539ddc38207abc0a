"""Criteria a paragraph speaks to: the framework's criterion cues plus the extra cues
in the lexicon, matched like the judgement lexicon, and weighted towards criteria of
the judgement the paragraph was given (so "missing" is exploitation under help and
protection, but risk outside the home under children in care)."""
from __future__ import annotations

import math
from dataclasses import dataclass

from kb import framework

from .lexicon import CRITERION_TERMS
from .scoring import PhraseTable
from .text import tokens

MULTIWORD_CUE_WEIGHT = 2.0
SINGLE_CUE_WEIGHT = 1.5
MIN_SCORE = 2.0          # one clear cue of the paragraph's own judgement
MAX_CRITERIA = 5
SATURATION = 3.0         # score s is reported as s / (s + SATURATION), in 0..1


@dataclass
class CriteriaMatch:
    scores: dict[str, float]          # criterion id -> 0..1, descending
    cues: dict[str, list[str]]        # criterion id -> the phrases that matched


class CriteriaMatcher:
    def __init__(self):
        cues = {c.id: {cue: (MULTIWORD_CUE_WEIGHT if " " in cue else SINGLE_CUE_WEIGHT) for cue in c.cues}
                for c in framework.criteria()}
        self.table = PhraseTable(CRITERION_TERMS, cues, SINGLE_CUE_WEIGHT)
        self.judgement_of = {c.id: c.judgement for c in framework.criteria()}

    def match(self, text: str, judgement: str, judgements: dict[str, float]) -> CriteriaMatch:
        totals: dict[str, float] = {}
        found: dict[str, list[str]] = {}
        for key, count in self.table.count(tokens(text)).items():
            for cid, weight in self.table.weights[key].items():
                owner = self.judgement_of[cid]
                affinity = 1.0 if owner == judgement else 0.5 + 0.5 * judgements.get(owner, 0.0)
                totals[cid] = totals.get(cid, 0.0) + weight * math.sqrt(count) * affinity
                found.setdefault(cid, []).append(key)
        kept = sorted((s, cid) for cid, s in totals.items() if s >= MIN_SCORE)[::-1][:MAX_CRITERIA]
        return CriteriaMatch(
            scores={cid: round(s / (s + SATURATION), 3) for s, cid in kept},
            cues={cid: found[cid] for _, cid in kept},
        )
