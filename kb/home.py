"""Where a knowledge base lives: one folder with the database and the index built from it.
The folder is private to its owner (0700) and what kb writes in it is too (0600): the
documents it holds are OFFICIAL-SENSITIVE."""
from __future__ import annotations

import os
import stat
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

DB_NAME = "kb.sqlite3"
INDEX_DIR = "index"
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def resolve_home(home: str | os.PathLike | None = None) -> Path:
    """--home wins, then KB_HOME, then a per-user data folder. Created private; an
    existing home that holds a knowledge base is made private too (an earlier version
    left it readable by every user of the machine)."""
    if home:
        path = Path(home)
    elif os.environ.get("KB_HOME"):
        path = Path(os.environ["KB_HOME"])
    else:
        base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
        path = Path(base) / "ilacs-kb"
    path = path.expanduser()
    created = not path.exists()
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    if created or (path / DB_NAME).exists():
        _tighten(path, PRIVATE_DIR_MODE)
    return path


def _tighten(path: Path, mode: int) -> None:
    try:
        info = path.stat()
        if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & ~mode:
            path.chmod(mode)
    except OSError:
        pass   # not ours to change (a shared mount): the caller's checks still apply


def make_private_file(path: Path) -> None:
    """Create `path` empty and private unless it exists; tighten it if it does."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))
    except FileExistsError:
        _tighten(path, PRIVATE_FILE_MODE)


_umask_lock = threading.Lock()
_umask_depth = 0
_umask_saved = 0


@contextmanager
def private_files() -> Iterator[None]:
    """Files and folders created inside are private to their owner (umask 077). The umask
    is the process's: other threads' files created meanwhile are private too, which only
    errs on the safe side. Nested and concurrent uses restore the umask once, at the end."""
    global _umask_depth, _umask_saved
    with _umask_lock:
        if _umask_depth == 0:
            _umask_saved = os.umask(0o077)
        _umask_depth += 1
    try:
        yield
    finally:
        with _umask_lock:
            _umask_depth -= 1
            if _umask_depth == 0:
                os.umask(_umask_saved)
