"""The tagger's rules, each on fixtures written for the test (not taken from any report)."""
from __future__ import annotations

import pytest

from indexer.model import ReadError
from kb.tagging import LearnedTerms, Tagger, classify_record, sentence_split, sentence_stance, tag
from kb.tagging.headings import read_trail
from kb.tagging.train import labelled_paragraphs

ILACS = "ilacs-inspection"

# --- judgement from content alone --------------------------------------------------

CONTENT = {
    "help-protection": "Referrals to the front door are screened quickly, and strategy meetings with police "
                       "and health decide whether child protection enquiries are needed.",
    "in-care": "Children in care live with foster carers who know them well, and their care plans are "
               "reviewed by their independent reviewing officer.",
    "care-leavers": "Care leavers keep in touch with their personal advisers, and pathway plans set out "
                    "how they will move into their own tenancy.",
    "leadership": "Senior leaders and elected members have invested in the workforce, so caseloads are "
                  "manageable and the quality assurance framework is well understood.",
}


@pytest.mark.parametrize("area", sorted(CONTENT))
def test_content_decides_without_headings(area):
    tags = tag(CONTENT[area])
    assert tags.judgement == area
    assert list(tags.judgements)[0] == area
    assert any(area in line and "cue words" in line for line in tags.explanation)


def test_judgement_scores_descend_and_stay_in_range():
    tags = tag(CONTENT["leadership"] + " " + CONTENT["in-care"])
    scores = list(tags.judgements.values())
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1 for s in scores) and 0 <= tags.confidence <= 1


def test_text_without_area_words_is_overall():
    tags = tag("The weather was pleasant throughout the week.")
    assert tags.judgement == "overall"
    assert tags.criteria == {}


def test_overall_effectiveness_heading_brings_the_summary_criterion():
    tags = tag(CONTENT["care-leavers"], section=["Overall effectiveness"], doc_type=ILACS)
    assert list(tags.criteria)[0] == "overall.summary"
    assert "cl.pathway-plans" in tags.criteria


# --- headings ------------------------------------------------------------------------

@pytest.mark.parametrize("heading, area", [
    ("The experiences and progress of children who need help and protection: good", "help-protection"),
    ("Children looked after and achieving permanence", "in-care"),
    ("The experiences and progress of care leavers: requires improvement to be good", "care-leavers"),
    ("Identifying and responding to children's needs and appropriate thresholds", "help-protection"),
    ("Care leavers and transitions", "care-leavers"),
    ("THE IMPACT OF LEADERS ON SOCIAL WORK PRACTICE AND CHILDREN AND FAMILIES", "leadership"),
    ("Overall effectiveness", "overall"),
])
def test_judgement_heading_settles_the_judgement(heading, area):
    # The paragraph's words point elsewhere; the heading wins.
    other = "leadership" if area != "leadership" else "in-care"
    tags = tag(CONTENT[other], section=["Inspection of a local authority", heading], doc_type=ILACS)
    assert tags.judgement == area
    assert any("heading" in line and "settles" in line for line in tags.explanation)


def test_innermost_judgement_heading_wins_and_topic_headings_do_not_override():
    trail = ["Children looked after and achieving permanence", "Experiences and progress of care leavers"]
    assert read_trail(trail).judgement == "care-leavers"
    trail = ["The experiences and progress of children who need help and protection", "Management oversight"]
    assert read_trail(trail).judgement == "help-protection"


@pytest.mark.parametrize("heading, judgement", [
    ("The experiences and progress of children in care and care", "in-care+care-leavers"),
    ("The experiences and progress of children who need help and", "help-protection"),
    ("Early help", "help-protection"),
])
def test_headings_cut_by_a_line_break_or_naming_a_service(heading, judgement):
    assert read_trail([heading]).judgement == judgement


def test_report_title_naming_every_judgement_settles_nothing():
    title = "Inspection of services for children in need of help and protection, children looked after and care leavers"
    assert read_trail([title]).judgement is None


@pytest.mark.parametrize("text, area", [(CONTENT["care-leavers"], "care-leavers"), (CONTENT["in-care"], "in-care")])
def test_combined_heading_is_split_by_content(text, area):
    heading = "The experiences and progress of children in care and care leavers: outstanding"
    tags = tag(text, section=[heading], doc_type=ILACS)
    assert tags.judgement == area
    assert set(tags.judgements) <= {"in-care", "care-leavers", "help-protection", "leadership"}
    assert any("content points to " + area in line for line in tags.explanation)


@pytest.mark.parametrize("heading, stance", [
    ("Areas for development", "development"),
    ("What needs to improve?", "development"),
    ("Areas for improvement", "development"),
    ("Areas for further improvement", "development"),
    ("Areas of strength", "strength"),
])
def test_stance_headings(heading, stance):
    tags = tag("Foster carers receive training every year.", section=["Children in care", heading],
               doc_type="self-evaluation")
    assert tags.stance == stance
    assert tags.judgement == "in-care"


def test_heading_naming_both_stances_leaves_stance_to_the_text():
    assert read_trail(["Areas of strength and areas for development"]).stance is None


def test_recommendations_mark_development_only_in_inspection_reports():
    assert read_trail(["Recommendations"], ILACS).stance == "development"
    assert read_trail(["Recommendations"], "committee-report").stance is None


# --- stance of sentences ---------------------------------------------------------------

@pytest.mark.parametrize("sentence, stance", [
    # Inspectors state strengths plainly.
    ("Personal advisers visit young people often and know them well.", "strength"),
    ("Most reviews include the child's own views.", "strength"),
    # Weakness words.
    ("The quality of supervision is inconsistent across teams.", "development"),
    ("Some children wait too long for a permanent home.", "development"),
    ("Return home interviews lack analysis of the risks to children.", "development"),
    # Description with no verdict.
    ("There are 14 social work teams, and 35% of staff work part time.", "context"),
    ("The service will move to new offices in 2026.", "context"),
])
def test_sentence_stance_from_cues(sentence, stance):
    assert sentence_stance(sentence)[0] == stance


@pytest.mark.parametrize("sentence, stance", [
    ("Visits are frequent, but they do not always have a clear purpose.", "development"),
    ("Caseloads were high last year, but the new manager has secured a strong grip on practice.", "strength"),
    ("Although staff turnover has fallen, caseloads remain too high in the duty team.", "development"),
    ("Although the service was unsettled last year, families now receive a timely response.", "strength"),
    ("While most children are seen regularly, a small number of children are not.", "development"),
    ("However, the recording of decisions is poor.", "development"),
    ("Pathway plans are thorough, although a few young people have not contributed to them.", "development"),
])
def test_contrast_hands_the_verdict_to_the_right_clause(sentence, stance):
    result, cues = sentence_stance(sentence)
    assert result == stance
    assert any(c.startswith("contrast") for c in cues)


@pytest.mark.parametrize("sentence, stance", [
    ("Plans are not specific enough.", "development"),
    ("Managers do not consistently record their decisions.", "development"),
    ("Children are not visited at the frequency set by their plans.", "development"),
    ("There is no delay in starting proceedings for babies.", "strength"),
    ("Young people no longer wait for a mental health service.", "strength"),
    ("Children who cannot live with their parents are placed with relatives when it is safe.", "strength"),
    ("Social workers not only visit regularly but also spend time getting to know the child.", "strength"),
])
def test_negation_flips_the_cue_it_governs(sentence, stance):
    assert sentence_stance(sentence)[0] == stance


def test_negated_cue_is_named():
    stance, cues = sentence_stance("The response to missing children is not effective.")
    assert stance == "development" and "not effective" in cues


@pytest.mark.parametrize("sentence, stance", [
    ("A small number of children experience delay in having their needs assessed.", "development"),
    ("Not all carers have had the training they need.", "development"),
    ("Only a few care leavers are in higher education.", "development"),
    ("A small number of disabled children receive a highly effective short break service.", "strength"),
])
def test_hedged_findings(sentence, stance):
    assert sentence_stance(sentence)[0] == stance


def test_awareness_of_a_weakness_is_a_strength():
    stance, cues = sentence_stance("Leaders understand the weaknesses in assessment practice.")
    assert stance == "strength"
    assert any(c.startswith("+aware of") for c in cues)


def test_recommendation_imperative_is_development():
    assert sentence_stance("Improve the timeliness of health assessments for children in care.")[0] == "development"


def test_authority_voice_plain_statement_is_context():
    plain = "The fostering team supports carers across the county."
    assert sentence_stance(plain)[0] == "strength"
    assert sentence_stance(plain, "service-plan")[0] == "context"


def test_paragraph_with_both_sides_is_mixed_and_sentences_carry_detail():
    tags = tag("Core groups are well attended. Plans are not always updated after meetings.")
    assert tags.stance == "mixed"
    assert [s["stance"] for s in tags.sentences] == ["strength", "development"]
    assert tags.sentences[1]["cues"][0] == "not always"
    learned = [c for c in tags.sentences[1]["cues"] if c.startswith("learned: ")]
    assert learned and "always" in learned[0]


# --- sentence splitting ------------------------------------------------------------------

def test_sentence_split_keeps_abbreviations_and_drops_stray_numbers():
    text = "Plans cover e.g. health and school. Visits are regular. 12."
    assert sentence_split(text) == ["Plans cover e.g. health and school.", "Visits are regular."]


def test_sentence_split_separates_list_lines():
    assert sentence_split("\u2022 Timely assessments\n\u2022 Stable homes") == ["Timely assessments", "Stable homes"]


# --- criteria and acronyms ----------------------------------------------------------------

def test_criteria_detected_with_scores():
    tags = tag("The MASH responds to referrals promptly and thresholds are understood by partners. "
               "Strategy meetings are held quickly.")
    assert {"hp.front-door", "hp.strategy-s47"} <= set(tags.criteria)
    assert all(0 < v <= 1 for v in tags.criteria.values())
    assert list(tags.criteria.values()) == sorted(tags.criteria.values(), reverse=True)
    assert any(line.startswith("criterion hp.front-door") for line in tags.explanation)


def test_shared_cue_goes_to_the_criterion_of_the_judgement():
    text = "Children who go missing are offered a return interview and their risks are reviewed."
    under_hp = tag(text, section=["The experiences and progress of children who need help and protection"])
    under_care = tag(text, section=["The experiences and progress of children in care"])
    assert "hp.exploitation-missing" in under_hp.criteria
    assert "cic.risk-outside-home" in under_care.criteria
    assert under_care.criteria["cic.risk-outside-home"] > under_care.criteria.get("hp.exploitation-missing", 0)


def test_paragraph_with_no_criterion_words_has_empty_criteria():
    assert tag("Senior leaders are ambitious.").criteria == {}


def test_acronyms_count_as_their_expansion_and_are_explained():
    tags = tag("PAs see young people often. IROs chair reviews.")
    assert any("PAs = personal advisers" in line for line in tags.explanation)
    assert tags.judgement == "care-leavers"
    assert "cl.relationships" in tags.criteria


def test_acronym_match_is_case_sensitive():
    assert not any(line.startswith("acronyms") for line in tag("The pa system was loud.").explanation)


# --- classify contract ------------------------------------------------------------------

def test_classify_record_contract():
    out = classify_record({"id": "r1", "text": CONTENT["care-leavers"]})
    assert set(out) == {"id", "judgement", "judgements", "criteria", "stance"}
    assert out["id"] == "r1" and out["judgement"] == "care-leavers"
    assert isinstance(out["judgements"], dict) and isinstance(out["criteria"], dict)
    assert out["stance"] in ("strength", "development", "context", "mixed")


@pytest.mark.parametrize("bad", [{"id": 1}, {"id": 2, "text": None}, ["not", "an", "object"]])
def test_classify_record_rejects_bad_input_with_a_message(bad):
    with pytest.raises(ReadError, match="text|object"):
        classify_record(bad)


# --- learning from labelled reports -----------------------------------------------------

def _report(variant: str) -> list[dict]:
    return [
        {"text": f"The {variant} duty hub triages contacts from schools every morning.",
         "section": ["The experiences and progress of children who need help and protection: good"]},
        {"text": f"The {variant} duty hub is staffed by senior practitioners.",
         "judgement": "help-protection"},
        {"text": f"Leaders hold a monthly {variant} practice clinic for all managers.",
         "section": ["The impact of leaders on social work practice with children and families: good"]},
        {"text": "Paragraph outside any judgement section.", "section": ["Introduction"]},
    ]


def test_learn_counts_labelled_paragraphs_and_explains_learned_terms(tmp_path):
    tagger = Tagger()
    assert tagger.learn(_report("north")) == 3
    assert tagger.learn(_report("south")) == 3
    tags = tagger.tag("A duty hub answers calls.")
    assert any("learned terms" in line and "duty hub" in line for line in tags.explanation)
    path = tmp_path / "terms.json"
    tagger.save_learned(path)
    reloaded = Tagger(LearnedTerms.load(path))
    assert reloaded.learned.reports == 2
    assert reloaded.learned.weights() == tagger.learned.weights()


def test_learned_terms_need_more_than_one_report():
    tagger = Tagger()
    tagger.learn(_report("east"))
    assert "east" not in tagger.learned.weights()


def test_saving_before_learning_is_a_clear_error(tmp_path):
    with pytest.raises(ReadError, match="nothing has been learned"):
        Tagger().save_learned(tmp_path / "terms.json")


def test_labelled_paragraphs_from_report_text():
    text = ("Recommendations 1. Improve the timeliness of assessments for children. "
            "The experiences and progress of children who need help and protection: good "
            "1. Children are seen quickly when concerns arise, and the duty team knows them well. "
            "2. Strategy meetings are held promptly with the right agencies present throughout. "
            "The impact of leaders on social work practice with children and families: good "
            "3. Leaders know their services well and have invested in the workforce since 2020.")
    found = labelled_paragraphs(text)
    assert [read_trail(p["section"]).judgement for p in found] == ["help-protection", "help-protection", "leadership"]
    assert found[0]["text"].startswith("Children are seen quickly")


def test_loading_a_file_that_is_not_learned_terms_is_a_clear_error(tmp_path):
    path = tmp_path / "terms.json"
    path.write_text('{"something": "else"}')
    with pytest.raises(ReadError, match="not a learned-terms file"):
        LearnedTerms.load(path)
    with pytest.raises(ReadError, match="cannot read"):
        LearnedTerms.load(tmp_path / "missing.json")


def test_a_summary_opening_a_judgement_section_belongs_to_that_judgement():
    section = "The experiences and progress of children looked after and achieving permanence: Inadequate"
    assert read_trail([section, "Summary"], "sif-inspection").judgement == "in-care"
    # The report's own summary, outside any judgement section, is the overall account.
    assert read_trail(["Inspection of Testshire", "Summary"], "sif-inspection").judgement == "overall"
    assert read_trail(["Summary", "Executive summary"], "sif-inspection").judgement == "overall"


def test_a_stance_heading_lends_no_words_to_the_judgement():
    text = "The timeliness of strategy discussions and of the child protection conferences that follow them."
    under = tag(text, section=["What needs to improve?"], doc_type=ILACS)
    alone = tag(text, doc_type=ILACS)
    assert under.judgements == alone.judgements and under.stance == "development"
