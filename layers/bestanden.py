"""Statistics and geometry from local files, for offline use.

GeoPackage (every layer, or one), GeoJSON, TopoJSON, shapefile and CSV with
KWB attributes in any schema ``kaart/definities/kolommen.toml`` knows: PDOK's camelCase,
the classic CBS shapefile names, tmap's English names. Each layer becomes
canonical rows through ``kaart.normaliseren``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from kaart.errors import InputError
from kaart.geobestand import GEOJSON_SUFFIXES, VECTOR_SUFFIXES, with_crs
from kaart.normaliseren import Normalisatie, normalise

TABLE_SUFFIXES = {".csv", ".txt"}


@dataclass
class Bestandslaag:
    """One layer of a file, in canonical rows, with what normalising it did."""

    rijen: pd.DataFrame
    normalisatie: Normalisatie
    info: dict


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
        frame = with_crs(frame, label, geojson=suffix in GEOJSON_SUFFIXES)
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
