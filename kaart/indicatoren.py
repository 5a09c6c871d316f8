"""Drukpunt indicators: read their definitions and compute them for every area.

The definitions are data (``kaart/definities/indicatoren.toml``): each indicator is a
ratio of two counts (or a mean with its weight), so the value at any level is
the summed numerator over the summed denominator, never an average of ratios.
Where a source gives only a percentage, the numerator count is reconstructed
from it and the denominator, and the result says so. Where CBS publishes the
indicator's figure itself for an area (a percentage, a mean, a density), that
figure is never replaced by a ratio of its rounded counts: a mean or density
is CBS's figure, and where CBS suppressed the figure the value stays missing
(see ``kaart.herkomst``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from kaart import definities
from kaart.categorieen import kolomdefinities
from kaart.errors import DefinitieError
from kaart.herkomstkolommen import eigen
from kaart.kolommen import schema

DEFINITIES = definities.MAP / "indicatoren.toml"
RICHTINGEN = ("meer", "minder", "neutraal")
PREFIX = "ind_"
"""Indicator values are stored in the kaart as columns ``ind_<id>``."""
AFGELEID = "afgeleid_uit_percentage"
"""Column listing, per area, the indicators whose numerator was reconstructed from a percentage."""


@dataclass(frozen=True)
class Indicator:
    """One indicator: what it measures, how it is computed and which way means pressure."""

    id: str
    label: str
    thema: str
    noemer: str
    schaal: float
    eenheid: str
    richting: str
    minimum: float
    bron: str
    uitleg: str
    teller: str | None = None
    percentage: str | None = None
    waarde: str | None = None

    @property
    def kolom(self) -> str:
        return PREFIX + self.id

    @property
    def telt_mee(self) -> bool:
        """Whether the indicator can be part of a drukpunt score (neutral ones are context)."""
        return self.richting != "neutraal"

    @property
    def teken(self) -> int:
        """+1 when a higher value means more pressure, -1 when a lower one does."""
        return -1 if self.richting == "minder" else 1

    @property
    def cbs_kolom(self) -> str | None:
        """The canonical column in which CBS publishes this indicator's figure itself, if any:
        its percentage, its mean, or the density of its numerator per km² of land (never for a figure
        of the facility layer)."""
        return _cbs_kolom(self)

    def bronnen(self) -> list[str]:
        """The canonical columns this indicator can be computed from."""
        return [c for c in (self.teller, self.percentage, self.waarde, self.noemer) if c]


@cache
def _cbs_kolom(ind: Indicator) -> str | None:
    if any(c in kolomdefinities() for c in ind.bronnen()):
        return None
    if ind.percentage and ind.schaal == 100:
        return ind.percentage
    if ind.waarde:
        return ind.waarde
    if ind.teller and ind.noemer == "oppervlakte_land_ha" and ind.schaal == 100:
        return next((k.naam for k in schema().kolommen.values() if k.soort == "dichtheid" and k.teller == ind.teller),
                    None)
    return None


@dataclass(frozen=True, eq=False)
class Catalogus:
    """All indicators and the themes they are grouped in (hashed by identity, so results can be cached per
    catalogue: today's definitions or a read kaart's own)."""

    indicatoren: dict[str, Indicator]
    themas: dict[str, str]

    def __iter__(self):
        return iter(self.indicatoren.values())

    def __getitem__(self, key: str) -> Indicator:
        return self.indicatoren[key]


@cache
def catalogus(path: Path = DEFINITIES) -> Catalogus:
    """Read and check the indicator definitions (cached)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    themas = dict(data["thema"])
    known = set(schema().kolommen)
    indicatoren: dict[str, Indicator] = {}
    problems: list[str] = []
    for id_, spec in data["indicator"].items():
        noemer = spec.get("noemer") or spec.get("gewicht")
        ind = Indicator(
            id=id_, label=spec["label"], thema=spec["thema"], noemer=noemer, schaal=float(spec.get("schaal", 1)),
            eenheid=spec.get("eenheid", ""), richting=spec.get("richting", "neutraal"),
            minimum=float(spec.get("minimum", 0)), bron=spec.get("bron", "CBS"), uitleg=spec.get("uitleg", ""),
            teller=spec.get("teller"), percentage=spec.get("percentage"), waarde=spec.get("waarde"),
        )
        if ind.thema not in themas:
            problems.append(f"{id_}: onbekend thema ‘{ind.thema}’")
        if ind.richting not in RICHTINGEN:
            problems.append(f"{id_}: richting moet een van {', '.join(RICHTINGEN)} zijn")
        if not noemer or not (ind.teller or ind.percentage or ind.waarde):
            problems.append(f"{id_}: heeft een noemer met teller of percentage nodig, of een waarde met gewicht")
        problems += [f"{id_}: onbekende kolom ‘{c}’" for c in ind.bronnen() if c not in known]
        indicatoren[id_] = ind
    if problems:
        raise DefinitieError(path, "indicator", "; ".join(problems) + ".",
                             "Herstel de genoemde indicatoren; een kolom moet in kolommen.toml staan.")
    return Catalogus(indicatoren=indicatoren, themas=themas)


DEFINITIEVELDEN = ("label", "thema", "teller", "percentage", "waarde", "noemer", "schaal", "eenheid", "richting",
                   "minimum", "bron", "uitleg")
"""What a kaart's ``indicatoren`` table records of each indicator's definition, so the kaart describes itself."""


def definitietabel(cat: Catalogus) -> pd.DataFrame:
    """One row per indicator with its definition, as a built kaart stores it beside the availability."""
    return pd.DataFrame([{"indicator": i.id, **{veld: getattr(i, veld) for veld in DEFINITIEVELDEN}} for i in cat],
                        columns=["indicator", *DEFINITIEVELDEN])


def uit_kaart(tabel: pd.DataFrame | None, themas: dict[str, str]) -> Catalogus:
    """The catalogue a kaart was built with, from its ``indicatoren`` table and its themes (metadata ``themas``).

    The web app shows a kaart with these, not with today's ``kaart/definities/indicatoren.toml``: a kaart built under
    older definitions keeps its own labels, and an indicator removed since still shows. No table (a kaart
    without the drukpunt analysis): no indicators.
    """
    if tabel is None or tabel.empty:
        return Catalogus(indicatoren={}, themas=dict(themas))
    indicatoren = {}
    for rij in tabel.drop_duplicates("indicator").itertuples(index=False):
        velden = {veld: getattr(rij, veld) for veld in DEFINITIEVELDEN}
        velden = {k: None if v is None or (isinstance(v, float) and np.isnan(v)) else v for k, v in velden.items()}
        indicatoren[rij.indicator] = Indicator(
            id=rij.indicator, **{**velden, "schaal": float(velden["schaal"]), "minimum": float(velden["minimum"]),
                                 "eenheid": velden["eenheid"] or "", "uitleg": velden["uitleg"] or ""})
    return Catalogus(indicatoren=indicatoren, themas=dict(themas))


def teller_noemer(frame: pd.DataFrame, ind: Indicator) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Numerator and denominator counts of an indicator for each row.

    Where the numerator count is missing but a percentage is known, the count
    is reconstructed from it. (A summed level never has such a percentage where
    the count's sum is suppressed: see ``kaart.gebieden.aggregate``.)

    Returns
    -------
    (teller, noemer, gereconstrueerd)
        Counts as floats (NA where unknown) and, per row, whether the numerator
        was reconstructed from a percentage.
    """
    nan = pd.Series(np.nan, index=frame.index)
    noemer = frame[ind.noemer].astype(float) if ind.noemer in frame else nan
    if ind.waarde:
        waarde = frame[ind.waarde].astype(float) if ind.waarde in frame else nan
        return waarde * noemer, noemer, pd.Series(False, index=frame.index)
    teller = frame[ind.teller].astype(float) if ind.teller in frame else nan
    gereconstrueerd = pd.Series(False, index=frame.index)
    if ind.percentage in frame:
        uit_percentage = frame[ind.percentage].astype(float) * noemer / 100
        gereconstrueerd = teller.isna() & uit_percentage.notna()
        teller = teller.fillna(uit_percentage)
    return teller, noemer, gereconstrueerd


def waarden(frame: pd.DataFrame, cat: Catalogus | None = None) -> pd.DataFrame:
    """The value of every indicator for every row of a level.

    A value is missing where its numerator or denominator is, and suppressed
    (missing) where the denominator is below the indicator's minimum. Where the
    area's row carries CBS's own figure of the indicator (``Indicator.cbs_kolom``),
    the value is missing where CBS suppressed that figure; a mean or density is
    CBS's figure itself, a share the ratio of the counts when the area has them
    (CBS's percentages are rounded to whole numbers) and else CBS's percentage.
    """
    cat = cat or catalogus()
    out = pd.DataFrame(index=frame.index)
    for ind in cat:
        teller, noemer, _ = teller_noemer(frame, ind)
        minimum = max(ind.minimum, np.finfo(float).tiny)
        value = (teller / noemer.where(noemer >= minimum) * ind.schaal).round(2)
        cbs = ind.cbs_kolom
        if cbs is not None and cbs in frame:
            own = eigen(frame, cbs)
            cbs_value = frame[cbs].astype(float)
            value = value.mask(own & cbs_value.isna())  # CBS suppressed it here: no ratio of its counts instead
            if cbs != ind.percentage:  # a mean or density: CBS's exact figure, not one of rounded counts
                value = value.where(~own, cbs_value.where(~(noemer < minimum)))
        out[ind.kolom] = value
    return out


def afgeleid_uit_percentage(frame: pd.DataFrame, cat: Catalogus | None = None) -> pd.Series:
    """Per row, the ids of the indicators whose value rests on a count reconstructed from a percentage
    (comma-separated, "" for none), so every page and table can say so."""
    cat = cat or catalogus()
    ids = [(ind.id, teller_noemer(frame, ind)[2]) for ind in cat if ind.percentage]
    return pd.Series([", ".join(i for i, flag in ids if flag.iat[r]) for r in range(len(frame))],
                     index=frame.index, dtype="object")


def beschikbaarheid(gebieden: dict[str, pd.DataFrame], cat: Catalogus | None = None) -> pd.DataFrame:
    """Per indicator and level: available (with how many areas), suppressed, or not in the source.

    So a user sees at once which indicators a year's data can carry, instead of an empty map.
    """
    cat = cat or catalogus()
    rows = []
    for ind in cat:
        for niveau, frame in gebieden.items():
            if ind.kolom in frame:
                n = int(frame[ind.kolom].notna().sum())
            else:
                n = int(waarden(frame, Catalogus({ind.id: ind}, cat.themas))[ind.kolom].notna().sum())
            needed = [c for c in ([ind.waarde] if ind.waarde else [ind.teller, ind.percentage]) if c]
            if ind.noemer not in frame or not any(c in frame for c in needed):
                status = "niet in de bron"
            elif n == 0:
                status = "onderdrukt of leeg"
            else:
                status = "beschikbaar"
            rows.append({"indicator": ind.id, "label": ind.label, "thema": ind.thema, "niveau": niveau,
                         "status": status, "gebieden_met_waarde": n, "gebieden": len(frame)})
    return pd.DataFrame(rows)
