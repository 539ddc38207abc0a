"""The `kb` command line end to end, on small documents written by the tests."""
import csv
import io
import json

import pytest

from kb.cli import main

REPORT = """Inspection of Exampleshire local authority children's services

Inspection dates: 3 March to 14 March 2025

Judgement\tGrade
The impact of leaders on social work practice with children and families\tGood
The experiences and progress of children who need help and protection\tRequires improvement to be good
The experiences and progress of children in care\tGood
The experiences and progress of care leavers\tGood
Overall effectiveness\tGood

What needs to improve?

- The timeliness of child and family assessments.

The experiences and progress of children who need help and protection: requires improvement to be good

1. Children benefit from a well-established early help offer delivered through family hubs.

2. Strategy meetings are held promptly, but police do not always attend them.

The experiences and progress of children in care: good

3. Children in care live in stable homes with foster carers who know them well.

The experiences and progress of care leavers: good

4. Care leavers are supported by personal advisers who keep in touch with them.

The impact of leaders on social work practice with children and families: good

5. Leaders have a strong understanding of practice through regular audits.
"""

PAPER = """# Scrutiny committee: private fostering update

The local authority designated officer (LADO) received 120 allegations against professionals this year.

Private fostering notifications remain low, and awareness raising with schools continues.
"""


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.delenv("KB_HOME", raising=False)
    return str(tmp_path / "kb")


@pytest.fixture
def docs(tmp_path):
    d = tmp_path / "docs"
    (d / "sub").mkdir(parents=True)
    (d / "exampleshire-ilacs-2025.txt").write_text(REPORT, encoding="utf-8")
    (d / "sub" / "scrutiny.md").write_text(PAPER, encoding="utf-8")
    return d


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_ingest_folder_then_unchanged_then_forced(capsys, home, docs):
    code, out, _ = run(capsys, "--home", home, "ingest", str(docs))
    assert code == 0 and "added 2" in out
    code, out, _ = run(capsys, "--home", home, "ingest", str(docs))
    assert code == 0 and "unchanged 2" in out and "added 0" in out
    code, out, _ = run(capsys, "--home", home, "ingest", "--force", str(docs / "sub" / "scrutiny.md"))
    assert code == 0 and "replaced 1" in out


def test_one_bad_file_fails_alone(capsys, home, docs):
    (docs / "empty.txt").write_bytes(b"")
    (docs / "fake.pdf").write_text("<!DOCTYPE html><html><title>Report not found</title><body>Sorry</body></html>")
    code, out, err = run(capsys, "--home", home, "ingest", str(docs))
    assert code == 1
    assert "added 2" in out and "failed 2" in out
    assert "empty.txt" in err and "fake.pdf" in err and "Traceback" not in err
    code, out, _ = run(capsys, "--home", home, "docs", "--json")
    assert len(json.loads(out)) == 2


def test_docs_json_carries_metadata_and_grades(capsys, home, docs):
    run(capsys, "--home", home, "ingest", str(docs))
    code, out, _ = run(capsys, "--home", home, "docs", "--json")
    by_source = {d["source"]: d for d in json.loads(out)}
    report = by_source["exampleshire-ilacs-2025.txt"]
    assert report["doc_type"] == "ilacs-inspection"
    assert report["grades"]["help-protection"].startswith("requires improvement")
    assert report["grades"]["care-leavers"] == "good"
    assert report["paragraphs"] >= 5
    assert set(report) >= {"doc_id", "title", "source", "doc_type", "authority", "date", "pages", "paragraphs", "grades"}


def test_export_jsonl_and_csv(capsys, home, docs):
    run(capsys, "--home", home, "ingest", str(docs))
    code, out, _ = run(capsys, "--home", home, "export", "--format", "jsonl")
    records = [json.loads(line) for line in out.splitlines()]
    numbered = {r["number"]: r for r in records if r["number"]}
    assert numbered[3]["text"].startswith("Children in care live in stable homes")
    assert numbered[3]["judgement"] == "in-care"
    assert numbered[2]["section"][-1].startswith("The experiences and progress of children who need help")
    assert all({"doc_id", "paragraph_id", "page", "kind", "criteria", "stance", "judgements"} <= set(r) for r in records)
    code, out, _ = run(capsys, "--home", home, "export", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == len(records) and rows[0]["paragraph_id"]


def test_search_json_hits_cite_their_source(capsys, home, docs):
    run(capsys, "--home", home, "ingest", str(docs))
    code, out, _ = run(capsys, "--home", home, "search", "foster carers", "--json")
    hits = json.loads(out)["hits"]
    assert hits and "stable homes" in hits[0]["text"]
    assert hits[0]["number"] == 3 and "<mark>" in hits[0]["highlight"]
    assert {"paragraph_id", "doc_id", "title", "page", "number", "text", "highlight", "score"} <= set(hits[0])


def test_correction_survives_reindex_and_reingest(capsys, home, docs):
    run(capsys, "--home", home, "ingest", str(docs))
    code, out, _ = run(capsys, "--home", home, "export")
    target = next(json.loads(line) for line in out.splitlines() if "well-established early help" in line)
    pid = target["paragraph_id"]
    code, out, _ = run(capsys, "--home", home, "tag", pid, "--stance", "development", "--who", "qa lead")
    assert code == 0
    run(capsys, "--home", home, "reindex")
    run(capsys, "--home", home, "ingest", "--force", str(docs))
    code, out, _ = run(capsys, "--home", home, "export")
    again = next(json.loads(line) for line in out.splitlines() if "well-established early help" in line)
    assert again["stance"] == "development" and again["tag_source"] == "person"
    code, out, _ = run(capsys, "--home", home, "search", "family hubs", "--stance", "development", "--json")
    assert any("early help" in h["text"] for h in json.loads(out)["hits"])
    code, out, _ = run(capsys, "--home", home, "history", again["paragraph_id"])
    assert "qa lead" in out and "development" in out


def test_remove_and_unknown_document(capsys, home, docs):
    run(capsys, "--home", home, "ingest", str(docs))
    code, out, _ = run(capsys, "--home", home, "remove", "scrutiny")
    assert code == 0 and "removed" in out
    code, out, err = run(capsys, "--home", home, "show", "scrutiny")
    assert code == 2 and "no document" in err


def test_bad_input_is_a_clear_message(capsys, home):
    code, _, err = run(capsys, "--home", home, "search", "   ", "--json")
    assert code == 2 and "kb:" in err
    code, _, err = run(capsys, "--home", home, "tag", "nope:1", "--stance", "strength")
    assert code == 2 and "no paragraph" in err
    code, _, err = run(capsys, "--home", home, "evidence", "not-a-judgement")
    assert code == 2 and "neither a judgement" in err


def test_classify_contract(capsys, monkeypatch):
    lines = [json.dumps({"id": "a", "text": "Care leavers have personal advisers who stay in touch."}),
             "not json",
             json.dumps({"id": "b", "text": "Leaders do not always know the quality of practice."})]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    code, out, err = run(capsys, "classify")
    got = {o["id"]: o for o in map(json.loads, out.splitlines())}
    assert code == 1 and "line 2" in err
    assert got["a"]["judgement"] == "care-leavers" and got["b"]["stance"] == "development"
    assert set(got["a"]) >= {"id", "judgement", "judgements", "criteria", "stance"}


def test_an_index_from_another_version_is_rebuilt_once_and_said(capsys, home, docs):
    from pathlib import Path

    from kb.search.generations import POINTER_FILE
    from kb.search.schema import SCHEMA_VERSION
    from kb.home import INDEX_DIR

    assert main(["--home", home, "ingest", str(docs)]) == 0
    pointer = Path(home) / INDEX_DIR / POINTER_FILE
    name = pointer.read_text().split()[0]
    pointer.write_text(f"{name} {SCHEMA_VERSION - 1}\n")        # as an older kb left it
    capsys.readouterr()
    assert main(["--home", home, "docs"]) == 0
    out, err = capsys.readouterr()
    assert "Rebuilding the search index of" in err and "Exampleshire" in out
    assert pointer.read_text().split()[1] == str(SCHEMA_VERSION)
    pointer.write_text(f"{name} {SCHEMA_VERSION - 1}\n")
    assert main(["--home", home, "reindex"]) == 0
    out, err = capsys.readouterr()
    assert "Rebuilding" not in err and "index rebuilt:" in out    # rebuilt once, by the command


def test_learn_says_what_it_lacks_then_learns_from_a_correction(capsys, home, docs):
    run(capsys, "--home", home, "ingest", str(docs))
    code, _, err = run(capsys, "--home", home, "learn")
    assert code == 2 and "none for" in err and "correct some paragraphs' stance" in err
    code, out, _ = run(capsys, "--home", home, "export", "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    paper = next(r for r in rows if "120 allegations" in r["text"])
    leaders = next(r for r in rows if "Leaders have a strong" in r["text"])
    strategy = next(r for r in rows if "Strategy meetings" in r["text"])
    for row, stance in ((paper, "context"), (leaders, "strength"), (strategy, "development")):
        run(capsys, "--home", home, "tag", row["paragraph_id"], "--stance", stance)
    code, out, _ = run(capsys, "--home", home, "learn")
    assert code == 0 and "learned stance from" in out and "paragraphs changed" in out
    code, out, _ = run(capsys, "--home", home, "learn", "--forget")
    assert code == 0 and "shipped with kb" in out


def test_export_names_each_paragraphs_document_and_neutralises_formulas(capsys, home, docs):
    (docs / "tracker.md").write_text("# Audit tracker\n\n=HYPERLINK(\"http://example.org\",\"Open the audit\") "
                                     "was pasted into the tracker by mistake.\n\n"
                                     "-1 is the change in open cases since March.\n", encoding="utf-8")
    run(capsys, "--home", home, "ingest", str(docs))
    code, out, _ = run(capsys, "--home", home, "export", "--format", "jsonl")
    records = [json.loads(line) for line in out.splitlines()]
    report = next(r for r in records if r["number"] == 3)
    assert (report["authority"], report["doc_type"], report["date"][:4]) == ("Exampleshire", "ilacs-inspection", "2025")
    assert report["title"].startswith("Inspection of Exampleshire")
    code, out, _ = run(capsys, "--home", home, "export", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {"authority", "date", "doc_type", "title"} <= set(rows[0])
    texts = [r["text"] for r in rows if "tracker" in r["text"] or "open cases" in r["text"]]
    assert texts and all(t.startswith("'=") or t.startswith("'-") for t in texts)
    assert not any(v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())
