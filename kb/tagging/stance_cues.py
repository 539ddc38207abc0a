"""Word lists behind sentence stance. Each cue is a regular expression over the
lower-cased sentence (typographic quotes already made ASCII) and a weight. Development
cues weigh more than strength cues because inspectors soften criticism ("a small number",
"not always") but state strengths plainly and often."""
from __future__ import annotations

import re

# A weakness, gap, delay, inconsistency or risk to practice.
DEVELOPMENT = (
    # Inconsistency and variation.
    (r"not always", 3), (r"not consistent(ly)?", 3), (r"inconsisten(t|tly|cy|cies)", 3),
    (r"variab(le|ility)", 2.5), (r"\bvar(y|ies) in quality", 3), (r"patchy", 3), (r"\bvariation", 2),
    (r"\bsporadic", 2.5), (r"\bnot (all|every)\b", 3),
    # Too much, too little, too late.
    (r"too (long|many|few|high|low|slow(ly)?|late|much|narrow(ly)?|soon|early|often|little|variable"
     r"|reliant|heavily)", 3),
    (r"\bdelay(s|ed)?\b", 2.5), (r"\bdrift\b", 2.5), (r"\bwait(s|ed)?\b", 2), (r"\bwaiting lists?\b", 3),
    (r"\bslow(er|ly|ness)?\b", 2.5), (r"\bmissed\b", 2.5), (r"\boverdue\b", 3), (r"out of date", 3),
    (r"\bbacklogs?\b", 3), (r"only recently", 2), (r"too (soon|early) to", 3),
    (r"\b(longer|slower) than (planned|expected|anticipated|intended|necessary|needed|it should)", 3),
    (r"\b(at an early stage|early days|in (its|their) infancy|still (developing|emerging|bedding in))\b", 2.5),
    # A shortfall stated as how little there is, or how strained or split it is.
    (r"(?<!\ba )\blittle\b(?! (by|while|ones?)\b)", 2.5),
    (r"\b(over)?stretched\b|\bfragile\b|\bunder strain\b", 2.5),
    (r"\b(views|feedback|experiences?|opinions|responses) (\w+ ){0,6}(are|were|is|was|remains?) (divided|mixed)\b", 3),
    # Absence, lack and weakness.
    (r"\binertia\b|\bcomplacen(t|cy)\b|\bstagnat(ed|ion|ing)\b", 3),
    (r"\b(responded to|seen|visited|identified|assessed|referred|helped) only (when|once|after)\b", 3),
    (r"\black(s|ed|ing)?\b", 3), (r"\bnegative(ly)? (impact|affect|effect)", 3), (r"insufficient(ly)?", 3), (r"\blimited\b", 2),
    (r"\bweak(ness|nesses|er|ly)?\b", 2.5), (r"\bpoor(ly|er)?\b", 3), (r"under[- ]?developed", 3),
    (r"\bgaps?\b", 2), (r"shortfalls?", 3), (r"deficits?", 3), (r"deficien(t|cy|cies)", 3),
    (r"\babsen(ce|t)\b", 2.5), (r"superficial", 3), (r"unsuitable", 3), (r"inappropriate(ly)?", 3),
    (r"ineffective(ly)?", 3), (r"\bineffectual", 3), (r"inadequate(ly)?", 3), (r"\bunsafe\b", 2),
    (r"unassessed", 3), (r"\bunmet\b", 2.5), (r"unmanaged", 2.5), (r"\bunclear\b", 3),
    (r"\bnarrow(ly)?\b", 1.5), (r"\bdescriptive\b", 2), (r"\blengthy\b", 2), (r"confusing", 2.5),
    (r"\bcompliance[- ]?(focused|driven)", 2.5), (r"\bpartial(ly)?\b|\bin draft\b", 2),
    (r"\bunder[- ]?(resourced|used|reported|utilised|recorded)", 3), (r"\bunderstaffed|\bunder pressure", 2.5),
    (r"\bless (detailed|effective|robust|consistent|clear|timely|well|thorough|focused|able|likely|secure"
     r"|developed|evident|strong|good)", 3),
    (r"\bonly (a |some|one|half|a minority|a small)", 2.5),
    (r"\b(less|fewer) than (half|a third|a quarter|one in|\d+ ?%)|\bunder (half|a third|a quarter)\b", 2.5),
    (r"(^|[^a])\bfew (children|young people|care leavers|families|staff|social workers|plans|assessments)", 2.5),
    # Negated practice words, counted as one shortfall phrase.
    (r"\bnot yet\b", 3), (r"\byet to\b", 3), (r"\bnot (clear|evident)\b", 3), (r"\bnot been\b", 2.5),
    (r"\bnot (as|enough|sufficient|robust|effective|strong|well)", 3), (r"\bnot (enough|sufficient)", 3),
    (r"\bnot (routinely|regularly|systematically|fully|sufficiently|effectively|clearly|well|timely"
     r"|robustly|reliably|yet|evident)", 3),
    (r"\bcannot\b|\bcan't\b", 2.5), (r"\bunable\b", 2.5),
    # Something needs to change.
    (r"needs? to (improve|be improved|be strengthened|strengthen|develop|be developed|ensure|be more"
     r"|be better|do more|address|be addressed)", 3),
    (r"requires? improvement", 2.5), (r"room for (further )?improvement", 3),
    (r"further (work|improvement|development|progress) (is|are)? ?(needed|required)", 3),
    (r"more (work )?(needs|is needed|to do|to be done)", 3),
    (r"\b(needs?|requires?) (\w+ ){0,2}(improvement|development|attention|strengthening|work)\b", 3),
    # Naming something as an area for improvement (not "discuss strengths and areas for development").
    (r"\b(as|is|are|remains?|was|were|be) (an? |the |one of the )?(key |main |particular |further |priority )?"
     r"areas? (for|of|requiring) (further )?(improvement|development|action)\b|\bimprovement is needed\b", 3),
    (r"\b(more|better|greater|further|stronger|improved|clearer|sharper)\b[^.;]{0,60}\b(is|are) (still )?"
     r"(needed|required)\b", 3),
    (r"could (be|have been) (better|stronger|improved|more|further)", 3),
    (r"should (be|have|include|consider|ensure)", 2), (r"would benefit from", 3),
    (r"\bwould (be )?(further |better |more )?(strengthen|improv|enhanc|ensure|enable)\w*", 3),
    # An opening imperative is a recommendation or an action: something to improve.
    (r"^(improve|ensure|develop|strengthen|reduce|increase|evaluate|review|consider|continue to|address"
     r"|establish|implement|embed|extend|enhance|monitor|make sure|tackle|enable|raise|secure|provide|put in place"
     r"|undertake|promote|prioritise|clarify|agree|set out)\b", 4),
    # Work still to do, stated as a need.
    (r"\b(further|more|significant|additional) (development|work|improvement|progress) (is|are|was) (still )?"
     r"(necessary|needed|required)\b", 3),
    # Difficulty, struggle, things getting worse.
    (r"\bdifficult(y|ies)?\b", 1), (r"\bdifficult(y|ies)? (in|to)\b", 2.5),
    (r"\b(makes?|made|making|find|found) it (more |very |particularly )?difficult", 3),
    (r"\bface[sd]? difficult", 3), (r"\bstruggl(e|es|ed|ing)\b", 2.5),
    (r"\b(is|are|was|were|find it|found it|make it|makes it) (very |particularly )?hard to\b", 2),
    (r"\b(is|are|remains?|remained|was|were|presents?) (a |still )?(significant |key |particular |ongoing "
     r"|continuing |known )?(service )?challeng(e|es|ing)\b", 2.5),
    # Plural "challenges" are difficulties; "challenge to leaders" is scrutiny, and a
    # report "concerning" a subject is about it.
    (r"\bchallenges (remain|persist|in|with|to|around|for)\b|\bchallenge (remains|persists)\b", 2),
    (r"\bconcerns? (remain|persist)", 3),
    (r"\b(is|are|was|were|remains?|particularly|very|most|more|deeply) concerning\b|\bconcerning (trend|picture"
     r"|practice|levels?|rise|increase|decline)", 2), (r"(?<!had been )(?<!has been )\bof concern\b", 2), (r"\bfail(s|ed|ing|ure|ures)?\b", 3),
    (r"\bdeclin(e|es|ed|ing)\b", 2.5), (r"deteriorat", 3), (r"\bworse(ned|ning)?\b", 2.5),
    (r"exacerbat", 2.5), (r"\bhinder", 2.5), (r"\bimpede", 2.5),
    (r"\b(deter(red|s)?|undermin(e|es|ed|ing)|hamper(s|ed|ing)?|compromis(e|es|ed|ing))\b", 2.5),
    (r"\bbarriers?\b", 1.5), (r"disadvantage", 2), (r"\bmissing out\b", 2.5), (r"\brather than\b", 1.5),
    (r"(over)?[- ]?relian(t|ce) on", 2.5), (r"reliance on", 2.5),
    # What children and staff experience or say.
    (r"disappoint(ed|ing)", 3), (r"dissatisf(ied|action)", 3), (r"frustrat(ed|ing|ion)", 2.5),
    (r"instability", 2), (r"\bmultiple (moves|changes|placement)", 2), (r"changes? (of|in) social workers?", 2),
    (r"placement disruptions?|disrupted placements?|disruptions? (to|in) (their|children's)", 2),
    (r"\brepeat(ed)? (referrals|assessments|child protection|plans|episodes)", 1.5),
    # Pressures that stay high.
    (r"(caseloads?|turnover|vacanc(y|ies)|sickness|re[- ]?referral(s| rates?)?|agency staff|numbers?) "
     r"(is|are|remains?|have been|has been|were|was)( still)? (high|higher|increasing|rising|significant)", 3),
    (r"high (staff |social worker |workforce )?(caseloads?|turnover|vacancy|vacancies|numbers of agency)", 3),
    (r"\b(still|remains?|remained) (relatively |too |very |comparatively )?(low|high|limited|inconsistent"
     r"|variable)\b", 2.5),
)

# Good or improving practice, services, outcomes or leadership.
STRENGTH = (
    # Quality of practice.
    (r"\beffective(ly|ness)?\b", 1.5), (r"\bwell\b(?![- ]?being)", 1.5), (r"\bgood\b", 1.5),
    (r"\bstrong(ly|er)?\b", 1.5), (r"\brobust(ly)?\b", 1.5), (r"\bthorough(ly)?\b", 1.5),
    (r"\bcomprehensive(ly)?\b", 1.5), (r"high[- ]quality", 2), (r"\bappropriate(ly)?\b", 1),
    (r"\bpositive(ly)?\b", 1.5), (r"\bimpressive\b", 2), (r"\bexcellent\b", 2), (r"\bexceptional(ly)?\b", 2),
    (r"\boutstanding\b", 2), (r"\bexemplary\b", 2), (r"\bhighly\b", 1), (r"\bdetailed\b", 1),
    (r"\banalytical\b", 1.5), (r"child[- ]centred|child[- ]focused|person[- ]centred", 1.5),
    (r"\bpurposeful(ly)?\b", 1.5), (r"\bmeaningful(ly)?\b", 1.5), (r"\bcareful(ly)?\b", 1.5),
    (r"\bsensitive(ly)?\b", 1), (r"\bcreative(ly)?\b", 1.5), (r"\binnovative\b", 1.5),
    (r"\brigorous(ly)?\b", 1.5), (r"\bsound\b", 1), (r"\bsolid\b", 1.5), (r"\bholistic\b", 1), (r"\brealistic\b", 0.8),
    (r"\bspecific\b", 0.5), (r"\bup[- ]to[- ]date\b", 1), (r"\bclear(ly|er)?\b", 1),
    (r"\bconsistent(ly)?\b", 1), (r"\bregular(ly)?\b", 1), (r"\bclosely\b", 1), (r"\bfully\b", 0.8),
    (r"\binformed\b", 0.5), (r"\bkey strength", 2), (r"\bstrengths?\b", 0.5),
    (r"\bwell[- ]?(supported|understood|managed|coordinated|co-ordinated|recorded|considered|prepared|placed"
     r"|informed|developed|embedded|targeted|led|used)", 1),
    (r"well[- ]established", 1.5), (r"well[- ]attended", 1.5), (r"\bembedded\b", 1), (r"\bsustained\b", 1),
    # Timeliness.
    (r"\btimely\b", 1.5), (r"\bprompt(ly)?\b", 1.5), (r"\bswift(ly)?\b", 1.5), (r"\bquick(ly)?\b", 1),
    (r"\bwithin timescales?\b", 1.5), (r"\bin line with\b", 0.8),
    # What practice achieves for children.
    (r"\bbenefit(s|ed|ting|ing)? from\b", 2), (r"\bimprov(ed|ing|ement|ements)\b", 1),
    (r"\benabl(e|es|ed|ing)\b", 1), (r"\bensur(e|es|ed|ing)\b", 1), (r"\bhelp(s|ed)\b", 0.8),
    (r"\bsupport(ive|ed)\b", 1), (r"make[s]? (a )?(real |positive |significant |tangible )?difference", 2),
    (r"\bsuccess(ful|fully)?\b", 1.5), (r"\bcelebrat", 1.5), (r"\bsecure[sd]?\b", 0.8), (r"\bsafe(ly)?\b", 0.8),
    (r"\bmeet(s|ing)? (their|children's|the|young people's|individual)( \w+)? needs", 1.5),
    (r"\bright (support|time|help|level|service|decision)", 1.5), (r"\bstab(le|ility)\b", 0.8),
    (r"\bsettled\b", 1), (r"\bthriv(e|es|ing)\b", 1.5), (r"\bprogress(ing)?\b", 0.8), (r"\bachiev", 0.8),
    (r"\bempower", 1.5), (r"\bin place\b", 0.8), (r"\bbetter\b", 1),
    (r"\b(wide|broad|good) (range|variety)\b", 1.5),
    (r"\bhave access to\b|\bcan access\b|\baccess to (a |the )?(wide|range|good|specialist)", 1),
    (r"\bincreas(ed|ing)(ly)? (number|proportion|use|focus|stability|confidence|capacity)", 1),
    (r"\breduc(e|ed|es|ing) (the )?(risk|harm|need|number|caseloads?|turnover|vacanc)", 1.5),
    # The people: staff, carers, leaders.
    (r"\bcommitt?(ed|ment)\b", 1.5), (r"\bdedicated\b", 1), (r"\bpassionate\b", 1.5), (r"\bskilled\b", 1.5),
    (r"\bknowledgeable\b", 1.5), (r"\bconfiden(t|tly|ce)\b", 1), (r"\bproactive(ly)?\b", 1.5),
    (r"\bresponsive\b", 1.5), (r"\btenacious(ly)?\b", 1.5), (r"\bpersistent(ly)?\b", 1),
    (r"\brelentless\b", 1.5), (r"\bdetermin(ed|ation)\b", 1), (r"\bambiti(ous|on)\b", 1),
    (r"\baspiration(al|s)\b", 1), (r"\bvalued?\b", 1), (r"\btrust(ed|ing)\b", 1), (r"\bwarm(th)?\b", 1),
    (r"\bproud(ly)?\b|\bpride\b", 1.5), (r"\brespected\b", 1.5), (r"\bwelcom(ed|ing)\b", 1),
    (r"\bvisible\b", 1), (r"\bapproachable\b", 1.5), (r"\baccessible\b", 1), (r"\bvibrant\b", 1.5),
    (r"\benergetic\b", 1.5), (r"\battuned\b", 1.5), (r"\bmature\b", 1), (r"\bcohesive(ly)?\b", 1),
    (r"\bcollaborative(ly)?\b", 1), (r"\bactive(ly)?\b", 1), (r"\bcompassion(ate)?\b", 1.5),
    (r"\bcaring\b", 1), (r"\bnurtur", 1.5), (r"\bexperienced\b", 0.5), (r"\bengag(ed|ing)\b", 0.5),
    (r"\bsharper\b|\btight(er)? grip\b|\bgrip\b", 1.5),
    (r"\bwork(s|ing)? (well|hard|together|closely|effectively|collaboratively)", 1),
    # Children are heard.
    (r"listened to", 1.5), (r"\bheard\b", 0.8), (r"\brecogni[sz]ed\b", 0.8), (r"\bunderstood\b", 0.8),
    (r"\bwishes and feelings\b", 0.5), (r"\bcentral\b", 0.5), (r"\bconsider(ed|s)\b", 0.3),
    (r"\binclude[sd]?\b", 0.3),
)

# Negators turn round the cues they govern in the next few words; with no cue there, a
# negation still reads as a shortfall ("children are not visited").
NEGATOR = re.compile(r"\b(no longer|not|no|never|nor|neither|without|cannot|can't|don't|doesn't|isn't"
                     r"|aren't|wasn't|weren't|haven't|hasn't|nobody|none)\b")
NEGATION_WINDOW = 5   # words
DOUBLE_NEGATION_WINDOW = 2   # words between two negators that cancel
# "less rigorous", "less well": a comparative that turns round the strength word after it;
# "less delay" turns a shortfall into progress. Alone ("less than half") it says nothing.
LESSER = re.compile(r"\b(less|not as|not so)\b")
LESSER_WINDOW = 2     # words
# Phrases built from a negator that are not negations of practice.
NOT_NEGATION = re.compile(
    r"\b(not only|not just|not least|whether or not|if not|no matter|no exception|no fewer|not surprising(ly)?"
    r"|(wasted|wastes|lost|loses) no time|no doubt|no hesitation"
    # A safeguard stated as what does not happen: "do not return home unless it is safe",
    # "do not become looked after unnecessarily".
    r"|(not|never) (\w+ ){1,6}(unless|unnecessarily|needlessly|inappropriately)"
    r"|(cannot|can't|unable to|are not able to|not able to) (live|remain|return|stay|be cared for"
    r"|continue to (live|remain)))\b")
# Words that work against a shortfall ("helping to reduce drift and delay"): they turn the
# shortfall cues in the next few words into strengths, and say nothing on their own.
MITIGATION_WINDOW = 8   # words
MITIGATOR = re.compile(
    r"\b(reduc(e|es|ed|ing|tion in|tions in)|prevent(s|ed|ing)?|avoid(s|ed|ing)?|minimis(e|es|ed|ing)"
    r"|mitigat(e|es|ed|ing)|tackl(e|es|ed|ing)|overcom(e|es|ing)|free from"
    r"|(oversight|scrutiny|monitoring|tracking) of|address(es|ed|ing)"
    r"|protect(s|ed|ing)? (them |children )?from)\b")
# A shortfall reported as falling ("changes of social worker have reduced") is progress:
# these turn the shortfall cues in the characters before them into strengths.
FALLING = re.compile(r"\b(has|have|had) (been |very |recently |now |since )*(reduced|decreased|fallen|declined|dropped"
                     r"|lowered|diminished|resolved|addressed|rectified|remedied|overcome|eliminated)\b"
                     r"|\b(is|are) (reducing|decreasing|falling|declining)\b")
FALLING_WINDOW = 80   # characters

# Awareness of a weakness is itself a strength of leadership ("leaders understand the
# challenges"); the weakness word that follows is then not counted against the sentence.
AWARENESS = re.compile(
    r"\b(understand(s|ing)?|aware(ness)?|recogni[sz](e|es|ed|ing)|know(s)?|acknowledg(e|es|ed|ing)"
    r"|identif(y|ies|ied)|realistic about|clear about|alert to|attuned to|sighted on|address(es|ed|ing)?"
    r"|tackl(e|es|ed|ing)|challeng(e|es|ed|ing))\b")
# Naming an area for improvement ("managers have recognised X as an area for improvement")
# still names the shortfall, so those phrases are not objects of awareness.
AWARENESS_OBJECTS = re.compile(
    r"\b(weakness(es)?|challenges?|shortfalls?|deficits?|gaps?|(weak|weaker|poor|poorer) practice)\b")

# Contrast: the clause after these carries the sentence's verdict.
CONTRAST_AFTER = re.compile(
    r"(?:[,;:]\s*(?:but(?! also)|however|nevertheless|nonetheless|yet|despite this|even so|that said|in contrast"
    r"|conversely|although|though|whereas|whilst|while|except|apart from)"
    r"|\s(?:but(?! also)|however|nevertheless|nonetheless|despite this))\b,?")
# Of those markers, the ones that join a caveat to a finding either way round ("plans are
# good, although ..." / "plans are weak, although ..."): a shortfall on either side counts.
# The framework's description of a grade, quoted in older reports ("A good local
# authority leads effective services ..."): context, whatever its words.
GRADE_DEFINITION = re.compile(r"^an? (good|outstanding|inadequate) (local authority|lscb|board)\b")
CONCESSIVE_MIDDLE = re.compile(r"^(although|though|whereas|whilst|while|except|apart from)$")
# A concessive opening ("Although X, Y"): the main clause Y carries the verdict.
# An opening that sets the circumstance ("Where ...,", "When ...,"): the main clause judges.
SCOPE_OPENING = re.compile(r"^\s*(?:where|when|if|once|for children who|for those who)\b")
CONCESSIVE_OPENING = re.compile(r"^\s*(?:although|though|while|whilst|despite|even though|notwithstanding"
                                r"|however|nonetheless|nevertheless|but)\b")
# Quantifiers that soften a finding; a clause after a contrast that opens with one is the caveat.
HEDGE = re.compile(r"\b(some|a small number|a minority|a few|a number of|not all|several|many|occasionally"
                   r"|sometimes|on occasions?|in some cases|in a small number)\b")

# Description with no verdict: numbers, what inspectors did, plans and things in motion.
# Description with no verdict: what there is, who does what, what inspectors did, what is
# planned and when. A sentence with one of these and no evaluative word is context.
DESCRIPTION = (
    r"\bthere (are|is|were|was) (\d+|a total|approximately|around|over|currently|two|three|four|five|six|seven"
    r"|eight|nine|ten|eleven|twelve|several)\b",
    r"\binspectors? (met|spoke|looked|reviewed|considered|visited|sampled|observed|tracked|evaluated|were told"
    # What inspectors saw is description; the examples or evidence they saw are findings.
    r"|saw(?! (some |many |several |numerous |a few |few |good |strong |clear |little |no )?"
    r"(examples?|evidence|instances?|variability|variation)))",
    r"\bthis (inspection|visit)\b", r"\bat the (time|point) of\b", r"\bprevious inspection\b", r"\blast inspection\b",
    r"\bconsists? of\b", r"\bcompris(es|ed)\b", r"\bawaiting\b",
    # An enumeration of what came before: "These include ...", "This incorporates ...".
    r"^(this|these|they|it|which) (also )?(include[sd]?|incorporate[sd]?|comprise[sd]?|cover(s|ed)?)\b",
    # How services are organised and who delivers them; what a body such as Ofsted does.
    r"\b(has|have|had) undergone\b", r"\b(is|are|forms?) (a |an )?(integral )?part of\b",
    r"\b(is|are) (managed|delivered|provided|run|overseen|commissioned|coordinated) (through|by|via)\b",
    r"^(it|ofsted) (assesses|inspects|regulates)\b",

    r"\b(is|are) (also |now |jointly )?responsible for\b", r"\b(is|are) (a |the )?members? of\b",
    r"\b(has|have) been (re(written|structured|organised|designed|named|located|launched)|introduced|appointed"
    r"|created|established|merged|commissioned|launched|set up)\b",
    r"\b(took|take|takes|taken|taking) up (post|office|the post|the role)\b", r"\b(reports|report) (directly )?to the\b",
    r"\b(is|are) being (sought|developed|explored|considered|recruited|reviewed|established|introduced"
    r"|planned|built)",
    r"(?<!which )(?<!that )(?<!who )\bwill\b",   # a plan, not what something will do as a result r"\bplans? to\b", r"\b(is|are) planned\b", r"\bwe (will|aim|intend|plan)\b",
    r"\b(in|since|from) (january|february|march|april|may|june|july|august|september|october|november"
    r"|december) \d{4}\b",
)
# Figures describe too, but in an inspector's sentence a figure is often the finding
# ("97% of care leavers live in suitable homes"): they hint at context without settling it.
CONTEXT = DESCRIPTION + (r"\b\d+(\.\d+)?\s?(%|per ?cent)", r"\bper 10,?000\b")
# A sentence of statistics ("89 (40%) live outside ...") is context unless a strong cue says otherwise.
NUMBER = re.compile(r"\b\d[\d,.]*\b")
STATISTICS_MIN_NUMBERS = 3
STRONG_CUE = 3
# Strength cues weighing less than this in all leave a description a description.
FAINT_STRENGTH = 1.0
# Figures that describe rather than judge: a percentage, a rate, a count in the hundreds
# (an age such as "16" or "aged 21" is not one).
FIGURE = re.compile(r"\d\s?%|\bper ?cent\b|\bper 10,?000\b|\b\d{1,3}(,\d{3})+\b|\b(?!(19|20)\d\d\b)\d{3,}\b")
