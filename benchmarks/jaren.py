"""How much a kaart over five years costs against one year, in the same run: time and peak memory.

Two cases (issue #17): a region of about 1,000 buurten (the national 2014 layer's largest gemeenten, figures
generated per year) and the whole country at wijk level (tmap's real KWB 2022 wijken and gemeenten, the
older years derived from them). Older years carry geometry, as PDOK gives it online, so the harmonisation
compares every boundary; a few codes are renumbered per year so the code-change rule runs too. Each build
runs in a fresh process, which reports its own peak RSS. Prints figures and ratios; asserts nothing.
Run: ``.venv/bin/python benchmarks/jaren.py``.
"""

from __future__ import annotations

import multiprocessing
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _buurten import SHARED  # noqa: E402

JAREN = [2018, 2019, 2020, 2021, 2022]
JAAR_NIEUW = JAREN[-1]
TMAP = SHARED / "cbs_kwb2022_tmap" / "nl_kwb2022_wijk_gemeente_provincie.gpkg"
BUURTEN_2014 = SHARED / "nl_buurten_2014_topojson" / "Buurt_2014_layer_q1e3.topojson"


def _jaar(rijen: pd.DataFrame, jaar: int, stap: int, rng) -> pd.DataFrame:
    """The rows as they might have been ``stap`` years earlier: counts a little lower, shares drifting,
    and two areas under another code (renumbered since)."""
    rijen = rijen.copy()
    rijen["jaar"] = jaar
    for k in ("inwoners", "woningen", "huishoudens"):
        if k in rijen:
            rijen[k] = (pd.to_numeric(rijen[k]) * (1 - 0.01 * stap) * rng.uniform(0.97, 1.03, len(rijen))).round()
    for k in [c for c in rijen.columns if c.startswith("pct_")]:
        rijen[k] = (pd.to_numeric(rijen[k]) + rng.normal(0, 0.5 * stap, len(rijen))).clip(0, 100).round(1)
    bezet = set(rijen["code"])
    for i in rijen.index[rijen["niveau"] == rijen["niveau"].iloc[-1]][:2]:
        rijen.loc[i, "code"] = next(c for n in range(99, 0, -1)
                                    if (c := f"{rijen.loc[i, 'code'][:-2]}{n:02d}") not in bezet)
        bezet.add(rijen.loc[i, "code"])
    return rijen


def _regio_buurten() -> tuple[pd.DataFrame, list[str]]:
    """About 1,000 buurten of the largest gemeenten of the 2014 layer, with generated figures."""
    from layers.bestanden import load_bestand

    rijen = load_bestand(BUURTEN_2014, jaar=JAAR_NIEUW)[0].rijen.to_crs("EPSG:28992")
    rijen = rijen[rijen.geometry.notna() & ~rijen.geometry.is_empty & rijen.geometry.is_valid]
    per_gemeente = rijen.groupby("gemeentecode").size().sort_values(ascending=False)
    gemeenten = list(per_gemeente.index[per_gemeente.cumsum() <= 1000])
    rijen = rijen[rijen["gemeentecode"].isin(gemeenten)].reset_index(drop=True)
    rng = np.random.default_rng(7)
    rijen["inwoners"] = rng.integers(200, 5000, len(rijen)).astype(float)
    rijen["huishoudens"] = (rijen["inwoners"] / rng.uniform(1.8, 2.6, len(rijen))).round()
    rijen["woningen"] = (rijen["huishoudens"] * 1.03).round()
    rijen["pct_65plus"] = rng.uniform(8, 35, len(rijen)).round(1)
    rijen["pct_eenpersoonshuishoudens"] = rng.uniform(20, 60, len(rijen)).round(1)
    return rijen, gemeenten


def _landelijk() -> tuple[pd.DataFrame, list[str]]:
    """Every wijk and gemeente of 2022 with CBS's figures (tmap's GeoPackage)."""
    from layers.bestanden import load_bestand

    lagen = load_bestand(TMAP, jaar=JAAR_NIEUW)
    rijen = pd.concat([laag.rijen for laag in lagen], ignore_index=True)
    import geopandas as gpd

    rijen = gpd.GeoDataFrame(rijen, geometry="geometry", crs=lagen[0].rijen.crs)
    return rijen, sorted(rijen.loc[rijen["niveau"] == "gemeente", "gemeentecode"].unique())


def _bouw(geval: str, jaren: int, wachtrij) -> None:
    """One build in this fresh process; puts (seconds, peak RSS in MB, series rows) on ``wachtrij``."""
    from kaart.bouwen import Bron, Jaargang, build_kaart

    rijen, gemeenten = _regio_buurten() if geval == "regio" else _landelijk()
    rng = np.random.default_rng(1)
    eerdere = {j: Jaargang([Bron(_jaar(rijen, j, JAAR_NIEUW - j, rng), {"bron": f"{geval} {j}"})])
               for j in JAREN[-jaren:-1]}
    start = time.perf_counter()
    kaart = build_kaart([Bron(rijen, {"bron": f"{geval} {JAAR_NIEUW}"})], gemeenten=gemeenten, jaar=JAAR_NIEUW,
                        titel=geval, bron="benchmark", eerdere=eerdere)
    seconden = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    wachtrij.put((seconden, rss, len(kaart.tabellen.get("reeksen", ())), {n: len(f) for n, f in kaart.gebieden.items()}))


def meet(geval: str, jaren: int) -> tuple[float, float, int, dict]:
    ctx = multiprocessing.get_context("spawn")
    wachtrij = ctx.Queue()
    proces = ctx.Process(target=_bouw, args=(geval, jaren, wachtrij))
    proces.start()
    uitkomst = wachtrij.get()
    proces.join()
    return uitkomst


def main() -> None:
    if not TMAP.exists() or not BUURTEN_2014.exists():
        print(f"The shared data is not at {SHARED}: set KAART_SHARED_DATA.")
        return
    for geval, naam in (("regio", "region of ~1,000 buurten"), ("land", "the whole country at wijk level")):
        een = meet(geval, 1)
        vijf = meet(geval, 5)
        print(f"{naam} ({', '.join(f'{v} {n}' for n, v in een[3].items())}):")
        print(f"  1 year  (baseline) {een[0]:7.1f} s   peak {een[1]:7.0f} MB")
        print(f"  5 years            {vijf[0]:7.1f} s   peak {vijf[1]:7.0f} MB   "
              f"{vijf[0] / een[0]:4.1f}x time, {vijf[1] / een[1]:4.1f}x memory, {vijf[2]:,} series values")


if __name__ == "__main__":
    main()
