"""An indicator's course over the years on the gebiedsprofiel: a small line chart with its numbers.

A profile is read on a phone, printed and sent as a PDF, so the chart is static SVG drawn on the server
(as ``webapp.gebiedskaart``), with the numbers beside it in a table: the chart shows the direction,
the table the figures, each year's value marked where it is estimated or summed rather than CBS's own.
The area's line is drawn with its gemeente's, the region's and the Netherlands' (``kaart.referentiereeksen``)
over the same years. Each line has an Okabe-Ito colour (told apart with any colour vision) and a dash pattern
and width of its own (told apart in black and white, on paper); the table's column heads show each line's
sample, so they are the legend. Shown only when the kaart holds more than one year (``kaart.reeksen``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from markupsafe import Markup, escape

from kaart.getallen import weergave
from kaart.reeksen import OFFICIEEL

BREEDTE, HOOGTE, RAND, ONDER = 240, 84, 6, 12
"""The chart's size in SVG units, its inner margin, and the strip under it for the first and last year."""


@dataclass(frozen=True)
class Lijn:
    """How one reference's line is drawn, and its pattern in words (for a screen reader)."""

    kleur: str
    dikte: float
    streep: str | None
    naam: str

    def attributen(self) -> str:
        streep = f' stroke-dasharray="{self.streep}" stroke-linecap="round"' if self.streep else ""
        return f'stroke="{self.kleur}" stroke-width="{self.dikte}"{streep}'


LIJNEN = {
    "gebied": Lijn("#0072B2", 2.5, None, "doorgetrokken lijn"),            # blue
    "gemeente": Lijn("#D55E00", 1.75, "6 3", "gestreepte lijn"),           # vermilion
    "regio": Lijn("#009E73", 2, "0.5 3.5", "gestippelde lijn"),            # bluish green, round dots
    "nederland": Lijn("#000000", 1.25, "9 3 1.5 3", "streep-stippellijn"),  # black
}
"""Per reference its line, in the order the table lists them (the area's line is drawn last, on top)."""


@dataclass(frozen=True)
class Verloop:
    """The chart, and per year the texts of each reference (empty where a year has no figure)."""

    svg: Markup
    jaren: list[int]
    rijen: dict[str, list[tuple[str, str | None]]]
    """Per reference ("gebied", "gemeente", "regio", "nederland") a (text, status when not official) per year."""
    stalen: dict[str, Markup]
    """Per reference a sample of its line, for the table's column head (the chart's legend)."""


def _status(status: str) -> str | None:
    """How a year's value was made, as the table says it ("geschat, grenswijziging"); None for CBS's own."""
    return None if status == OFFICIEEL else str(status).replace(" (", ", ").removesuffix(")")


def staal(ref: str) -> Markup:
    """A short piece of the reference's line, named for a screen reader."""
    lijn = LIJNEN[ref]
    return Markup(f'<svg class="lijnstaal" viewBox="0 0 28 8" width="28" height="8" role="img" '
                  f'aria-label="{lijn.naam}" xmlns="http://www.w3.org/2000/svg"><line x1="1" y1="4" x2="27" '
                  f'y2="4" {lijn.attributen()}/></svg>')


def verloop(reeksen: dict[str, pd.DataFrame], eenheid: str, label: str) -> Verloop | None:
    """The course of one indicator for the references that have a series (``reeksen``: per reference the
    frame of ``kaart.reeksen.van_gebied``); None when the area itself has fewer than two years: its
    references' course alone is not the area's."""
    if len(reeksen.get("gebied", ())) < 2:
        return None
    reeksen = {ref: reeksen[ref] for ref in LIJNEN if ref in reeksen and len(reeksen[ref])}
    jaren = sorted({int(j) for r in reeksen.values() for j in r.index})
    waarden = [float(v) for r in reeksen.values() for v in r["waarde"]]
    laag, hoog = min(waarden), max(waarden)
    bereik = (hoog - laag) or 1.0
    onderkant = HOOGTE - ONDER

    def punt(jaar: int, waarde: float) -> tuple[float, float]:
        x = RAND + (jaar - jaren[0]) / (jaren[-1] - jaren[0]) * (BREEDTE - 2 * RAND)
        return x, onderkant - RAND - (waarde - laag) / bereik * (onderkant - 2 * RAND)

    delen = [f'<svg class="verloop" viewBox="0 0 {BREEDTE} {HOOGTE}" width="{BREEDTE}" height="{HOOGTE}" '
             f'role="img" aria-label="Verloop van {escape(label)}, {jaren[0]} tot {jaren[-1]}" '
             'xmlns="http://www.w3.org/2000/svg">',
             f'<line x1="0" y1="{onderkant}" x2="{BREEDTE}" y2="{onderkant}" stroke="#bbb" stroke-width="1"/>',
             f'<text x="{RAND}" y="{HOOGTE - 2}" font-size="10" fill="#444">{jaren[0]}</text>',
             f'<text x="{BREEDTE - RAND}" y="{HOOGTE - 2}" font-size="10" fill="#444" text-anchor="end">'
             f'{jaren[-1]}</text>']
    rijen = {}
    for ref in reversed(list(reeksen)):  # the area's line last: on top of its references
        reeks, lijn = reeksen[ref], LIJNEN[ref]
        punten = " ".join("{:.1f},{:.1f}".format(*punt(int(j), float(v))) for j, v in reeks["waarde"].items())
        delen.append(f'<polyline class="{ref}" points="{punten}" fill="none" {lijn.attributen()}/>')
        for j, r in reeks.iterrows():
            if r.status != OFFICIEEL:  # an estimated or summed year is an open dot: not CBS's own figure
                x, y = punt(int(j), float(r.waarde))
                delen.append(f'<circle class="{ref}" cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#fff" '
                             f'stroke="{lijn.kleur}" stroke-width="1.5"/>')
    for ref, reeks in reeksen.items():
        rijen[ref] = [(weergave(reeks.at[j, "waarde"], eenheid, label), _status(reeks.at[j, "status"]))
                      if j in reeks.index else ("", None) for j in jaren]
    delen.append("</svg>")
    return Verloop(svg=Markup("".join(delen)), jaren=jaren, rijen=rijen, stalen={ref: staal(ref) for ref in rijen})
