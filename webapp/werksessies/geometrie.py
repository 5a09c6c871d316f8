"""Checking a drawn geometry before it is stored, and finding the buurten it touches.

A drawing arrives as GeoJSON in WGS84 from the browser; anything can arrive.
It must be one Point, LineString or Polygon, with at most ``MAX_PUNTEN``
vertices, valid, and inside the region with a margin of ``MARGE_M`` metres
(checked in RD New, where metres are metres). Each refusal says in Dutch what
is wrong and what to do.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import mapping, shape

from kaart.crs import RD_NEW
from webapp.errors import Weigering

SOORTEN = {"Point": "punt", "LineString": "lijn", "Polygon": "vlak"}
MAX_PUNTEN = 2000
MARGE_M = 2000


class Gebiedsindex:
    """The region's outline and buurten in RD New, to check extents and link annotations to buurten."""

    def __init__(self, buurten: gpd.GeoDataFrame, regio: shapely.Geometry):
        self.buurten = buurten.to_crs(RD_NEW)
        self.codes = list(self.buurten.index)
        self.boom = shapely.STRtree(self.buurten.geometry.values)
        self.grens = shapely.buffer(regio, MARGE_M)
        self.naar_rd = Transformer.from_crs("EPSG:4326", RD_NEW, always_xy=True)

    def controleer(self, geojson: object) -> tuple[str, str, tuple[float, float, float, float], list[str]]:
        """(geometry as GeoJSON text, its kind, WGS84 bounds, buurt codes touched), or a Weigering."""
        if isinstance(geojson, dict) and geojson.get("type") == "Feature":
            geojson = geojson.get("geometry")
        if not isinstance(geojson, dict) or geojson.get("type") not in SOORTEN:
            raise Weigering("Teken één punt, lijn of vlak; andere vormen (zoals cirkels of meerdere delen) "
                            "kunnen niet worden opgeslagen.")
        try:
            geom = shape(geojson)
        except (ValueError, TypeError, AttributeError, IndexError, KeyError, RecursionError,
                shapely.errors.GEOSException):
            raise Weigering("De getekende vorm is onleesbaar. Teken hem opnieuw.") from None
        if shapely.get_num_coordinates(geom) > MAX_PUNTEN:
            raise Weigering(f"De vorm heeft meer dan {MAX_PUNTEN} hoekpunten. Teken hem eenvoudiger.")
        if geom.is_empty or not geom.is_valid:
            raise Weigering("De vorm is ongeldig (bijvoorbeeld een vlak dat zichzelf snijdt). Teken hem opnieuw.")
        rd = shapely.transform(geom, self._rd)
        if not self.grens.covers(rd):
            raise Weigering(f"De vorm ligt (deels) buiten de regio. Teken binnen de regio of hooguit "
                            f"{MARGE_M / 1000:.0f} km erbuiten.")
        geraakt = sorted(self.codes[i] for i in self.boom.query(rd, predicate="intersects"))
        return json.dumps(mapping(geom)), SOORTEN[geojson["type"]], geom.bounds, geraakt

    def _rd(self, xy: np.ndarray) -> np.ndarray:
        x, y = self.naar_rd.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])
