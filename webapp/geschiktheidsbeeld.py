"""The locatiezoeker's suitability map as one PNG laid over the web map.

A region of 1,000 km² has 100,000 cells of 100 m: as GeoJSON that is megabytes
the browser must parse and draw. As one image it is a few tens of kilobytes.
Leaflet stretches an image overlay linearly between its corners in Web
Mercator, so the image is resampled onto a regular Web Mercator pixel grid here
(each pixel's centre projected back to RD New and looked up in the 100 m grid):
cells then sit where they are, without the skew a plain RD image would have.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image
from pyproj import Transformer
from scipy import ndimage

from kaart.getallen import getal
from kaart.raster import Raster

KLEUREN = ("#ffffcc", "#c2e699", "#78c679", "#31a354", "#006837")
"""ColorBrewer YlGn in five classes: score 0-0.2, ..., 0.8-1 (greener is more suitable)."""
GRENZEN = (0.2, 0.4, 0.6, 0.8)
UITGESLOTEN = (99, 99, 99, 110)
"""Excluded land: a grey veil, so the planner sees what the exclusions take away."""
DEKKING = 200
MAX_PX = 1600
PX_M = 20.0
"""Web Mercator metres per pixel (about 12 m on the ground in the Netherlands): finer than a cell."""

_NAAR_RD = Transformer.from_crs("EPSG:3857", "EPSG:28992", always_xy=True)
_NAAR_WEB = Transformer.from_crs("EPSG:28992", "EPSG:3857", always_xy=True)
_NAAR_LATLON = Transformer.from_crs("EPSG:3857", "EPSG:4326", always_xy=True)


def _rgb(hexkleur: str) -> tuple[int, int, int]:
    return tuple(int(hexkleur[i:i + 2], 16) for i in (1, 3, 5))


@dataclass(frozen=True)
class Beeldrooster:
    """Which grid cell every pixel of the image shows: projected once per grid, reused for every score."""

    breedte: int
    hoogte: int
    positie: np.ndarray
    """Per pixel, the position of its cell among the grid's region cells (-1: none)."""
    grenzen: list[list[float]]
    """The image's corners as ``[[south, west], [north, east]]`` for Leaflet."""


GROF = 8
"""Pixels projected exactly are this far apart; those between are interpolated (the projection is smooth:
over 160 m its curvature is far below a millimetre), so a 2-megapixel image projects in milliseconds."""


def _naar_rd(west: float, north: float, stap: float, breedte: int, hoogte: int) -> tuple[np.ndarray, np.ndarray]:
    """RD New coordinates of every pixel centre: exact on a coarse lattice, bilinear in between."""
    kolommen = np.arange(0, breedte + GROF, GROF)
    rijen = np.arange(0, hoogte + GROF, GROF)
    px, py = np.meshgrid(west + (kolommen + 0.5) * stap, north - (rijen + 0.5) * stap)
    gx, gy = _NAAR_RD.transform(px, py)
    fijn_r, fijn_k = np.meshgrid(np.arange(hoogte) / GROF, np.arange(breedte) / GROF, indexing="ij")
    plek = [fijn_r.ravel(), fijn_k.ravel()]
    return (ndimage.map_coordinates(gx, plek, order=1, mode="nearest"),
            ndimage.map_coordinates(gy, plek, order=1, mode="nearest"))


def rooster(grid: Raster) -> Beeldrooster:
    """Project every pixel of a Web Mercator image over ``grid`` back to RD New and find its cell."""
    x0, y0 = grid.x0, grid.y0
    x1, y1 = x0 + grid.nx * grid.grootte, y0 + grid.ny * grid.grootte
    rand_x = np.concatenate([np.linspace(x0, x1, 50), np.full(50, x1), np.linspace(x1, x0, 50), np.full(50, x0)])
    rand_y = np.concatenate([np.full(50, y0), np.linspace(y0, y1, 50), np.full(50, y1), np.linspace(y1, y0, 50)])
    wx, wy = _NAAR_WEB.transform(rand_x, rand_y)
    west, east, south, north = wx.min(), wx.max(), wy.min(), wy.max()
    stap = max(PX_M, (east - west) / MAX_PX, (north - south) / MAX_PX)
    breedte, hoogte = max(1, int(np.ceil((east - west) / stap))), max(1, int(np.ceil((north - south) / stap)))
    rx, ry = _naar_rd(west, north, stap, breedte, hoogte)
    kolom = np.floor((rx - x0) / grid.grootte).astype(np.int64)
    rij = np.floor((ry - y0) / grid.grootte).astype(np.int64)
    binnen = (kolom >= 0) & (kolom < grid.nx) & (rij >= 0) & (rij < grid.ny)
    plek = np.where(binnen, rij * grid.nx + kolom, 0)
    positie = np.minimum(np.searchsorted(grid.cel, plek), len(grid.cel) - 1)
    positie = np.where(binnen & (grid.cel[positie] == plek), positie, -1)
    lon0, lat0 = _NAAR_LATLON.transform(west, north - hoogte * stap)
    lon1, lat1 = _NAAR_LATLON.transform(west + breedte * stap, north)
    return Beeldrooster(breedte, hoogte, positie, [[round(lat0, 6), round(lon0, 6)], [round(lat1, 6), round(lon1, 6)]])


def beeld(r: Beeldrooster, score: np.ndarray) -> bytes:
    """The PNG of ``score`` per region cell (NaN: excluded) on the pixels of ``r``."""
    in_regio = r.positie >= 0
    waarde = np.where(in_regio, score[np.maximum(r.positie, 0)], np.nan)
    # A palette image (transparent, excluded, five classes): a tenth of the bytes and of the time of RGBA.
    klasse = np.zeros(r.breedte * r.hoogte, dtype=np.uint8)
    klasse[in_regio] = 1
    geschikt = in_regio & np.isfinite(waarde)
    klasse[geschikt] = 2 + np.digitize(waarde[geschikt], GRENZEN)
    palet = [(0, 0, 0, 0), UITGESLOTEN, *((*_rgb(k), DEKKING) for k in KLEUREN)]
    beeld_ = Image.fromarray(klasse.reshape(r.hoogte, r.breedte), "P")
    beeld_.putpalette(bytes(v for kleur in palet for v in kleur), rawmode="RGBA")
    buffer = io.BytesIO()
    beeld_.save(buffer, format="PNG", compress_level=3)
    return buffer.getvalue()


def legenda() -> list[tuple[str, str]]:
    """The classes of the image as (colour, Dutch label) pairs, for the page's legend."""
    grenzen = (0.0, *GRENZEN, 1.0)
    labels = [f"{getal(lo, 1)} – {getal(hi, 1)}" for lo, hi in zip(grenzen, grenzen[1:])]
    return list(zip(KLEUREN, labels))
