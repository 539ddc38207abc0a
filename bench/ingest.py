"""Pages per second of `kb ingest` on a folder of PDFs, against the floor it cannot beat:
bare pypdfium2 text extraction of the same files plus a bare Whoosh index of the same
paragraphs (bench/floor.py), measured in the same run.

    python bench/ingest.py FOLDER [--repeat N] [--copies N]

Both are measured twice: as commands, each paying for its own interpreter start and
imports (the headline: what a user waits for), and inside this process, modules loaded. --copies N ingests N
copies of each PDF (each with a different content hash), to see the steady state per
page once start-up is spread over many files. Prints both rates and the ratio (target:
kb ingest within 2x of the floor).

The command runs as on a user's machine: with Python's byte-code cache on (some
sandboxes set PYTHONDONTWRITEBYTECODE, which makes every start compile the package's
modules again), after one untimed run that fills it."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from floor import bare_extract, bare_index  # noqa: E402
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


KB = str(Path(sys.executable).with_name("kb"))
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def kb_ingest(files: list[Path], home: Path) -> tuple[float, list[str]]:
    """Seconds of the whole `kb ingest` command, and the paragraphs it stored."""
    t = time.perf_counter()
    p = subprocess.run([KB, "--home", str(home), "ingest", *map(str, files)], capture_output=True, text=True,
                       env=ENV)
    secs = time.perf_counter() - t
    if p.returncode not in (0, 1):
        sys.exit(p.stderr)
    out = subprocess.run([KB, "--home", str(home), "export", "--format", "jsonl"], capture_output=True,
                         text=True, check=True).stdout
    return secs, [json.loads(line)["text"] for line in out.splitlines() if line.strip()]


def floor_command(files: list[Path], paragraphs_file: Path, where: Path) -> float:
    """Seconds of bench/floor.py run as a command on the same files and paragraphs."""
    t = time.perf_counter()
    subprocess.run([sys.executable, str(HERE / "floor.py"), str(paragraphs_file), str(where), *map(str, files)],
                   check=True, env=ENV)
    return time.perf_counter() - t


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
    ap.add_argument("--repeat", type=int, default=3, help="runs of each; the best is kept")
    ap.add_argument("--copies", type=int, default=1, help="ingest this many copies of each PDF")
    args = ap.parse_args()
    files = pdfs_in(args.folder)
    if not files:
        sys.exit(f"no PDF files in {args.folder}")
    scratch = Path(tempfile.mkdtemp())
    try:
        if args.copies > 1:
            files = copies(files, args.copies, scratch)
        floor, floor_cmd, ours, inside, pages = [], [], [], [], 0
        with tempfile.TemporaryDirectory() as home:
            kb_ingest(files[:1], Path(home))      # fills the byte-code cache
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as home:
                secs, paragraphs = kb_ingest(files, Path(home))
                ours.append(secs)
            with tempfile.TemporaryDirectory() as home:
                inside.append(in_process_ingest(files, Path(home)))
            with tempfile.TemporaryDirectory() as tmp:
                listed = Path(tmp) / "paragraphs.json"
                listed.write_text(json.dumps(paragraphs), "utf-8")
                (Path(tmp) / "a").mkdir()
                floor_cmd.append(floor_command(files, listed, Path(tmp) / "a"))
                (Path(tmp) / "b").mkdir()
                t = time.perf_counter()
                pages, _ = bare_extract(files)
                bare_index(paragraphs, Path(tmp) / "b")
                floor.append(time.perf_counter() - t)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    rows = (("as commands (start-up included)", min(floor_cmd), min(ours)),
            ("in-process (modules loaded)", min(floor), min(inside)))
    print(f"files: {len(files)}  pages: {pages}  paragraphs: {len(paragraphs)}  (best of {args.repeat} runs)")
    print(f"{'':34}{'floor':>18}{'kb ingest':>18}{'ratio':>8}")
    for label, f, o in rows:
        print(f"{label:34}{f:7.2f} s {pages / f:4.0f} p/s{o:7.2f} s {pages / o:4.0f} p/s{o / f:7.2f}x")
    print("floor: bare pypdfium2 extraction + bare Whoosh index of the same paragraphs; target: within 2x")


if __name__ == "__main__":
    main()
