"""What a document is: title, type, local authority, date or period, and an inspection
report's graded judgements, read from the document's own text."""
from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date as Date
from itertools import chain, islice
from pathlib import Path

from indexer.model import Block, Paragraph, RawDocument

# Inspection reports on a whole authority's services, which cover no period; the SIF's and
# ILACS's are graded on the framework's scale (those before the SIF graded "adequate" too).
INSPECTION_TYPES = ("ilacs-inspection", "sif-inspection", "pre-sif-inspection")
GRADED_TYPES = ("ilacs-inspection", "sif-inspection")
# Every type inspectors write, visits too (the framework's "inspectors" voice; a test holds
# the two to the same list, so that this package need not read the framework).
INSPECTOR_TYPES = frozenset(INSPECTION_TYPES + ("focused-visit", "monitoring-visit", "jtai"))

_MONTHS = {m: i + 1 for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"))}
_MONTHS.update({m[:3]: n for m, n in list(_MONTHS.items())})
_MONTHS["sept"] = 9
# Longest first: "september" is tried before "sept", and "sept" before "sep".
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}\s+(\d{{4}})\b", re.I)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
_PERIOD = re.compile(r"\b((?:19|20)\d{2})\s*(?:-|–|—|/|to)\s*((?:19|20)?\d{2})\b")
_PUBLISHED = re.compile(r"\b(?:report published|publication date|date published|published)\s*:?\s*", re.I)
_INSPECTION_DATES = re.compile(r"\b(?:inspection|visit|fieldwork) dates?\s*:?\s*|\bdates? of (?:the )?(?:inspection|visit)s?\s*:?\s*", re.I)
_LABELLED_DATE = re.compile(r"\b(?:date of meeting|meeting date|date of report|report date|date)\b\s*:?\s*", re.I)

_GRADE = re.compile(r"outstanding|good|requires? improvement(?: to be good)?|inadequate", re.I)
_COUNCIL = re.compile(
    r"\b((?:[A-Z][\w'’-]+)(?: (?:[A-Z][\w'’-]+|of|and|upon|on|le|under|in))*?)"
    r" (?:(?:Metropolitan )?Borough |County |City |District |Unitary )?Council\b")
_LEADING_WORDS = {"the", "in", "at", "by", "for", "with", "from", "to", "and", "of", "on", "a", "an",
                  "this", "our", "their", "its", "each", "every", "local", "county", "borough",
                  "city", "district", "town", "parish", "full", "cabinet", "children", "london",
                  "royal", "metropolitan"}
# English local authorities with children's services (plain names as Ofsted writes them),
# including predecessors of recent reorganisations.
_AUTHORITIES = tuple(name.strip() for name in """
Barking and Dagenham|Barnet|Bexley|Brent|Bromley|Camden|City of London|Croydon|Ealing|Enfield|
Greenwich|Hackney|Hammersmith and Fulham|Haringey|Harrow|Havering|Hillingdon|Hounslow|Islington|
Kensington and Chelsea|Kingston upon Thames|Lambeth|Lewisham|Merton|Newham|Redbridge|
Richmond upon Thames|Southwark|Sutton|Tower Hamlets|Waltham Forest|Wandsworth|Westminster|
Barnsley|Birmingham|Bolton|Bradford|Bury|Calderdale|Coventry|Doncaster|Dudley|Gateshead|Kirklees|
Knowsley|Leeds|Liverpool|Manchester|Newcastle upon Tyne|North Tyneside|Oldham|Rochdale|Rotherham|
Salford|Sandwell|Sefton|Sheffield|Solihull|South Tyneside|St Helens|Stockport|Sunderland|Tameside|
Trafford|Wakefield|Walsall|Wigan|Wirral|Wolverhampton|
Cambridgeshire|Cumbria|Derbyshire|Devon|East Sussex|Essex|Gloucestershire|Hampshire|Hertfordshire|
Kent|Lancashire|Leicestershire|Lincolnshire|Norfolk|Northamptonshire|Nottinghamshire|Oxfordshire|
Staffordshire|Suffolk|Surrey|Warwickshire|West Sussex|Worcestershire|
Bath and North East Somerset|Bedford|Blackburn with Darwen|Blackpool|Bournemouth|
Bournemouth, Christchurch and Poole|Bracknell Forest|Brighton and Hove|Bristol|Buckinghamshire|
Central Bedfordshire|Cheshire East|Cheshire West and Chester|Cornwall|Cumberland|Darlington|Derby|
Dorset|Durham|East Riding of Yorkshire|Halton|Hartlepool|Herefordshire|Hull|Isle of Wight|
Isles of Scilly|Leicester|Luton|Medway|Middlesbrough|Milton Keynes|North East Lincolnshire|
North Lincolnshire|North Northamptonshire|North Somerset|North Yorkshire|Northumberland|Nottingham|
Peterborough|Plymouth|Poole|Portsmouth|Reading|Redcar and Cleveland|Rutland|Shropshire|Slough|
Somerset|South Gloucestershire|Southampton|Southend-on-Sea|Stockton-on-Tees|Stoke-on-Trent|Swindon|
Telford and Wrekin|Thurrock|Torbay|Warrington|West Berkshire|West Northamptonshire|
Westmorland and Furness|Wiltshire|Windsor and Maidenhead|Wokingham|York
""".replace("\n", "").split("|"))
# Longest first, so "North Somerset" is found before "Somerset" claims the same words.
_AUTHORITY_NAMES = re.compile(r"\b(?=[A-Z])(" + "|".join(
    re.escape(n) for n in sorted(_AUTHORITIES, key=len, reverse=True)) + r")\b")


def known_authorities() -> tuple[str, ...]:
    """The English local authorities with children's services, by their plain names."""
    return _AUTHORITIES


_JUNK_TITLE = re.compile(r"^(?:microsoft\s+\w+\s*-|untitled|document\d*$)|\.(?:docx?|pdf|pptx?|xlsx?|odt)$", re.I)


@dataclass
class DocMeta:
    title: str
    doc_type: str                      # a framework doc type id
    authority: str | None              # the local authority's plain name, e.g. "Cheshire East"
    date: str | None                   # ISO YYYY-MM-DD
    period: str | None                 # e.g. "2023-24"
    grades: dict[str, str] = field(default_factory=dict)   # judgement id -> grade


def describe(raw: RawDocument, paragraphs: list[Paragraph], source: str) -> DocMeta:
    opening = _plain(_opening(raw.blocks))
    title = _title(raw, paragraphs, source)
    # What the document calls itself: its title, its declared title and its first words.
    naming = _plain(" ".join((title, raw.title or "", opening[:300])))
    text = _plain(" ".join(b.text for b in raw.blocks))
    doc_type = _doc_type(naming, opening, text, source)
    return DocMeta(
        title=title,
        doc_type=doc_type,
        authority=_authority(opening, text),
        date=_date(opening, doc_type),
        period=_period(naming) if doc_type not in INSPECTION_TYPES else None,
        grades=_grades(raw.blocks) if doc_type in GRADED_TYPES else {},
    )


def _plain(text: str) -> str:
    """One line, curly quotes made straight: what the patterns below expect."""
    return " ".join(text.replace("’", "'").replace("‘", "'").split())


def _opening(blocks: list[Block], limit: int = 1500) -> str:
    """The first blocks of a document, where title, authority and dates are stated."""
    parts, size = [], 0
    for b in blocks:
        if size >= limit:
            break
        parts.append(b.text)
        size += len(b.text)
    return "\n".join(parts)[: limit + 500]


# -- title ----------------------------------------------------------------------------------

def _title(raw: RawDocument, paragraphs: list[Paragraph], source: str) -> str:
    """The document's first heading, read whole when it is broken over several heading
    blocks, and joined to the next one when it is only a name (such as "Durham County
    Council" or "London Borough of Barnet"); else the title the file declares, else the start
    of its first paragraph, else the file name."""
    first_blocks = [b for b in raw.blocks if b.text.strip()][:8]
    for i, b in enumerate(first_blocks):
        if b.kind != "heading":
            continue
        title, after = _whole_heading(first_blocks, i)
        if _only_a_name(title) and after < len(first_blocks) and first_blocks[after].kind == "heading":
            title = f"{title}: {_whole_heading(first_blocks, after)[0]}"
        return title
    declared = _plain(raw.title or "")
    if declared and not _JUNK_TITLE.search(declared) and len(declared.split()) >= 2:
        return declared
    for p in paragraphs:
        if not p.boilerplate and p.kind != "table":
            return _shorten(_plain(p.text), 100)
    return Path(source).stem


# A heading line that ends on one of these words or marks runs on into the next line.
_DANGLING = re.compile(r"(?:\b(?:and|or|of|the|for|in|to|with|on|by|from|at|a|an|who)|[,&–-])$", re.I)
# An Ofsted report's name ("Inspection of ... services", "... care leavers", "... of children",
# "Review of ... Board") is read up to its closing word.
_REPORT_NAME = re.compile(r"^(?:re-?)?(?:inspection|review) of\b", re.I)
_REPORT_NAME_END = re.compile(r"\b(?:services|leavers|children|board)$", re.I)
_NAME_TAIL = re.compile(r"^(?:(?:Metropolitan|City|County|District) )?(?:Borough )?Council$")
_COUNCIL_OF = re.compile(r"^(?:the )?(?:London |Royal )?(?:Metropolitan )?(?:Borough|City|County|Corporation) of [A-Z]")


def _whole_heading(blocks: list[Block], i: int) -> tuple[str, int]:
    """The heading at blocks[i] with the heading blocks that continue it (a title a reader
    split over lines), and the index of the block after them."""
    text = _plain(blocks[i].text)
    j = i + 1
    while j < len(blocks) and j - i <= 3 and blocks[j].kind == "heading":
        line = _plain(blocks[j].text)
        if not _continues(text, line):
            break
        text, j = f"{text} {line}", j + 1
    return text, j


def _continues(text: str, line: str) -> bool:
    unfinished = bool(_DANGLING.search(text) or (_REPORT_NAME.match(text) and not _REPORT_NAME_END.search(text)))
    # After a finished line, "and" opens a second part ("... and Review of the LSCB").
    if re.match(r"and\b", line, re.I):
        return unfinished
    return unfinished or line[:1].islower() or bool(_NAME_TAIL.match(line))


def _only_a_name(title: str) -> bool:
    """A first heading that names the authority or service and not yet the document."""
    if len(title.split()) <= 3:
        return True
    if re.search(r"\b(?:inspection|report|review|visit|assessment|plan|strategy)\b", title, re.I):
        return False
    name = _plain_name(title)
    return bool(title.endswith("Council") or _COUNCIL_OF.match(title) or (name and _AUTHORITY_NAMES.fullmatch(name)))


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


# -- type -----------------------------------------------------------------------------------

# Cues for the authority's own documents, scored in what the document calls itself (x10),
# its opening (x3) and its whole text (x1, at most 5).
_AUTHORITY_CUES = {
    "self-evaluation": r"self[- ]?evaluation|self[- ]?assessment|\bsef\b|knowing ourselves",
    "committee-report": r"\bcommittee\b|\bcabinet\b|\bscrutiny\b|purpose of (?:the |this )?report"
                        r"|\bagenda\b|members are asked|it is recommended that|report of the",
    "service-plan": r"\bservice statement\b|\bstrategy\b|\bimprovement plan\b|\bbusiness plan\b"
                    r"|\bservice plan\b|\bour priorities\b|\baction plan\b",
    "audit-report": r"\baudit\b|quality assurance report|practice review|thematic review|case file",
}
_FILE_HINTS = (
    ("sif-inspection", r"\bsif\b|single[-_ ]inspection"),
    ("ilacs-inspection", r"ilacs"),
    ("focused-visit", r"focused"),
    ("monitoring-visit", r"monitoring"),
    ("jtai", r"jtai"),
    ("self-evaluation", r"\bsef\b|self[-_ ]?(?:evaluation|assessment)"),
    ("committee-report", r"committee|cabinet|scrutiny|agenda"),
    ("audit-report", r"audit"),
    ("service-plan", r"plan|strategy|statement"),
)


def _doc_type(naming: str, opening: str, text: str, source: str) -> str:
    naming, opening, text = naming.lower(), opening.lower(), text.lower()
    ofsted = _ofsted_type(opening, text)
    if ofsted:
        return ofsted
    scores = Counter()
    for doc_type, cue in _AUTHORITY_CUES.items():
        pattern = re.compile(cue)
        scores[doc_type] = (10 * len(pattern.findall(naming)) + 3 * len(pattern.findall(opening))
                            + sum(1 for _ in islice(pattern.finditer(text), 5)))
    best, score = scores.most_common(1)[0]
    if score >= 3:
        return best
    name = os.path.basename(source).lower().replace("_", " ")
    for doc_type, hint in _FILE_HINTS:
        if re.search(hint, name):
            return doc_type
    return best if score else "other"


# Names of Ofsted reports on local authorities under the frameworks before the SIF: the
# inspections of safeguarding and looked after children services (2009 to 2012), of
# arrangements for the protection of children (2012 to 2013) and the unannounced
# inspections of contact, referral and assessment arrangements (2009 to 2012).
_PRE_SIF_NAMES = re.compile(
    r"inspection of safeguarding and looked after children(?:'s)? services"
    r"|inspection of (?:the )?local authority arrangements for (?:the )?protection of children"
    r"|inspection of (?:the )?(?:local authority(?:'s)? )?contact,? referral and assessment")
# An Ofsted report's own furniture, which no paper about one carries in its first lines.
_INSPECTORS = re.compile(r"\blead inspector\b|\breporting inspector\b|\b(?:her|his) majesty's inspector\b")


def _ofsted_type(opening: str, text: str) -> str | None:
    """Ofsted's own reports name themselves in their first lines."""
    head = opening[:600]
    if "joint targeted area inspection" in head:
        return "jtai"
    if re.search(r"\bfocused visit\b", head):
        return "focused-visit"
    if re.search(r"\bmonitoring visit\b", head):
        return "monitoring-visit"
    if "inspection of services for children in need of help and protection" in head:
        return "sif-inspection"
    if _PRE_SIF_NAMES.search(head):
        return "pre-sif-inspection"
    titled = re.search(r"inspection of (?:[\w' -]+ )?children's (?:social care )?services", head[:400])
    if not (titled or _INSPECTORS.search(head)):
        return None
    if "impact of leaders on social work practice" in text:
        return "ilacs-inspection"
    if "achieving permanence" in text and "leadership, management and governance" in text:
        return "sif-inspection"
    return _framework_of(head)


def _framework_of(head: str) -> str:
    """An Ofsted report that names no framework's judgements: the framework in force when it
    was inspected (the SIF from November 2013 to 2017, ILACS from 2018)."""
    found = _dates_in(head)
    when = found[-1] if found else None
    if when and when < "2013-11-01":
        return "pre-sif-inspection"
    if when and when < "2018-01-01":
        return "sif-inspection"
    return "ilacs-inspection"


# -- authority -------------------------------------------------------------------------------

def _authority(opening: str, text: str) -> str | None:
    """The name in an Ofsted report's title; otherwise the authority named most, counting
    known authorities' names and "X Council" phrases, the opening's mentions three times."""
    for pattern in (r"inspection of (.+?) local authority children's services",
                    r"(?:focused|monitoring) visit to (.+?) (?:local authority )?children's services",
                    r"children's services in (.+?) (?:are|is|require|requires)\b"):
        m = re.search(pattern, opening, re.I)
        if m:
            name = _plain_name(m.group(1))
            if name:
                return name
    counts = Counter()
    for source, weight in ((opening, 3), (text, 1)):
        for m in _AUTHORITY_NAMES.finditer(source):
            counts[m.group(1)] += weight
        for m in _COUNCIL.finditer(source):
            name = _plain_name(m.group(1))
            if name:
                counts[name] += 3 * weight
    return counts.most_common(1)[0][0] if counts else None


def _plain_name(name: str) -> str | None:
    """ "Northumberland County Council" -> "Northumberland"; "the London Borough of Hackney"
    -> "Hackney"; all-capitals names in title case."""
    name = re.sub(r"\s+", " ", name).strip(" ,.;:")
    name = re.sub(r"\b(?:(?:Metropolitan )?Borough|County|City|District|Unitary)?\s*Council$", "", name, flags=re.I).strip()
    name = re.sub(r"^(?:the )?(?:(?:London|Royal) )?(?:Borough|City|County|Council) of (?:the )?", "", name, flags=re.I)
    words = name.split()
    while words and words[0].lower() in _LEADING_WORDS:
        words.pop(0)
    if not words or len(words) > 5:
        return None
    name = " ".join(words)
    return name.title() if name.isupper() else name


# -- dates -----------------------------------------------------------------------------------

def _date(opening: str, doc_type: str) -> str | None:
    """An inspection report's publication date where it states one, else the last day of
    its inspection; any other document's labelled date, else its first full date."""
    if doc_type in INSPECTOR_TYPES:
        for label in (_PUBLISHED, _INSPECTION_DATES):
            for m in label.finditer(opening):
                dates = _dates_in(opening[m.end():m.end() + 80])
                if dates:
                    return dates[-1 if label is _INSPECTION_DATES else 0]
    for m in _LABELLED_DATE.finditer(opening):
        dates = _dates_in(opening[m.end():m.end() + 40])
        if dates:
            return dates[0]
    dates = _dates_in(opening)
    return dates[0] if dates else None


def _dates_in(text: str) -> list[str]:
    """Full dates in order of appearance; "10 to 21 October 2022" yields only the 21st, so a
    span's last date is its end."""
    found = []
    for m in _DAY_MONTH_YEAR.finditer(text):
        found.append((m.start(), _iso(int(m.group(3)), _MONTHS[m.group(2).lower().rstrip(".")], int(m.group(1)))))
    for m in _NUMERIC_DATE.finditer(text):
        found.append((m.start(), _iso(int(m.group(3)), int(m.group(2)), int(m.group(1)))))
    return [iso for _, iso in sorted(found) if iso]


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return Date(year, month, day).isoformat()
    except ValueError:
        return None


def _period(opening: str) -> str | None:
    """A year span the document covers, e.g. "Self-assessment 2023-24" -> "2023-24"."""
    for m in _PERIOD.finditer(opening):
        first, second = int(m.group(1)), m.group(2)
        last = int(second) if len(second) == 4 else first // 100 * 100 + int(second)
        if 0 < last - first <= 5:
            return f"{first}-{last % 100:02d}"
    return None


# -- grades ----------------------------------------------------------------------------------

# A grade where a statement of it ends: at the end of the text or before a full stop, a
# number or a capital (the next row or sentence), not before "when", "because" or "at".
_STATED = r"\s*:?\s*(" + _GRADE.pattern + r")(?=\s*(?:$|[.;]|\d|(?-i:[A-Z(])))"
_NAMED_AREA = r"[\w'’ ,.&-]{2,60}?"
# How a report's front page names each judgement just before its grade: the SIF's numbered
# table (2013 to 2018) and its summary sentences, and the ILACS table.
_FRONT_LABELS = tuple((judgements, re.compile(r"(?:^|(?<=[\s.]))" + label + _STATED, re.I)) for judgements, label in (
    (("overall",), rf"children's services in {_NAMED_AREA}(?:\s+(?:are|is))?"),
    (("overall",), r"the overall judgement is(?: that children's services)?"),
    (("overall",), r"overall effectiveness"),
    (("help-protection",), r"children who need help and protection(?: (?:are|is))?"),
    (("in-care",), r"children looked after and achieving permanence"),
    (("in-care", "care-leavers"), r"children in care and care leavers"),
    (("in-care",), r"experiences and progress of children in care"),
    (("adoption",), r"adoption performance"),
    (("care-leavers",), r"experiences? and progress of care leavers"),
    (("leadership",), r"leadership, management and governance"),
    (("leadership",), r"the impact of leaders on social work practice with children and families"),
    (("lscb",), r"(?:the )?(?:effectiveness of the )?local safeguarding children(?:'s)? board(?: \(lscb\))?(?: is)?"),
))
# What the SIF's sections open with: "The graded judgement for adoption performance is that
# it is good", "The Local Safeguarding Children Board requires improvement", "The
# effectiveness of the LSCB is good".
_SECTION_STATEMENTS = tuple(re.compile(r"^" + label + _STATED, re.I) for label in (
    r"the graded judgement (?:for|about|on) (?P<name>.{3,90}?) is(?: that it)?(?: is)?",
    r"(?P<name>the (?:effectiveness of the )?(?:local safeguarding children(?:'s)? board|lscb))(?: \(lscb\))?(?: is)?",
))


def _grades(blocks: list[Block]) -> dict[str, str]:
    """Judgement grades: from the report's grade table; what it lacks (or all, when the table
    was not recognised) from its front page, read as one text; then from the statements that
    open the SIF's sections on sub-judgements; then from section headings such as "The
    experiences and progress of care leavers: good" and short paragraphs of that form. The
    first value found for a judgement stands, so a previous inspection's grades quoted later
    in a report do not."""
    grades: dict[str, str] = {}
    for judgement, grade in chain(_table_grades(blocks), _front_grades(blocks), _stated_grades(blocks)):
        grades.setdefault(judgement, grade)
    return grades


def _table_grades(blocks: list[Block]) -> Iterator[tuple[str, str]]:
    for b in blocks:
        if b.kind == "table" and b.rows:
            for row in b.rows:
                named = _graded(row[0], " ".join(row[1:])) if len(row) > 1 else []
                # A row whose name cell holds the grade too ("Children's services in X are good").
                yield from named or _graded_line(" ".join(row))


def _front_page(blocks: list[Block], limit: int = 3000) -> str:
    """The text of the first page that has any (the opening, where pages are unknown), plain,
    tables' cells run together as the page reads."""
    texts = [b for b in blocks if b.text.strip()]
    first = texts[0].page if texts else None
    parts, size = [], 0
    for b in texts:
        past = b.page != first if first is not None else size >= limit
        if past:
            break
        parts.append(b.text.replace(" | ", " "))
        size += len(b.text)
    return _plain(" ".join(parts))


def _front_grades(blocks: list[Block]) -> Iterator[tuple[str, str]]:
    """Each judgement's grade where the front page names it; the first mention stands."""
    front = _front_page(blocks)
    found = []
    for judgements, pattern in _FRONT_LABELS:
        m = pattern.search(front)
        if m:
            found.extend((m.start(), j, _normal_grade(m.group(1))) for j in judgements)
    for _, judgement, grade in sorted(found):
        yield judgement, grade


def _stated_grades(blocks: list[Block]) -> Iterator[tuple[str, str]]:
    """Grades a section states in its opening heading or sentence, then grades in headings
    and short "<judgement>: <grade>" paragraphs."""
    for b in blocks:
        if b.kind in ("heading", "paragraph") and len(b.text.split()) <= 30:
            text = _plain(b.text)
            for pattern in _SECTION_STATEMENTS:
                m = pattern.match(text)
                if m:
                    yield from _graded(m.group("name"), m.group(len(m.groups())))
    for b in blocks:
        if b.kind == "heading":
            yield from _graded_line(b.text)
    for b in blocks:
        if b.kind in ("paragraph", "list_item") and len(b.text.split()) <= 25 and ":" in b.text:
            yield from _graded_line(b.text)


def _graded_line(text: str) -> list[tuple[str, str]]:
    """Split "<judgement>: <grade>" or "<judgement> is that it is <grade>" and grade it."""
    text = _plain(text)
    m = re.match(r"(.+?)(?::|\bis that it is\b|\bare\b|\bis\b)\s*:?\s*(" + _GRADE.pattern + r")\.?$", text, re.I)
    if m:
        return _graded(m.group(1), m.group(2))
    m = re.match(r"(.+?)\s+(" + _GRADE.pattern + r")\.?$", text, re.I)
    return _graded(m.group(1), m.group(2)) if m else []


def _graded(name: str, grade_text: str) -> list[tuple[str, str]]:
    grades = _GRADE.findall(grade_text)
    judgements = _judgements_named(name)
    if not grades or not judgements:
        return []
    grade = _normal_grade(grades[-1])
    return [(j, grade) for j in judgements]


def _judgements_named(name: str) -> list[str]:
    """The judgement(s) a row or heading names; a pre-2023 combined judgement names two."""
    t = _plain(name).lower()
    if "adoption" in t:
        return ["adoption"]
    if "safeguarding children board" in t or "safeguarding children's board" in t or re.search(r"\blscb\b", t):
        return ["lscb"]
    if "help and protection" in t:
        return ["help-protection"]
    if re.search(r"(?:in care|looked after) and care leavers", t):
        return ["in-care", "care-leavers"]
    if "achieving permanence" in t or re.search(r"\bchildren (?:in care|looked after)\b", t):
        return ["in-care"]
    if "care leavers" in t:
        return ["care-leavers"]
    if "impact of leaders" in t or "leadership, management and governance" in t:
        return ["leadership"]
    if "overall effectiveness" in t or re.search(r"^children's services in \w", t):
        return ["overall"]
    return []


def _normal_grade(grade: str) -> str:
    grade = grade.lower()
    return "requires improvement to be good" if grade.startswith("require") else grade
