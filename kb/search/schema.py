"""The index's fields, and what a store paragraph row becomes as an index document.

A paragraph is searched through one field, `text`, holding its words together with its
headings, its document's title and its glossary aliases, each part weighted
(kb.search.analysis.SEGMENT_WEIGHTS): BM25F in one posting list per word, which keeps
searches fast. Filters and facets use id fields. The words as written, before stemming,
are kept for spelling correction in `words`, once per document (_Vocabulary).
"""
from __future__ import annotations

from whoosh import formats, scoring
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, FieldType, Schema

from kb import framework
from kb.search.analysis import Analysed, analyse, analysis_key, text_analyzer

# Bump when the schema or the analysis changes: an index of another version needs a rebuild.
SCHEMA_VERSION = 6


class _Text(TEXT):
    """The text field: takes a string, or an `Analysed` value whose work is done."""

    def index(self, value, **kwargs):
        if isinstance(value, Analysed):
            return iter(value.postings)
        return super().index(value, **kwargs)


class _Vocabulary(FieldType):
    """The words of the text field as written, for spelling correction. The value is
    {word: paragraphs}: a document's words, each given once, on the first of its
    paragraphs that uses it, with the number of its paragraphs that do; a term's total
    weight is then the number of paragraphs that use the word. (Whoosh's own spelling
    field posts every word of every paragraph: as many postings again as the text.)"""

    def __init__(self):
        super().__init__(formats.Existence(), analyzer=None)

    def index(self, value, **kwargs):
        return ((word.encode("utf-8"), n, float(n), b"") for word, n in value.items())


class _Id(ID):
    """An id field; indexing a value takes no analysis: the value is the one term."""

    def index(self, value, **kwargs):
        return ((value.encode("utf-8"), 1, self.format.field_boost, b""),)


WORDS_FIELD = "words"


def build_schema() -> Schema:
    text = _Text(analyzer=text_analyzer(), phrase=True)
    # A hyphenated word in a query ("pre-proceedings") is searched as a phrase.
    text.multitoken_query = "phrase"
    return Schema(
        paragraph_id=_Id(stored=True, unique=True),
        doc_id=_Id(stored=True),
        text=text,                 # the weighted segments of SEGMENT_WEIGHTS
        words=_Vocabulary(),       # WORDS_FIELD
        content=STORED,            # the paragraph's text as written, for display
        title=STORED,
        judgement=_Id(stored=True),
        criteria=KEYWORD(scorable=False),
        stance=_Id(stored=True),
        doc_type=_Id(stored=True),
        authority=_Id(stored=True),
        date=_Id(stored=True, sortable=True),
        year=_Id(),
        page=STORED,
        # Only "has a number" is searched: one term per value, not Whoosh's eight.
        number=NUMERIC(stored=True, shift_step=32),
        trail=STORED,
        criteria_list=STORED,
    )


# An inspector's report restates its numbered findings in unnumbered text (the summary,
# "what needs to improve"); there a word counts this much, so that the finding itself,
# which people cite by its number, ranks first.
RESTATEMENT_WEIGHT = 0.6
SCHEMA = build_schema()
# Length normalisation below the usual 0.75: Ofsted's numbered findings are long, and
# stronger normalisation favoured short fragments over them in our graded queries.
WEIGHTING = scoring.BM25F(B=0.5, K1=1.2)
# Fields whose values are ids (one or more per paragraph): used for filters and facets.
FACET_FIELDS = ("judgement", "criteria", "stance", "doc_type", "authority", "year")


def indexable(text: str | None, boilerplate: bool = False) -> bool:
    """False for boilerplate and empty paragraphs, which are kept out of the index."""
    return bool(not boilerplate and text and text.strip())


def document_fields(row: dict, analysed: dict[tuple, Analysed] | None = None) -> dict | None:
    """The Whoosh document for a store paragraph row, or None for boilerplate. The text
    is taken from `analysed` (analysis_key -> Analysed) when it holds the row's key."""
    if not row.get("paragraph_id") or not indexable(row.get("text"), row.get("boilerplate")):
        return None
    text = row["text"]
    key = analysis_key(text, row.get("section"), row.get("title"))
    done = analysed.get(key) if analysed else None
    criteria_scores = row.get("criteria") or {}
    criteria_ids = [c for c, s in sorted(criteria_scores.items(), key=lambda kv: -(kv[1] or 0)) if (s or 0) > 0]
    fields_ = {
        "paragraph_id": row["paragraph_id"],
        "doc_id": row["doc_id"],
        "text": done or analyse(*key),
        "content": text,
        "title": row.get("title") or "",
        "criteria": " ".join(criteria_ids),
        "trail": list(row.get("section") or []),
        "criteria_list": criteria_ids,
    }
    for name in ("judgement", "stance", "doc_type", "authority"):
        if row.get(name):
            fields_[name] = row[name]
    date = row.get("date")
    if date:
        fields_["date"] = date
        fields_["year"] = date[:4]
    for name in ("page", "number"):
        if row.get(name) is not None:
            fields_[name] = int(row[name])
    if row.get("doc_type") in framework.INSPECTOR_DOC_TYPES and row.get("number") is None:
        fields_["_text_boost"] = RESTATEMENT_WEIGHT
    return fields_
