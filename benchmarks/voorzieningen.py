"""Joining 1,000,000 facility points to about 15,000 buurten: time against bare geopandas.

Measures the project's facility join (``kaart.voorzieningen.tellingen``: counts
per buurt and category) and nearest-facility distances
(``kaart.voorzieningen.afstanden``: metres from every buurt to the nearest
facility of each category), each against the bare geopandas operation on the
same data in the same process:

* counts: ``geopandas.sjoin(points, buurten, predicate="within")``, geometry
  only -- the spatial join alone, without the per-category counting;
* distances: ``geopandas.sjoin_nearest`` from the buurten's representative
  points to the points of each category in turn (the same work ``afstanden``
  does: one index per category, one nearest query per buurt).

Both sides get freshly copied frames each repeat, so neither reuses a spatial
index built in an earlier one. The project's join should stay within 1.5 times
the bare operation; the script prints whether it does but asserts nothing (the
machines are shared and noisy).

The buurten are the national 2014 layer from ../shared/data (or
KAART_SHARED_DATA), topped up to 15,000 with copies shifted east, as in
benchmarks/drukpunten.py. The points are generated with a fixed seed: 95% inside
buurten (buurten drawn weighted by area, points drawn in their bounding boxes
until inside), 5% anywhere in the total bounds, so some match nothing.
Run: ``.venv/bin/python benchmarks/voorzieningen.py``.
"""

from __future__ import annotations

import resource
import statistics
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from _buurten import buurtvormen

from kaart.categorieen import categorieen
from kaart.voorzieningen import afstanden, tellingen

N_BUURTEN = 15_000
N_PUNTEN = 1_000_000
BINNEN = 0.95  # share of the points generated inside a buurt
TARGET = 1.5  # the project's join may take at most this many times the bare geopandas operation
REPEAT = 3


def buurten() -> gpd.GeoDataFrame:
    """Buurt shapes indexed by code in EPSG:28992 (see benchmarks/_buurten.py)."""
    return buurtvormen(N_BUURTEN).set_index("code")


def punten(gebieden: gpd.GeoDataFrame, n: int = N_PUNTEN, seed: int = 42) -> gpd.GeoDataFrame:
    """``n`` facility points with ``naam`` and ``categorie``, mostly inside the buurten (fixed seed)."""
    rng = np.random.default_rng(seed)
    geoms = gebieden.geometry.values
    shapely.prepare(geoms)
    area = shapely.area(geoms)
    bounds = shapely.bounds(geoms)
    n_in = int(n * BINNEN)
    xs, ys = [], []
    todo = n_in
    while todo:  # rejection sampling in the bounding boxes of area-weighted buurten
        draw = int(todo * 1.8) + 100
        which = rng.choice(len(geoms), size=draw, p=area / area.sum())
        b = bounds[which]
        x = rng.uniform(b[:, 0], b[:, 2])
        y = rng.uniform(b[:, 1], b[:, 3])
        inside = shapely.contains_xy(geoms[which], x, y)
        xs.append(x[inside][:todo])
        ys.append(y[inside][:todo])
        todo -= len(xs[-1])
    minx, miny, maxx, maxy = gebieden.total_bounds
    xs.append(rng.uniform(minx, maxx, n - n_in))
    ys.append(rng.uniform(miny, maxy, n - n_in))
    order = rng.permutation(n)
    x = np.concatenate(xs)[order]
    y = np.concatenate(ys)[order]
    names = np.array(list(categorieen()))
    cats = names[rng.integers(0, len(names), n)]
    return gpd.GeoDataFrame({"naam": [f"voorziening {i}" for i in range(n)], "categorie": cats},
                            geometry=shapely.points(x, y), crs="EPSG:28992")


def fresh(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy without the spatial index geopandas may have cached on ``frame``'s geometry."""
    return frame.copy()


def timed(fn, prepare, repeat: int = REPEAT) -> tuple[float, object]:
    """Median wall time of ``repeat`` runs of ``fn(*prepare())`` (``prepare`` not timed), and the last result."""
    times = []
    result = None
    for _ in range(repeat):
        args = prepare()
        start = time.perf_counter()
        result = fn(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def report(name: str, seconds: float, n: int, baseline: float | None = None) -> None:
    line = f"{name:58s} {seconds * 1000:9.1f} ms  {n / seconds:12,.0f} points/s"
    if baseline is not None:
        ratio = seconds / baseline
        verdict = "within target" if ratio <= TARGET else "OVER TARGET"
        line += f"  {ratio:5.2f}x bare ({verdict}, target <= {TARGET}x)"
    print(line)


def bare_sjoin(pts: gpd.GeoDataFrame, areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return gpd.sjoin(pts, areas, predicate="within")


def bare_nearest(pts: gpd.GeoDataFrame, areas: gpd.GeoDataFrame) -> dict[str, pd.DataFrame]:
    origins = gpd.GeoDataFrame(geometry=areas.geometry.representative_point(), crs=areas.crs)
    result = {}
    for naam in categorieen():
        of_cat = pts[pts["categorie"] == naam]
        if len(of_cat):
            result[naam] = gpd.sjoin_nearest(origins, of_cat[["geometry"]], distance_col="afstand")
    return result


def main() -> None:
    start = time.perf_counter()
    gebieden = buurten()
    pts = punten(gebieden)
    print(f"{len(pts):,} points ({len(categorieen())} categories), {len(gebieden):,} buurten; "
          f"data loaded and generated in {time.perf_counter() - start:.1f} s (not timed below)")
    print(f"median of {REPEAT} runs each; fresh frame copies per run, so no spatial index is reused")

    sjoin_s, joined = timed(bare_sjoin, lambda: (fresh(pts[["geometry"]]), fresh(gebieden[["geometry"]])))
    report("bare geopandas.sjoin(points, buurten, 'within') (baseline)", sjoin_s, len(pts))
    tel_s, counts = timed(tellingen, lambda: (fresh(pts), fresh(gebieden)))
    report("kaart.voorzieningen.tellingen (counts per category)", tel_s, len(pts), sjoin_s)

    matched = joined.index.nunique()
    total = int(counts[[f"vz_{c}" for c in categorieen()]].to_numpy().sum())
    print(f"{'':58s} {matched:,} points in a buurt by sjoin, {total:,} counted by tellingen "
          f"({len(pts) - matched:,} outside every buurt)")
    if total != matched:
        print(f"WARNING: tellingen counted {total:,} points but the bare sjoin matched {matched:,} distinct points")

    near_s, nearest = timed(bare_nearest, lambda: (fresh(pts), fresh(gebieden)))
    report("bare geopandas.sjoin_nearest per category (baseline)", near_s, len(pts))
    afs_s, dist = timed(afstanden, lambda: (fresh(pts), fresh(gebieden)))
    report("kaart.voorzieningen.afstanden (nearest per category)", afs_s, len(pts), near_s)
    print(f"{'':58s} {len(gebieden) * len(dist.columns) / afs_s:12,.0f} buurt-category distances/s")
    worst = max((abs(np.round(nearest[naam].groupby(level=0)["afstand"].first().reindex(gebieden.index))
                     - dist[f"vz_{naam}_afstand_m"]).max() for naam in nearest), default=0.0)
    if worst > 0.5:
        print(f"WARNING: afstanden differs from sjoin_nearest by up to {worst:.1f} m")

    print(f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
