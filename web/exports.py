"""Lists of evidence as files a leader can use elsewhere: CSV for a spreadsheet, and a Word
document to paste into a briefing, each item with its citation."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from kb.docx_writer import write_docx
from kb.evidence import CriterionEvidence
from kb.marking import marking
from kb.spreadsheet import cell
from web.formatting import (citation, criterion_label, doc_type_label, judgement_label, long_date,
                            stance_label, stance_text)

# The protective marking is a column, first, on every row: a CSV has no header or footer to
# hold it, and a column survives sorting, filtering and rows copied elsewhere.
CSV_FIELDS = ("marking", "criterion_id", "criterion", "stance", "text", "document", "document_type", "authority",
              "date", "page", "paragraph", "paragraph_id", "judgement", "tagged_by", "link")


@dataclass
class Row:
    """One piece of evidence in an export, under the heading it is listed by."""
    criterion_id: str
    stance: str           # the stance it is listed under
    item: dict            # an evidence item or a search hit as a dict

    @property
    def text(self) -> str:
        return stance_text(self.item, self.stance)


def evidence_rows(groups: list[CriterionEvidence]) -> list[Row]:
    rows = []
    for g in groups:
        cid = g.criterion.id if g.criterion else ""
        for stance in ("strength", "development"):
            rows.extend(Row(cid, stance, item) for item in g.by_stance(stance))
    return rows


def hit_rows(hits: list[dict]) -> list[Row]:
    return [Row(",".join(h.get("criteria") or []), h.get("stance") or "", h) for h in hits]


def to_csv(rows: list[Row], link_for) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel reads the accents and quotes right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_FIELDS)
    mark = marking()
    for r in rows:
        i = r.item
        labels = "; ".join(criterion_label(c) for c in r.criterion_id.split(",") if c)
        writer.writerow([cell(v) for v in (
            mark, r.criterion_id, labels, stance_label(r.stance), r.text, i.get("title"), doc_type_label(i.get("doc_type")),
            i.get("authority"), i.get("date"), i.get("page"), i.get("number"), i["paragraph_id"],
            judgement_label(i.get("judgement")), "person" if i.get("tag_source") == "person" else "tagger",
            link_for(i["paragraph_id"]))])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cite(item: dict) -> str:
    return f"{doc_type_label(item.get('doc_type'))}: {citation(item)}"


def evidence_docx(title: str, intro: str, groups: list[CriterionEvidence]) -> bytes:
    blocks: list[tuple[str, str]] = [("p", intro)]
    for g in groups:
        strengths, developments = g.by_stance("strength"), g.by_stance("development")
        if not (strengths or developments):
            continue
        blocks.append(("h1", g.criterion.title if g.criterion else "Not tied to one criterion"))
        for stance, heading, items in (("strength", "Strengths", strengths),
                                       ("development", "Areas for development", developments)):
            if not items:
                continue
            blocks.append(("h2", heading))
            for item in items:
                blocks.append(("bullet", stance_text(item, stance)))
                blocks.append(("cite", _cite(item)))
    if len(blocks) == 1:
        blocks.append(("p", "No evidence matches."))
    return write_docx(title, blocks)


def hits_docx(title: str, intro: str, hits: list[dict]) -> bytes:
    blocks: list[tuple[str, str]] = [("p", intro)]
    for h in hits:
        blocks.append(("h3", f"{h.get('title')} ({long_date(h.get('date'))})"))
        blocks.append(("quote", h["text"]))
        blocks.append(("cite", f"{_cite(h)} · {stance_label(h.get('stance'))}, {judgement_label(h.get('judgement'))}"))
    if not hits:
        blocks.append(("p", "No paragraphs match."))
    return write_docx(title, blocks)
