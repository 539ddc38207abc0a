"""The protective marking: one setting (KB_MARKING, default OFFICIAL-SENSITIVE), on every
web page and in every export the knowledge base writes (Word documents carry it in
their header and footer: kb/docx_writer.py and its tests)."""
import csv
import io
import json
import re
import xml.etree.ElementTree as ET
import zipfile

import pytest

from kb.cli import main
from kb.marking import DEFAULT_MARKING, marking
from kb.xlsx_writer import write_xlsx
from web.app import create_app

REPORT = """Inspection of Exampleshire local authority children's services

Inspection dates: 3 March to 14 March 2025

Judgement\tGrade
The impact of leaders on social work practice with children and families\tGood
The experiences and progress of children who need help and protection\tGood
The experiences and progress of children in care\tRequires improvement to be good
The experiences and progress of care leavers\tGood
Overall effectiveness\tGood

The experiences and progress of children who need help and protection: good

1. Strategy discussions are held promptly and police attend them, so decisions about risk are timely.

The experiences and progress of children in care: requires improvement to be good

2. Too many children in care move homes, and their plans are not always reviewed on time.
"""

CUSTOM = "OFFICIAL-SENSITIVE PERSONAL & CONFIDENTIAL"


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.delenv("KB_HOME", raising=False)
    monkeypatch.delenv("KB_MARKING", raising=False)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "exampleshire-ilacs-2025.txt").write_text(REPORT, encoding="utf-8")
    home = str(tmp_path / "kb")
    assert main(["--home", home, "ingest", str(docs)]) == 0
    return home


def run(capsys, *args) -> str:
    capsys.readouterr()
    assert main(list(args)) == 0
    return capsys.readouterr().out


def test_the_default_and_the_setting(monkeypatch):
    monkeypatch.delenv("KB_MARKING", raising=False)
    assert marking() == DEFAULT_MARKING == "OFFICIAL-SENSITIVE"
    monkeypatch.setenv("KB_MARKING", "  OFFICIAL \n")
    assert marking() == "OFFICIAL"
    monkeypatch.setenv("KB_MARKING", "   ")          # an empty setting does not drop the marking
    assert marking() == DEFAULT_MARKING
    monkeypatch.setenv("KB_MARKING", "SECRET\x1b[2J" + "X" * 200)
    assert "\x1b" not in marking() and len(marking()) <= 80 and marking().startswith("SECRET")


@pytest.mark.parametrize("setting", [None, CUSTOM])
def test_every_page_shows_the_marking_above_and_below(home, monkeypatch, setting):
    if setting:
        monkeypatch.setenv("KB_MARKING", setting)
    expected = setting or DEFAULT_MARKING
    app = create_app(home)
    app.config["TESTING"] = True
    client = app.test_client()
    try:
        for path in ("/", "/search?q=strategy", "/documents", "/grades", "/upload", "/no-such-page"):
            html = client.get(path).get_data(as_text=True)
            marks = re.findall(r'<p class="marking">([^<]*)</p>', html)
            assert marks == [expected.replace("&", "&amp;")] * 2, path
            assert html.index('class="marking"') < html.index("<main") < html.rindex('class="marking"')
    finally:
        app.extensions["kb_jobs"].shutdown()
        app.extensions["kb_state"].close()


def test_web_csv_and_word_exports_carry_it(home, monkeypatch):
    monkeypatch.setenv("KB_MARKING", CUSTOM)
    app = create_app(home)
    app.config["TESTING"] = True
    client = app.test_client()
    try:
        for path in ("/export/evidence.csv?target=help-protection", "/export/search.csv?q=strategy"):
            rows = list(csv.DictReader(io.StringIO(client.get(path).get_data(as_text=True).lstrip("\ufeff"))))
            assert rows and all(r["marking"] == CUSTOM for r in rows), path
        grades_rows = list(csv.DictReader(io.StringIO(client.get("/grades.csv").get_data(as_text=True).lstrip("\ufeff"))))
        assert grades_rows and all(r["marking"] == CUSTOM for r in grades_rows)
        assert_xlsx_marked(client.get("/grades.xlsx").get_data(), CUSTOM)
    finally:
        app.extensions["kb_jobs"].shutdown()
        app.extensions["kb_state"].close()


def test_command_line_exports_and_grades_carry_it(home, capsys, monkeypatch):
    monkeypatch.setenv("KB_MARKING", CUSTOM)
    records = [json.loads(line) for line in run(capsys, "--home", home, "export", "--format", "jsonl").splitlines()]
    assert records and all(r["marking"] == CUSTOM for r in records)
    rows = list(csv.DictReader(io.StringIO(run(capsys, "--home", home, "export", "--format", "csv"))))
    assert len(rows) == len(records) and all(r["marking"] == CUSTOM for r in rows)
    assert list(rows[0])[0] == "marking"            # the first column, where it is seen first

    grades_csv = list(csv.DictReader(io.StringIO(run(capsys, "--home", home, "grades", "--csv"))))
    assert grades_csv and all(r["marking"] == CUSTOM for r in grades_csv)
    assert json.loads(run(capsys, "--home", home, "grades", "--json"))["marking"] == CUSTOM
    text = run(capsys, "--home", home, "grades").strip().splitlines()
    assert text[0] == text[-1] == CUSTOM and "Exampleshire" in text


def test_workbooks_are_marked_with_the_default(monkeypatch):
    monkeypatch.delenv("KB_MARKING", raising=False)
    assert_xlsx_marked(write_xlsx(["a"], [["b"]], title="Grades"), DEFAULT_MARKING)


def assert_xlsx_marked(body: bytes, expected: str) -> None:
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "dc": "http://purl.org/dc/elements/1.1/",
          "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"}
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
        core = ET.fromstring(z.read("docProps/core.xml"))
    printed = expected.replace("&", "&&")       # a literal & in a header is doubled
    assert sheet.find("m:headerFooter/m:oddHeader", ns).text == "&C" + printed
    assert sheet.find("m:headerFooter/m:oddFooter", ns).text == "&C" + printed
    assert core.find("dc:title", ns).text.startswith(expected)
    assert core.find("cp:category", ns).text == expected
