"""All indicators, drukpunt scores and drukpuntgebieden for about 15,000 buurten: time and peak memory.

The geometry is the national 2014 buurt layer from ../shared/data (11,691
buurten, topped up to 15,000 with copies shifted east) with generated counts.
The counts follow one smooth "pressure" field over the country plus noise, as
real figures do (old, poor and single households cluster), so a realistic
share of buurten is flagged and the paths that explain flagged areas and join
them into drukpuntgebieden are exercised. Prints figures, ratios against a
baseline in the same process and a verdict against the targets (2 s, 1 GiB);
asserts nothing. Run: ``.venv/bin/python benchmarks/drukpunten.py``.
"""

from __future__ import annotations

import resource
import time

import geopandas as gpd
import numpy as np

from _buurten import buurtvormen

from kaart.clusters import hotspots
from kaart.drukpunten import analyseer

N = 15_000
DOEL_SECONDEN = 2.0
DOEL_GEHEUGEN_MIB = 1024


def buurten(vormen: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Generated figures for ``vormen`` (code and geometry; default: the 2014 layer topped up to N)."""
    frame = buurtvormen(N) if vormen is None else vormen
    rng = np.random.default_rng(42)
    n = len(frame)
    centre = frame.geometry.representative_point()
    druk = np.sin(centre.x.to_numpy() / 18_000) * np.cos(centre.y.to_numpy() / 23_000)  # -1 .. 1, smooth
    hoog = np.clip(0.5 + 0.35 * druk + rng.normal(0, 0.12, n), 0.02, 0.98)  # a buurt's share of pressure
    inwoners = rng.integers(50, 6000, n).astype(float)
    huishoudens = np.floor(inwoners / rng.uniform(1.8, 2.6, n))
    frame = frame.assign(
        gemeentecode="GM" + frame["code"].str[2:6], gemeentenaam="Gemeente " + frame["code"].str[2:6],
        wijkcode="WK" + frame["code"].str[2:8], naam="Buurt " + frame["code"], niveau="buurt", jaar=2014,
        water=False, cijfers="officieel",
        inwoners=inwoners, huishoudens=huishoudens, woningen=np.floor(huishoudens * 1.03),
        inwoners_65plus=np.floor(inwoners * (0.06 + 0.3 * hoog)),
        eenpersoonshuishoudens=np.floor(huishoudens * (0.2 + 0.4 * hoog)),
        pct_corporatiewoningen=(80 * hoog).round(), pct_huurwoningen=(10 + 85 * hoog).round(),
        pct_koopwoningen=(90 - 80 * hoog).round(), woz_gemiddeld=(900 - 700 * hoog).round(),
        pct_huishoudens_laag_inkomen=(2 + 28 * hoog).round(1),
        bijstand=np.floor(inwoners * 0.08 * hoog), wmo_clienten=np.floor(inwoners * (0.02 + 0.1 * hoog)),
        verweduwd=np.floor(inwoners * (0.02 + 0.06 * hoog)), gescheiden=np.floor(inwoners * (0.04 + 0.08 * hoog)),
        pct_bouwjaar_voor_2000=(40 + 55 * hoog).round(), jongeren_met_jeugdzorg=np.floor(inwoners * 0.03 * hoog),
        ao_uitkering=np.floor(inwoners * 0.06 * hoog), nettoarbeidsparticipatie=(75 - 25 * hoog).round(1),
        afstand_huisarts_km=rng.uniform(0.2, 5, n).round(1), afstand_grote_supermarkt_km=rng.uniform(0.2, 6, n).round(1),
        oppervlakte_land_ha=rng.uniform(5, 800, n).round(),
    )
    frame.loc[rng.random(n) < 0.05, "inwoners_65plus"] = np.nan  # suppressed cells
    return gpd.GeoDataFrame(frame.set_index("code"), geometry="geometry", crs="EPSG:28992")


def gemeenten(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The gemeente level (summed counts; convex hulls stand in for dissolved shapes, made before timing)."""
    from kaart.gebieden import aggregate

    stats = aggregate(frame.reset_index(), "gemeentecode")
    hulls = frame.geometry.convex_hull.groupby(frame["gemeentecode"]).agg(lambda g: g.envelope.union_all().envelope)
    stats = stats.assign(niveau="gemeente", naam="Gemeente " + stats.index.str[2:], gemeentecode=stats.index,
                         gemeentenaam="Gemeente " + stats.index.str[2:], jaar=2014, cijfers="opgeteld")
    return gpd.GeoDataFrame(stats, geometry=hulls.reindex(stats.index).values, crs="EPSG:28992")


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def main() -> None:
    frame = buurten()
    levels = {"gemeente": gemeenten(frame), "buurt": frame}
    print(f"{len(frame)} buurten in {len(levels['gemeente'])} gemeenten")
    _, baseline = timed(lambda f: f.select_dtypes("number").sum(), frame)
    print(f"{'baseline: sum of every numeric column':58s} {baseline * 1000:8.1f} ms")
    analyse, seconds = timed(analyseer, levels, "Nederland (gegenereerd)", "algemeen", clusters=False)
    b = analyse.gebieden["buurt"]
    print(f"{'indicators, z, scores, flags, reasons, rank stability':58s} {seconds * 1000:8.1f} ms  "
          f"{seconds / baseline:7.0f}x baseline")
    print(f"{'':58s} {int(b['drukpunt'].sum())} drukpunten with reasons, "
          f"{int(b['drukpuntscore'].notna().sum())} buurten scored")
    clusters, cluster_seconds = timed(hotspots, b)
    groups = clusters["drukpuntgebied"].dropna()
    print(f"{'Local Moran (999 permutations, FDR) + cluster test (999)':58s} {cluster_seconds * 1000:8.1f} ms  "
          f"{cluster_seconds / baseline:7.0f}x baseline")
    print(f"{'':58s} {groups.nunique()} drukpuntgebieden of {len(groups)} buurten")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS {rss:.0f} MiB (everything: the 2014 layer, pandas, the analysis)")
    verdict = "MET" if seconds < DOEL_SECONDEN and rss < DOEL_GEHEUGEN_MIB else "MISSED"
    print(f"target: indicators and scores under {DOEL_SECONDEN:.0f} s and {DOEL_GEHEUGEN_MIB} MiB: {verdict} "
          f"({seconds:.2f} s, {rss:.0f} MiB); with clusters {seconds + cluster_seconds:.2f} s")


if __name__ == "__main__":
    main()
