"""`kb serve`: the app behind waitress, a production WSGI server, on the knowledge base
at `home`, loading the bundled corpus first when the knowledge base is empty."""
from __future__ import annotations

import sys

from waitress import create_server

from kb.corpus import load_if_empty
from web.app import create_app

# Two cores and one interpreter lock: more threads would only queue.
THREADS = 4


def serve(home, host: str = "127.0.0.1", port: int = 5000) -> int:
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
        server = create_server(app, host=host, port=port, threads=THREADS, ident="kb")
    except OSError as e:
        print(f"kb: cannot listen on {host}:{port}: {e.strerror or e}", file=sys.stderr)
        return 1
    print(f"Serving {documents} documents from {state.home} at http://{host}:{port}/ (Ctrl+C to stop)",
          file=sys.stderr, flush=True)
    try:
        server.run()
    finally:
        app.extensions["kb_jobs"].shutdown()
        state.close()
    return 0
