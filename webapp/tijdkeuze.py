"""Which year a page or the API shows, and since which year a change: the ``jaar`` and ``sinds`` of a query.

One reading for the map page and the API, so both accept and refuse the same years with the same Dutch
message (a 400, never a traceback). ``jaar`` is the year whose figures are shown (the kaart's own, the
newest, when absent); ``sinds`` turns the view into a change map: the difference ``jaar − sinds`` per area
(``kaart.verandering``). Both must be years the kaart holds (``kaart.reeksen.jaren``), ``sinds`` before
``jaar``. :func:`getoond` gives the figures a choice shows, so the page's selects and the API offer the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from kaart import reeksen
from kaart.kaartbestand import Kaart
from kaart.variabelen import kaartbaar, variabelen
from webapp.errors import InvalidChoice
from webapp.staat import staat


@dataclass(frozen=True)
class Tijd:
    """The year shown and, for a change map, the year it is compared with."""

    jaar: int
    sinds: int | None = None

    def is_nu(self, kaart: Kaart) -> bool:
        """Whether this is the kaart's own picture: its own year, no change."""
        return self.jaar == kaart.jaar and self.sinds is None

    @property
    def verandering(self) -> bool:
        return self.sinds is not None


def _jaar(tekst: str, jaren: list[int], wat: str) -> int:
    keuze = f"Kies een van de jaren {', '.join(map(str, jaren))}."
    try:
        jaar = int(tekst.strip())
    except ValueError:
        raise InvalidChoice(f"{wat} ‘{tekst}’ is geen jaartal. {keuze}") from None
    if jaar not in jaren:
        raise InvalidChoice(f"De kaart heeft geen cijfers van {jaar}. {keuze}")
    return jaar


def tijdkeuze(kaart: Kaart, args: Mapping[str, str]) -> Tijd:
    """The ``jaar`` and ``sinds`` of ``args`` (a query), checked against the kaart's years.

    Raises
    ------
    InvalidChoice
        When either is no year, or one the kaart has no figures of, or ``sinds`` is not before ``jaar``.
    """
    jaren = reeksen.jaren(kaart)
    jaar = _jaar(args["jaar"], jaren, "Het jaar") if args.get("jaar", "").strip() else kaart.jaar
    if not args.get("sinds", "").strip():
        return Tijd(jaar)
    if len(jaren) < 2:
        raise InvalidChoice(f"Deze kaart heeft alleen cijfers van {kaart.jaar}: er is geen eerder jaar om mee "
                            "te vergelijken.")
    sinds = _jaar(args["sinds"], jaren, "Het vergelijkingsjaar")
    if sinds >= jaar:
        raise InvalidChoice(f"Het vergelijkingsjaar ({sinds}) moet vóór het getoonde jaar ({jaar}) liggen. "
                            f"Kies een eerder vergelijkingsjaar of een later jaar.")
    return Tijd(jaar, sinds)


def getoond(kaart: Kaart, niveau: str, tijd: Tijd | None) -> pd.DataFrame:
    """The level's areas with the figures the page shows: the kaart's own, or of the year asked; for a change,
    only the figures both years have. The facility layer's figures are today's whatever the year
    (``kaart.reeksen.in_jaar``), so a past year or a change does not show them."""
    if tijd is None or tijd.is_nu(kaart):
        return kaart.gebieden[niveau]
    frame = staat().in_jaar(tijd.jaar).gebieden[niveau]
    toon = set(kaartbaar(frame, kaart.catalogus))
    if tijd.verandering:
        toon &= set(kaartbaar(staat().in_jaar(tijd.sinds).gebieden[niveau], kaart.catalogus))
    vars_ = variabelen(kaart.catalogus)
    toon = {k for k in toon if not vars_[k].uit_voorzieningenlaag}
    return frame[[c for c in frame.columns if c in toon or not pd.api.types.is_numeric_dtype(frame[c])]]
