"""Numbers the way a Dutch reader writes and types them: thousands with dots, a decimal comma (``709.632,31``).

One formatter per kind of figure (a number with decimals, a number as short as it goes, a signed
score, a value with its unit) and one reader for a typed number, for every table, message, page and
export text of the engine, the command and the web app, so a figure reads the same wherever it is
shown and ``2,5`` means the same wherever it is typed.
"""

from __future__ import annotations

from math import isfinite

import pandas as pd

GEEN_GEGEVENS = "geen gegevens"
"""What a page shows for a missing value."""


def _nederlands(tekst: str) -> str:
    """Python's ``1,234.5`` as ``1.234,5``."""
    return tekst.translate(str.maketrans(",.", ".,"))


def getal(x: float, decimalen: int = 0) -> str:
    """``x`` with ``decimalen`` decimals, the Dutch way: ``getal(121434) == "121.434"``, ``getal(2.5, 1) == "2,5"``.

    A Python ``int`` is written exactly, however large (no detour through a float).
    """
    if isinstance(x, int) and not isinstance(x, bool) and decimalen == 0:
        return _nederlands(f"{x:,}")
    return _nederlands(f"{x:,.{decimalen}f}")


def kort(x: float) -> str:
    """A number as short as it goes, for a message: ``0,5``, ``2``, ``1.000.000``; "geen getal" for NaN or infinity."""
    if isinstance(x, int) and not isinstance(x, bool):
        return getal(x)
    if not isfinite(x):
        return "geen getal"
    if float(x).is_integer() and abs(x) < 1e15:
        return getal(int(x))
    return _nederlands(f"{x:,g}")


def met_teken(x: float, decimalen: int = 2) -> str:
    """A score or a change with its sign: ``met_teken(1.234) == "+1,23"``, ``met_teken(-5, 0) == "-5"``."""
    return _nederlands(f"{x:+,.{decimalen}f}")


def met_eenheid(tekst: str, eenheid: str) -> str:
    """A formatted figure with its unit: ``23,5%``, ``klasse 3``, ``2.345 inwoners``, or bare without a unit."""
    if eenheid == "%":
        return f"{tekst}%"
    if eenheid == "klasse":
        return f"klasse {tekst}"
    return f"{tekst} {eenheid}".strip()


def afstand(meter: float) -> str:
    """A distance as a reader says it: ``750 m`` below a kilometre, ``1,2 km`` from there."""
    return f"{getal(meter)} m" if meter < 1000 else f"{getal(meter / 1000, 1)} km"


EURO = {"euro": 1, "x 1.000 euro": 1000, "x 1000 euro": 1000}
"""The money units of the sources, with the factor to whole euros."""


def weergave(value: float | None, eenheid: str, label: str | None = None) -> str:
    """A value of a variable as a page shows it: a share as a whole percentage, a score signed, a distance as
    :func:`afstand` writes it (CBS's km and the facility layer's metres alike: ``900 m``, ``4,9 km``), a
    percentage or a rate always with one decimal (``65,0%`` beside ``25,2%``, the same in every cell of a
    row), a count without decimals when whole, all with the unit (``2.345 inwoners``, ``23,5%``); "geen
    gegevens" when missing. Beside a ``label`` that already names the unit (``Wmo-cliënten per 1.000
    inwoners``) the number stands alone: the unit is not said twice."""
    if value is None or pd.isna(value):
        return GEEN_GEGEVENS
    number = float(value)
    if eenheid == "aandeel":
        return f"{getal(100 * number)}%"
    if eenheid == "score":
        return met_teken(number)
    if eenheid in EURO:  # "€ 200.000", not "200,0 x 1.000 euro"
        return f"€ {getal(number * EURO[eenheid])}"
    if eenheid in ("m", "km"):  # every distance the same way, whatever its source measured it in
        return afstand(number if eenheid == "m" else number * 1000)
    verhouding = eenheid == "%" or "per" in eenheid.split()
    tekst = getal(number, 1 if verhouding or not number.is_integer() else 0)
    if label and eenheid not in ("%", "klasse") and eenheid in label:
        return tekst
    return met_eenheid(tekst, eenheid)


def lees_getal(tekst: str) -> float:
    """A number as a Dutch user types it, ``2,5`` or ``2.5``; a ValueError when it is none."""
    return float(tekst.strip().replace(",", "."))
