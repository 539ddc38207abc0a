"""From a reader's blocks to stored paragraphs, whatever the format: heading trails, Ofsted
paragraph numbers, paragraphs re-joined across page breaks, boilerplate marked."""
from __future__ import annotations

import re

from indexer.clean import PARAGRAPH_NUMBER, append_item, ends_sentence, join_lines, tidy, vocabulary
from indexer.model import PARAGRAPH_KINDS, Paragraph, RawDocument

# Text that is never evidence: Ofsted's closing page, licences, copyright, contact lines.
_BOILERPLATE_START = re.compile(
    r"the office for standards in education, children.s services and skills"
    r"|if you would like a copy of this document in a different format"
    r"|you may reuse this information"
    r"|this (?:report|publication|document) is (?:also )?available (?:at|from)"
    r"|interested in our work\?|any complaints about the inspection|©|\(c\) crown"
    r"|(?:t|tel|telephone|textphone|e|email|w|web|website)\s*:\s*\S")
_BOILERPLATE_ANYWHERE = ("open government licence", "crown copyright")
# Opens the closing licence page: short lines after it (addresses) are boilerplate too.
_LICENCE_OPENINGS = ("the office for standards in education", "you may reuse this information")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b")
# A statement that there is nothing to say: "None.", "This report has no implications for ..."
_NIL = re.compile(
    r"^(?:none|nil|n/?a|not applicable|none (?:identified|arising|known))$"
    r"|^(?:this|the) (?:report|proposal|decision) (?:has|contains|raises) no\b"
    r"|^(?:there are )?no (?:direct |specific |significant |known |additional |new )?[\w\s,/&-]{0,40}implications?\b"
    r"|^there (?:is|are) no [\w\s,/&-]{0,40}(?:implications?|impact)\b"
    r"|\bis not a key decision\b|\bis not an urgent (?:matter|decision)\b"
    r"|\bdoes not recommend any changes\b",
    re.I)
# An inspection report's graded judgement sections, current and earlier frameworks.
_JUDGEMENT_SECTION = re.compile(
    r"^(?:the )?(?:experiences? and progress of (?:children|care leavers|young people)"
    r"|impact of leaders on social work practice"
    r"|leadership,? management and governance"
    r"|children who need help and protection|children looked after and achieving permanence)\b",
    re.I)
_GRADE = re.compile(r"\b(?:outstanding|good|inadequate|requires? improvement)\b", re.I)
# Summary headings a judgement section never nests under, whatever their style.
_SUMMARY_SECTION = re.compile(
    r"\bsummary\b|\bwhat (?:needs|does the local authority need) to improve\b|^recommendations?\b"
    r"|\bareas? for (?:improvement|development)\b|\bpriority and immediate action\b|\bkey findings\b",
    re.I)


def segment(raw: RawDocument) -> list[Paragraph]:
    """Paragraphs in document order with their heading trail; headings themselves become
    the trail, not paragraphs; empty blocks are dropped."""
    words: frozenset[str] | None = None   # the document's words, read when a split word needs them
    paragraphs: list[Paragraph] = []
    trail: list[tuple[int, str]] = []
    after_heading = True   # no paragraph may be joined across a heading
    for block in raw.blocks:
        rows = _clean_rows(block.rows) if block.rows else None
        text = "\n".join(" | ".join(r) for r in rows) if rows else tidy(block.text)
        if not text:
            continue
        if block.kind == "heading":
            _enter(trail, block.level if block.level > 0 else 1, text)
            after_heading = True
            continue
        kind = block.kind if block.kind in PARAGRAPH_KINDS else "paragraph"
        previous = paragraphs[-1] if paragraphs else None
        if previous is not None and not after_heading and _runs_on(previous, kind, text):
            if words is None and previous.text.endswith("-"):
                words = vocabulary("\n".join(b.text for b in raw.blocks))
            previous.text = join_lines(previous.text + "\n" + text, words or frozenset())
            continue
        paragraphs.append(Paragraph(seq=len(paragraphs), text=text, kind=kind, page=block.page,
                                    number=None, section=[t for _, t in trail], rows=rows))
        after_heading = False
    paragraphs = _with_lead_ins(paragraphs)
    _number(paragraphs)
    _mark_boilerplate(paragraphs)
    return paragraphs


def _with_lead_ins(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """A paragraph that ends in a colon takes in the list items that follow it in its
    section and continue its sentence (they start in lower case or with a figure): "In the
    last 12 months: there have been eight adoptions; 28 children ..." (a bullet alone says
    nothing without it). Items that are sentences of their own stay apart."""
    out: list[Paragraph] = []
    lead: Paragraph | None = None
    for p in paragraphs:
        if lead is not None and p.kind == "list_item" and p.section == lead.section \
                and (p.text[0].islower() or p.text[0].isdigit()):
            lead.text = append_item(lead.text, p.text)
            continue
        lead = p if p.kind == "paragraph" and p.text.endswith(":") else None
        p.seq = len(out)
        out.append(p)
    return out


def _enter(trail: list[tuple[int, str]], level: int, text: str) -> None:
    """Put a heading on the trail, closing the headings it ends. A graded judgement
    section also closes the summary (or the judgement section) it follows, whatever their
    styles: a report may set "What needs to improve?" larger than its judgement headings.
    (Ungraded, the judgement's name may label a group of recommendations.)"""
    if _JUDGEMENT_SECTION.match(text) and _GRADE.search(text):
        cut = next((i for i, (_, t) in enumerate(trail)
                    if _SUMMARY_SECTION.search(t) or _JUDGEMENT_SECTION.match(t)), len(trail))
        del trail[cut:]
    while trail and trail[-1][0] >= level:
        trail.pop()
    trail.append((level, text))


def _clean_rows(rows: list[list[str]]) -> list[list[str]] | None:
    cleaned = [[tidy(cell) for cell in row] for row in rows]
    cleaned = [row for row in cleaned if any(row)]
    return cleaned or None


def _runs_on(previous: Paragraph, kind: str, text: str) -> bool:
    """A block that continues the previous one, cut by a page break or a stray blank line:
    the previous has no closing punctuation and this one starts in lower case."""
    return (previous.kind in ("paragraph", "list_item", "quote") and kind == "paragraph"
            and text[0].islower() and not ends_sentence(previous.text))


def _number(paragraphs: list[Paragraph]) -> None:
    """Take "12. " off paragraphs that are numbered in sequence and keep 12 as their number.

    Each candidate extends the best chain ending at its number minus one. Chains are then
    taken longest first where they do not overlap one already taken, so a lone "2020." or a
    short numbered list inside a numbered paragraph does not count."""
    candidates = []
    for i, p in enumerate(paragraphs):
        if p.kind in ("paragraph", "list_item"):
            m = PARAGRAPH_NUMBER.match(p.text)
            if m:
                candidates.append((i, int(m.group(1)), m.end()))
    best_ending: dict[int, int] = {}          # number -> index in candidates of the best chain end
    length, previous = [0] * len(candidates), [-1] * len(candidates)
    for k, (_, n, _) in enumerate(candidates):
        before = best_ending.get(n - 1)
        length[k] = length[before] + 1 if before is not None else 1
        previous[k] = before if before is not None else -1
        if n not in best_ending or length[k] >= length[best_ending[n]]:
            best_ending[n] = k
    taken: list[tuple[int, int]] = []
    used: set[int] = set()
    for end in sorted(range(len(candidates)), key=lambda k: -length[k]):
        if length[end] < 2 or end in used:
            continue
        chain = []
        k = end
        while k != -1:
            chain.append(k)
            k = previous[k]
        first, last = candidates[chain[-1]][0], candidates[chain[0]][0]
        if any(k in used for k in chain) or any(a <= last and first <= b for a, b in taken):
            continue
        taken.append((first, last))
        used.update(chain)
    for k in used:
        i, n, cut = candidates[k]
        paragraphs[i].number = n
        paragraphs[i].text = paragraphs[i].text[cut:]


def _mark_boilerplate(paragraphs: list[Paragraph]) -> None:
    """Mark licence text, contact lines and "no implications" statements. After a licence
    opens (Ofsted's closing page), short paragraphs in the same section, such as the lines
    of an address, are boilerplate too."""
    licence_section: list[str] | None = None
    for p in paragraphs:
        if p.kind == "table" and p.rows:
            flagged = _nil_table(p.rows)
        else:
            flagged = (_is_boilerplate(p.text) or _nil_implication(p)
                       or (len(p.text.split()) <= 12 and bool(_POSTCODE.search(p.text))))
        lower = p.text.lower()
        if lower.startswith(_LICENCE_OPENINGS) or "crown copyright" in lower:
            licence_section = p.section
        elif licence_section is not None and (p.section != licence_section
                                              or (not flagged and len(p.text.split()) > 12)):
            licence_section = None
        p.boilerplate = flagged or licence_section is not None


def _is_boilerplate(text: str) -> bool:
    lower = text.lower()
    return bool(_BOILERPLATE_START.match(lower)) or any(s in lower for s in _BOILERPLATE_ANYWHERE)


def _is_nil(text: str) -> bool:
    text = text.strip().rstrip(".").strip()
    return len(text.split()) <= 30 and bool(_NIL.search(text))


def _nil_table(rows: list[list[str]]) -> bool:
    """An implications table in which most rows say there are none."""
    nil_rows = sum(1 for row in rows if any(_is_nil(cell) for cell in row[1:]))
    return len(rows) >= 2 and nil_rows * 2 >= len(rows)


def _nil_implication(p: Paragraph) -> bool:
    """ "None." under an implications heading, or "Carbon impact: this report has no
    implications ..." anywhere."""
    text = p.text
    label, sep, rest = text.partition(":")
    if sep and len(label.split()) <= 5 and _is_nil(rest):
        return True
    if not _is_nil(text):
        return False
    return "implication" in text.lower() or any("implication" in s.lower() for s in p.section)
