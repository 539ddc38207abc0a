"""Understanding a question without a language model: which judgements, criteria and
glossary terms it is about (fuzzy, so "managment oversite" still finds
lead.oversight-supervision), whether it wants evidence for, against or both, whether it
wants figures, which years and which authority."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from kb import framework
from indexer.metadata import known_authorities
from kb.tagging.text import expand_acronyms, normalise, tokens

# Words that carry no subject matter in a question; kept out of the search terms.
STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be been before being below
between both but by can could did do does doing done during each few for from further had has
have having he her here hers him his how i if in into is it its itself just know known let me
more most my no nor not now of off on once only or other our ours ourselves out over own same
she should show shows so some such tell than that the their theirs them then there these they
this those through to too under until up us very was we were what when where which while who
whom why will with would you your yours evidence say said says find found see latest current
currently recent recently last year years month months since period anything well everything
something much many give list whats what's there's it's get got
""".split())

# Words that say the question wants evidence against (weaknesses) or for (strengths).
_AGAINST = ("weak", "weakness", "gap", "concern", "worry", "worse", "worsen", "declin", "problem",
            "issue", "shortfall", "delay", "drift", "poor", "fail", "criticis", "inadequat",
            "not working", "not improving", "need to improve", "needs to improve", "area for improvement",
            "areas for improvement", "area for development", "areas for development", "wrong",
            "risk to", "against", "lack", "inconsistent")
_FOR = ("strength", "strong", "improving", "improved", "improvement in", "progress", "good",
        "outstanding", "working well", "better", "how do we know", "evidence that", "evidence of",
        "evidence for", "show that", "shows that", "demonstrate", "success", "effective")
_BOTH = ("for and against", "strengths and weaknesses", "strengths and areas", "balance", "both",
         "overall picture", "how good", "how well", "how effective", "what do inspectors say",
         "what did inspectors say")
_FIGURES = ("how many", "how much", "what percentage", "what proportion", "percent", "%", "rate",
            "figure", "number", "data", "statistic", "performance", "timeliness", "proportion",
            "trend", "measure", "target", "kpi", "how quickly", "how fast", "how long", "how often",
            "how soon", "average")

_YEAR = r"((?:19|20)\d\d)"
_SPAN = re.compile(_YEAR + r"\s*[-/\u2013]\s*(\d\d(?:\d\d)?)")
_SINCE = re.compile(r"\b(?:since|after|from|post)\s+" + _YEAR)
_BEFORE = re.compile(r"\b(?:before|until|till|up to|prior to|pre)\s+" + _YEAR)
_BETWEEN = re.compile(r"\bbetween\s+" + _YEAR + r"\s+and\s+" + _YEAR)
_ANY_YEAR = re.compile(r"\b" + _YEAR + r"\b")
_YEARS_TEXT = re.compile(r"\b(?:19|20)\d\d(?:\s*[-/\u2013]\s*\d\d(?:\d\d)?)?\b")

# Who the question wants to hear from: what inspectors found, or the authority's own account.
_INSPECTOR_WORDS = ("ofsted", "inspector", "inspection", "hmi")
_OWN_WORDS = ("we say", "we said", "self-evaluation", "self evaluation", "self-assessment", "self assessment",
              "our own", "our account", "we claim", "we told", "our plan", "our paper")
_OWN_VOICE = re.compile(r"\b(?:our\s+)?(?:" + "|".join(re.escape(w) for w in _OWN_WORDS) + r")\b", re.I)
_VOICE_WORDS = {"ofsted", "inspectors", "inspector", "inspection", "inspections", "hmi"}

# "What do families tell us ...": a question about what people say of the service is about
# listening to them, whatever else it names.
_FEEDBACK = re.compile(r"\b(children|young people|families|parents|carers|care leavers|staff|workers|"
                       r"partners)\b(?:\s+\w+){0,3}?\s+(say|said|tell|told|think|feel|felt|report|describe)\b")
FEEDBACK_CRITERION = "lead.listening-feedback"

_FIRST_PERSON = re.compile(r"\b(we|our|ours|us)\b")

# Words an authority's name carries that do not identify it.
_COUNCIL_WORDS = re.compile(r"\b(metropolitan|borough|county|city|district|council|royal|of|the|"
                            r"london|and|children's|services|local|authority)\b", re.I)

# Words too common in this field to point at one criterion on their own.
_GENERIC = frozenset(tokens("children child families family staff services people young work support "
                            "progress home homes practice care social"))

# A word of five letters or more may be misspelt a little (rapidfuzz ratio, 0..100) and
# still count as the cue word it nearly spells.
FUZZY_CUTOFF = 80


@dataclass
class Understanding:
    question: str
    judgements: list[str] = field(default_factory=list)
    criteria: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)       # content words as typed
    terms: list[str] = field(default_factory=list)       # those words and glossary terms
    acronyms: list[tuple[str, str]] = field(default_factory=list)
    intent: str = "both"                                  # for, against, both
    wants_figures: bool = False
    year_from: int | None = None
    year_to: int | None = None
    authority: str | None = None
    voice: str | None = None                              # inspectors, authority, or None: both
    corrected: str | None = None                          # the words as searched, spelling corrected
    first_person: bool = False                            # "we", "our": the asker's own authority
    authority_assumed: bool = False                       # authority taken to be the asker's own
    authorities: tuple[str, ...] = ()                     # "we" of a group: our several authorities
    ours: str | None = None                               # how "we" was read ("Our authority: ...")
    not_held: str | None = None                           # the question names an authority not held

    @property
    def scope(self) -> str | tuple[str, ...] | None:
        """The authority or authorities the answer is drawn from; None: all."""
        return self.authority or self.authorities or None

    def correct_words(self, corrected: str) -> None:
        """Take the search's spelling correction of the words as the words asked."""
        fixed = corrected.split()
        self.terms = fixed + [t for t in self.terms if t not in self.words]
        self.words = fixed
        self.corrected = corrected

    @property
    def years(self) -> dict | None:
        if self.year_from is None and self.year_to is None:
            return None
        return {"from": self.year_from, "to": self.year_to}

    def to_dict(self) -> dict:
        return {"judgements": self.judgements, "criteria": self.criteria, "terms": self.terms,
                "intent": self.intent, "wants_figures": self.wants_figures, "years": self.years,
                "authority": self.authority, "authority_assumed": self.authority_assumed,
                "authorities": list(self.authorities), "ours": self.ours, "not_held": self.not_held,
                "voice": self.voice, "corrected": self.corrected}


def understand(question: str, authorities: list[str] = (), authority: str | None = None) -> Understanding:
    """Read a question. `authorities` are the authority names the knowledge base holds, so a
    question that names one ("... in Darlington") is narrowed to it; an explicit `authority`
    wins over the question's."""
    text = normalise(question).strip()
    low = text.lower()
    u = Understanding(question=question)
    expanded, u.acronyms = expand_acronyms(_OWN_VOICE.sub(" ", text))
    u.authority = authority or named_authority(low, authorities)
    u.first_person = bool(_FIRST_PERSON.search(low))
    name_words = set(tokens(_COUNCIL_WORDS.sub(" ", u.authority))) if u.authority else set()
    u.year_from, u.year_to = _years(low)
    u.intent = _intent(low)
    u.wants_figures = _mentions(low, _FIGURES)
    scores = criterion_scores(expanded)
    u.criteria = _strongest(scores)
    asks_feedback = bool(_FEEDBACK.search(low))
    if asks_feedback and FEEDBACK_CRITERION not in u.criteria:
        u.criteria.append(FEEDBACK_CRITERION)
    u.judgements = _judgements(expanded, u.criteria)
    u.voice = _voice(low)
    u.words = _content_words(_YEARS_TEXT.sub(" ", _OWN_VOICE.sub(" ", text)), exclude=name_words | _VOICE_WORDS)
    u.terms = _terms(text, u.words, u.acronyms) + (["feedback"] if asks_feedback else [])
    return u


def named_authority(low: str, authorities) -> str | None:
    """The held authority the question names, by its distinctive words ("Darlington" for
    "Darlington Borough Council"), tolerating a misspelling."""
    q_words = re.findall(r"[a-z]+", low.replace("'s", ""))
    best, best_score = None, 0.0
    for name in authorities:
        if not name:
            continue
        key = " ".join(re.findall(r"[a-z]+", _COUNCIL_WORDS.sub(" ", name.lower()))) or name.lower()
        n = len(key.split())
        for i in range(len(q_words) - n + 1):
            score = fuzz.ratio(" ".join(q_words[i:i + n]), key)
            if score > best_score:
                best, best_score = name, score
    return best if best_score >= 88 else None


# English authorities' names that are also everyday words count only when capitalised, and
# not as a question's first word ("Reading the report, ...").
_EVERYDAY_NAMES = frozenset({"Reading", "Bury"})


@lru_cache(maxsize=1)
def _known_names() -> re.Pattern:
    names = sorted(known_authorities(), key=len, reverse=True)    # "North Somerset" before "Somerset"
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b", re.I)


def unheld_authority(question: str, authorities) -> str | None:
    """An English local authority the question names that the knowledge base holds no
    documents of ("... in Hartlepool?"), or None."""
    if named_authority(question.lower(), authorities):
        return None
    held = {a.casefold() for a in authorities if a}
    canonical = {n.casefold(): n for n in known_authorities()}
    for m in _known_names().finditer(question):
        name = canonical[m.group(1).casefold()]
        if name in _EVERYDAY_NAMES and (m.group(1) != name or not question[:m.start()].strip()):
            continue
        if name.casefold() not in held:
            return name
    return None


def _years(low: str) -> tuple[int | None, int | None]:
    m = _BETWEEN.search(low)
    if m:
        a, b = sorted((int(m.group(1)), int(m.group(2))))
        return a, b
    m = _SPAN.search(low)
    if m:
        start, end = int(m.group(1)), m.group(2)
        end_year = int(end) if len(end) == 4 else start // 100 * 100 + int(end)
        if end_year >= start:
            return start, end_year
    m = _SINCE.search(low)
    if m:
        return int(m.group(1)), None
    m = _BEFORE.search(low)
    if m:
        return None, int(m.group(1)) - 1
    years = [int(y) for y in _ANY_YEAR.findall(low)]
    if years:
        return min(years), max(years)
    return None, None


def _mentions(low: str, words) -> bool:
    """Whether the text holds one of the words or word-starts ("declin" for "declining")."""
    return any(w == "%" and "%" in low or re.search(r"\b" + re.escape(w), low) for w in words)


def _voice(low: str) -> str | None:
    inspectors = _mentions(low, _INSPECTOR_WORDS)
    own = _mentions(low, _OWN_WORDS)
    if inspectors != own:
        return "inspectors" if inspectors else "authority"
    return None


def _intent(low: str) -> str:
    if _mentions(low, _BOTH):
        return "both"
    against = _mentions(low, _AGAINST)
    favour = _mentions(low, _FOR)
    if against and not favour:
        return "against"
    if favour and not against:
        return "for"
    return "both"


@lru_cache(maxsize=1)
def _criterion_phrases() -> dict[str, list[tuple[str, int, float]]]:
    """Per criterion, the tokenised phrases that point to it (as text, word count, weight):
    several words point harder than one, and the criterion's own title phrases count as
    cues."""
    # A judgement's own name ("care leavers" in the corporate parenting title) names the
    # whole area, not the criterion.
    area_names = {" ".join(tokens(j.short)) for j in framework.judgements()}
    out: dict[str, list[tuple[str, int, float]]] = {}
    for c in framework.criteria():
        # The title's pieces count as cues too; after its first piece (the criterion's
        # name) single words are mostly verbs ("supported", "reviewed") and are left out.
        pieces = [p for p in re.split(r",|;|\band\b|:", c.title) if p.strip()]
        phrases = [(cue, True) for cue in c.cues] + [(p, i == 0) for i, p in enumerate(pieces)]
        seen, weighted = set(), []
        for phrase, single_ok in phrases:
            toks = [t for t in tokens(phrase) if t not in STOPWORDS]
            key = " ".join(toks)
            if (not toks or key in seen or key in area_names or key in _GENERIC
                    or (len(toks) == 1 and not single_ok)):
                continue
            seen.add(key)
            weighted.append((key, len(toks), 0.6 if len(toks) == 1 else 1.0 + 0.25 * (len(toks) - 2)))
        out[c.id] = weighted
    return out


def criterion_scores(text: str) -> dict[str, float]:
    """How strongly a text points at each criterion: the sum of its cue phrases found in
    the text, matched as written or after correcting a misspelt longer word to the cue
    word it nearly spells ("oversite" to "oversight", never "help" to "health")."""
    return dict(_scores(text))


@lru_cache(maxsize=8192)
def _scores(text: str) -> tuple[tuple[str, float], ...]:
    toks = tokens(text)
    fixed = [_cue_word(t) for t in toks]
    longest = max(n for phrases in _criterion_phrases().values() for _, n, _ in phrases)
    exact = {n: {" ".join(toks[i:i + n]) for i in range(len(toks) - n + 1)} for n in range(1, longest + 1)}
    near = {n: {" ".join(fixed[i:i + n]) for i in range(len(fixed) - n + 1)} for n in range(1, longest + 1)}
    scores = []
    for cid, phrases in _criterion_phrases().items():
        total = 0.0
        for key, n, weight in phrases:
            if key in exact[n]:
                total += weight
            elif key in near[n]:
                total += weight * 0.9
        if total:
            scores.append((cid, total))
    return tuple(scores)


@lru_cache(maxsize=1)
def _cue_vocabulary() -> frozenset[str]:
    return frozenset(w for phrases in _criterion_phrases().values() for key, _, _ in phrases for w in key.split())


@lru_cache(maxsize=20_000)
def _cue_word(word: str) -> str:
    """The cue word a longer word misspells, or the word itself."""
    vocabulary = _cue_vocabulary()
    if word in vocabulary or len(word) < 5:
        return word
    match = process.extractOne(word, vocabulary, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
    return match[0] if match else word


def _strongest(scores: dict[str, float], keep: int = 3) -> list[str]:
    """The best criterion, and the runners-up that score at least half as well and on more
    than one stray word."""
    ranked = sorted(scores, key=lambda c: -scores[c])
    if not ranked:
        return []
    top = scores[ranked[0]]
    return ranked[:1] + [c for c in ranked[1:keep] if scores[c] >= top * 0.5 and scores[c] > 0.6]


def _judgements(text: str, criteria: list[str]) -> list[str]:
    low = " ".join(tokens(text))
    found = []
    for j in framework.judgements():
        names = {" ".join(tokens(j.short)), " ".join(tokens(j.title))}
        if j.id == "leadership":
            names |= {"leader", "leadership", "senior leader"}
        if j.id == "in-care":
            names |= {"looked after", "child in care"}
        if j.id == "care-leavers":
            names |= {"care leaver", "care experienced"}
        if any(re.search(rf"\b{re.escape(n)}\b", low) for n in names):
            found.append(j.id)
    for cid in criteria:
        jid = framework.criterion(cid).judgement
        if jid not in found:
            found.append(jid)
    return found


def _content_words(text: str, exclude: set[str]) -> list[str]:
    """The words worth looking for, in question order, once each."""
    words: list[str] = []
    for word in re.findall(r"[A-Za-z][A-Za-z'\-]*[A-Za-z]|\d+(?:\.\d+)?%?", text):
        low = word.lower().removesuffix("'s")
        if low in STOPWORDS or low in exclude or len(low) < 2:
            continue
        if word not in words and low not in words:
            words.append(word if word.isupper() else low)
    return words


def _terms(text: str, words: list[str], acronyms: list[tuple[str, str]]) -> list[str]:
    """The content words, then what the question's acronyms stand for, then the acronyms
    its spelled-out phrases abbreviate."""
    terms = list(words)
    for _, expansion in acronyms:
        if expansion.lower() not in terms:
            terms.append(expansion.lower())
    spelled = " ".join(tokens(text))
    for acronym, expansion in framework.glossary():
        key = " ".join(tokens(expansion))
        if len(key.split()) > 1 and re.search(rf"\b{re.escape(key)}\b", spelled) and acronym not in terms:
            terms.append(acronym)
    return terms
