"""Stance of sentences and paragraphs: strength, development or context (and mixed for
a paragraph that holds both). Rules, not a model, so every verdict names its cues:
weighted cue words, negation that flips the cue it governs, contrast that hands the
verdict to the clause after "but"/"however" or to the main clause after "Although ...,",
and a default that reads a plain evaluative statement in an inspection report as a
strength, because that is how inspectors write strengths."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from kb import framework

from . import stance_cues as cues
from .improvement_point import is_improvement_point
from .prefilter import PatternSet
from .stance_model import LABELS, StanceModel, default_model, features
from .text import normalise, stem

_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "mr.", "mrs.", "ms.", "dr.", "no.", "st.", "approx.", "vs.", "cf.")
_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9\u2022])")
_BULLET = re.compile(r"^\s*(?:[\u2022\u25aa\u25fc\u25cf\u2013\-*\u00b7]|\(?[a-z0-9]{1,3}[.)])\s+", re.I)
_LETTER = re.compile(r"[A-Za-z]{2,}")
_WORD = re.compile(r"\S+")
_WORD_REST = re.compile(r"[a-z]*")   # the rest of a word a cue ends inside
_LETTERS = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")


def sentence_split(text: str) -> list[str]:
    """Sentences of a paragraph; list items and table rows (one per line) stay apart.
    Stray paragraph numbers and fragments without words are dropped."""
    out: list[str] = []
    for line in normalise(text).splitlines():
        line = _BULLET.sub("", line.strip())
        start = 0
        for m in _BOUNDARY.finditer(line):
            before = line[start:m.start()].rsplit(None, 1)
            if before and before[-1].lower() in _ABBREVIATIONS:
                continue
            out.append(line[start:m.start()].strip())
            start = m.end()
        out.append(line[start:].strip())
    return [s for s in out if _LETTER.search(s)]


class _CueTable(NamedTuple):
    patterns: PatternSet
    weights: list[float]


@lru_cache(maxsize=1)
def _compiled() -> tuple[_CueTable, _CueTable, PatternSet]:
    dev = _CueTable(PatternSet([p for p, _ in cues.DEVELOPMENT]), [w for _, w in cues.DEVELOPMENT])
    strength = _CueTable(PatternSet([p for p, _ in cues.STRENGTH]), [w for _, w in cues.STRENGTH])
    return dev, strength, PatternSet(cues.CONTEXT)


@dataclass
class _Clause:
    development: float = 0.0
    strength: float = 0.0
    cues: list[str] = field(default_factory=list)

    @property
    def polarity(self) -> str | None:
        if self.development >= 2 and self.development >= 0.5 * self.strength:
            return "development"
        if self.strength >= 0.8 and self.strength > self.development:
            return "strength"
        return None


def _word_end(text: str, start: int, words: int) -> int:
    """Character offset after `words` words from `start`."""
    end = start
    for i, m in enumerate(_WORD.finditer(text, start)):
        if i >= words:
            break
        end = m.end()
    return end


class _Cue(NamedTuple):
    start: int
    end: int
    weight: float
    text: str


def _find(table: _CueTable, clause: str) -> list[_Cue]:
    """Cue matches, less any that lie inside a longer match ("not sufficient" within
    "not sufficiently") or repeat an earlier one's span: one phrase counts once."""
    patterns, weights = table.patterns, table.weights
    # A cue is named by its whole words ("achiev" matched in "achieving" is "achieving").
    found = [_Cue(m.start(), m.end(), weights[i], m.group(0) + _WORD_REST.match(clause, m.end()).group(0))
             for i in patterns.candidates(clause) for m in patterns.pattern(i).finditer(clause)]

    def covered(i: int, c: _Cue) -> bool:
        return any(o.start <= c.start and c.end <= o.end and (o.end - o.start > c.end - c.start or j < i)
                   for j, o in enumerate(found) if j != i)

    return [c for i, c in enumerate(found) if not covered(i, c)]


def _turn_round(dev: list[_Cue], good: list[_Cue], turned: list[_Cue], label: str) -> None:
    """Move shortfall cues that something works against into the strengths."""
    for cue in turned:
        dev.remove(cue)
        good.append(_Cue(cue.start, cue.end, 1.5, label.format(cue.text)))


def _apply_awareness(clause: str, dev: list[_Cue], good: list[_Cue]) -> None:
    """'leaders understand the challenges': awareness of a weakness counts for, not against."""
    for obj in cues.AWARENESS_OBJECTS.finditer(clause):
        if cues.AWARENESS.search(clause[max(0, obj.start() - 60):obj.start()]):
            dev[:] = [d for d in dev if d.end <= obj.start() or d.start >= obj.end()]
            good.append(_Cue(obj.start(), obj.end(), 1.5, "aware of " + obj.group(0)))


def _apply_negation(clause: str, dev: list[_Cue], good: list[_Cue]) -> None:
    """A negator turns round the shortfalls it governs ("no delay or drift"), or else the
    first strength it governs ("not effective"); with neither it still reads as a gap
    ("children are not visited"). A cue holding its own negator ("not always") is
    already a shortfall, and idioms such as "not only" are not negations."""
    blocked = [(m.start(), m.end()) for m in cues.NOT_NEGATION.finditer(clause)]
    # "not so well", "not as strong": the comparative has already read these.
    blocked += [(m.start(), m.end()) for m in cues.LESSER.finditer(clause) if m.group(0).startswith("not")]
    dev[:] = [d for d in dev if not any(s <= d.start < e for s, e in blocked)]
    negators = list(cues.NEGATOR.finditer(clause))
    # Two negators within a few words cancel: "not left without food" is care given.
    doubled = {i for i, (a, b) in enumerate(zip(negators, negators[1:]))
               if len(clause[a.end():b.start()].split()) <= cues.DOUBLE_NEGATION_WINDOW}
    doubled |= {i + 1 for i in doubled}
    for i, neg in enumerate(negators):
        if i in doubled:
            continue
        if any(s <= neg.start() < e for s, e in blocked) or any(d.start == neg.start() for d in dev):
            continue
        end = _word_end(clause, neg.end(), cues.NEGATION_WINDOW)
        governed_dev = [d for d in dev if neg.end() <= d.start < end]
        governed_good = [g for g in good if neg.end() <= g.start < end]
        if governed_dev and (not governed_good or min(governed_dev) <= min(governed_good)):
            _turn_round(dev, good, governed_dev, neg.group(0) + " {}")
        elif governed_good:
            flipped = min(governed_good)
            good.remove(flipped)
            dev.append(_Cue(flipped.start, flipped.end, 3, f"{neg.group(0)} {flipped.text}"))
        else:
            dev.append(_Cue(neg.start(), neg.end(), 2, neg.group(0)))


def _apply_lesser(clause: str, dev: list[_Cue], good: list[_Cue]) -> None:
    """'less rigorous' is a shortfall, 'less delay' progress; the cue right after decides."""
    for m in cues.LESSER.finditer(clause):
        end = _word_end(clause, m.end(), cues.LESSER_WINDOW)
        governed_good = [g for g in good if m.end() <= g.start < end]
        governed_dev = [d for d in dev if m.end() <= d.start < end]
        if governed_good and not governed_dev:
            flipped = min(governed_good)
            good.remove(flipped)
            dev.append(_Cue(flipped.start, flipped.end, 3, f"{m.group(0)} {flipped.text}"))
        elif governed_dev and not governed_good:
            _turn_round(dev, good, governed_dev, m.group(0) + " {}")


def _apply_reversals(clause: str, dev: list[_Cue], good: list[_Cue]) -> None:
    """Shortfalls being reduced ("helping to reduce drift") or reported as falling
    ("changes of social worker have reduced") are progress."""
    for m in cues.MITIGATOR.finditer(clause):
        end = _word_end(clause, m.end(), cues.MITIGATION_WINDOW)
        _turn_round(dev, good, [d for d in dev if m.end() <= d.start < end], m.group(0) + " {}")
    for m in cues.FALLING.finditer(clause):
        before = [d for d in dev if m.start() - cues.FALLING_WINDOW <= d.start < m.start()]
        _turn_round(dev, good, before, "{} " + m.group(0))


def _score_clause(clause: str) -> _Clause:
    dev_table, strength_table, _ = _compiled()
    dev = _find(dev_table, clause)
    # A strength word inside a shortfall phrase ("not fully", "not good enough") is part of it.
    good = [g for g in _find(strength_table, clause) if not any(d.start <= g.start < d.end for d in dev)]
    _apply_awareness(clause, dev, good)
    _apply_lesser(clause, dev, good)
    _apply_negation(clause, dev, good)
    _apply_reversals(clause, dev, good)
    result = _Clause()
    for cue in sorted(dev):
        result.development += cue.weight
        result.cues.append(cue.text)
    for cue in sorted(good):
        result.strength += cue.weight
        result.cues.append("+" + cue.text)
    return result


def _split_contrast(sentence: str) -> tuple[str, str, str | None, bool]:
    """(before, verdict clause, contrast word, whether it opens the sentence). A
    concessive opening hands the verdict to the main clause after the first comma;
    otherwise the last contrast marker does."""
    opening = cues.CONCESSIVE_OPENING.match(sentence)
    if opening:
        word = opening.group(0).strip()
        if word in ("however", "nonetheless", "nevertheless", "but"):
            return "", sentence[opening.end():], word, True
        comma = sentence.find(",", opening.end())
        if comma != -1:
            return sentence[:comma], sentence[comma + 1:], word, True
        return "", sentence, None, False
    marks = list(cues.CONTRAST_AFTER.finditer(sentence))
    if not marks:
        return "", sentence, None, False
    last = marks[-1]
    return sentence[:last.start()], sentence[last.end():], last.group(0).strip(" ,;:"), False


@dataclass
class _Reading:
    """What the rules found in one sentence: the verdict and the facts behind it."""
    stance: str
    cues: list[str]
    main: _Clause
    rest: _Clause
    contrast: str | None
    numbers: int
    described: bool          # any hint of description, a figure included
    structural: bool         # description proper: what there is, who does what, what is planned
    authority: bool          # the sentence is from the authority's own document
    plain: bool = False
    settled: bool = False    # the sentence's form settles it: an improvement point, a grade's definition

    @property
    def unweighed(self) -> bool:
        """No shortfall cue and no more than a faint strength word ("specific", "includes")."""
        return (not (self.main.development or self.rest.development)
                and self.main.strength + self.rest.strength < cues.FAINT_STRENGTH)


def rules_reading(sentence: str, doc_type: str | None) -> _Reading:
    """What the cue rules make of one sentence, with the facts behind their verdict."""
    text = re.sub(r"\s+", " ", normalise(sentence).lower()).strip()
    before, verdict, contrast, opening = _split_contrast(text)
    main = _score_clause(verdict)
    rest = _score_clause(before) if before else _Clause()
    found = ([f"contrast: {contrast}"] if contrast else []) + rest.cues + main.cues
    numbers = len(cues.NUMBER.findall(text))
    _, _, context = _compiled()
    found_context = [(i, m.group(0)) for i in context.candidates(text) for m in (context.pattern(i).search(text),) if m]
    described = [phrase for _, phrase in found_context]
    structural = any(i < len(cues.DESCRIPTION) for i, _ in found_context)
    authority = doc_type is not None and doc_type not in framework.INSPECTOR_DOC_TYPES

    def reading(stance: str, shown: list[str], plain: bool = False) -> _Reading:
        return _Reading(stance, shown, main, rest, contrast, numbers, bool(described), structural, authority, plain)

    if cues.GRADE_DEFINITION.match(text):
        r = reading("context", ["the framework describing a grade"])
        r.settled = True
        return r
    if is_improvement_point(text):
        r = reading("development", ["improvement point: names a topic, no finding"])
        r.settled = True
        return r
    scope = cues.SCOPE_OPENING.match(text) if not contrast else None
    if scope and "," in text:
        # "Where caseloads were higher, oversight has been strong": the opening names
        # the circumstance; the main clause, when it judges, carries the verdict.
        comma = text.index(",")
        in_scope = _score_clause(text[comma + 1:])
        if in_scope.polarity:
            return reading(in_scope.polarity, [f"circumstance: {scope.group(0).strip()}"] + in_scope.cues)
    if numbers >= cues.STATISTICS_MIN_NUMBERS and max(
            rest.development + main.development, rest.strength + main.strength) < cues.STRONG_CUE:
        return reading("context", found + ["statistics"])
    if contrast and not opening and cues.CONCESSIVE_MIDDLE.match(contrast) and "development" in (
            rest.polarity, main.polarity):
        return reading("development", found)
    if structural and not (rest.development or main.development) and (
            rest.strength + main.strength < cues.FAINT_STRENGTH):
        return reading("context", found + described)
    if main.polarity:
        return reading(main.polarity, found)
    if contrast and (rest.polarity or cues.HEDGE.search(verdict) or not before):
        # The clause after a contrast carries no cue of its own: the contrast itself
        # marks it as the caveat ("Most plans are good, but a small number ...").
        return reading("development", found)
    whole = _Clause(rest.development + main.development, rest.strength + main.strength)
    if whole.polarity:
        return reading(whole.polarity, found)
    if whole.development >= 1 and not whole.strength:
        return reading("development", found)
    if described or authority or cues.FIGURE.search(text) or numbers >= 2:
        return reading("context", found + described)
    return reading("strength", found + ["plain statement"], plain=True)


def rule_stance(sentence: str, doc_type: str | None = None) -> tuple[str, list[str]]:
    """(stance, cues) for one sentence by the rules alone: stance is strength,
    development or context; cues name what decided it ("+" marks a strength cue; "not
    effective" a negated one)."""
    r = rules_reading(sentence, doc_type)
    return r.stance, r.cues


def rule_features(sentence: str, doc_type: str | None = None) -> list[str]:
    """The rules' findings as features for the learned model: their verdict, how strong
    each side's cues were, and the contrast, hedging, figures and description seen."""
    return _features_of(rules_reading(sentence, doc_type))


def _features_of(r: _Reading) -> list[str]:
    dev = r.main.development + r.rest.development
    good = r.main.strength + r.rest.strength
    out = ["plain" if r.plain else f"verdict={r.stance}"]
    out += [f"dev>={t}" for t in (2, 4, 6) if dev >= t]
    out += [f"str>={t}" for t in (1.5, 3, 5) if good >= t]
    if r.contrast:
        out.append("contrast")
        if r.main.polarity:
            out.append(f"after-contrast={r.main.polarity}")
    if r.numbers:
        out.append("numbers>=3" if r.numbers >= 3 else "numbers")
    if r.described:
        out.append("described")
    return out


# Below this probability the learned model has no majority for any label.
MAJORITY = 0.5


class Verdict(NamedTuple):
    stance: str
    cues: list[str]          # the rules' cues, then "learned: ..." terms
    confidence: float        # the model's probability of `stance`; the rules' verdicts count as sure


def sentence_verdict(sentence: str, doc_type: str | None = None,
                     model: StanceModel | None | bool = True) -> Verdict:
    """One sentence's stance: the learned model over its words and the rules' findings,
    or the rules alone where there is no model (`model=False`, or none shipped)."""
    r = rules_reading(sentence, doc_type)
    if model is True:
        model = default_model()
    if r.settled:
        # Its form judges it (a verbless improvement point, a grade's definition),
        # whatever words it holds.
        return Verdict(r.stance, r.cues, 1.0)
    if not model or (r.stance == "context" and r.unweighed and (r.structural or r.authority)):
        # No model, or a description with not one evaluative word ("there are five
        # teams", "inspectors met care leavers", an authority's account of itself):
        # stance is a judgement, and there is none to learn from. A bare figure is left
        # to the model: in an inspector's sentence "97% of care leavers live in suitable
        # homes" is a strength.
        return Verdict(r.stance, r.cues, 1.0)
    feats = features(sentence, _features_of(r))
    dev = r.main.development + r.rest.development
    if r.stance == "development" and dev >= cues.STRONG_CUE and r.main.strength + r.rest.strength < cues.FAINT_STRENGTH:
        # A clear shortfall ("too long", "not always") with no word of strength beside it:
        # word statistics do not overrule it, though they still say what they learned.
        return Verdict(r.stance, r.cues + _learned(model, feats, r.stance, sentence), 1.0)
    probs = model.scores(feats)
    best = max(range(len(LABELS)), key=probs.__getitem__)
    stance = LABELS[best]
    if probs[best] < MAJORITY and not r.plain:
        # The words leave the model without a majority: the cues the rules found decide.
        return Verdict(r.stance, r.cues, round(probs[LABELS.index(r.stance)], 3))
    shown = [c for c in r.cues if c != "plain statement" or stance == "strength"]
    if stance != r.stance:
        shown.append(f"rules said {r.stance}")
    return Verdict(stance, shown + _learned(model, feats, stance, sentence), round(probs[best], 3))


def _learned(model: StanceModel, feats: list[str], stance: str, sentence: str) -> list[str]:
    """["learned: a, b, c"]: the model's strongest terms for `stance` in the sentence's
    own words, or nothing when none weighs."""
    terms = model.strongest(feats, stance, 3)
    if not terms:
        return []
    written = _written_forms(sentence)
    return ["learned: " + ", ".join(" ".join(written.get(t, t) for t in term.split()) for term in terms)]


def _written_forms(sentence: str) -> dict[str, str]:
    """Each word of the sentence by its stem, so that a learned term ("not alway") is
    named in the words the sentence uses ("not always")."""
    written = {}
    for w in reversed(_LETTERS.findall(normalise(sentence))):
        written[stem(w.lower())] = w.lower()
    return written


def sentence_stance(sentence: str, doc_type: str | None = None) -> tuple[str, list[str]]:
    """(stance, cues) of one sentence, as the tagger decides it."""
    v = sentence_verdict(sentence, doc_type)
    return v.stance, v.cues


# A sentence counts as a clear strength or shortfall for `mixed` at this confidence.
CLEAR = 0.7


def paragraph_stance(verdicts: list[tuple[str, float]]) -> str:
    """A paragraph's stance from its sentences' (stance, confidence): mixed only when it
    holds both a clear strength and a clear area for development; otherwise the side
    with more weight, and context when neither side has any."""
    clear = {s for s, c in verdicts if c >= CLEAR}
    if "strength" in clear and "development" in clear:
        return "mixed"
    weight = {"strength": 0.0, "development": 0.0}
    for stance, confidence in verdicts:
        if stance in weight:
            weight[stance] += confidence
    if not any(weight.values()):
        return "context"
    # A tie goes to development: a caveat is what a reader must not miss.
    return max(("development", "strength"), key=weight.get)
