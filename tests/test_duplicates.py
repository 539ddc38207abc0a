"""Copies: the same document held twice (as text and as PDF, or re-issued with small
changes) is found at ingest, kept in the store, and shown once in evidence, search and
exports."""
import json
import textwrap

import pytest

from kb.cli import main
from kb.duplicates import COPY_SHARE, runs, share
from kb.evidence import gather
from kb.kb import KnowledgeBase
from kb.search import search
from test_pdf import make_pdf, text_lines

TITLE = "Inspection of Northshire local authority children's services"
PARAGRAPHS = [
    "Inspection dates: 2 June to 13 June 2024",
    "The experiences and progress of children who need help and protection: requires improvement to be good",
    "1. Too many child and family assessments are not completed within timescales, and the analysis of risk "
    "is not always strong enough to show what life is like for the child.",
    "2. Strategy discussions are held promptly and police attend them, so that decisions about risk are timely "
    "and children are protected when they need to be.",
    "3. Children who go missing from home are offered return home interviews, although the information from "
    "these is not consistently used to reduce risk.",
    "The experiences and progress of children in care: good",
    "4. Children in care live in stable homes with foster carers who know them well, and most brothers and "
    "sisters live together when that is right for them.",
    "5. Independent reviewing officers visit children before their reviews and challenge social workers when "
    "plans drift, which helps children to achieve permanence without delay.",
    "The experiences and progress of care leavers: good",
    "6. Personal advisers keep in touch with care leavers and help them to find suitable accommodation, "
    "education, training and employment as they move towards adulthood.",
    "The impact of leaders on social work practice with children and families: good",
    "7. Leaders have a strong understanding of practice through regular audits and a well-established quality "
    "assurance framework that includes the views of children and their families.",
    "8. Caseloads are manageable for most social workers, who say that they feel well supported by managers "
    "and receive regular supervision that helps them reflect on their practice.",
]
OWN_ACCOUNT = """Northshire children's services self-evaluation 2024-25

Help and protection

Assessment timeliness improved to 81% this year after we added a second assessment team, and our audits show better analysis of risk.

Inspectors said: "Strategy discussions are held promptly and police attend them, so that decisions about risk are timely and children are protected when they need to be."

Leadership

Caseloads remain too high in two teams and recruitment of experienced social workers is difficult, so we have begun a new recruitment campaign.

Inspectors said: "Caseloads are manageable for most social workers, who say that they feel well supported by managers and receive regular supervision that helps them reflect on their practice."
"""


def as_text(paragraphs=PARAGRAPHS) -> str:
    return TITLE + "\n\n" + "\n\n".join(paragraphs) + "\n"


def as_pdf(paragraphs=PARAGRAPHS) -> bytes:
    """The same report as a PDF, its paragraphs wrapped into lines."""
    pages, items, top = [], [(72, 780, TITLE, 16, True)], 740
    for para in paragraphs:
        heading = para.startswith("The ")       # the judgement headings, set bold and larger
        lines = textwrap.wrap(para, 60 if heading else 80)
        if top - len(lines) * 14.5 < 80:
            pages.append(items)
            items, top = [], 780
        items += text_lines(lines, top, size=14 if heading else 12, bold=heading)
        top -= len(lines) * 14.5 + 14
    pages.append(items)
    return make_pdf(pages)


@pytest.fixture
def files(tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "northshire-2024.txt").write_text(as_text())
    (folder / "northshire-2024.pdf").write_bytes(as_pdf())
    (folder / "self-evaluation.md").write_text(OWN_ACCOUNT)
    reissued = list(PARAGRAPHS)
    reissued[4] = reissued[4].replace("return home interviews", "return home interviews by an independent worker")
    (folder / "northshire-2024-reissued.txt").write_text(as_text(reissued))
    return folder


def run(home, *args) -> int:
    return main(["--home", str(home), *args])


def docs(home, capsys) -> dict:
    capsys.readouterr()
    assert run(home, "docs", "--json") == 0
    return {d["doc_id"]: d for d in json.loads(capsys.readouterr().out)}


def exported(home, capsys, *args) -> set[str]:
    capsys.readouterr()
    assert run(home, "export", *args) == 0
    return {json.loads(line)["doc_id"] for line in capsys.readouterr().out.splitlines()}


def searched(home, query) -> set[str]:
    kb = KnowledgeBase(home)
    try:
        return {h.doc_id for h in search(kb.index, query, limit=50).hits}
    finally:
        kb.close()


def evidence_docs(home, judgement) -> list[str]:
    kb = KnowledgeBase(home)
    try:
        return [i["doc_id"] for g in gather(kb.store.paragraphs(include_boilerplate=False), judgement) for i in g.items]
    finally:
        kb.close()


def test_the_share_of_runs_ignores_how_the_text_was_split_into_paragraphs():
    text = " ".join(PARAGRAPHS)
    assert share(runs(PARAGRAPHS), runs([text])) == 1.0
    assert share(runs(PARAGRAPHS), runs(p.upper() + "," for p in PARAGRAPHS)) == 1.0
    assert share(runs(PARAGRAPHS), runs(OWN_ACCOUNT.split("\n\n"))) < 0.3


def test_a_report_held_as_text_and_as_pdf_is_kept_once_as_the_pdf(files, tmp_path, capsys):
    home = tmp_path / "kb"
    assert run(home, "ingest", str(files / "northshire-2024.txt"), str(files / "self-evaluation.md")) == 0
    capsys.readouterr()
    assert run(home, "ingest", str(files / "northshire-2024.pdf")) == 0
    out = capsys.readouterr().out
    # The PDF cites pages, so it is the one kept; the text becomes the copy.
    assert "northshire-2024 looks like a copy of northshire-2024-2: kept once in lists and exports" in out
    held = docs(home, capsys)
    assert held["northshire-2024"]["duplicate_of"] == "northshire-2024-2"
    assert held["northshire-2024-2"]["duplicate_of"] is None
    assert held["self-evaluation"]["duplicate_of"] is None
    assert held["northshire-2024"]["paragraphs"] > 5          # nothing of the copy is lost
    assert run(home, "docs") == 0
    assert "copy of northshire-2024-2" in capsys.readouterr().out

    assert exported(home, capsys) == {"northshire-2024-2", "self-evaluation"}
    assert exported(home, capsys, "--all") == {"northshire-2024", "northshire-2024-2", "self-evaluation"}
    assert searched(home, "return home interviews") == {"northshire-2024-2"}
    assert "northshire-2024" not in evidence_docs(home, "help-protection")
    assert "northshire-2024-2" in evidence_docs(home, "help-protection")
    # The copy's own pages still show it whole.
    assert run(home, "show", "northshire-2024") == 0
    assert "return home interviews" in capsys.readouterr().out
    # And a rebuilt index keeps it out too.
    assert run(home, "reindex") == 0
    assert searched(home, "foster carers") == {"northshire-2024-2"}


def test_a_reissue_with_a_small_change_is_a_copy_and_a_document_quoting_two_paragraphs_is_not(files, tmp_path, capsys):
    home = tmp_path / "kb"
    assert run(home, "ingest", str(files / "northshire-2024.txt")) == 0
    assert run(home, "ingest", str(files / "self-evaluation.md")) == 0
    assert "looks like a copy" not in capsys.readouterr().out
    assert run(home, "ingest", str(files / "northshire-2024-reissued.txt")) == 0
    assert "northshire-2024-reissued looks like a copy of northshire-2024" in capsys.readouterr().out
    held = docs(home, capsys)
    assert held["northshire-2024-reissued"]["duplicate_of"] == "northshire-2024"
    assert held["self-evaluation"]["duplicate_of"] is None
    assert evidence_docs(home, "in-care").count("northshire-2024") >= 1
    assert "northshire-2024-reissued" not in evidence_docs(home, "in-care")


def test_the_threshold_separates_a_reissue_from_a_paper_wrapping_the_report():
    report = runs(PARAGRAPHS)
    reissue = list(PARAGRAPHS)
    reissue[6] = "4. Children in care are cared for by foster carers, and a new placement team is being recruited."
    assert share(report, runs(reissue)) >= COPY_SHARE
    # A cabinet paper that holds the whole report and as much again of its own is its own document.
    cover = [p.replace("Children", "Councillors").replace("children", "members") + " The cabinet noted this."
             for p in PARAGRAPHS]
    assert share(report, runs(cover + PARAGRAPHS)) < COPY_SHARE


def test_removing_the_kept_document_brings_its_copy_back_and_reingest_keeps_roles(files, tmp_path, capsys):
    home = tmp_path / "kb"
    assert run(home, "ingest", str(files / "northshire-2024.txt"), str(files / "northshire-2024-reissued.txt")) == 0
    assert docs(home, capsys)["northshire-2024-reissued"]["duplicate_of"] == "northshire-2024"
    # Processing either again leaves the roles as they were.
    assert run(home, "ingest", "--force", str(files / "northshire-2024-reissued.txt")) == 0
    assert run(home, "ingest", "--force", str(files / "northshire-2024.txt")) == 0
    held = docs(home, capsys)
    assert held["northshire-2024-reissued"]["duplicate_of"] == "northshire-2024"
    assert held["northshire-2024"]["duplicate_of"] is None
    assert searched(home, "foster carers") == {"northshire-2024"}

    assert run(home, "remove", "northshire-2024") == 0
    assert docs(home, capsys)["northshire-2024-reissued"]["duplicate_of"] is None
    assert searched(home, "foster carers") == {"northshire-2024-reissued"}
    assert exported(home, capsys) == {"northshire-2024-reissued"}
    assert "northshire-2024-reissued" in evidence_docs(home, "in-care")


def test_an_upload_through_the_app_is_checked_for_copies_too(files, tmp_path):
    kb = KnowledgeBase(tmp_path / "kb")
    try:
        kb.ingest([files / "northshire-2024.pdf"])
        outcome, doc_id = kb.ingest_bytes((files / "northshire-2024.txt").read_bytes(), "northshire-2024.txt")
        assert outcome == "added"
        assert kb.store.document(doc_id)["duplicate_of"] == "northshire-2024"
        assert {h.doc_id for h in search(kb.index, "foster carers").hits} == {"northshire-2024"}
    finally:
        kb.close()


def test_short_notes_and_documents_of_different_dates_are_never_copies(files, tmp_path, capsys):
    home = tmp_path / "kb"
    notes = []
    for i in (1, 2):
        note = files / f"visit-{i}.md"
        note.write_text(f"# Visit {i}\n\nVisit {i} found that managers oversee plans for children well "
                        f"and review them monthly.\n\nA second paragraph, {i}.\n")
        notes.append(str(note))
    later = files / "northshire-2025.txt"
    later.write_text(as_text([p.replace("2 June to 13 June 2024", "2 June to 13 June 2025") for p in PARAGRAPHS]))
    assert run(home, "ingest", *notes, str(files / "northshire-2024.txt"), str(later)) == 0
    held = docs(home, capsys)
    assert held["northshire-2024"]["date"] != held["northshire-2025"]["date"]
    assert all(d["duplicate_of"] is None for d in held.values())
