"""The buurt shapes the benchmarks run on: the national 2014 layer, topped up to a given number.

The layer in ../shared/data (or KAART_SHARED_DATA) has 11,691 buurten; copies
shifted 300 km east make up the rest. Without the shared data, a grid of 100 m
squares stands in, so a benchmark runs anywhere.
"""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import box

from layers.bestanden import load_bestand

SHARED = Path(os.environ.get("KAART_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


def buurtvormen(n: int) -> gpd.GeoDataFrame:
    """``n`` buurten with ``code`` and geometry in EPSG:28992 (default index)."""
    path = SHARED / "nl_buurten_2014_topojson" / "Buurt_2014_layer_q1e3.topojson"
    if path.exists():
        frame = load_bestand(path, jaar=2014)[0].rijen.to_crs("EPSG:28992")
        shaped = ~(shapely.is_missing(frame.geometry.values) | shapely.is_empty(frame.geometry.values))
        frame = frame.loc[shaped, ["code", "geometry"]].reset_index(drop=True)
    else:
        side = int(np.ceil(np.sqrt(n)))
        cells = [box(x * 100, y * 100, x * 100 + 100, y * 100 + 100) for x in range(side) for y in range(side)]
        frame = gpd.GeoDataFrame({"code": [f"BU{i:08d}" for i in range(len(cells))]}, geometry=cells,
                                 crs="EPSG:28992")
    if len(frame) < n:
        extra = frame.sample(n - len(frame), random_state=1).copy()
        extra["geometry"] = extra.geometry.translate(xoff=300_000)
        extra["code"] = [f"BU9{i:07d}" for i in range(len(extra))]
        frame = pd.concat([frame, extra], ignore_index=True)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:28992")
