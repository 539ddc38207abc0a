"""Character-level clean-up shared by every reader: ligatures, soft hyphens, odd spaces,
words split by a line-end hyphen."""
from __future__ import annotations

import re
import unicodedata

# PDF ligature code points and the look-alikes that PDFs and Word put in running text.
_CHAR_MAP = {
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
    "\ufb05": "st", "\ufb06": "st",
    "\u00ad": "",            # soft hyphen
    "\ufffe": "-",           # pdfium's marker for a hyphen it found at a line end
    "\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": "",
    "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u202f": " ",
    "\u2010": "-", "\u2011": "-",
    "\r": "",
}
_TRANSLATE = str.maketrans(_CHAR_MAP)
# A hyphen at a line end is usually a real compound in ragged-right reports ("two-way",
# "16- and 17-year-olds"); it is dropped only where the joined word is known to exist
# ("assess-" + "ments" where the document also says "assessments").
_SPLIT_WORD = re.compile(r"(\w+)-[ \t]*\n\s*(\w+)")
_SPACES = re.compile(r"[ \t\f\v]+")


def normalise_chars(text: str) -> str:
    """Map ligatures and invisible characters to plain text; NFC-compose accents."""
    return unicodedata.normalize("NFC", text.translate(_TRANSLATE))


def join_lines(text: str, vocabulary: frozenset[str] | set[str] = frozenset()) -> str:
    """Join the lines of one paragraph into a single line, repairing split words.
    `vocabulary` holds lower-case words seen elsewhere in the document."""
    def rejoin(m: re.Match) -> str:
        head, tail = m.group(1), m.group(2)
        if tail[:1].islower() and (head + tail).lower() in vocabulary:
            return head + tail
        return f"{head}-{tail}"
    text = _SPLIT_WORD.sub(rejoin, text)
    return squash(text.replace("\n", " "))


def squash(text: str) -> str:
    """Collapse runs of spaces and trim."""
    return _SPACES.sub(" ", text).strip()


def clean(text: str, vocabulary: frozenset[str] | set[str] = frozenset()) -> str:
    """Everything a paragraph's text needs: characters, split words, spaces."""
    return join_lines(normalise_chars(text), vocabulary)
