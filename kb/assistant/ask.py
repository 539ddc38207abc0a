"""Answering a question by selecting evidence, never by writing it: retrieve paragraphs,
cut them into sentences, score each sentence against the question, and lay out a short
extractive summary, the evidence for, the evidence against and the figures, every
sentence verbatim with its source."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from kb import framework
from kb.grades import type_name
from kb.assistant import scope
from kb.assistant.blocks import cite_text
from kb.assistant.grade_answer import asks_for_grades, grade_items
from kb.assistant.improvement_points import asks_for_improvements, newest_points, under_improvement_heading
from kb.assistant.question import Understanding, criterion_scores, understand
from kb.assistant.retrieve import rarity, retrieve
from kb.assistant.sentences import is_statement, public, sentence_items, years_covered
from kb.assistant.summarise import select, terms_of
from kb.tagging.text import normalise

SUMMARY = 3            # sentences in the summary
SUMMARY_MAX_WORDS = 60 # longer "sentences" (a table row, a run-on list) stay out of the summary
PER_LIST = 6           # sentences for, against, and figures
SEARCH_LIMIT = 30      # paragraphs from the question's own search
CRITERION_LIMIT = 15   # paragraphs from each matched criterion's search
# A sentence is shown at or above this relevance (0..1), and this share of the best one's
# of its voice (inspectors, authority).
SHOWN = 0.2
SHOWN_SHARE = 0.4
# A sentence answers the question when it covers this share of the question's (weighted)
# words; one that covers this lesser share and is on a criterion the question names bears
# on it. An answer needs one sentence that answers or ENOUGH that bear on the question,
# or it says the knowledge base holds too little.
ON_POINT = 0.5
ON_POINT_CRITERION = 0.25
ENOUGH = 2
# Words that frame a question rather than name its subject ("how has X responded to the
# findings on ...") count for this much of a subject word.
FRAMING_WORDS = ("respond responded response findings finding found evidence improving improve improved "
                 "improvement progress know show shows say said tell doing happening change changed "
                 "difference effective working long take takes taken often")
FRAMING_WEIGHT = 0.35
# A question word counts for a sentence holding a word with the same first PREFIX letters
# at PREFIX_CREDIT, and for a sentence under a heading that holds it at HEADING_CREDIT.
PREFIX = 6
PREFIX_CREDIT = 0.8
HEADING_CREDIT = 0.5
# Sentences this similar (rapidfuzz ratio, 0..100) say the same thing: a list repeated in
# an appendix, a finding quoted back in a response.
NEAR_DUPLICATE = 90
# Relevance a sentence gains for being the newest held (0 for the oldest, linearly between).
RECENCY = 0.08
# Sentences within this much relevance of each other are shown newest first.
RELEVANCE_BAND = 0.15


@dataclass
class Answer:
    question: str
    understood: Understanding
    summary: list[dict] = field(default_factory=list)
    evidence_for: list[dict] = field(default_factory=list)
    evidence_against: list[dict] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)
    criteria_touched: list[dict] = field(default_factory=list)
    enough: bool = False
    message: str = ""

    def cited(self) -> list[dict]:
        """Every sentence the answer shows, once each."""
        seen, out = set(), []
        for item in self.summary + self.evidence_for + self.evidence_against + self.figures:
            key = (item["paragraph_id"], item["text"])
            if key not in seen:
                seen.add(key)
                out.append(item)
        return out

    def to_dict(self) -> dict:
        return {"question": self.question, "understood": self.understood.to_dict(),
                "summary": [public(i) for i in self.summary], "for": [public(i) for i in self.evidence_for],
                "against": [public(i) for i in self.evidence_against], "figures": [public(i) for i in self.figures],
                "criteria_touched": self.criteria_touched, "enough": self.enough, "message": self.message}

    def to_text(self) -> str:
        lines = [self.question, ""]
        u = self.understood
        about = ", ".join(c["criterion"] for c in self.criteria_touched if c["from_question"]) or "no one criterion"
        lines.append(f"Understood: {about}; looking for evidence {_INTENT_WORDS[u.intent]}"
                     + (f"; {u.ours}" if u.ours else f"; {u.authority}" if u.authority else "")
                     + (f"; years {u.year_from or '…'}-{u.year_to or '…'}" if u.years else ""))
        if self.message:
            lines += ["", self.message]
        for label, items in (("Summary", self.summary), ("Evidence for", self.evidence_for),
                             ("Evidence against", self.evidence_against), ("Figures", self.figures)):
            if not items:
                continue
            lines += ["", f"{label}:"]
            for i in items:
                lines.append(f"  - {' '.join(i['text'].split())}")
                if label == "Figures" and i.get("measures"):
                    lines.append(f"      {'; '.join(i['measures'])}" + (f" ({i['period']})" if i.get("period") else ""))
                lines.append(f"      {cite_text(i)}")
        others = [c["criterion"] for c in self.criteria_touched if not c["from_question"]]
        if others:
            lines += ["", "Criteria the evidence also touches: " + ", ".join(others)]
        return "\n".join(lines)


_INTENT_WORDS = {"for": "for", "against": "against", "both": "for and against"}


def ask(kb, question: str, *, authority: str | None = None) -> Answer:
    """Answer a question from the knowledge base. `authority` narrows the answer to one
    authority's documents; so does a question that names a held authority, and one that
    says "we" or "our" (to our authority, kb.our_authority); one naming an authority not held
    is answered with that.
    Raises ValueError for an authority the knowledge base does not hold."""
    u = scope.understand_question(kb.store, question, authority)
    answer = Answer(question, u)
    if u.not_held:
        answer.message = u.not_held
        return answer
    if question.strip() and asks_for_grades(question):
        return _grades_answer(kb, answer)
    if not question.strip() or not (u.terms or u.criteria):
        answer.message = "The question names nothing to look for; ask about a service, a criterion or a group of children."
        return answer
    paragraphs, scores = _retrieve(kb, u)
    candidates = _candidates(kb, paragraphs, scores, u)
    # Each voice is measured against its own best sentence, so that inspectors' findings
    # do not crowd out the authority's account of its response (or the reverse).
    top = {c["voice"]: c["relevance"] for c in reversed(candidates)}
    shown = [c for c in candidates if c["relevance"] >= max(SHOWN, SHOWN_SHARE * top[c["voice"]])]
    on_point = [c for c in shown if _on_point(c)]
    answer.enough = len(on_point) >= ENOUGH or any(c["coverage"] >= ON_POINT for c in on_point)
    # With too little to answer, only what is on point is shown, beside the message.
    _fill(answer, shown if answer.enough else on_point, u)
    points = _lead_with_improvement_points(kb, answer) if asks_for_improvements(question) else None
    answer.criteria_touched = _criteria_touched(u, answer.cited(), paragraphs)
    answer.message = points or _message(answer, len(on_point))
    return answer


def _grades_answer(kb, answer: Answer) -> Answer:
    """A grade question: the latest inspection's grades (kb.grades), each cited to its report."""
    u = answer.understood
    answer.summary, answer.message = grade_items(kb.store, u.scope, u.judgements)
    answer.enough = bool(answer.summary)
    return answer


def _lead_with_improvement_points(kb, answer: Answer) -> str | None:
    """For "what needs to improve?": the newest inspection's own list of what needs to
    improve leads the evidence against, in the report's order (the points on what the
    question names first), followed by the newest other evidence against; an older
    report's list, superseded, is left out, and evidence for is left empty. Returns the
    message saying where the points come from, or None when no report in scope has them
    (or the scope is every authority, when the newest report may be anyone's)."""
    u = answer.understood
    names = [u.scope] if isinstance(u.scope, str) else list(u.scope or ())
    if not names and len(scope.authorities(kb.store)) > 1:
        return None
    found = [newest_points(kb.store, name) for name in names or [None]]
    found = [(doc, points) for doc, points in found if points]
    if not found:
        return None
    points: list[dict] = []
    for _, listed in found:
        on_topic = [p for p in listed if set(p["paragraph_criteria"]) & set(u.criteria)
                    or p.get("judgement") in u.judgements]
        points += on_topic + [p for p in listed if p not in on_topic]
    sources = {doc["doc_id"] for doc, _ in found}
    others = [c for c in answer.summary + answer.evidence_against if c["stance"] == "development"
              and not (c["doc_id"] not in sources and c["voice"] == "inspectors" and under_improvement_heading(c))]
    answer.evidence_against = _distinct(points + _newest_first(others))[:max(PER_LIST, len(points))]
    answer.summary, answer.evidence_for = [], []
    answer.figures = [c for c in answer.figures if c["stance"] == "development"] if u.wants_figures else []
    answer.enough = True
    described = "; ".join(f"{doc.get('authority') or 'the authority'}'s {type_name(doc.get('doc_type') or '')} of {doc.get('date') or 'undated'} "
                          f"lists {sum(p['doc_id'] == doc['doc_id'] for p in points)}" for doc, _ in found)
    more = len(answer.evidence_against) > len(points)
    lead = ("What the newest inspection says needs to improve, from its own list"
            if all(doc.get("doc_type") in framework.INSPECTOR_DOC_TYPES for doc, _ in found)
            else "No inspection report held lists what needs to improve; from the newest list held instead")
    return f"{lead} ({described})" + (", then the newest other evidence against." if more else ".")


def _retrieve(kb, u: Understanding) -> tuple[dict[str, dict], dict[str, float]]:
    """Paragraphs from a search on the question's words, and from searches within each
    criterion it names; each paragraph's best score, 1.0 for the best of its search. A
    misspelt question is searched as corrected, and understood so."""
    # The words as typed: the query parser widens acronyms itself.
    query = " ".join(u.words) or " ".join(framework.criterion(c).title for c in u.criteria)
    # Years are checked here, not in the index: a self-evaluation for "2023-24" has a
    # period but no date, and the index knows only dates.
    widen = 2 if u.years else 1
    main = retrieve(kb, query, authority=u.scope, limit=SEARCH_LIMIT * widen)
    if main.corrected:
        u.correct_words(main.corrected)
        query = main.corrected
    runs = [main] + [retrieve(kb, query, authority=u.scope, criterion=c, limit=CRITERION_LIMIT * widen)
                     for c in u.criteria[:2]]
    scores: dict[str, float] = {}
    for run in runs:
        for pid, score in run.scores.items():
            scores[pid] = max(scores.get(pid, 0.0), score)
    paragraphs = {pid: p for pid, p in kb.store.paragraphs_by_id(list(scores)).items() if _in_years(p, u)}
    return paragraphs, scores


def _in_years(p: dict, u: Understanding) -> bool:
    """Whether the paragraph's document speaks for the years asked about. One year named
    alone ("the 2016 update") also admits the years either side: papers are often dated
    in the year before or after the one they are known by."""
    if not u.years:
        return True
    span = years_covered(p)
    if span is None:
        return False
    low, high = u.year_from, u.year_to
    if low is not None and low == high:
        low, high = low - 1, high + 1
    return (low is None or span[1] >= low) and (high is None or span[0] <= high)


def _candidates(kb, paragraphs: dict[str, dict], scores: dict[str, float], u: Understanding) -> list[dict]:
    """Every sentence of the retrieved paragraphs with its relevance to the question (0..1):
    how much of the question's vocabulary it covers (words rarer in the knowledge base
    count more, words that only frame a question less), phrases of the question it
    repeats, its paragraph's search score, whether it or its paragraph is on a criterion
    the question names, recency, and whether it speaks with the voice asked for."""
    # A heading, a label, a fragment or a table's row run together is not a statement to
    # quote; a sentence that points back comes with the one before it.
    items = [dict(i, paragraph_score=scores[pid], paragraph_criteria=list(p.get("criteria") or {}))
             for pid, p in paragraphs.items() for i in sentence_items(p, whole=True) if is_statement(i["text"])]
    if not items:
        return []
    wanted = list(dict.fromkeys(t for term in u.terms for t in terms_of(term)))
    framing = _framing_terms()
    weight = {t: idf * (FRAMING_WEIGHT if t in framing else 1.0) for t, idf in rarity(kb, wanted).items()}
    total = sum(weight.values()) or 1.0
    pairs = _question_pairs(u)
    years = [int(i["date"][:4]) for i in items if i.get("date")]
    oldest, newest = (min(years), max(years)) if years else (0, 0)
    for item in items:
        words = terms_of(item["text"])
        heading = set(terms_of(" ".join(item["section"])))
        coverage = sum(weight[t] * _found(t, set(words), heading) for t in wanted) / total
        joined = {" ".join(words[k:k + 2]) for k in range(len(words) - 1)}
        phrase = min(0.3, 0.15 * sum(1 for pair in pairs if pair in joined))
        on_criterion = any(c in item["paragraph_criteria"] for c in u.criteria) or \
            any(c in criterion_scores(item["text"]) for c in u.criteria)
        recency = (int(item["date"][:4]) - oldest) / (newest - oldest) if item.get("date") and newest > oldest else 0.0
        item["coverage"], item["on_criterion"] = coverage, on_criterion
        score = 0.55 * coverage + 0.15 * item["paragraph_score"] + 0.15 * on_criterion + phrase + RECENCY * recency
        if u.voice:
            score *= 1.2 if item["voice"] == u.voice else 0.7
        item["relevance"] = min(1.0, score)
    items.sort(key=lambda i: -i["relevance"])
    return items


def _found(term: str, words: set[str], heading: set[str]) -> float:
    """How far a question's (stemmed) term is found for a sentence: in its words (1), in a
    word of the same first letters, where the stemmer parts relatives ("responded" and
    "response", "timeliness" and "timelines") (PREFIX_CREDIT), or only in the headings
    it sits under (HEADING_CREDIT)."""
    if term in words:
        return 1.0
    prefix = term[:PREFIX] if len(term) >= PREFIX else None
    if prefix and any(w.startswith(prefix) for w in words):
        return PREFIX_CREDIT
    if term in heading or (prefix and any(w.startswith(prefix) for w in heading)):
        return HEADING_CREDIT
    return 0.0


def _on_point(item: dict) -> bool:
    return item["coverage"] >= ON_POINT or (item["on_criterion"] and item["coverage"] >= ON_POINT_CRITERION)


@lru_cache(maxsize=1)
def _framing_terms() -> frozenset[str]:
    return frozenset(terms_of(FRAMING_WORDS))


def _question_pairs(u: Understanding) -> set[str]:
    """Adjacent content words of the question ("management oversight"): a sentence that
    repeats them is more likely on point than one that has both words apart."""
    words = terms_of(" ".join(u.terms))
    return {" ".join(words[k:k + 2]) for k in range(len(words) - 1)}


def _fill(answer: Answer, shown: list[dict], u: Understanding) -> None:
    """Summary by MMR over the most relevant sentences (leaning to the side the question
    asks about); then for, against and figures, most relevant first. Unless the question
    asks for one voice, each part gives inspectors' findings and the authority's own
    account their share when both are there. A sentence a document repeats word for word,
    or nearly, is shown once."""
    shown = _distinct(shown)
    summary: list[dict] = []
    if answer.enough:
        lean = {"for": "strength", "against": "development"}.get(u.intent)
        pool = [c for c in shown if len(c["text"].split()) <= SUMMARY_MAX_WORDS][:25]
        weights = [c["relevance"] * (1.2 if lean and c["stance"] == lean else 1.0) for c in pool]
        chosen = [pool[i] for i in select([c["text"] for c in pool], weights, SUMMARY)]
        summary = chosen if u.voice else _with_both_voices(chosen, pool)
        answer.summary = _newest_first(summary)
    # Each sentence is shown once: the summary's are not repeated in the lists below it.
    said = {_key(c) for c in summary}
    rest = [c for c in shown if _key(c) not in said]
    limit = PER_LIST if u.wants_figures else PER_LIST // 2
    answer.figures = _newest_first(_balanced(_unrepeated([c for c in rest if c["figure"]], limit * 3), limit, u))
    said |= {_key(c) for c in answer.figures}
    rest = [c for c in rest if _key(c) not in said]
    answer.evidence_for = _newest_first(
        _balanced(_unrepeated(_one_per_paragraph([c for c in rest if c["stance"] == "strength"]), PER_LIST * 3),
                  PER_LIST, u))
    answer.evidence_against = _newest_first(
        _balanced(_unrepeated(_one_per_paragraph([c for c in rest if c["stance"] == "development"]), PER_LIST * 3),
                  PER_LIST, u))


def _with_both_voices(chosen: list[dict], pool: list[dict]) -> list[dict]:
    """The summary, its last sentence swapped for the best of the other voice when all
    of it speaks with one voice and the pool holds the other."""
    voices = {c["voice"] for c in chosen}
    if len(voices) != 1 or not chosen:
        return chosen
    other = next((c for c in pool if c["voice"] not in voices and _on_point(c)), None)
    return chosen[:-1] + [other] if other else chosen


def _balanced(items: list[dict], limit: int, u: Understanding) -> list[dict]:
    """The `limit` most relevant items, but at least a third from each voice when both are
    there (and the question does not ask for one), most relevant first."""
    if u.voice:
        return items[:limit]
    share = max(1, limit // 3)
    kept = [c for v in ("inspectors", "authority") for c in [i for i in items if i["voice"] == v][:share]]
    kept += [c for c in items if c not in kept][:limit - len(kept)]
    return sorted(kept, key=lambda c: -c["relevance"])[:limit]


def _key(item: dict) -> str:
    """A sentence's words, whatever its quotes, case, spacing and punctuation: the same
    sentence held twice (a report as PDF and as text) has one key."""
    return " ".join(re.findall(r"[a-z0-9]+", normalise(item["text"]).lower()))


def _distinct(items: list[dict]) -> list[dict]:
    """The items, each said once: one repeating another word for word, nearly (a list in
    an appendix, a finding quoted back), or held within it (a sentence shown with the
    one before it) is left out."""
    kept: list[dict] = []
    keys: list[str] = []
    for item in items:
        key = _key(item)
        if not key or any(key == k or key in k or k in key for k in keys) or \
                any(fuzz.ratio(key, k, score_cutoff=NEAR_DUPLICATE) for k in keys):
            continue
        kept.append(item)
        keys.append(key)
    return kept


def _unrepeated(items: list[dict], keep: int) -> list[dict]:
    """The first `keep` items, leaving out one that repeats most of a longer one kept (a
    sentence quoted again with another after it); costlier than _distinct, so only as far
    as a list needs."""
    kept: list[tuple[dict, str]] = []
    for item in items:
        key = _key(item)
        if not any(fuzz.partial_ratio(key, k, score_cutoff=NEAR_DUPLICATE) for _, k in kept):
            kept.append((item, key))
            if len(kept) >= keep:
                break
    return [item for item, _ in kept]


def _newest_first(items: list[dict]) -> list[dict]:
    """The items newest first among those of about the same relevance (within
    RELEVANCE_BAND of the most relevant left), so that a newer finding comes before an
    older one without an aside outranking what answers the question."""
    left = sorted(items, key=lambda c: -c.get("relevance", 0.0))
    out: list[dict] = []
    while left:
        top = left[0].get("relevance", 0.0)
        band = [c for c in left if c.get("relevance", 0.0) >= top - RELEVANCE_BAND]
        out += sorted(band, key=lambda c: c.get("date") or "", reverse=True)
        left = [c for c in left if c not in band]
    return out


def _one_per_paragraph(items: list[dict]) -> list[dict]:
    """The items, one per paragraph: a list of evidence reads better drawn from several
    places than as one paragraph sentence by sentence."""
    seen, out = set(), []
    for item in items:
        if item["paragraph_id"] not in seen:
            seen.add(item["paragraph_id"])
            out.append(item)
    return out


def _criteria_touched(u: Understanding, cited: list[dict], paragraphs: dict[str, dict]) -> list[dict]:
    """The criteria the question names, then those the cited paragraphs are tagged with."""
    known = {c.id for c in framework.criteria()}
    # An improvement point or a grade may come from a paragraph the search did not return.
    counts = Counter(c for item in cited
                     for c in (paragraphs.get(item["paragraph_id"]) or {}).get("criteria") or item.get("paragraph_criteria") or ()
                     if c in known)
    out = [{"criterion": c, "title": framework.criterion(c).title, "from_question": True, "cited": counts[c]}
           for c in u.criteria]
    out += [{"criterion": c, "title": framework.criterion(c).title, "from_question": False, "cited": n}
            for c, n in counts.most_common() if c not in u.criteria]
    return out


def _message(answer: Answer, relevant: int) -> str:
    u = answer.understood
    where = f" for {u.authority}" if u.authority else ""
    when = f" in {u.year_from or '…'}-{u.year_to or '…'}" if u.years else ""
    if not answer.enough:
        return (f"The knowledge base holds too little to answer this{where}{when}: "
                f"{'only ' if relevant else ''}{relevant} sentence{' bears' if relevant == 1 else 's bear'} on it. "
                "Add the relevant reports and papers, or ask more broadly.")
    missing = []
    stances = {c["stance"] for c in answer.summary}
    if u.intent in ("for", "both") and not answer.evidence_for and "strength" not in stances:
        missing.append("strengths")
    if u.intent in ("against", "both") and not answer.evidence_against and "development" not in stances:
        missing.append("areas for development")
    if u.wants_figures and not answer.figures:
        missing.append("figures")
    return f"No {' or '.join(missing)} on this were found{where}{when}." if missing else ""
