"""The cue rules as inspectors write: shortfalls without a negative word, contrast and
hedging, comparatives, idioms built from a negator, and plain description. The rules are
the learned model's features and its fallback, so each is tested on its own."""
import pytest

from kb.tagging.stance import rule_stance


def stance(sentence, doc_type=None):
    return rule_stance(sentence, doc_type)[0]


@pytest.mark.parametrize("sentence", [
    "Young people in settled homes hear little from their personal advisers.",
    "There is little evidence that plans are reviewed.",
    "The exploitation team is stretched.",
    "Carers' views of the support they get are divided.",
    "A few children are placed in homes that are not registered.",
    "Less than half of care leavers are in education, employment or training.",
    "Progress on the new front door is taking longer than planned.",
    "The new practice model is at an early stage.",
])
def test_a_shortfall_stated_without_the_usual_negative_words(sentence):
    assert stance(sentence) == "development"


@pytest.mark.parametrize("sentence", [
    "Although leaders are ambitious, there is more work to be done.",
    "There is more work to be done, although progress is good.",
    "It is too early to see the impact of the new model, although leaders are confident.",
    "While most children are seen, a small number are not visited often enough.",
])
def test_a_caveat_either_side_of_although_or_while(sentence):
    assert stance(sentence) == "development"


def test_less_turns_round_the_word_after_it():
    sentence = "The audits focus well on progress but are less rigorous in assessing next steps."
    result, cues = rule_stance(sentence)
    assert result == "development" and "less rigorous" in cues
    assert stance("There is less delay for children than a year ago.") == "strength"


@pytest.mark.parametrize("sentence", [
    "Children no longer experience changes of social worker.",
    "The new director wasted no time in making key appointments.",
    "Social workers intervene swiftly when risks to children increase.",
])
def test_strengths_that_contain_a_negator_or_a_word_of_intervention(sentence):
    assert stance(sentence) == "strength"


def test_naming_an_area_for_improvement_is_development_even_when_leaders_see_it():
    assert stance("Managers have recognised life-story work as an area for improvement.") == "development"
    # Awareness of weaknesses, as such, is leadership's strength.
    assert stance("Leaders understand the weaknesses in assessment practice.") == "strength"


@pytest.mark.parametrize("sentence", [
    "The DCS is also responsible for adult services.",
    "The audit tool has been rewritten.",
    "Several young people are awaiting age assessments.",
    "There are five locality teams.",
    "The head of service reports to the director of children's services.",
])
def test_plain_description_of_structures_and_who_does_what_is_context(sentence):
    assert stance(sentence) == "context"


@pytest.mark.parametrize("sentence, expected", [
    ("Where caseloads were higher, management oversight has been consistent and strong.", "strength"),
    ("When children go missing, return home interviews are not always offered.", "development"),
    ("Assessment timeliness is an area which needs focused improvement.", "development"),
    ("Monthly audits let practitioners discuss strengths and areas for development.", "strength"),
])
def test_a_circumstance_opening_leaves_the_verdict_to_the_main_clause(sentence, expected):
    assert stance(sentence) == expected


def test_challenge_as_scrutiny_and_concerning_as_about_are_no_shortfalls():
    assert stance("The adoption panel provides robust scrutiny and challenge to the local authority.") == "strength"
    assert stance("Reports concerning the prevention of future deaths are now sent to the panel.") != "development"
    assert stance("Recruitment challenges remain in the east of the county.") == "development"


@pytest.mark.parametrize("sentence", [
    "The timeliness of reviews for children who move home.",
    "the recognition of neglect and the response to it",
    "The quality of supervision to ensure that good, reflective practice is in place.",
    "The sufficiency of local homes that can meet children's assessed needs.",
    "Managers' oversight of the impact of practice, including effective supervision of all staff.",
])
def test_an_improvement_point_without_a_verb_is_development_whatever_its_words(sentence):
    assert rule_stance(sentence)[0] == "development"


@pytest.mark.parametrize("sentence, expected", [
    ("The quality of plans is good.", "strength"),
    ("The response to children who go missing is timely and effective.", "strength"),
    ("Arrangements for children who are privately fostered are robust.", "strength"),
])
def test_a_finding_about_a_topic_keeps_its_verb_and_its_verdict(sentence, expected):
    assert rule_stance(sentence)[0] == expected


@pytest.mark.parametrize("sentence", [
    "Staff make sure that young people are never left without a place to stay.",
    "Children do not go home from care unless it is safe for them to do so.",
    "Senior managers make sure that children do not enter care unnecessarily.",
    "Despite the pandemic, the stability of the workforce was not negatively affected.",
])
def test_double_negation_and_safeguards_stated_as_what_does_not_happen(sentence):
    assert rule_stance(sentence)[0] == "strength"


def test_a_negative_impact_is_a_shortfall():
    assert rule_stance("Frequent changes of worker have a negative impact on children.")[0] == "development"


@pytest.mark.parametrize("sentence, expected", [
    ("The panel would be strengthened further by a member from health.", "development"),
    ("Leaders know their strengths, although their weaknesses are not so well understood.", "development"),
    ("Inspectors saw solid joint working with the police.", "strength"),
    ("This is a marked reduction in the high staff turnover of two years ago.", "strength"),
])
def test_conditional_advice_comparatives_after_not_and_pressures_reduced(sentence, expected):
    assert rule_stance(sentence)[0] == expected


@pytest.mark.parametrize("sentence", [
    "These include visits from health, housing and education staff.",
    "This includes specific risks, such as going missing and exploitation.",
    "A new head of service has taken up post after the previous one retired.",
    "The service was supporting 14 young people at the point of inspection.",
])
def test_enumerations_appointments_and_the_point_of_inspection_are_context(sentence):
    assert rule_stance(sentence)[0] == "context"


@pytest.mark.parametrize("sentence, expected", [
    ("Enable care leavers to shape the offer they receive.", "development"),
    ("The partnership accepts that further work is needed before the new model is used everywhere.", "development"),
    ("Clearer recording would ensure that children can later understand the decisions made.", "development"),
    ("Reviews are now timely, an area that had been of concern at the last visit.", "strength"),
])
def test_recommendations_needs_stated_and_concerns_now_past(sentence, expected):
    assert rule_stance(sentence)[0] == expected


@pytest.mark.parametrize("sentence", [
    "The leaving care team has undergone changes this year, joining two services into one.",
    "The family group conference service is part of the early help offer.",
    "Return home interviews are provided by a commissioned charity.",
    "It inspects services for children in care and regulates children's homes.",
])
def test_how_services_are_organised_and_what_a_body_does_is_context(sentence):
    assert rule_stance(sentence)[0] == "context"


@pytest.mark.parametrize("sentence, expected", [
    ("Inspectors saw examples of strong, creative direct work with brothers and sisters.", "strength"),
    ("Inspectors saw 40 children's records in the assessment teams.", "context"),
    ("Priorities are aligned, with a focus on prevention which will shape the new health offer.", "strength"),
    ("The service will move to a new building next spring.", "context"),
])
def test_what_inspectors_saw_and_what_will_follow_from_a_finding(sentence, expected):
    assert rule_stance(sentence)[0] == expected


@pytest.mark.parametrize("sentence, expected", [
    ("For years there has been inertia in recruiting local foster carers.", "development"),
    ("Some families are helped only when their difficulties reach crisis point.", "development"),
    ("An outstanding local authority leads highly effective services for children.", "context"),
])
def test_inertia_help_only_at_crisis_and_the_framework_describing_a_grade(sentence, expected):
    assert rule_stance(sentence)[0] == expected
