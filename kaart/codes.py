"""CBS area codes: recognise, clean and validate them.

CBS codes are the key of everything: ``GM0505`` (gemeente), ``WK050501`` (wijk),
``BU05050101`` (buurt). A wijk code is its gemeente's four digits plus two
characters, a buurt code its wijk's plus two more; since 2024 those characters
can be letters (Amsterdam: ``WK0363AF``, ``BU0363AA01``), so a code is parsed by
position, never as a number. CBS OData pads codes with spaces; files sometimes
give a gemeente as ``505`` or ``0505``. Codes are validated here before they go
into an OData filter, so no user text ever reaches a query unchecked.
"""

from __future__ import annotations

import re

import pandas as pd

from kaart.errors import InputError

NIVEAUS = ("gemeente", "wijk", "buurt")
"""The CBS levels, from coarse to fine."""

PREFIX = {"gemeente": "GM", "wijk": "WK", "buurt": "BU"}
BUITENLAND = "GM0998"
"""CBS's pseudo-gemeente for people registered abroad: no area, no figures, never part of a region or the country."""

_NIVEAU_BY_PREFIX = {v: k for k, v in PREFIX.items()}
_PATTERN = re.compile(r"^(GM\d{4}|WK\d{4}[0-9A-Z]{2}|BU\d{4}[0-9A-Z]{4})$")
"""Gemeente digits, then two characters per finer level: digits, or since 2024 capital letters too."""


def clean(code: object) -> str | None:
    """Strip CBS's space padding and upper-case; ``None`` for empty values."""
    if code is None or (pd.api.types.is_scalar(code) and pd.isna(code)):
        return None
    text = str(code).strip().upper()
    return text or None


def is_valid(code: str | None) -> bool:
    """True for a well-formed gemeente, wijk or buurt code."""
    return isinstance(code, str) and _PATTERN.match(code) is not None


def niveau(code: str) -> str:
    """The level of a valid code: ``"gemeente"``, ``"wijk"`` or ``"buurt"``."""
    return _NIVEAU_BY_PREFIX[code[:2]]


def gemeentecode(code: str) -> str:
    """The gemeente a gemeente, wijk or buurt code belongs to (``BU05050101`` -> ``GM0505``)."""
    return "GM" + code[2:6]


def wijkcode(code: str) -> str | None:
    """The wijk a buurt belongs to (``BU05050101`` -> ``WK050501``); ``None`` above buurt level."""
    return "WK" + code[2:8] if code.startswith("BU") else None


def gemeente(value: object) -> str:
    """Normalise a gemeente code given as ``GM0505``, ``gm0505``, ``0505`` or ``505``.

    Raises
    ------
    InputError
        When the value is not a gemeente code; the message names the expected form.
    """
    text = clean(value) or ""
    if text.isdigit() and len(text) <= 4:
        text = "GM" + text.zfill(4)
    if not re.fullmatch(r"GM\d{4}", text):
        raise InputError(
            f"‘{value}’ is geen CBS-gemeentecode.",
            "Schrijf hem als GM0505 (GM en vier cijfers) of geef de naam van de gemeente.", parameter="gemeente",
        )
    return text


def validate(codes: list[str]) -> list[str]:
    """Check a list of codes against the CBS pattern, collecting every bad one.

    Raises
    ------
    InputError
        Naming every code that does not match, so the user fixes them in one go.
    """
    bad = [c for c in codes if not is_valid(c)]
    if bad:
        raise InputError(
            f"Geen CBS-gebiedscode: {', '.join(f'‘{b}’' for b in bad)}.",
            "Een code ziet eruit als GM0505, WK050501 of BU05050101.",
        )
    return list(codes)
