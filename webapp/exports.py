"""Downloads of what the map shows: GeoJSON and GeoPackage of the selected areas.

``GET /export.geojson`` and ``GET /export.gpkg`` take the map's own query
parameters (``niveau``, ``indicator``) and an optional ``gemeente`` (a CBS
code) to narrow the selection to one gemeente. Each area comes with its code,
name, gemeente, the indicator's value (with ``<indicator>_jaar`` where some are from
an older year than the kaart's) and its drukpunt flag; the source and year travel with the file (and the fictitious-data label for the demo).
The CSV download of the same selection is ``/export.csv`` on the kaart page.
"""

from __future__ import annotations

import geopandas as gpd
from flask import Blueprint, request

from kaart.export import met_jaren
from kaart.kaartbestand import Kaart
from webapp.download import geo_download, kenmerken
from webapp.errors import InvalidChoice
from webapp.kaartpagina import choice
from webapp.staat import staat

bp = Blueprint("exports", __name__)


def selectie(kaart: Kaart, niveau: str, indicator: str, gemeente: str | None) -> gpd.GeoDataFrame:
    """The areas of ``niveau`` (of one gemeente when given) with the columns a download carries."""
    frame = kaart.gebieden[niveau]
    if gemeente:
        if "gemeente" in kaart.gebieden and gemeente not in kaart.gebieden["gemeente"].index:
            voorbeeld = kaart.gebieden["gemeente"].index[0]
            raise InvalidChoice(f"De gemeente ‘{gemeente}’ hoort niet bij deze kaart. "
                                f"Geef een gemeentecode uit de kaart, zoals {voorbeeld}, of laat de gemeente weg.")
        frame = frame[frame["gemeentecode"] == gemeente]
    kolommen = ["naam", "gemeentecode", "gemeentenaam", indicator] + (["drukpunt"] if "drukpunt" in frame else [])
    return gpd.GeoDataFrame(frame[list(dict.fromkeys(kolommen))], geometry=frame.geometry, crs=frame.crs)


def _request() -> tuple[gpd.GeoDataFrame, str, dict]:
    kaart = staat().kaart
    niveau, indicator = choice(kaart, request.args.get("niveau"), request.args.get("indicator"))
    gemeente = request.args.get("gemeente") or None
    jaren = staat().figuurjaren.jaren(niveau, indicator)
    frame = met_jaren(selectie(kaart, niveau, indicator, gemeente), {indicator: jaren})
    naam = "-".join(part for part in (niveau, gemeente, indicator) if part)
    return frame, naam, kenmerken(kaart, jaren is not None, niveau=niveau, indicator=indicator)


@bp.get("/export.geojson")
def export_geojson():
    """The selection as GeoJSON (WGS84), for web maps and QGIS."""
    frame, naam, kenmerk = _request()
    return geo_download(frame, "geojson", naam, **kenmerk)


@bp.get("/export.gpkg")
def export_gpkg():
    """The selection as a GeoPackage (RD New), for GIS."""
    frame, naam, kenmerk = _request()
    return geo_download(frame, "gpkg", naam, **kenmerk)
