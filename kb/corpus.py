"""The documents that ship with the product, loaded into an empty knowledge base."""
from __future__ import annotations

from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpus"


def bundled_files() -> list[Path]:
    return sorted(p for p in CORPUS_DIR.glob("*") if p.is_file() and p.name != "README.md")


def load_if_empty(kb) -> int:
    """Ingest the bundled corpus into a knowledge base that holds no documents yet.
    Returns how many documents were added."""
    if kb.store.counts()["documents"]:
        return 0
    report = kb.ingest(bundled_files())
    return len(report.added)
