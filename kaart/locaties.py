"""Candidate sites a planner brings: parcels or points from a GeoJSON, GeoPackage or shapefile.

The locatiezoeker then scores these sites instead of the 100 m grid. A file
without a declared CRS is read by what its coordinates show (RD New or
longitude/latitude), as every other file the project reads (``kaart.geobestand``).
In the engine, not in ``layers``, because the web app reads them too.
"""

from __future__ import annotations

import geopandas as gpd

from kaart.errors import InputError
from kaart.geobestand import GEOJSON_SUFFIXES, VECTOR_SUFFIXES, parse_spec, read_vector, with_crs
from kaart.getallen import getal

MAX_LOCATIES = 10_000
"""More sites than this is a parcel register, not a shortlist: the grid serves that better."""


def load_locaties(spec: str, naam: str | None = None) -> gpd.GeoDataFrame:
    """Read candidate sites from ``pad[:laag]``; ``naam`` is the file's name as the user knows it (an upload).

    Raises
    ------
    InputError
        When the file is missing, of another type, empty, too large, or holds
        geometry other than points and polygons.
    """
    pad, laag = parse_spec(spec)
    naam = naam or pad.name
    if not pad.is_file():
        raise InputError(f"Er is geen bestand {pad}.", "Geef een GeoJSON, GeoPackage of shapefile met kavels.")
    if pad.suffix.lower() not in VECTOR_SUFFIXES - {".topojson"}:
        raise InputError(f"{naam} is geen GeoJSON, GeoPackage of shapefile.",
                         "Sla de kavels op als GeoJSON of GeoPackage.")
    sites = with_crs(read_vector(pad, laag, naam), naam, geojson=pad.suffix.lower() in GEOJSON_SUFFIXES)
    if sites.empty:
        raise InputError(f"{naam} bevat geen kavels.", "Geef een bestand met minstens één punt of vlak.")
    if len(sites) > MAX_LOCATIES:
        raise InputError(f"{naam} bevat {getal(len(sites))} kavels; er worden er hoogstens {getal(MAX_LOCATIES)} "
                         "beoordeeld.", "Geef een kortere lijst, of zoek zonder bestand in de hele regio op het "
                         "raster van 100 m.")
    soorten = set(sites.geometry.dropna().geom_type) - {"Point", "MultiPoint", "Polygon", "MultiPolygon"}
    if soorten:
        raise InputError(f"{naam} bevat geometrie van de soort {', '.join(sorted(soorten))}.",
                         "Geef de kavels als punten of vlakken (percelen).")
    return sites
