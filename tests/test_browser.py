"""The app in a real browser: Debian's Chromium driven by Playwright against `kb serve`
started on 127.0.0.1 with a temporary knowledge base (the bundled corpus, which `kb serve`
loads into an empty one). Every page visited is checked with axe-core against WCAG 2.2 AA
and saved as a screenshot in test-artifacts/."""
import csv
import io
import os
import re
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect, sync_playwright

from kb.audit import operator

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

AUDIT = """# Case file audit: child in need plans, January 2025

## Findings

Child in need plans were specific and reviewed on time in 14 of the 20 cases audited, and children were seen alone.

Management oversight was not always recorded on children's records, and supervision was irregular in two teams.
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    home = tmp_path_factory.mktemp("kb-home")
    port = free_port()
    env = dict(os.environ, KB_HOME=str(home))
    server = subprocess.Popen([sys.executable, "-m", "kb.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("kb serve did not start: " + server.stderr.read().decode(errors="replace")[-2000:])
            time.sleep(0.2)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context(base_url=base_url, accept_downloads=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    pg = context.new_page()
    yield pg
    context.close()


AXE = Axe()


def check(page, name: str, full_page: bool = True) -> None:
    """Save the page as it looks (a long document: the part in view), and fail on any
    WCAG 2.2 AA violation axe finds."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    problems = [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in results.response["violations"]]
    assert not problems, f"{name}: " + "; ".join(problems)


def test_keyboard_user_can_skip_to_the_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to main content")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_browse_a_judgement_then_a_criterion(page):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inspection evidence dashboard")
    check(page, "01-dashboard")
    page.get_by_role("link", name="Help and protection", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Help and protection")
    expect(page.get_by_role("heading", name="Strengths").first).to_be_visible()
    check(page, "02-judgement")
    page.get_by_label("Document type").select_option("ilacs-inspection")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"type=ilacs-inspection"))
    page.locator("section.criterion h2 a", has_text="Assessments").click()
    expect(page.get_by_role("heading", name="Inspectors' findings")).to_be_visible()
    check(page, "03-criterion")


def test_search_with_a_filter_and_open_the_document_at_the_paragraph(page):
    page.goto("/search")
    page.get_by_label("Words, phrases or acronyms").fill("assessment timeliness")
    page.get_by_text("Filters", exact=True).click()
    page.get_by_label("Document type").select_option("self-evaluation")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(r"\d+ paragraphs? found"))).to_be_visible()
    assert page.locator(".hit mark").count() > 0
    assert page.locator(".hit .meta", has_text="Ofsted").count() == 0
    check(page, "04-search")
    first = page.locator(".hit-title a").first
    anchor = first.get_attribute("href").split("#")[1]
    first.click()
    expect(page).to_have_url(re.compile("#" + anchor))
    target = page.locator(f"#{anchor}")
    expect(target).to_be_in_viewport()
    assert page.evaluate("getComputedStyle(document.querySelector(':target')).backgroundColor") != "rgba(0, 0, 0, 0)"
    check(page, "05-document", full_page=False)


def test_upload_a_file_then_correct_a_tag(page, tmp_path):
    audit = tmp_path / "cin-plan-audit-2025.md"
    audit.write_text(AUDIT, encoding="utf-8")
    page.goto("/upload")
    check(page, "06-upload")
    page.get_by_label("Document").set_input_files(str(audit))
    page.get_by_role("button", name="Upload and read").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check the tags")
    expect(page.get_by_role("status").first).to_contain_text("Added cin-plan-audit-2025.md")
    expect(page.locator("main")).to_contain_text(f"recorded as made by {operator()}")
    check(page, "07-review")
    item = page.locator(".review-item", has_text="Management oversight was not always recorded")
    item.get_by_label("Stance").select_option("development")
    offered = item.get_by_label("Add a criterion").locator("option").evaluate_all("os => os.map(o => o.value)")
    added = "lead.qa-performance" if "lead.qa-performance" in offered else offered[1]
    item.get_by_label("Add a criterion").select_option(added)
    item.get_by_role("button", name="Save my changes").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved changes")
    item = page.locator(".review-item", has_text="Management oversight was not always recorded")
    expect(item.locator(".para-tags")).to_contain_text("Checked by a person")
    expect(item.locator(".para-tags")).to_contain_text("Area for development")
    expect(item.locator(f'input[name="criteria"][value="{added}"]')).to_be_checked()
    pid = item.locator("form.correction").get_attribute("action").split("/")[2]
    page.goto(f"/paragraph/{pid}")
    history = page.locator("table", has_text="Who")
    expect(history).to_contain_text(operator())
    expect(history).to_contain_text("Performance management and quality assurance" if added == "lead.qa-performance"
                                     else "Criteria")
    check(page, "08-paragraph")


def test_export_evidence_as_csv_and_word(page):
    page.goto("/judgement/leadership")
    with page.expect_download() as got:
        page.get_by_role("link", name=re.compile("^CSV")).click()
    rows = list(csv.DictReader(io.StringIO(Path(got.value.path()).read_text(encoding="utf-8-sig"))))
    assert rows and {"criterion", "stance", "text", "document", "page", "paragraph", "link"} <= set(rows[0])
    with page.expect_download() as got:
        page.get_by_role("link", name=re.compile("^Word document")).click()
    body = zipfile.ZipFile(got.value.path()).read("word/document.xml").decode()
    assert "Evidence: Leadership" in body and "Strengths" in body


def test_assistant_pages(page):
    page.goto("/ask?q=How+timely+are+child+and+family+assessments")
    expect(page.get_by_role("heading", name="Answer")).to_be_visible()
    assert page.locator(".evidence .cite a").count() > 0
    check(page, "09-ask")
    page.goto("/pack?theme=care-leavers&authority=Darlington")     # the corpus is three authorities': ours is not chosen
    expect(page.get_by_role("heading", name=re.compile("^Evidence pack: .*care leavers"))).to_be_visible()
    check(page, "10-pack")
    page.goto("/compare")
    expect(page.get_by_role("heading", level=1)).to_have_text("Our account beside the inspectors'")
    check(page, "11-compare")


def test_upload_and_ask_work_without_javascript(browser, base_url, tmp_path):
    # axe runs as a script, so these pages are only looked at here (axe checks them above).
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        notes = tmp_path / "team-meeting-notes.txt"
        notes.write_text("Team meeting notes, February 2025\n\nCaseloads in the assessment team fell to 18 children "
                         "per social worker after two newly qualified workers joined.\n", encoding="utf-8")
        page.goto("/upload")
        page.get_by_label("Document").set_input_files(str(notes))
        page.get_by_role("button", name="Upload and read").click()
        if "Reading" in page.title():     # a slow read: the progress page, refreshed by hand
            page.get_by_role("link", name="Check progress").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Check the tags")
        page.screenshot(path=str(ARTIFACTS / "12-review-without-javascript.png"))
        page.goto("/search?q=caseloads&type=other")
        expect(page.get_by_role("heading", name=re.compile("found"))).to_be_visible()
    finally:
        context.close()


def test_choose_our_authority_in_settings_then_the_dashboard_says_so(page):
    page.goto("/")
    expect(page.locator("p.ours")).to_contain_text("Our authority: not chosen: choose it in settings")
    page.get_by_role("link", name="Choose it our authority").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Settings")
    page.get_by_label("Darlington").check()
    check(page, "13-settings")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".notice")).to_contain_text("Saved. Our authority: Darlington (chosen in settings).")
    page.goto("/")
    expect(page.locator("p.ours")).to_contain_text("Our authority: Darlington (chosen in settings)")
    expect(page.locator(".grade").first).to_contain_text("Darlington")
    check(page, "14-dashboard-ours")
    page.goto("/criterion/hp.assessment")
    page.get_by_role("link", name="Show what inspectors found elsewhere").click()
    expect(page.get_by_role("heading", name="What inspectors found elsewhere")).to_be_visible()


SOUTHSHIRE_INSPECTION = """Inspection of Southshire local authority children's services

Inspection dates: 4 March to 15 March 2019

Judgement\tGrade
The impact of leaders on social work practice with children and families\tRequires improvement to be good
The experiences and progress of children who need help and protection\tRequires improvement to be good
The experiences and progress of children in care\tGood
The experiences and progress of care leavers\tRequires improvement to be good
Overall effectiveness\tRequires improvement to be good

What needs to improve?

- The quality and timeliness of return home interviews for children who go missing.
"""

OWN_PAPER = """# Supervision audit: assessment teams

## Findings

Supervision was recorded on 17 of the 20 children's records audited, and reflective discussion of risk was evident in most.
"""


def upload(page, path: Path) -> None:
    page.goto("/upload")
    page.get_by_label("Document").set_input_files(str(path))
    page.get_by_role("button", name="Upload and read").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check the tags")


def authorities_in_table(page) -> list[str]:
    rows = page.locator("table.table--grades-all").first.locator("tbody th[scope=row]")
    return [t.split("\n")[0].strip() for t in rows.all_inner_texts()]


def test_grades_page_sorts_and_downloads(page, tmp_path):
    # A second graded authority, inspected earlier and graded lower than Darlington, so that
    # each way of sorting puts the two rows in a different order.
    report = tmp_path / "southshire-ilacs-2019.txt"
    report.write_text(SOUTHSHIRE_INSPECTION, encoding="utf-8")
    upload(page, report)
    page.get_by_role("link", name="Grades", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inspection grades by authority")
    table = page.locator("table.table--grades-all").first
    expect(table.locator("caption")).to_have_text("Latest inspection of each authority")
    expect(table.locator("tr", has_text="Southshire")).to_contain_text("Requires improvement to be good")
    expect(table.locator("tr", has_text="Darlington")).to_contain_text("21 October 2022")
    assert authorities_in_table(page) == ["Darlington", "Southshire"]
    check(page, "15-grades")

    page.get_by_role("link", name=re.compile("^Authority")).click()
    expect(page.locator("th[aria-sort]")).to_have_attribute("aria-sort", "descending")
    assert authorities_in_table(page) == ["Southshire", "Darlington"]
    page.get_by_role("link", name=re.compile("^Latest inspection")).click()
    expect(page.locator("p.meta", has_text="Sorted by")).to_contain_text("latest inspection date, newest first")
    assert authorities_in_table(page) == ["Darlington", "Southshire"]
    page.get_by_role("link", name=re.compile("^Latest inspection")).click()
    expect(page.locator("p.meta", has_text="Sorted by")).to_contain_text("oldest first")
    assert authorities_in_table(page) == ["Southshire", "Darlington"]
    check(page, "16-grades-oldest-first")

    with page.expect_download() as got:
        page.get_by_role("link", name=re.compile("^CSV")).click()
    rows = list(csv.DictReader(io.StringIO(Path(got.value.path()).read_text(encoding="utf-8-sig"))))
    assert [r["authority"] for r in rows] == ["Southshire", "Darlington"]     # in the order the page shows
    south = rows[0]
    assert south["date"] == "2019-03-15" and south["overall"] == "requires improvement to be good"


def detail(page, name: str):
    """The value of one of a document's details in the summary at the top of its page."""
    return page.locator("dl.summary-list > div").filter(has=page.locator("dt", has_text=re.compile(f"^{name}$"))) \
        .locator("dd")


def history_row(page, what: str):
    return page.locator("table", has_text="Who").locator("tbody tr") \
        .filter(has=page.locator("td", has_text=re.compile(f"^{what}$")))


def test_correct_a_documents_details_then_see_them_and_their_history(page, tmp_path):
    # An own paper that names no authority: invisible to our authority's questions until corrected.
    paper = tmp_path / "supervision-audit.md"
    paper.write_text(OWN_PAPER, encoding="utf-8")
    upload(page, paper)
    page.locator("nav.breadcrumbs").get_by_role("link", name="Supervision audit: assessment teams").click()
    expect(detail(page, "Authority")).to_contain_text("Not known")
    page.get_by_text("Correct these details").click()
    page.get_by_label("Authority").fill("Darlington")
    page.get_by_label("Date").fill("2025-01-31")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved: authority, date")
    expect(detail(page, "Authority")).to_contain_text("Darlington")
    expect(detail(page, "Date")).to_contain_text("31 January 2025")
    expect(detail(page, "Corrected")).to_contain_text(operator())
    expect(page.get_by_role("heading", name="Changes to these details")).to_be_visible()
    expect(history_row(page, "Authority")).to_contain_text(operator())
    expect(history_row(page, "Authority").locator("td").nth(4)).to_have_text("Darlington")
    expect(history_row(page, "Date").locator("td").nth(3)).to_have_text("—")     # no date was read from the file
    expect(history_row(page, "Date").locator("td").nth(4)).to_have_text("2025-01-31")
    check(page, "17-document-details", full_page=False)

    # A five-digit year (a slip in the date box) is refused: nothing saved, the typing kept.
    page.get_by_text("Correct these details").click()
    page.get_by_label("Authority").fill("Durham")
    page.get_by_label("Date").fill("20250-01-31")
    page.get_by_role("button", name="Save details").click()
    expect(page.locator(".error-summary")).to_contain_text("The date must be written YYYY-MM-DD")
    expect(page.locator(".field--error")).to_contain_text("20250-01-31")
    expect(page.get_by_label("Authority")).to_have_value("Durham")
    expect(page.get_by_label("Date")).to_have_value("20250-01-31")
    expect(detail(page, "Authority")).to_contain_text("Darlington")
    expect(page.locator("table", has_text="Who").locator("tbody tr")).to_have_count(2)
    check(page, "18-document-details-error", full_page=False)
    page.locator("details.doc-details form").screenshot(path=str(ARTIFACTS / "19-document-details-form-error.png"))
