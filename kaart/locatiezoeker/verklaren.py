"""Why a candidate qualifies or not, in the words a planner uses: for the list, a click and an empty result.

Every figure is written the Dutch way (:func:`~kaart.getallen.getal`); the
texts reach the web page and the CLI as they are.
"""

from __future__ import annotations

import numpy as np

from kaart.getallen import getal
from kaart.locatiezoeker.uitkomst import Uitkomst
from kaart.woonvormen import MAX_AFSTAND_M


def geen_tekst(u: Uitkomst) -> str:
    """Why no candidate qualifies: no land, no preference that can be computed, no area big enough, or the
    exclusion that removed the most."""
    m = u.metingen
    eenheid, totaal, over = m.eenheid, m.totaal, u.overgebleven
    if not totaal:
        return "Geen van de locaties ligt op land in de regio." if not u.is_raster else "De regio heeft geen land om te zoeken."
    if over and not np.isfinite(u.score).any():
        return (f"Geen geschikte locaties: na de uitsluitingen blijft {getal(over)} {eenheid} over, "
                "maar geen enkele voorkeur van het profiel kan met de gegevens van deze kaart worden berekend "
                "(zie de meldingen). Importeer de ontbrekende voorzieningen of kies een ander profiel.")
    if over:
        return (f"Geen geschikte locaties: er blijft {getal(over)} {eenheid} over, maar nergens "
                f"{getal(u.woonvorm.min_oppervlakte_ha, 1)} ha aaneengesloten. Verklein een afstand of kies een ander profiel.")
    toegepast = u.overzicht[u.overzicht["toegepast"]]
    grootste = toegepast.sort_values("uitgesloten", ascending=False).iloc[0]
    return (f"Geen geschikte locaties: alle {getal(totaal)} {eenheid} vallen af. Het meeste valt af door "
            f"‘{grootste['label']}’: {getal(grootste['uitgesloten'], 0)} {eenheid} "
            f"({grootste['uitgesloten'] / totaal:.0%}) binnen {getal(grootste['afstand_m'], 0)} m. "
            "Verklein die afstand of kies een ander profiel.")


def afstandstekst(meter: float) -> str:
    """A distance the way a planner says it: 850 m, 2,4 km, meer dan 5 km."""
    if not np.isfinite(meter):
        return f"meer dan {MAX_AFSTAND_M // 1000} km"
    return f"{meter:.0f} m" if meter < 1000 else f"{getal(meter / 1000, 1)} km"


def redenen(u: Uitkomst, positie: int, rand: dict[str, float] | None = None) -> str:
    """Why the candidate at ``positie`` qualifies, or why it was excluded, in Dutch.

    ``rand`` gives, per exclusion id, the distance to use instead of the
    candidate's own (for an area of cells: the smallest over its cells).
    """
    m, w = u.metingen, u.woonvorm
    if not m.kandidaten["in_regio"].iat[positie]:
        return "Valt af: ligt niet op land in de regio."
    delen = []
    uitgesloten = False
    for c in w.uitsluitingen:
        if c.id not in u.uitgesloten:
            continue
        afstand = m.rand[c.kenmerk]
        meter = rand[c.id] if rand else afstand.meter[positie]
        naam = afstand.naam[positie]
        waar = f", dichtstbij: {naam}" if naam else ""
        if meter <= c.afstand_m:
            uitgesloten = True
            plaats = "op of tegen" if meter == 0 else f"{afstandstekst(meter)} van"
            delen.insert(0, f"valt af: {plaats} {c.label.lower()} (grens {getal(c.afstand_m, 0)} m{waar})")
        elif c.soort != "water":
            delen.append(f"{afstandstekst(meter)} van {c.label.lower()} (minimaal {getal(c.afstand_m, 0)} m{waar})")
    if uitgesloten:
        return "; ".join(d for d in delen if d.startswith("valt af")).capitalize() + "."
    prefs = []
    for c in w.voorkeuren:
        if c.id not in u.waardering:
            continue
        v = u.waardering[c.id][positie]
        if np.isnan(v):
            prefs.append(f"{c.label.lower()}: onbekend")
            continue
        if c.is_afstand:
            waarde = afstandstekst(m.midden[c.kenmerk].meter[positie])
            naam = m.midden[c.kenmerk].naam[positie]
            waarde += f" ({naam})" if naam and c.soort == "voorzieningen" else ""
        else:
            waarde = getal(m.waarden[c.soort][positie], 2)
        prefs.append(f"{c.label.lower()}: {waarde}, waardering {getal(v, 2)} × gewicht {getal(c.gewicht, 1)}")
    tekst = "Voldoet aan alle uitsluitingen" + (f": {'; '.join(delen)}" if delen else "") + "."
    return tekst + (f" Voorkeuren: {'; '.join(prefs)}." if prefs else "")


def verklaar(u: Uitkomst, x: float, y: float) -> str:
    """Why the place at RD ``x``, ``y`` is or is not a candidate: for a click on the suitability map."""
    grid = u.metingen.raster
    if grid is None:
        raise ValueError("verklaar works on the grid")
    kolom, rij = int(np.floor((x - grid.x0) / grid.grootte)), int(np.floor((y - grid.y0) / grid.grootte))
    positie = np.searchsorted(grid.cel, rij * grid.nx + kolom) if 0 <= kolom < grid.nx and 0 <= rij < grid.ny else -1
    if positie < 0 or positie >= len(grid.cel) or grid.cel[positie] != rij * grid.nx + kolom:
        return "Deze plek ligt niet op land in de regio (of buiten de gekozen gemeente)."
    k = u.metingen.kandidaten.iloc[positie]
    kop = f"Vierkant {k['id']}, {k['buurtnaam']} ({k['gemeentenaam']})"
    score = u.score[positie]
    oordeel = f"score {getal(score, 2)}" if np.isfinite(score) else "geen kandidaat"
    return f"{kop}: {oordeel}. {redenen(u, positie)}"
