"""Turn raw CBS cell values into numbers or missing values.

CBS marks suppressed or unavailable cells with sentinels (-99999999,
-99999997, -99995, ... : any value <= -99990), in numbers and in strings, and
with markers such as ``.`` or ``x`` in text exports. These become NA before any
sum, ratio or class break: missing is missing, never 0. Numbers stored as
text (``"29"``, ``"2,1"``) are parsed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SENTINEL_MAX = -99990
"""Every value at or below this is a CBS sentinel, not a number."""

MISSING_MARKERS = frozenset({"", ".", "x", "X", "-", "?", "nan", "NaN", "NA", "null", "None"})


def to_number(values: pd.Series) -> tuple[pd.Series, int]:
    """Parse a column to float, sentinels and markers to NA.

    Returns
    -------
    (series, unparsed)
        The numeric series (index kept) and how many non-empty cells were not
        numbers at all, so the caller can report them instead of hiding them.
    """
    if pd.api.types.is_bool_dtype(values):
        return values.astype(float), 0
    if pd.api.types.is_numeric_dtype(values):
        numbers = values.astype(float)
        unparsed = 0
    else:
        text = values.astype("string").str.strip()
        missing = text.isna() | text.isin(MISSING_MARKERS)
        # Dutch decimal comma: "2,1" -> "2.1" (only where no dot is present).
        text = text.where(text.str.contains(".", regex=False), text.str.replace(",", ".", regex=False))
        numbers = pd.to_numeric(text.where(~missing), errors="coerce").astype(float)
        unparsed = int((numbers.isna() & ~missing).sum())
    numbers = numbers.where(numbers > SENTINEL_MAX)
    return numbers.replace([np.inf, -np.inf], np.nan), unparsed


def is_sentinel(value: object) -> bool:
    """True when a single value is a CBS sentinel (numeric or text)."""
    try:
        return float(str(value).strip().replace(",", ".")) <= SENTINEL_MAX
    except ValueError:
        return False
