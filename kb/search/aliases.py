"""Glossary aliases of a paragraph: the expansions of the acronyms it uses and the
acronyms of the expansions it spells out, so that "IRO" finds "independent reviewing
officer" and the other way round."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kb import framework


def _word_pattern(word: str) -> tuple[str, str]:
    """(base, regex) for one word of an expansion: the regex tolerates plurals and
    possessives; every form it matches contains the base."""
    if word in ("child", "children"):
        return "child", "child(?:ren)?"
    if word.endswith("ies") and len(word) > 4:
        base, suffix = word[:-3], "(?:y|ies)"
    elif word.endswith("y") and len(word) > 3:
        base, suffix = word[:-1], "(?:y|ies)"
    elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        base, suffix = word[:-1], "(?:s|es)?"
    else:
        base, suffix = word, "(?:s|es)?"
    return base, re.escape(base) + suffix + "(?:['\u2019]s)?"


def _phrase_pattern(phrase: str) -> tuple[str, str]:
    """(base, regex) for a phrase in running text whatever its case, plurals, hyphens or
    commas ("pre-proceedings" ~ "pre proceedings", "letter" ~ "letters"). The base, the
    longest word's, is in every match: a cheap test before running the regex."""
    words = [_word_pattern(w) for w in re.findall(r"[a-z0-9]+", re.sub(r"['\u2019]s\b", "", phrase.lower()))]
    regex = r"(?<!\w)" + r"[\s\-\u2013\u2014,/]+".join(p for _, p in words) + r"(?!\w)"
    return max((b for b, _ in words), key=len), regex


@lru_cache(maxsize=None)
def _phrase_regex(regex: str) -> re.Pattern:
    # Compiled when a text first holds the phrase's base: a worker that reads a few
    # documents needs few of the glossary's phrases, and compiling all took 25 ms.
    return re.compile(regex, re.IGNORECASE)


@dataclass(frozen=True)
class _Glossary:
    expansions: dict[str, tuple[str, ...]]           # acronym as written -> its expansions
    acronym_re: re.Pattern                           # acronyms as written in text, plurals too
    expansion_res: tuple[tuple[str, str, str], ...]  # (base, phrase regex, acronym)


@lru_cache(maxsize=1)
def glossary_index() -> _Glossary:
    expansions: dict[str, list[str]] = {}
    for acronym, expansion in framework.glossary():
        expansions.setdefault(acronym, []).append(expansion)
    spellings = []
    for acronym in expansions:
        spellings.append(re.escape(acronym))
        if any(ch.isdigit() for ch in acronym):     # "s47" is as clear as "S47"
            spellings.append(re.escape(acronym.lower()))
    spellings.sort(key=len, reverse=True)
    acronym_re = re.compile(r"(?<![\w-])(" + "|".join(spellings) + r")(?:s|['\u2019]s)?(?![\w-])")
    expansion_res = tuple((*_phrase_pattern(e), a) for a, es in expansions.items() for e in es)
    return _Glossary({a: tuple(es) for a, es in expansions.items()}, acronym_re, expansion_res)


def glossary_aliases(text: str) -> list[tuple[str, str]]:
    """(found, alias) pairs for a paragraph: each acronym it uses with each of its
    expansions, and each expansion it spells out with its acronym."""
    g = glossary_index()
    pairs: dict[tuple[str, str], tuple[str, str]] = {}
    for m in g.acronym_re.finditer(text):
        acronym = m.group(1)
        acronym = acronym if acronym in g.expansions else acronym.upper()
        for e in g.expansions[acronym]:
            pairs.setdefault((acronym.lower(), e.lower()), (acronym, e))
    lowered = text.lower()
    for base, regex, acronym in g.expansion_res:
        if base in lowered:
            m = _phrase_regex(regex).search(text)
            if m:
                pairs.setdefault((m.group(0).lower(), acronym.lower()), (m.group(0), acronym))
    return list(pairs.values())

