"""Zooming into one city on the national map: the server's geometry path, another code tree against this one.

A kaart of about 15,000 buurten (the national 2014 layer from ../shared/data
with generated figures, as benchmarks/kaartpagina.py builds it) is served by the
real app (waitress) in a fresh process per run, for the code in ``--basis`` (by
default the main checkout beside this worktree) and for this tree, interleaved
(the order alternates per repeat). A run opens the map as the browser does (the
whole level at its start zoom, made in the background at start-up), then asks
for one city's view (a 1280 x 900 px window padded by half on each side, as
static/gebieden.js asks) at zooms 12, 14 and 16, each a zoom not asked before;
meanwhile another client asks for the catalogue, and its slowest answer says how
long the rest of the server waits behind a zoom. Then a pan-and-zoom session:
zooms 9 to 18 over five cities. Memory is the server process's resident size
(VmRSS) at start, after the first map and after the session.

Prints the median per figure for both trees and their ratio (this tree over the
basis); asserts nothing. ``--detail`` serves the map benchmark's detailed national kaart (cached), ``--kaart`` a built kaart (the 2014 layer has a median of 6 vertices
per buurt, so it shows little of what geometry costs; the map benchmark's detailed national kaart has 136).
Run: ``.venv/bin/python benchmarks/zoomen.py [--basis PAD] [--herhalingen N] [--kaart PAD | --detail]``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HIER = Path(__file__).resolve().parents[1]
STEDEN = {"Utrecht": (5.12, 52.09), "Amsterdam": (4.90, 52.37), "Rotterdam": (4.48, 51.92),
          "Groningen": (6.57, 53.22), "Eindhoven": (5.48, 51.44)}
"""The views of the session (lon, lat of their centre); the first is the city whose zooms are timed."""
EERSTE_ZOOMS = (12, 14, 16)
SESSIE_ZOOMS = range(9, 19)
VENSTER_PX = (1280, 900)


def bbox(stad: str, zoom: int) -> tuple[float, float, float, float]:
    """What the map asks at ``zoom`` over ``stad``: its window in degrees, padded by half on each side."""
    lon, lat = STEDEN[stad]
    graden_per_px = 360 / (256 * 2 ** zoom)
    half_breed = VENSTER_PX[0] * graden_per_px  # half the window padded by half each side: the whole window
    half_hoog = VENSTER_PX[1] * graden_per_px * math.cos(math.radians(lat))
    return lon - half_breed, lat - half_hoog, lon + half_breed, lat + half_hoog


def rss_mb() -> float:
    """This process's resident memory in MB (VmRSS from /proc)."""
    regel = next(r for r in Path("/proc/self/status").read_text().splitlines() if r.startswith("VmRSS:"))
    return int(regel.split()[1]) / 1024


def meet(pad: str) -> dict[str, float]:
    """One run in this process on the code PYTHONPATH points at: the figures of the module docstring."""
    import requests

    code = Path(os.environ["PYTHONPATH"].split(os.pathsep)[0])
    sys.path.insert(0, str(code / "tests"))
    from _server import running

    from webapp import create_app

    def vraag(url: str, pad_: str) -> float:
        begin = time.perf_counter()
        antwoord = requests.get(url + pad_, headers={"Accept-Encoding": "gzip"}, timeout=600)
        antwoord.raise_for_status()
        return time.perf_counter() - begin

    uit: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        begin = time.perf_counter()
        # Without the locatiezoeker's start-up work: on the national region it fills all memory (15.8 GB,
        # killed), which is not the path measured here.
        app = create_app({"KAART_PAD": pad, "WERKSESSIE_DB": f"sqlite:///{tmp}/w.sqlite",
                          "LOCATIEZOEKER_VOORBEREIDEN": False})
        with running(app) as url:
            from webapp.choropleth import start_zoom
            from webapp.staat import staat

            buurten = staat(app).kaart.gebieden["buurt"]
            start = start_zoom(buurten[buurten.geometry.notna() & ~buurten.geometry.is_empty])
            # Start-up's background work (the opening zoom's geometry) done before timing.
            while any(t.name.startswith("Thread-") and t.is_alive() for t in threading.enumerate()):
                time.sleep(0.1)
            uit["start-up, s"] = time.perf_counter() - begin
            uit["RSS at start, MB"] = rss_mb()
            uit["first map (whole level, start zoom), s"] = vraag(
                url, f"/api/v1/gebieden/buurt?indicator=drukpuntscore&zoom={start}")
            uit["RSS after the first map, MB"] = rss_mb()
            for zoom in EERSTE_ZOOMS:
                wachten: list[float] = []
                klaar = threading.Event()

                def ander() -> None:  # another visitor meanwhile: the catalogue, answered from what is kept
                    while not klaar.is_set():
                        wachten.append(vraag(url, "/api/v1/indicatoren"))
                        time.sleep(0.05)

                buur = threading.Thread(target=ander)
                buur.start()
                box = ",".join(f"{v:.5f}" for v in bbox("Utrecht", zoom))
                uit[f"first view of one city at zoom {zoom}, s"] = vraag(
                    url, f"/api/v1/gebieden/buurt?indicator=drukpuntscore&zoom={zoom}&bbox={box}")
                klaar.set()
                buur.join()
                uit[f"slowest other request meanwhile (zoom {zoom}), s"] = max(wachten)
            begin = time.perf_counter()
            for stad in STEDEN:
                for zoom in SESSIE_ZOOMS:
                    box = ",".join(f"{v:.5f}" for v in bbox(stad, zoom))
                    duur = vraag(url, f"/api/v1/gebieden/buurt?indicator=drukpuntscore&zoom={zoom}&bbox={box}")
                    print(f"{stad} zoom {zoom}: {duur:.2f} s, {rss_mb():.0f} MB", file=sys.stderr, flush=True)
            uit[f"session ({len(STEDEN)} cities x zooms 9-18), s"] = time.perf_counter() - begin
            uit["RSS after the session, MB"] = rss_mb()
    return uit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--basis", type=Path, default=HIER.parent / "main", help="the code tree to compare with")
    parser.add_argument("--herhalingen", type=int, default=3, help="runs per tree")
    parser.add_argument("--kaart", type=Path, help="a built kaart (GeoPackage) to serve instead of the national one")
    parser.add_argument("--detail", action="store_true",
                        help="the generated detailed national layer (benchmarks/_detail.py) instead of the 2014 one")
    parser.add_argument("--meet", help=argparse.SUPPRESS)  # one run, in a child process
    args = parser.parse_args()
    if args.meet:
        print(json.dumps(meet(args.meet)))
        return

    bomen = {"basis": args.basis.resolve(), "ours": HIER}
    runs: dict[str, list[dict[str, float]]] = {naam: [] for naam in bomen}
    if args.kaart:
        pad = str(args.kaart)
    else:
        sys.path.insert(0, str(HIER / "benchmarks"))
        from _nationaal import kaart_van_nederland  # the national kaart of the map benchmark, cached

        begin = time.perf_counter()
        kaart, gebouwd = kaart_van_nederland(detail=args.detail)
        print(f"{len(kaart.gebieden['buurt'])} buurten; kaart ready in {time.perf_counter() - begin:.0f} s")
        pad = str(gebouwd)
        del kaart
    for i in range(args.herhalingen):
        for naam in (list(bomen) if i % 2 == 0 else list(bomen)[::-1]):
            env = {**os.environ, "PYTHONPATH": str(bomen[naam])}
            kind = subprocess.run([sys.executable, __file__, "--meet", pad], env=env, cwd=bomen[naam],
                                  stdout=subprocess.PIPE, text=True, check=True)  # its steps on stderr
            runs[naam].append(json.loads(kind.stdout.strip().splitlines()[-1]))
            print(f"run {i + 1} {naam}: " + ", ".join(f"{v:.2f}" for v in runs[naam][-1].values()), flush=True)
    print(f"\n{'median of ' + str(args.herhalingen) + ' runs':58s} {'basis':>9s} {'ours':>9s} {'ours/basis':>11s}")
    for figuur in runs["ours"][0]:
        basis, ours = (statistics.median(r[figuur] for r in runs[naam]) for naam in bomen)
        print(f"{figuur:58s} {basis:9.2f} {ours:9.2f} {ours / basis:10.3f}x")


if __name__ == "__main__":
    main()
