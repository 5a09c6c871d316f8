"""How long building a kaart takes, against reading its input in the same process.

Prints figures and ratios; asserts nothing (the machines are shared and noisy).
Run: ``make benchmark`` or ``.venv/bin/python benchmarks/bouwen.py``.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

import geopandas as gpd

from kaart.bouwen import Bron, build_kaart
from kaart.gebieden import assemble
from kaart.kaartbestand import write_kaart
from layers.bestanden import load_bestand
from layers.demo import build_demo

SHARED = Path(os.environ.get("KAART_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


def timed(fn, repeat: int = 3) -> float:
    """Median wall time of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(name: str, seconds: float, baseline: float, baseline_name: str) -> None:
    print(f"{name:55s} {seconds * 1000:9.1f} ms   {seconds / baseline:6.1f}x {baseline_name}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "k.gpkg"
        demo = build_demo()
        write_baseline = timed(lambda: demo.gebieden["buurt"].to_file(Path(tmp) / "b.gpkg", engine="pyogrio"))
        report("write demo buurten with geopandas (baseline)", write_baseline, write_baseline, "baseline")
        report("generate demo (build_demo)", timed(build_demo), write_baseline, "baseline")
        report("write demo kaart (all layers, atomic)", timed(lambda: write_kaart(demo, out)), write_baseline, "baseline")

        buurten = SHARED / "drechtsteden_2023" / "buurten_2023_drechtsteden.geojson"
        gemeenten = SHARED / "nl_gemeenten_2023" / "gemeenten_2023_kwb_simplified.geojson"
        if buurten.exists():
            read = timed(lambda: gpd.read_file(buurten, engine="pyogrio"))
            report("read Drechtsteden buurten 2023 (baseline)", read, read, "baseline")

            def build_drechtsteden():
                bronnen = [Bron(l.rijen, l.info) for f in (buurten, gemeenten) for l in load_bestand(f)]
                kaart = build_kaart(bronnen, gemeenten=["GM0505", "GM0642", "GM0590", "GM0610", "GM0482",
                                                        "GM0523", "GM0531"], jaar=2023, titel="D", bron="bestanden")
                write_kaart(kaart, out)

            report("build + write Drechtsteden kaart (358 buurten)", timed(build_drechtsteden), read, "read")

        national = SHARED / "nl_buurten_2014_topojson" / "Buurt_2014_layer_q1e3.topojson"
        if national.exists():
            read = timed(lambda: gpd.read_file(f"TopoJSON:{national}", engine="pyogrio"), repeat=1)
            report("read national buurten 2014 (baseline)", read, read, "baseline")
            rows = load_bestand(national, jaar=2014)[0].rijen
            report(f"assemble {len(rows)} national buurten into wijken and gemeenten",
                   timed(lambda: assemble(rows), repeat=1), read, "read")


if __name__ == "__main__":
    main()
