"""Statistics and geometry from local files, for offline use: the build source ``bestanden``.

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

from kaart.bouwen import Bron
from kaart.errors import InputError
from kaart.geobestand import GEOJSON_SUFFIXES, VECTOR_SUFFIXES, parse_spec, with_crs
from kaart.normaliseren import Normalisatie, normalise
from kaart.regio import gemeenten_in, resolve_gemeenten
from layers.bouwbronnen import Bouwbron, Invoer, LetOp, Stap, Vraag, registreer

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


def lees(vraag: Vraag, stap: Stap, let_op: LetOp) -> Invoer:
    """The build source ``bestanden``: every layer with CBS codes of the files given, offline.

    Without a year the files must hold one; without gemeenten the region is every gemeente with wijken
    or buurten in the files (one that is only a gemeente row is named, not silently taken).
    """
    if not vraag.bestanden:
        raise InputError("--bron bestanden needs at least one --bestand.", "Give the files with --bestand PATH.")
    if vraag.tabel or vraag.odata != "auto":
        raise InputError("--tabel and --odata choose what is read from CBS online; files are read as they are.",
                         "Leave them out with --bron bestanden.")
    stap(f"Bestanden lezen ({len(vraag.bestanden)})")
    jaar = vraag.jaar
    bronnen = _bouwbronnen([laag for spec in vraag.bestanden for laag in load_bestand(*parse_spec(spec), jaar=jaar)],
                           jaar, let_op)
    alle = pd.concat([pd.DataFrame(b.rijen).drop(columns="geometry", errors="ignore") for b in bronnen],
                     ignore_index=True)
    if jaar is None:
        jaren = sorted(int(j) for j in alle["jaar"].dropna().unique())
        if len(jaren) != 1:
            raise InputError(f"The files hold several years ({', '.join(map(str, jaren))}).",
                             "Choose one with --jaar.")
        jaar = jaren[0]
    bekend = gemeenten_in(alle)
    gevraagd = vraag.gemeenten
    codes = resolve_gemeenten(gevraagd, bekend) if gevraagd else list(bekend.loc[bekend["fijnst"], "code"])
    if not gevraagd and not bekend["fijnst"].all():
        weg = bekend.loc[~bekend["fijnst"], "code"]
        let_op(f"Let op: {len(weg)} gemeente(n) staan in de bestanden alleen als gemeenterij, zonder wijken "
               f"of buurten, en vallen buiten de regio ({', '.join(weg.head(5))}{' …' if len(weg) > 5 else ''}); "
               "kies ze met --gemeente.")
    return Invoer(bronnen, bekend, codes, jaar)  # the Netherlands from the files when one covers the whole country


def _bouwbronnen(lagen: list[Bestandslaag], jaar: int | None, let_op: LetOp) -> list[Bron]:
    """The file layers as build sources, with their unplaceable rows and, for a file that names no
    year, the note that its rows were taken to be of ``--jaar`` (said at once, and kept in the kaart)."""
    bronnen = []
    for laag in lagen:
        info = dict(laag.info)
        if not laag.normalisatie.jaar_uit_bestand:
            info["jaar"] = f"{jaar} (aangenomen: het bestand noemt geen jaar)"
            let_op(f"Let op: {info['bron']} noemt geen jaar; de rijen gelden als {jaar} (--jaar).")
        bronnen.append(Bron(laag.rijen, info, niet_geplaatst=laag.normalisatie.niet_geplaatst))
    return bronnen


registreer(Bouwbron("bestanden", "local files given with --bestand", stappen=1, lees=lees, gekozen_door="bestanden"))
