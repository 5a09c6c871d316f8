"""The kaart GeoPackage: round trip, atomic writes, no stale temporary files, PDOK's requirements, clear errors."""

import dataclasses
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from kaart.errors import InputError
from kaart.kaartbestand import OUD_TIJDELIJK, read_kaart, write_kaart


def test_round_trip_keeps_levels_metadata_and_extra_layers(demo_kaart, tmp_path):
    path = write_kaart(demo_kaart, tmp_path / "k.gpkg")
    layers = dict(pyogrio.list_layers(path))
    assert {"gemeente", "wijk", "buurt", "voorzieningen", "metadata", "koppeling", "controle"} <= set(layers)
    assert layers["buurt"] == "MultiPolygon" and layers["metadata"] is None
    back = read_kaart(path)
    assert back.metadata["fictief"] is True and back.metadata["formaat_versie"] == 2
    assert back.metadata["licentie"] and back.metadata["attributie"]
    for niveau, frame in demo_kaart.gebieden.items():
        assert back.gebieden[niveau].index.tolist() == frame.index.tolist()
        assert back.gebieden[niveau].crs.to_epsg() == 28992
        assert back.gebieden[niveau]["inwoners"].sum() == frame["inwoners"].sum()


def test_an_interrupted_write_leaves_the_old_kaart_and_no_temporary_file(demo_kaart, tmp_path, monkeypatch):
    path = write_kaart(demo_kaart, tmp_path / "k.gpkg")
    before = path.read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pyogrio, "write_dataframe", broken)
    with pytest.raises(OSError):
        write_kaart(demo_kaart, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["k.gpkg"]


def test_reading_something_that_is_not_a_kaart_says_so(tmp_path):
    with pytest.raises(InputError, match="Er is geen kaart op"):
        read_kaart(tmp_path / "nope.gpkg")
    (tmp_path / "junk.gpkg").write_text("not a geopackage")
    with pytest.raises(InputError, match="geen leesbaar GeoPackage"):
        read_kaart(tmp_path / "junk.gpkg")


GPKG_GEOMETRY_TYPES = {"POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON"}


def test_the_demo_kaart_meets_pdoks_geopackage_requirements(demo_kaart_pad):
    # The checks of PDOK's geopackage-validator that the demo kaart failed (RQ2, RQ14, RQ15, RC20), done here
    # on the file itself: the validator needs GDAL's own Python bindings, which do not install from PyPI here.
    with sqlite3.connect(demo_kaart_pad) as db:
        features = [t for (t,) in db.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'features'")]
        declared = dict(db.execute("SELECT table_name, geometry_type_name FROM gpkg_geometry_columns"))
        counts = {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in features}
    assert {"gemeente", "wijk", "buurt", "regio", "voorzieningen"} <= set(features)
    assert [t for t, n in counts.items() if n == 0] == [], "RQ2: every feature layer has features"
    assert {t: declared[t] for t in features if declared[t] not in GPKG_GEOMETRY_TYPES} == {}, "RQ14"
    assert declared["buurt"] == declared["regio"] == "MULTIPOLYGON" and declared["voorzieningen"] == "POINT"
    for table in features:
        geometry = gpd.read_file(demo_kaart_pad, layer=table, engine="pyogrio").geometry.values
        assert set(shapely.get_type_id(geometry)) == {getattr(shapely.GeometryType, declared[table])}, "RQ15"
        if declared[table] != "MULTIPOLYGON":
            continue
        rings, polygon = shapely.get_rings(shapely.get_parts(geometry), return_index=True)
        exterior = np.r_[True, polygon[1:] != polygon[:-1]]  # each polygon's rings start with its exterior
        assert shapely.is_ccw(rings[exterior]).all(), f"RC20: {table} has a clockwise exterior ring"
        assert not shapely.is_ccw(rings[~exterior]).any(), f"RC20: {table} has a counter-clockwise interior ring"


def test_an_empty_optional_layer_is_left_out_and_the_kaart_still_reads(demo_kaart, tmp_path):
    leeg = demo_kaart.extra["drukpuntgebieden"].iloc[0:0]
    kaart = dataclasses.replace(demo_kaart, extra={**demo_kaart.extra, "drukpuntgebieden": leeg})
    path = write_kaart(kaart, tmp_path / "k.gpkg")
    assert "drukpuntgebieden" not in dict(pyogrio.list_layers(path))
    assert "drukpuntgebieden" not in read_kaart(path).extra


_LANGZAAM = """
import pathlib, sys, time
import pyogrio
from kaart import kaartbestand
from layers.demo import build_demo

kaart = build_demo()
write = pyogrio.write_dataframe

def slow(*args, **kwargs):
    write(*args, **kwargs)
    pathlib.Path(sys.argv[2]).touch()  # the temporary kaart has its first layer
    time.sleep(120)

pyogrio.write_dataframe = slow
kaartbestand.write_kaart(kaart, sys.argv[1])
"""


def _killed_during_write(folder, signum) -> subprocess.Popen:
    """A build writing folder/k.gpkg in another process, stopped by ``signum`` once a layer is written."""
    ready = folder / "ready"
    proc = subprocess.Popen([sys.executable, "-c", _LANGZAAM, str(folder / "k.gpkg"), str(ready)], cwd=folder)
    deadline = time.monotonic() + 120
    while not ready.exists():
        assert proc.poll() is None and time.monotonic() < deadline, "the build did not reach its write"
        time.sleep(0.1)
    ready.unlink()
    proc.send_signal(signum)
    proc.wait(timeout=30)
    return proc


def test_a_sigterm_during_the_write_leaves_no_temporary_file(tmp_path):
    proc = _killed_during_write(tmp_path, signal.SIGTERM)
    assert proc.returncode == 128 + signal.SIGTERM
    assert list(tmp_path.iterdir()) == []


def test_the_next_write_removes_what_a_killed_build_left_but_not_a_live_builds_file(demo_kaart, tmp_path):
    proc = _killed_during_write(tmp_path, signal.SIGKILL)  # no clean-up can run
    left = [p.name for p in tmp_path.iterdir()]
    assert len(left) == 1 and re.fullmatch(rf"\.k-{proc.pid}-\w+\.tmp\.gpkg", left[0]), left
    (tmp_path / f"{left[0]}-journal").write_bytes(b"")  # what a kill inside SQLite's transaction leaves too
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]) as live:
        (tmp_path / f".k-{live.pid}-abc123.tmp.gpkg").write_bytes(b"")  # a concurrent build, still running
        old, fresh = tmp_path / ".k-oldname1.tmp.gpkg", tmp_path / ".k-newname1.tmp.gpkg"  # names without pid
        old.write_bytes(b""), fresh.write_bytes(b"")
        os.utime(old, (time.time() - 2 * OUD_TIJDELIJK,) * 2)
        (tmp_path / ".kaart-1-abc.tmp.gpkg").write_bytes(b"")  # another kaart's: not ours to judge
        write_kaart(demo_kaart, tmp_path / "k.gpkg")
        live.kill()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["k.gpkg", f".k-{live.pid}-abc123.tmp.gpkg", fresh.name, ".kaart-1-abc.tmp.gpkg"])
    assert "buurt" in dict(pyogrio.list_layers(tmp_path / "k.gpkg"))
