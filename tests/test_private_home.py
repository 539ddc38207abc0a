"""The home folder and everything kb writes in it are private to their owner: the folder
0700, files 0600, whatever the umask."""
import os
import stat

from kb.home import private_files, resolve_home
from kb.kb import KnowledgeBase


def modes(home):
    found = {}
    for folder, dirs, files in os.walk(home):
        for name in dirs + files:
            path = os.path.join(folder, name)
            found[os.path.relpath(path, home)] = stat.S_IMODE(os.lstat(path).st_mode)
    return found


def test_a_new_home_and_its_files_are_private(tmp_path):
    old = os.umask(0o022)
    try:
        home = tmp_path / "new" / "home"
        kb = KnowledgeBase(home)
        (tmp_path / "notes.md").write_text("# Notes\n\nLeaders know their services well and act on what they find.\n")
        assert len(kb.ingest([tmp_path / "notes.md"]).added) == 1
        kb.reindex()                 # a generation written afresh, by workers where there are CPUs
        kb.remove("notes")
        kb.close()
        assert stat.S_IMODE(home.stat().st_mode) == 0o700
        found = modes(home)
        assert "kb.sqlite3" in found and any(p.startswith("index/gen-") for p in found)
        open_to_others = {p: oct(m) for p, m in found.items() if m & 0o077}
        assert open_to_others == {}
        assert os.umask(0o022) == 0o022      # the process's umask is as it was
    finally:
        os.umask(old)


def test_an_existing_home_left_readable_is_made_private(tmp_path):
    home = tmp_path / "home"
    KnowledgeBase(home).close()
    home.chmod(0o755)
    (home / "kb.sqlite3").chmod(0o644)
    KnowledgeBase(home).close()
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert stat.S_IMODE((home / "kb.sqlite3").stat().st_mode) == 0o600


def test_a_folder_that_is_not_a_home_is_left_as_it_is(tmp_path):
    tmp_path.chmod(0o755)
    assert resolve_home(tmp_path) == tmp_path
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o755


def test_private_files_nests_and_restores_the_umask():
    old = os.umask(0o022)
    try:
        with private_files():
            with private_files():
                assert os.umask(0o077) == 0o077
            assert os.umask(0o077) == 0o077
        assert os.umask(0o022) == 0o022
    finally:
        os.umask(old)
