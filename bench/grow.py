"""Grow a knowledge base to a given number of documents with made-up copies of the ones it
holds, to measure how costs grow past the reports one can get (100 reports for the load
check, ten times the national set for the growth table).

    python -m bench.grow --home H --to N [--seed S]

Each new document is the text of one held document (its headings on lines of their own,
its numbered paragraphs numbered as printed) written as if about another authority: the
authority's name replaced by a made-up place, its years shifted by up to three, and one in
five of its paragraphs left out, so that no two copies are the same text and the duplicate
finder does not fold them together. Copies are taken from the held documents in turn,
Ofsted reports first (they are what a national set holds), and ingested as text files the
way `kb ingest` reads a folder. The home is written to: give it a copy.
"""
from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from pathlib import Path

from kb.kb import KnowledgeBase

PLACES = ("Ashcombe", "Brackenford", "Calderwick", "Dunmere", "Eastholm", "Fernleigh", "Glenmouth",
          "Harrowgate", "Ivybridge", "Kestrel Vale", "Longmoor", "Marshfield", "Northwold", "Oakhaven",
          "Pennington", "Queensbury", "Ravensworth", "Stonebridge", "Thornbury", "Upminster")
KEEP = 0.8


def place(n: int) -> str:
    return PLACES[n % len(PLACES)] + (f" {n // len(PLACES) + 1}" if n >= len(PLACES) else "")


def document_text(kb: KnowledgeBase, doc: dict) -> str:
    """A stored document as plain text: title, headings where the section changes, paragraphs."""
    lines, trail = [doc.get("title") or doc["doc_id"], ""], []
    for p in kb.store.paragraphs(doc["doc_id"]):
        section = list(p["section"] or [])
        if section != trail and section:
            lines += [section[-1], ""]
        trail = section
        lines += [(f"{p['number']}. " if p["number"] is not None else "") + p["text"], ""]
    return "\n".join(lines)


def variant(text: str, authority: str | None, n: int, rng: random.Random) -> str:
    """The text as if about another authority, some years off, with some paragraphs gone."""
    if authority:
        text = re.sub(re.escape(authority), place(n), text, flags=re.I)
    shift = n % 7 - 3
    text = re.sub(r"\b(20[012]\d)\b", lambda m: str(int(m.group(1)) + shift), text)
    blocks = text.split("\n\n")
    head, body = blocks[:2], blocks[2:]
    return "\n\n".join(head + [b for b in body if rng.random() < KEEP])


def grow(home: Path, to: int, seed: int = 11) -> tuple[int, int, float]:
    """Ingest copies until the home holds `to` documents; (added, failed, seconds)."""
    rng = random.Random(seed)
    kb = KnowledgeBase(home)
    try:
        held = [d for d in kb.store.documents() if not d.get("duplicate_of")]
        held.sort(key=lambda d: (not (d.get("doc_type") or "").startswith("ofsted"), d["doc_id"]))
        wanted = to - len(kb.store.documents())
        if wanted <= 0 or not held:
            return 0, 0, 0.0
        texts = [(d, document_text(kb, d)) for d in held]
        with tempfile.TemporaryDirectory(prefix="kb-grow-") as tmp:
            files = []
            for n in range(wanted):
                doc, text = texts[n % len(texts)]
                path = Path(tmp) / f"grown-{n:05d}-{doc['doc_id'][:40]}.txt"
                path.write_text(variant(text, doc.get("authority"), n, rng), "utf-8")
                files.append(path)
            start = time.perf_counter()
            report = kb.ingest(files)
            return len(report.added), len(report.failed), time.perf_counter() - start
    finally:
        kb.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path, required=True)
    ap.add_argument("--to", type=int, required=True, help="documents the home should hold")
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    added, failed, seconds = grow(args.home, args.to, args.seed)
    kb = KnowledgeBase(args.home)
    counts = kb.store.counts()
    kb.close()
    print(f"added {added} made-up documents ({failed} failed) in {seconds:.0f} s; the home holds "
          f"{counts['documents']} documents, {counts['paragraphs']} paragraphs")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
