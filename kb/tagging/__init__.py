"""Tagging of evidence paragraphs: ILACS judgement area, criteria and stance, without a
language model, each tag explained by the headings, cue words or learned terms behind it."""
from .scoring import LearnedTerms
from .stance import sentence_split, sentence_stance
from .tagger import Tagger, Tags, classify_record, tag

__all__ = ["Tags", "Tagger", "LearnedTerms", "tag", "classify_record", "sentence_split", "sentence_stance"]
