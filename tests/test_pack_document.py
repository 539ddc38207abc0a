"""`kb pack` as a Word document to hand to a team: title page, contents, page numbers and
the protective marking, inspectors' and our words in their own styles with a citation
after each and none repeated, document properties naming the authority, and gaps measured
against our own documents only. Read back from the .docx's XML."""
from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from datetime import date

import pytest

from kb.accounts import Accounts
from kb.assistant import pack      # the package's name, as the web app imports it
from kb.docx_writer import (CITE_STYLE, INSPECTOR_STYLE, OURS_STYLE, PROPERTY_LIMIT, Properties,
                            write_docx)
from kb.kb import KnowledgeBase
from kb.marking import marking
from web.app import create_app

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"dc": "http://purl.org/dc/elements/1.1/",
      "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"}

INSPECTION = """Inspection of Exampleshire local authority children's services

Inspection dates: 3 March to 14 March 2025

Lead inspector: Jane Smith, His Majesty's Inspector

What needs to improve in this local authority?

The timeliness of assessments for children in need.

The quality and frequency of management supervision for social workers.

The experiences and progress of children who need help and protection: requires improvement to be good

1. Too many assessments of children in need are completed late, so some children wait too long for the help they need.

2. Strategy discussions are held promptly when risk escalates, and police and health attend them, so decisions about risk are timely.

3. Child protection plans are not always specific, and core groups do not consistently review progress against them.

The impact of leaders on social work practice with children and families: requires improvement to be good

4. Management supervision of social workers is not regular enough, and its records do not show reflective discussion of children's plans.
"""

SELF_EVALUATION = """Exampleshire Children's Services Self-Evaluation 2023

Help and protection

Child protection plans are reviewed at every core group, and our audits show that most plans are specific and outcome focused.

Leadership

Management supervision is regular and reflective for most social workers, and the supervision audit found that 74% of supervision records were good.
"""

AUDIT = """Exampleshire Assessment Timeliness Audit, January 2025

Findings

The audit of 60 assessments found that 88% of assessments of children in need were completed within timescales, and the quality of assessment was good in most cases.
"""

# Our own documents, as a person corrected them: the files do not say whose they are.
OWN = {"exampleshire-self-evaluation-2023": {"doc_type": "self-evaluation", "date": "2023-06-30",
                                             "title": "Self-Evaluation 2023"},
       "exampleshire-audit-2025": {"doc_type": "audit-report", "date": "2025-01-31",
                                   "title": "Assessment Timeliness Audit"}}
PREPARED_BY = "Sam Editor"
TODAY = date(2025, 4, 2)


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    root = tmp_path_factory.mktemp("packdoc")
    docs = root / "docs"
    docs.mkdir()
    for name, text in (("exampleshire-ilacs-2025.txt", INSPECTION),
                       ("exampleshire-self-evaluation-2023.txt", SELF_EVALUATION),
                       ("exampleshire-audit-2025.txt", AUDIT)):
        (docs / name).write_text(text, encoding="utf-8")
    base = KnowledgeBase(root / "kb")
    assert base.ingest(sorted(docs.iterdir())).ok
    for doc_id, details in OWN.items():
        base.correct_document(doc_id, {**details, "authority": "Exampleshire"}, "tester")
    Accounts(base.store.db).add("sam", "reader", "a long enough secret")
    base.close()
    return root / "kb"


@pytest.fixture(scope="module")
def kb(home):
    base = KnowledgeBase(home)
    yield base
    base.close()


@pytest.fixture(scope="module")
def result(kb):
    return pack(kb, "cin-cp", authority="Exampleshire")


@pytest.fixture(scope="module")
def package(result):
    data = result.to_docx(prepared_by=PREPARED_BY, today=TODAY)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def body_paragraphs(package) -> list[tuple[str, str, ET.Element]]:
    """(style id, text, element) of each paragraph of the body, in order."""
    root = ET.fromstring(package["word/document.xml"])
    out = []
    for p in root.iter(W + "p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        out.append((style.get(W + "val") if style is not None else "", "".join(t.text or "" for t in p.iter(W + "t")), p))
    return out


def style_ids(package) -> dict[str, str]:
    """Style name to style id, from styles.xml."""
    root = ET.fromstring(package["word/styles.xml"])
    return {s.find(W + "name").get(W + "val"): s.get(W + "styleId") for s in root.iter(W + "style")}


# -- gaps -----------------------------------------------------------------------------------

def test_gaps_count_only_our_own_documents_of_the_last_twelve_months(result):
    assert result.as_of == "2025-03-14" and result.since == "2024-03-14"
    sections = {s.criterion.id: s for s in result.sections}
    supervision = sections["lead.oversight-supervision"]
    # The inspection itself speaks to supervision within the window: that is no evidence of ours.
    assert supervision.inspectors and supervision.inspectors_source["date"] >= result.since
    assert supervision.gap.startswith("no evidence of our own from the last 12 months")
    assert "Self-Evaluation 2023, 2023-06-30" in supervision.gap
    assert sections["hp.strategy-s47"].gap == "none of our own documents speaks to it"
    # The January 2025 audit speaks to assessments: not a gap.
    assessment = sections["hp.assessment"]
    assert assessment.ours + assessment.figures and assessment.gap is None
    assert result.newest_own["doc_id"] == "exampleshire-audit-2025"


def test_the_word_document_names_the_criteria_without_recent_evidence_of_ours(result, package):
    paragraphs = body_paragraphs(package)
    texts = [t for _, t, _ in paragraphs]
    start = texts.index("Gaps", texts.index("Gaps") + 1)        # the first is the contents entry
    end = next(i for i in range(start + 1, len(paragraphs)) if paragraphs[i][0] == "Heading1")
    listed = texts[start + 1:end]
    assert any("Measured against our own documents only" in t for t in listed)
    for s in result.sections:
        named = any(t.startswith(f"{s.criterion.title} ({s.criterion.id}): ") for t in listed)
        assert named == bool(s.gap), s.criterion.id
    assert "Every criterion has evidence" not in " ".join(listed)


def test_a_later_as_of_leaves_every_criterion_a_gap(kb):
    later = pack(kb, "cin-cp", authority="Exampleshire", as_of="2030-01-01")
    assert later.gaps == later.sections
    assert not [s for s in later.sections if s.gap is None]


# -- title page, contents, header and footer -------------------------------------------------

def test_title_page_then_contents_on_their_own_pages(result, package, monkeypatch):
    paragraphs = body_paragraphs(package)
    ids = style_ids(package)
    styles, texts = [s for s, _, _ in paragraphs], [t for _, t, _ in paragraphs]
    assert texts[0] == marking() and styles[0] == ids["Protective marking"]
    assert texts[1] == result.title and styles[1] == ids["Title"]
    details = [t for s, t, _ in paragraphs if s == ids["Title page detail"]]
    assert details == ["Theme: Children in need and children subject to a child protection plan",
                       "Authority: Exampleshire", "Evidence held up to: 14 March 2025", "Date: 2 April 2025",
                       f"Prepared by: {PREPARED_BY}", f"Protective marking: {marking()}"]
    breaks = [i for i, (_, _, p) in enumerate(paragraphs)
              if any(b.get(W + "type") == "page" for b in p.iter(W + "br"))]
    contents = texts.index("Contents")
    assert len(breaks) >= 2 and breaks[0] < contents < breaks[1]
    assert styles[contents] == ids["TOC Heading"]


def test_contents_is_a_toc_field_showing_the_plain_list_of_sections(package):
    paragraphs = body_paragraphs(package)
    xml = package["word/document.xml"].decode("utf-8")
    instructions = re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", xml)
    assert len(instructions) == 1 and instructions[0].strip().startswith('TOC \\o "1-1"')
    kinds = re.findall(r'w:fldCharType="(\w+)"', xml)
    assert kinds == ["begin", "separate", "end"]
    # What shows before Word updates the field: every top-level heading, in order.
    begin = next(i for i, (_, _, p) in enumerate(paragraphs) if p.find(f"{W}r/{W}fldChar") is not None)
    end = next(i for i, (_, _, p) in enumerate(paragraphs)
               if any(c.get(W + "fldCharType") == "end" for c in p.iter(W + "fldChar")))
    entries = [t for _, t, _ in paragraphs[begin:end + 1]]
    headings = [t for s, t, _ in paragraphs if s == "Heading1"]
    assert entries == headings and "Gaps" in headings
    settings = ET.fromstring(package["word/settings.xml"])
    assert settings.find(W + "updateFields").get(W + "val") == "true"


def test_every_page_has_the_marking_above_and_below_and_numbered(package):
    headers = [n for n in package if re.fullmatch(r"word/header\d+\.xml", n)]
    footers = [n for n in package if re.fullmatch(r"word/footer\d+\.xml", n)]
    assert headers and footers
    header = ET.fromstring(package[headers[0]])
    assert "".join(t.text for t in header.iter(W + "t")) == marking()
    footer = ET.fromstring(package[footers[0]])
    fields = [f.get(W + "instr").strip() for f in footer.iter(W + "fldSimple")]
    assert fields == ["PAGE", "NUMPAGES"]
    assert marking() in [("".join(t.text for t in p.iter(W + "t"))) for p in footer.iter(W + "p")]
    document = ET.fromstring(package["word/document.xml"])
    assert document.find(f".//{W}sectPr/{W}headerReference") is not None
    assert document.find(f".//{W}sectPr/{W}footerReference") is not None


def test_the_marking_setting_reaches_the_document(result, monkeypatch):
    monkeypatch.setenv("KB_MARKING", "OFFICIAL")
    with zipfile.ZipFile(io.BytesIO(result.to_docx(prepared_by=PREPARED_BY))) as z:
        header = z.read("word/header1.xml").decode()
        core = ET.fromstring(z.read("docProps/core.xml"))
    assert ">OFFICIAL<" in header and "OFFICIAL-SENSITIVE" not in header
    assert core.find("cp:category", NS).text == "OFFICIAL"


# -- the words and their citations ------------------------------------------------------------

def test_inspectors_and_our_words_in_their_own_styles_each_cited_once(kb, result, package):
    ids = style_ids(package)
    inspector, ours, cite = ids[INSPECTOR_STYLE], ids[OURS_STYLE], ids[CITE_STYLE]
    styles = ET.fromstring(package["word/styles.xml"])
    fills = {s.get(W + "styleId"): s.find(f"{W}pPr/{W}shd").get(W + "fill")
             for s in styles.iter(W + "style") if s.get(W + "styleId") in (inspector, ours)}
    assert len(set(fills.values())) == 2                   # they look different
    paragraphs = body_paragraphs(package)
    start = [t for _, t, _ in paragraphs].index("Contents")   # after the title page's key to the styles
    quotes = [(i, s, t) for i, (s, t, _) in enumerate(paragraphs) if i > start and s in (inspector, ours)]
    assert {s for _, s, _ in quotes} == {inspector, ours}
    texts = [" ".join(t.split()) for _, _, t in quotes]
    assert len(texts) == len(set(texts))                   # no quotation twice
    stored = {p["paragraph_id"]: p for p in kb.store.paragraphs()}
    for i, style, text in quotes:
        cite_style, citation, _ = paragraphs[i + 1]
        assert cite_style == cite
        pid = re.search(r"\[([^\]]+)\]$", citation).group(1)
        paragraph = stored[pid]
        assert text in paragraph["text"]                   # word for word from the cited paragraph
        document = kb.store.document(paragraph["doc_id"])
        assert citation.startswith(f"{document['title']}, {document['date']}")
        own = document["doc_type"] in ("self-evaluation", "audit-report")
        assert style == (ours if own else inspector), text
    assert any("para " in paragraphs[i + 1][1] for i, _, _ in quotes)


def test_a_sentence_quoted_above_is_pointed_to_not_repeated(result):
    blocks = result.blocks()
    open_areas = {" ".join(a.finding["text"].split()) for a in result.open_areas}
    latest = {" ".join(i["text"].split()) for s in result.sections for i in s.inspectors}
    assert open_areas & latest                             # the same words would have come twice
    quoted = [" ".join(t.split()) for k, t in blocks if k in ("inspector", "ours", "quote")]
    assert len(quoted) == len(set(quoted))
    assert any("quoted above, under “Open areas for development”" in t for k, t in blocks if k == "p")


# -- properties ------------------------------------------------------------------------------

def test_document_properties_name_the_authority_not_the_library(result, package):
    core = ET.fromstring(package["docProps/core.xml"])
    assert core.find("dc:title", NS).text == result.title
    assert core.find("dc:creator", NS).text == "Exampleshire"
    assert core.find("cp:lastModifiedBy", NS).text == PREPARED_BY
    assert core.find("dc:subject", NS).text == f"Focused visit evidence pack: {result.theme.title}"
    keywords = core.find("cp:keywords", NS).text
    assert "Exampleshire" in keywords and "ILACS" in keywords and "evidence pack" in keywords
    assert core.find("cp:category", NS).text == marking()
    assert not core.find("dc:description", NS).text.startswith("generated by")
    for name, data in package.items():
        if name.endswith(".xml"):
            assert b"python-docx" not in data, name
    assert not any("thumbnail" in n for n in package)      # the template's preview is of another file


def test_markdown_carries_the_same_front_matter(result):
    text = result.to_markdown(prepared_by=PREPARED_BY, today=TODAY)
    lines = text.strip().splitlines()
    assert lines[0] == lines[-1] == f"**{marking()}**"
    assert f"# {result.title}" in lines and f"**Prepared by:** {PREPARED_BY}" in lines
    assert "## Gaps" in lines


# -- the writer on its own, and the web download ---------------------------------------------

def test_plain_exports_are_marked_and_numbered_too():
    data = write_docx("Briefing", [("h1", "One"), ("p", "Text")],
                      properties=Properties(keywords="; ".join(["word"] * 100), comments="x" * 400))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        core = ET.fromstring(z.read("docProps/core.xml"))
        footer = z.read("word/footer1.xml").decode()
        document = z.read("word/document.xml").decode()
    assert core.find("dc:creator", NS).text == "ILACS evidence knowledge base"
    keywords = core.find("cp:keywords", NS).text
    assert len(keywords) <= PROPERTY_LIMIT and keywords.endswith("word…")
    assert len(core.find("dc:description", NS).text) <= PROPERTY_LIMIT
    assert 'w:instr=" PAGE "' in footer and marking() in footer
    assert "TOC" not in document and "Contents" not in document        # no contents unless asked
    with pytest.raises(ValueError, match="unknown block kind"):
        write_docx("x", [("table", "nope")])


def test_the_web_download_is_prepared_by_the_signed_in_account(home):
    app = create_app(str(home))
    app.config.update(TESTING=True, KB_TRUSTED_USER_HEADER="X-Remote-User")
    try:
        client = app.test_client()
        r = client.get("/pack.docx?theme=cin-cp&authority=Exampleshire", headers={"X-Remote-User": "sam"})
        assert r.status_code == 200
        with zipfile.ZipFile(io.BytesIO(r.data)) as z:
            document = z.read("word/document.xml").decode()
            core = ET.fromstring(z.read("docProps/core.xml"))
        assert "Prepared by: </w:t>" in document and ">sam</w:t>" in document
        assert core.find("cp:lastModifiedBy", NS).text == "sam"
        md = client.get("/pack.md?theme=cin-cp&authority=Exampleshire", headers={"X-Remote-User": "sam"})
        assert "**Prepared by:** sam" in md.get_data(as_text=True)
    finally:
        app.extensions["kb_jobs"].shutdown()
        app.extensions["kb_state"].close()
