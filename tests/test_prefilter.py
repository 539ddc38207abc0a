"""kb.tagging.prefilter: the texts a regex cannot match without, and the pattern set
that runs a regex only where one of them is present."""
import random
import re

import pytest

from kb.tagging import stance_cues
from kb.tagging.prefilter import PatternSet, required_texts


@pytest.mark.parametrize("pattern, texts", [
    (r"patchy", ("patchy",)),
    (r"\bdelay(s|ed)?\b", ("delay",)),                        # an optional group is not required
    (r"shortfalls?", ("shortfall",)),                          # nor a quantified character
    (r"\bcommitt?(ed|ment)\b", ("commit",)),
    (r"\bcannot\b|\bcan't\b", ("cannot", "can't")),            # one per alternative
    (r"\b(wide|broad|good) (range|variety)\b", ("range", "variety")),   # the rarer (longer) group
    (r"(over)?[- ]?relian(t|ce) on", ("relian",)),
    (r"\bwell\b(?![- ]?being)", ("well",)),                    # a lookahead claims nothing
    (r"\bper 10,?000\b", ("per 10",)),
    (r"\brecogni[sz]ed\b", ("recogni",)),                      # a class ends a run
    (r"(?i)plans", ()),                                        # inline flags: cannot tell
    (r"\d+", ()),                                              # no plain text at all
    (r"plans?|", ()),                                          # an empty alternative matches anything
])
def test_required_texts(pattern, texts):
    assert required_texts(pattern) == texts


SENTENCES = [
    "not all children are seen in a timely way, and delays persist",
    "leaders understand the challenges and have a tight grip on performance",
    "plans are not consistently updated; some are out of date or overdue",
    "care leavers benefit from a wide range of support, which is child-centred",
    "there are 42 children in care, 12% of whom live out of area, per 10,000 children",
    "high caseloads and staff turnover remain high, which is of concern",
    "ensure that return home interviews are completed within timescales",
    "the over-reliance on agency staff has reduced and practice is well-being focused",
]
CUE_PATTERNS = ([p for p, _ in stance_cues.DEVELOPMENT] + [p for p, _ in stance_cues.STRENGTH]
                + list(stance_cues.CONTEXT))


def example(pattern: str, rng: random.Random) -> str:
    """A string the pattern may match: each alternative, repeat and class member picked at
    random. (Read off Python's own regex parser, which is private: fine for a test.)"""
    return _emit(re._parser.parse(pattern), rng)


def _emit(items, rng) -> str:
    out = []
    for op, arg in items:
        kind = str(op)
        if kind == "LITERAL":
            out.append(chr(arg))
        elif kind == "IN":
            out.append(_member(arg))
        elif kind in ("ANY", "NOT_LITERAL"):
            out.append("z")
        elif kind == "BRANCH":
            out.append(_emit(rng.choice(arg[1]), rng))
        elif kind == "SUBPATTERN":
            out.append(_emit(arg[3], rng))
        elif kind in ("MAX_REPEAT", "MIN_REPEAT"):
            low, high, sub = arg
            out.extend(_emit(sub, rng) for _ in range(rng.randint(low, min(high, low + 2))))
        # anchors, word boundaries and lookarounds match no text of their own
    return "".join(out)


def _member(members) -> str:
    kind, value = members[0]
    if str(kind) == "NEGATE":        # [^.;] and the like: a space is outside them all
        return " "
    if str(kind) == "RANGE":
        return chr(value[0])
    if str(kind) == "CATEGORY":
        return {"CATEGORY_DIGIT": "7", "CATEGORY_SPACE": " "}.get(str(value), "a")
    return chr(value)


@pytest.mark.parametrize("pattern", CUE_PATTERNS)
def test_every_match_of_a_cue_holds_one_of_its_required_texts(pattern):
    rng = random.Random(pattern)
    texts = required_texts(pattern)
    assert texts, "every cue pattern has something to screen by"
    # Each example inside a sentence, and alone for the cues anchored at a sentence's start.
    examples = [example(pattern, rng) for _ in range(20)]
    sentences = SENTENCES + [f"we saw that {e} in practice" for e in examples] + examples
    matched = 0
    for sentence in sentences:
        for m in re.finditer(pattern, sentence):
            matched += 1
            assert any(t in m.group(0) for t in texts), (pattern, m.group(0))
    assert matched


def test_pattern_set_offers_exactly_the_patterns_that_match():
    patterns = CUE_PATTERNS
    screened = PatternSet(patterns)
    for sentence in SENTENCES:
        offered = screened.candidates(sentence)
        assert offered == sorted(offered)
        matching = [i for i, p in enumerate(patterns) if re.search(p, sentence)]
        assert set(matching) <= set(offered)


def test_pattern_set_finds_required_texts_that_overlap_or_nest():
    # "wait" lies inside "waiting list", "not " inside "not always" and "cannot always".
    screened = PatternSet([r"\bwait(s|ed)?\b", r"\bwaiting lists?\b", r"not always", r"\bnot (all|every)\b"])
    assert screened.candidates("the waiting list is long") == [0, 1]
    assert screened.candidates("visits cannot always happen") == [2, 3]
    assert screened.candidates("it is not clear") == [3]
    assert screened.candidates("plans are good") == []


def test_pattern_set_always_runs_a_pattern_with_no_required_text():
    screened = PatternSet([r"\d+", r"timely"])
    assert screened.candidates("no numbers here") == [0]
    assert [screened.pattern(i).search("seen in 3 days") is not None
            for i in screened.candidates("seen in 3 days")] == [True]
