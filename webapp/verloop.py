"""An indicator's course over the years on the gebiedsprofiel: a small line chart with its numbers.

A profile is read on a phone, printed and sent as a PDF, so the chart is static SVG drawn on the server
(as ``webapp.gebiedskaart``), with the numbers beside it in a table: the chart shows the direction,
the table the figures, each year's value marked where it is estimated or summed rather than CBS's own.
Shown only when the kaart holds more than one year (``kaart.reeksen``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from markupsafe import Markup, escape

from kaart.getallen import weergave
from kaart.reeksen import OFFICIEEL

BREEDTE, HOOGTE, RAND = 220, 60, 6
"""The chart's size in SVG units and its inner margin."""
LIJN = {"gebied": 'stroke="#154273" stroke-width="2.5"', "gemeente": 'stroke="#8a9bb0" stroke-width="1.5" '
        'stroke-dasharray="4 3"'}


@dataclass(frozen=True)
class Verloop:
    """The chart, and per year the texts of the area and its gemeente (None where a year has no figure)."""

    svg: Markup
    jaren: list[int]
    rijen: dict[str, list[tuple[str, str | None]]]
    """Per reference ("gebied", "gemeente") a (text, status when not official) per year."""


def _status(status: str) -> str | None:
    """How a year's value was made, as the table says it ("geschat, grenswijziging"); None for CBS's own."""
    return None if status == OFFICIEEL else str(status).replace(" (", ", ").removesuffix(")")


def verloop(reeksen: dict[str, pd.DataFrame], eenheid: str, label: str) -> Verloop | None:
    """The course of one indicator for the references that have a series (``reeksen``: per reference the
    frame of ``kaart.reeksen.van_gebied``); None when the area itself has fewer than two years: its
    gemeente's course alone is not the area's."""
    if len(reeksen.get("gebied", ())) < 2:
        return None
    jaren = sorted({int(j) for r in reeksen.values() for j in r.index})
    waarden = [float(v) for r in reeksen.values() for v in r["waarde"]]
    laag, hoog = min(waarden), max(waarden)
    bereik = (hoog - laag) or 1.0

    def punt(jaar: int, waarde: float) -> str:
        x = RAND + (jaar - jaren[0]) / (jaren[-1] - jaren[0]) * (BREEDTE - 2 * RAND)
        y = HOOGTE - RAND - (waarde - laag) / bereik * (HOOGTE - 2 * RAND)
        return f"{x:.1f},{y:.1f}"

    delen = [f'<svg class="verloop" viewBox="0 0 {BREEDTE} {HOOGTE}" width="{BREEDTE}" height="{HOOGTE}" '
             f'role="img" aria-label="Verloop van {escape(label)}, {jaren[0]} tot {jaren[-1]}" '
             'xmlns="http://www.w3.org/2000/svg">']
    rijen = {}
    for ref, reeks in reeksen.items():
        if not len(reeks):
            continue
        punten = " ".join(punt(int(j), float(v)) for j, v in reeks["waarde"].items())
        delen.append(f'<polyline class="{ref}" points="{punten}" fill="none" {LIJN.get(ref, LIJN["gemeente"])}/>')
        for j, r in reeks.iterrows():
            if r.status != OFFICIEEL:  # an estimated or summed year is an open dot: not CBS's own figure
                x, y = punt(int(j), float(r.waarde)).split(",")
                delen.append(f'<circle cx="{x}" cy="{y}" r="3" fill="#fff" stroke="#154273"/>')
        rijen[ref] = [(weergave(reeks.at[j, "waarde"], eenheid, label), _status(reeks.at[j, "status"]))
                      if j in reeks.index else ("", None) for j in jaren]
    delen.append("</svg>")
    return Verloop(svg=Markup("".join(delen)), jaren=jaren, rijen=rijen)
