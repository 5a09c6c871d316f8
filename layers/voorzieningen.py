"""Facility points (voorzieningen) from local files: CSV, GeoJSON, GeoPackage, shapefile.

Municipal and provider lists come in every shape: a CSV with latitude and
longitude, or with RD x/y, an export from a GIS with point or building
geometry. This adapter maps such a file to the kaart's facility layer (``naam``,
``categorie``, optional ``plaatsen`` and ``adres``, points in EPSG:28992) and
reports every row it cannot use with its line number and the reason, so a
list of 400 locations with three typos loads 397 and says which three are
missing. Column names are recognised by common aliases or given with a
mapping (``naam=Locatie,categorie=Soort``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from kaart.categorieen import categorie_van, categorieen
from kaart.errors import InputError
from kaart.geobestand import read_vector
from kaart.waarden import to_number
from layers.bestanden import read_csv

log = logging.getLogger(__name__)

SUFFIXES = {".csv", ".txt", ".geojson", ".json", ".gpkg", ".shp", ".fgb"}
VELDEN = {
    "naam": ("naam", "name", "locatie", "locatienaam", "organisatie", "titel", "omschrijving"),
    "categorie": ("categorie", "category", "soort", "type", "voorziening", "amenity"),
    "lat": ("lat", "latitude", "breedtegraad", "wgs84_lat", "lat_wgs84"),
    "lon": ("lon", "lng", "long", "longitude", "lengtegraad", "wgs84_lon", "lon_wgs84"),
    "x": ("x", "x_rd", "rd_x", "xcoord", "x_coord", "x_coordinaat"),
    "y": ("y", "y_rd", "rd_y", "ycoord", "y_coord", "y_coordinaat"),
    "plaatsen": ("plaatsen", "aantal_plaatsen", "capaciteit", "woningen", "aantal_woningen", "bedden"),
    "adres": ("adres", "address", "straat_huisnummer"),
}
"""Canonical field -> column names it is recognised by (case-insensitive); ``--kolommen`` overrides."""

NEDERLAND_LONLAT = (3.2, 50.7, 7.3, 53.7)
"""Bounding box of the Netherlands with its coastal waters (lon/lat): points outside are typos or swaps."""


@dataclass
class Puntenbestand:
    """What an import yields: the usable points, every unusable row with its reason, and where they came from."""

    punten: gpd.GeoDataFrame
    afgewezen: pd.DataFrame
    info: dict


def parse_kolommen(text: str | None) -> dict[str, str]:
    """``naam=Locatie,categorie=Soort`` -> ``{"naam": "Locatie", "categorie": "Soort"}``, checked."""
    if not text:
        return {}
    mapping = {}
    for part in text.split(","):
        veld, sep, kolom = part.partition("=")
        veld, kolom = veld.strip().lower(), kolom.strip()
        if not sep or not kolom or veld not in VELDEN:
            raise InputError(f"Column mapping '{part.strip()}' is not FIELD=COLUMN with a known field.",
                             f"Use e.g. --kolommen naam=Locatie,categorie=Soort; fields: {', '.join(VELDEN)}.")
        mapping[veld] = kolom
    return mapping


def load_voorzieningen(path: str | Path, *, categorie: str | None = None,
                       kolommen: dict[str, str] | None = None, laag: str | None = None) -> Puntenbestand:
    """Read facility points from a file.

    Parameters
    ----------
    path
        CSV (``,``/``;``/tab separated, UTF-8) with lat/lon or RD x/y columns,
        or a GeoJSON, GeoPackage, shapefile or FlatGeobuf with geometry
        (polygons, such as buildings, become a point inside them).
    categorie
        The category of every row (a vocabulary id, label or alias); without
        it, each row's category comes from its category column.
    kolommen
        Canonical field -> column in the file, for names the aliases miss.
    laag
        The layer of a multi-layer GeoPackage.

    Returns
    -------
    Puntenbestand
        ``afgewezen`` has one row per unusable row: ``regel`` (the line in a
        CSV, counting the header as line 1; the feature number in other files)
        and ``probleem`` in Dutch. The points keep their ``regel`` too, so a
        later step (outside the region) can name it.

    Raises
    ------
    InputError
        When the file cannot be read, or no column gives a name, a category or coordinates.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"File not found: {path}.", "Check the path.")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"{path.name}: unknown file type '{suffix}'.",
                         "Give a CSV, GeoJSON, GeoPackage, shapefile or FlatGeobuf file.")
    vaste_categorie = None
    if categorie is not None:
        vaste_categorie = categorie_van(categorie)
        if vaste_categorie is None:
            raise InputError(f"Unknown categorie '{categorie}'.", f"Choose one of: {', '.join(categorieen())}.")
    if suffix in (".csv", ".txt"):
        frame, eerste_regel = read_csv(path), 2
    else:
        frame, eerste_regel = read_vector(path, laag), 1
    velden = _velden(frame, kolommen or {}, path.name)
    regels = pd.Series(np.arange(len(frame)) + eerste_regel, index=frame.index)
    problemen = pd.Series("", index=frame.index, dtype=object)

    def afwijzen(mask: pd.Series, reden) -> None:
        nieuw = mask & (problemen == "")
        problemen[nieuw] = reden if isinstance(reden, str) else reden[nieuw]

    geometrie = _geometrie(frame, velden, path.name, afwijzen)
    if vaste_categorie:
        cats = pd.Series(vaste_categorie, index=frame.index)
    elif "categorie" in velden:
        ruw = frame[velden["categorie"]]
        cats = ruw.map(categorie_van)
        leeg = ruw.isna() | (ruw.astype(str).str.strip() == "")
        afwijzen(leeg, "geen categorie")
        afwijzen(cats.isna(), "onbekende categorie '" + ruw.astype(str).str.strip() + "'")
    else:
        raise InputError(f"{path.name} has no category column.",
                         "Give every row one with --categorie, or name the column with --kolommen categorie=KOLOM.")
    namen = frame[velden["naam"]].astype("string").str.strip() if "naam" in velden else \
        pd.Series(pd.NA, index=frame.index, dtype="string")
    label = cats.map(lambda c: categorieen()[c].label if c in categorieen() else "")
    namen = namen.where(namen.notna() & (namen != ""), label + " (zonder naam)")
    punten = gpd.GeoDataFrame({"naam": namen, "categorie": cats, "bron": path.name, "regel": regels},
                              geometry=geometrie, crs="EPSG:28992")
    if "plaatsen" in velden:
        punten["plaatsen"], _ = to_number(frame[velden["plaatsen"]])
    if "adres" in velden:
        punten["adres"] = frame[velden["adres"]].astype("string").str.strip()
    ok = problemen == ""
    afgewezen = pd.DataFrame({"regel": regels[~ok].astype(int), "probleem": problemen[~ok]}).reset_index(drop=True)
    info = {"bron": path.name, "pad": str(path.resolve()), "rijen": len(frame), "geladen": int(ok.sum()),
            "afgewezen": int((~ok).sum())}
    log.info("%s: %d of %d rows loaded as facilities", path.name, int(ok.sum()), len(frame))
    return Puntenbestand(punten[ok].reset_index(drop=True), afgewezen, info)


def _velden(frame: pd.DataFrame, kolommen: dict[str, str], bestand: str) -> dict[str, str]:
    """Canonical field -> the file's column: the given mapping first, then the aliases."""
    lower = {str(c).strip().lower(): c for c in frame.columns if c != "geometry"}
    missing = [k for k in kolommen.values() if k not in frame.columns and k.lower() not in lower]
    if missing:
        raise InputError(f"{bestand} has no column {', '.join(map(repr, missing))}.",
                         f"Its columns are: {', '.join(map(str, lower.values()))}.")
    velden = {veld: (kolom if kolom in frame.columns else lower[kolom.lower()]) for veld, kolom in kolommen.items()}
    for veld, aliassen in VELDEN.items():
        if veld not in velden:
            found = next((lower[a] for a in aliassen if a in lower), None)
            if found is not None:
                velden[veld] = found
    return velden


def _geometrie(frame: pd.DataFrame, velden: dict[str, str], bestand: str, afwijzen) -> gpd.GeoSeries:
    """One point per row in EPSG:28992 (empty where unusable, with the reason recorded)."""
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.notna().any() and not (
            {"lat", "lon"} <= set(velden) or {"x", "y"} <= set(velden)):
        geom = frame.geometry
        if geom.crs is None:
            raise InputError(f"{bestand} declares no coordinate reference system.",
                             "Save it with its CRS (e.g. EPSG:28992 or EPSG:4326).")
        geom = gpd.GeoSeries(geom.values, index=frame.index, crs=geom.crs)
        usable = geom.notna() & ~geom.is_empty
        afwijzen(~usable, "geen geometrie")
        punten = geom.where(geom.geom_type == "Point", geom.representative_point()).where(usable)
        lonlat = punten.to_crs("EPSG:4326")
        _buiten_nederland(lonlat.x, lonlat.y, afwijzen, usable)
        return punten.to_crs("EPSG:28992")
    if {"lat", "lon"} <= set(velden):
        lat, _ = to_number(frame[velden["lat"]])
        lon, _ = to_number(frame[velden["lon"]])
        usable = lat.notna() & lon.notna()
        afwijzen(~usable, "geen (leesbare) coördinaten in " + velden["lat"] + "/" + velden["lon"])
        _buiten_nederland(lon, lat, afwijzen, usable)
        return gpd.GeoSeries(gpd.points_from_xy(lon, lat), index=frame.index, crs="EPSG:4326").to_crs("EPSG:28992")
    if {"x", "y"} <= set(velden):
        x, _ = to_number(frame[velden["x"]])
        y, _ = to_number(frame[velden["y"]])
        usable = x.notna() & y.notna()
        afwijzen(~usable, "geen (leesbare) coördinaten in " + velden["x"] + "/" + velden["y"])
        # x/y columns in degrees (a GIS export in WGS84) rather than RD metres.
        crs = "EPSG:4326" if usable.any() and x[usable].abs().median() <= 180 else "EPSG:28992"
        punten = gpd.GeoSeries(gpd.points_from_xy(x, y), index=frame.index, crs=crs).to_crs("EPSG:28992")
        lonlat = punten.to_crs("EPSG:4326")
        _buiten_nederland(lonlat.x, lonlat.y, afwijzen, usable)
        return punten
    raise InputError(f"{bestand} has no geometry and no coordinate columns.",
                     "Give lat/lon or RD x/y columns, or name them with --kolommen lat=KOLOM,lon=KOLOM.")


def _buiten_nederland(lon: pd.Series, lat: pd.Series, afwijzen, usable: pd.Series) -> None:
    west, south, east, north = NEDERLAND_LONLAT
    inside = lon.between(west, east) & lat.between(south, north)
    swapped = lat.between(west, east) & lon.between(south, north)
    reden = pd.Series("coördinaten buiten Nederland", index=lon.index)
    reden[swapped] = "coördinaten buiten Nederland (breedte- en lengtegraad verwisseld?)"
    afwijzen(usable & ~inside, reden)
