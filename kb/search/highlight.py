"""A hit's text as safe HTML with the matched words in <mark>, cut to the stretch that
matched best when the paragraph is long."""
from __future__ import annotations

import html
from dataclasses import dataclass

from kb.search.query import ANALYZER

MAX_CHARS = 600          # a paragraph longer than this is shown in part
LEAD_CHARS = 80          # context kept before the first mark of the part shown


@dataclass
class Marked:
    html: str
    labels: list[str]    # what matched in the text, in order of first appearance


def mark(text: str, marks: dict[tuple[str, ...], str]) -> Marked:
    """`marks` maps analysed words or phrases to a label (how the query put them)."""
    tokens = [(t.text, t.startchar, t.endchar) for t in ANALYZER(text, chars=True)]
    stems = [t[0] for t in tokens]
    where: dict[str, list[int]] = {}
    for i, stem in enumerate(stems):
        where.setdefault(stem, []).append(i)
    spans = []
    for words, label in marks.items():
        n = len(words)
        for i in where.get(words[0], ()):
            if tuple(stems[i:i + n]) == words:
                spans.append((tokens[i][1], tokens[i + n - 1][2], label))
    labels = [label for _, _, label in sorted(spans)]
    spans = _merge(sorted((s, e) for s, e, _ in spans))
    start, end = _window(text, spans)
    out, pos = [], start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.append(html.escape(text[pos:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        pos = e
    out.append(html.escape(text[pos:end]))
    body = "".join(out)
    if start > 0:
        body = "\u2026" + body.lstrip()
    if end < len(text):
        body = body.rstrip() + "\u2026"
    return Marked(body, list(dict.fromkeys(labels)))


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching spans become one (a phrase inside a phrase, say)."""
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _window(text: str, spans) -> tuple[int, int]:
    """The part of the text to show: all of it, or MAX_CHARS around the most marks."""
    if len(text) <= MAX_CHARS:
        return 0, len(text)
    best_start, best_count = 0, -1
    for s, _ in spans:
        start = max(0, s - LEAD_CHARS)
        count = sum(1 for a, b in spans if a >= start and b <= start + MAX_CHARS)
        if count > best_count:
            best_start, best_count = start, count
    start = best_start
    if start > 0:
        space = text.rfind(" ", 0, start + 1)
        start = space + 1 if space >= 0 else start
    end = min(len(text), start + MAX_CHARS)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return start, end
