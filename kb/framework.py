"""The ILACS framework as the knowledge base models it: judgements, criteria, stances,
document types, grades and the acronym glossary. The ids are a contract with the
evaluation tools and the web pages; they come from `kb/data/framework.json`."""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# The package's data files (package data: installed beside this module).
DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Judgement:
    id: str
    title: str
    short: str


@dataclass(frozen=True)
class OlderJudgement:
    """A judgement an older framework graded that is no ILACS judgement area: paragraphs are
    not tagged with it, but a report's grades may hold it."""
    id: str
    title: str
    short: str
    part_of: str | None   # the judgement area it sits within, if any
    framework: str        # the document type id of the reports that grade it


@dataclass(frozen=True)
class Criterion:
    id: str
    judgement: str
    title: str
    description: str
    cues: tuple[str, ...]


@dataclass(frozen=True)
class DocType:
    id: str
    title: str
    voice: str  # "inspectors" (external judgement) or "authority" (its own account)


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads((DATA / "framework.json").read_text("utf-8"))


@lru_cache(maxsize=1)
def judgements() -> tuple[Judgement, ...]:
    return tuple(Judgement(j["id"], j["title"], j["short"]) for j in _data()["judgements"])


@lru_cache(maxsize=1)
def older_judgements() -> tuple[OlderJudgement, ...]:
    return tuple(OlderJudgement(j["id"], j["title"], j["short"], j["part_of"], j["framework"])
                 for j in _data()["older_judgements"])


@lru_cache(maxsize=1)
def criteria() -> tuple[Criterion, ...]:
    return tuple(Criterion(c["id"], c["judgement"], c["title"], c["description"], tuple(c["cues"]))
                 for c in _data()["criteria"])


@lru_cache(maxsize=1)
def doc_types() -> tuple[DocType, ...]:
    return tuple(DocType(d["id"], d["title"], d["voice"]) for d in _data()["doc_types"])


JUDGEMENT_IDS = tuple(j["id"] for j in _data()["judgements"])
OLDER_JUDGEMENT_IDS = tuple(j["id"] for j in _data()["older_judgements"])
# Every key a document's grades may hold: the ILACS judgements, then older ones.
GRADE_KEYS = JUDGEMENT_IDS + OLDER_JUDGEMENT_IDS
# The four areas a paragraph is evidence for; "overall" is the report's summary.
AREAS = ("help-protection", "in-care", "care-leavers", "leadership")
STANCE_IDS = ("strength", "development", "context", "mixed")
GRADES = tuple(_data()["grades"])
DOC_TYPE_IDS = tuple(d["id"] for d in _data()["doc_types"])
INSPECTOR_DOC_TYPES = frozenset(d["id"] for d in _data()["doc_types"] if d["voice"] == "inspectors")


def judgement(jid: str) -> Judgement:
    for j in judgements():
        if j.id == jid:
            return j
    raise KeyError(jid)


def graded_title(key: str) -> str:
    """The title of any grade key, an ILACS judgement's or an older framework's."""
    for j in (*judgements(), *older_judgements()):
        if j.id == key:
            return j.title
    raise KeyError(key)


def criterion(cid: str) -> Criterion:
    for c in criteria():
        if c.id == cid:
            return c
    raise KeyError(cid)


def criteria_of(jid: str) -> tuple[Criterion, ...]:
    return tuple(c for c in criteria() if c.judgement == jid)


def doc_type(tid: str) -> DocType:
    for d in doc_types():
        if d.id == tid:
            return d
    raise KeyError(tid)


@lru_cache(maxsize=1)
def glossary() -> tuple[tuple[str, str], ...]:
    """(acronym, expansion) pairs; an acronym may have more than one expansion."""
    text = (DATA / "glossary.tsv").read_text("utf-8")
    rows = list(csv.reader(text.splitlines(), delimiter="\t"))
    return tuple((r[0].strip(), r[1].strip()) for r in rows[1:] if len(r) >= 2 and r[0].strip())
