"""Plain text that a regular expression cannot match without, read off the pattern, so
that a cheap substring test can skip running it: most cue patterns are absent from most
sentences, and running a regex costs far more than `in`.

`required_texts` answers with strings of which every match contains at least one, or
with nothing when it cannot tell; it only ever errs towards running a pattern. It reads
the plain regex dialect of the cue tables: literal runs, escapes, classes, groups,
alternatives and quantifiers (an optional part is never required)."""
from __future__ import annotations

import re

_SPECIAL = frozenset("\\.^$*+?{}[]()|")
_QUANTIFIERS = frozenset("?*+{")
_OPTIONAL = frozenset("?*{")   # `{m,n}` counted as optional: m may be 0
# Inline flags (case-insensitivity above all) would break the plain substring test.
_INLINE_FLAGS = re.compile(r"\(\?[aiLmsux]")


def required_texts(pattern: str) -> tuple[str, ...]:
    """Strings one of which is in every match of `pattern`; () when none can be told."""
    if _INLINE_FLAGS.search(pattern):
        return ()
    options: list[str] = []
    for branch in _alternatives(pattern):
        best = _branch_requires(branch)
        if not best:
            return ()
        options.extend(best)
    return tuple(dict.fromkeys(options))


def _alternatives(pattern: str) -> list[str]:
    """The pattern split at its top-level `|`."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            i = _class_end(pattern, i)
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


def _class_end(pattern: str, i: int) -> int:
    """Index just after the character class that opens at i."""
    j = i + 1
    if pattern[j:j + 1] == "^":
        j += 1
    if pattern[j:j + 1] == "]":   # a leading "]" is a member, not the end
        j += 1
    while j < len(pattern) and pattern[j] != "]":
        j += 2 if pattern[j] == "\\" else 1
    return j + 1


def _group_end(pattern: str, i: int) -> int:
    """Index just after the group that opens at i."""
    depth, j = 0, i
    while j < len(pattern):
        c = pattern[j]
        if c == "\\":
            j += 2
            continue
        if c == "[":
            j = _class_end(pattern, j)
            continue
        depth += (c == "(") - (c == ")")
        j += 1
        if depth == 0:
            break
    return j


def _branch_requires(branch: str) -> tuple[str, ...]:
    """The most selective requirement of a branch without top-level alternatives: each
    run of plain characters is required, and so is one of the texts a group requires
    unless the group is optional. Longer texts are rarer, so the choice goes to the
    requirement whose shortest text is longest."""
    found: list[tuple[str, ...]] = []
    run, i = "", 0
    while i < len(branch):
        c = branch[i]
        if c not in _SPECIAL:
            run += c
            i += 1
            continue
        if c in _QUANTIFIERS:
            run = run[:-1]            # the quantified character may be absent
        if run:
            found.append((run,))
        run = ""
        if c == "\\":
            i += 2
        elif c == "[":
            i = _class_end(branch, i)
        elif c == "(":
            end = _group_end(branch, i)
            inner = branch[i + 1:end - 1]
            if inner.startswith("?:"):
                inner = inner[2:]
            elif inner.startswith("?"):   # lookaround or named group: claim nothing
                inner = ""
            if inner and branch[end:end + 1] not in _OPTIONAL:
                inside = required_texts(inner)
                if inside:
                    found.append(inside)
            i = end
        elif c == "{":
            close = branch.find("}", i)
            i = close + 1 if close != -1 else len(branch)
        else:
            i += 1
    if run:
        found.append((run,))
    return max(found, key=lambda texts: (min(map(len, texts)), -len(texts)), default=())


class PatternSet:
    """Regular expressions in a fixed order, each run only on a text that holds one of
    its required texts. Which required texts a text holds is found in one pass of a
    regex built as a trie of them all. Each expression is compiled when a text first
    needs it: a process that tags a few documents never needs many of them."""

    def __init__(self, patterns: list[str] | tuple[str, ...]):
        self._sources = list(patterns)
        self._compiled: list[re.Pattern | None] = [None] * len(patterns)
        self._needing: dict[str, list[int]] = {}   # required text -> numbers of the patterns
        self._always: list[int] = []               # patterns with no required text
        for i, p in enumerate(patterns):
            texts = required_texts(p)
            if not texts:
                self._always.append(i)
            for t in texts:
                self._needing.setdefault(t, []).append(i)
        # `_finder` gives, at each position, the longest required text that starts there;
        # the others that start there are the required texts it begins with (`_within`).
        self._finder = re.compile("(?=(" + _trie(sorted(self._needing)) + "))")
        self._within = {t: [t[:n] for n in range(1, len(t) + 1) if t[:n] in self._needing]
                        for t in self._needing}

    def pattern(self, i: int) -> re.Pattern:
        """Expression number i, compiled."""
        compiled = self._compiled[i]
        if compiled is None:
            compiled = self._compiled[i] = re.compile(self._sources[i])
        return compiled

    def candidates(self, text: str) -> list[int]:
        """Numbers of the patterns that may match `text`, in their order."""
        found = set(self._always)
        for m in self._finder.finditer(text):
            for t in self._within[m.group(1)]:
                found.update(self._needing[t])
        return sorted(found)


def _trie(texts: list[str]) -> str:
    """A regex matching any of `texts`, shaped as a trie so that it costs a few steps per
    position whatever their number. At each node the ways on are tried before the end of
    a text, so the match is the longest text that starts there."""
    if not texts:
        return "(?!)"
    tree: dict = {}
    for t in texts:
        node = tree
        for ch in t:
            node = node.setdefault(ch, {})
        node[""] = {}

    def branch(node: dict) -> str:
        ways = [re.escape(ch) + branch(child) for ch, child in node.items() if ch]
        if "" in node:
            ways.append("")
        return ways[0] if len(ways) == 1 else "(?:" + "|".join(ways) + ")"

    return branch(tree)
