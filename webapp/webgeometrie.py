"""The one way kaart geometry becomes web geometry: simplified in metres, reprojected, rounded.

The kaart holds its geometry in EPSG:28992 (metres); Leaflet wants EPSG:4326
(degrees), and every vertex or decimal the eye cannot see only makes a page or
a response bigger. So every map of the app, whatever draws it, sends its shapes
through :func:`web`: simplify in RD New (where a tolerance is metres), reproject,
round. How much detail a use needs is a :class:`Detail`: fixed for a page's own
map (:data:`GEBIEDEN`, :data:`OMTREK`, ...), or per zoom level for the API
(:meth:`Detail.voor_zoom`), and from :data:`EXACT_VANAF` the shapes as they are, cut to the view
(:func:`bijgesneden`).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

log = logging.getLogger(__name__)

RD_NEW = "EPSG:28992"
WGS84 = "EPSG:4326"
METRES_PER_PIXEL_Z0 = 156_543.03 * math.cos(math.radians(52.2))
"""Web Mercator's metres per pixel at zoom 0, at the Netherlands' latitude."""
DECIMALEN_MAX = 6
"""About 0.1 m: finer only makes the page bigger."""
EXACT_VANAF = 15
"""The zoom from which the API sends shapes unsimplified: half a pixel is 1.5 m there and under 0.8 m beyond,
finer than most source boundaries, so simplifying would cost a request seconds and save next to nothing. Every
zoom from here shares one copy (the same :class:`Detail`)."""


@dataclass(frozen=True)
class Detail:
    """How much of a shape the web gets: ``tolerantie_m`` metres of simplification, ``decimalen`` of a degree."""

    tolerantie_m: float
    decimalen: int = DECIMALEN_MAX

    @classmethod
    def voor_zoom(cls, zoom: int) -> Detail:
        """The detail a web map at ``zoom`` can show (from :data:`EXACT_VANAF` on: all of it)."""
        return cls(0.0 if zoom >= EXACT_VANAF else tolerantie(zoom), decimalen(zoom))


def tolerantie(zoom: int) -> float:
    """Half a screen pixel at ``zoom``, in metres: finer detail cannot be seen there."""
    return METRES_PER_PIXEL_Z0 / 2 ** zoom / 2


def decimalen(zoom: int) -> int:
    """Decimals of a degree that resolve a tenth of a pixel at ``zoom`` (3 at zoom 7, 5 at 13, 6 from 16):
    more only makes the response bigger."""
    graden_per_pixel = 360 / (256 * 2 ** zoom)
    return int(min(DECIMALEN_MAX, max(3, math.ceil(-math.log10(graden_per_pixel / 10)))))


GEBIEDEN = Detail(5.0)
"""Outlines drawn over the kaart page's areas (drukpuntgebieden)."""
GEMEENTEN = Detail(20.0)
"""A region's gemeenten on a small map of their own (the verdeelsleutel)."""
DRUKPUNTEN = Detail(10.0)
"""The drukpunt buurten a werksessie draws on."""
OMTREK = Detail(25.0, 5)
"""A region's outline under other layers (the locatiezoeker)."""
EXACT = Detail(0.0)
"""Shapes that must stay as they are (candidate sites), only reprojected and rounded."""


def web(geometry: gpd.GeoSeries, detail: Detail, dekking: bool = False) -> gpd.GeoSeries:
    """``geometry`` (any CRS) simplified to ``detail`` in RD New, in EPSG:4326, coordinates rounded.

    Missing and empty shapes are left out. With ``dekking`` the shapes are simplified as a coverage, so
    neighbours share their simplified borders and never gap or overlap; when they are not a valid coverage
    (overlapping source shapes) they are simplified one by one, with a warning.
    """
    geometry = geometry[~(shapely.is_missing(geometry.values) | shapely.is_empty(geometry.values))].to_crs(RD_NEW)
    vormen = geometry.values
    if detail.tolerantie_m > 0:
        vormen = _vereenvoudigd(vormen, detail.tolerantie_m, dekking)
    lonlat = gpd.GeoSeries(vormen, index=geometry.index, crs=RD_NEW).to_crs(WGS84)
    return gpd.GeoSeries(_afgerond(lonlat.values, detail.decimalen), index=geometry.index, crs=WGS84)


def bijgesneden(geometry: gpd.GeoSeries, rand: tuple[float, float, float, float], decimalen_: int) -> gpd.GeoSeries:
    """Web ``geometry`` (EPSG:4326) cut to the box ``rand`` (west, south, east, north), rounded again: shapes
    sent in full detail carry only the part a view can show. What only touches the box is left out.

    Neighbours cut by the same box still share their borders (the cut of a shared edge is the same line from
    either side)."""
    vormen = _afgerond(shapely.clip_by_rect(geometry.values, *rand), decimalen_)
    vlak = shapely.area(vormen) > 0
    return gpd.GeoSeries(vormen[vlak], index=geometry.index[vlak], crs=WGS84)


def _afgerond(vormen: np.ndarray, decimalen_: int) -> np.ndarray:
    return shapely.transform(vormen, lambda xy: np.round(xy, decimalen_))


def _vereenvoudigd(vormen: np.ndarray, tolerantie_m: float, dekking: bool) -> np.ndarray:
    if dekking:
        try:
            return shapely.coverage_simplify(vormen, tolerantie_m)
        except shapely.errors.GEOSException:
            log.warning("level geometry is not a valid coverage; simplifying areas one by one")
    return shapely.simplify(vormen, tolerantie_m, preserve_topology=True)


def grenzen(geometry: gpd.GeoSeries) -> tuple[float, float, float, float]:
    """The extent of ``geometry`` in EPSG:4326 as (west, south, east, north): the box's corners reprojected,
    not thousands of shapes."""
    west, south, east, north = gpd.GeoSeries([shapely.box(*geometry.total_bounds)], crs=geometry.crs).to_crs(
        WGS84).total_bounds
    return float(west), float(south), float(east), float(north)
