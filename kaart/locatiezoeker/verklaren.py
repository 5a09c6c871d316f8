"""Why a candidate qualifies or not, in the words a planner uses: a table per candidate, a click, an empty result.

A candidate's explanation is a table a planner can compare with the next
candidate's: per criterion its value, its score and its weight (:func:`tabel`).
The one-line text of an export (:func:`redenen`) and of a click
(:func:`verklaar`) are read from that same table. Every figure is written the
Dutch way (:func:`~kaart.getallen.getal`), distances as ``850 m`` or ``2,4 km``;
the texts reach the web page and the CLI as they are.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from kaart.getallen import getal
from kaart.locatiezoeker.uitkomst import Regel, Uitkomst
from kaart.woonvormen import MAX_AFSTAND_M, Criterium


def geen_tekst(u: Uitkomst) -> str:
    """Why no candidate qualifies: no land, no preference that can be computed, no area big enough, or the
    exclusion that removed the most."""
    eenheid, totaal, over = u.metingen.eenheid, u.gezocht, u.overgebleven
    waar = f"in {u.gemeentenaam}" if u.gemeente else "in de regio"
    if not totaal:
        return f"Geen van de locaties ligt op land {waar}." if not u.is_raster else f"Er is geen land {waar} om te zoeken."
    if over and not np.isfinite(u.score).any():
        return (f"Geen geschikte locaties: na de uitsluitingen blijft {getal(over)} {eenheid} over, "
                "maar geen enkele voorkeur van het profiel kan met de gegevens van deze kaart worden berekend "
                "(zie de meldingen). Importeer de ontbrekende voorzieningen of kies een ander profiel.")
    if over:
        return (f"Geen geschikte locaties {waar}: er blijft {getal(over)} {eenheid} over, maar nergens "
                f"{getal(u.woonvorm.min_oppervlakte_ha, 1)} ha aaneengesloten onder de best scorende plekken van de "
                "regio. Verklein een afstand, kies de hele regio of een ander profiel.")
    toegepast = u.overzicht[u.overzicht["toegepast"]]
    grootste = toegepast.sort_values("uitgesloten", ascending=False).iloc[0]
    return (f"Geen geschikte locaties: alle {getal(totaal)} {eenheid} {waar} vallen af. Het meeste valt af door "
            f"‘{grootste['label']}’: {getal(grootste['uitgesloten'], 0)} {eenheid} "
            f"({getal(100 * grootste['uitgesloten'] / totaal, 0)}%) {_grens(grootste['afstand_m'])}. "
            "Verklein die afstand of kies een ander profiel.")


def tekort_tekst(u: Uitkomst) -> str | None:
    """Why fewer candidates are listed than were asked (None when as many as asked, or none at all)."""
    n = len(u.lijst)
    if not n or n >= u.gevraagd or not u.is_raster:
        return None
    w = u.woonvorm
    waar = f"in {u.gemeentenaam}" if u.gemeente else "in de regio"
    tekst = (f"{'Er is' if n == 1 else 'Er zijn'} {n} {'kandidaat' if n == 1 else 'kandidaten'} {waar}, gevraagd "
             f"waren er {u.gevraagd}: meer aaneengesloten gebieden met een kavel van {getal(w.min_oppervlakte_ha, 1)} ha "
             f"onder de best scorende {getal(100 * w.beste_aandeel, 0)}% van wat in de regio overblijft zijn er niet")
    if w.max_per_gemeente:
        tekst += f", en het profiel noemt er hoogstens {w.max_per_gemeente} per gemeente om te spreiden"
    tekst += ". Verklein een afstand om meer plekken over te houden."
    if u.gemeente:
        tekst += " De scores zijn die van de hele regio: de kandidaten van een gemeente zijn die van de regio."
    return tekst


def afstandstekst(meter: float) -> str:
    """A distance the way a planner says it: 850 m, 2,4 km, meer dan 5 km."""
    if not np.isfinite(meter):
        return f"meer dan {MAX_AFSTAND_M // 1000} km"
    return f"{getal(meter, 0)} m" if meter < 999.5 else f"{getal(meter / 1000, 1)} km"


def _grens(afstand_m: float) -> str:
    return "op of tegen" if afstand_m == 0 else f"binnen {afstandstekst(afstand_m)}"


def _regel_uitsluiting(u: Uitkomst, c: Criterium, leden: np.ndarray, rand: float | None) -> Regel:
    grens = "niet op of tegen" if c.afstand_m == 0 else f"niet binnen {afstandstekst(c.afstand_m)}"
    if c.id not in u.uitgesloten:
        return Regel(c.label, "uitsluiting", "geen gegevens", "telt niet mee", grens)
    afstand = u.metingen.rand[c.kenmerk]
    dichtst = leden[int(np.argmin(afstand.meter[leden]))]
    meter = afstand.meter[dichtst] if rand is None else rand
    waarde = "op of tegen" if meter == 0 else afstandstekst(meter)
    if afstand.naam[dichtst] and np.isfinite(meter):
        waarde += f" ({afstand.naam[dichtst]})"
    valt_af = bool(meter <= c.afstand_m)
    return Regel(c.label, "uitsluiting", waarde, "valt af" if valt_af else "voldoet", grens, valt_af)


def _regel_voorkeur(u: Uitkomst, c: Criterium, leden: np.ndarray) -> Regel:
    m = u.metingen
    gewicht = getal(c.gewicht, 1) if c.gewicht else "0 (telt niet mee)"
    if c.id not in u.waardering:
        return Regel(c.label, "voorkeur", "geen gegevens", "telt niet mee", gewicht)
    v = u.waardering[c.id][leden]
    score = getal(float(np.nanmean(v)), 2) if np.isfinite(v).any() else "–"
    if c.is_afstand:
        afstand = m.midden[c.kenmerk]
        meter = afstand.meter[leden]
        waarde = afstandstekst(float(np.mean(meter)) if np.isfinite(meter).all() else np.inf)
        if afstand.naam[leden[0]] and c.soort == "voorzieningen":
            waarde += f" ({afstand.naam[leden[0]]})"
    else:
        x = m.waarden[c.soort][leden]
        if not np.isfinite(x).any():
            return Regel(c.label, "voorkeur", "onbekend", "telt niet mee", gewicht)
        x = float(np.nanmean(x))
        waarde = getal(x, 2) if c.eenheid == "score" else f"{getal(x, 1)} {c.eenheid}"
    return Regel(c.label, "voorkeur", waarde, score, gewicht)


def tabel(u: Uitkomst, leden, rand: dict[str, float] | None = None) -> list[Regel]:
    """Per criterion of the profile, the value, score and weight of the candidate made of cells (or the site)
    at positions ``leden``: exclusions by the cell nearest the feature, preferences as the mean over the cells.

    ``rand`` gives, per exclusion id, a distance to use instead (the smallest over a plot's cells).
    """
    leden = np.atleast_1d(np.asarray(leden, dtype=np.int64))
    rand = rand or {}
    return ([_regel_uitsluiting(u, c, leden, rand.get(c.id)) for c in u.woonvorm.uitsluitingen]
            + [_regel_voorkeur(u, c, leden) for c in u.woonvorm.voorkeuren])


def redenen(u: Uitkomst, leden, rand: dict[str, float] | None = None) -> str:
    """Why the candidate at positions ``leden`` qualifies, or why it was excluded, as one Dutch sentence."""
    leden = np.atleast_1d(np.asarray(leden, dtype=np.int64))
    if not u.metingen.kandidaten["in_regio"].iat[int(leden[0])]:
        return "Valt af: ligt niet op land in de regio."
    regels = tabel(u, leden, rand)
    weg = [r for r in regels if r.valt_af]
    if weg:
        return "Valt af: " + "; ".join(f"{r.criterium}: {r.waarde}, {r.gewicht}" for r in weg) + "."
    voorkeuren = [f"{r.criterium}: {r.waarde}, score {r.score} × gewicht {r.gewicht}"
                  for r in regels if r.rol == "voorkeur" and r.score != "telt niet mee"]
    return "Voldoet aan alle uitsluitingen." + (f" Voorkeuren: {'; '.join(voorkeuren)}." if voorkeuren else "")


@dataclass(frozen=True)
class Verklaring:
    """Why a clicked place is or is not a candidate: a heading, the verdict and its table."""

    kop: str
    oordeel: str
    regels: tuple[Regel, ...] = ()
    uitleg: str = ""

    @property
    def tekst(self) -> str:
        return f"{self.kop}: {self.oordeel}. {self.uitleg}".strip()

    def als_dict(self) -> dict:
        return {"kop": self.kop, "oordeel": self.oordeel, "tekst": self.tekst,
                "regels": [asdict(r) for r in self.regels]}


def verklaar(u: Uitkomst, x: float, y: float) -> Verklaring:
    """Why the place at RD ``x``, ``y`` is or is not a candidate: for a click on the suitability map."""
    grid = u.metingen.raster
    if grid is None:
        raise ValueError("verklaar works on the grid")
    kolom, rij = int(np.floor((x - grid.x0) / grid.grootte)), int(np.floor((y - grid.y0) / grid.grootte))
    positie = np.searchsorted(grid.cel, rij * grid.nx + kolom) if 0 <= kolom < grid.nx and 0 <= rij < grid.ny else -1
    if positie < 0 or positie >= len(grid.cel) or grid.cel[positie] != rij * grid.nx + kolom:
        return Verklaring("Buiten de regio", "geen kandidaat", uitleg="Deze plek ligt niet op land in de regio.")
    k = u.metingen.kandidaten.iloc[positie]
    score = u.score[positie]
    oordeel = f"score {getal(score, 2)}" if np.isfinite(score) else "geen kandidaat"
    return Verklaring(f"Vierkant {k['id']}, {k['buurtnaam']} ({k['gemeentenaam']})", oordeel,
                      tuple(tabel(u, [positie])), redenen(u, [positie]))
