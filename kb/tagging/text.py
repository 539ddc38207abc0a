"""Text normalisation shared by every part of the tagger: one way to lower-case, strip
possessives and stem, so that lexicon phrases and paragraph text meet on the same terms,
and the glossary's acronyms turn into the words they stand for."""
from __future__ import annotations

import re
from functools import lru_cache

from kb import framework

_QUOTES = {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
           "\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2011": "-"}
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

# Acronyms the glossary lacks but inspection reports use without spelling them out,
# and plural forms that a word-boundary match on the glossary entry would miss.
_EXTRA_ACRONYMS = (
    ("PAs", "personal advisers"),
    ("IROs", "independent reviewing officers"),
    ("SGOs", "special guardianship orders"),
    ("PEPs", "personal education plans"),
    ("EHCPs", "education, health and care plans"),
    ("RHIs", "return home interviews"),
    ("LCWs", "leaving care workers"),
    ("LCW", "leaving care worker"),
    ("RAA", "regional adoption agency"),
    ("ICPCs", "initial child protection conferences"),
    ("RCPCs", "review child protection conferences"),
)


def normalise(text: str) -> str:
    """Typographic quotes and dashes to ASCII; nothing else changes."""
    # str.replace per character is many times faster than str.translate, and most text
    # (plain ASCII) needs neither.
    if text.isascii():
        return text
    for typographic, plain in _QUOTES.items():
        if typographic in text:
            text = text.replace(typographic, plain)
    return text


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A deliberately light stemmer: possessives and plural endings only, so that
    'carers'' == 'carer' and 'enquiries' == 'enquiry' but 'planning' != 'plan'."""
    if word.endswith("'s"):
        word = word[:-2]
    word = word.rstrip("'")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """Stemmed lower-case word tokens; hyphens and slashes separate words."""
    return [stem(t) for t in _TOKEN.findall(normalise(text).lower().replace("-", " "))]


def phrase_key(phrase: str) -> str:
    """The form a lexicon phrase takes once tokenised, to look it up among the text's."""
    return " ".join(tokens(phrase))


@lru_cache(maxsize=1)
def _acronym_pattern() -> tuple[re.Pattern, dict[str, str]]:
    expansions: dict[str, str] = {}
    for acronym, expansion in tuple(framework.glossary()) + _EXTRA_ACRONYMS:
        # An acronym with two expansions keeps the first; later ones add nothing new.
        expansions.setdefault(acronym, expansion)
    # Case-sensitive on purpose: "PA" is a personal adviser, "pa" is not.
    names = sorted(expansions, key=len, reverse=True)
    pattern = re.compile(r"(?<![A-Za-z])(" + "|".join(map(re.escape, names)) + r")(?![A-Za-z])")
    return pattern, expansions


def expand_acronyms(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The text with an acronym's expansion appended for each time it occurs, and the
    distinct (acronym, expansion) pairs used. Appending rather than replacing keeps the
    acronym itself as a term too."""
    pattern, expansions = _acronym_pattern()
    used = [m.group(1) for m in pattern.finditer(text)]
    if not used:
        return text, []
    pairs = {a: expansions[a] for a in used}
    return text + " . " + " . ".join(expansions[a] for a in used), list(pairs.items())
