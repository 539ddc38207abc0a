"""Judgement from text: the linear model fitted on labelled reports, the model the tagger
ships with, and the labelling of report text it learns from. Fixtures are written for the
test, not taken from any report."""
from __future__ import annotations

import pytest

from indexer.model import ReadError
from kb.tagging import Tagger, tag
from kb.tagging.headings import read_trail
from kb.tagging.scoring import LinearModel, load_learned
from kb.tagging.tagger import default_tagger
from kb.tagging.train import fit_linear, framework_terms, labelled_paragraphs, main

HP = "The experiences and progress of children who need help and protection: good"
CARE = "The experiences and progress of children in care: good"
LEAVERS = "The experiences and progress of care leavers: good"
LEADERS = "The impact of leaders on social work practice with children and families: good"


def _report(town: str) -> list[dict]:
    """One invented report: a few paragraphs per area, and a made-up 'kestrel forum' that
    only ever appears where inspectors write about leadership, in words the lexicon
    gives to help and protection."""
    rows = []
    for i in range(3):
        rows += [
            {"text": f"In {town}, referrals to the front door are screened the same day ({i}), "
                     "and strategy meetings decide on child protection enquiries.", "section": [HP]},
            {"text": f"Children in care in {town} live with foster carers who know them ({i}), "
                     "and their care plans are reviewed on time.", "section": [CARE]},
            {"text": f"Care leavers in {town} keep in touch with personal advisers ({i}), "
                     "and pathway plans cover their tenancy.", "section": [LEAVERS]},
            {"text": f"The kestrel forum in {town} meets monthly ({i}) and reads the records "
                     "of a few families.", "section": [LEADERS]},
        ]
    return rows


REPORTS = [_report(town) for town in ("Ashford", "Bexley", "Corby", "Dover", "Epsom")]
KESTREL = "The kestrel forum met twice this spring with families present."


@pytest.fixture(scope="module")
def model() -> LinearModel:
    return fit_linear(REPORTS)


def test_learned_terms_move_a_verdict_and_are_named(model):
    # The lexicon alone reads "families" as help and protection; the model has learned
    # where the forum belongs.
    assert Tagger().tag(KESTREL).judgement != "leadership"
    tags = Tagger(model).tag(KESTREL)
    assert tags.judgement == "leadership"
    learned = next(line for line in tags.explanation if "learned terms" in line)
    assert learned.startswith("leadership") and "kestrel forum" in learned


def test_a_term_from_one_report_is_not_learned():
    rows = _report("Frome") + [{"text": "The heron group reviews every plan with senior leaders "
                                        "and the lead member each quarter.", "section": [LEADERS]}] * 5
    fitted = fit_linear([rows] + REPORTS[:2])
    assert "heron group" not in fitted.terms and "kestrel forum" in fitted.terms


def test_a_criterion_cue_keeps_to_its_judgement():
    # Older reports filed pre-proceedings work under children in care; ILACS puts it under
    # help and protection, and so do the framework's cues.
    assert framework_terms()["pre proceeding"] == "help-protection"
    moved = [r + [{"text": f"Work in pre-proceedings is timely for children in care ({i}) "
                           "and foster carers are told.", "section": [CARE]} for i in range(3)]
             for r in REPORTS]
    free = fit_linear(moved, framework_owned=False).terms["pre proceeding"]
    kept = fit_linear(moved).terms["pre proceeding"]
    assert free["in-care"] > free.get("help-protection", 0.0)
    assert kept["in-care"] <= kept.get("help-protection", 0.0)


def test_opening_sentence_weight_is_learned_only_when_asked(model):
    assert fit_linear(REPORTS, opening_lexicon=False).opening_weight == 0.0
    assert model.opening_weight != 0.0


def test_model_round_trips_through_its_file(model, tmp_path):
    path = tmp_path / "model.json"
    model.save(path)
    loaded = load_learned(path)
    assert isinstance(loaded, LinearModel) and loaded == model
    assert Tagger(loaded).tag(KESTREL).judgements == Tagger(model).tag(KESTREL).judgements


def test_a_fitted_model_is_not_added_to(model):
    with pytest.raises(ReadError, match="fit a new one"):
        Tagger(model).learn(_report("Gosport"))


def test_nothing_to_fit_is_a_clear_error():
    with pytest.raises(ReadError, match="no labelled paragraphs"):
        fit_linear([[{"text": "An introduction.", "section": ["Introduction"]}]])


# --- the model the tagger ships with ---------------------------------------------------

def test_default_tagger_ships_a_model_fitted_on_many_reports():
    learned = default_tagger().learned
    assert isinstance(learned, LinearModel) and learned.reports >= 20
    tags = tag("Personal advisers help young people to find a tenancy and stay in education.")
    assert tags.judgement == "care-leavers"
    assert any(line.startswith("care-leavers learned terms") for line in tags.explanation)


def test_a_heading_still_settles_the_judgement_with_the_shipped_model():
    text = "Personal advisers help care leavers to find a tenancy and stay in education."
    tags = tag(text, section=["Inspection of a local authority", LEADERS], doc_type="ilacs-inspection")
    assert tags.judgement == "leadership"
    assert any("settles leadership" in line for line in tags.explanation)


@pytest.mark.parametrize("text", ["The weather was pleasant throughout the week.",
                                  "The minutes of the last meeting were agreed.",
                                  "Date of next meeting: 4 June."])
def test_text_without_area_words_names_no_area_with_the_shipped_model(text):
    # A few weak learned terms do not make a paragraph about an area.
    assert tag(text).judgement == "overall"


def test_many_learned_terms_name_an_area_without_lexicon_words(model):
    text = "The kestrel forum met. The kestrel forum met again. The kestrel forum met once more."
    assert Tagger().tag(text).judgement == "overall"
    assert Tagger(model).tag(text).judgement == "leadership"


# --- labelling report text ---------------------------------------------------------------

def _judgements(text: str) -> list[str]:
    return [read_trail(p["section"]).judgement for p in labelled_paragraphs(text)]


def test_early_sif_headings_and_a_figure_before_a_full_stop():
    text = ("Recommendations 1. Improve the timeliness of assessments for children. "
            "The experiences and progress of children who need help and protection are good "
            "2. Children are seen quickly when concerns arise, and their social workers know them. "
            "3. Contacts rose this year to 872. The duty team still answers every one of them on the day. "
            "4. Strategy discussions include the police and health, and decisions are well recorded. "
            "The graded judgment for the experiences and progress of care leavers is requires improvement "
            "5. Care leavers have personal advisers who help them find somewhere suitable to live.")
    found = labelled_paragraphs(text)
    assert _judgements(text) == ["help-protection"] * 3 + ["care-leavers"]
    # The figure neither ends paragraph 3 nor stops the paragraphs after it.
    assert "872. The duty team" in found[1]["text"]


def test_the_safeguarding_board_review_is_not_leadership():
    text = ("Leadership, management and governance require improvement "
            "10. Senior leaders know their services well and have invested in the workforce this year. "
            "Section 2: The effectiveness of the local safeguarding children board "
            "11. The board's partners attend its meetings and share information about children well.")
    assert _judgements(text) == ["leadership"]


# --- the command line ----------------------------------------------------------------------

def test_command_fits_a_linear_model_leaving_out_excluded_reports(tmp_path, capsys):
    paths = []
    for k, rows in enumerate(REPORTS + [_report("Hythe")]):
        heading_of = {HP: HP, CARE: CARE, LEAVERS: LEAVERS, LEADERS: LEADERS}
        parts, number = [], 0
        for heading in heading_of:
            parts.append(heading)
            for r in rows:
                if r["section"] == [heading]:
                    number += 1
                    parts.append(f"{number}. {r['text']}")
        path = tmp_path / f"report-{k}.txt"
        path.write_text(" ".join(parts), "utf-8")
        paths.append(str(path))
    out = tmp_path / "terms.json"
    assert main(["--linear", "--exclude", "report-5.txt", "--out", str(out), *paths]) == 0
    assert "report-5.txt: excluded" in capsys.readouterr().out
    fitted = load_learned(out)
    assert isinstance(fitted, LinearModel) and fitted.reports == 5
    assert Tagger(fitted).tag(KESTREL).judgement == "leadership"
