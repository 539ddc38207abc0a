"""Pages per second of `kb ingest` on a folder of PDFs, against the floor it cannot beat:
bare pypdfium2 text extraction of the same files plus a bare Whoosh index of the same
paragraphs, measured in the same run.

    python bench/ingest.py FOLDER [--repeat N] [--copies N]

The headline is the real command, process start and imports included. The same ingest
run inside this process (modules already loaded) is reported too. --copies N ingests N
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

import pypdfium2 as pdfium
from whoosh import fields, index
from whoosh.analysis import StemmingAnalyzer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
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


def bare_extract(files: list[Path]) -> tuple[int, list[str]]:
    pages, texts = 0, []
    for f in files:
        doc = pdfium.PdfDocument(f)
        for i in range(len(doc)):
            texts.append(doc[i].get_textpage().get_text_range())
            pages += 1
        doc.close()
    return pages, texts


def bare_index(paragraphs: list[str], where: Path) -> None:
    schema = fields.Schema(id=fields.ID(stored=True), text=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True))
    ix = index.create_in(where, schema)
    w = ix.writer(limitmb=256)
    for i, t in enumerate(paragraphs):
        w.add_document(id=str(i), text=t)
    w.commit()


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
        floor, ours, inside, pages = [], [], [], 0
        with tempfile.TemporaryDirectory() as home:
            kb_ingest(files[:1], Path(home))      # fills the byte-code cache
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as home:
                secs, paragraphs = kb_ingest(files, Path(home))
                ours.append(secs)
            with tempfile.TemporaryDirectory() as home:
                inside.append(in_process_ingest(files, Path(home)))
            with tempfile.TemporaryDirectory() as tmp:
                t = time.perf_counter()
                pages, _ = bare_extract(files)
                bare_index(paragraphs, Path(tmp))
                floor.append(time.perf_counter() - t)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    f, o, i = min(floor), min(ours), min(inside)
    print(f"files: {len(files)}  pages: {pages}  paragraphs: {len(paragraphs)}")
    print(f"bare pypdfium2 extraction + bare Whoosh index: {f:.2f} s  ({pages / f:.0f} pages/s)")
    print(f"kb ingest (read, clean, tag, store, index; process start included): {o:.2f} s  ({pages / o:.0f} pages/s)")
    print(f"  the same ingest in-process (no start-up, modules loaded): {i:.2f} s  ({pages / i:.0f} pages/s)"
          f"  ratio {i / f:.2f}x")
    print(f"ratio kb ingest / floor: {o / f:.2f}x  (target: within 2x)")


if __name__ == "__main__":
    main()
