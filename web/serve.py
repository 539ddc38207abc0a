"""`kb serve`: the app behind waitress, a production WSGI server, on the knowledge base
at `home`, loading the bundled corpus first when the knowledge base is empty."""
from __future__ import annotations

import os
import sys

from waitress import create_server

from kb.accounts import Accounts
from kb.corpus import load_if_empty
from kb.home import DB_NAME, resolve_home
from kb.store import Store
from web.access import is_loopback
from web.app import create_app

# Two cores and one interpreter lock: more threads would only queue.
THREADS = 4


def serve(home, host: str = "127.0.0.1", port: int = 5000) -> int:
    if not is_loopback(host) and not _has_accounts(home):
        print(f"kb: not serving on {host}: this knowledge base has no accounts, so anyone who can reach "
              f"{host}:{port} could read, change and remove its evidence. Add an administrator first with "
              "`kb user add NAME --role admin` (and accounts for the others), or serve on 127.0.0.1 "
              "for yourself only.", file=sys.stderr)
        return 2
    app = create_app(home)
    state = app.extensions["kb_state"]
    state.notice = lambda message: print(message, file=sys.stderr, flush=True)
    kb = state.kb()          # rebuilds an index that is missing or from another version
    added = load_if_empty(kb)
    if added:
        print(f"Loaded the {added} bundled documents into {state.home}", file=sys.stderr)
    documents = len(state.snapshot().documents)   # built now, so the first page is quick
    state.warm_after_changes = True
    state.warm_search()                            # and the first search, while it starts
    try:
        # Behind a proxy that terminates TLS: its X-Forwarded-Proto makes requests https
        # (so session cookies are Secure), trusted from that address only.
        proxy = os.environ.get("KB_TRUSTED_PROXY")
        behind = {"trusted_proxy": proxy, "trusted_proxy_headers": "x-forwarded-proto"} if proxy else {}
        server = create_server(app, host=host, port=port, threads=THREADS, ident="kb", **behind)
    except OSError as e:
        print(f"kb: cannot listen on {host}:{port}: {e.strerror or e}", file=sys.stderr)
        return 1
    print(f"Serving {documents} documents from {state.home} at http://{host}:{port}/ (Ctrl+C to stop)",
          file=sys.stderr, flush=True)
    if not is_loopback(host):
        print("Accounts are on: everyone signs in. Serve over HTTPS (a proxy in front) so that passwords "
              "and session cookies are not sent in the clear.", file=sys.stderr, flush=True)
    try:
        server.run()
    finally:
        app.extensions["kb_jobs"].shutdown()
        state.close()
    return 0


def _has_accounts(home) -> bool:
    store = Store(resolve_home(home) / DB_NAME)
    try:
        return Accounts(store.db).any()
    finally:
        store.close()
