"""The grades table across authorities: the domain (kb.grades), `kb grades` and the /grades page,
on fixture documents written to a store by the tests."""
import csv
import io
import json
import re
import zipfile
import xml.etree.ElementTree as ET

import pytest

from indexer.model import Paragraph
from kb import grades
from kb.cli import main
from kb.kb import KnowledgeBase
from kb.xlsx_writer import column_name, write_xlsx
from web.app import create_app

RI = "requires improvement to be good"
ILACS = {"overall": "good", "help-protection": "good", "in-care": "outstanding", "care-leavers": "good",
         "leadership": "good"}
SIF = {"overall": RI, "help-protection": RI, "in-care": RI, "adoption": "inadequate", "care-leavers": "good",
       "leadership": RI, "lscb": "good"}


def doc(doc_id, doc_type, authority, date, grades_=None, **extra):
    return {"doc_id": doc_id, "title": f"Report {doc_id}", "source": f"{doc_id}.pdf", "doc_type": doc_type,
            "authority": authority, "date": date, "grades": dict(grades_ or {}), **extra}


def fixture_docs():
    return [
        doc("north-ilacs-2023", "ilacs-inspection", "Northshire", "2023-05-12", ILACS),
        doc("north-ilacs-2023-text", "ilacs-inspection", "northshire ", "2023-05-12", ILACS),   # the same, as text
        doc("north-fv-2024", "focused-visit", "Northshire", "2024-02-01"),
        doc("north-sif-2017", "sif-inspection", "Northshire", "2017-03-03", SIF),
        doc("north-sef", "self-evaluation", "Northshire", "2024-06-01"),
        doc("south-ilacs-2022", "ilacs-inspection", "Southshire", "2022-01-10",
            {"overall": "inadequate", "help-protection": "inadequate", "leadership": "inadequate"}),
        doc("south-ilacs-2019", "ilacs-inspection", "Southshire", "2019-11-01",
            {"overall": "good", "help-protection": "good", "leadership": "inadequate"}),
        doc("east-mv-2023", "monitoring-visit", "Eastshire", "2023-09-09"),
        doc("west-pre-2011", "pre-sif-inspection", "Westshire", "2011-04-04"),
        doc("nameless-ilacs", "ilacs-inspection", None, "2020-01-01", ILACS),
    ]


def by_name(table, name):
    return next(a for a in table.authorities if a.authority == name)


# -- the domain -----------------------------------------------------------------------------

@pytest.mark.parametrize("before, after, expected", [
    ("good", "outstanding", "improved"), (RI, "good", "improved"), ("inadequate", RI, "improved"),
    ("good", RI, "declined"), ("outstanding", "inadequate", "declined"), ("good", "good", "same"),
    (None, "good", None), ("good", None, None), ("adequate", "good", None),
])
def test_change_follows_the_grade_order(before, after, expected):
    assert grades.change(before, after) == expected


def test_each_authority_has_its_latest_inspection_first_and_earlier_ones_after():
    table = grades.build(fixture_docs())
    assert [a.authority for a in table.authorities] == ["Eastshire", "Northshire", "Southshire", "Westshire"]
    north = by_name(table, "Northshire")
    assert [i.date for i in north.inspections] == ["2023-05-12", "2017-03-03"]
    assert north.latest.grades == ILACS and north.previous.grades == SIF


def test_copies_of_one_report_are_one_inspection_and_named():
    north = by_name(grades.build(fixture_docs()), "Northshire")
    assert len(north.inspections) == 2
    assert {north.latest.doc_id, *north.latest.copies} == {"north-ilacs-2023", "north-ilacs-2023-text"}
    assert north.latest.disagreements == ()


def test_a_copy_the_store_marked_joins_its_original_whatever_its_date():
    docs = [doc("a", "ilacs-inspection", "Northshire", "2023-05-12", ILACS),
            doc("b", "ilacs-inspection", "Northshire", "2023-07-01", {"overall": "good"}, duplicate_of="a")]
    north = by_name(grades.build(docs), "Northshire")
    assert len(north.inspections) == 1 and north.latest.doc_id == "a" and north.latest.copies == ("b",)


def test_copies_that_read_a_grade_differently_say_so():
    docs = [doc("a", "ilacs-inspection", "Northshire", "2023-05-12", ILACS),
            doc("b", "ilacs-inspection", "Northshire", "2023-05-12", dict(ILACS, leadership=RI))]
    assert by_name(grades.build(docs), "Northshire").latest.disagreements == ("leadership",)


def test_changes_compare_each_judgement_with_the_inspection_before():
    table = grades.build(fixture_docs())
    north, south = by_name(table, "Northshire"), by_name(table, "Southshire")
    # SIF to ILACS: in care RI -> outstanding; the older judgements (adoption, LSCB) are not compared.
    assert north.changes() == {"overall": "improved", "help-protection": "improved", "in-care": "improved",
                               "care-leavers": "same", "leadership": "improved"}
    assert south.changes() == {"overall": "declined", "help-protection": "declined", "leadership": "same"}
    assert south.changes(1) == {}     # nothing before the earliest


def test_visits_are_listed_by_date_and_never_graded():
    table = grades.build(fixture_docs())
    north, east = by_name(table, "Northshire"), by_name(table, "Eastshire")
    assert north.latest_visit.doc_id == "north-fv-2024"
    assert all(i.doc_type in grades.INSPECTION_TYPES for a in table.authorities for i in a.inspections)
    assert east.latest is None and east.latest_visit.date == "2023-09-09"
    assert "self-evaluation" not in {i.doc_type for a in table.authorities for i in a.inspections}


def test_a_report_before_the_sif_is_an_inspection_without_grades():
    west = by_name(grades.build(fixture_docs()), "Westshire")
    assert west.latest.doc_id == "west-pre-2011" and west.latest.grades == {} and west.changes() == {}


def test_inspection_reports_that_name_no_authority_are_set_apart():
    table = grades.build(fixture_docs())
    assert [d["doc_id"] for d in table.unattributed] == ["nameless-ilacs"]
    assert "nameless-ilacs" in grades.to_text(table)


def test_sorting_by_authority_date_and_overall_grade():
    authorities = grades.build(fixture_docs()).authorities
    names = lambda xs: [a.authority for a in xs]
    assert names(grades.sort(authorities, "authority", descending=True)) == \
        ["Westshire", "Southshire", "Northshire", "Eastshire"]
    # Newest latest inspection first; an authority with no inspection comes last either way.
    assert names(grades.sort(authorities, "date")) == ["Northshire", "Southshire", "Westshire", "Eastshire"]
    assert names(grades.sort(authorities, "date", descending=True)) == \
        ["Westshire", "Southshire", "Northshire", "Eastshire"]
    # Best overall grade first; no overall grade (before the SIF, or no inspection) last.
    assert names(grades.sort(authorities, "overall")) == ["Northshire", "Southshire", "Eastshire", "Westshire"]
    with pytest.raises(ValueError, match="cannot sort by 'size'"):
        grades.sort(authorities, "size")


def test_grade_keys_put_overall_first_and_older_judgements_beside_their_area():
    keys = grades.grade_keys()
    assert keys[0] == "overall" and set(keys) == set(grades.framework.GRADE_KEYS)
    assert keys.index("adoption") == keys.index("in-care") + 1
    assert grades.short_name("lscb") == "LSCB" and grades.short_name("help-protection") == "Help and protection"


def test_rows_hold_one_inspection_each_with_its_change_and_the_latest_visit():
    table = grades.build(fixture_docs())
    fields = grades.row_fields()
    rows = [dict(zip(fields, r)) for r in grades.rows(table, lambda d: f"/document/{d}")]
    north = [r for r in rows if r["authority"] == "Northshire"]
    assert [r["inspection"] for r in north] == ["latest", "earlier"]
    assert north[0]["in-care"] == "outstanding" and north[0]["in-care_change"] == "improved"
    assert north[1]["adoption"] == "inadequate" and north[1]["adoption_change"] == ""
    assert north[0]["latest_visit_date"] == "2024-02-01" and north[0]["link"] == "/document/north-ilacs-2023"
    assert not [r for r in rows if r["authority"] == "Eastshire"]       # a visit is no inspection row
    readable = dict(zip(fields, grades.rows(table, readable=True)[0]))
    assert readable["overall"] == "Good" and readable["doc_type"] == "ILACS inspection"


def test_csv_neutralises_cells_that_would_run_as_formulas():
    docs = [doc("evil", "ilacs-inspection", "=HYPERLINK(\"http://x\")", "2023-01-01", ILACS, title="@SUM(A1)")]
    parsed = list(csv.DictReader(io.StringIO(grades.to_csv(grades.build(docs)))))
    assert parsed[0]["authority"].startswith("'=") and parsed[0]["title"] == "'@SUM(A1)"


def test_json_names_each_judgement_and_the_changes():
    data = grades.build(fixture_docs()).to_dict()
    assert {"id": "lscb", "title": "The effectiveness of the Local Safeguarding Children Board",
            "short": "LSCB"} in data["judgements"]
    south = next(a for a in data["authorities"] if a["authority"] == "Southshire")
    assert south["latest"]["date"] == "2022-01-10" and south["changes"]["overall"] == "declined"
    assert [e["date"] for e in south["earlier"]] == ["2019-11-01"]
    json.dumps(data)


# -- the Excel workbook ---------------------------------------------------------------------

def sheet_rows(body: bytes) -> list[list[str]]:
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        assert "[Content_Types].xml" in z.namelist()
        root = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    out = []
    for row in root.iterfind(".//m:sheetData/m:row", ns):
        cells = {}
        for c in row.iterfind("m:c", ns):
            col = re.match(r"[A-Z]+", c.get("r")).group()
            text = c.find(".//m:t", ns)
            cells[col] = text.text if text is not None else c.find("m:v", ns).text
        width = max((n for n in range(40) if column_name(n) in cells), default=-1) + 1
        out.append([cells.get(column_name(n), "") for n in range(width)])
    return out


def test_column_names_run_past_z():
    assert [column_name(n) for n in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]


def test_workbook_holds_text_never_formulas_and_a_filter_on_the_header():
    body = write_xlsx(["Name", "Count"], [["=1+1", 3], ["a <b> & \x01c", None]], sheet="Grades")
    rows = sheet_rows(body)
    assert rows == [["Name", "Count"], ["=1+1", "3"], ["a <b> & c"]]
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and '<autoFilter ref="A1:B3"/>' in sheet and 'state="frozen"' in sheet


def test_grades_workbook_has_people_s_headings_and_words():
    rows = sheet_rows(grades.to_xlsx(grades.build(fixture_docs())))
    header = rows[0]
    assert header[:3] == ["Authority", "Inspection", "Date"] and "LSCB: change" in header
    north = rows[1]
    assert north[0] == "Northshire" and north[header.index("Overall effectiveness")] == "Good"
    assert north[header.index("Overall effectiveness: change")] == "improved"


# -- the command line -----------------------------------------------------------------------

@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.delenv("KB_HOME", raising=False)
    path = tmp_path / "kb"
    kb = KnowledgeBase(path)
    store_fixtures(kb)
    kb.close()
    return str(path)


def store_fixtures(kb) -> None:
    for n, d in enumerate(fixture_docs()):
        record = dict(d, content_hash=f"hash-{n}", format="pdf")
        para = Paragraph(seq=0, text=f"Text of {d['doc_id']}.", kind="paragraph", page=1, number=None, section=[])
        tags = {"judgement": None, "judgements": {}, "criteria": {}, "stance": "context", "sentences": [],
                "confidence": 0.5, "explanation": []}
        kb.store.save_document(record, [para], [tags])


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_prints_latest_grades_changes_and_history(capsys, home):
    code, out, _ = run(capsys, "--home", home, "grades")
    assert code == 0
    north = out[out.index("Northshire"):out.index("Southshire")]
    assert "latest: ILACS inspection, 2023-05-12" in north
    assert re.search(r"Children in care\s+Outstanding\s+improved \(was Requires improvement to be good\)", north)
    assert re.search(r"Care leavers\s+Good\s+same", north)
    assert "earlier: SIF inspection, 2017-03-03" in north and "Adoption Inadequate" in north
    assert "latest visit: focused visit, 2024-02-01 (no grades)" in north
    assert "also held as: north-ilacs-2023-text" in north
    assert "1 inspection report(s) name no authority" in out


def test_cli_json_sorted_by_date(capsys, home):
    code, out, _ = run(capsys, "--home", home, "grades", "--json", "--sort", "date")
    data = json.loads(out)
    assert code == 0 and [a["authority"] for a in data["authorities"]][:2] == ["Northshire", "Southshire"]


def test_cli_csv_to_a_file_with_links(capsys, home, tmp_path):
    out_path = tmp_path / "grades.csv"
    code, _, err = run(capsys, "--home", home, "grades", "--csv", "--out", str(out_path),
                       "--link-base", "http://kb.example/")
    assert code == 0 and "wrote 4 authorities' grades" in err
    rows = list(csv.DictReader(io.StringIO(out_path.read_text("utf-8"))))
    assert [r["authority"] for r in rows] == ["Northshire", "Northshire", "Southshire", "Southshire", "Westshire"]
    assert rows[0]["link"] == "http://kb.example/document/north-ilacs-2023"


def test_cli_xlsx_to_a_file(capsys, home, tmp_path):
    out_path = tmp_path / "grades.xlsx"
    code, _, _ = run(capsys, "--home", home, "grades", "--xlsx", "--out", str(out_path))
    assert code == 0 and sheet_rows(out_path.read_bytes())[1][0] == "Northshire"


def test_cli_says_plainly_when_it_cannot_write(capsys, home, tmp_path):
    code, _, err = run(capsys, "--home", home, "grades", "--csv", "--out", str(tmp_path / "missing" / "g.csv"))
    assert code == 2 and "cannot write" in err and "No such file or directory" in err


def test_cli_refuses_two_formats_at_once(capsys, home):
    with pytest.raises(SystemExit) as e:
        main(["--home", home, "grades", "--csv", "--xlsx"])
    assert e.value.code == 2 and "not allowed with argument" in capsys.readouterr().err


def test_cli_on_an_empty_knowledge_base(capsys, tmp_path):
    code, out, _ = run(capsys, "--home", str(tmp_path / "empty"), "grades")
    assert code == 0 and "no Ofsted inspection reports" in out


# -- the web page ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client(tmp_path_factory):
    app = create_app(tmp_path_factory.mktemp("kb"))
    app.config["TESTING"] = True
    state = app.extensions["kb_state"]
    store_fixtures(state.kb())
    yield app.test_client()
    app.extensions["kb_jobs"].shutdown()
    state.close()


def latest_table(html: str) -> str:
    return html[html.index("Latest inspection of each authority"):html.index("</table>")]


def test_page_is_in_the_navigation_and_shows_the_latest_grades_with_their_change(client):
    r = client.get("/grades")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert '<a href="/grades" aria-current="page">Grades</a>' in html
    table = latest_table(html)
    north = table[table.index("Northshire"):table.index("Southshire")]
    assert 'href="/document/north-ilacs-2023"' in north and "12 May 2023" in north
    assert "<strong>Outstanding</strong>" in north and "Improved<span class=\"visually-hidden\"> from Requires improvement to be good" in north
    assert "held 2 times, shown once" in north
    assert "1 February 2024" in north and "(not graded)" in north
    south = table[table.index("Southshire"):table.index("Westshire")]
    assert "Declined" in south and "Same as before" in south
    assert "LSCB" not in table     # no authority's latest inspection grades it


def test_page_lists_earlier_inspections_and_visits_per_authority(client):
    html = client.get("/grades").get_data(as_text=True)
    history = html[html.index("Inspection history"):]
    north = history[history.index('id="history-northshire"'):history.index('id="history-southshire"')]
    assert "3 March 2017" in north and "LSCB" in north and "Inadequate" in north     # the SIF's adoption grade
    assert "Not graded: visits give no grades" in north
    assert 'href="#history-northshire"' in html
    assert "name no authority" in html and 'href="/document/nameless-ilacs"' in html


def test_page_sorts_by_each_column_and_refuses_an_unknown_sort(client):
    def order(url):
        table = latest_table(client.get(url).get_data(as_text=True))
        return re.findall(r'<th scope="row">([^<]+)', table)
    assert order("/grades") == ["Eastshire", "Northshire", "Southshire", "Westshire"]
    assert order("/grades?sort=authority&order=desc") == ["Westshire", "Southshire", "Northshire", "Eastshire"]
    assert order("/grades?sort=date") == ["Northshire", "Southshire", "Westshire", "Eastshire"]
    assert order("/grades?sort=overall&order=asc")[:2] == ["Northshire", "Southshire"]
    html = client.get("/grades?sort=date").get_data(as_text=True)
    assert 'aria-sort="descending"' in html and "Sorted by latest inspection date, newest first" in html
    r = client.get("/grades?sort=colour")
    assert r.status_code == 400 and "not a way of sorting" in r.get_data(as_text=True)


def test_page_downloads_csv_and_excel_with_links_to_the_reports(client):
    r = client.get("/grades.csv?sort=date")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert 'filename="inspection-grades-' in r.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0]["authority"] == "Northshire" and rows[0]["link"].endswith("/document/north-ilacs-2023")
    x = client.get("/grades.xlsx")
    assert x.status_code == 200 and sheet_rows(x.data)[1][0] == "Northshire"
    assert client.get("/grades.pdf").status_code == 404


def test_page_on_an_empty_knowledge_base_says_how_to_add_reports(tmp_path):
    app = create_app(tmp_path / "empty")
    app.config["TESTING"] = True
    try:
        html = app.test_client().get("/grades").get_data(as_text=True)
        assert "No Ofsted inspection reports are held yet" in html and "Download this table" not in html
    finally:
        app.extensions["kb_jobs"].shutdown()
        app.extensions["kb_state"].close()
