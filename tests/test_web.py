"""The web app through Flask's test client, on a small knowledge base the tests write."""
import csv
import io
import re
import zipfile

import pytest

from indexer.model import Paragraph, ReadError
from kb.audit import operator
from kb.docx_writer import write_docx
from web.app import create_app
from web.formatting import long_date, safe_highlight
from web.upload_check import check_upload

INSPECTION = """Inspection of Northshire local authority children's services

Inspection dates: 2 June to 13 June 2024

Judgement\tGrade
The impact of leaders on social work practice with children and families\tGood
The experiences and progress of children who need help and protection\tRequires improvement to be good
The experiences and progress of children in care\tGood
The experiences and progress of care leavers\tGood
Overall effectiveness\tGood

What needs to improve?

- The timeliness of child and family assessments.

The experiences and progress of children who need help and protection: requires improvement to be good

1. Too many child and family assessments are not completed within timescales, and the analysis of risk is not always strong enough.

2. Strategy discussions are held promptly and police attend them, so decisions about risk are timely.

The experiences and progress of children in care: good

3. Children in care live in stable homes with foster carers who know them well.

The experiences and progress of care leavers: good

4. Personal advisers keep in touch with care leavers and help them find suitable accommodation.

The impact of leaders on social work practice with children and families: good

5. Leaders have a strong understanding of practice through regular audits and a well-established quality assurance framework.
"""

SELF_EVALUATION = """# Northshire children's services self-evaluation 2024-25

## Help and protection

Assessment timeliness improved to 81% this year after we added a second assessment team, and audits show better analysis of risk.

## Leadership

Caseloads remain too high in two teams and recruitment of experienced social workers is difficult.
"""


def store_raw_html_note(kb) -> None:
    """A paragraph holding raw HTML, as some extracted documents do (the readers strip
    markup, so it is written to the store directly)."""
    doc = {"doc_id": "intranet-notes", "title": "Intranet <i>notes</i>", "source": "notes.txt",
           "content_hash": "raw-html-note", "format": "text", "doc_type": "other", "authority": "Northshire",
           "date": "2024-05-01"}
    para = Paragraph(seq=0, text="Pasted from the intranet: <script>alert('x')</script> supervision is <b>regular</b>.",
                     kind="paragraph", page=1, number=None, section=["Notes <em>May</em>"])
    tags = {"judgement": "leadership", "judgements": {"leadership": 1.0}, "criteria": {"lead.oversight-supervision": 1.0},
            "stance": "strength", "sentences": [], "confidence": 0.5, "explanation": ["<img src=x>"]}
    kb.store.save_document(doc, [para], [tags])
    kb.reindex()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    home = tmp_path_factory.mktemp("kb")
    application = create_app(home, max_upload_bytes=200_000)
    application.config["TESTING"] = True

    @application.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    state = application.extensions["kb_state"]
    kb = state.kb()
    kb.ingest_bytes(INSPECTION.encode(), "northshire-ilacs-2024.txt")
    kb.ingest_bytes(SELF_EVALUATION.encode(), "northshire-self-evaluation-2024-25.md")
    store_raw_html_note(kb)
    yield application
    application.extensions["kb_jobs"].shutdown()
    state.close()


@pytest.fixture
def client(app):
    return app.test_client()


def token(client, path="/upload") -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def paragraph_containing(app, words: str) -> dict:
    kb = app.extensions["kb_state"].kb()
    return next(p for p in kb.store.paragraphs() if words in p["text"])


# -- browsing -----------------------------------------------------------------------------

def test_dashboard_shows_each_area_with_counts_grade_and_recent_documents(client):
    r = client.get("/")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    for area in ("Help and protection", "Children in care", "Care leavers", "Leadership"):
        assert area in html
    assert "Requires improvement to be good" in html          # help and protection's latest grade
    assert "Strengths" in html and "Areas for development" in html
    assert "northshire" in html.lower() and "Recently added documents" in html


def test_judgement_page_lists_criteria_with_cited_evidence_and_filters(client):
    html = client.get("/judgement/help-protection").get_data(as_text=True)
    assert "Assessments" in html
    assert "Too many child and family assessments" in html
    assert "paragraph 1" in html                                   # the citation
    assert "have no recent evidence" in html
    only_ours = client.get("/judgement/help-protection?type=self-evaluation").get_data(as_text=True)
    assert "Too many child and family assessments" not in only_ours
    assert "Assessment timeliness improved" in only_ours


def test_criterion_page_puts_inspectors_beside_the_authority(client):
    html = client.get("/criterion/hp.assessment").get_data(as_text=True)
    assert "Inspectors&#39; findings" in html and "The authority&#39;s own account" in html
    inspectors, ours = html.split("The authority&#39;s own account", 1)
    assert "Too many child and family assessments" in inspectors
    assert "Assessment timeliness improved" in ours


def test_unknown_pages_and_bad_filters_get_friendly_errors(client):
    r = client.get("/judgement/nonsense")
    assert r.status_code == 404 and "Page not found" in r.get_data(as_text=True)
    r = client.get("/judgement/leadership?from=20x1")
    assert r.status_code == 400 and "year such as 2022" in r.get_data(as_text=True)
    r = client.get("/judgement/leadership?from=2024&to=2020")
    assert r.status_code == 400 and "after the" in r.get_data(as_text=True)
    r = client.get("/search?q=audit&type=spreadsheet")
    assert r.status_code == 400 and "not a document type" in r.get_data(as_text=True)


def test_unexpected_errors_show_no_internals(client):
    r = client.get("/boom")
    html = r.get_data(as_text=True)
    assert r.status_code == 500 and "Sorry, something went wrong" in html
    assert "secret internals" not in html and "Traceback" not in html


def test_every_response_carries_the_security_headers(client):
    for path in ("/", "/search?q=audit", "/nope", "/static/style.css"):
        r = client.get(path)
        assert "default-src 'self'" in r.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
        assert r.headers["X-Content-Type-Options"] == "nosniff"


# -- search -------------------------------------------------------------------------------

def test_search_with_filter_highlights_counts_facets_and_links_to_the_paragraph(client):
    html = client.get("/search?q=assessment&type=ilacs-inspection").get_data(as_text=True)
    assert "<mark>" in html
    assert "Too many child and family" in html and "second assessment team" not in html
    assert "Narrow the results" in html and "Ofsted ILACS inspection report" in html
    assert re.search(r'href="/document/northshire-ilacs-2024#p-\d+"', html)


def test_search_pages_and_offers_a_correction(client):
    html = client.get("/search?q=asessment").get_data(as_text=True)
    assert "assessment" in html.lower() and ("Did you mean" in html or "Showing results for" in html)
    r = client.get("/search?q=assessment&page=0")
    assert r.status_code == 400 and "page number" in r.get_data(as_text=True)


def test_search_of_nothing_searchable_is_a_clear_400(client):
    r = client.get("/search?q=%22%22")
    assert r.status_code == 400 and "There is a problem" in r.get_data(as_text=True)


# -- documents and paragraphs --------------------------------------------------------------

def test_document_text_is_escaped_everywhere_it_shows(client):
    pages = [client.get(path).get_data(as_text=True) for path in (
        "/document/intranet-notes", "/paragraph/intranet-notes:0", "/search?q=intranet+supervision",
        "/criterion/lead.oversight-supervision", "/")]
    for html in pages:
        assert "<script>alert" not in html and "<b>regular" not in html and "<i>notes" not in html
        assert "<img src=x>" not in html and "<em>May" not in html
    assert "&lt;script&gt;alert" in pages[0] and "&lt;em&gt;May" in pages[0]
    assert "<mark>" in pages[2]


def test_document_page_shows_sections_grades_anchors_and_tags(client):
    html = client.get("/document/northshire-self-evaluation-2024-25").get_data(as_text=True)
    assert 'id="p-' in html and "<h3 class=\"doc-heading\">Help and protection</h3>" in html
    report = client.get("/document/northshire-ilacs-2024").get_data(as_text=True)
    assert "Grades in this report" in report and "Requires improvement to be good" in report
    assert "Area for development" in report                       # a tag spelled out, not only coloured


def test_paragraph_page_explains_tags_and_finds_similar_evidence_elsewhere(app, client):
    para = paragraph_containing(app, "Too many child and family assessments")
    html = client.get(f"/paragraph/{para['paragraph_id']}").get_data(as_text=True)
    assert "Why the tagger chose these tags" in html or "Sentence by sentence" in html
    assert "History" in html and "No changes" in html
    similar = html.split("Similar evidence in other documents", 1)[1]
    assert "Assessment timeliness improved" in similar
    assert "Strategy discussions are held promptly" not in similar   # same document: excluded


# -- corrections ---------------------------------------------------------------------------

def test_forms_without_the_csrf_token_are_refused(app, client):
    para = paragraph_containing(app, "Strategy discussions are held promptly")
    r = client.post(f"/paragraph/{para['paragraph_id']}/tags", data={"who": "Ann", "action": "accept"})
    assert r.status_code == 400 and "form has expired" in r.get_data(as_text=True)


def test_a_change_is_saved_with_who_and_shows_in_history_and_browse(app, client):
    para = paragraph_containing(app, "Caseloads remain too high")
    pid = para["paragraph_id"]
    r = client.post(f"/paragraph/{pid}/tags", data={
        "csrf_token": token(client, f"/paragraph/{pid}"), "who": "Priya Shah", "action": "change",
        "judgement": "leadership", "criteria": ["lead.workforce"], "stance": "development"})
    assert r.status_code == 303
    html = client.get(f"/paragraph/{pid}").get_data(as_text=True)
    # With no accounts the one person is the system user running the app; a typed name counts for nothing.
    assert "Priya Shah" not in html and 'name="who"' not in html
    assert operator() in html and "Checked by a person" in html
    kb = app.extensions["kb_state"].kb()
    assert {h["who"] for h in kb.store.history(pid) if h["source"] == "person"} == {operator()}
    workforce = client.get("/criterion/lead.workforce").get_data(as_text=True)
    assert "Caseloads remain too high" in workforce


def test_document_pages_show_a_correction_at_once_and_other_documents_as_before(app, client):
    kb = app.extensions["kb_state"].kb()
    docs = {d["doc_id"]: d for d in kb.store.documents()}
    inspection = next(d for d in docs if "ilacs" in d)
    other = next(d for d in docs if "self-evaluation" in d)
    before_other = client.get(f"/document/{other}").get_data(as_text=True)
    pid = paragraph_containing(app, "Leaders have a strong understanding")["paragraph_id"]
    page = client.get(f"/document/{inspection}").get_data(as_text=True)
    anchor = f'id="p-{pid.rsplit(":", 1)[-1]}"'
    assert "Checked by a person" not in page.split(anchor, 1)[1].split('<div class="para', 1)[0]
    assert f'href="/paragraph/{pid}"' in page and 'href="/criterion/' in page
    r = client.post(f"/paragraph/{pid}/tags", data={
        "csrf_token": token(client, f"/paragraph/{pid}"), "action": "change",
        "judgement": "leadership", "criteria": ["lead.qa-performance"], "stance": "development"})
    assert r.status_code == 303
    after = client.get(f"/document/{inspection}").get_data(as_text=True).split(anchor, 1)[1]
    after = after.split('<div class="para', 1)[0]
    assert "Checked by a person" in after and "tag--development" in after
    assert client.get(f"/document/{other}").get_data(as_text=True) == before_other


def test_accepting_records_an_explicit_confirmation(app, client):
    para = paragraph_containing(app, "Children in care live in stable homes")
    pid = para["paragraph_id"]
    r = client.post(f"/paragraph/{pid}/tags", data={
        "csrf_token": token(client, f"/paragraph/{pid}"), "who": "Sam", "action": "accept"})
    assert r.status_code == 303
    kb = app.extensions["kb_state"].kb()
    confirmation = kb.store.correction(pid)
    assert confirmation["who"] == operator() and confirmation["note"] == "Accepted as tagged"
    after = kb.store.paragraph(pid)
    assert after["tag_source"] == "person" and after["stance"] == para["stance"]


def test_bad_correction_fields_are_refused(app, client):
    pid = paragraph_containing(app, "Personal advisers keep in touch")["paragraph_id"]
    csrf = token(client, f"/paragraph/{pid}")
    r = client.post(f"/paragraph/{pid}/tags", data={"csrf_token": csrf, "action": "guess"})
    assert r.status_code == 400 and "Choose whether to accept" in r.get_data(as_text=True)
    r = client.post(f"/paragraph/{pid}/tags", data={"csrf_token": csrf, "who": "Sam", "action": "change",
                                                    "criteria": ["made.up"], "stance": "strength"})
    assert r.status_code == 400 and "not a criterion" in r.get_data(as_text=True)


# -- upload --------------------------------------------------------------------------------

def upload(client, data: bytes, name: str, **headers):
    return client.post("/upload", data={"csrf_token": token(client), "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", headers=headers)


def test_upload_reads_the_file_then_opens_its_review(client):
    text = b"Audit of care planning, March 2025\n\nCare plans for children in care were reviewed on time in 9 of 10 audited cases.\n"
    r = upload(client, text, "care-plan-audit-2025.txt")
    assert r.status_code == 303
    r = client.get(r.headers["Location"])
    assert r.status_code == 303 and "/review" in r.headers["Location"]
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Added care-plan-audit-2025.txt" in html and "Care plans for children in care" in html
    assert "Accept as tagged" in html and "Save my changes" in html


def test_upload_refuses_wrong_types_empty_files_and_big_files(client):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 50
    r = upload(client, png, "report.pdf")
    assert r.status_code == 400 and "not a PDF: it is a PNG image" in r.get_data(as_text=True)
    r = upload(client, b"hello", "notes.exe")
    assert r.status_code == 400 and "not a file type that can be added" in r.get_data(as_text=True)
    r = upload(client, b"   ", "empty.txt")
    assert r.status_code == 400 and "is empty" in r.get_data(as_text=True)
    r = upload(client, b"a" * 300_000, "huge.txt")
    assert r.status_code == 413 and "The file is too large" in r.get_data(as_text=True)


def test_upload_from_the_script_gets_json(client):
    r = upload(client, b"\x7fELF binary", "tool.txt", Accept="application/json")
    assert r.status_code == 400 and "binary data" in r.get_json()["error"]


def test_upload_type_is_read_from_the_bytes():
    assert check_upload(b"%PDF-1.7 ...", "a.pdf") == "pdf"
    assert check_upload(b"<!DOCTYPE html><html><body><p>x</p></body></html>", "page.txt") == "html"
    assert check_upload("Plain words, with accents: caf\u00e9".encode(), "notes.txt") == "text"
    sheet = io.BytesIO()
    with zipfile.ZipFile(sheet, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(ReadError, match="Excel workbook"):
        check_upload(sheet.getvalue(), "figures.docx")
    with pytest.raises(ReadError, match="old-format Microsoft Office"):
        check_upload(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 20, "paper.docx")


# -- export --------------------------------------------------------------------------------

def test_export_judgement_as_csv_with_citations(client):
    r = client.get("/export/evidence.csv?target=help-protection")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))
    assessment = [row for row in rows if row["text"].startswith("Too many child and family")]
    assert assessment and assessment[0]["stance"] == "Area for development"
    assert assessment[0]["paragraph"] == "1" and assessment[0]["link"].startswith("http://localhost/paragraph/")


def test_export_criterion_and_search_as_word(client):
    r = client.get("/export/evidence.docx?target=hp.assessment")
    assert r.status_code == 200
    body = zipfile.ZipFile(io.BytesIO(r.data)).read("word/document.xml").decode()
    assert "Too many child and family assessments" in body and "Areas for development" in body
    r = client.get("/export/search.docx?q=foster+carers")
    body = zipfile.ZipFile(io.BytesIO(r.data)).read("word/document.xml").decode()
    assert "stable homes with foster carers" in body
    r = client.get("/export/search.csv?q=")
    assert r.status_code == 400


def test_csv_cells_cannot_run_as_formulas():
    from web.exports import Row, to_csv
    item = {"paragraph_id": "d:1", "text": "=HYPERLINK(\"http://x\")", "stance": "strength", "title": "+T"}
    out = to_csv([Row("", "strength", item)], lambda pid: "/p").decode("utf-8-sig")
    assert "'=HYPERLINK" in out and "'+T" in out


# -- pieces --------------------------------------------------------------------------------

def test_word_writer_handles_every_block_kind():
    blocks = [("h1", "Help and protection"), ("h2", "Strengths"), ("h3", "Assessments"), ("p", "Intro"),
              ("bullet", "Assessments are timely."), ("cite", "Report, page 4, paragraph 12"),
              ("quote", "Children are seen\x0b alone.")]
    data = write_docx("Briefing", blocks)
    body = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    for _, text in blocks[:-1]:
        assert text in body
    assert "Children are seen alone." in body
    with pytest.raises(ValueError, match="unknown block kind"):
        write_docx("x", [("table", "nope")])


def test_dates_and_highlights_read_well():
    assert long_date("2022-12-02") == "2 December 2022"
    assert long_date("2023-04") == "April 2023" and long_date(None) == "undated"
    assert str(safe_highlight("a <mark>b</mark> &amp; c")) == "a <mark>b</mark> &amp; c"
    assert "<script>" not in str(safe_highlight("<mark>x</mark><script>y</script>"))


# -- assistant -----------------------------------------------------------------------------

def test_ask_answers_with_cited_sentences(client):
    html = client.get("/ask?q=How+timely+are+child+and+family+assessments").get_data(as_text=True)
    assert "Answer" in html and "Understood as" in html
    assert "/paragraph/northshire-" in html                          # every sentence links to its source


def test_pack_page_and_its_downloads(client):
    html = client.get("/pack?theme=help-protection").get_data(as_text=True)
    assert "Evidence pack: The experiences and progress of children who need help" in html
    assert "Open areas for development from the last inspection" in html
    r = client.get("/pack.docx?theme=help-protection")
    assert r.status_code == 200 and zipfile.ZipFile(io.BytesIO(r.data)).namelist()
    r = client.get("/pack.md?theme=help-protection")
    assert "\n# Evidence pack" in r.get_data(as_text=True)
    r = client.get("/pack?theme=no-such-theme")
    assert r.status_code == 400 and "is not a theme" in r.get_data(as_text=True)


def test_compare_puts_our_account_beside_the_inspectors(client):
    html = client.get("/compare?authority=Northshire").get_data(as_text=True)
    assert "Our account" in html and "Inspectors' findings" in html and "Northshire" in html
    r = client.get("/compare?authority=Atlantis")
    assert r.status_code == 400 and "Atlantis" in r.get_data(as_text=True)


def test_the_evidence_snapshot_follows_writes_from_the_app_and_from_outside(app, client):
    from kb.evidence import EvidenceFilter
    from kb.store import Correction
    from web.state import Snapshot
    state = app.extensions["kb_state"]
    before = state.snapshot()
    pid = paragraph_containing(app, "Personal advisers keep in touch")["paragraph_id"]
    client.post(f"/paragraph/{pid}/tags", data={
        "csrf_token": token(client, f"/paragraph/{pid}"), "who": "Ann", "action": "change",
        "judgement": "care-leavers", "criteria": ["cl.eet"], "stance": "development"})
    patched = state.snapshot()
    assert patched is not before
    assert pid in [i["paragraph_id"] for i in patched.criterion("cl.eet", EvidenceFilter()).by_stance("development")]
    store = state.kb().store
    rebuilt = Snapshot.read(store, patched.key)
    for jid, groups in rebuilt.evidence.items():
        assert [[i["paragraph_id"] for i in g.items] for g in groups] == \
               [[i["paragraph_id"] for i in g.items] for g in patched.evidence[jid]]
    state.kb().correct(pid, Correction(stance="strength"), "someone at the command line")
    outside = state.snapshot()
    assert outside is not patched
    assert pid in [i["paragraph_id"] for i in outside.criterion("cl.eet", EvidenceFilter()).by_stance("strength")]


def test_threads_share_one_index_and_a_change_warms_its_search_tables(tmp_path):
    import threading

    from web.state import AppState

    state = AppState(tmp_path)
    state.warm_after_changes = True
    with state.writing() as change:
        _, doc_id = state.kb().ingest_bytes(INSPECTION.encode(), "northshire-ilacs-2024.txt")
        change.doc_ids.add(doc_id)
    state.warm_search().result(timeout=60)
    other = []
    thread = threading.Thread(target=lambda: (other.append(state.kb()), state.close()))
    thread.start()
    thread.join()
    assert other[0] is not state.kb() and other[0].index is state.kb().index
    memo = state.kb().index.snapshot().memo
    from kb.search.schema import FACET_FIELDS
    assert {"spelling", "restatements", ("lengths", "text")} | {("facet", f) for f in FACET_FIELDS} <= memo.keys()
    state.close()


def test_changes_made_outside_the_app_patch_the_evidence_snapshot(tmp_path, monkeypatch):
    """`kb ingest`, `kb tag` or `kb remove` run beside the app: the next page reads only the
    documents they touched, and sees what a full read would."""
    from kb.kb import KnowledgeBase
    from kb.store import Correction
    from web.state import AppState, Snapshot

    state = AppState(tmp_path)
    kb = state.kb()
    for n in range(8):
        kb.ingest_bytes(INSPECTION.replace("Northshire", f"Shire{n}").encode(), f"shire{n}-ilacs-2024.txt")
    first = state.snapshot()
    outside = KnowledgeBase(tmp_path)
    _, added = outside.ingest_bytes(SELF_EVALUATION.encode(), "northshire-self-evaluation-2024-25.md")
    outside.remove(first.documents[0]["doc_id"])
    pid = next(p for p in outside.store.paragraphs(first.documents[1]["doc_id"]) if not p["boilerplate"])["paragraph_id"]
    outside.correct(pid, Correction(stance="development"), "someone at the command line")
    outside.close()

    def no_full_read(*args):
        raise AssertionError("read everything again")
    monkeypatch.setattr(Snapshot, "read", no_full_read)
    patched = state.snapshot()
    monkeypatch.undo()
    full = Snapshot.read(state.kb().store, patched.key)
    assert [d["doc_id"] for d in patched.documents] == [d["doc_id"] for d in full.documents]
    assert added in patched.by_doc and first.documents[0]["doc_id"] not in patched.by_doc
    for jid, groups in full.evidence.items():
        assert [[(i["paragraph_id"], i["stance"]) for i in g.items] for g in groups] == \
               [[(i["paragraph_id"], i["stance"]) for i in g.items] for g in patched.evidence[jid]]
    state.close()
