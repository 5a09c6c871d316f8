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


def _indicator(kolom: str):
    """The drukpunt indicator stored in ``kolom``, or None."""
    from kaart.indicatoren import PREFIX, catalogus

    return catalogus().indicatoren.get(kolom[len(PREFIX):]) if kolom.startswith(PREFIX) else None


def _uit_voorzieningen(ind) -> bool:
    from kaart.voorzieningen import kolomdefinities

    return any(c in kolomdefinities() for c in ind.bronnen())


def _eigen_waarde(rij: pd.Series, kolom: str) -> bool:
    return (kolom in rij.index and pd.notna(rij[kolom]) and rij.get("cijfers", OFFICIEEL) == OFFICIEEL
            and kolom not in lijst(rij.get("opgeteld")) and kolom not in lijst(rij.get("herberekend")))


def label(rij: pd.Series, kolom: str) -> str:
    """How a reader is told where the area's value of ``kolom`` comes from, in Dutch.

    ``"CBS"``, ``"opgeteld uit buurten"``, ``"herberekend uit opgetelde buurten"``, for a ratio
    computed from CBS's own figures of the area ``"berekend uit CBS-cijfers"``, and for a figure
    of the facility layer ``"voorzieningenlaag"``. A drukpunt indicator is CBS's when CBS published
    its figure for the area (``Indicator.cbs_kolom``), else recomputed.
    """
    uit = rij.get("opgeteld_uit") if isinstance(rij.get("opgeteld_uit"), str) else "onderliggende gebieden"
    herberekend = f"herberekend uit opgetelde {uit}" if rij.get("cijfers") == OPGETELD else "berekend uit CBS-cijfers"
    ind = _indicator(kolom)
    if ind is not None:
        if _uit_voorzieningen(ind):
            return VOORZIENINGENLAAG
        cbs = ind.cbs_kolom
        uit_telling = cbs == ind.percentage and pd.notna(rij.get(ind.teller)) if ind.teller else False
        return CBS if cbs and _eigen_waarde(rij, cbs) and not uit_telling else herberekend
    if kolom in lijst(rij.get("opgeteld")):
        return f"opgeteld uit {uit}"
    if kolom in lijst(rij.get("herberekend")):
        return herberekend
    return CBS


def labels(frame: pd.DataFrame, kolommen: list[str]) -> list[dict[str, str]]:
    """Per row of ``frame``, the label of each of ``kolommen`` (see :func:`label`)."""
    return [{k: label(rij, k) for k in kolommen} for _, rij in frame.iterrows()]


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
