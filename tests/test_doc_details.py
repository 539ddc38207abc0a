"""A person's corrections of a document's details (authority, type, date, title): checked,
on record, reflected in search and evidence, and kept through re-ingest and reindex."""
import getpass
import re

import pytest

from kb.cli import main
from kb.doc_details import DetailError, checked
from kb.evidence import EvidenceFilter, gather
from kb.kb import KnowledgeBase
from kb.search import search

OWN_PAPER = """Quarterly practice report

Help and protection

Assessments completed within 45 working days rose to 86% this quarter, and audits rated most assessments good.

Strategy discussions are held promptly with police and health colleagues, so decisions about risk are timely.

Leadership

Caseloads in two teams remain too high and recruitment of experienced social workers is difficult.
"""


@pytest.fixture
def home(tmp_path):
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "practice-report.txt").write_text(OWN_PAPER)
    home = tmp_path / "kb"
    assert main(["--home", str(home), "ingest", str(folder / "practice-report.txt")]) == 0
    return home


def kb_at(home) -> KnowledgeBase:
    return KnowledgeBase(home)


def doc(home, name="practice-report"):
    kb = kb_at(home)
    try:
        return kb.store.document(name)
    finally:
        kb.close()


def run(home, *args) -> int:
    return main(["--home", str(home), *args])


def test_the_values_are_checked_with_a_sentence_saying_what_is_wrong():
    assert checked("authority", "  North   Shire ") == "North Shire"
    assert checked("date", "2024-02-29") == "2024-02-29"
    for field, value, says in [("doc_type", "minutes", "not a document type"),
                               ("date", "2023-02-29", "not a real date"),
                               ("date", "29/02/2024", "YYYY-MM-DD"),
                               ("authority", "   ", "cannot be empty"),
                               ("title", "", "cannot be empty"),
                               ("title", "x" * 301, "too long")]:
        with pytest.raises(DetailError, match=says) as e:
            checked(field, value)
        assert e.value.field == field


def test_a_correction_is_recorded_and_search_and_evidence_use_it(home, capsys):
    before = doc(home)
    assert before["authority"] != "Northshire"
    assert run(home, "doc", "practice-report", "--authority", "Northshire", "--date", "2024-03-31",
               "--type", "self-evaluation", "--who", "Priya") == 0
    out = capsys.readouterr().out
    assert "authority" in out and "Northshire" in out and "Priya" in out
    after = doc(home)
    assert (after["authority"], after["date"], after["doc_type"]) == ("Northshire", "2024-03-31", "self-evaluation")

    kb = kb_at(home)
    try:
        history = kb.store.document_history("practice-report")
        assert {(h["who"], h["field"], h["new"]) for h in history} == {
            ("Priya", "authority", "Northshire"), ("Priya", "date", "2024-03-31"),
            ("Priya", "doc_type", "self-evaluation")}
        assert all(h["at"] for h in history)
        assert [h["old"] for h in history if h["field"] == "authority"] == [before["authority"]]
        hits = search(kb.index, "caseloads", authority="Northshire").hits
        assert hits and {h.doc_id for h in hits} == {"practice-report"}
        assert search(kb.index, "caseloads", doc_type="self-evaluation").hits
        assert not search(kb.index, "caseloads", doc_type=before["doc_type"]).hits or \
            before["doc_type"] == "self-evaluation"
        groups = gather(kb.store.paragraphs(include_boilerplate=False), "leadership",
                        EvidenceFilter(authority="Northshire"))
        items = [i for g in groups for i in g.items]
        assert items and all(i["date"] == "2024-03-31" for i in items)
    finally:
        kb.close()

    assert run(home, "doc", "practice-report") == 0
    shown = capsys.readouterr().out
    assert re.search(r"authority\s+Northshire\s+\(set by Priya", shown)
    assert "Priya  authority:" in shown


def test_the_correction_survives_force_remove_and_reingest_and_reindex(home, tmp_path, capsys):
    path = tmp_path / "papers" / "practice-report.txt"
    assert run(home, "doc", "practice-report", "--authority", "Northshire", "--title", "Q3 practice report") == 0
    assert run(home, "ingest", "--force", str(path)) == 0
    assert (doc(home)["authority"], doc(home)["title"]) == ("Northshire", "Q3 practice report")
    assert run(home, "remove", "practice-report") == 0
    assert doc(home) is None
    assert run(home, "ingest", str(path)) == 0
    assert doc(home)["authority"] == "Northshire"
    assert run(home, "reindex") == 0
    kb = kb_at(home)
    try:
        assert {h.doc_id for h in search(kb.index, "caseloads", authority="Northshire").hits} == {"practice-report"}
        # The history came back with the document.
        assert [h["field"] for h in kb.store.document_history("practice-report")] == ["authority", "title"]
    finally:
        kb.close()
    # A new version of the file, at the same path, keeps the person's values too.
    path.write_text(OWN_PAPER + "\nA new paragraph about supervision being regular and reflective.\n")
    assert run(home, "ingest", str(path)) == 0
    assert "replaced 1" in capsys.readouterr().out
    assert doc(home)["authority"] == "Northshire"


def test_another_file_given_the_same_name_later_does_not_inherit_the_correction(home, tmp_path):
    assert run(home, "doc", "practice-report", "--authority", "Northshire") == 0
    assert run(home, "remove", "practice-report") == 0
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "practice-report.txt").write_text("Quarterly practice report\n\nEastshire audits found supervision "
                                               "was regular and reflective in every team this quarter.\n")
    assert run(home, "ingest", str(other / "practice-report.txt")) == 0
    assert doc(home)["authority"] != "Northshire"


def test_bad_values_are_refused_and_nothing_is_changed(home, capsys):
    before = doc(home)
    for args, says in [(["--type", "minutes"], "not a document type"),
                       (["--date", "2024-02-30"], "not a real date"),
                       (["--authority", ""], "cannot be empty"),
                       (["--title", " "], "cannot be empty"),
                       # one good value beside a bad one is not saved either
                       (["--authority", "Northshire", "--date", "31-03-2024"], "YYYY-MM-DD")]:
        assert run(home, "doc", "practice-report", *args) == 2
        assert says in capsys.readouterr().err
    assert doc(home) == before
    kb = kb_at(home)
    try:
        assert kb.store.document_history("practice-report") == []
    finally:
        kb.close()
    assert run(home, "doc", "no-such-paper", "--authority", "Northshire") == 2
    assert "no document" in capsys.readouterr().err


def test_a_changed_type_changes_whose_voice_the_evidence_is_and_stays_through_reingest(home, tmp_path):
    kb = kb_at(home)
    try:
        voices = {i["voice"] for g in gather(kb.store.paragraphs(), "leadership") for i in g.items}
        assert voices == {"authority"}
        kb.correct_document("practice-report", {"doc_type": "ilacs-inspection"}, "Sam")
        voices = {i["voice"] for g in gather(kb.store.paragraphs(), "leadership") for i in g.items}
        assert voices == {"inspectors"}
        kb.ingest([tmp_path / "papers" / "practice-report.txt"], force=True)
        assert kb.store.document("practice-report")["doc_type"] == "ilacs-inspection"
        assert {i["voice"] for g in gather(kb.store.paragraphs(), "leadership") for i in g.items} == {"inspectors"}
    finally:
        kb.close()


# -- the web form ----------------------------------------------------------------------

@pytest.fixture
def client(home):
    from web.app import create_app
    app = create_app(home)
    app.config["TESTING"] = True
    return app.test_client()


def token(client, path):
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_the_document_page_edits_the_details_and_shows_their_history(client, home):
    page = client.get("/document/practice-report").get_data(as_text=True)
    assert 'action="/document/practice-report/details"' in page
    r = client.post("/document/practice-report/details", data={
        "csrf_token": token(client, "/document/practice-report"), "title": "Quarterly practice report",
        "doc_type": "self-evaluation", "authority": "Northshire", "date": "2024-03-31"})
    assert r.status_code == 303
    d = doc(home)
    assert (d["authority"], d["date"], d["doc_type"]) == ("Northshire", "2024-03-31", "self-evaluation")
    page = client.get("/document/practice-report").get_data(as_text=True)
    assert "Changes to these details" in page and getpass.getuser() in page and "Northshire" in page
    kb = kb_at(home)
    try:
        assert {h.doc_id for h in search(kb.index, "caseloads", authority="Northshire").hits} == {"practice-report"}
    finally:
        kb.close()


def test_the_form_refuses_bad_values_keeping_what_was_typed(client, home):
    before = doc(home)
    r = client.post("/document/practice-report/details", data={
        "csrf_token": token(client, "/document/practice-report"), "title": "Quarterly practice report",
        "doc_type": before["doc_type"], "authority": "Northshire", "date": "2024-02-30"})
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert "2024-02-30 is not a real date." in page
    assert 'value="Northshire"' in page        # the typing is not lost
    assert doc(home) == before
    r = client.post("/document/practice-report/details", data={
        "csrf_token": token(client, "/document/practice-report"), "title": "", "authority": "Northshire"})
    assert r.status_code == 400 and "The title cannot be empty." in r.get_data(as_text=True)
    assert doc(home) == before


def test_the_form_needs_the_csrf_token(client, home):
    before = doc(home)
    r = client.post("/document/practice-report/details", data={"authority": "Northshire"})
    assert r.status_code == 400
    assert doc(home) == before
