"""Join statistics to geometry on CBS code and year, and say what did not match.

Statistics and geometry often come from different places (CBS OData and PDOK,
a CSV and a shapefile) and different vintages: a buurt renamed or split
between years has a code on one side only. Nothing is dropped silently: the
join keeps every row of both sides and lists each code that matched on one
side only in the ``koppeling`` table of the kaart.
"""

from __future__ import annotations

import logging

import geopandas as gpd
import pandas as pd

from kaart.normaliseren import IDENTITY

log = logging.getLogger(__name__)

GEEN_GEOMETRIE = "geen geometrie"
GEEN_STATISTIEKEN = "geen statistieken"
KEY = ["code", "jaar"]


def combine(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Stack rows of several sources; where a code and year repeat, the first source wins per cell."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=IDENTITY)
    stacked = pd.concat(frames, ignore_index=True)
    if not stacked.duplicated(KEY).any():
        return stacked
    geometry = stacked.pop("geometry") if "geometry" in stacked else None
    merged = stacked.groupby(KEY, sort=False, dropna=False).first().reset_index()
    if geometry is not None:
        first_geometry = gpd.GeoSeries(geometry).groupby([stacked["code"], stacked["jaar"]], sort=False).first()
        merged["geometry"] = first_geometry.reindex(pd.MultiIndex.from_frame(merged[KEY])).values
    return merged


def join(statistieken: pd.DataFrame, geometrie: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Outer-join statistics rows to geometry rows on (code, jaar).

    Returns
    -------
    (rows, koppeling)
        Every row of both sides (statistics-only rows without geometry,
        geometry-only rows without statistics), and a table with one line per
        code that matched on one side only: code, niveau, jaar, probleem.
    """
    crs = geometrie.crs
    stats = statistieken.drop(columns="geometry", errors="ignore")
    geo = pd.DataFrame(geometrie)[[c for c in IDENTITY if c in geometrie] + ["geometry"]]
    merged = stats.merge(geo, on=KEY, how="outer", suffixes=("", "_geo"), indicator=True)
    for column in IDENTITY:
        if f"{column}_geo" in merged:
            merged[column] = merged[column].where(merged[column].notna(), merged.pop(f"{column}_geo"))
    koppeling = pd.concat([
        merged.loc[merged["_merge"] == "left_only", ["code", "niveau", "jaar"]].assign(probleem=GEEN_GEOMETRIE),
        merged.loc[merged["_merge"] == "right_only", ["code", "niveau", "jaar"]].assign(probleem=GEEN_STATISTIEKEN),
    ], ignore_index=True)
    for probleem, group in koppeling.groupby("probleem"):
        log.warning("%d codes have %s: %s", len(group), probleem, ", ".join(group["code"].head(10)))
    rows = gpd.GeoDataFrame(merged.drop(columns="_merge"), geometry="geometry", crs=crs)
    return rows, koppeling.sort_values(["probleem", "code"], ignore_index=True)
