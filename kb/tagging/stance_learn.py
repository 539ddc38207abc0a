"""Learn the stance model from the labels a knowledge base already holds.

An inspection report says, by its layout, what stance much of its text has: the lists
under "What needs to improve?", "Areas for improvement", "... requires improvement
because:" and the recommendations are areas for development; "The local authority's
strengths" are strengths; a judgement section graded Outstanding is mostly strengths and
one graded Inadequate mostly shortfalls; "Children living in this area", "The inspection
team" and "Information about this inspection" are context. Those labels are noisy (a
Good section has its caveats), so they weigh less than a heading's, and a person's
corrected stance, where there is one, weighs most. scikit-learn fits the model; only
its weights are kept."""
from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping

from kb import framework

from .headings import clean_heading, section_grade
from .stance import rules_reading, rule_features, sentence_split
from .stance_model import LABELS, StanceModel, features

# Heading families whose content has one stance, whatever the report's generation.
_DEVELOPMENT_LIST = re.compile(
    r"\bwhat needs to improve\b|\bareas? for (further )?(improvement|development)\b|^recommendations?\b"
    r"|\b(requires?|require) improvement\b.*\bbecause\b|\bis inadequate because\b|\bnot yet good because\b"
    r"|\bpriority and immediate action\b|\bimmediate action\b")
_STRENGTH_LIST = re.compile(r"\bstrengths\b(?! and)|\bis good because\b|\bis outstanding because\b")
_CONTEXT_SECTION = re.compile(
    r"\bin this area\b|\binformation about this (inspection|local authority)|\bthe inspection team\b"
    r"|\b(previous|other) ofsted inspections\b|\bother information about\b|\bbackground\b|\bcontext\b")

HEADING_WEIGHT = 1.0
GRADE_WEIGHT = 0.4
CORRECTION_WEIGHT = 3.0
MIN_WORDS = 5


def paragraph_label(section: list[str] | None, doc_type: str | None, grades: Mapping[str, str],
                    judgement: str | None) -> tuple[str, float] | None:
    """(stance, weight) that a paragraph's place in an inspection report implies, or None."""
    if doc_type not in framework.INSPECTOR_DOC_TYPES:
        return None
    for heading in reversed(section or []):
        text = clean_heading(heading)
        if _DEVELOPMENT_LIST.search(text):
            return "development", HEADING_WEIGHT
        if _STRENGTH_LIST.search(text):
            return "strength", HEADING_WEIGHT
        if _CONTEXT_SECTION.search(text):
            return "context", HEADING_WEIGHT
    grade = section_grade(section, doc_type, grades, judgement)
    if grade in ("outstanding", "good"):
        return "strength", GRADE_WEIGHT
    if grade == "inadequate":
        return "development", GRADE_WEIGHT
    return None


def labelled_sentences(paragraphs: Iterable[Mapping]) -> Iterable[tuple[str, str, float]]:
    """(sentence, stance, weight) from paragraph mappings with "text", "section",
    "doc_type", "grades", "judgement", "kind" and optionally "corrected_stance"."""
    for p in paragraphs:
        if p.get("kind") == "table" or p.get("boilerplate"):
            continue
        corrected = p.get("corrected_stance")
        if corrected in LABELS:
            label = (corrected, CORRECTION_WEIGHT)
        else:
            label = paragraph_label(p.get("section"), p.get("doc_type"), p.get("grades") or {},
                                    p.get("judgement"))
        if label is None:
            continue
        for sentence in sentence_split(p.get("text") or ""):
            if len(sentence.split()) >= MIN_WORDS and (label[1] >= HEADING_WEIGHT or _plausible(sentence, label[0])):
                yield sentence, label[0], label[1]


def _plausible(sentence: str, stance: str) -> bool:
    """Whether a section grade's label can stand for this sentence: a Good section's
    sentence that the rules read as a clear shortfall ("however, a small number ... wait
    too long") is its caveat, and an Inadequate section's clear strength is its
    exception; both are left out rather than taught the wrong way round."""
    r = rules_reading(sentence, None)
    if stance == "strength":
        return not (r.stance == "development" and r.main.development + r.rest.development >= 3)
    if stance == "development":
        return not (r.stance == "strength" and not r.plain)
    return True


def fit(samples: Iterable[tuple[str, str, float]], c: float = 0.1, min_count: int = 2,
        rule_scale: float = 1.0) -> StanceModel:
    """A multinomial logistic regression over `features` (words and rule findings)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    rows, labels, weights = [], [], []
    seen: Counter = Counter()
    for sentence, label, weight in samples:
        feats = features(sentence, rule_features(sentence))
        rows.append(feats)
        labels.append(LABELS.index(label))
        weights.append(weight)
        seen.update(set(feats))
    if len(set(labels)) < len(LABELS):
        missing = [l for i, l in enumerate(LABELS) if i not in labels]
        raise ValueError(f"too few labelled sentences to learn from: none for {', '.join(missing)}")
    # A rule finding's larger value lets it carry more weight under the same penalty:
    # the rules encode what the weak labels are too noisy to teach.
    kept = [{f: (rule_scale if f.startswith("rule:") else 1.0) for f in feats if seen[f] >= min_count}
            for feats in rows]
    vectoriser = DictVectorizer()
    x = vectoriser.fit_transform(kept)
    model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
    model.fit(x, labels, sample_weight=weights)
    coef = model.coef_   # one row per class, in label-index order
    weights_by_feature = {}
    for j, name in enumerate(vectoriser.get_feature_names_out()):
        scale = rule_scale if name.startswith("rule:") else 1.0
        w = [round(float(coef[i, j]) * scale, 3) for i in range(len(LABELS))]
        if max(abs(v) for v in w) >= 0.01:
            weights_by_feature[name] = w
    counts = Counter(LABELS[l] for l in labels)
    return StanceModel(weights_by_feature, [round(float(b), 4) for b in model.intercept_],
                       {"sentences": dict(counts), "features": len(weights_by_feature)})


def store_paragraphs(store, exclude: Iterable[str] = ()) -> Iterator[dict]:
    """The store's paragraphs as `labelled_sentences` reads them: with their document's
    type and grades, and a person's corrected stance where one applies."""
    grades = {d["doc_id"]: d.get("grades") or {} for d in store.documents()}
    corrected = store.corrected_stances()
    skip = set(exclude)
    for p in store.paragraphs(include_boilerplate=False):
        if p["doc_id"] in skip:
            continue
        p["grades"] = grades.get(p["doc_id"], {})
        p["corrected_stance"] = corrected.get((p["doc_id"], p["fingerprint"]))
        yield p


def main(argv: list[str]) -> int:
    import argparse
    from pathlib import Path

    from kb.home import DB_NAME, resolve_home
    from kb.store import Store

    ap = argparse.ArgumentParser(prog="python -m kb.tagging.stance_learn",
                                 description="Learn the stance model from a knowledge base's documents.")
    ap.add_argument("--home", help="the knowledge base to learn from")
    ap.add_argument("--out", required=True, help="where to write the model (JSON)")
    ap.add_argument("--exclude", nargs="*", default=[], help="document ids to leave out")
    args = ap.parse_args(argv)
    store = Store(resolve_home(args.home) / DB_NAME)
    try:
        samples = list(labelled_sentences(store_paragraphs(store, args.exclude)))
    finally:
        store.close()
    try:
        model = fit(samples)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    model.save(Path(args.out))
    counts = ", ".join(f"{n} {label}" for label, n in model.trained_on["sentences"].items())
    print(f"learned from {counts} sentences; {model.trained_on['features']} weighted features -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
