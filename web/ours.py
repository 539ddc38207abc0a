"""Whose evidence a page shows: ours (kb.our_authority) unless the page's filter names an
authority, with other authorities' inspection reports apart, as comparators, only when
asked for (`?comparators=1`)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import request

from kb import grades
from kb.evidence import CriterionEvidence
from kb.our_authority import OurAuthorities, our_authorities
from web.state import Snapshot, current


@dataclass(frozen=True)
class Scope:
    ours: OurAuthorities
    names: tuple[str, ...]        # the authorities shown as ours: the filter's, else ours; () all
    comparators: bool             # other authorities' inspection reports asked for

    def is_ours(self, item: dict) -> bool:
        if not self.names:
            return True
        authority = (item.get("authority") or "").casefold()
        # An own paper whose authority was never read stays with us; set it on its page.
        return authority in {n.casefold() for n in self.names} or (not authority and item["voice"] == "authority")

    def is_elsewhere(self, item: dict) -> bool:
        return bool(self.names) and item["voice"] == "inspectors" and not self.is_ours(item)

    def key(self) -> tuple:
        return self.names, self.comparators


def scope(snap: Snapshot, authority: str | None) -> Scope:
    ours = our_authorities(current().kb().store, snap.documents)
    names = (authority,) if authority else ours.names
    return Scope(ours, names, request.args.get("comparators") == "1")


def split(groups: list[CriterionEvidence], s: Scope) -> tuple[list[CriterionEvidence], list[CriterionEvidence]]:
    """The groups with our items only, and with other authorities' inspection findings only."""
    if not s.names:
        return groups, []
    own = [CriterionEvidence(g.criterion, [i for i in g.items if s.is_ours(i)]) for g in groups]
    elsewhere = [CriterionEvidence(g.criterion, [i for i in g.items if s.is_elsewhere(i)]) for g in groups]
    return own, [g for g in elsewhere if g.items]


def latest_grades(documents: list[dict], jid: str, names: tuple[str, ...]) -> list[dict]:
    """Per authority named, the grade `jid` got at its newest inspection that graded it
    (copies of one report counted once, kb.grades), and whether that was its latest."""
    wanted = {n.casefold() for n in names}
    out = []
    for a in grades.build(documents).authorities:
        if a.authority.casefold() not in wanted:
            continue
        graded = [i for i in a.inspections if i.grades.get(jid)]
        if graded:
            i = graded[0]
            out.append({"grade": i.grades[jid], "date": i.date, "doc_id": i.doc_id, "title": i.title,
                        "authority": a.authority, "latest": i is a.latest})
    return out
