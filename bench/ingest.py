"""`kb ingest` and `kb reindex` on a folder of PDFs against the floor they cannot beat, in
the same run: bare pypdfium2 text extraction of the same files plus a bare Whoosh index of
the same paragraphs (bench/floor.py), and for reindex the bare index alone.

    python bench/ingest.py FOLDER [--repeat N] [--copies N]

Each run measures, in a fresh temporary knowledge base:
- as commands, each paying for its own interpreter start and imports (the headline: what a
  user waits for): `kb ingest FOLDER`, then `kb reindex` of what it stored, against
  `python bench/floor.py` on the same files and paragraphs, and on the paragraphs alone;
  wall time and peak resident memory (of the largest process: kb's worker processes are
  counted one at a time, not summed).
- in this process, modules loaded: KnowledgeBase.ingest against bare_extract + bare_index.
Prints medians over the N runs with their range, and the ratios (target: ingest within 2x
of the floor). --copies N ingests N copies of each PDF (each with a different content
hash), to see the steady state once start-up is spread over many files.

The commands run as on a user's machine: with Python's byte-code cache on (some sandboxes
set PYTHONDONTWRITEBYTECODE, which makes every start compile the package's modules
again), after one untimed run that fills it."""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from floor import bare_extract, bare_index  # noqa: E402
from bench.measure import ENV, KB, run_command, spread  # noqa: E402
from kb.kb import KnowledgeBase  # noqa: E402


def pdfs_in(folder: Path) -> list[Path]:
    out = []
    for p in sorted(folder.rglob("*.pdf")):
        if p.read_bytes()[:5] == b"%PDF-":
            out.append(p)
    return out


def copies(files: list[Path], n: int, where: Path) -> list[Path]:
    """n copies of each file, each ending in a different PDF comment line: other content
    hashes, so that none is skipped as already held, and the same text."""
    out = []
    for f in files:
        data = f.read_bytes()
        for k in range(1, n + 1):
            copy = where / f"{f.stem}-copy{k}.pdf"
            copy.write_bytes(data + f"\n%copy {k}\n".encode())
            out.append(copy)
    return out


def kb_ingest(files: list[Path], home: Path) -> tuple[float, float, list[str]]:
    """Seconds and peak MB of the whole `kb ingest` command, and the paragraphs it stored."""
    wall, rss, status, _ = run_command([KB, "--home", str(home), "ingest", *map(str, files)], env=ENV)
    if status not in (0, 1):
        sys.exit(f"kb ingest failed: exit {status}")
    out = subprocess.run([KB, "--home", str(home), "export", "--format", "jsonl"], capture_output=True,
                         text=True, check=True, env=ENV).stdout
    return wall, rss, [json.loads(line)["text"] for line in out.splitlines() if line.strip()]


def kb_reindex(home: Path) -> tuple[float, float]:
    wall, rss, status, _ = run_command([KB, "--home", str(home), "reindex"], env=ENV)
    if status:
        sys.exit(f"kb reindex failed: exit {status}")
    return wall, rss


def floor_command(files: list[Path], paragraphs_file: Path, where: Path) -> tuple[float, float]:
    """Seconds and peak MB of bench/floor.py run as a command on the same files (none: the
    bare index alone) and paragraphs."""
    wall, rss, status, _ = run_command([sys.executable, str(HERE / "floor.py"), str(paragraphs_file), str(where),
                                        *map(str, files)], env=ENV)
    if status:
        sys.exit(f"bench/floor.py failed: exit {status}")
    return wall, rss


def in_process_ingest(files: list[Path], home: Path) -> float:
    """Seconds of the same ingest called in this process, its modules already loaded."""
    t = time.perf_counter()
    kb = KnowledgeBase(home)
    kb.ingest(files)
    kb.close()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each; medians and ranges are printed")
    ap.add_argument("--copies", type=int, default=1, help="ingest this many copies of each PDF")
    args = ap.parse_args()
    files = pdfs_in(args.folder)
    if not files:
        sys.exit(f"no PDF files in {args.folder}")
    scratch = Path(tempfile.mkdtemp())
    runs: dict[str, list] = {k: [] for k in ("ingest", "reindex", "floor", "floor index", "inside", "floor inside")}
    try:
        if args.copies > 1:
            files = copies(files, args.copies, scratch)
        pages, paragraphs = 0, []
        with tempfile.TemporaryDirectory() as home:
            kb_ingest(files[:1], Path(home))      # fills the byte-code cache
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as home:
                wall, rss, paragraphs = kb_ingest(files, Path(home))
                runs["ingest"].append((wall, rss))
                runs["reindex"].append(kb_reindex(Path(home)))
            with tempfile.TemporaryDirectory() as home:
                runs["inside"].append((in_process_ingest(files, Path(home)), None))
            with tempfile.TemporaryDirectory() as tmp:
                listed = Path(tmp) / "paragraphs.json"
                listed.write_text(json.dumps(paragraphs), "utf-8")
                for name, where, given in (("floor", "a", files), ("floor index", "b", [])):
                    (Path(tmp) / where).mkdir()
                    runs[name].append(floor_command(given, listed, Path(tmp) / where))
                (Path(tmp) / "c").mkdir()
                t = time.perf_counter()
                pages, _ = bare_extract(files)
                bare_index(paragraphs, Path(tmp) / "c")
                runs["floor inside"].append((time.perf_counter() - t, None))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    report(runs, len(files), pages, len(paragraphs))


def report(runs: dict[str, list], files: int, pages: int, paragraphs: int) -> None:
    n = len(runs["ingest"])
    print(f"files: {files}  pages: {pages}  paragraphs: {paragraphs}  (medians of {n} runs, range in brackets)")
    print(f"{'':30}{'wall s':>26}{'pages/s':>8}{'peak MB':>22}")
    labels = (("kb ingest (command)", "ingest"), ("floor (command)", "floor"),
              ("kb reindex (command)", "reindex"), ("bare index (command)", "floor index"),
              ("kb ingest (in-process)", "inside"), ("floor (in-process)", "floor inside"))
    for label, key in labels:
        walls = [w for w, _ in runs[key]]
        peaks = [m for _, m in runs[key] if m is not None]
        rate = f"{pages / statistics.median(walls):8.0f}" if "index" not in label else f"{'-':>8}"
        print(f"{label:30}{spread(walls, '', 2):>26}{rate}"
              f"{spread(peaks, '', 0) if peaks else '-':>22}")
    for label, ours, floor in (("ingest / floor, commands", "ingest", "floor"),
                               ("reindex / bare index, commands", "reindex", "floor index"),
                               ("ingest / floor, in-process", "inside", "floor inside")):
        ratios = [o[0] / f[0] for o, f in zip(runs[ours], runs[floor])]
        print(f"{label:34}{spread(ratios, 'x', 2)}")
    print("floor: bare pypdfium2 extraction + bare Whoosh index of the same paragraphs; target: ingest within 2x")


if __name__ == "__main__":
    main()
