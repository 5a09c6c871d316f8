"""A national buurt layer with realistic detail, generated from the coarse 2014 layer and cached on disk.

The 2014 layer in ../shared/data has a median of 6 vertices per buurt: a map
benchmark on it measures almost no geometry. Real boundaries carry far more
(CBS's 2023 boundaries of the Drechtsteden in ../shared/data: about 27
vertices per km of boundary). This module makes a layer of the same buurten
with that kind of detail, and keeps it a valid coverage (neighbours share
their edges vertex for vertex), as CBS's own layers are:

1. the 2014 layer's boundaries are noded into one set of edges (each shared
   edge once) and densified (``shapely.segmentize``);
2. the faces of that line work are polygonised and each goes to the buurt it
   lies in (the 2014 layer overlaps itself in places after its repairs; a
   face in two buurten goes to one, a face in none is left a gap);
3. every vertex is moved by a smooth function of its own coordinates (a few
   waves of some 8 m, gentle enough that the plane is not folded), so a
   vertex two buurten share moves the same way in both;
4. each buurt's faces are joined again (``union_all``: GEOS's coverage union refuses some of them).

The segment length is calibrated so the median buurt has :data:`DOEL_MEDIAAN`
vertices (the figure of issue 19; the Drechtsteden's density applied to the
national buurten's boundaries gives about 125). The result goes to a cache
folder outside the repository (``KAART_BENCHMARK_CACHE``, else the system's
temporary folder), so the next run reads it in a second or two.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from _buurten import SHARED, buurtvormen

DOEL_MEDIAAN = 136
VERSIE = 1  # raise when the generation changes, so an old cache is not read
CACHE = Path(os.environ.get("KAART_BENCHMARK_CACHE", Path(tempfile.gettempdir()) / "kaart-benchmark"))
DRECHTSTEDEN = SHARED / "drechtsteden_2023" / "buurten_2023_drechtsteden.geojson"


def verschuiving(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How far a vertex at (x, y) moves, in metres: a function of position only, its gradient under 0.5 (the
    map stays one-to-one, so no boundary is folded over another)."""
    a, tau = 6.0, 2 * np.pi
    dx = a * (np.sin(tau * x / 610 + 1.3) * np.cos(tau * y / 530) + 0.5 * np.sin(tau * (x + y) / 410))
    dy = a * (np.cos(tau * x / 570) * np.sin(tau * y / 490 + 0.7) + 0.5 * np.cos(tau * (x - y) / 430))
    return dx, dy


def _verschuif(coords: np.ndarray) -> np.ndarray:
    dx, dy = verschuiving(coords[:, 0], coords[:, 1])
    return np.column_stack([coords[:, 0] + dx, coords[:, 1] + dy])


def _vlakken(vormen: np.ndarray, lengte: float) -> tuple[np.ndarray, np.ndarray]:
    """The faces of the noded, densified boundaries of ``vormen`` and per face the index of its buurt (-1: in
    none)."""
    # Noded on a 1 m grid (snap rounding): every shared edge once, and the 2014 layer's slivers under a metre
    # wide closed, which the displacement would otherwise fold.
    lijnen = shapely.union_all(shapely.boundary(vormen), grid_size=1.0)
    lijnen = shapely.segmentize(lijnen, lengte)
    vlakken = shapely.get_parts(shapely.polygonize(shapely.get_parts(lijnen)))
    punten = shapely.point_on_surface(vlakken)
    boom = shapely.STRtree(vormen)
    punt_i, vorm_i = boom.query(punten, predicate="within")
    buurt = np.full(len(vlakken), -1)
    buurt[punt_i[::-1]] = vorm_i[::-1]  # a face in two buurten goes to the first
    return vlakken, buurt


def _kalibreer(vormen: np.ndarray) -> float:
    """The segment length that gives the median buurt :data:`DOEL_MEDIAAN` vertices (bisection; a buurt's
    count falls as the length grows)."""
    laag, hoog = 5.0, 200.0
    for _ in range(12):
        midden = (laag + hoog) / 2
        mediaan = np.median(shapely.get_num_coordinates(shapely.segmentize(vormen, midden)))
        laag, hoog = (midden, hoog) if mediaan > DOEL_MEDIAAN else (laag, midden)
    return (laag + hoog) / 2


def maak(n: int) -> tuple[gpd.GeoDataFrame, float]:
    """The detailed layer of ``n`` buurten (code, geometry; EPSG:28992) from the 2014 layer's shapes, and the
    segment length it was densified to."""
    grof = buurtvormen(n)
    eigen = ~grof["code"].str.startswith("BU9")  # the copies that top the layer up are shifted originals
    origineel = grof[eigen].reset_index(drop=True)
    vormen = origineel.geometry.values
    lengte = _kalibreer(np.asarray(vormen))
    vlakken, buurt = _vlakken(np.asarray(vormen), lengte)
    vlakken = shapely.transform(vlakken, _verschuif)
    per_buurt = pd.Series(list(vlakken[buurt >= 0])).groupby(buurt[buurt >= 0]).agg(
        lambda s: shapely.union_all(s.to_numpy()))
    detail = origineel.drop(columns="geometry").assign(geometry=per_buurt.reindex(range(len(origineel))).values)
    detail = gpd.GeoDataFrame(detail, geometry="geometry", crs="EPSG:28992")
    detail = detail[~(shapely.is_missing(detail.geometry.values) | shapely.is_empty(detail.geometry.values))]
    # Topped up to n as buurtvormen does: copies of detailed buurten shifted 300 km east (exactly, so the
    # copies' shared vertices stay shared).
    kopie = detail.sample(max(n - len(detail), 0), random_state=1)
    kopie = kopie.assign(geometry=shapely.transform(kopie.geometry.values, lambda xy: xy + [300_000, 0]),
                         code=[f"BU9{i:07d}" for i in range(len(kopie))])
    frame = pd.concat([detail, kopie], ignore_index=True)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:28992"), lengte


def gedetailleerd(n: int) -> gpd.GeoDataFrame:
    """The detailed layer of ``n`` buurten, from the cache when it was made before (prints how it was got and
    the calibration figures)."""
    pad = CACHE / f"buurten_gedetailleerd_v{VERSIE}_{n}.gpkg"
    start = time.perf_counter()
    if pad.exists():
        frame = gpd.read_file(pad)
        print(f"detailed layer read from the cache {pad} in {time.perf_counter() - start:.1f} s")
    else:
        frame, lengte = maak(n)
        CACHE.mkdir(parents=True, exist_ok=True)
        frame.to_file(pad)
        print(f"detailed layer generated in {time.perf_counter() - start:.1f} s (segments of at most "
              f"{lengte:.1f} m), cached in {pad}")
    vormen = frame.geometry.values
    geldig = shapely.coverage_is_valid(vormen)
    print(f"detailed layer: {len(frame):,d} buurten, median {np.median(shapely.get_num_coordinates(vormen)):.0f} "
          f"vertices per buurt (target {DOEL_MEDIAAN}), {shapely.get_num_coordinates(vormen).sum():,d} in all; "
          f"valid coverage: {'yes' if geldig else 'NO'}; valid polygons: {shapely.is_valid(vormen).mean():.2%}")
    if DRECHTSTEDEN.exists():
        echt = gpd.read_file(DRECHTSTEDEN).to_crs("EPSG:28992").geometry.values
        aantallen = shapely.get_num_coordinates(echt)
        dichtheid = aantallen.sum() / shapely.length(echt).sum() * 1000
        print(f"real 2023 Drechtsteden buurten: {len(echt)} buurten, median {np.median(aantallen):.0f} vertices per "
              f"buurt (small urban buurten), {dichtheid:.1f} vertices per km of boundary; the generated layer: "
              f"{shapely.get_num_coordinates(vormen).sum() / shapely.length(vormen).sum() * 1000:.1f} per km")
    return frame
