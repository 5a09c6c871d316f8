"""The checks on every field a werksessie stores, shared by the API and the import.

A browser sends JSON and an import file carries the same fields; both go
through these functions, so an import is exactly as strict as the page: the
same types, lengths, choices, finite numbers and dates, and the same Dutch
message naming the field and the fix. Text with a NUL character or half a
UTF-16 pair is refused: the database and the GeoPackage export would cut or
refuse it later, far from where it came in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from math import isfinite

from kaart.getallen import getal, lees_getal
from webapp.errors import Weigering

GROOTSTE_ID = 2**63 - 1
"""The largest id a database row can have (SQLite and PostgreSQL bigint): a larger one names nothing."""

_ONLEESBAAR = re.compile("[\x00\ud800-\udfff]")


def tekst(waarde: object, veld: str, maximum: int, *, verplicht: bool = False, leeg: str = "") -> str:
    """``waarde`` as stripped text of at most ``maximum`` characters, else a Weigering naming ``veld``.

    ``leeg`` is the message when a required text is empty (else a general one)."""
    if waarde is None and not verplicht:
        return ""
    if not isinstance(waarde, str):
        raise Weigering(f"Het veld ‘{veld}’ moet tekst zijn.")
    if _ONLEESBAAR.search(waarde):
        raise Weigering(f"Het veld ‘{veld}’ bevat een onleesbaar teken. Typ de tekst opnieuw of plak hem als "
                        "gewone tekst.")
    waarde = waarde.strip()
    if verplicht and not waarde:
        raise Weigering(leeg or f"Vul het veld ‘{veld}’ in.")
    if len(waarde) > maximum:
        raise Weigering(f"Het veld ‘{veld}’ is {getal(len(waarde))} tekens; houd het bij {getal(maximum)}.")
    return waarde


def keuze(waarde: object, opties: Mapping[str, str], melding: str) -> str:
    """``waarde`` when it is one of ``opties`` (codes), else a Weigering with ``melding`` and the choices."""
    if not isinstance(waarde, str) or waarde not in opties:
        raise Weigering(f"{melding}: {', '.join(v.lower() for v in opties.values())}.")
    return waarde


def heel(waarde: object, veld: str, laagste: int, hoogste: int) -> int:
    """A whole number from ``laagste`` to ``hoogste`` (JSON number, or text of digits from a form)."""
    if isinstance(waarde, str) and re.fullmatch(r"\s*-?\d{1,12}\s*", waarde):
        waarde = int(waarde)
    if not isinstance(waarde, int) or isinstance(waarde, bool) or not laagste <= waarde <= hoogste:
        raise Weigering(f"Het veld ‘{veld}’ moet een heel getal van {getal(laagste)} tot {getal(hoogste)} zijn.")
    return waarde


def getal_of_niets(waarde: object, veld: str) -> float | None:
    """A finite number (a JSON number or Dutch/plain text such as ``18,5``), None when empty."""
    if waarde is None or waarde == "":
        return None
    if isinstance(waarde, bool):
        raise Weigering(f"Het veld ‘{veld}’ moet een getal zijn.")
    if isinstance(waarde, int | float):
        getalwaarde = float(waarde) if abs(waarde) < 1e300 else float("inf")
    elif isinstance(waarde, str) and len(waarde) <= 40:
        try:
            getalwaarde = lees_getal(waarde)
        except ValueError:
            raise Weigering(f"‘{waarde}’ is geen getal ({veld}).") from None
    else:
        raise Weigering(f"Het veld ‘{veld}’ moet een getal zijn.")
    if not isfinite(getalwaarde):
        raise Weigering(f"Het veld ‘{veld}’ is geen eindig getal. Geef een gewoon getal, zoals 18,5.")
    return getalwaarde


def dag(waarde: object, veld: str) -> date:
    """A date as the browser's date field sends it (``2027-03-01``)."""
    return _iso(waarde, date.fromisoformat, f"Geef bij ‘{veld}’ een datum.")


def tijdstip(waarde: object, veld: str) -> datetime:
    """A moment as an export writes it."""
    if isinstance(waarde, datetime):
        return waarde
    return _iso(waarde, datetime.fromisoformat, f"Het veld ‘{veld}’ is geen tijdstip.")


def _iso(waarde: object, lees, melding: str):
    if isinstance(waarde, str) and len(waarde) <= 40:
        try:
            return lees(waarde)
        except ValueError:
            pass
    raise Weigering(melding)


def rij_id(waarde: object) -> int | None:
    """An id as a database row can have it, else None (names nothing)."""
    if isinstance(waarde, float) and waarde.is_integer():
        waarde = int(waarde)
    if isinstance(waarde, str) and waarde.isdigit() and len(waarde) <= 19:
        waarde = int(waarde)
    if isinstance(waarde, int) and not isinstance(waarde, bool) and 0 < waarde <= GROOTSTE_ID:
        return waarde
    return None
