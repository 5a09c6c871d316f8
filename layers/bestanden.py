"""Statistics and geometry from local files, for offline use.

GeoPackage (every layer, or one), GeoJSON, TopoJSON, shapefile and CSV with
KWB attributes in any schema ``kaart/kolommen.toml`` knows: PDOK's camelCase,
the classic CBS shapefile names, tmap's English names. Each layer becomes
canonical rows through ``kaart.normaliseren``.
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from kaart.errors import InputError
from kaart.normaliseren import Normalisatie, normalise

log = logging.getLogger(__name__)

VECTOR_SUFFIXES = {".gpkg", ".geojson", ".json", ".shp", ".topojson", ".fgb"}
TABLE_SUFFIXES = {".csv", ".txt"}


@dataclass
class Bestandslaag:
    """One layer of a file, in canonical rows, with what normalising it did."""

    rijen: pd.DataFrame
    normalisatie: Normalisatie
    info: dict


def parse_spec(spec: str) -> tuple[Path, str | None]:
    """Split ``pad[:laag]`` as given on the command line (``wijken.gpkg:wijk_2022``)."""
    path, _, layer = spec.partition(".gpkg:")
    if layer:
        return Path(path + ".gpkg"), layer
    return Path(spec), None


def load_bestand(path: str | Path, laag: str | None = None, jaar: int | None = None) -> list[Bestandslaag]:
    """Read a file's layers that carry CBS codes.

    Parameters
    ----------
    path
        A GeoPackage, GeoJSON, TopoJSON, shapefile or CSV file.
    laag
        One layer of a GeoPackage; by default every layer with CBS codes.
    jaar
        The year, for files without a ``jaar`` column.

    Raises
    ------
    InputError
        When the file is missing, unreadable, of an unknown type, or has no layer with CBS codes.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"File not found: {path}.", "Check the path.")
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        return [_load_table(path, jaar)]
    if suffix not in VECTOR_SUFFIXES:
        raise InputError(
            f"{path.name}: unknown file type '{suffix}'.",
            "Give a GeoPackage (.gpkg), GeoJSON (.geojson), TopoJSON, shapefile (.shp) or CSV (.csv).",
        )
    source = f"TopoJSON:{path}" if suffix == ".topojson" else str(path)
    try:
        available = [name for name, _ in pyogrio.list_layers(source)]
    except Exception as err:  # GDAL raises several types for unreadable files
        raise InputError(f"Cannot read {path.name}: {err}.", "Check that the file is complete and of the type its name says.") from err
    if laag is not None and laag not in available:
        raise InputError(f"{path.name} has no layer '{laag}'.", f"Choose one of: {', '.join(available)}.")
    layers = [laag] if laag else available
    results: list[Bestandslaag] = []
    problems: list[InputError] = []
    for name in layers:
        try:
            frame = gpd.read_file(source, layer=name, engine="pyogrio")
        except Exception as err:
            raise InputError(f"Cannot read layer '{name}' of {path.name}: {err}.", "Check the file.") from err
        label = f"{path.name}:{name}" if len(available) > 1 else path.name
        frame = with_crs(frame, label)
        try:
            rows, report = normalise(frame, bron=label, jaar=jaar)
        except InputError as err:
            if laag or len(layers) == 1:
                raise
            problems.append(err)
            continue
        results.append(Bestandslaag(rows, report, {"bron": label, "pad": str(path.resolve()), "laag": name,
                                                   "rijen": len(rows)}))
    if not results:
        # A layer that has codes but lacks something else (a year) says more than one without codes.
        raise next((p for p in problems if "CBS area codes" not in p.problem), problems[0])
    return results


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


def with_crs(frame: gpd.GeoDataFrame, label: str) -> gpd.GeoDataFrame:
    """Files without a declared CRS (TopoJSON, bare GeoJSON) get the one their coordinates show."""
    if frame.crs is not None or frame.geometry.isna().all():
        return frame
    minx, miny, maxx, maxy = frame.total_bounds
    if -10 < minx and maxx < 20 and 45 < miny and maxy < 60:
        log.info("%s declares no CRS; its coordinates are longitude/latitude, taken as EPSG:4326", label)
        return frame.set_crs("EPSG:4326")
    if 0 <= minx and maxx < 300_000 and 280_000 < miny and maxy < 630_000:
        log.info("%s declares no CRS; its coordinates are RD New, taken as EPSG:28992", label)
        return frame.set_crs("EPSG:28992")
    raise InputError(f"{label} declares no coordinate reference system and its coordinates are neither "
                     "RD New nor longitude/latitude.", "Save the file with its CRS (e.g. EPSG:28992).")


def read_csv(path: Path) -> pd.DataFrame:
    """A UTF-8 CSV (``,``, ``;`` or tab, sniffed) as text columns, every cell kept as written."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            sample = handle.read(8192)
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
        return pd.read_csv(path, sep=delimiter, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    except (OSError, UnicodeDecodeError, csv.Error, pd.errors.ParserError) as err:
        raise InputError(f"Cannot read {path.name} as CSV: {err}.", "Give a UTF-8 CSV file with a header row.") from err


def _load_table(path: Path, jaar: int | None) -> Bestandslaag:
    frame = read_csv(path)
    rows, report = normalise(frame, bron=path.name, jaar=jaar)
    return Bestandslaag(rows, report, {"bron": path.name, "pad": str(path.resolve()), "rijen": len(rows)})
