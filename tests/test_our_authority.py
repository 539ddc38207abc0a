"""Whose knowledge base it is: our authority chosen, inferred from our own documents only,
or unknown (never guessed); the assistant's scope from the question; the pages and
commands that say whose evidence they show, with other authorities' inspections apart."""
from __future__ import annotations

import io
import re
from contextlib import redirect_stdout

import pytest

from kb import audit
from kb.assistant import ask, compare, pack
from kb.assistant.question import unheld_authority
from kb.cli import main
from kb.kb import KnowledgeBase
from kb.our_authority import CHOSEN, INFERRED, UNKNOWN, choose, our_authorities
from web.app import create_app


def inspection(name: str, dates: str, grade: str, finding: str) -> str:
    return f"""Inspection of {name} local authority children's services

Inspection dates: {dates}

Judgement\tGrade
The impact of leaders on social work practice with children and families\t{grade}
The experiences and progress of children who need help and protection\t{grade}
The experiences and progress of children in care\t{grade}
The experiences and progress of care leavers\t{grade}
Overall effectiveness\t{grade}

What needs to improve?

- The timeliness of child and family assessments.

The experiences and progress of children who need help and protection: {grade.lower()}

1. {finding}

2. Strategy discussions about child protection are held promptly and police attend them, so decisions about risk are timely.
"""


NORTH_INSPECTION = inspection("Northshire", "7 March to 18 March 2022", "Requires improvement to be good",
                              "Too many child and family assessments in Northshire are not completed within timescales.")
SOUTH_INSPECTION = inspection("Southshire", "2 June to 13 June 2024", "Outstanding",
                              "Child and family assessments in Southshire are thorough, timely and analyse risk well.")
NORTH_SELF_EVALUATION = """# Northshire Council children's services self-evaluation 2023-24

## Help and protection

There are 412 children on child protection plans in Northshire, and assessment timeliness improved to 81% this year after we added a second assessment team.
"""
SOUTH_PAPER = """Southshire County Council Cabinet report, 4 April 2024

Children's services improvement update

The number of children on child protection plans in Southshire fell to 230 this year, and visits to children on plans were timely.
"""


def build(home, *files) -> KnowledgeBase:
    kb = KnowledgeBase(home)
    for name, text in files:
        kb.ingest_bytes(text.encode(), name)
    return kb


@pytest.fixture
def kb(tmp_path):
    base = build(tmp_path / "kb", ("northshire-ilacs-2022.txt", NORTH_INSPECTION),
                 ("southshire-ilacs-2024.txt", SOUTH_INSPECTION),
                 ("northshire-self-evaluation-2023-24.md", NORTH_SELF_EVALUATION))
    yield base
    base.close()


def test_our_own_documents_naming_one_authority_infer_it_and_inspections_do_not(kb):
    ours = our_authorities(kb.store)
    assert ours.names == ("Northshire",) and ours.how == INFERRED
    assert ours.describe() == "Our authority: Northshire (inferred from our own documents)"
    # A second authority's own paper makes it undecided: never the alphabetically first.
    kb.ingest_bytes(SOUTH_PAPER.encode(), "southshire-cabinet-2024.txt")
    assert {d["authority"] for d in kb.store.documents()} == {"Northshire", "Southshire"}
    ours = our_authorities(kb.store)
    assert ours.names == () and ours.how == UNKNOWN
    assert "not chosen: choose it in settings" in ours.describe()
    with pytest.raises(ValueError, match="not chosen"):
        compare(kb)


def test_a_choice_is_stored_checked_and_audited(kb):
    kb.ingest_bytes(SOUTH_PAPER.encode(), "southshire-cabinet-2024.txt")
    ours = choose(kb.store, ["southshire"], "jo")
    assert ours.names == ("Southshire",) and ours.how == CHOSEN and ours.who == "jo"
    assert our_authorities(kb.store) == ours
    assert compare(kb).authority == "Southshire"
    with pytest.raises(ValueError, match="authorities held: Northshire, Southshire"):
        choose(kb.store, ["Atlantis"], "jo")
    assert our_authorities(kb.store).names == ("Southshire",)           # the bad choice changed nothing
    group = choose(kb.store, ["Northshire", "Southshire"], "jo")
    assert group.describe() == "Our authorities: Northshire and Southshire (chosen in settings)"
    with pytest.raises(ValueError, match="name one of them"):
        compare(kb)
    assert choose(kb.store, [], "jo").how == UNKNOWN
    entries = [e for e in audit.entries(kb.store.db, action="settings")]
    assert len(entries) == 3 and "-> Southshire (chosen)" in entries[0].detail and entries[0].who == "jo"


def test_compare_adds_other_authorities_findings_apart_only_on_request(kb):
    choose(kb.store, ["Northshire"], "jo")
    plain = compare(kb)
    assert plain.said == "Our authority: Northshire (chosen in settings)" and plain.said in plain.to_text()
    assert all(not r.elsewhere for r in plain.rows)
    assert {i["authority"] for r in plain.rows for i in r.ofsted + r.ours} == {"Northshire"}
    wider = compare(kb, with_comparators=True)
    elsewhere = [i for r in wider.rows for i in r.elsewhere]
    assert elsewhere and {i["authority"] for i in elsewhere} == {"Southshire"}
    assert {i["voice"] for i in elsewhere} == {"inspectors"}
    assert "What inspectors found elsewhere" in wider.to_text()
    assert [r.ofsted for r in wider.rows] == [r.ofsted for r in plain.rows]


def test_we_means_our_authority_and_the_answer_says_how(kb):
    kb.ingest_bytes(SOUTH_PAPER.encode(), "southshire-cabinet-2024.txt")
    choose(kb.store, ["Southshire"], "jo")
    answer = ask(kb, "How many children are on our child protection plans?")
    assert answer.understood.authority == "Southshire" and answer.understood.authority_assumed
    assert answer.cited() and {i["authority"] for i in answer.cited()} == {"Southshire"}
    assert "Our authority: Southshire (chosen in settings)" in answer.to_text()
    choose(kb.store, ["Northshire"], "jo")
    answer = ask(kb, "How many children are on our child protection plans?")
    assert answer.cited() and {i["authority"] for i in answer.cited()} == {"Northshire"}


def test_a_group_scopes_we_to_every_authority_of_it(kb):
    kb.ingest_bytes(SOUTH_PAPER.encode(), "southshire-cabinet-2024.txt")
    choose(kb.store, ["Northshire", "Southshire"], "jo")
    answer = ask(kb, "How many children are on our child protection plans?")
    assert answer.understood.authorities == ("Northshire", "Southshire")
    assert {i["authority"] for i in answer.cited()} <= {"Northshire", "Southshire"}
    assert "Our authorities: Northshire and Southshire" in answer.to_text()


def test_a_named_authority_scopes_the_answer_and_one_not_held_is_said_plainly(kb):
    choose(kb.store, ["Northshire"], "jo")
    answer = ask(kb, "What needs to improve in Southshire?")
    assert answer.understood.authority == "Southshire"
    assert {i["authority"] for i in answer.cited()} == {"Southshire"}
    answer = ask(kb, "What needs to improve in Hartlepool?")
    assert answer.message == "No documents of Hartlepool are held; authorities held: Northshire, Southshire."
    assert answer.cited() == [] and not answer.enough
    assert ask(kb, "what needs to improve in hartlepool").message.startswith("No documents of Hartlepool")


def test_only_an_authoritys_name_counts_as_naming_it():
    held = ["Durham"]
    assert unheld_authority("Reading the latest report, what needs to improve?", held) is None
    assert unheld_authority("How is reading encouraged for children in care?", held) is None
    assert unheld_authority("How does Reading support care leavers?", held) == "Reading"
    assert unheld_authority("What did inspectors find in Durham?", held) is None
    assert unheld_authority("What did inspectors find in North Somerset?", held) == "North Somerset"


def run(*argv) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        status = main(list(argv))
    return status, out.getvalue()


def test_init_and_settings_commands(tmp_path, capsys):
    home = str(tmp_path / "new")
    status, out = run("--home", home, "init", "--authority", "Hartlepool")
    assert status == 0
    assert "Our authority: Hartlepool (chosen in settings)" in out and "no documents of Hartlepool are held yet" in out
    status, out = run("--home", home, "settings")
    assert status == 0 and out.startswith("Our authority: Hartlepool (chosen in settings)")
    assert run("--home", home, "settings", "--authority", "Atlantis")[0] == 2
    assert "neither an authority held" in capsys.readouterr().err
    status, out = run("--home", home, "settings", "--no-authority")
    assert status == 0 and out.startswith("Our authority: not chosen")


# -- the web app ---------------------------------------------------------------------------

@pytest.fixture
def client(tmp_path):
    app = create_app(tmp_path / "web")
    app.config["TESTING"] = True
    kb = app.extensions["kb_state"].kb()
    for name, text in (("northshire-ilacs-2022.txt", NORTH_INSPECTION), ("southshire-ilacs-2024.txt", SOUTH_INSPECTION),
                       ("northshire-self-evaluation-2023-24.md", NORTH_SELF_EVALUATION),
                       ("southshire-cabinet-2024.txt", SOUTH_PAPER)):
        kb.ingest_bytes(text.encode(), name)
    yield app.test_client()
    app.extensions["kb_jobs"].shutdown()
    app.extensions["kb_state"].close()


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def save_settings(client, **form):
    html = client.get("/settings").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    return client.post("/settings", data={"csrf_token": csrf, **form})


def test_the_dashboard_shows_no_grade_until_ours_is_chosen_then_ours_not_the_newest(client):
    page = text_of(client.get("/").get_data(as_text=True))
    assert "Our authority: not chosen: choose it in settings" in page
    assert "Outstanding" not in page and "Latest grade" not in page
    r = save_settings(client, authority="Northshire")
    assert r.status_code == 303
    page = text_of(client.get("/").get_data(as_text=True))
    assert "Our authority: Northshire (chosen in settings)" in page
    assert "Latest grade: Requires improvement to be good" in page
    assert "Outstanding" not in page          # Southshire's newer report is not ours


def test_the_settings_page_refuses_a_bad_name_and_keeps_the_choice(client):
    save_settings(client, authority="Northshire")
    r = save_settings(client, other="Atlantis")
    assert r.status_code == 400
    page = text_of(r.get_data(as_text=True))
    assert "There is a problem" in page and "Atlantis" in page
    assert "Our authority: Northshire (chosen in settings)" in page
    r = save_settings(client, clear="1")
    assert r.status_code == 303
    assert "not chosen" in text_of(client.get("/settings").get_data(as_text=True))


def test_other_authorities_inspections_are_apart_and_only_on_request(client):
    save_settings(client, authority="Northshire")
    page = text_of(client.get("/criterion/hp.assessment").get_data(as_text=True))
    assert "Northshire" in page and "in Southshire are thorough" not in page
    assert "What inspectors found elsewhere" not in page and "Show what inspectors found elsewhere" in page
    page = text_of(client.get("/criterion/hp.assessment?comparators=1").get_data(as_text=True))
    ours, elsewhere = page.split("What inspectors found elsewhere Other authorities", 1)
    assert "in Southshire are thorough" not in ours and "in Southshire are thorough" in elsewhere
    assert "in Northshire are not completed" in ours and "in Northshire are not completed" not in elsewhere
    page = text_of(client.get("/judgement/help-protection?comparators=1").get_data(as_text=True))
    ours, elsewhere = page.split("What inspectors found elsewhere Other authorities", 1)
    assert "in Southshire are thorough" in elsewhere and "in Southshire are thorough" not in ours


def test_compare_page_says_whose_account_and_asks_when_undecided(client):
    r = client.get("/compare")
    assert r.status_code == 400 and "not chosen" in text_of(r.get_data(as_text=True))
    save_settings(client, authority="Northshire")
    page = text_of(client.get("/compare").get_data(as_text=True))
    assert "Our authority: Northshire (chosen in settings)" in page and "Northshire" in page


def test_compare_page_shows_other_authorities_findings_apart_on_request(client):
    save_settings(client, authority="Northshire")
    page = text_of(client.get("/compare").get_data(as_text=True))
    assert "Show what inspectors found elsewhere" in page and "in Southshire are thorough" not in page
    page = text_of(client.get("/compare?comparators=1").get_data(as_text=True))
    assert "Hide what inspectors found elsewhere" in page
    ours, elsewhere = page.split("What inspectors found elsewhere (other authorities' reports", 1)
    assert "in Southshire are thorough" in elsewhere and "in Southshire are thorough" not in ours


def test_a_pack_defaults_to_our_authority_and_says_so_on_its_title_page(kb):
    choose(kb.store, ["Northshire"], "jo")
    made = pack(kb, "help-protection")
    assert made.authority == "Northshire"
    assert ("Whose", "Our authority: Northshire (chosen in settings)") in made.details(prepared_by="jo")
    assert "Our authority: Northshire (chosen in settings)" in made.to_markdown(prepared_by="jo")
