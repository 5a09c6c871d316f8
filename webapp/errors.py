"""The web app's one error family, and its one handler: a user never sees a traceback or an English message.

Views and the werksessie operations raise a :class:`Fout` (or one of its subclasses) carrying the HTTP status
and a message in Dutch for the user. Every other HTTP error, including an unhandled exception (a 500, logged
with its traceback), gets a fixed Dutch message for its status. Under ``/api/`` (a werksessie's API too) or
for a JSON request the same message comes as JSON in one shape: ``{"fout": {"status": 404, "melding": "..."}}``;
else as the Dutch error page.
"""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

TITELS = {400: "Ongeldige keuze", 403: "Geen toegang", 404: "Niet gevonden", 405: "Niet toegestaan",
          413: "Te groot", 429: "Even wachten", 500: "Er ging iets mis", 503: "Kaart niet beschikbaar"}
MELDINGEN = {
    400: "Het verzoek is niet geldig.",
    404: "Deze pagina bestaat niet.",
    403: "U heeft geen toegang tot deze pagina.",
    405: "Deze pagina kan zo niet worden opgevraagd.",
    413: "Wat u stuurt is te groot. Maak het kleiner (een tekening met minder punten, een kleiner bestand).",
    429: "U stuurt te veel wijzigingen kort na elkaar. Wacht een minuut en probeer het opnieuw.",
    500: "De server kon deze pagina niet maken. De beheerder vindt de oorzaak in het logboek.",
}


class Fout(HTTPException):
    """A request the app refuses: ``status`` to send, ``melding`` in Dutch, the page's ``titel`` (by default
    one per status)."""

    code = 400
    titel: str | None = None

    def __init__(self, melding: str, status: int | None = None, titel: str | None = None):
        super().__init__(description=melding)
        if status is not None:
            self.code = status
        if titel is not None:
            self.titel = titel

    @property
    def melding(self) -> str:
        return self.description

    @property
    def status(self) -> int:
        return self.code


class InvalidChoice(Fout):
    """A query parameter or form field names something the kaart does not have, or a value out of range (400)."""


class UnknownArea(Fout):
    """A page asks for an area, level or gemeente the kaart does not have (404)."""

    code = 404


class Weigering(Fout):
    """A request a werksessie refuses (400 unless told: 403 no right, 404 unknown, 409 conflict)."""

    titel = "Werksessie"


def antwoord(err: Fout):
    """An error as JSON (under an ``/api/`` path, a werksessie's too, or for a JSON request) or as a Dutch page."""
    titel = err.titel or TITELS.get(err.code, "Er ging iets mis")
    if "/api/" in request.path or request.is_json:
        return jsonify({"fout": {"status": err.code, "melding": err.melding}}), err.code
    return render_template("fout.html", titel=titel, melding=err.melding, code=err.code), err.code


def _http(err: HTTPException):
    if isinstance(err, Fout):
        return antwoord(err)
    code = err.code or 500
    return antwoord(Fout(MELDINGEN.get(code, "Er ging iets mis."), code))


def register(app: Flask) -> None:
    """Show every HTTP error of ``app`` as a Dutch page (or JSON, see :func:`antwoord`)."""
    app.register_error_handler(HTTPException, _http)
