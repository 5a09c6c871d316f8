"""A real HTTP server (waitress, as in production) around a Flask app, for tests that talk HTTP."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask

from webapp.serve import maak_server


@contextmanager
def running(app: Flask) -> Iterator[str]:
    """Serve ``app`` on a free port of 127.0.0.1 in a background thread, with the production settings;
    yields its base URL."""
    server = maak_server(app, port=0)
    thread = threading.Thread(target=server.run, name="waitress-test", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(timeout=5)
