"""A file download: every CSV, GeoJSON and GeoPackage the app hands out goes through :func:`download`.

:func:`kenmerken` is what travels with each file (title, source, year, the page's settings and the
fictitious-data label), so a downloaded file still says where its figures come from once it is passed on.
"""

from __future__ import annotations

import geopandas as gpd
from flask import Response, current_app

from kaart.export import geojson_bytes, geopackage_bytes, jaaruitleg
from kaart.kaartbestand import Kaart

GEOFORMATEN = "geojson, gpkg"
"""The geographic download formats, as a Flask ``any(...)`` converter accepts them."""


def download(data: bytes, mimetype: str, naam: str) -> Response:
    """``data`` as an attachment called ``naam``."""
    response = current_app.response_class(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{naam}"'
    return response


def kenmerken(kaart: Kaart, jaarkolommen: bool = False, **instellingen) -> dict:
    """The kaart's title, source and year, the given settings, for the demo the fictitious-data label, and
    with ``jaarkolommen`` what the file's year columns hold (``kaart.export.met_jaren``)."""
    uit = {"titel": kaart.metadata.get("titel"), "bron": kaart.bronvermelding, "jaar": kaart.jaar, **instellingen}
    if jaarkolommen:
        uit["jaar_per_cijfer"] = jaaruitleg(kaart.jaar)
    if kaart.metadata.get("fictief"):
        uit["fictief"] = "Fictieve voorbeeldregio — geen echte gegevens."
    return uit


def geo_download(frame: gpd.GeoDataFrame, formaat: str, naam: str, **kenmerk) -> Response:
    """``frame`` as GeoJSON (WGS84, for web maps) or a GeoPackage (RD New, for GIS) called ``naam``."""
    if formaat == "geojson":
        return download(geojson_bytes(frame, **kenmerk), "application/geo+json", f"{naam}.geojson")
    return download(geopackage_bytes(frame, naam, **kenmerk), "application/geopackage+sqlite3", f"{naam}.gpkg")
