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
_MAPPED = re.compile("[" + re.escape("".join(_CHAR_MAP)) + "]")
# A hyphen at a line end is usually a real compound in ragged-right reports ("two-way",
# "16- and 17-year-olds"); it is dropped only where the joined word is known to exist
# ("assess-" + "ments" where the document also says "assessments").
# Found by the hyphen first, then the words either side: a pattern that starts with \w+
# would be tried at every letter of the text.
_LINE_END_HYPHEN = re.compile(r"-[ \t]*\n\s*")
_WORD_BEFORE = re.compile(r"\w+\Z")
_WORD_AFTER = re.compile(r"\w+")
_SUSPENDED = frozenset({"and", "or", "to"})
_SPACES = re.compile(r"[ \t\f\v]{2,}|[\t\f\v]")   # runs, and odd spaces: single spaces stay as they are
# A paragraph's number, "12. ", with text after it (not "3.5", nor a lone "3.").
PARAGRAPH_NUMBER = re.compile(r"^(\d{1,3})\.\s*(?=[^\d\s])")


def normalise_chars(text: str) -> str:
    """Map ligatures and invisible characters to plain text; NFC-compose accents."""
    if _MAPPED.search(text):   # translate() with a dict is slow: only when there is work
        text = text.translate(_TRANSLATE)
    return unicodedata.normalize("NFC", text)


def join_lines(text: str, vocabulary: frozenset[str] | set[str] = frozenset()) -> str:
    """Join the lines of one paragraph into a single line, repairing split words.
    `vocabulary` holds lower-case words seen elsewhere in the document."""
    pieces, done = [], 0
    for m in _LINE_END_HYPHEN.finditer(text):
        head = _WORD_BEFORE.search(text, max(done, m.start() - 64), m.start())
        tail = _WORD_AFTER.match(text, m.end())
        if head is None or tail is None:
            continue
        word, rest = head.group(), tail.group()
        if rest in _SUSPENDED:     # "16-" + "and 17-year-olds" keeps its space
            joined = f"{word}- {rest}"
        elif rest[:1].islower() and (word + rest).lower() in vocabulary:
            joined = word + rest
        else:
            joined = f"{word}-{rest}"
        pieces += [text[done:head.start()], joined]
        done = tail.end()
    pieces.append(text[done:])
    return squash("".join(pieces).replace("\n", " "))


def squash(text: str) -> str:
    """Collapse runs of spaces and trim."""
    return _SPACES.sub(" ", text).strip()


def tidy(text: str) -> str:
    """Characters normalised and runs of spaces collapsed; unlike clean(), lines stay apart."""
    return squash(normalise_chars(text))


def clean(text: str, vocabulary: frozenset[str] | set[str] = frozenset()) -> str:
    """Everything a paragraph's text needs: characters, split words, spaces."""
    return join_lines(normalise_chars(text), vocabulary)


_WORD = re.compile(r"[a-z]{3,}")


def vocabulary(text: str) -> frozenset[str]:
    """Lower-case words of a document, for `join_lines` to tell a split word from a compound."""
    return frozenset(_WORD.findall(text.lower()))


_AFTERWORD = re.compile(r"(?<=[.!?])\s*\([^()]{1,40}\)$")


def ends_sentence(text: str) -> bool:
    """True when text ends as a sentence or a clause that introduces something (. ! ? : ;),
    also when a bracketed note follows the stop ("... is weak. (Recommendation)")."""
    bare = _AFTERWORD.sub("", text.rstrip())
    bare = bare.rstrip("\"'”’)]")   # closing quotes or brackets may follow the stop
    return bare[-1:] in (".", "!", "?", ":", ";", "…")


def append_item(text: str, item: str) -> str:
    """A list item added to the text that introduces it, items apart by semicolons
    unless they are punctuated."""
    if text[-1:] in ":;,.":
        return f"{text} {item}"
    return f"{text}; {item}"
