"""Whose knowledge base this is: our authority, or our authorities for a group that compares
notes (a regional improvement alliance). Everything that speaks of "we" (the dashboard,
compare, packs, the assistant's "our") asks `our_authorities` and says how it was decided:

- chosen: a person set it (`kb init`, `kb settings`, the settings page);
- inferred: nobody chose, but the authority's own documents (self-evaluations, plans,
  committee papers: every document type whose voice is the authority's) name exactly one
  authority;
- unknown: neither. Never guessed from which name sorts first or has most documents: other
  authorities' inspection reports are held for comparison and say nothing about whose it is."""
from __future__ import annotations

import re
from dataclasses import dataclass

from kb import audit
from kb.evidence import voice_of
from indexer.metadata import known_authorities

SETTING = "our_authorities"
CHOSEN, INFERRED, UNKNOWN = "chosen", "inferred", "unknown"
_HOW_SAID = {CHOSEN: "chosen in settings", INFERRED: "inferred from our own documents"}


@dataclass(frozen=True)
class OurAuthorities:
    names: tuple[str, ...]
    how: str                     # chosen, inferred or unknown
    who: str | None = None       # who chose, and when
    at: str | None = None

    def __bool__(self) -> bool:
        return bool(self.names)

    def includes(self, authority: str | None) -> bool:
        return bool(authority) and authority.strip().casefold() in {n.casefold() for n in self.names}

    @property
    def one(self) -> str | None:
        """The authority, when there is exactly one."""
        return self.names[0] if len(self.names) == 1 else None

    @property
    def label(self) -> str:
        return and_list(self.names)

    def describe(self) -> str:
        """ "Our authority: Durham (chosen in settings)", and so on."""
        if not self.names:
            return "Our authority: not chosen: choose it in settings"
        word = "authority" if len(self.names) == 1 else "authorities"
        return f"Our {word}: {self.label} ({_HOW_SAID[self.how]})"

    def to_dict(self) -> dict:
        return {"names": list(self.names), "how": self.how, "who": self.who, "at": self.at,
                "said": self.describe()}


def and_list(names) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1] if names else ""


def held_authorities(documents: list[dict]) -> list[str]:
    """The authorities the documents name, A to Z, each once whatever its case."""
    names: dict[str, str] = {}
    for d in documents:
        name = (d.get("authority") or "").strip()
        if name:
            names.setdefault(name.casefold(), name)
    return sorted(names.values(), key=str.casefold)


def inferred(documents: list[dict]) -> str | None:
    """The one authority our own documents name, or None when they name none or several."""
    own = {(d.get("authority") or "").strip().casefold(): d["authority"].strip() for d in documents
           if (d.get("authority") or "").strip() and voice_of(d["doc_type"]) == "authority"
           and not d.get("duplicate_of")}
    return next(iter(own.values())) if len(own) == 1 else None


def our_authorities(store, documents: list[dict] | None = None) -> OurAuthorities:
    """Our authority or authorities, and how that was decided. `documents` saves reading
    the store's when the caller holds them."""
    chosen = store.setting(SETTING)
    if chosen and chosen["value"]:
        return OurAuthorities(tuple(chosen["value"]), CHOSEN, chosen["who"], chosen["at"])
    name = inferred(store.documents() if documents is None else documents)
    return OurAuthorities((name,), INFERRED) if name else OurAuthorities((), UNKNOWN)


def resolve(name: str, held: list[str]) -> str:
    """The authority a person means by `name`: a held authority (matched without regard
    to case, or by the words it starts with: "durham" is "Durham"), else an English
    authority by its plain name. Raises ValueError naming what is held."""
    low = re.sub(r"\s+", " ", name).strip().casefold()
    if not low:
        raise ValueError("an authority's name is empty")
    for pool in (held, known_authorities()):
        exact = [a for a in pool if a.casefold() == low]
        if exact:
            return exact[0]
        partial = [a for a in pool if a.casefold().startswith(low) or low.startswith(a.casefold() + " ")]
        if len(partial) == 1:
            return partial[0]
    listed = ", ".join(held) or "none yet"
    raise ValueError(f"'{name}' is neither an authority held nor an English local authority's name; "
                     f"authorities held: {listed}")


def choose(store, names: list[str], who: str, address: str | None = None) -> OurAuthorities:
    """Set our authority or authorities (an empty list: back to inferred or unknown), with
    an audit entry. Names are checked first, so a bad one changes nothing."""
    held = held_authorities(store.documents())
    chosen = list(dict.fromkeys(resolve(n, held) for n in names))
    before = our_authorities(store)
    store.set_setting(SETTING, chosen, who)
    after = our_authorities(store)
    audit.record(store.db, "settings", who, f"our authorities: {before.label or 'none'} ({before.how})"
                 f" -> {after.label or 'none'} ({after.how})", address)
    return after


def not_held(chosen: OurAuthorities, documents: list[dict]) -> list[str]:
    """Those of our authorities no document names yet."""
    held = {a.casefold() for a in held_authorities(documents)}
    return [n for n in chosen.names if n.casefold() not in held]
