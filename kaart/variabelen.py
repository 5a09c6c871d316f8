"""Everything a kaart can show per area, with its Dutch label, unit and group.

Three kinds of column live in a kaart's level layers: the canonical KWB
statistics (``kolommen.toml``), the drukpunt indicators (``ind_<id>``, from
``kaart/definities/indicatoren.toml``) and the scores the analysis adds. The web app,
exports and the CLI name them all through this one catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from kaart.categorieen import kolomdefinities
from kaart.indicatoren import Catalogus, catalogus
from kaart.kolommen import schema

KERNCIJFERS = "Kerncijfers (CBS)"
DRUKPUNTEN = "Drukpunten"
VOORZIENINGEN = "Voorzieningen (voorzieningenlaag)"


@dataclass(frozen=True)
class Variabele:
    """A column that can be mapped: name, Dutch label, unit and the group it is listed under."""

    naam: str
    label: str
    eenheid: str
    groep: str
    uitleg: str = ""
    uit_voorzieningenlaag: bool = False
    """Computed from the kaart's facility layer rather than from CBS: its source line differs."""


@lru_cache(maxsize=8)
def variabelen(cat: Catalogus | None = None) -> dict[str, Variabele]:
    """All mappable columns, scores first, then indicators per theme, then the KWB statistics and facility counts.

    ``cat`` is the indicator catalogue to name them by: a kaart's own (``Kaart.catalogus``, what the web app
    shows), or by default today's definitions.
    """
    cat = catalogus() if cat is None else cat
    uit_voorzieningen = kolomdefinities()
    result = {"drukpuntscore": Variabele("drukpuntscore", "Drukpuntscore", "score", DRUKPUNTEN,
                                         "Gewogen robuuste z-score van de drukpuntindicatoren: 0 is het "
                                         "midden van de regio, 1 of hoger is een drukpunt."),
              "kans_drukpunt": Variabele("kans_drukpunt", "Kans op drukpunt bij andere gewichten", "aandeel",
                                         DRUKPUNTEN, "Aandeel van 200 variaties van de gewichten (±50%) "
                                         "waarin het gebied een drukpunt is.")}
    for thema, label in cat.themas.items():
        result[f"thema_{thema}"] = Variabele(f"thema_{thema}", f"Themascore {label.lower()}", "score", DRUKPUNTEN)
    for thema, label in cat.themas.items():
        for ind in cat:
            if ind.thema == thema:
                result[ind.kolom] = Variabele(ind.kolom, ind.label, ind.eenheid, f"Indicatoren: {label.lower()}",
                                              ind.uitleg, any(c in uit_voorzieningen for c in ind.bronnen()))
    for kolom in schema().kolommen.values():
        if kolom.naam in uit_voorzieningen:
            result[kolom.naam] = Variabele(kolom.naam, kolom.label, kolom.eenheid, VOORZIENINGEN,
                                           uit_voorzieningenlaag=True)
        else:
            result[kolom.naam] = Variabele(kolom.naam, kolom.label, kolom.eenheid, KERNCIJFERS)
    return result


def kaartbaar(frame: pd.DataFrame, cat: Catalogus | None = None) -> list[str]:
    """The catalogued numeric columns of a level that have at least one value, in catalogue order
    (``cat`` as for :func:`variabelen`)."""
    return [naam for naam in variabelen(cat)
            if naam in frame.columns and pd.api.types.is_numeric_dtype(frame[naam]) and frame[naam].notna().any()]


def keuzelijst(frame: pd.DataFrame, cat: Catalogus | None = None) -> list[str]:
    """The mappable columns a person chooses from, each quantity once (``cat`` as for :func:`variabelen`).

    A KWB statistic that an indicator shows as it is (its ``waarde`` or ``percentage``) is left out for
    the indicator, and of two columns with the same label only the first (in catalogue order: scores,
    indicators, statistics) stays. The others can still be mapped by name, as links and the API do.
    """
    cat = catalogus() if cat is None else cat
    namen = kaartbaar(frame, cat)
    zelfde = {bron for ind in cat if ind.kolom in namen for bron in (ind.waarde, ind.percentage) if bron}
    labels = variabelen(cat)
    gezien: set[str] = set()
    result = []
    for naam in namen:
        label = labels[naam].label.casefold()
        if naam in zelfde or label in gezien:
            continue
        gezien.add(label)
        result.append(naam)
    return result
