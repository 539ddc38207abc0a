import pytest

from kb.evidence import EvidenceFilter, gather, parse_target


def row(pid, text, criteria=("hp.assessment",), stance="strength", doc_type="ilacs-inspection", date="2022-10-21",
        judgement="help-protection", number=None):
    doc_id = pid.split(":")[0]
    return {"paragraph_id": pid, "doc_id": doc_id, "title": doc_id, "doc_type": doc_type, "authority": "Testshire",
            "date": date, "page": 1, "number": number, "section": [], "text": text, "stance": stance,
            "judgement": judgement, "criteria": {c: 1.0 for c in criteria}, "sentences": [], "tag_source": "auto",
            "boilerplate": False, "fingerprint": text.lower()}


def test_groups_by_criterion_newest_first_with_both_voices():
    rows = [row("old:1", "Assessments were slow.", stance="development", date="2019-01-01"),
            row("new:1", "Assessments are timely.", date="2023-01-01"),
            row("sef:1", "Our assessments are timely.", doc_type="self-evaluation", date="2024-03-31"),
            row("new:2", "Plans are reviewed.", criteria=("hp.plans-reviews",), date="2023-01-01")]
    groups = {g.criterion.id: g for g in gather(rows, "help-protection") if g.criterion}
    items = groups["hp.assessment"].items
    assert [i["paragraph_id"] for i in items] == ["sef:1", "new:1", "old:1"]
    assert [i["paragraph_id"] for i in groups["hp.assessment"].by_voice("inspectors")] == ["new:1", "old:1"]
    assert [i["paragraph_id"] for i in groups["hp.assessment"].by_stance("development")] == ["old:1"]
    assert [i["paragraph_id"] for i in groups["hp.plans-reviews"].items] == ["new:2"]


def test_the_same_wording_twice_in_one_document_counts_once():
    rows = [row("papers:3", "A model of practice is being implemented."),
            row("papers:40", "A model of practice is being implemented."),
            row("other:1", "A model of practice is being implemented.")]
    (group,) = gather(rows, "hp.assessment")
    assert [i["paragraph_id"] for i in group.items] == ["papers:3", "other:1"]


def test_filters_and_targets():
    rows = [row("a:1", "Assessments are timely.", date="2021-05-01"),
            row("b:1", "Assessments drift.", stance="development", date="2023-05-01")]
    (group,) = gather(rows, "hp.assessment", EvidenceFilter(year_from=2022))
    assert [i["paragraph_id"] for i in group.items] == ["b:1"]
    (group,) = gather(rows, "hp.assessment", EvidenceFilter(stance="strength"))
    assert [i["paragraph_id"] for i in group.items] == ["a:1"]
    assert parse_target("cic.health") == ("in-care", "cic.health")
    with pytest.raises(ValueError, match="neither a judgement"):
        parse_target("nonsense")
