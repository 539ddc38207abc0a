"""Index generations on disk: each full build goes into a fresh folder (index/gen-000007),
and becomes live when the pointer file (index/CURRENT, "gen-000007 SCHEMA_VERSION") is
replaced with os.replace, so a reader sees either the old index or the new one, never a
half-built one."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

POINTER_FILE = "CURRENT"
LOCK_FILE = "write.lock"
GENERATION_PREFIX = "gen-"


def read_pointer(root: Path) -> tuple[str, int] | None:
    """(live generation's folder name, schema version), or None when there is none."""
    try:
        name, _, version = (root / POINTER_FILE).read_text("utf-8").strip().partition(" ")
    except FileNotFoundError:
        return None
    return (name, int(version)) if name and version.isdigit() else None


def generations(root: Path) -> list[tuple[int, Path]]:
    found = []
    for p in root.glob(GENERATION_PREFIX + "*"):
        suffix = p.name[len(GENERATION_PREFIX):]
        if p.is_dir() and suffix.isdigit():
            found.append((int(suffix), p))
    return sorted(found)


def new_generation_dir(root: Path) -> Path:
    gens = generations(root)
    number = gens[-1][0] + 1 if gens else 1
    path = root / f"{GENERATION_PREFIX}{number:06d}"
    path.mkdir(parents=True)
    return path


def point_to(root: Path, generation: str, version: int) -> None:
    tmp = root / f".{POINTER_FILE}.{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(f"{generation} {version}\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, root / POINTER_FILE)


def remove_old_generations(root: Path) -> None:
    """Remove every generation but the live one, including any left half-built by a
    crash: an old generation holds the text of documents removed since. A searcher open
    on one keeps reading its open files; one that read the old pointer a moment ago opens
    the new generation instead (Index._open_live)."""
    pointer = read_pointer(root)
    if pointer is None:
        return
    for _, path in generations(root):
        if path.name != pointer[0]:
            shutil.rmtree(path, ignore_errors=True)
