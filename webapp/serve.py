"""Run the web app for one built kaart: waitress by default, Flask's dev server on request.

A room of sixty: each participant's browser keeps about six connections open
to the server (the page, its scripts, the poll every two seconds), so a
werksessie of sixty holds some 360 sockets, most of them idle between polls.
Waitress's defaults (100 connections, idle ones kept 120 s, 4 threads, select()
with its 1,024-descriptor ceiling) hold about sixteen participants; the
seventeenth waited two minutes for an idle socket to be dropped. The settings
in :data:`SERVERINSTELLINGEN` hold sixty with room to spare on two cores
(measured: ``benchmarks/werksessie.py``).

Behind a reverse proxy (nginx, Apache, a municipal gateway) that ends HTTPS:

- let the proxy listen on 443 and pass to ``kaart serve KAART --host 127.0.0.1``;
- in the instance folder's ``config.py`` set ``KAART_BASIS_URL = "https://kaart.gemeente.nl"``: links
  in werksessies are built from it, never from the request's Host header, cookies get the Secure flag,
  and only that host name is accepted (Flask's ``TRUSTED_HOSTS``);
- the proxy's own limits (connections per client, request size) then protect the room as well: one
  client holding hundreds of idle sockets is the proxy's to refuse.
"""

from __future__ import annotations

import os
import resource
from collections.abc import Callable

import waitress
from flask import Flask

from webapp import create_app

SERVERINSTELLINGEN = {
    "threads": 8,
    "connection_limit": 2000,
    "channel_timeout": 30,
    "cleanup_interval": 10,
    "asyncore_use_poll": True,
}
"""Waitress for a room: 2,000 sockets (poll(), not select()'s 1,024), idle ones dropped after 30 s (a
browser reopens one transparently), 8 threads for the short requests of sixty polling pages."""


def maak_server(app: Flask, host: str = "127.0.0.1", port: int = 5000):
    """A waitress server for ``app`` with the room's settings (also what the tests serve with)."""
    zacht, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    nodig = SERVERINSTELLINGEN["connection_limit"] + 100
    if zacht != resource.RLIM_INFINITY and zacht < nodig:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(nodig, hard) if hard != resource.RLIM_INFINITY else nodig,
                                                    hard))
    return waitress.create_server(app, host=host, port=port, **SERVERINSTELLINGEN)


def serve(kaart_pad: str | os.PathLike, host: str = "127.0.0.1", port: int = 5000, dev: bool = False,
          bij_start: Callable[[], None] | None = None) -> None:
    """Serve ``kaart_pad`` at http://host:port until interrupted.

    Parameters
    ----------
    kaart_pad
        The built kaart (GeoPackage).
    host, port
        Where to listen. The default listens on this machine only.
    dev
        Flask's development server (reloader, debugger) instead of waitress. Never
        expose it: its debugger runs code sent from the browser.
    bij_start
        Called once the app is built and before anything listens (the command's line saying where): the
        kaart is read once, by the app, and a kaart that cannot be served says so before that line.

    Raises
    ------
    kaart.errors.InputError
        When the kaart is missing, not a kaart, or of another format version (before anything listens).
    """
    app = create_app({"KAART_PAD": os.fspath(kaart_pad)})
    if app.config.get("KAART_FOUT"):
        raise app.config["KAART_FOUT"]
    if bij_start is not None:
        bij_start()
    if dev:
        app.run(host=host, port=port, debug=True)
    else:
        maak_server(app, host, port).run()
