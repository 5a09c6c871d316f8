"""Facilities (voorzieningen): how they join to areas.

The categories are the vocabulary of ``kaart.categorieen``. A facility layer is a
point GeoDataFrame in EPSG:28992 with at least ``naam`` and ``categorie``
(optionally ``plaatsen``, the number of places or homes, and ``bron``). This
module checks such layers and joins them to the area frame: counts per area
and category at every level, and for every buurt the distance to the nearest
facility of each category. Those columns are indicators the drukpunt engine
can use.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from kaart.categorieen import (VOORZIENINGKOLOMMEN, ZORGDRUK_LOCATIES, ZORGDRUK_PLAATSEN, categorieen,
                               zorgdruk_categorieen)
from kaart.gebieden import omtrek
from kaart.kaartbestand import Kaart



def tellingen(punten: gpd.GeoDataFrame, gebieden: gpd.GeoDataFrame) -> pd.DataFrame:
    """Facilities per area and category (``vz_<categorie>``), plus the zorgdruk totals.

    One spatial index over the points, queried with each area (``covers``, so
    a point on a border is found too); a point that two areas cover (a shared
    border, overlapping source shapes) counts once, in the first. Only
    categories that occur in ``punten`` get a column: an area without any is
    0, but a category nobody imported is unknown, not 0.
    """
    areas = gebieden[gebieden.geometry.notna() & ~gebieden.geometry.is_empty]
    if punten.empty or areas.empty:
        return pd.DataFrame(index=gebieden.index)
    area_idx, point_idx = shapely.STRtree(punten.geometry.values).query(areas.geometry.values, predicate="covers")
    point_idx, first = np.unique(point_idx, return_index=True)
    area_idx = area_idx[first]
    namen = list(categorieen())
    codes = pd.Categorical(punten["categorie"], categories=namen).codes  # -1: not in the vocabulary
    known = codes[point_idx] >= 0
    # One pass: a count per (area, category) cell.
    cells = np.bincount(area_idx[known] * len(namen) + codes[point_idx][known],
                        minlength=len(areas) * len(namen)).reshape(len(areas), len(namen)).astype(float)
    present = np.bincount(codes[codes >= 0], minlength=len(namen)) > 0
    columns = {categorieen()[naam].aantal_kolom: cells[:, i] for i, naam in enumerate(namen) if present[i]}
    zorgdruk = [namen.index(naam) for naam in zorgdruk_categorieen()]
    if present[zorgdruk].any():
        columns[ZORGDRUK_LOCATIES] = cells[:, zorgdruk].sum(axis=1)
        mask = np.isin(codes[point_idx], zorgdruk)
        plaatsen = punten["plaatsen"].to_numpy(dtype=float)[point_idx][mask] if "plaatsen" in punten else \
            np.full(int(mask.sum()), np.nan)
        som = np.bincount(area_idx[mask], weights=np.nan_to_num(plaatsen), minlength=len(areas))
        onbekend = np.bincount(area_idx[mask], weights=np.isnan(plaatsen).astype(float), minlength=len(areas))
        # Places are summed where every location says how many it has; otherwise the total is unknown.
        columns[ZORGDRUK_PLAATSEN] = np.where(onbekend > 0, np.nan, som)
    return pd.DataFrame(columns, index=areas.index).reindex(gebieden.index)


def afstanden(punten: gpd.GeoDataFrame, buurten: gpd.GeoDataFrame) -> pd.DataFrame:
    """Metres from each buurt to the nearest facility of each category present (``vz_<categorie>_afstand_m``).

    Measured from a point inside the buurt (its representative point: a
    centroid can fall outside a crescent-shaped buurt), straight-line in RD New.
    """
    shaped = buurten.geometry.notna() & ~buurten.geometry.is_empty
    if punten.empty or not shaped.any():
        return pd.DataFrame(index=buurten.index)
    origins = buurten.geometry[shaped].representative_point().values
    columns = {}
    for cat in categorieen().values():
        points = punten.geometry[punten["categorie"] == cat.naam].values
        if not len(points):
            continue
        tree = shapely.STRtree(points)
        (origin_idx, _), distance = tree.query_nearest(origins, return_distance=True, all_matches=False)
        metres = np.full(len(origins), np.nan)
        metres[origin_idx] = np.round(distance)
        columns[cat.afstand_kolom] = metres
    return pd.DataFrame(columns, index=buurten.index[shaped]).reindex(buurten.index)


def koppel(gebieden: dict[str, gpd.GeoDataFrame], punten: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    """The levels with the facility columns added (old ones replaced).

    Counts are joined at every level directly (a point in a wijk counts even
    where the wijk's buurten are missing); distances are measured per buurt and
    become inhabitant-weighted means above it.
    """
    from kaart.gebieden import aggregate

    punten = punten.to_crs("EPSG:28992")
    result = {}
    buurt_afstanden = None
    for niveau in ("buurt", "wijk", "gemeente"):
        if niveau not in gebieden:
            continue
        frame = gebieden[niveau]
        frame = frame.drop(columns=[c for c in frame.columns if c.startswith(VOORZIENINGKOLOMMEN)])
        frame = frame.join(tellingen(punten, frame))
        if niveau == "buurt":
            buurt_afstanden = afstanden(punten, frame)
            frame = frame.join(buurt_afstanden)
        elif buurt_afstanden is not None and len(buurt_afstanden.columns):
            parent = "wijkcode" if niveau == "wijk" else "gemeentecode"
            buurten = gebieden["buurt"][[parent, "inwoners", "water"]].join(buurt_afstanden)
            frame = frame.join(aggregate(buurten.reset_index(), parent)[list(buurt_afstanden.columns)])
        result[niveau] = frame.copy()  # one block, not a frame fragmented by the joins
    return {n: result.get(n, f) for n, f in gebieden.items()}


RAND_M = 5_000
"""Facilities this close outside the region are kept: they serve its border buurten (distances), though
they count in no area. Farther ones are not the region's and are reported."""
BIJZONDERE_WOONVORMEN = "bijzondere_woonvormen"
"""The layer of existing special housing and care locations (existing zorgdruk) the planner tools read."""


def voeg_toe(kaart: Kaart, punten: gpd.GeoDataFrame, bron: str) -> pd.DataFrame:
    """Add facility points to a kaart in place, join them to its areas and analyse it again.

    Points from ``bron`` replace those an earlier import of the same source
    brought, so importing a corrected file twice does not double anything.
    Points beyond ``RAND_M`` outside the region are left out and returned, so
    the caller can report them. The layers ``voorzieningen`` and
    ``bijzondere_woonvormen``, the ``vz_``/``zorgdruk_`` columns of every level,
    the indicators and the drukpunt analysis all follow.

    Returns
    -------
    pandas.DataFrame
        The points left out (with ``afstand_tot_regio_m``, and ``regel`` when
        the import gave line numbers), empty when none.
    """
    from kaart.drukpunten import verrijk

    punten = punten.to_crs("EPSG:28992")
    regio = regiovorm(kaart)
    shapely.prepare(regio)
    binnen = shapely.intersects(regio, punten.geometry.values)
    afstand = pd.Series(0.0, index=punten.index)
    afstand[~binnen] = punten.geometry[~binnen].distance(regio)  # measured only for the few outside
    buiten = punten[afstand > RAND_M].assign(afstand_tot_regio_m=afstand[afstand > RAND_M].round())
    punten = punten[afstand <= RAND_M].assign(in_regio=(afstand[afstand <= RAND_M] == 0).astype(int))
    punten = punten.drop(columns=["regel"], errors="ignore")  # the import's line numbers end here
    bestaand = kaart.extra.get("voorzieningen")
    if bestaand is not None and len(bestaand):
        bestaand = bestaand.to_crs("EPSG:28992")
        if "bron" in bestaand:
            bestaand = bestaand[bestaand["bron"] != bron]
        punten = pd.concat([bestaand, punten], ignore_index=True)
    alle = gpd.GeoDataFrame(punten.reset_index(drop=True), geometry="geometry", crs="EPSG:28992")
    kaart.extra["voorzieningen"] = alle
    zorgdruk = alle[alle["categorie"].isin(zorgdruk_categorieen())]
    if len(zorgdruk):
        kaart.extra[BIJZONDERE_WOONVORMEN] = zorgdruk.reset_index(drop=True)
    else:
        kaart.extra.pop(BIJZONDERE_WOONVORMEN, None)
    kaart.gebieden = koppel(kaart.gebieden, alle)
    per_bron = alle.groupby("bron").size() if "bron" in alle else pd.Series(dtype=int)
    kaart.metadata["voorzieningen"] = [{"bron": b, "punten": int(n)} for b, n in per_bron.items()]
    verrijk(kaart, kaart.metadata.get("profiel"))
    return pd.DataFrame(buiten.drop(columns="geometry"))


def regiovorm(kaart: Kaart) -> shapely.Geometry:
    """The region's outline (RD New): the regio layer the analysis wrote, else the union of the coarsest level;
    either without the seams between areas (:func:`kaart.gebieden.omtrek`), also for a kaart built before."""
    frame = kaart.regio if kaart.regio is not None else next(iter(kaart.gebieden.values()))
    return omtrek(frame.to_crs("EPSG:28992").geometry.values)
