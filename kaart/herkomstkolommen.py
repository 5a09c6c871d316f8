"""The provenance columns of a level layer: whether each figure is CBS's own, summed from the areas below, or recomputed.

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

import numpy as np
import pandas as pd

OFFICIEEL = "officieel"
OPGETELD = "opgeteld"
GEEN = "geen"

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
    gemaakt = _noemt(frame.get("opgeteld"), kolom) | _noemt(frame.get("herberekend"), kolom)
    return (cijfers == OFFICIEEL) & ~pd.Series(gemaakt, index=frame.index)


def _noemt(cellen: pd.Series | None, kolom: str) -> np.ndarray | bool:
    """Per cell of an ``opgeteld`` or ``herberekend`` column, whether it names ``kolom``: read once per distinct
    text (a level holds few), not once per row and indicator (a second of a national build)."""
    if cellen is None:
        return False
    codes, teksten = pd.factorize(cellen.to_numpy(dtype=object))
    noemt = np.array([kolom in lijst(t) for t in teksten] + [False], dtype=bool)
    return noemt[codes]  # a missing cell is code -1: the False at the end
