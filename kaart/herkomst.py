"""How a reader is told where a figure comes from: the Dutch label of each value of an area.

Read from the provenance columns (``kaart.herkomstkolommen``) and, for a drukpunt indicator, from its
definition: an indicator is CBS's figure where CBS published it for the area, a figure of the facility
layer is the voorzieningenlaag's, a score is the analysis's. Apart from the provenance columns because
the indicators themselves read those columns (``kaart.indicatoren.waarden``) while these labels read
the indicators.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import pandas as pd

from kaart.categorieen import kolomdefinities
from kaart.herkomstkolommen import KOLOMMEN, OFFICIEEL, OPGETELD, eigen, lijst, tekst
from kaart.indicatoren import PREFIX, catalogus
from kaart.kolommen import schema

CBS = "CBS"
"""The label of a figure as CBS published it."""
VOORZIENINGENLAAG = "voorzieningenlaag"
"""The label of a figure computed from the kaart's facility layer, not from CBS."""
ANALYSE = "berekend in de drukpuntanalyse"
"""The label of a score of the drukpunt analysis."""


def _indicator(kolom: str):
    """The drukpunt indicator stored in ``kolom``, or None."""
    return catalogus().indicatoren.get(kolom[len(PREFIX):]) if kolom.startswith(PREFIX) else None


@cache
def _uit_voorzieningen(ind) -> bool:
    return any(c in kolomdefinities() for c in ind.bronnen())


def _heeft(rij: Mapping | pd.Series, kolom: str) -> bool:
    return kolom in (rij.index if isinstance(rij, pd.Series) else rij)


def _eigen_waarde(rij: Mapping | pd.Series, kolom: str) -> bool:
    return (_heeft(rij, kolom) and pd.notna(rij[kolom]) and rij.get("cijfers", OFFICIEEL) == OFFICIEEL
            and kolom not in lijst(rij.get("opgeteld")) and kolom not in lijst(rij.get("herberekend")))


def label(rij: Mapping | pd.Series, kolom: str) -> str:
    """How a reader is told where the area's value of ``kolom`` comes from, in Dutch.

    ``"CBS"``, ``"opgeteld uit buurten"``, ``"herberekend uit opgetelde buurten"``, for a ratio
    computed from CBS's own figures of the area ``"berekend uit CBS-cijfers"``, for a figure
    of the facility layer ``"voorzieningenlaag"`` and for a score ``"berekend in de drukpuntanalyse"``.
    A drukpunt indicator is CBS's when CBS published its figure for the area
    (``Indicator.cbs_kolom``) and the value is that figure, else recomputed.
    """
    ind = _indicator(kolom)
    eigen_cijfer = False
    if ind is not None and ind.cbs_kolom:
        uit_telling = ind.cbs_kolom == ind.percentage and ind.teller is not None and pd.notna(rij.get(ind.teller))
        eigen_cijfer = _eigen_waarde(rij, ind.cbs_kolom) and not uit_telling
    uit = rij.get("opgeteld_uit")
    return _label(kolom, rij.get("cijfers"), uit if isinstance(uit, str) else None,
                  rij.get("opgeteld") if _heeft(rij, "opgeteld") else None, rij.get("herberekend"), eigen_cijfer)


@cache
def _label(kolom: str, cijfers: str | None, uit: str | None, opgeteld: str | None, herberekend_: str | None,
           eigen_cijfer: bool) -> str:
    """:func:`label` on what it depends on (cached: a level has few distinct combinations)."""
    uit = uit or "onderliggende gebieden"
    herberekend = f"herberekend uit opgetelde {uit}" if cijfers == OPGETELD else "berekend uit CBS-cijfers"
    ind = _indicator(kolom)
    if ind is not None:
        if _uit_voorzieningen(ind):
            return VOORZIENINGENLAAG
        return CBS if eigen_cijfer else herberekend
    kolommen = schema().kolommen
    if kolom not in kolommen:
        return ANALYSE
    if kolom in kolomdefinities():  # once per cached combination
        return VOORZIENINGENLAAG
    if cijfers == OPGETELD and opgeteld is None:  # a row summed elsewhere (the regio): by what the column is
        return f"opgeteld uit {uit}" if kolommen[kolom].soort in ("aantal", "oppervlakte") else herberekend
    if kolom in lijst(opgeteld):
        return f"opgeteld uit {uit}"
    if kolom in lijst(herberekend_):
        return herberekend
    return CBS


def labels(frame: pd.DataFrame, kolommen: list[str]) -> list[dict[str, str]]:
    """Per row of ``frame``, the label of each of ``kolommen`` (see :func:`label`)."""
    nodig = [c for c in dict.fromkeys([*KOLOMMEN, *kolommen, *_bronkolommen(kolommen)]) if c in frame]
    rijen = frame[nodig].astype(object).where(frame[nodig].notna(), None).to_dict("records")
    return [{k: label(r, k) for k in kolommen} for r in rijen]


def _bronkolommen(kolommen: list[str]) -> list[str]:
    """The columns the labels of indicator columns look at (CBS's figure and the count of a share)."""
    result = []
    for kolom in kolommen:
        ind = _indicator(kolom)
        if ind is not None:
            result += [c for c in (ind.cbs_kolom, ind.teller) if c]
    return result


def met_indicatoren(frame: pd.DataFrame) -> pd.Series:
    """The ``herberekend`` cells of a level with its recomputed drukpunt indicators added (those with a
    value that is not CBS's own figure; facility-layer indicators are not CBS figures and are left out)."""
    extra = pd.DataFrame(index=frame.index)
    for ind in catalogus():
        if ind.kolom not in frame or _uit_voorzieningen(ind):
            continue
        cbs = ind.cbs_kolom
        own = eigen(frame, cbs) & frame[cbs].notna() if cbs in frame else pd.Series(False, index=frame.index)
        if cbs == ind.percentage and ind.teller in frame:
            own &= frame[ind.teller].isna()  # a share of the area's counts, not CBS's rounded percentage
        extra[ind.kolom] = frame[ind.kolom].notna() & ~own
    bestaand = frame["herberekend"] if "herberekend" in frame else pd.Series("", index=frame.index)
    kolommen, vlaggen = list(extra.columns), extra.to_numpy(dtype=bool)
    return pd.Series([tekst(lijst(h) + [k for k, v in zip(kolommen, rij) if v]) for h, rij in zip(bestaand, vlaggen)],
                     index=frame.index, dtype=object)
