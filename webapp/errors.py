"""HTTP errors as Dutch pages: a user never sees a traceback or an English message.

Views raise :class:`InvalidChoice` (a 400) or ``webapp.api.ApiError`` with a
message in Dutch for the user; every other HTTP error, including an unhandled
exception (a 500, logged with its traceback), gets a fixed Dutch message for
its status. Under ``/api/`` the same message comes as JSON in one shape:
``{"fout": {"status": 404, "melding": "..."}}``.
"""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import BadRequest, HTTPException, NotFound

TITELS = {400: "Ongeldige keuze", 403: "Geen toegang", 404: "Niet gevonden", 405: "Niet toegestaan",
          413: "Te groot", 429: "Even wachten", 500: "Er ging iets mis"}
MELDINGEN = {
    400: "Het verzoek is niet geldig.",
    404: "Deze pagina bestaat niet.",
    403: "U heeft geen toegang tot deze pagina.",
    405: "Deze pagina kan zo niet worden opgevraagd.",
    413: "Wat u stuurt is te groot. Maak het kleiner (een tekening met minder punten, een kleiner bestand).",
    429: "U stuurt te veel wijzigingen kort na elkaar. Wacht een minuut en probeer het opnieuw.",
    500: "De server kon deze pagina niet maken. De beheerder vindt de oorzaak in het logboek.",
}


class InvalidChoice(BadRequest):
    """A query parameter names something the kaart does not have; ``description`` is Dutch."""


class UnknownArea(NotFound):
    """A page asks for an area code the kaart does not have; ``description`` is Dutch."""


def _page(err: HTTPException):
    from webapp.api import ApiError

    code = err.code or 500
    eigen = isinstance(err, InvalidChoice | UnknownArea | ApiError)  # our own Dutch message, else a fixed one per status
    melding = err.description if eigen else MELDINGEN.get(code, "Er ging iets mis.")
    return antwoord(melding, code, TITELS.get(code, "Er ging iets mis"))


def antwoord(melding: str, code: int, titel: str):
    """An error as JSON (under an ``/api/`` path, a werksessie's too, or for a JSON request) or as a Dutch page."""
    if "/api/" in request.path or request.is_json:
        return jsonify({"fout": {"status": code, "melding": melding}}), code
    return render_template("fout.html", titel=titel, melding=melding, code=code), code


def register(app: Flask) -> None:
    """Show every HTTP error of ``app`` as a Dutch page."""
    app.register_error_handler(HTTPException, _page)
