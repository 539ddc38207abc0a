"""Page times of the web app under concurrent clients, and the server's memory, as people
using `kb serve` (waitress) on 127.0.0.1 meet them: every timed request asks for an address
nobody asked for before (another query, another filter, another document or paragraph), so
nothing timed is answered from a table an earlier request filled.

    python bench/web.py [--home DIR] [--docs N] [--clients C] [--rounds R] [--probe]
    python bench/web.py --signed-in --home COPY [--clients 8] [--seconds S]

Given an empty or new --home (or none: a temporary folder) it first builds a knowledge base
there: the bundled corpus plus N-5 variants of its documents, each under another (made-up)
authority name and date, so that dashboards, filters and facets have hundreds of documents
and tens of thousands of paragraphs to work over (a --home kept from one run serves the
next without building again; a --home with documents is served as it is).

Then it starts the server, requests one address of each page kind (timed, as "first"),
has the C clients each run a few searches of their own (not timed: each server thread
builds its own search state), and then has C clients request each page kind R times, each
at an address of its own: C x R distinct addresses per kind (queries from
bench/measure.py, filter combinations of the document types, authorities, years and
stances held, documents and paragraphs). A kind with fewer addresses than that (the
documents of a small knowledge base) repeats some, marked with * and the count. Prints
p50, p95 and max per page kind (target: p95 under 100 ms), and the server process's
resident memory when ready and at its peak (VmHWM in /proc/PID/status; target: under
1 GB at 56,000 paragraphs). On a knowledge base it built (or with --probe), also the
time of the first page after a correction made outside the server.

With --signed-in, clients as people meet the app once it has accounts: it adds an editor
account to --home (`kb user add NAME --role editor --password-stdin`, or `kb user reset`
when that name is taken; so give it a copy), signs each client in through /sign-in with the
form's CSRF token and its own session cookie, then has the C clients (default 8) request the
page kinds in turn, each at addresses of its own, for S seconds. Prints the errors (any
status but 200, a page that sent the client back to sign in, a broken connection; target
0) and p50, p95 and max per page kind (target: p95 under 200 ms at 100 reports)."""
from __future__ import annotations

import argparse
import http.client
import secrets
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import fresh_queries, vm_hwm_mb  # noqa: E402
from kb import framework  # noqa: E402
from kb.corpus import bundled_files  # noqa: E402
from kb.home import DB_NAME  # noqa: E402
from kb.kb import KnowledgeBase  # noqa: E402

PLACES = ("Ashcombe", "Brackenford", "Calderwick", "Dunmere", "Eastholm", "Fernleigh", "Glenmouth",
          "Harrowgate", "Ivybridge", "Kestrel Vale", "Longmoor", "Marshfield", "Northwold", "Oakhaven",
          "Pennington", "Queensbury", "Ravensworth", "Stonebridge", "Thornbury", "Upminster")
AUTHORITIES = ("Darlington", "Northumberland", "Durham")
WARM_SEARCHES = 8  # untimed searches, spread over the clients


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


def addresses(home: Path, n: int, seed: int = 11) -> dict[str, list[str]]:
    """Per page kind, up to `n` distinct addresses, in the order clients take them."""
    rng = random.Random(seed)
    kb = KnowledgeBase(home)
    docs = [d for d in kb.store.documents() if not d.get("duplicate_of")]
    rows = list(kb.store.paragraphs(include_boilerplate=False, copies=False))
    kb.close()
    queries = fresh_queries([r["text"] for r in rows], 4 * n + 2 * WARM_SEARCHES, seed)
    rng.shuffle(queries)
    warm, queries = queries[:2 * WARM_SEARCHES], queries[2 * WARM_SEARCHES:]
    types = sorted({d["doc_type"] for d in docs if d.get("doc_type")})
    authorities = sorted({d["authority"] for d in docs if d.get("authority")})
    years = sorted({int(d["date"][:4]) for d in docs if (d.get("date") or "")[:4].isdigit()})
    combos = [urlencode({k: v for k, v in (("type", t), ("authority", a), ("from", y), ("stance", st)) if v})
              for t in [None, *types] for a in [None, *authorities[:12]] for y in [None, *years[-6:]]
              for st in (None, "strength", "development")]
    rng.shuffle(combos)

    def with_filters(paths: list[str]) -> list[str]:
        """Each path once, then each with filter combinations in turn, `n` in all."""
        out = list(paths)
        for i, combo in enumerate(c for c in combos if c):
            if len(out) >= n:
                break
            out.append(f"{paths[i % len(paths)]}?{combo}")
        return out[:n]

    criteria = [c.id for c in framework.criteria()]
    rng.shuffle(criteria)
    rng.shuffle(docs)
    rng.shuffle(rows)
    filters = [f"type={t}" for t in types] + ["judgement=in-care", "judgement=help-protection",
                                                "stance=development", "stance=strength", "from=2018"]
    return {
        "warm": [f"/search?{urlencode({'q': q})}" for q in warm],
        "dashboard": with_filters(["/"]),
        "judgement": with_filters([f"/judgement/{j}" for j in framework.JUDGEMENT_IDS if j != "overall"]),
        "criterion": with_filters([f"/criterion/{c}" for c in criteria]),
        "search": [f"/search?{urlencode({'q': q})}" for q in queries[:n]],
        "search+filters": [f"/search?{urlencode({'q': q})}&{filters[i % len(filters)]}"
                           for i, q in enumerate(queries[n:2 * n])],
        "search page 2-3": [f"/search?{urlencode({'q': q, 'page': 2 + i % 2})}" for i, q in enumerate(queries[2 * n:3 * n])],
        "document": [f"/document/{d['doc_id']}" for d in docs[:n]],
        "paragraph": [f"/paragraph/{r['paragraph_id']}" for r in rows[:n]],
        "documents": with_filters(["/documents"]),
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


def measure(port: int, targets: dict[str, list[str]], clients: int, rounds: int,
            skip: int = 0) -> dict[str, list[float]]:
    """Each client's r-th request of a kind takes that kind's address number
    skip + r * clients + client (wrapping round a list too short)."""
    times: dict[str, list[float]] = {name: [] for name in targets}
    failures: list[str] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for r in range(rounds):
            for name, paths in targets.items():
                path = paths[(skip + r * clients + n) % len(paths)]
                status, ms = get(conn, path)
                with lock:
                    times[name].append(ms)
                    if status != 200:
                        failures.append(f"{name}: HTTP {status} {path}")
        conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        sys.exit("failed requests: " + ", ".join(sorted(set(failures))[:10]))
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path, help="knowledge base to serve; built there first if it holds nothing "
                                              "(default: built in a temporary folder)")
    ap.add_argument("--docs", type=int, default=300, help="documents in a built knowledge base")
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=10, help="requests of each page kind per client")
    ap.add_argument("--probe", action="store_true",
                    help="also time the first page after a change on an existing --home (writes a confirmation)")
    ap.add_argument("--seed", type=int, default=11, help="for the queries and the order of addresses")
    ap.add_argument("--signed-in", action="store_true",
                    help="clients signed in to an editor account added to --home (a copy: it is changed)")
    ap.add_argument("--seconds", type=float, default=60, help="how long the signed-in clients run")
    args = ap.parse_args()
    if args.signed_in:
        if args.home is None or not has_documents(args.home):
            ap.error("--signed-in needs --home: a copy of a knowledge base holding documents")
        return signed_in(args.home, args.clients if args.clients != 4 else 8, args.seconds, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        home = args.home or Path(tmp) / "kb"
        built = not has_documents(home)
        if built:
            build(home, args.docs)
        needed = args.clients * args.rounds
        targets = addresses(home, needed + 1, args.seed)
        warm = targets.pop("warm")
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "kb.cli", "--home", str(home), "serve",
                                   "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT,
                                  stderr=subprocess.DEVNULL)
        try:
            started = time.perf_counter()
            wait_for(port, server)
            ready_rss = vm_rss_mb(server.pid)
            print(f"server ready in {time.perf_counter() - started:.1f} s, {ready_rss:.0f} MB resident")
            # The last address of each kind is the untimed-before "first" request; the
            # timed ones are the first `needed`.
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            first = {name: get(conn, paths[-1])[1] for name, paths in targets.items()}
            conn.close()
            measure(port, {"warm": warm}, args.clients, WARM_SEARCHES // args.clients)
            times = measure(port, targets, args.clients, args.rounds)
            report(times, first, targets, args.clients, needed)
            print(f"server memory: {ready_rss:.0f} MB resident when ready, peak {vm_hwm_mb(server.pid):.0f} MB "
                  "(VmHWM; target < 1 GB at 56,000 paragraphs)")
            if built or args.probe:
                print(f"first dashboard after a correction made outside the app: "
                      f"{rebuild_time(home, port):.0f} ms")
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


def vm_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def has_documents(home: Path) -> bool:
    if not (home / DB_NAME).exists():
        return False
    kb = KnowledgeBase(home)
    count = kb.store.counts()["documents"]
    kb.close()
    return count > 0


def report(times: dict[str, list[float]], first: dict[str, float], targets: dict[str, list[str]],
           clients: int, needed: int) -> None:
    total = sum(len(v) for v in times.values())
    print(f"{clients} clients, {total} requests, each page kind at {needed} addresses; times in ms")
    print(f"{'page':<20}{'first':>8}{'p50':>8}{'p95':>8}{'max':>8}")
    for name, values in times.items():
        short = "" if len(targets[name]) > needed else f"  * {len(set(targets[name]))} distinct addresses"
        print(f"{name:<20}{first[name]:>8.1f}{statistics.median(values):>8.1f}{p95(values):>8.1f}"
              f"{max(values):>8.1f}{short}")
    everything = [v for values in times.values() for v in values]
    print(f"{'all pages':<20}{'':>8}{statistics.median(everything):>8.1f}{p95(everything):>8.1f}"
          f"{max(everything):>8.1f}", flush=True)


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


class SignedIn:
    """One client's connection and session cookie, signed in through the sign-in form."""

    def __init__(self, port: int, name: str, password: str):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookie = ""
        form = self.request("GET", "/sign-in")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form[2])
        if form[0] != 200 or not token:
            raise RuntimeError(f"the sign-in form: HTTP {form[0]}, {'a' if token else 'no'} CSRF token")
        body = urlencode({"csrf_token": token.group(1), "name": name, "password": password, "next": "/"})
        status, _, text, location = self.request("POST", "/sign-in", body)
        if status != 303 or "/sign-in" in location:
            raise RuntimeError(f"signing in as {name}: HTTP {status} to {location or 'nowhere'}")

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, float, str, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        ms = (time.perf_counter() - start) * 1000
        for header in response.headers.get_all("Set-Cookie") or []:
            if header.startswith("session="):
                self.cookie = header.split(";", 1)[0]
        return response.status, ms, text, response.headers.get("Location", "")


def add_account(home: Path, name: str, password: str) -> None:
    for action in (["add", name, "--role", "editor"], ["reset", name, "--role", "editor"]):
        done = subprocess.run([sys.executable, "-m", "kb.cli", "--home", str(home), "user", *action,
                               "--password-stdin"], cwd=ROOT, input=password + "\n", text=True,
                              capture_output=True)
        if done.returncode == 0:
            return
    sys.exit(f"could not add the account {name}: {done.stderr.strip()}")


def signed_in(home: Path, clients: int, seconds: float, seed: int) -> int:
    name, password = "bench-editor", secrets.token_urlsafe(18)
    add_account(home, name, password)
    # Enough addresses that a client seldom repeats one within the run.
    targets = addresses(home, max(200, clients * 50), seed)
    targets.pop("warm")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "kb.cli", "--home", str(home), "serve",
                               "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, stderr=subprocess.DEVNULL)
    times: dict[str, list[float]] = {kind: [] for kind in targets}
    sign_ins: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(n: int, deadline: float) -> None:
        try:
            start = time.perf_counter()
            session = SignedIn(port, name, password)
            with lock:
                sign_ins.append((time.perf_counter() - start) * 1000)
        except (OSError, http.client.HTTPException, RuntimeError) as e:
            with lock:
                errors.append(f"sign-in: {e}")
            return
        r = 0
        while time.monotonic() < deadline:
            for kind, paths in targets.items():
                path = paths[(r * clients + n) % len(paths)]
                try:
                    status, ms, _, location = session.request("GET", path)
                except (OSError, http.client.HTTPException) as e:
                    with lock:
                        errors.append(f"{kind}: {type(e).__name__} {path}")
                    session = SignedIn(port, name, password)
                    continue
                with lock:
                    times[kind].append(ms)
                    if status != 200:
                        errors.append(f"{kind}: HTTP {status} {path}" + (f" -> {location}" if location else ""))
            r += 1
        session.conn.close()

    try:
        wait_for(port, server)
        deadline = time.monotonic() + seconds
        threads = [threading.Thread(target=client, args=(n, deadline)) for n in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    total = sum(len(v) for v in times.values())
    print(f"{clients} signed-in clients (editor) for {seconds:.0f} s on 127.0.0.1: {total} requests, "
          f"{len(errors)} errors (target 0)")
    for e in sorted(set(errors))[:10]:
        print(f"  {e}")
    if sign_ins:
        print(f"sign-in (form and post): median {statistics.median(sign_ins):.0f} ms, max {max(sign_ins):.0f} ms")
    if total:
        print(f"{'page':<20}{'n':>6}{'p50':>8}{'p95':>8}{'max':>8}   (ms)")
        for kind, values in times.items():
            if values:
                print(f"{kind:<20}{len(values):>6}{statistics.median(values):>8.1f}{p95(values):>8.1f}"
                      f"{max(values):>8.1f}")
        everything = [v for values in times.values() for v in values]
        print(f"{'all pages':<20}{total:>6}{statistics.median(everything):>8.1f}{p95(everything):>8.1f}"
              f"{max(everything):>8.1f}   (target: p95 under 200 ms)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
