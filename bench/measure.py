"""What the benchmarks share: percentiles and spread, a command timed with its peak memory,
and queries no process has answered before.

A query is timed once only: kb's search memoises per-term tables, so a repeated query
answers from memory, which a person typing a new question never meets. Fresh queries come
from the knowledge base's own paragraphs (one to three neighbouring words, or an acronym),
after the labelled queries of bench/queries.jsonl."""
from __future__ import annotations

import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

BENCH = Path(__file__).resolve().parent
# Words too common to be what someone searches for; only shapes the generated queries.
_DULL = set("""
about above after again against also among and another any are around because been before being
below between both but can could did does doing down during each either even every few for from
further had has have having here how into its itself just last least less made make many may more
most much must near need needs next not now off once only other our out over own same shall should
since some such than that the their them then there these they this those through thus too under
until upon very was were what when where whether which while who whom whose why will with within
without would year years your well also including however therefore local authority all
""".split())


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict[str, float]:
    return {"n": len(values), "p50": statistics.median(values), "p95": percentile(values, 95), "max": max(values)}


def spread(values: list[float], unit: str = "", digits: int = 1) -> str:
    """'median (min-max over n)' of one figure measured in several runs."""
    f = f"{{:.{digits}f}}"
    if len(values) == 1:
        return f.format(values[0]) + unit
    return (f.format(statistics.median(values)) + unit +
            f" ({f.format(min(values))}-{f.format(max(values))} over {len(values)})")


# Linux counts the memory of the process a child was forked from in the child's peak (the
# copy exists until exec), so a command started from this large process would show this
# process's size. The command is started from a small launcher instead, which reports the
# command's own wall time and peak (os.wait4) on its standard error.
_LAUNCHER = """
import os, sys, time
start = time.perf_counter()
pid = os.posix_spawnp(sys.argv[1], sys.argv[1:], os.environ,
                      file_actions=[(os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)])
_, status, usage = os.wait4(pid, 0)
sys.stderr.write("%r %r %r" % (time.perf_counter() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status)))
"""


def run_command(argv: list[str], env: dict | None = None, stdin: bytes | None = None,
                cwd: str | os.PathLike | None = None) -> tuple[float, float, int, bytes]:
    """Wall seconds, peak resident MB, exit status and standard output of one command, as
    a user starting it meets them."""
    p = subprocess.run([sys.executable, "-S", "-c", _LAUNCHER, *map(str, argv)], input=stdin,
                       stdin=None if stdin is not None else subprocess.DEVNULL, capture_output=True, env=env, cwd=cwd)
    if p.returncode:
        raise RuntimeError(f"could not start {argv[0]}: {p.stderr.decode(errors='replace')[-500:]}")
    wall, rss_kb, status = p.stderr.decode().split()
    return float(wall), int(rss_kb) / 1024, int(status), p.stdout


def load_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def labelled_queries() -> list[str]:
    return [q["query"] for q in load_jsonl(BENCH / "queries.jsonl")]


def fresh_queries(texts: list[str], n: int, seed: int = 11, first: list[str] | None = None) -> list[str]:
    """`n` distinct queries: `first` (default: the labelled queries), then words taken from
    the paragraphs: an acronym, a word, or two or three neighbouring words."""
    rng = random.Random(seed)
    out: dict[str, None] = {q: None for q in (labelled_queries() if first is None else first)}
    texts = [t for t in texts if len(t) > 80]
    tries = 0
    while len(out) < n and texts and tries < 100 * n:
        tries += 1
        words = re.findall(r"[A-Za-z][A-Za-z'-]+", rng.choice(texts))
        acronyms = [w for w in words if 2 <= len(w) <= 5 and w.isupper()]
        content = [i for i, w in enumerate(words) if len(w) >= 4 and w.lower() not in _DULL and not w.isupper()]
        kind = rng.random()
        if kind < 0.1 and acronyms:
            q = rng.choice(acronyms)
        elif content:
            i = rng.choice(content)
            span = 1 if kind < 0.35 else 2 if kind < 0.8 else 3
            run = [w for w in words[i:i + span + 2] if len(w) > 2 and w.lower() not in _DULL][:span]
            q = " ".join(w.lower() for w in run)
        else:
            continue
        if q.lower() not in (k.lower() for k in out):
            out[q] = None
    return list(out)[:n]


def vm_hwm_mb(pid: int) -> float | None:
    """Peak resident memory of a running process (VmHWM), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


@contextmanager
def knowledge_base_home(home: str | os.PathLike | None):
    """The folder of the knowledge base at `home`, opened once as kb opens it (so that an
    index missing or from another version is rebuilt now, not in a timed part); or, with
    none, of the bundled corpus ingested into a temporary one."""
    from kb.kb import KnowledgeBase

    if home:
        KnowledgeBase(home).close()
        yield Path(home)
        return
    from kb.corpus import bundled_files
    tmp = Path(tempfile.mkdtemp(prefix="kb-bench-"))
    try:
        kb = KnowledgeBase(tmp)
        report = kb.ingest(bundled_files())
        kb.close()
        if report.failed:
            raise SystemExit(f"could not ingest the bundled corpus: {report.failed}")
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def knowledge_base(home: str | os.PathLike | None):
    """The KnowledgeBase at `home` (or of the bundled corpus, as above), open."""
    from kb.kb import KnowledgeBase

    with knowledge_base_home(home) as folder:
        kb = KnowledgeBase(folder)
        try:
            yield kb
        finally:
            kb.close()


def paragraphs(kb) -> list[dict]:
    """The paragraphs the search index holds: no boilerplate, no copies of another document."""
    return list(kb.store.paragraphs(include_boilerplate=False, copies=False))


# The kb command beside this interpreter, run with Python's byte-code cache on as on a
# user's machine (some sandboxes set PYTHONDONTWRITEBYTECODE).
KB = str(Path(sys.executable).with_name("kb"))
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
