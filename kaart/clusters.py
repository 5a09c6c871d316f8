"""Drukpuntgebieden: groups of adjacent drukpunten larger than chance would give.

A single pressured buurt may be chance; a group of adjacent ones is a pattern.
Two statistics, both over contiguity (Queen) weights spanning the whole
region, so groups run across gemeente borders:

- Local Moran's I (PySAL esda) per area, with conditional permutations and the
  False Discovery Rate over all areas: the classic hot-spot map (hoog-hoog,
  laag-laag, ...). It describes each area, but on real regions it rarely finds
  anything: its local tests are strongly dependent and FDR over hundreds of
  them is conservative (Drechtsteden 2023: the smallest of 270 pseudo p values
  is 0.001 even at 99,999 permutations, so no area passes).
- A cluster test decides the drukpuntgebieden. Adjacent drukpunten form
  groups; a group's mass is the sum of its members' scores. The scores (with
  their populations) are permuted over the areas many times and the largest
  mass anywhere on each permuted map is recorded; a group is a drukpuntgebied
  when fewer than ``ALPHA`` of the permuted maps hold a group as heavy. Taking
  the largest mass per map tests all groups at once, so the chance of any false
  drukpuntgebied in a region stays below ``ALPHA`` (family-wise, the
  max-statistic correction for multiple testing; Nichols & Holmes 2002).
  Drechtsteden 2023: 52 drukpunten, one group of 21 buurten with p = 0.001.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

ALPHA = 0.05
PERMUTATIES = 999
SEED = 12345
KWADRANT = {1: "hoog-hoog", 2: "laag-hoog", 3: "laag-laag", 4: "hoog-laag"}


def hotspots(frame: gpd.GeoDataFrame, kolom: str = "drukpuntscore", vlag: str = "drukpunt", alpha: float = ALPHA,
             permutaties: int = PERMUTATIES, seed: int = SEED) -> pd.DataFrame:
    """Local Moran's I of ``kolom`` per area, and the drukpuntgebieden formed by the flagged areas (``vlag``).

    Areas without a score or without neighbours (islands) get no statistic.

    Returns
    -------
    DataFrame indexed like ``frame`` with ``lisa_i``, ``lisa_p``, ``lisa_kwadrant``
    (hoog-hoog, laag-laag, ...; "niet significant" where the FDR threshold is
    not met), ``drukpuntgebied`` (an id shared by the areas of one significant
    group, largest first; missing elsewhere) and ``drukpuntgebied_p`` (the
    group's family-wise p value).
    """
    out = pd.DataFrame({"lisa_i": np.nan, "lisa_p": np.nan, "lisa_kwadrant": pd.Series(dtype="object"),
                        "drukpuntgebied": pd.Series(dtype="Int64"), "drukpuntgebied_p": np.nan}, index=frame.index)
    has_shape = ~frame.geometry.is_empty & frame.geometry.notna()
    # In code order: the seeded permutations go by position, so any other order would change the p values.
    scored = frame[frame[kolom].notna() & has_shape].sort_index()
    w = _connected_weights(scored)
    if w is None:
        return out
    from esda import Moran_Local, fdr  # here, not at the top: PySAL's import takes a second every command would pay

    scored = scored.loc[w.id_order]
    y = scored[kolom].to_numpy(dtype=float)
    with warnings.catch_warnings():
        # esda 2.x announces a future change of its default alternative; this
        # module asks the directed (one-sided, folded) question esda answers today.
        warnings.filterwarnings("ignore", message="The alternative hypothesis", category=DeprecationWarning)
        lisa = Moran_Local(y, w, permutations=permutaties, seed=seed, n_jobs=1, keep_simulations=False)
    significant = lisa.p_sim <= fdr(lisa.p_sim, alpha)
    out.loc[scored.index, "lisa_i"] = lisa.Is
    out.loc[scored.index, "lisa_p"] = lisa.p_sim
    out.loc[scored.index, "lisa_kwadrant"] = np.where(
        significant, pd.Series(lisa.q).map(KWADRANT).to_numpy(), "niet significant")
    if vlag in scored:
        groep, p = clustertoets(w.sparse.tocsr(), y, scored[vlag].fillna(False).to_numpy(dtype=bool),
                                alpha, permutaties, seed)
        out.loc[scored.index, "drukpuntgebied"] = pd.array(groep, dtype="Int64")
        out.loc[scored.index, "drukpuntgebied_p"] = p
    return out


def _connected_weights(scored: gpd.GeoDataFrame):
    """Queen weights over the areas that have neighbours, or None when fewer than five do.

    The neighbours are found once (:func:`buren`) and the islands dropped from them, so the weights are built
    once: an island is nobody's neighbour, so leaving it out changes no other area's neighbours."""
    if len(scored) < 5:
        return None
    from libpysal.weights import W  # only an analysis needs PySAL, whose import takes a second

    neighbours = buren(scored.geometry)
    connected = [i for i in scored.index if neighbours[i]]
    if len(connected) < 5:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # disconnected components are expected in a region
        w = W({i: neighbours[i] for i in connected}, id_order=connected, silence_warnings=True)
    w.transform = "r"
    return w


def buren(vormen: gpd.GeoSeries) -> dict:
    """Queen contiguity: per area (by index) the areas sharing at least one boundary vertex with it.

    The same neighbours as libpysal's ``Queen`` (which matches vertices exactly, in a Python loop over every
    vertex: 40% of a national build), found with array operations: all boundary vertices with their area,
    sorted, and the areas that meet at one vertex paired.
    """
    ids = vormen.index
    xy, eigenaar = shapely.get_coordinates(vormen.values, return_index=True)
    x, y = xy[:, 0] + 0.0, xy[:, 1] + 0.0  # -0.0 becomes 0.0, equal as Python's tuples hold them
    volgorde = np.lexsort((eigenaar, y, x))
    x, y, eigenaar = x[volgorde], y[volgorde], eigenaar[volgorde]
    punt = np.cumsum(np.r_[True, (x[1:] != x[:-1]) | (y[1:] != y[:-1])])
    eenmaal = np.r_[True, (punt[1:] != punt[:-1]) | (eigenaar[1:] != eigenaar[:-1])]  # an area once per vertex
    punt, eigenaar = punt[eenmaal], eigenaar[eenmaal]
    van, naar = [], []
    for afstand in range(1, len(punt)):  # sorted by vertex: the areas of one vertex are consecutive
        zelfde = punt[afstand:] == punt[:-afstand]
        if not zelfde.any():
            break
        van.append(eigenaar[:-afstand][zelfde])
        naar.append(eigenaar[afstand:][zelfde])
    van, naar = np.concatenate([*van, *naar, []]).astype(int), np.concatenate([*naar, *van, []]).astype(int)
    paren = np.unique(van * len(ids) + naar)
    van, naar = paren // len(ids), paren % len(ids)
    grenzen = np.searchsorted(van, np.arange(len(ids) + 1))
    return {ids[i]: ids[naar[grenzen[i]:grenzen[i + 1]]].tolist() for i in range(len(ids))}


def clustertoets(adjacency: csr_matrix, y: np.ndarray, flagged: np.ndarray, alpha: float = ALPHA,
                 permutaties: int = PERMUTATIES, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """Groups of adjacent flagged areas whose mass (sum of ``y``) beats the permuted maps' largest.

    Returns, per area, the id of its significant group (largest first, 0-based
    ids turned into 1, 2, ...; NA elsewhere) and that group's p value (NaN for
    areas in no group; set for every flagged area).
    """
    labels, mass = _groups(adjacency, y, flagged)
    p = np.full(len(y), np.nan)
    groep = pd.array([pd.NA] * len(y), dtype="Int64")
    if not len(mass):
        return groep, p
    rng = np.random.default_rng(seed)
    largest = np.empty(permutaties)
    for r in range(permutaties):
        order = rng.permutation(len(y))
        _, permuted = _groups(adjacency, y[order], flagged[order])
        largest[r] = permuted.max() if len(permuted) else 0.0
    p_groep = (1 + (largest[None, :] >= mass[:, None] - 1e-12).sum(axis=1)) / (permutaties + 1)
    p[labels >= 0] = p_groep[labels[labels >= 0]]
    significant = np.flatnonzero(p_groep <= alpha)
    size = np.bincount(labels[labels >= 0], minlength=len(mass))
    for number, label in enumerate(sorted(significant, key=lambda g: (-size[g], -mass[g])), start=1):
        groep[labels == label] = number
    return groep, p


def _groups(adjacency: csr_matrix, y: np.ndarray, flagged: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Connected groups of the flagged areas: per area its group (-1 if not flagged), and each group's mass."""
    idx = np.flatnonzero(flagged)
    labels = np.full(len(y), -1)
    if not len(idx):
        return labels, np.empty(0)
    n, sub = connected_components(adjacency[idx][:, idx], directed=False)
    labels[idx] = sub
    return labels, np.bincount(sub, weights=y[idx], minlength=n)


def drukpuntgebieden(frame: gpd.GeoDataFrame, kolom: str = "drukpuntscore") -> gpd.GeoDataFrame:
    """One polygon per drukpuntgebied: its areas dissolved, with their count, population, mean score and p value."""
    members = frame[frame["drukpuntgebied"].notna()]
    columns = ["drukpuntgebied", "gebieden", "codes", "gemeenten", "inwoners", "gemiddelde_score", "p_waarde",
               "geometry"]
    if members.empty:
        return gpd.GeoDataFrame(columns=columns, geometry="geometry", crs=frame.crs)
    rows = []
    for gebied, group in members.groupby("drukpuntgebied"):
        rows.append({
            "drukpuntgebied": int(gebied), "gebieden": len(group), "codes": ", ".join(group.index),
            "gemeenten": ", ".join(sorted(group["gemeentenaam"].dropna().unique())),
            "inwoners": group["inwoners"].sum(min_count=1), "gemiddelde_score": round(group[kolom].mean(), 2),
            "p_waarde": float(group["drukpuntgebied_p"].iloc[0]),
            "geometry": group.geometry.union_all(),
        })
    return gpd.GeoDataFrame(rows, columns=columns, geometry="geometry", crs=frame.crs)
