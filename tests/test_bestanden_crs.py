"""A file's coordinates and its declared CRS: a missing or wrong CRS is taken from the coordinates or named."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

from kaart.errors import InputError
from kaart.kaartbestand import read_kaart
from layers.bestanden import load_bestand

KAART = shutil.which("kaart", path=str(Path(sys.executable).parent)) or "kaart"
# A buurt of about 1 km² near Dordrecht, in RD New metres, and the same place in longitude/latitude.
RD_BUURT = box(105_000, 425_000, 106_000, 426_000)
LONLAT_BUURT = box(4.66, 51.80, 4.68, 51.81)


def _geojson(path: Path, geometry, crs: str | None = None) -> Path:
    """A one-buurt GeoJSON written by hand, so nothing adds or drops a ``crs`` member behind the test's back."""
    data = {"type": "FeatureCollection",
            "features": [{"type": "Feature", "geometry": geometry.__geo_interface__,
                          "properties": {"buurtcode": "BU05050101", "buurtnaam": "Binnenstad",
                                         "aantalInwoners": 1235, "jaar": 2023}}]}
    if crs:
        data["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _build(tmp_path, bestand):
    return subprocess.run([KAART, "build", "--bestand", bestand, "--gemeente", "GM0505", "-o", tmp_path / "k.gpkg"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)


def test_e7_a_geojson_in_rd_without_crs_is_built_in_rd_with_a_warning(tmp_path):
    result = _build(tmp_path, _geojson(tmp_path / "rd.geojson", RD_BUURT))
    assert result.returncode == 0, result.stderr
    assert "are RD New metres; taken as EPSG:28992" in result.stderr
    buurt = read_kaart(tmp_path / "k.gpkg").gebieden["buurt"]
    assert buurt.crs.to_epsg() == 28992
    assert buurt.geometry.iloc[0].equals(RD_BUURT)  # the same place, not moved or reprojected
    assert buurt["inwoners"].iloc[0] == 1235


def test_a_lon_lat_geojson_stays_lon_lat(tmp_path):
    [laag] = load_bestand(_geojson(tmp_path / "ll.geojson", LONLAT_BUURT))
    assert laag.rijen.crs.to_epsg() == 4326
    assert tuple(laag.rijen.total_bounds) == pytest.approx(LONLAT_BUURT.bounds)


def test_a_geopackage_claiming_lon_lat_with_rd_coordinates_is_refused_naming_both(tmp_path):
    path = tmp_path / "fout.gpkg"
    gpd.GeoDataFrame({"buurtcode": ["BU05050101"], "jaar": [2023], "aantalInwoners": [1235]},
                     geometry=[RD_BUURT], crs="EPSG:4326").to_file(path, engine="pyogrio")
    result = _build(tmp_path, path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith("fout: fout.gpkg noemt het coördinatenstelsel WGS 84 (EPSG:4326)")
    assert "x 105.000 tot 106.000, y 425.000 tot 426.000" in message and "zijn RD New-meters (EPSG:28992)" in message
    assert "Sla het bestand op met het stelsel waarin zijn coördinaten staan (EPSG:28992)" in message
    assert not (tmp_path / "k.gpkg").exists()


def test_a_geojson_claiming_rd_with_lon_lat_coordinates_is_refused(tmp_path):
    path = _geojson(tmp_path / "fout.geojson", LONLAT_BUURT, crs="urn:ogc:def:crs:EPSG::28992")
    with pytest.raises(InputError, match=r"noemt het coördinatenstelsel Amersfoort / RD New \(EPSG:28992\).*"
                                         r"x 4,66 tot 4,68, y 51,8 tot 51,81\) zijn lengte/breedte") as err:
        load_bestand(path)
    assert "EPSG:4326" in err.value.fix


def test_coordinates_no_crs_can_have_are_refused(tmp_path):
    path = tmp_path / "ver.gpkg"
    gpd.GeoDataFrame({"buurtcode": ["BU05050101"], "jaar": [2023]},
                     geometry=[box(2_000_000, 2_000_000, 2_001_000, 2_001_000)], crs="EPSG:4326").to_file(path)
    with pytest.raises(InputError, match="zijn geen lengte/breedte"):
        load_bestand(path)
