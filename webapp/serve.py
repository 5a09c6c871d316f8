"""Run the web app for one built kaart: waitress by default, Flask's dev server on request."""

from __future__ import annotations

import os

import waitress

from webapp import create_app


def serve(kaart_pad: str | os.PathLike, host: str = "127.0.0.1", port: int = 5000, dev: bool = False) -> None:
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

    Raises
    ------
    kaart.errors.InputError
        When the kaart is missing, not a kaart, or of another format version (before anything listens).
    """
    app = create_app({"KAART_PAD": os.fspath(kaart_pad)})
    if app.config.get("KAART_FOUT"):
        raise app.config["KAART_FOUT"]
    if dev:
        app.run(host=host, port=port, debug=True)
    else:
        waitress.serve(app, host=host, port=port)
