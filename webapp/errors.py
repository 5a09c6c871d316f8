"""HTTP errors as Dutch pages: a user never sees a traceback or an English message.

Views raise :class:`InvalidChoice` (a 400) with a message in Dutch for the
user; every other HTTP error, including an unhandled exception (a 500, logged
with its traceback), gets a fixed Dutch message for its status.
"""

from __future__ import annotations

from flask import Flask, render_template
from werkzeug.exceptions import BadRequest, HTTPException

TITELS = {400: "Ongeldige keuze", 404: "Niet gevonden", 405: "Niet toegestaan", 500: "Er ging iets mis"}
MELDINGEN = {
    400: "Het verzoek is niet geldig.",
    404: "Deze pagina bestaat niet.",
    405: "Deze pagina kan zo niet worden opgevraagd.",
    500: "De server kon deze pagina niet maken. De beheerder vindt de oorzaak in het logboek.",
}


class InvalidChoice(BadRequest):
    """A query parameter names something the kaart does not have; ``description`` is Dutch."""


def _page(err: HTTPException):
    code = err.code or 500
    melding = err.description if isinstance(err, InvalidChoice) else MELDINGEN.get(code, "Er ging iets mis.")
    return render_template("fout.html", titel=TITELS.get(code, "Er ging iets mis"), melding=melding,
                           code=code), code


def register(app: Flask) -> None:
    """Show every HTTP error of ``app`` as a Dutch page."""
    app.register_error_handler(HTTPException, _page)
