"""Drukpuntgebieden: clusters of adjacent pressured areas (Local Moran's I hot spots).

A single pressured buurt may be chance; a group of adjacent ones is a pattern.
Local Moran's I (PySAL esda) with conditional permutations finds areas whose
score is high and whose neighbours' scores are high too; the False Discovery
Rate corrects for testing every area at once. Adjacent hot spots are joined
into one drukpuntgebied, across gemeente borders, since the weights span the
whole region.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
from esda import Moran_Local, fdr
from libpysal.weights import Queen
from scipy.sparse.csgraph import connected_components

ALPHA = 0.05
PERMUTATIES = 999
SEED = 12345
KWADRANT = {1: "hoog-hoog", 2: "laag-hoog", 3: "laag-laag", 4: "hoog-laag"}


def hotspots(frame: gpd.GeoDataFrame, kolom: str = "drukpuntscore", alpha: float = ALPHA,
             permutaties: int = PERMUTATIES, seed: int = SEED) -> pd.DataFrame:
    """Local Moran's I of ``kolom`` with an FDR-corrected significance and cluster ids.

    Areas without a score or without neighbours (islands) get no statistic.

    Returns
    -------
    DataFrame indexed like ``frame`` with ``lisa_i``, ``lisa_p``, ``lisa_kwadrant``
    (hoog-hoog, laag-laag, ...; "niet significant" where the FDR threshold is
    not met) and ``drukpuntgebied`` (an id shared by adjacent significant
    hoog-hoog areas, missing elsewhere).
    """
    out = pd.DataFrame({"lisa_i": np.nan, "lisa_p": np.nan, "lisa_kwadrant": pd.Series(dtype="object"),
                        "drukpuntgebied": pd.Series(dtype="Int64")}, index=frame.index)
    has_shape = ~frame.geometry.is_empty & frame.geometry.notna()
    # In code order: the seeded permutations go by position, so any other order would change the p values.
    scored = frame[frame[kolom].notna() & has_shape].sort_index()
    if len(scored) < 5:
        return out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # islands and disconnected components are expected in a region
        w = Queen.from_dataframe(scored, use_index=True, silence_warnings=True)
    connected = [i for i in scored.index if w.cardinalities[i] > 0]
    if len(connected) < 5:
        return out
    if len(connected) < len(scored):
        scored = scored.loc[connected]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            w = Queen.from_dataframe(scored, use_index=True, silence_warnings=True)
    w.transform = "r"
    y = scored[kolom].to_numpy(dtype=float)
    with warnings.catch_warnings():
        # esda 2.x announces a future change of its default alternative; this
        # module asks the directed (one-sided, folded) question esda answers today.
        warnings.filterwarnings("ignore", message="The alternative hypothesis", category=DeprecationWarning)
        lisa = Moran_Local(y, w, permutations=permutaties, seed=seed, n_jobs=1, keep_simulations=False)
    threshold = fdr(lisa.p_sim, alpha)
    significant = lisa.p_sim <= threshold
    out.loc[scored.index, "lisa_i"] = lisa.Is
    out.loc[scored.index, "lisa_p"] = lisa.p_sim
    out.loc[scored.index, "lisa_kwadrant"] = np.where(
        significant, pd.Series(lisa.q).map(KWADRANT).to_numpy(), "niet significant")
    hot = significant & (lisa.q == 1)
    if hot.any():
        adjacency = w.sparse.tocsr()[hot][:, hot]
        _, labels = connected_components(adjacency, directed=False)
        # Number the areas by size, largest first, so "drukpuntgebied 1" is the biggest.
        order = pd.Series(labels).value_counts().index
        renumber = {old: new + 1 for new, old in enumerate(order)}
        out.loc[scored.index[hot], "drukpuntgebied"] = [renumber[label] for label in labels]
    return out


def drukpuntgebieden(frame: gpd.GeoDataFrame, kolom: str = "drukpuntscore") -> gpd.GeoDataFrame:
    """One polygon per drukpuntgebied: its areas dissolved, with their count, population and mean score."""
    members = frame[frame["drukpuntgebied"].notna()]
    columns = ["drukpuntgebied", "gebieden", "codes", "gemeenten", "inwoners", "gemiddelde_score", "geometry"]
    if members.empty:
        return gpd.GeoDataFrame(columns=columns, geometry="geometry", crs=frame.crs)
    rows = []
    for gebied, group in members.groupby("drukpuntgebied"):
        rows.append({
            "drukpuntgebied": int(gebied), "gebieden": len(group), "codes": ", ".join(group.index),
            "gemeenten": ", ".join(sorted(group["gemeentenaam"].dropna().unique())),
            "inwoners": group["inwoners"].sum(min_count=1), "gemiddelde_score": round(group[kolom].mean(), 2),
            "geometry": group.geometry.union_all(),
        })
    return gpd.GeoDataFrame(rows, columns=columns, geometry="geometry", crs=frame.crs)
