"""A geo file a user brings: its ``pad[:laag]`` name, one vector layer of it, and the CRS its coordinates show.

Every file the project reads from a user (a KWB file, facility points, candidate sites) goes through
these steps, so a file without a declared CRS, or with a wrong one, is understood or refused the same
way wherever it is given. In the engine because the web app reads such files too (candidate sites)
and the web app reads no source adapter.
"""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio

from kaart.errors import InputError

log = logging.getLogger(__name__)

VECTOR_SUFFIXES = {".gpkg", ".geojson", ".json", ".shp", ".topojson", ".fgb"}


def parse_spec(spec: str) -> tuple[Path, str | None]:
    """Split ``pad[:laag]`` as given on the command line (``wijken.gpkg:wijk_2022``)."""
    path, _, layer = spec.partition(".gpkg:")
    if layer:
        return Path(path + ".gpkg"), layer
    return Path(spec), None


def read_vector(path: Path, laag: str | None) -> gpd.GeoDataFrame:
    """One layer of a GeoPackage, GeoJSON, shapefile or FlatGeobuf; a file with several layers needs ``laag``."""
    try:
        layers = [name for name, _ in pyogrio.list_layers(path)]
        if laag is not None and laag not in layers:
            raise InputError(f"{path.name} has no layer '{laag}'.", f"Choose one of: {', '.join(layers)}.")
        if laag is None and len(layers) > 1:
            raise InputError(f"{path.name} has several layers ({', '.join(layers)}).", "Choose one with BESTAND:LAAG.")
        return gpd.read_file(path, layer=laag or layers[0], engine="pyogrio")
    except InputError:
        raise
    except Exception as err:  # GDAL raises several types for unreadable files
        raise InputError(f"Cannot read {path.name}: {err}.",
                         "Check that the file is complete and of the type its name says.") from err


LONLAT_NL = (-10.0, 45.0, 20.0, 60.0)
"""Longitude/latitude bounds (west, south, east, north) that the Netherlands and its surroundings fall in."""
RD_NL = (-7_000.0, 280_000.0, 300_000.0, 630_000.0)
"""RD New (EPSG:28992) bounds, in metres, of the European Netherlands."""
GEOJSON_SUFFIXES = {".geojson", ".json"}


def with_crs(frame: gpd.GeoDataFrame, label: str, geojson: bool = False) -> gpd.GeoDataFrame:
    """The frame in the CRS its coordinates are in: a missing CRS taken from them, a wrong one named.

    TopoJSON and bare files declare no CRS; the coordinates show which of the
    two the Netherlands' data comes in. A declared CRS that the coordinates do
    not fit is refused with the coordinates' range, with one exception: GDAL
    reads every GeoJSON without a ``crs`` member as longitude/latitude (RFC 7946
    allows nothing else), yet GeoJSON exported in RD New is common, so a
    GeoJSON (``geojson``) whose coordinates are RD New is taken as RD New, with
    a warning.

    Raises
    ------
    InputError
        When no CRS is declared and the coordinates are neither RD New nor
        longitude/latitude, or when the declared CRS does not fit them.
    """
    if frame.geometry.isna().all():
        return frame
    bounds = frame.total_bounds
    if not np.isfinite(bounds).all():  # only empty geometries
        return frame
    lonlat, rd = _within(bounds, LONLAT_NL), _within(bounds, RD_NL)
    if frame.crs is None:
        if lonlat:
            log.info("%s declares no CRS; its coordinates are longitude/latitude, taken as EPSG:4326", label)
            return frame.set_crs("EPSG:4326")
        if rd:
            log.info("%s declares no CRS; its coordinates are RD New, taken as EPSG:28992", label)
            return frame.set_crs("EPSG:28992")
        raise InputError(f"{label} declares no coordinate reference system and its coordinates "
                         f"({_range(bounds)}) are neither RD New nor longitude/latitude.",
                         "Save the file with its CRS (e.g. EPSG:28992).")
    declared = f"{frame.crs.name} ({frame.crs.to_string()})"
    if frame.crs.is_geographic and rd:
        if geojson:
            log.warning("%s: a GeoJSON is read as longitude/latitude (%s), but its coordinates (%s) are RD New "
                        "metres; taken as EPSG:28992", label, declared, _range(bounds))
            return frame.set_crs("EPSG:28992", allow_override=True)
        raise _mismatch(label, declared, bounds, "RD New (EPSG:28992) metres", "EPSG:28992")
    if frame.crs.is_geographic and not _within(bounds, (-180.0, -90.0, 180.0, 90.0)):
        raise _mismatch(label, declared, bounds, "not longitude/latitude", None)
    if frame.crs.equals("EPSG:28992") and not rd:
        raise _mismatch(label, declared, bounds, "longitude/latitude" if lonlat else "outside RD New's area",
                        "EPSG:4326" if lonlat else None)
    return frame


def _within(bounds, box) -> bool:
    minx, miny, maxx, maxy = bounds
    west, south, east, north = box
    return bool(west <= minx and maxx <= east and south <= miny and maxy <= north)


def _range(bounds) -> str:
    minx, miny, maxx, maxy = bounds
    return f"x {minx:.6g} to {maxx:.6g}, y {miny:.6g} to {maxy:.6g}"


def _mismatch(label: str, declared: str, bounds, what: str, real: str | None) -> InputError:
    fix = (f"Save the file with the CRS its coordinates are in ({real}), e.g. in QGIS with Export > Save Features As."
           if real else "Save the file with the CRS its coordinates are in (e.g. EPSG:28992 or EPSG:4326).")
    return InputError(f"{label} declares the CRS {declared}, but its coordinates ({_range(bounds)}) are {what}.", fix)
