"""Local Moran hot spots: adjacent pressured areas form one drukpuntgebied, across gemeente borders."""

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

from kaart.clusters import drukpuntgebieden, hotspots


def _grid(n=12, hot=None, seed=1):
    """An n x n grid of 500 m squares; the left half in one gemeente, the right half in another."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        for j in range(n):
            score = rng.normal(0, 0.3) + (2.5 if hot and (i, j) in hot else 0)
            gemeente = "GM0001" if j < n // 2 else "GM0002"
            rows.append({"code": f"BU{gemeente[2:]}{i:02d}{j:02d}", "gemeentenaam": gemeente, "inwoners": 500.0,
                         "drukpuntscore": score, "geometry": box(j * 500, i * 500, (j + 1) * 500, (i + 1) * 500)})
    return gpd.GeoDataFrame(pd.DataFrame(rows).set_index("code"), geometry="geometry", crs="EPSG:28992")


def test_a_block_of_pressured_buurten_across_a_border_is_one_drukpuntgebied():
    block = {(i, j) for i in range(4, 8) for j in range(4, 8)}  # straddles the border between columns 5 and 6
    grid = _grid(hot=block)
    result = grid.join(hotspots(grid))
    ids = result["drukpuntgebied"].dropna().unique()
    assert len(ids) == 1
    members = result[result["drukpuntgebied"] == ids[0]]
    in_block = {c for c in result.index if (int(c[6:8]), int(c[8:10])) in block}
    assert set(members.index) <= in_block and len(members) >= len(in_block) // 2
    assert set(members["gemeentenaam"]) == {"GM0001", "GM0002"}
    assert (members["lisa_kwadrant"] == "hoog-hoog").all()
    gebieden = drukpuntgebieden(result)
    assert len(gebieden) == 1 and gebieden.iloc[0]["gebieden"] == len(members)
    assert gebieden.iloc[0]["gemeenten"] == "GM0001, GM0002"


def test_noise_alone_gives_no_drukpuntgebied_after_the_fdr_correction():
    grid = _grid(seed=7)
    assert hotspots(grid)["drukpuntgebied"].isna().all()


def test_areas_without_a_score_or_neighbours_get_no_statistic():
    grid = _grid(hot={(1, 1), (1, 2), (2, 1), (2, 2)})
    grid.loc[grid.index[0], "drukpuntscore"] = np.nan
    island = gpd.GeoDataFrame({"gemeentenaam": ["GM0003"], "inwoners": [500.0], "drukpuntscore": [3.0]},
                              geometry=[box(20_000, 20_000, 20_500, 20_500)], index=["BU00030101"], crs="EPSG:28992")
    result = hotspots(pd.concat([grid, island]))
    assert pd.isna(result.loc[grid.index[0], "lisa_i"])
    assert pd.isna(result.loc["BU00030101", "lisa_i"]) and pd.isna(result.loc["BU00030101", "drukpuntgebied"])


def test_row_order_changes_no_cluster_statistic(demo_kaart):
    buurten = demo_kaart.gebieden["buurt"]
    shuffled = buurten.sample(frac=1, random_state=7)
    a, b = hotspots(buurten), hotspots(shuffled).reindex(buurten.index)
    pd.testing.assert_frame_equal(a, b)
