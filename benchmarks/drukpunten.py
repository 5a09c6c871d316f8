"""All indicators and drukpunt scores for about 15,000 buurten: time and peak memory.

The geometry is the national 2014 buurt layer from ../shared/data (11,691
buurten, topped up to 15,000 with copies shifted east) with generated counts,
so the figures are plausible and the shapes real. Prints figures and ratios
against a baseline in the same process; asserts nothing.
Run: ``.venv/bin/python benchmarks/drukpunten.py``.
"""

from __future__ import annotations

import resource
import time
import tracemalloc

import geopandas as gpd
import numpy as np
import pandas as pd

from _buurten import buurtvormen

from kaart.clusters import hotspots
from kaart.drukpunten import markeer, profiel, rangstabiliteit, samengesteld, z_scores
from kaart.indicatoren import waarden

N = 15_000


def buurten() -> gpd.GeoDataFrame:
    frame = buurtvormen(N)
    rng = np.random.default_rng(42)
    n = len(frame)
    inwoners = rng.integers(0, 6000, n).astype(float)
    huishoudens = np.floor(inwoners / rng.uniform(1.8, 2.6, n))
    frame = frame.assign(
        inwoners=inwoners, huishoudens=huishoudens, woningen=np.floor(huishoudens * 1.03),
        inwoners_65plus=np.floor(inwoners * rng.uniform(0.08, 0.4, n)),
        eenpersoonshuishoudens=np.floor(huishoudens * rng.uniform(0.2, 0.6, n)),
        pct_corporatiewoningen=rng.integers(0, 80, n).astype(float),
        pct_huurwoningen=rng.integers(10, 95, n).astype(float),
        woz_gemiddeld=rng.integers(120, 900, n).astype(float),
        pct_huishoudens_laag_inkomen=rng.uniform(1, 30, n).round(1),
        bijstand=np.floor(inwoners * rng.uniform(0, 0.08, n)),
        wmo_clienten=np.floor(inwoners * rng.uniform(0.02, 0.12, n)),
        afstand_huisarts_km=rng.uniform(0.2, 5, n).round(1),
        oppervlakte_land_ha=rng.uniform(5, 800, n).round(),
    )
    frame.loc[rng.random(n) < 0.05, "inwoners_65plus"] = np.nan  # suppressed cells
    return frame.set_index("code")


def scores(frame: pd.DataFrame) -> pd.DataFrame:
    p = profiel("algemeen")
    z = z_scores(frame)
    out = frame[[]].join(waarden(frame)).join(samengesteld(z, p.gewichten))
    out["drukpunt"] = markeer(out["drukpuntscore"], frame["inwoners"])
    return out.join(rangstabiliteit(z, p.gewichten))


def measure(fn, *args):
    tracemalloc.start()
    start = time.perf_counter()
    result = fn(*args)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, seconds, peak


def main() -> None:
    frame = buurten()
    print(f"{len(frame)} buurten")
    _, baseline, _ = measure(lambda f: f.select_dtypes("number").sum(), frame)
    print(f"{'baseline: sum of every numeric column':50s} {baseline * 1000:8.1f} ms")
    result, seconds, peak = measure(scores, frame)
    print(f"{'indicators + scores + flags + rank stability':50s} {seconds * 1000:8.1f} ms  "
          f"{seconds / baseline:7.1f}x baseline  peak {peak / 2**20:6.1f} MiB (Python allocations)")
    print(f"{'':50s} {int(result['drukpunt'].sum())} drukpunten, "
          f"{int(result['drukpuntscore'].notna().sum())} areas scored")
    geo = frame.join(result[["drukpuntscore"]])
    geo = gpd.GeoDataFrame(geo, geometry="geometry", crs="EPSG:28992")
    _, seconds, peak = measure(hotspots, geo)
    print(f"{'Local Moran hot spots (999 permutations, FDR)':50s} {seconds * 1000:8.1f} ms  "
          f"{seconds / baseline:7.1f}x baseline  peak {peak / 2**20:6.1f} MiB")
    print(f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
