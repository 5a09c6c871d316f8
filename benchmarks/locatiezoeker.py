"""The locatiezoeker's first visit and a slider move per woonvorm on the demo, and scoring a region of about
1,000 km² on the 100 m grid (about 100,000 cells): the locatiezoeker against the plain geopandas way, in the
same process.

The demo (the Voorbeeldregio of ``layers.demo``, written as a kaart and served by the real app through
Flask's test client), per woonvorm:

* first visit, cold: ``GET /locaties?profiel=...`` on an app whose locatiezoeker has measured nothing yet
  (what a visitor met before the background start-up);
* start-up: the app's background preparation (``Zoeker.voorbereid``), once for every woonvorm;
* first visit, after start-up: the same page once that has run -- the target is under 2 s;
* a slider move: the page with another weight and buffer (scoring and the image, no measuring);
* baseline: the plain geopandas way (below) for the same profile on the demo, which every slider move
  would repeat.

The region is a 32 x 32 km window of the national 2014 buurt layer in
../shared/data (or KAART_SHARED_DATA) around Amersfoort; without it, Voronoi
buurten stand in. Densities, drukpunt scores, zorgdruk and the facilities
(schools, special housing, care, public transport) are generated with a fixed
seed. Profile: Skaeve Huse (four exclusions, five preferences).

* ours, first: ``meet`` (the grid and every exact distance, once) plus
  ``beoordeel`` (exclusions, weighted overlay, candidate areas) -- the target
  is under 5 s;
* ours, a slider moved: ``beoordeel`` alone on the kept measurements;
* baseline: the plain geopandas way for the same exclusions and preferences --
  buffer each feature set and ``sjoin`` the cell squares against it, then
  ``sjoin_nearest`` from the cell centres for every distance preference, then the
  weighted overlay in pandas. Every slider move repeats all of it.

It prints the figures and the ratios, asserts nothing (the machines are shared
and noisy). Run: ``.venv/bin/python benchmarks/locatiezoeker.py`` (add ``--groot`` for the 1,000 km²
region as well).
"""

from __future__ import annotations

import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPoint, box

from _buurten import SHARED

from kaart.kaartbestand import Kaart
from kaart.locatiezoeker import beoordeel, meet
from kaart.woonvormen import woonvorm

DOEL_EERSTE_S = 2.0
VENSTER = (139_000.0, 447_000.0, 171_000.0, 479_000.0)  # 32 x 32 km around Amersfoort, RD New
DOEL_S = 5.0
REPEAT = 3
SEED = 7
FACILITEITEN = {"school": 250, "huisarts": 120, "ggz": 15, "ov_halte": 900, "beschermd_wonen": 12,
                "maatschappelijke_opvang": 6, "skaeve_huse": 3}


def _buurten(rng: np.random.Generator) -> gpd.GeoDataFrame:
    pad = SHARED / "nl_buurten_2014_topojson" / "Buurt_2014_layer_q1e3.topojson"
    venster = box(*VENSTER)
    if pad.exists():
        from layers.bestanden import load_bestand

        frame = load_bestand(pad, jaar=2014)[0].rijen.to_crs("EPSG:28992")
        frame = frame[~(shapely.is_missing(frame.geometry.values) | shapely.is_empty(frame.geometry.values))].copy()
        frame["geometry"] = shapely.make_valid(frame.geometry.values)
        frame = frame[frame.geometry.intersects(venster)].copy()
        frame["geometry"] = frame.geometry.intersection(venster)
        frame = frame[frame.geometry.area > 0].set_index("code")[["geometry"]]
        bron = f"{len(frame)} real 2014 buurten (national layer, clipped to the window)"
    else:
        punten = MultiPoint(rng.uniform(VENSTER[:2], VENSTER[2:], size=(700, 2)))
        cellen = [c.intersection(venster) for c in shapely.voronoi_polygons(punten, extend_to=venster).geoms]
        frame = gpd.GeoDataFrame(geometry=cellen, crs="EPSG:28992")
        frame.index = [f"BU{i:08d}" for i in range(len(frame))]
        bron = f"{len(frame)} Voronoi buurten (no shared data)"
    frame = gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:28992")
    n = len(frame)
    frame["naam"] = [f"Buurt {i}" for i in range(n)]
    frame["gemeentecode"] = [f"GM{9000 + i % 6}" for i in range(n)]
    frame["gemeentenaam"] = [f"Gemeente {i % 6}" for i in range(n)]
    frame["water"] = 0
    frame["bevolkingsdichtheid"] = rng.lognormal(7, 1.2, n)
    frame["drukpuntscore"] = rng.normal(0, 1, n)
    frame.attrs["bron"] = bron
    return frame


def _kaart(rng) -> Kaart:
    buurten = _buurten(rng)
    gemeenten = buurten.dissolve("gemeentecode")[["geometry"]]
    gemeenten["naam"] = [f"Gemeente {i}" for i in range(len(gemeenten))]
    gemeenten["inwoners"] = rng.integers(20_000, 150_000, len(gemeenten)).astype(float)
    gemeenten["zorgdruk_plaatsen"] = rng.integers(0, 200, len(gemeenten)).astype(float)
    rijen = []
    for categorie, aantal in FACILITEITEN.items():
        xy = rng.uniform(VENSTER[:2], VENSTER[2:], size=(aantal, 2))
        rijen += [{"categorie": categorie, "naam": f"{categorie} {i}", "geometry": shapely.Point(x, y)}
                  for i, (x, y) in enumerate(xy)]
    punten = gpd.GeoDataFrame(rijen, geometry="geometry", crs="EPSG:28992")
    kaart = Kaart(gebieden={"gemeente": gemeenten, "buurt": buurten}, metadata={"jaar": 2023, "titel": "benchmark"},
                  extra={"voorzieningen": punten})
    kaart.metadata["bron"] = buurten.attrs["bron"]
    return kaart


def naief(kaart: Kaart, w) -> pd.Series:
    """The plain geopandas way: cell squares, buffered features, sjoin per exclusion, sjoin_nearest per preference."""
    buurten = kaart.gebieden["buurt"]
    minx, miny, maxx, maxy = buurten.total_bounds
    xs = np.arange(np.floor(minx / 100) * 100, maxx, 100)
    ys = np.arange(np.floor(miny / 100) * 100, maxy, 100)
    gx, gy = np.meshgrid(xs, ys)
    cellen = gpd.GeoDataFrame(geometry=shapely.box(gx.ravel(), gy.ravel(), gx.ravel() + 100, gy.ravel() + 100),
                              crs="EPSG:28992")
    centres = gpd.GeoDataFrame(geometry=cellen.centroid, crs="EPSG:28992")
    cellen = cellen.loc[gpd.sjoin(centres, buurten[["geometry"]], predicate="intersects").index.unique().sort_values()]
    centres = centres.loc[cellen.index]
    punten = kaart.extra["voorzieningen"]
    weg = pd.Series(False, index=cellen.index)
    for c in w.uitsluitingen:
        if c.soort == "voorzieningen":
            doel = punten[punten["categorie"].isin(c.categorieen)]
        elif c.soort == "woonbebouwing":
            doel = buurten[buurten["bevolkingsdichtheid"] >= c.dichtheid_min]
        else:
            doel = buurten[buurten["water"] == 1]
        if len(doel):
            gebufferd = gpd.GeoDataFrame(geometry=doel.geometry.buffer(c.afstand_m) if c.afstand_m else doel.geometry)
            weg[gpd.sjoin(cellen, gebufferd, predicate="intersects").index.unique()] = True
    over = centres[~weg]
    score, gewicht = pd.Series(0.0, index=over.index), 0.0
    for c in w.voorkeuren:
        if c.soort in ("voorzieningen", "woonbebouwing"):
            doel = (punten[punten["categorie"].isin(c.categorieen)] if c.soort == "voorzieningen"
                    else buurten[buurten["bevolkingsdichtheid"] >= c.dichtheid_min])
            d = gpd.sjoin_nearest(over, doel[["geometry"]], distance_col="d")["d"].groupby(level=0).min()
            nut = d.clip(upper=c.tot_m) * (1 if c.richting == "ver" else -1)
        else:
            waarde = gpd.sjoin(over, buurten[["geometry", "drukpuntscore"]], predicate="intersects")
            nut = -waarde["drukpuntscore"].groupby(level=0).first()
        score += c.gewicht * (nut - nut.min()) / (nut.max() - nut.min())
        gewicht += c.gewicht
    return score / gewicht


def _tijd(functie) -> tuple[float, object]:
    tijden, uitkomst = [], None
    for _ in range(REPEAT):
        start = time.perf_counter()
        uitkomst = functie()
        tijden.append(time.perf_counter() - start)
    return statistics.median(tijden), uitkomst


def _pagina(client, query: str) -> float:
    start = time.perf_counter()
    antwoord = client.get(f"/locaties?{query}")
    duur = time.perf_counter() - start
    if antwoord.status_code != 200:
        raise SystemExit(f"/locaties?{query} answered {antwoord.status_code}")
    return duur


def demo() -> None:
    """First visit (cold, and after the start-up preparation) and a slider move per woonvorm on the demo."""
    from kaart.kaartbestand import write_kaart
    from kaart.woonvormen import woonvormen
    from layers.demo import build_demo
    from webapp import create_app
    from webapp.locaties import Zoeker
    from webapp.staat import staat

    kaart = build_demo()
    with tempfile.TemporaryDirectory(prefix="bench-locaties-") as map_:
        pad = write_kaart(kaart, Path(map_) / "demo.gpkg")
        app = create_app({"KAART_PAD": str(pad), "TESTING": True}, instance_path=Path(map_) / "instance")
        client = app.test_client()
        toestand = staat(app)
        toestand.locatiezoeker.voorbereid()  # waits for the app's own background preparation: no competition
        print(f"Demo: {len(toestand.kaart.gebieden['buurt'])} buurten, "
              f"{len(toestand.kaart.extra.get('voorzieningen', []))} facilities")
        print(f"{'woonvorm':14s} {'cold':>7s} {'start-up':>9s} {'first':>7s} {'slider':>7s} {'baseline':>9s}  "
              f"first/cold  first/base  slider/base")
        for naam, w in woonvormen().items():
            with app.app_context():
                toestand.locatiezoeker = Zoeker(toestand.kaart)  # nothing measured: the cold visit
            koud = _pagina(client, f"profiel={naam}")
            with app.app_context():
                toestand.locatiezoeker = Zoeker(toestand.kaart)
                start = time.perf_counter()
                toestand.locatiezoeker.voorbereid()
                opstart = time.perf_counter() - start
            eerste = _pagina(client, f"profiel={naam}")
            voorkeur, uitsluiting = w.voorkeuren[0], w.uitsluitingen[0]
            schuif = _pagina(client, f"profiel={naam}&basis={naam}&gewicht_{voorkeur.id}={voorkeur.gewicht + 1:g}"
                                     f"&afstand_{uitsluiting.id}={uitsluiting.afstand_m + 100:g}")
            basis, _ = _tijd(lambda: naief(toestand.kaart, w))
            print(f"{naam:14s} {koud:6.2f}s {opstart:8.2f}s {eerste:6.3f}s {schuif:6.3f}s {basis:8.2f}s  "
                  f"{eerste / koud:10.3f}  {eerste / basis:10.3f}  {schuif / basis:11.3f}"
                  f"   first visit < {DOEL_EERSTE_S:.0f} s: {'met' if eerste < DOEL_EERSTE_S else 'NOT met'}")
        print("(start-up runs once in the background for all woonvormen; 'first' is the first visit after it)")


def main() -> None:
    demo()
    if "--groot" in sys.argv:
        groot()


def groot() -> None:
    rng = np.random.default_rng(SEED)
    kaart = _kaart(rng)
    w = woonvorm("skaeve-huse")
    print(f"Region: {kaart.metadata['bron']}, {(VENSTER[2] - VENSTER[0]) * (VENSTER[3] - VENSTER[1]) / 1e6:.0f} km² "
          f"window; {len(kaart.extra['voorzieningen'])} facilities; profile {w.label}")
    eerste, (m, u) = _tijd(lambda: (lambda m: (m, beoordeel(m)))(meet(kaart, w)))
    ander = w.met({"zorg": 3, "rust": 0.5}, {"scholen": 800})
    schuif, _ = _tijd(lambda: beoordeel(m, ander))
    basis, naieve = _tijd(lambda: naief(kaart, w))
    cellen = len(m.kandidaten)
    piek = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Cells: {cellen:,} of 100 m ({cellen / 100:,.0f} km² of land); {int(np.isfinite(u.score).sum()):,} remain "
          f"after the exclusions; {len(u.lijst)} candidate areas")
    print(f"ours, first (measure + score):    {eerste:6.2f} s  ({eerste / basis:.2f}x baseline)  "
          f"target < {DOEL_S:.0f} s: {'met' if eerste < DOEL_S else 'NOT met'}")
    print(f"ours, a slider moved (score):     {schuif:6.3f} s  ({schuif / basis:.3f}x baseline)")
    print(f"baseline (geopandas buffer/sjoin): {basis:6.2f} s  ({len(naieve):,} cells scored)")
    overeen = np.isfinite(u.score).sum() / max(len(naieve), 1)
    print(f"Remaining cells ours/baseline: {overeen:.3f} (the baseline's buffers are polygons, so slightly smaller); "
          f"peak RSS {piek:.0f} MiB")


if __name__ == "__main__":
    main()
