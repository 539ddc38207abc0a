"""Page times of the web app under concurrent clients, on a knowledge base of a few hundred
inspection reports, served by `kb serve` (waitress) on 127.0.0.1.

    python bench/web.py [--home DIR] [--docs N] [--clients C] [--rounds R] [--probe]

Given an empty or new --home (or none: a temporary folder) it first builds a knowledge base
there: the bundled corpus plus N-5 variants of its documents, each under another (made-up)
authority name and date, so that dashboards, filters and facets have hundreds of documents
and tens of thousands of paragraphs to work over (a --home kept from one run serves the
next without building again). Then it starts the server, requests every page once to warm
it (first one request per page, timed as "first", then C clients x 5 rounds, not timed),
and has C clients request each page R times (C x R x pages requests in all, nothing but
127.0.0.1). Prints p50 and p95 per page (target: p95 under 100 ms) and, on a knowledge base
it built (or with --probe), the time of the first page after a correction made outside
the server, when the evidence snapshot re-reads the documents the change touched."""
from __future__ import annotations

import argparse
import http.client
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb.corpus import bundled_files  # noqa: E402
from kb.home import DB_NAME  # noqa: E402
from kb.kb import KnowledgeBase  # noqa: E402

PLACES = ("Ashcombe", "Brackenford", "Calderwick", "Dunmere", "Eastholm", "Fernleigh", "Glenmouth",
          "Harrowgate", "Ivybridge", "Kestrel Vale", "Longmoor", "Marshfield", "Northwold", "Oakhaven",
          "Pennington", "Queensbury", "Ravensworth", "Stonebridge", "Thornbury", "Upminster")
AUTHORITIES = ("Darlington", "Northumberland", "Durham")
WARM_ROUNDS = 5


def variant(text: str, n: int) -> str:
    """The text as if written about another authority, a few years earlier or later."""
    place = f"{PLACES[n % len(PLACES)]} {n // len(PLACES) + 1}" if n >= len(PLACES) else PLACES[n]
    for name in AUTHORITIES:
        text = text.replace(name, place)
    shift = n % 7 - 3
    return re.sub(r"\b(20[12]\d)\b", lambda m: str(int(m.group(1)) + shift), text)


def build(home: Path, docs: int) -> None:
    kb = KnowledgeBase(home)
    files = bundled_files()
    kb.ingest(files)
    sources = [(f.suffix, f.read_text(encoding="utf-8")) for f in files]
    start = time.perf_counter()
    for n in range(max(0, docs - len(files))):
        suffix, text = sources[n % len(sources)]
        kb.ingest_bytes(variant(text, n).encode("utf-8"), f"variant-{n:04d}{suffix}")
        if n % 50 == 49:
            print(f"  {n + 1 + len(files)} documents ({time.perf_counter() - start:.0f} s)", file=sys.stderr)
    counts = kb.store.counts()
    kb.close()
    print(f"built: {counts['documents']} documents, {counts['paragraphs']} paragraphs", file=sys.stderr)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(conn: http.client.HTTPConnection, path: str) -> tuple[int, float]:
    start = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    return response.status, (time.perf_counter() - start) * 1000


def pages(home: Path) -> dict[str, list[str]]:
    """Each page measured, as the addresses a client takes in turn: several documents,
    paragraphs and queries, so that nothing is timed only once it is cached."""
    kb = KnowledgeBase(home)
    biggest = sorted(kb.store.documents(), key=lambda d: -d["paragraphs"])[:8]
    paragraphs = [next(p["paragraph_id"] for p in kb.store.paragraphs(d["doc_id"], include_boilerplate=False))
                  for d in biggest]
    kb.close()
    return {
        "dashboard": ["/", "/?type=ilacs-inspection"],
        "judgement": [f"/judgement/{j}" for j in ("help-protection", "in-care", "care-leavers", "leadership")],
        "judgement+filters": ["/judgement/leadership?type=ilacs-inspection&from=2019",
                              "/judgement/help-protection?type=self-evaluation",
                              "/judgement/in-care?authority=Darlington"],
        "criterion": ["/criterion/hp.assessment", "/criterion/lead.workforce", "/criterion/cic.permanence",
                      "/criterion/cl.accommodation?type=ilacs-inspection"],
        "search": ["/search?q=assessment+timeliness", "/search?q=personal+advisers", "/search?q=PLO",
                   "/search?q=management+oversight+supervision"],
        "search+filters": ["/search?q=management+oversight&type=ilacs-inspection&from=2020",
                           "/search?q=foster+carers&judgement=in-care", "/search?q=audits&stance=development"],
        "search page 3": ["/search?q=children&page=3", "/search?q=social+workers&page=2"],
        "document": [f"/document/{d['doc_id']}" for d in biggest],
        "paragraph": [f"/paragraph/{pid}" for pid in paragraphs],
        "documents": ["/documents", "/documents?type=ilacs-inspection"],
    }


def wait_for(port: int, server: subprocess.Popen, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server stopped: exit {server.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit("the server did not start")


def measure(port: int, targets: dict[str, list[str]], clients: int, rounds: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in targets}
    failures: list[str] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for r in range(rounds):
            for name, paths in targets.items():
                status, ms = get(conn, paths[(n + r) % len(paths)])
                with lock:
                    times[name].append(ms)
                    if status != 200:
                        failures.append(f"{name}: HTTP {status}")
        conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        sys.exit("failed requests: " + ", ".join(sorted(set(failures))))
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path, help="knowledge base to serve; built there first if it holds nothing "
                                              "(default: built in a temporary folder)")
    ap.add_argument("--docs", type=int, default=300, help="documents in a built knowledge base")
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=10, help="requests of each page per client")
    ap.add_argument("--probe", action="store_true",
                    help="also time the first page after a change on an existing --home (writes a confirmation)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = args.home or Path(tmp) / "kb"
        built = not has_documents(home)
        if built:
            build(home, args.docs)
        targets = pages(home)
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "kb.cli", "--home", str(home), "serve",
                                   "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT,
                                  stderr=subprocess.DEVNULL)
        try:
            started = time.perf_counter()
            wait_for(port, server)
            print(f"server ready in {time.perf_counter() - started:.1f} s (evidence snapshot built at start)")
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            warm = {name: get(conn, paths[0])[1] for name, paths in targets.items()}
            conn.close()
            # Each server thread keeps its own search state: warm them all before measuring.
            measure(port, targets, args.clients, WARM_ROUNDS)
            times = measure(port, targets, args.clients, args.rounds)
            report(times, warm, args.clients)
            if built or args.probe:
                print(f"first dashboard after a correction made outside the app: "
                      f"{rebuild_time(home, port):.0f} ms")
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


def has_documents(home: Path) -> bool:
    if not (home / DB_NAME).exists():
        return False
    kb = KnowledgeBase(home)
    count = kb.store.counts()["documents"]
    kb.close()
    return count > 0


def report(times: dict[str, list[float]], warm: dict[str, float], clients: int) -> None:
    total = sum(len(v) for v in times.values())
    print(f"{clients} clients, {total} requests; times in ms")
    print(f"{'page':<20}{'first':>8}{'p50':>8}{'p95':>8}")
    for name, values in times.items():
        print(f"{name:<20}{warm[name]:>8.1f}{statistics.median(values):>8.1f}{p95(values):>8.1f}")
    everything = [v for values in times.values() for v in values]
    print(f"{'all pages':<20}{'':>8}{statistics.median(everything):>8.1f}{p95(everything):>8.1f}", flush=True)


def rebuild_time(home: Path, port: int) -> float:
    """Correct one paragraph from outside the server, then time the next dashboard."""
    from kb.store import Correction
    kb = KnowledgeBase(home)
    p = next(kb.store.paragraphs(include_boilerplate=False))
    kb.correct(p["paragraph_id"], Correction(p["judgement"], list(p["criteria"]), p["stance"], "bench"), "bench")
    kb.close()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    ms = get(conn, "/")[1]
    conn.close()
    return ms


if __name__ == "__main__":
    sys.exit(main())
