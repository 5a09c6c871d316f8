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
from kaart.getallen import kort

log = logging.getLogger(__name__)

VECTOR_SUFFIXES = {".gpkg", ".geojson", ".json", ".shp", ".topojson", ".fgb"}


def parse_spec(spec: str) -> tuple[Path, str | None]:
    """Split ``pad[:laag]`` as given on the command line (``wijken.gpkg:wijk_2022``)."""
    path, _, layer = spec.partition(".gpkg:")
    if layer:
        return Path(path + ".gpkg"), layer
    return Path(spec), None


def read_vector(path: Path, laag: str | None, naam: str | None = None) -> gpd.GeoDataFrame:
    """One layer of a GeoPackage, GeoJSON, shapefile or FlatGeobuf; a file with several layers needs ``laag``.
    ``naam`` is the file's name as the user knows it, for the messages (an upload is read from a temporary copy)."""
    naam = naam or path.name
    try:
        layers = [name for name, _ in pyogrio.list_layers(path)]
        if laag is not None and laag not in layers:
            raise InputError(f"{naam} heeft geen laag ‘{laag}’.", f"Kies uit: {', '.join(layers)}.", parameter="laag")
        if laag is None and len(layers) > 1:
            raise InputError(f"{naam} heeft meer lagen ({', '.join(layers)}).", "Kies er een.", parameter="laag")
        return gpd.read_file(path, layer=laag or layers[0], engine="pyogrio")
    except InputError:
        raise
    except Exception as err:  # GDAL raises several types for unreadable files
        raise InputError(f"{naam} is niet te lezen: {err}.",
                         "Controleer of het bestand compleet is en van de soort die zijn naam zegt.") from err


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
        raise InputError(f"{label} noemt geen coördinatenstelsel, en zijn coördinaten ({_range(bounds)}) zijn "
                         "geen RD New en geen lengte/breedte.",
                         "Sla het bestand op met zijn coördinatenstelsel (bijvoorbeeld EPSG:28992).")
    declared = f"{frame.crs.name} ({frame.crs.to_string()})"
    if frame.crs.is_geographic and rd:
        if geojson:
            log.warning("%s: a GeoJSON is read as longitude/latitude (%s), but its coordinates (%s) are RD New "
                        "metres; taken as EPSG:28992", label, declared, _range(bounds))
            return frame.set_crs("EPSG:28992", allow_override=True)
        raise _mismatch(label, declared, bounds, "RD New-meters (EPSG:28992)", "EPSG:28992")
    if frame.crs.is_geographic and not _within(bounds, (-180.0, -90.0, 180.0, 90.0)):
        raise _mismatch(label, declared, bounds, "geen lengte/breedte", None)
    if frame.crs.equals("EPSG:28992") and not rd:
        raise _mismatch(label, declared, bounds, "lengte/breedte" if lonlat else "buiten het gebied van RD New",
                        "EPSG:4326" if lonlat else None)
    return frame


def _within(bounds, box) -> bool:
    minx, miny, maxx, maxy = bounds
    west, south, east, north = box
    return bool(west <= minx and maxx <= east and south <= miny and maxy <= north)


def _range(bounds) -> str:
    """The coordinates' range, to six significant digits, the Dutch way (``x 105.000 tot 106.000``)."""
    minx, miny, maxx, maxy = (kort(float(f"{v:.6g}")) for v in bounds)
    return f"x {minx} tot {maxx}, y {miny} tot {maxy}"


def _mismatch(label: str, declared: str, bounds, what: str, real: str | None) -> InputError:
    fix = (f"Sla het bestand op met het stelsel waarin zijn coördinaten staan ({real}), bijvoorbeeld in QGIS met "
           "Exporteren > Objecten opslaan als." if real
           else "Sla het bestand op met het stelsel waarin zijn coördinaten staan (bijvoorbeeld EPSG:28992 of EPSG:4326).")
    return InputError(f"{label} noemt het coördinatenstelsel {declared}, maar zijn coördinaten ({_range(bounds)}) "
                      f"zijn {what}.", fix)
