"""Profielen: the preset weightings of the indicators into one drukpuntscore, and a user's own weights.

Why its own module: every page that shows a score, the analysis that computes it and the year of each
figure (``kaart.figuurjaren``, a score is as old as the oldest figure it weighs) read the same profiles;
kept apart from the analysis, none of them has to import the analysis (and PySAL) to know a weight.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kaart import definities
from kaart.errors import DefinitieError, InputError
from kaart.getallen import kort, lees_getal
from kaart.indicatoren import catalogus

PROFIELEN = definities.MAP / "profielen.toml"
STANDAARDPROFIEL = "algemeen"
HOOGSTE_GEWICHT = 100
"""The highest weight a user can give one indicator: enough to let it outweigh all others, a bound to a typo."""


@dataclass(frozen=True)
class Profiel:
    """A preset weighting of indicators for a common question."""

    naam: str
    label: str
    uitleg: str
    gewichten: dict[str, float]


@cache
def profielen(path: Path = PROFIELEN) -> dict[str, Profiel]:
    """Read and check the profiles (cached)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    cat = catalogus()
    result = {}
    for naam, spec in data["profiel"].items():
        unknown = [i for i in spec["gewichten"] if i not in cat.indicatoren]
        neutral = [i for i in spec["gewichten"] if i in cat.indicatoren and not cat[i].telt_mee]
        if unknown or neutral:
            fout = "; ".join([*([f"onbekende indicatoren {', '.join(unknown)}"] if unknown else []),
                              *([f"neutrale indicatoren {', '.join(neutral)}"] if neutral else [])])
            raise DefinitieError(path, f"profiel {naam}", f"{fout} in de gewichten.",
                                 "Weeg alleen indicatoren die in een drukpuntscore meetellen (zie indicatoren.toml).")
        result[naam] = Profiel(naam, spec["label"], spec.get("uitleg", ""),
                               {k: float(v) for k, v in spec["gewichten"].items()})
    return result


def profiel(naam: str | None, gewichten: dict[str, float] | None = None) -> Profiel:
    """A profile by name, its weights changed or extended by ``gewichten`` (user-set weights).

    An unknown name, an unknown or neutral indicator, or a weight outside 0 to
    :data:`HOOGSTE_GEWICHT` is an InputError (in Dutch) naming what there is to choose from.
    """
    alle = profielen()
    naam = naam or STANDAARDPROFIEL
    if naam not in alle:
        raise InputError(f"Het profiel ‘{naam}’ bestaat niet.", f"Kies uit: {', '.join(alle)}.", parameter="profiel")
    if not gewichten:
        return alle[naam]
    cat = catalogus()
    scoring = [i.id for i in cat if i.telt_mee]
    for ind_id, gewicht in gewichten.items():
        if ind_id not in scoring:
            soort = ("is context (neutraal) en weegt nooit mee in een drukpuntscore" if ind_id in cat.indicatoren
                     else "is geen indicator die in een drukpuntscore kan meewegen")
            raise InputError(f"‘{ind_id}’ {soort}.", f"Geef een gewicht aan een van: {', '.join(scoring)}.",
                             parameter="gewicht")
        if not 0 <= gewicht <= HOOGSTE_GEWICHT:
            raise InputError(f"Het gewicht van ‘{ind_id}’ is {kort(gewicht)}.",
                             f"Geef een getal van 0 tot en met {HOOGSTE_GEWICHT}.", parameter="gewicht")
    basis = alle[naam]
    merged = {k: v for k, v in {**basis.gewichten, **gewichten}.items() if v > 0}
    if not merged:
        raise InputError("Alle gewichten zijn 0.", "Geef minstens één indicator een gewicht boven 0.",
                         parameter="gewicht")
    aangepast = "; ".join(f"{cat[k].label} weegt {kort(v)}" for k, v in gewichten.items())
    return Profiel(naam, f"{basis.label}, met eigen gewichten",
                   f"Eigen gewichten (de andere zoals in het profiel): {aangepast}.", merged)


def lees_gewicht(ind_id: str, tekst: str) -> float:
    """A weight as a user types it (``2,5`` or ``2.5``; empty is 0); an InputError when it is no number.

    The range is checked by :func:`profiel`, with every other rule for weights.
    """
    if not tekst.strip():
        return 0.0
    try:
        return lees_getal(tekst)
    except ValueError:
        raise InputError(f"Het gewicht van ‘{ind_id}’ is ‘{tekst}’, geen getal.",
                         f"Geef een getal van 0 tot en met {HOOGSTE_GEWICHT}.", parameter="gewicht") from None
