"""The deployment's organisation code: who may start werksessies and inrichtingsplannen.

When ``WERKSESSIE_ORGANISATIECODE`` is set, creating and importing a werksessie or a plan need that code
(compared in constant time): not everyone who reaches the app may start one. The forms ask for it only
then (``templates/_organisatiecode.html``).
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request

from webapp.errors import Weigering


def gevraagd() -> bool:
    """Whether this deployment asks for the code."""
    return bool(current_app.config.get("WERKSESSIE_ORGANISATIECODE"))


def vereis() -> None:
    """A Weigering (403) when the code is asked for and the posted form lacks it or has another."""
    code = current_app.config.get("WERKSESSIE_ORGANISATIECODE")
    if not code:
        return
    gegeven = request.form.get("organisatiecode", "")
    if not hmac.compare_digest(hashlib.sha256(gegeven.encode()).digest(), hashlib.sha256(str(code).encode()).digest()):
        raise Weigering("De organisatiecode ontbreekt of klopt niet. Vraag de beheerder van deze kaart om de code.",
                        403)
