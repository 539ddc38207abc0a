"""Where a knowledge base lives: one folder with the database and the index built from it."""
from __future__ import annotations

import os
from pathlib import Path

DB_NAME = "kb.sqlite3"
INDEX_DIR = "index"


def resolve_home(home: str | os.PathLike | None = None) -> Path:
    """--home wins, then KB_HOME, then a per-user data folder."""
    if home:
        path = Path(home)
    elif os.environ.get("KB_HOME"):
        path = Path(os.environ["KB_HOME"])
    else:
        base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
        path = Path(base) / "ilacs-kb"
    path = path.expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path
