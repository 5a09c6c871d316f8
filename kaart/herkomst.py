"""Where each figure of an area comes from: CBS's own, summed from the areas below, or recomputed.

A kaart mixes CBS's published figures with figures the build makes: a level
CBS did not deliver is summed from the buurten (counts, which CBS rounds to 5,
so Dordrecht's sum is 121.430 where CBS publishes 121.434) and its ratios are
recomputed from those sums; an indicator is a ratio of counts. A reader must
see which is which, so every level layer of the kaart carries, per area, plain
text columns that QGIS shows as they are:

- ``cijfers``: ``officieel`` (the row is CBS's), ``opgeteld`` (built from the
  areas below) or ``geen`` (a row without any statistic, e.g. geometry only);
- ``opgeteld_uit``: the level it was built from (``buurten`` or ``wijken``);
- ``opgeteld``: the columns summed from that level (and ``geometrie`` when the
  outline was dissolved from it), comma-separated;
- ``herberekend``: the columns recomputed (ratios, means, densities and the
  drukpunt indicators), comma-separated.

A column in neither list is CBS's own figure. The rule for a recomputed value
where CBS published the figure itself: where CBS suppressed it at that level,
its NA stays; a mean or density is CBS's figure; a share is the ratio of the
area's counts when it has them, labelled as computed (see
``kaart.indicatoren.waarden``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import pandas as pd

OFFICIEEL = "officieel"
OPGETELD = "opgeteld"
GEEN = "geen"

CBS = "CBS"
"""The label of a figure as CBS published it."""
GEOMETRIE = "geometrie"

KOLOMMEN = ["cijfers", "opgeteld_uit", "opgeteld", "herberekend"]
"""The provenance columns of a level layer."""


def lijst(tekst: object) -> list[str]:
    """The column names of an ``opgeteld`` or ``herberekend`` cell."""
    return [t for t in str(tekst).split(", ") if t] if isinstance(tekst, str) else []


def tekst(kolommen: list[str]) -> str:
    """Column names as an ``opgeteld`` or ``herberekend`` cell."""
    return ", ".join(kolommen)


def eigen(frame: pd.DataFrame, kolom: str) -> pd.Series:
    """Per row, whether the value of ``kolom`` is CBS's own figure (missing included: CBS suppressed it).

    False where the frame lacks the column, where the row was built from the areas below
    (``cijfers`` is ``opgeteld`` or ``geen``) or lists the column as summed or recomputed.
    """
    if kolom not in frame:
        return pd.Series(False, index=frame.index)
    cijfers = frame["cijfers"] if "cijfers" in frame else pd.Series(OFFICIEEL, index=frame.index)
    gemaakt = pd.Series([kolom in lijst(a) or kolom in lijst(b) for a, b in zip(
        frame.get("opgeteld", pd.Series(None, index=frame.index)),
        frame.get("herberekend", pd.Series(None, index=frame.index)))], index=frame.index)
    return (cijfers == OFFICIEEL) & ~gemaakt


VOORZIENINGENLAAG = "voorzieningenlaag"
"""The label of a figure computed from the kaart's facility layer, not from CBS."""
ANALYSE = "berekend in de drukpuntanalyse"
"""The label of a score of the drukpunt analysis."""


def _indicator(kolom: str):
    """The drukpunt indicator stored in ``kolom``, or None."""
    from kaart.indicatoren import PREFIX, catalogus

    return catalogus().indicatoren.get(kolom[len(PREFIX):]) if kolom.startswith(PREFIX) else None


@cache
def _uit_voorzieningen(ind) -> bool:
    from kaart.voorzieningen import kolomdefinities

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
    from kaart.kolommen import schema
    from kaart.voorzieningen import kolomdefinities

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
    from kaart.indicatoren import catalogus

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
