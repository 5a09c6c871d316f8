"""The 100 m grid of the locatiezoeker, aligned to the CBS vierkanten in RD New.

CBS publishes statistics per 100 m square whose lower-left corner is a whole
multiple of 100 m in RD New (EPSG:28992), coded by that corner in hectometres
(``E1398N4635``). Candidate cells use exactly that grid, so a cell of ours is a
CBS square and can later be joined to its figures by code.

Only cells whose centre lies on a land buurt of the region (or of the chosen
gemeente) are kept: a cell in water or outside the kaart is no candidate.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from kaart.crs import RD_NEW

CEL_M = 100


@dataclass
class Raster:
    """The cells of a region on the CBS grid.

    The full grid has ``ny`` rows and ``nx`` columns from the lower-left corner
    (``x0``, ``y0``); ``cel`` holds the flat indices (row * nx + column, row 0
    at the bottom) of the cells in the region, ``gebied`` the position in the
    area frame each of those cells lies in.
    """

    x0: float
    y0: float
    nx: int
    ny: int
    cel: np.ndarray
    gebied: np.ndarray
    grootte: float = CEL_M

    @property
    def rij(self) -> np.ndarray:
        return self.cel // self.nx

    @property
    def kolom(self) -> np.ndarray:
        return self.cel % self.nx

    def midden(self) -> tuple[np.ndarray, np.ndarray]:
        """RD coordinates of the cell centres."""
        half = self.grootte / 2
        return self.x0 + self.kolom * self.grootte + half, self.y0 + self.rij * self.grootte + half

    def punten(self) -> np.ndarray:
        """The cell centres as shapely points."""
        return shapely.points(*self.midden())

    def vakken(self, welke: np.ndarray | None = None) -> np.ndarray:
        """The cells as shapely squares (all, or the positions ``welke``)."""
        x, y = self.midden()
        if welke is not None:
            x, y = x[welke], y[welke]
        half = self.grootte / 2
        return shapely.box(x - half, y - half, x + half, y + half)

    def codes(self) -> np.ndarray:
        """The CBS code of each cell: E and N of its lower-left corner in hectometres, four digits each."""
        x, y = self.midden()
        half = self.grootte / 2
        e = np.round((x - half) / 100).astype(int)
        n = np.round((y - half) / 100).astype(int)
        return np.char.add(np.char.add("E", np.char.zfill(e.astype(str), 4)),
                           np.char.add("N", np.char.zfill(n.astype(str), 4)))

    def rooster(self, waarden: np.ndarray, leeg: float = np.nan) -> np.ndarray:
        """``waarden`` per region cell as a full ``(ny, nx)`` array, ``leeg`` outside the region."""
        grid = np.full(self.ny * self.nx, leeg, dtype=float)
        grid[self.cel] = waarden
        return grid.reshape(self.ny, self.nx)


def raster(gebieden: gpd.GeoDataFrame, grootte: float = CEL_M) -> Raster:
    """The grid cells whose centre lies on one of ``gebieden`` (land areas, any CRS).

    A centre on the border of two areas goes to the first; the grid's corner
    is the largest multiple of 100 m at or below the areas' bounds, so every
    cell is a CBS square.
    """
    vormen = gebieden.to_crs(RD_NEW).geometry
    vormen = vormen[vormen.notna() & ~vormen.is_empty]
    if vormen.empty:
        return Raster(0.0, 0.0, 0, 0, np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), grootte)
    minx, miny, maxx, maxy = vormen.total_bounds
    x0, y0 = np.floor(minx / grootte) * grootte, np.floor(miny / grootte) * grootte
    nx, ny = int(np.ceil((maxx - x0) / grootte)), int(np.ceil((maxy - y0) / grootte))
    alle = np.arange(nx * ny, dtype=np.int64)
    half = grootte / 2
    centres = shapely.points(x0 + (alle % nx) * grootte + half, y0 + (alle // nx) * grootte + half)
    cel_idx, vorm_idx = shapely.STRtree(vormen.values).query(centres, predicate="intersects")
    cel_idx, eerste = np.unique(cel_idx, return_index=True)
    posities = gebieden.index.get_indexer(vormen.index[vorm_idx[eerste]])
    return Raster(float(x0), float(y0), nx, ny, alle[cel_idx], posities, grootte)
