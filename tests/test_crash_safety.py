"""Crash safety: an ingest killed outright (kill -9) after the store committed but before
the index did is put right when the knowledge base is next opened, saying so; workers die
with their parent; two first opens of a new home do not race."""
import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from kb.index_repair import repair_index
from kb.kb import KnowledgeBase
from kb.search import search
from kb.store import Store

DOCS = {
    "fostering.md": "# Fostering\n\nThe fostering service recruits carers quickly and matches children with care.\n",
    "leavers.md": "# Care leavers\n\nPersonal advisers stay in touch with care leavers and help them into work.\n",
    "front-door.md": "# Front door\n\nReferrals to the front door are screened within a day by qualified workers.\n",
}
ROOT = Path(__file__).resolve().parents[1]


def write_docs(folder: Path) -> list[Path]:
    folder.mkdir(exist_ok=True)
    for name, text in DOCS.items():
        (folder / name).write_text(text)
    return sorted(folder / name for name in DOCS)


def run_killed_at_index_commit(home: Path, files: list[Path]) -> int:
    """Run an ingest in a process of its own that kills itself (SIGKILL) at the moment the
    index would commit the batch, every document of it stored (as when each was prepared
    in time, so none was committed early); returns its exit status."""
    script = textwrap.dedent(f"""
        import os, signal, sys
        import kb.search.index
        kb.search.index._Batch.flush = lambda self: None
        kb.search.index._Batch.commit = lambda self: os.kill(os.getpid(), signal.SIGKILL)
        from kb.kb import KnowledgeBase
        KnowledgeBase({str(home)!r}).ingest(sys.argv[1:])
    """)
    done = subprocess.run([sys.executable, "-c", script, *map(str, files)], cwd=ROOT, capture_output=True)
    return done.returncode


def test_documents_stored_before_a_kill_are_indexed_at_the_next_open(tmp_path):
    home = tmp_path / "home"
    KnowledgeBase(home).close()              # a home with an (empty) index, as after a first run
    files = write_docs(tmp_path / "docs")
    assert run_killed_at_index_commit(home, files) == -signal.SIGKILL
    store = Store(home / "kb.sqlite3")
    assert store.counts()["documents"] == 3  # stored, but never indexed
    store.close()

    notices = []
    kb = KnowledgeBase(home, notice=notices.append)
    assert notices == ["3 documents were not in the search index, or not as stored (an earlier run stopped); "
                       "indexed them now"]
    assert kb.index.paragraph_counts() == {d["doc_id"]: d["paragraphs"] for d in kb.store.documents()}
    assert [h.paragraph_id.split(":")[0] for h in search(kb.index, "personal advisers").hits] == ["leavers"]
    # A plain re-run now finds everything unchanged and in step: nothing more to say.
    assert len(kb.ingest(files).unchanged) == 3
    kb.close()
    notices.clear()
    KnowledgeBase(home, notice=notices.append).close()
    assert notices == []


def test_a_removal_the_index_missed_is_dropped_from_it(tmp_path):
    kb = KnowledgeBase(tmp_path / "home")
    kb.ingest(write_docs(tmp_path / "docs"))
    kb.store.remove_document("fostering")     # as if killed between the store's and the index's removal
    notices = []
    assert repair_index(kb.store, kb.index, notices.append) == ([], ["fostering"])
    assert notices == ["1 document was removed from the knowledge base still in the search index "
                       "(an earlier run stopped); dropped it now"]
    assert "fostering" not in kb.index.paragraph_counts()
    kb.close()


def test_no_repair_while_another_writer_holds_the_index(tmp_path):
    kb = KnowledgeBase(tmp_path / "home")
    kb.ingest(write_docs(tmp_path / "docs"))
    kb.index.remove_document("leavers")
    with kb.index._write_lock():             # another ingest, under way
        assert repair_index(kb.store, kb.index) == ([], [])
    assert repair_index(kb.store, kb.index) == (["leavers"], [])
    kb.close()


def _open_store(path, barrier, results):
    barrier.wait()
    try:
        Store(path).close()
        results.put("ok")
    except Exception as e:  # the failure itself is what the test reports
        results.put(f"{type(e).__name__}: {e}")


def test_first_opens_of_a_new_home_at_once_do_not_race(tmp_path):
    ctx = multiprocessing.get_context("fork")
    for run in range(5):
        path = tmp_path / f"home{run}" / "kb.sqlite3"
        path.parent.mkdir()
        barrier, results = ctx.Barrier(6), ctx.Queue()
        procs = [ctx.Process(target=_open_store, args=(path, barrier, results)) for _ in range(6)]
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        assert [results.get() for _ in procs] == ["ok"] * 6


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie awaiting its reaper is dead too.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_workers_die_when_their_parent_is_killed(tmp_path):
    script = textwrap.dedent("""
        import os, sys, threading, time
        os.sched_getaffinity = lambda pid: {0, 1, 2}   # workers even on a one-CPU machine
        from kb.ingest import Workers
        workers = Workers(4)
        assert workers.count >= 2, workers.count
        pending = [workers.submit(time.sleep, 600) for _ in range(workers.count)]
        print(" ".join(str(p) for p in workers._pool._processes), flush=True)
        time.sleep(600)
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    worker_pids = [int(pid) for pid in parent.stdout.readline().split()]
    assert worker_pids and all(_alive(pid) for pid in worker_pids)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    for _ in range(200):                     # until they are gone, or 10 s
        if not any(_alive(pid) for pid in worker_pids):
            break
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in worker_pids)
