"""What an evidence pack can be about: a judgement, a criterion, or one of the themes Ofsted
chooses for a focused visit, each a set of criteria."""
from __future__ import annotations

from dataclasses import dataclass

from kb import framework


@dataclass(frozen=True)
class Theme:
    id: str
    title: str
    criteria: tuple[str, ...]
    aliases: tuple[str, ...] = ()


# Focused-visit themes, as Ofsted names them in its letters, with the criteria inspectors
# look at under each.
THEMES: dict[str, Theme] = {t.id: t for t in (
    Theme("cin-cp", "Children in need and children subject to a child protection plan",
          ("hp.assessment", "hp.plans-reviews", "hp.strategy-s47", "hp.direct-work", "hp.pre-proceedings",
           "hp.specific-harms", "lead.oversight-supervision", "lead.workforce"),
          ("children in need and child protection", "cin and cp", "child in need and child protection",
           "help and protection", "child protection")),
    Theme("front-door", "The front door: contacts, referrals and thresholds",
          ("hp.front-door", "hp.early-help", "hp.out-of-hours", "hp.strategy-s47", "hp.assessment",
           "lead.oversight-supervision"),
          ("front door", "mash", "multi-agency safeguarding hub", "contacts and referrals")),
    Theme("children-in-care", "Children in care",
          ("cic.entry-to-care", "cic.care-planning", "cic.permanence", "cic.homes-stability",
           "cic.family-identity", "cic.health", "cic.education", "cic.risk-outside-home",
           "cic.voice-participation", "cic.uasc", "lead.corporate-parenting"),
          ("children in care", "looked after children", "cared for children", "cla", "cic")),
    Theme("care-leavers", "Care leavers",
          ("cl.relationships", "cl.pathway-plans", "cl.accommodation", "cl.eet", "cl.health",
           "cl.rights-entitlements", "cl.transitions", "lead.corporate-parenting"),
          ("care leavers", "care experienced young people", "leaving care")),
    Theme("permanence", "Planning and achieving permanence",
          ("cic.permanence", "cic.care-planning", "cic.entry-to-care", "cic.homes-stability",
           "hp.pre-proceedings"),
          ("permanence", "permanence planning", "adoption and special guardianship")),
    Theme("entering-care", "Decision-making for children entering care",
          ("cic.entry-to-care", "hp.pre-proceedings", "cic.care-planning", "lead.oversight-supervision"),
          ("entering care", "decisions to enter care", "edge of care")),
    Theme("exploitation-missing", "Children at risk of exploitation and who go missing",
          ("hp.exploitation-missing", "cic.risk-outside-home", "lead.partnerships"),
          ("exploitation", "missing children", "vulnerable adolescents", "extra-familial harm")),
    Theme("disabled-children", "Disabled children",
          ("hp.disabled-children", "cl.transitions", "lead.sufficiency-commissioning"),
          ("disabled children", "children with disabilities", "send")),
)}

# A theme name typed with a slip still counts as that theme at or above this similarity.
MATCH_CUTOFF = 85


def resolve(name: str) -> Theme:
    """A judgement id, a criterion id, or a theme (by id, title or a usual name) as a
    Theme. Raises ValueError saying what is accepted."""
    key = " ".join(name.lower().replace("_", " ").split())
    if name in framework.JUDGEMENT_IDS:
        j = framework.judgement(name)
        return Theme(j.id, j.title, tuple(c.id for c in framework.criteria_of(j.id)))
    try:
        c = framework.criterion(name)
        return Theme(c.id, c.title, (c.id,))
    except KeyError:
        pass
    if name in THEMES:
        return THEMES[name]
    from rapidfuzz import fuzz   # here: the command line builds its help from this module

    best, best_score = None, 0.0
    for theme in THEMES.values():
        for label in (theme.id.replace("-", " "), theme.title.lower()) + theme.aliases:
            score = fuzz.ratio(key, label.lower())
            if score > best_score:
                best, best_score = theme, score
    if best and best_score >= MATCH_CUTOFF:
        return best
    raise ValueError(f"'{name}' is not a theme, judgement or criterion; themes: {', '.join(THEMES)}; "
                     f"judgements: {', '.join(framework.JUDGEMENT_IDS)}; criteria: see `kb framework`")
