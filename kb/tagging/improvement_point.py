"""An inspection report's improvement point: a noun phrase with no verb of its own.

Under "What needs to improve?" an ILACS report lists what is to get better as bare noun
phrases ("The timeliness of assessments and support for children who return home", "the
quality of plans, so that they are timebound"). Such a phrase judges by its form: it
names a shortfall even when its words are good ones ("to ensure that consistent, good
practice is in place" is the aim, not a finding). A finding about the same topic has a
verb ("The quality of plans is good", "The quality of assessments varies").

Without a part-of-speech tagger the verb is found by its forms: auxiliaries and copulas,
frequent verbs of inspection, and -ed / -s endings that are not the plural or
participle a noun phrase carries. A verb just inside a relative clause ("placements that
can meet", "young people who are homeless") belongs to that clause, not to the phrase."""
from __future__ import annotations

import re

# The topics inspectors name in improvement points: a quality or aspect of practice.
_TOPIC = re.compile(
    r"^(?:the |senior leaders' |leaders' |managers' )?"
    r"(?:quality|timeliness|sufficiency|consistency|effectiveness|impact|frequency|availability"
    r"|response|tracking|monitoring|recognition|identification|recruitment|engagement|experience"
    r"|focus|use|range|oversight|management oversight|stability|placement stability|strength"
    r"|planning|recording|pace|rigour|accuracy|capacity|understanding|application|implementation"
    r"|escalation|support|provision|arrangements|offer|life-story work)(?: and| of| to| for|,)")
_VERB = re.compile(
    r"\b(?:is|are|was|were|be|been|has|have|had|do|does|did|can|cannot|could|will|would|should"
    r"|shall|may|might|must|remains?|continues?|varies|needs?|lacks?|means|\w{3,}ed|\w{4,}(?<!s)s)\b")
# Words with a verb's ending that a noun phrase holds: plurals of the nouns of practice.
_NOUN_ENDING = re.compile(r"\w+(?:ness|ments|tions|ers|ants|ies|ences|ances|als|ists|ians|ships)")
_PLURALS = frozenset(
    "children needs parents carers plans visits assessments leavers reviews cases records chairs homes "
    "services actions views risks families teams staff arrangements options groups placements process "
    "access progress address".split())
# Before these an -ed word is a participle inside the phrase ("those placed", "with connected").
_PARTICIPLE_AFTER = re.compile(r"(?:\b(?:those|with|of|for|to|and|the|a|an|children|people|been)|'s|s')$")
_RELATIVE = re.compile(r"\b(?:that|which|who|whom)\b")
# How far a relative clause's own verb may lie from its pronoun, in words.
_RELATIVE_REACH = {"that": 6}
_DEFAULT_REACH = 2


def is_improvement_point(sentence: str) -> bool:
    """Whether the sentence is an improvement point: a named topic of practice and no verb
    of its own."""
    text = re.sub(r"\s+", " ", sentence.lower().replace("\u2019", "'")).strip().rstrip(".")
    if not _TOPIC.match(text):
        return False
    relatives = [(m.start(), m.group(0)) for m in _RELATIVE.finditer(text)]
    for m in _VERB.finditer(text):
        word = m.group(0)
        if word in _PLURALS or _NOUN_ENDING.fullmatch(word):
            continue
        if word.endswith("ed") and _PARTICIPLE_AFTER.search(text[:m.start()].rstrip()):
            continue
        inside = any(0 < len(text[at:m.start()].split()) <= _RELATIVE_REACH.get(pronoun, _DEFAULT_REACH)
                     for at, pronoun in relatives)
        if not inside:
            return False
    return True
