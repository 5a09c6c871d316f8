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

MAX_LOCATIES = 10_000
"""More sites than this is a parcel register, not a shortlist: the grid serves that better."""


def load_locaties(spec: str) -> gpd.GeoDataFrame:
    """Read candidate sites from ``pad[:laag]``.

    Raises
    ------
    InputError
        When the file is missing, of another type, empty, too large, or holds
        geometry other than points and polygons.
    """
    pad, laag = parse_spec(spec)
    if not pad.is_file():
        raise InputError(f"No file {pad}.", "Give a GeoJSON, GeoPackage or shapefile of candidate sites.")
    if pad.suffix.lower() not in VECTOR_SUFFIXES - {".topojson"}:
        raise InputError(f"{pad.name} is not a GeoJSON, GeoPackage or shapefile.",
                         "Save the candidate sites as GeoJSON or GeoPackage.")
    sites = with_crs(read_vector(pad, laag), pad.name, geojson=pad.suffix.lower() in GEOJSON_SUFFIXES)
    if sites.empty:
        raise InputError(f"{pad.name} holds no sites.", "Give a file with at least one point or polygon.")
    if len(sites) > MAX_LOCATIES:
        raise InputError(f"{pad.name} holds {len(sites):,} sites; at most {MAX_LOCATIES:,} are scored.",
                         "Give a shortlist, or leave out the file to search the whole region on the 100 m grid.")
    soorten = set(sites.geometry.dropna().geom_type) - {"Point", "MultiPoint", "Polygon", "MultiPolygon"}
    if soorten:
        raise InputError(f"{pad.name} holds {', '.join(sorted(soorten))} geometry.",
                         "Give the sites as points or polygons (parcels).")
    return sites
