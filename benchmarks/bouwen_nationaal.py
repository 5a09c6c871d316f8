"""Building the national buurt kaart: contiguity and dissolves the old way against the new, and the whole build.

On the national 2014 buurt layer from ../shared/data (or KAART_SHARED_DATA), topped up to 15,000 buurten as in
``benchmarks/drukpunten.py``, in one process, interleaved (old, new, old, new, ...) so the shared machine's load
falls on both alike:

- contiguity: libpysal's ``Queen.from_dataframe``, built a second time without the islands as the analysis did,
  against ``kaart.clusters`` today (``buren``: shared vertices by array operations, one ``W``);
- dissolves: ``union_all(grid_size)`` of the buurten per wijk and again per gemeente, against
  ``kaart.gebieden.samen`` (coverage union where the parts are a valid coverage) per wijk and per gemeente
  from those wijken.

Seconds are medians of the repeats; memory is the peak of Python's and numpy's heap (tracemalloc, one extra
run each; GEOS's own allocations are not seen). Then the whole build (``build_kaart`` of every gemeente, with
generated figures as in ``benchmarks/drukpunten.py``) in a fresh process per run, alternating this checkout and
a baseline revision (``--basis``, default ``main``, unpacked with ``git archive``), each with its peak RSS, and
the time ``import webapp`` takes in each. Prints figures and ratios; asserts nothing (the machine is shared).
Run: ``.venv/bin/python benchmarks/bouwen_nationaal.py [--basis REV] [--herhalingen N]``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

import shapely

HIER = Path(__file__).resolve().parent
CHECKOUT = HIER.parent
DOEL_SECONDEN, DOEL_MIB = 20.0, 1024


def oude_gewichten(frame):
    """The analysis's weights before ``kaart.clusters.buren``: Queen, and Queen again without the islands."""
    from libpysal.weights import Queen

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = Queen.from_dataframe(frame, use_index=True, silence_warnings=True)
        connected = [i for i in frame.index if w.cardinalities[i] > 0]
        if len(connected) < len(frame):
            w = Queen.from_dataframe(frame.loc[connected], use_index=True, silence_warnings=True)
    w.transform = "r"
    return w


def nieuwe_gewichten(frame):
    from kaart.clusters import _connected_weights

    return _connected_weights(frame)


def oude_unies(buurten):
    """Every wijk and every gemeente dissolved from its buurten by overlay (1 cm grid)."""
    from kaart.gebieden import GRID

    wijken = [shapely.union_all(g.values, grid_size=GRID) for _, g in buurten.geometry.groupby(buurten["wijkcode"])]
    gemeenten = [shapely.union_all(g.values, grid_size=GRID)
                 for _, g in buurten.geometry.groupby(buurten["gemeentecode"])]
    return wijken, gemeenten


def nieuwe_unies(buurten):
    """Every wijk from its buurten, every gemeente from its wijken (``kaart.gebieden.samen``)."""
    from kaart.gebieden import samen

    wijken = buurten.geometry.groupby(buurten["wijkcode"]).agg(lambda g: samen(g.values))
    gemeenten = [samen(g.values) for _, g in wijken.groupby(wijken.index.str[2:6])]
    return list(wijken), gemeenten


def tijd_en_geheugen(stappen: dict, argument, herhalingen: int) -> dict[str, tuple[float, float]]:
    """Per step (name -> function), the median seconds over interleaved repeats and the traced peak MiB."""
    tijden = {naam: [] for naam in stappen}
    for _ in range(herhalingen):
        for naam, stap in stappen.items():
            start = time.perf_counter()
            stap(argument)
            tijden[naam].append(time.perf_counter() - start)
    uit = {}
    for naam, stap in stappen.items():
        tracemalloc.start()
        stap(argument)
        piek = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        uit[naam] = (statistics.median(tijden[naam]), piek)
    return uit


def vergelijk(titel: str, uitkomst: dict[str, tuple[float, float]]) -> None:
    (oud, (t_oud, m_oud)), (nieuw, (t_nieuw, m_nieuw)) = uitkomst.items()
    print(f"{titel}")
    print(f"  {oud:52s} {t_oud:7.2f} s  {m_oud:7.0f} MiB traced")
    print(f"  {nieuw:52s} {t_nieuw:7.2f} s  {m_nieuw:7.0f} MiB traced  {t_oud / t_nieuw:5.1f}x faster, "
          f"{m_oud / max(m_nieuw, 1e-9):5.1f}x less memory")


def kind() -> None:
    """One whole national build in this (fresh) process: prints seconds and peak RSS as JSON."""
    sys.path.insert(0, str(HIER))
    from drukpunten import buurten

    from kaart.bouwen import Bron, build_kaart

    rijen = buurten().drop(columns="cijfers").reset_index()
    start, cpu = time.perf_counter(), time.process_time()
    kaart = build_kaart([Bron(rijen, {"bron": "gegenereerd"})], gemeenten=sorted(rijen["gemeentecode"].unique()),
                        jaar=2014, titel="Nederland (gegenereerd)", bron="bestanden")
    print(json.dumps({"seconden": time.perf_counter() - start, "cpu": time.process_time() - cpu,
                      "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "aantallen": {n: len(f) for n, f in kaart.gebieden.items()}}))


def basisboom(revisie: str, map_: Path) -> Path | None:
    """The packages of ``revisie`` unpacked in ``map_``, or None when git cannot give them."""
    archief = map_ / "basis.tar"
    result = subprocess.run(["git", "-C", str(CHECKOUT), "archive", "-o", str(archief), revisie, "kaart", "layers", "webapp"],
                            capture_output=True, text=True)
    if result.returncode:
        print(f"no baseline: git archive {revisie}: {result.stderr.strip()}")
        return None
    with tarfile.open(archief) as tar:
        tar.extractall(map_ / "basis", filter="data")
    return map_ / "basis"


def in_kind(boom: Path, *args: str) -> dict:
    result = subprocess.run([sys.executable, str(Path(__file__).resolve()), *args], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(boom)})
    if result.returncode:
        raise RuntimeError(result.stderr[-2000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def importtijd() -> None:
    start = time.perf_counter()
    importlib.import_module("webapp")

    print(json.dumps({"seconden": time.perf_counter() - start,
                      "pysal": [m for m in ("esda", "libpysal") if m in sys.modules]}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--basis", default="main", help="revision to compare the whole build against")
    parser.add_argument("--herhalingen", type=int, default=3)
    parser.add_argument("--kind", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--importtijd", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.kind:
        return kind()
    if args.importtijd:
        return importtijd()

    sys.path.insert(0, str(HIER))
    from drukpunten import buurten

    from kaart.normaliseren import repaired

    frame = buurten()
    frame = frame.set_geometry(repaired(frame.geometry.values)[0])  # valid again after reprojection, as a build has
    print(f"{len(frame)} buurten, {frame['wijkcode'].nunique()} wijken, {frame['gemeentecode'].nunique()} gemeenten; "
          f"{len(shapely.get_coordinates(frame.geometry.values))} vertices")
    same = {c: sorted(v) for c, v in nieuwe_gewichten(frame).neighbors.items()}
    assert same == {c: sorted(v) for c, v in oude_gewichten(frame).neighbors.items()}, "other neighbours"
    vergelijk("contiguity (Queen weights without islands)",
              tijd_en_geheugen({"libpysal Queen.from_dataframe (twice with islands)": oude_gewichten,
                                "kaart.clusters: shared vertices, one W": nieuwe_gewichten}, frame, args.herhalingen))
    oud, nieuw = oude_unies(frame), nieuwe_unies(frame)
    verschil = max(abs(a - b) / a for a, b in zip(shapely.area(oud[1]), shapely.area(nieuw[1])) if a > 0)
    vergelijk(f"dissolves (wijken, then gemeenten; largest difference in a gemeente's area {verschil:.1e})",
              tijd_en_geheugen({"union_all(grid_size) per area, gemeenten from buurten": oude_unies,
                                "coverage union, gemeenten from wijken": nieuwe_unies}, frame, args.herhalingen))

    with tempfile.TemporaryDirectory() as tmp:
        basis = basisboom(args.basis, Path(tmp))
        bomen = {"this checkout": CHECKOUT} | ({f"baseline {args.basis}": basis} if basis else {})
        builds, imports = {n: [] for n in bomen}, {n: [] for n in bomen}
        for _ in range(args.herhalingen):
            for naam, boom in bomen.items():
                builds[naam].append(in_kind(boom, "--kind"))
                imports[naam].append(in_kind(boom, "--importtijd"))
        print(f"whole national build ({builds['this checkout'][0]['aantallen']}), a fresh process per run")
        uit = {}
        for naam in bomen:
            seconden = statistics.median(b["seconden"] for b in builds[naam])
            cpu = statistics.median(b["cpu"] for b in builds[naam])
            rss = max(b["rss_mib"] for b in builds[naam])
            imp = statistics.median(i["seconden"] for i in imports[naam])
            uit[naam] = seconden, rss, imp, cpu
            print(f"  {naam:30s} build {seconden:6.1f} s (CPU {cpu:5.1f} s)  peak RSS {rss:6.0f} MiB   import webapp {imp:5.2f} s "
                  f"(PySAL: {', '.join(imports[naam][0]['pysal']) or 'not imported'})")
        if basis:
            (s_nieuw, r_nieuw, i_nieuw, c_nieuw), (s_oud, r_oud, i_oud, c_oud) = uit.values()
            print(f"  ratios: build {s_oud / s_nieuw:.2f}x faster (CPU {c_oud / c_nieuw:.2f}x), peak RSS {r_oud / r_nieuw:.2f}x, "
                  f"import webapp {i_oud / i_nieuw:.1f}x faster")
        s_nieuw, r_nieuw, _, _ = uit["this checkout"]
        verdict = "MET" if s_nieuw < DOEL_SECONDEN and r_nieuw < DOEL_MIB else "MISSED"
        print(f"target: the national buurt kaart in under {DOEL_SECONDEN:.0f} s and {DOEL_MIB} MiB: {verdict}")


if __name__ == "__main__":
    main()
