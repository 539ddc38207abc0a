"""The tagger: judgement, criteria and stance of one paragraph, with the reasons.

Order of authority: a heading that names a judgement settles it (a combined "children in
care and care leavers" heading is split by content); a heading that names a stance
("Areas for development") settles the stance; otherwise the text decides, through the
lexicon, terms learned from labelled inspection reports, and the sentence rules."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from indexer.model import ReadError
from kb import framework

from .criteria import CriteriaMatcher
from .headings import read_trail
from .lexicon import COMBINED
from .scoring import AREAS, AreaScorer, LearnedTerms, LinearModel, load_learned
from .stance import paragraph_stance, sentence_split, sentence_verdict
from .stance_model import StanceModel

HEADING_SHARE = 0.6          # a settling heading's share of the judgement scores
MIN_JUDGEMENT_SCORE = 0.15   # other areas listed in `judgements` need at least this
MIN_EVIDENCE = 0.5           # below this lexicon weight for it the text names no area at all ...
MIN_LEARNED_EVIDENCE = 1.5   # ... unless its learned terms add up to this: each says little alone
SETTLED_CONFIDENCE = 0.95   # a judgement heading is all but certain
EXPLAINED_TERMS = 5
UNDECIDED = 0.5             # a sentence verdict less sure than this yields to its heading
OVERALL_CRITERION = "overall.summary"


@dataclass
class Tags:
    judgement: str                               # an area id or "overall"
    judgements: dict[str, float]                 # ids that apply -> score, descending
    criteria: dict[str, float]                   # criterion id -> score, descending
    stance: str                                  # strength | development | context | mixed
    sentences: list[dict] = field(default_factory=list)   # {"text", "stance", "cues", "confidence"}
    confidence: float = 0.0
    explanation: list[str] = field(default_factory=list)


def _descending(scores: dict[str, float], keep: str) -> dict[str, float]:
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    return {k: round(v, 3) for k, v in ranked if v >= MIN_JUDGEMENT_SCORE or k == keep}


def _split_combined(raw: dict[str, float]) -> str:
    """Which of a combined in-care-and-care-leavers section's two areas the content points
    to, by raw evidence; a tie goes to in-care."""
    return max(COMBINED, key=lambda a: (raw[a], a == "in-care"))


class Tagger:
    """Holds the lexicon tables and, optionally, terms learned from a knowledge base's
    own inspection reports (see `learn`; keep them with LearnedTerms.save/load)."""

    def __init__(self, learned: LearnedTerms | None = None):
        self.learned = learned
        self.scorer = AreaScorer(learned)
        self.criteria = CriteriaMatcher()

    # -- tagging -------------------------------------------------------------------
    def tag(self, text: str, section: list[str] | None = None, doc_type: str | None = None,
            kind: str = "paragraph", stance_model: StanceModel | None = None) -> Tags:
        """`stance_model`: a knowledge base's own (see `kb learn`); else the shipped one."""
        heading = read_trail(section, doc_type)
        # The innermost heading, when it is a topic rather than a judgement ("Health",
        # "Workforce"), is read as extra words of the paragraph.
        # A heading that names a stance ("What needs to improve?") is no topic either: its
        # words ("need", "improve") would count for a judgement.
        topic = section[-1] if section and section[-1] not in (heading.judgement_heading,
                                                              heading.stance_heading) else ""
        evidence = self.scorer.evidence(text, topic)
        explanation: list[str] = []
        judgement, judgements, confidence = self._judgement(heading, evidence, explanation)
        sentences, stance = self._stance(text, heading, doc_type, kind, stance_model, explanation)
        matched = self.criteria.match(evidence.expanded + " . " + topic, judgement, judgements)
        criteria = matched.scores
        if heading.judgement == "overall":
            # The report's own summary: its criterion comes first, topics follow.
            criteria = {OVERALL_CRITERION: 1.0, **criteria}
            explanation.append(f"criterion {OVERALL_CRITERION}: heading '{heading.judgement_heading}'")
        for cid, cues in matched.cues.items():
            explanation.append(f"criterion {cid}: {', '.join(dict.fromkeys(cues))}")
        if evidence.acronyms:
            explanation.append("acronyms: " + ", ".join(f"{a} = {e}" for a, e in evidence.acronyms))
        return Tags(judgement, judgements, criteria, stance, sentences, round(confidence, 3), explanation)

    def _judgement(self, heading, evidence, explanation: list[str]) -> tuple[str, dict[str, float], float]:
        scores = evidence.scores
        if heading.judgement == "in-care+care-leavers":
            pair_total = sum(scores[a] for a in COMBINED) or 1.0
            share = {a: scores[a] / pair_total if a in COMBINED else 0.0 for a in AREAS}
            settled = _split_combined(evidence.raw)
            explanation.append(f"heading '{heading.judgement_heading}' covers children in care and care "
                               f"leavers; content points to {settled}")
            self._explain_terms(settled, evidence, explanation)
            blended = {a: HEADING_SHARE * share[a] + (1 - HEADING_SHARE) * scores[a] for a in AREAS}
            return settled, _descending(blended, settled), HEADING_SHARE + (1 - HEADING_SHARE) * share[settled]
        if heading.judgement:
            settled = heading.judgement
            explanation.append(f"heading '{heading.judgement_heading}' settles {settled}")
            blended = {a: (1 - HEADING_SHARE) * scores[a] for a in AREAS}
            blended[settled] = blended.get(settled, 0.0) + HEADING_SHARE
            return settled, _descending(blended, settled), SETTLED_CONFIDENCE
        best = max(scores, key=scores.get)
        if evidence.support[best] < MIN_EVIDENCE and evidence.learned_support[best] < MIN_LEARNED_EVIDENCE:
            explanation.append("no judgement-area words: overall")
            return "overall", {"overall": 1.0}, 0.0
        self._explain_terms(best, evidence, explanation)
        return best, _descending(scores, best), scores[best]

    def _stance(self, text: str, heading, doc_type: str | None, kind: str, model: StanceModel | None,
                explanation: list[str]) -> tuple[list[dict], str]:
        sentences = []
        for sentence in sentence_split(text):
            stance, cues, confidence = sentence_verdict(sentence, doc_type, model or True)
            undecided = stance == "context" or confidence < UNDECIDED
            if undecided and kind == "table":
                # A table cell or row is a label or a figure, not a finding stated plainly.
                stance, confidence = "context", 1.0
            if undecided and heading.stance:
                stance, cues, confidence = heading.stance, cues + [f"heading: {heading.stance_heading}"], 1.0
            sentences.append({"text": sentence, "stance": stance, "cues": cues, "confidence": confidence})
        if heading.stance:
            explanation.append(f"stance {heading.stance}: heading '{heading.stance_heading}'")
            return sentences, heading.stance
        stance = paragraph_stance([(s["stance"], s["confidence"]) for s in sentences])
        explanation.append(self._stance_reason(stance, sentences))
        return sentences, stance

    @staticmethod
    def _explain_terms(area: str, evidence, explanation: list[str]) -> None:
        if evidence.cues[area]:
            explanation.append(f"{area} cue words: {', '.join(evidence.cues[area][:EXPLAINED_TERMS])}")
        if evidence.learned[area]:
            explanation.append(f"{area} learned terms: {', '.join(evidence.learned[area][:EXPLAINED_TERMS])}")

    @staticmethod
    def _stance_reason(stance: str, sentences: list[dict]) -> str:
        """What decided the paragraph's stance: the cues of the sentences on its side (each
        side's for mixed), then the learned terms that weighed most, each named once."""
        sides = ("strength", "development") if stance == "mixed" else (stance,)
        parts, learned = [], []
        for side in sides:
            cues = []
            for s in sentences:
                if s["stance"] != side:
                    continue
                for c in s["cues"]:
                    if c.startswith("learned: "):
                        learned += c[len("learned: "):].split(", ")
                    elif c != "plain statement" and not c.startswith("rules said"):
                        cues.append(c.lstrip("+").strip())
            shown = ", ".join(dict.fromkeys(cues))
            if len(sides) > 1:
                parts.append(f"{side} — {shown or 'learned terms only'}")
            elif shown:
                parts.append(shown)
        if learned:
            parts.append("learned terms — " + ", ".join(list(dict.fromkeys(learned))[:EXPLAINED_TERMS]))
        if not parts:
            parts.append("no evaluative words" if stance == "context" else "plain statement of practice")
        return f"stance {stance}: " + "; ".join(parts)

    def classify_record(self, rec: Mapping) -> dict:
        """The `kb classify` contract: {"id", "text"} in, {"id", "judgement", "judgements",
        "criteria", "stance"} out."""
        if not isinstance(rec, Mapping):
            raise ReadError("each classify record must be a JSON object with \"id\" and \"text\"")
        text = rec.get("text")
        if not isinstance(text, str):
            raise ReadError(f"record {rec.get('id')!r} has no \"text\" string to classify")
        tags = self.tag(text)
        return {"id": rec.get("id"), "judgement": tags.judgement, "judgements": tags.judgements,
                "criteria": tags.criteria, "stance": tags.stance}

    # -- learning ------------------------------------------------------------------
    def learn(self, paragraphs: Iterable[Mapping]) -> int:
        """Learn area terms from one report's labelled paragraphs (call once per report:
        a term must recur across reports to count): mappings with "text"
        and either "judgement" (an area id) or "section" (a heading trail that names a
        judgement; a combined children-in-care-and-care-leavers section is split by
        content). Paragraphs with no area are skipped. Returns how many were learned."""
        labelled: list[tuple[str, str]] = []
        for p in paragraphs:
            text = p.get("text") or ""
            area = p.get("judgement") or read_trail(p.get("section")).judgement
            if area == "in-care+care-leavers":
                raw = self.scorer.evidence(text).raw
                area = _split_combined(raw)
            if text and area in AREAS:
                labelled.append((text, area))
        if labelled:
            if isinstance(self.learned, LinearModel):
                raise ReadError("a fitted model is not added to paragraph by paragraph: fit a new one "
                                "with python -m kb.tagging.train --linear")
            if self.learned is None:
                self.learned = LearnedTerms()
            self.learned.add(labelled)
            self.scorer = AreaScorer(self.learned)
        return len(labelled)

    def save_learned(self, path: Path) -> None:
        if self.learned is None:
            raise ReadError("nothing has been learned yet, so there are no terms to save")
        self.learned.save(path)


_default: Tagger | None = None
# The model the tagger ships with, fitted on labelled Ofsted reports (kb.tagging.train);
# without it the lexicon decides alone.
SHIPPED_TERMS = framework.DATA / "area_terms.json"


def default_tagger() -> Tagger:
    global _default
    if _default is None:
        _default = Tagger(load_learned(SHIPPED_TERMS) if SHIPPED_TERMS.exists() else None)
    return _default


def tag(text: str, section: list[str] | None = None, doc_type: str | None = None,
        kind: str = "paragraph", stance_model: StanceModel | None = None) -> Tags:
    """Tag one paragraph with the default tagger (see Tagger.tag)."""
    return default_tagger().tag(text, section, doc_type, kind, stance_model)


def classify_record(rec: dict) -> dict:
    """One `kb classify` record with the default tagger (see Tagger.classify_record)."""
    return default_tagger().classify_record(rec)

