"""The learned stance model: free labels from a report's layout, fitting, scoring, and the
verdicts and explanations the tagger gives with it."""
import json

import pytest

from kb.tagging import stance_learn
from kb.tagging.stance import paragraph_stance, rule_stance, sentence_verdict
from kb.tagging.stance_learn import fit, labelled_sentences, paragraph_label
from kb.tagging.stance_model import LABELS, StanceModel, default_model, features, words
from kb.tagging.tagger import tag

ILACS = "ilacs-inspection"
SIF = "sif-inspection"
GRADES = {"help-protection": "outstanding", "in-care": "inadequate", "leadership": "requires improvement to be good"}
HP = "The experiences and progress of children who need help and protection: outstanding"
CIC = "The experiences and progress of children in care: inadequate"
LEAD = "The impact of leaders on social work practice with children and families: requires improvement to be good"


# --- free labels -------------------------------------------------------------------------

@pytest.mark.parametrize("section, label", [
    (["Inspection of Testshire", "What needs to improve?"], ("development", 1.0)),
    (["Summary", "Areas for improvement"], ("development", 1.0)),
    (["Recommendations"], ("development", 1.0)),
    (["The LSCB requires improvement because:"], ("development", 1.0)),
    (["Summary", "The local authority's strengths"], ("strength", 1.0)),
    (["Information about this local authority area", "Children living in this area"], ("context", 1.0)),
    (["The inspection team"], ("context", 1.0)),
    ([HP], ("strength", stance_learn.GRADE_WEIGHT)),
    ([CIC], ("development", stance_learn.GRADE_WEIGHT)),
    ([LEAD], None),                                # RI sections hold both sides in equal measure
    (["Summary"], None),
])
def test_a_reports_layout_gives_free_labels(section, label):
    assert paragraph_label(section, ILACS, GRADES, None) == label


def test_an_authoritys_own_papers_give_no_free_labels():
    assert paragraph_label(["Areas for improvement"], "self-evaluation", {}, None) is None
    assert paragraph_label([HP], "committee-report", GRADES, None) is None


def test_a_graded_sections_caveats_and_exceptions_are_left_out_not_taught_backwards():
    paragraphs = [
        {"text": "Families receive timely and effective early help from skilled workers. However, a small number "
                 "of children wait too long for their assessments to be completed.",
         "section": [HP], "doc_type": ILACS, "grades": GRADES},
        {"text": "Children in care wait too long for permanent homes. Foster carers are well supported and "
                 "highly skilled.", "section": [CIC], "doc_type": ILACS, "grades": GRADES},
    ]
    got = [(s.split()[0], label) for s, label, _ in labelled_sentences(paragraphs)]
    assert got == [("Families", "strength"), ("Children", "development")]


def test_a_persons_correction_labels_its_sentences_and_weighs_most():
    paragraphs = [{"text": "The family support service is now open at weekends in three towns.",
                   "section": ["Background"], "doc_type": "self-evaluation", "corrected_stance": "strength"}]
    [(sentence, label, weight)] = labelled_sentences(paragraphs)
    assert label == "strength" and weight == stance_learn.CORRECTION_WEIGHT > stance_learn.HEADING_WEIGHT


def test_tables_boilerplate_and_short_fragments_teach_nothing():
    paragraphs = [
        {"text": "Judgement | Grade", "kind": "table", "section": ["Recommendations"], "doc_type": ILACS},
        {"text": "Crown copyright applies to the whole of this report.", "boilerplate": True,
         "section": ["Recommendations"], "doc_type": ILACS},
        {"text": "Care leavers.", "section": ["Recommendations"], "doc_type": ILACS},
    ]
    assert list(labelled_sentences(paragraphs)) == []


# --- the model ----------------------------------------------------------------------------

def test_features_keep_negated_phrases_whole_and_numbers_as_kinds():
    feats = features("Plans are not always reviewed; 35% of 120 children wait.", ["verdict=development"])
    assert "not_alway" in feats and "<pct>" in feats and "<n>" in feats   # words are lightly stemmed
    assert "rule:verdict=development" in feats
    assert "are" not in feats            # a function word alone says nothing
    assert words("Carers' views")[0] == "carer"


def _toy_samples():
    good = ["Workers visit the {} families with warmth and skill.", "The {} team knows every child well."]
    bad = ["Visits to the {} families are frequently zorblat.", "The {} team records are zorblat and late."]
    facts = ["The {} team has nine staff based in the town hall.", "The {} service opened in the spring."]
    towns = ["north", "south", "east", "west", "central", "coastal"]
    samples = []
    for town in towns:
        samples += [(t.format(town), "strength", 1.0) for t in good]
        samples += [(t.format(town), "development", 1.0) for t in bad]
        samples += [(t.format(town), "context", 1.0) for t in facts]
    return samples


def test_fit_learns_a_word_the_rules_do_not_know_and_names_it():
    model = fit(_toy_samples(), c=1.0)
    unseen = "Reviews of the rural families are zorblat."
    assert rule_stance(unseen)[0] != "development"
    verdict = sentence_verdict(unseen, None, model)
    assert verdict.stance == "development"
    assert any(c.startswith("learned: ") and "zorblat" in c for c in verdict.cues)
    assert abs(sum(model.scores(features(unseen))) - 1) < 1e-9
    assert model.trained_on["sentences"] == {"strength": 12, "development": 12, "context": 12}


def test_fit_needs_every_label():
    with pytest.raises(ValueError, match="none for context"):
        fit([(s, l, w) for s, l, w in _toy_samples() if l != "context"])


def test_model_round_trips_through_json_and_refuses_another_format(tmp_path):
    model = fit(_toy_samples(), c=1.0)
    path = tmp_path / "model.json"
    model.save(path)
    again = StanceModel.load(path)
    sentence = "The east team records are zorblat."
    assert again.scores(features(sentence)) == pytest.approx(model.scores(features(sentence)))
    data = json.loads(path.read_text())
    assert "zorblat" in data["weights"] and "records are zorblat" not in path.read_text()
    data["format"] = 99
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="not a stance model"):
        StanceModel.load(path)


def test_without_a_model_the_rules_decide():
    sentence = "Some children wait too long for a permanent home."
    verdict = sentence_verdict(sentence, None, model=False)
    assert (verdict.stance, verdict.cues) == rule_stance(sentence)


def test_the_shipped_model_is_loaded_and_used_by_the_tagger():
    model = default_model()
    assert model is not None and set(model.trained_on["sentences"]) == set(LABELS)
    tags = tag("Young people in settled homes hear little from their personal advisers.")
    assert tags.stance == "development"
    assert any(c.startswith("learned: ") for s in tags.sentences for c in s["cues"])


def test_a_description_with_no_evaluative_word_stays_context_whatever_the_words():
    for sentence in ("There are five assessment teams.", "Inspectors met care leavers.",
                     "The fostering team supports carers across the county."):
        doc_type = "service-plan" if "fostering" in sentence else None
        assert sentence_verdict(sentence, doc_type).stance == "context", sentence


# --- paragraph stance ---------------------------------------------------------------------

def test_mixed_needs_a_clear_strength_and_a_clear_shortfall():
    assert paragraph_stance([("strength", 0.9), ("development", 0.8)]) == "mixed"
    # A doubtful minority does not make a paragraph mixed; the weightier side wins.
    assert paragraph_stance([("strength", 0.9), ("strength", 0.8), ("development", 0.55)]) == "strength"
    assert paragraph_stance([("development", 0.9), ("strength", 0.6)]) == "development"
    assert paragraph_stance([("context", 1.0), ("context", 0.9)]) == "context"
    assert paragraph_stance([]) == "context"


def test_a_tie_between_doubtful_sides_goes_to_development():
    assert paragraph_stance([("strength", 0.6), ("development", 0.6)]) == "development"


def test_a_strong_paragraph_with_a_passing_doubt_is_a_strength():
    tags = tag("Leaders know their service well and have an accurate understanding of the quality of practice. "
               "They have invested in early help, which is highly effective. Children benefit from stable, "
               "skilled social workers who know them well.")
    assert tags.stance == "strength"


def test_a_clear_shortfall_with_no_strength_word_is_not_overruled_by_the_model():
    v = sentence_verdict("However, the average time children wait to live with their new family is too long; "
                         "it is currently 500 days.")
    assert v.stance == "development" and "too long" in v.cues
    assert any(c.startswith("learned: ") for c in v.cues)
