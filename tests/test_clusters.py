"""Drukpuntgebieden: adjacent drukpunten form one group, across gemeente borders, when chance cannot explain it."""

import geopandas as gpd
import numpy as np
import pandas as pd
from libpysal.weights import lat2W
from shapely.geometry import box

from kaart.clusters import buren, clustertoets, drukpuntgebieden, hotspots
from kaart.drukpunten import markeer


def _grid(n=12, hot=None, seed=1, spread=0.3):
    """An n x n grid of 500 m squares; the left half in one gemeente, the right half in another."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        for j in range(n):
            score = rng.normal(0, spread) + (2.5 if hot and (i, j) in hot else 0)
            gemeente = "GM0001" if j < n // 2 else "GM0002"
            rows.append({"code": f"BU{gemeente[2:]}{i:02d}{j:02d}", "gemeentenaam": gemeente, "inwoners": 500.0,
                         "drukpuntscore": score, "geometry": box(j * 500, i * 500, (j + 1) * 500, (i + 1) * 500)})
    frame = pd.DataFrame(rows).set_index("code")
    frame["drukpunt"] = markeer(frame["drukpuntscore"], frame["inwoners"])
    return gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:28992")


def test_a_block_of_pressured_buurten_across_a_border_is_one_drukpuntgebied():
    block = {(i, j) for i in range(4, 8) for j in range(4, 8)}  # straddles the border between columns 5 and 6
    grid = _grid(hot=block)
    result = grid.join(hotspots(grid))
    ids = result["drukpuntgebied"].dropna().unique()
    assert len(ids) == 1
    members = result[result["drukpuntgebied"] == ids[0]]
    in_block = {c for c in result.index if (int(c[6:8]), int(c[8:10])) in block}
    assert set(members.index) == in_block
    assert set(members["gemeentenaam"]) == {"GM0001", "GM0002"}
    assert (members["drukpuntgebied_p"] <= 0.05).all()
    assert (members.loc[members["lisa_kwadrant"] != "niet significant", "lisa_kwadrant"] == "hoog-hoog").all()
    gebieden = drukpuntgebieden(result)
    assert len(gebieden) == 1 and gebieden.iloc[0]["gebieden"] == len(members)
    assert gebieden.iloc[0]["gemeenten"] == "GM0001, GM0002"
    assert gebieden.iloc[0]["p_waarde"] == members["drukpuntgebied_p"].iloc[0]


def test_a_small_area_inside_a_block_stays_out_of_the_drukpuntgebied():
    block = {(i, j) for i in range(4, 8) for j in range(4, 8)}
    grid = _grid(hot=block)
    small = "BU0001" + "0505"
    grid.loc[small, "inwoners"] = 40.0
    grid["drukpunt"] = markeer(grid["drukpuntscore"], grid["inwoners"])
    result = grid.join(hotspots(grid))
    assert result["drukpuntgebied"].notna().sum() == len(block) - 1
    assert pd.isna(result.loc[small, "drukpuntgebied"])
    assert result.loc[result["drukpuntgebied"].notna(), "drukpunt"].all()


def test_noise_gives_a_false_drukpuntgebied_in_few_regions():
    """Family-wise error: on maps of pure noise (about 16% of areas flagged, some adjacent by chance),
    a drukpuntgebied should turn up in about ALPHA = 5% of them; more than 4 of 30 would be a broken test."""
    n = 12
    adjacency = lat2W(n, n, rook=False).sparse.tocsr()
    false = 0
    for seed in range(30):
        y = np.random.default_rng(seed).normal(0, 1, n * n)
        groep, p = clustertoets(adjacency, y, y >= 1.0, permutaties=199, seed=seed)
        assert np.isfinite(p[y >= 1.0]).all() and np.isnan(p[y < 1.0]).all()
        false += bool(pd.Series(groep).notna().any())
    assert false <= 4


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


def test_drechtsteden_has_a_drukpuntgebied_across_gemeente_borders(drechtsteden_2023):
    """The real 2023 buurten carry the 'bevolking' profile: one group of adjacent drukpunten beats chance."""
    from kaart.drukpunten import analyseer

    kaart = drechtsteden_2023()
    analyse = analyseer(kaart.gebieden, "Drechtsteden", "bevolking")
    gebieden = analyse.drukpuntgebieden
    assert len(gebieden) >= 1 and (gebieden["p_waarde"] <= 0.05).all()
    assert (gebieden["gebieden"] >= 2).all()
    buurten = analyse.gebieden["buurt"]
    members = buurten[buurten["drukpuntgebied"].notna()]
    assert members["drukpunt"].all()
    assert len(set(members["gemeentenaam"])) >= 2
    assert not analyse.ontbrekend["buurt"]
    algemeen = analyseer(kaart.gebieden, "Drechtsteden", "algemeen", clusters=False)
    assert "aandeel_corporatiewoningen" in algemeen.ontbrekend["buurt"]  # the 2023 file has no housing figures
    assert algemeen.gebieden["buurt"]["drukpuntscore"].isna().all()


def _queen(frame):
    """Today's reference: libpysal's Queen over the areas, as the analysis built it before :func:`buren`."""
    import warnings

    from libpysal.weights import Queen

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Queen.from_dataframe(frame, use_index=True, silence_warnings=True)


def _same_neighbours(frame):
    ours, queen = buren(frame.geometry), _queen(frame)
    assert set(ours) == set(queen.neighbors) == set(frame.index)
    differ = [c for c in frame.index if sorted(ours[c]) != sorted(queen.neighbors[c])]
    assert not differ, f"{len(differ)} areas have other neighbours, e.g. {differ[:5]}"
    assert sum(map(len, ours.values())) > len(frame)  # areas do have neighbours: the check compares something


def test_neighbours_are_libpysal_queen_on_the_demo(demo_kaart):
    for niveau in ("buurt", "wijk", "gemeente"):
        _same_neighbours(demo_kaart.gebieden[niveau])


def test_neighbours_are_libpysal_queen_on_the_real_drechtsteden(drechtsteden_2023):
    gebieden = drechtsteden_2023().gebieden
    for niveau in ("buurt", "wijk"):
        _same_neighbours(gebieden[niveau])


def test_neighbours_are_libpysal_queen_on_the_national_2014_buurten(shared_file):
    import shapely

    from layers.bestanden import load_bestand

    rows = load_bestand(shared_file("nl_buurten_2014_topojson/Buurt_2014_layer_q1e3.topojson"), jaar=2014)[0].rijen
    rows = rows.to_crs("EPSG:28992").set_index("code")
    rows = rows[~(shapely.is_missing(rows.geometry.values) | shapely.is_empty(rows.geometry.values))]
    assert len(rows) > 10_000
    _same_neighbours(rows)


def _old_hotspots(frame, kolom="drukpuntscore"):
    """Local Moran and the cluster test as the analysis computed them on libpysal's Queen (built again without
    the islands): the reference the weights from :func:`buren` must reproduce."""
    import warnings

    from esda import Moran_Local

    scored = frame[frame[kolom].notna() & ~frame.geometry.is_empty & frame.geometry.notna()].sort_index()
    w = _queen(scored)
    connected = [i for i in scored.index if w.cardinalities[i] > 0]
    if len(connected) < len(scored):
        w = _queen(scored.loc[connected])
    w.transform = "r"
    scored = scored.loc[w.id_order]
    y = scored[kolom].to_numpy(dtype=float)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The alternative hypothesis", category=DeprecationWarning)
        lisa = Moran_Local(y, w, permutations=999, seed=12345, n_jobs=1, keep_simulations=False)
    groep, p = clustertoets(w.sparse.tocsr(), y, scored["drukpunt"].fillna(False).to_numpy(dtype=bool))
    return pd.DataFrame({"lisa_i": lisa.Is, "lisa_p": lisa.p_sim, "drukpuntgebied": groep,
                         "drukpuntgebied_p": p}, index=scored.index)


def _same_statistics(frame):
    ours, old = hotspots(frame), _old_hotspots(frame)
    ours = ours.loc[old.index]
    assert ours["lisa_i"].notna().all() and len(old) >= 5
    np.testing.assert_allclose(ours["lisa_i"].to_numpy(float), old["lisa_i"].to_numpy(float), rtol=1e-12, atol=0)
    np.testing.assert_array_equal(ours["lisa_p"].to_numpy(float), old["lisa_p"].to_numpy(float))
    pd.testing.assert_series_equal(ours["drukpuntgebied"], old["drukpuntgebied"], check_dtype=False)
    np.testing.assert_array_equal(ours["drukpuntgebied_p"].to_numpy(float), old["drukpuntgebied_p"].to_numpy(float))


def test_local_moran_and_the_cluster_test_are_unchanged_on_the_demo(demo_kaart):
    _same_statistics(demo_kaart.gebieden["buurt"])


def test_local_moran_and_the_cluster_test_are_unchanged_on_the_real_drechtsteden(drechtsteden_2023):
    from kaart.drukpunten import analyseer

    buurten = analyseer(drechtsteden_2023().gebieden, "Drechtsteden", "bevolking", clusters=False).gebieden["buurt"]
    assert buurten["drukpunt"].any()
    _same_statistics(buurten)


def test_an_island_changes_no_statistic_of_the_others():
    """The islands are left out of the one set of neighbours, not found by building the weights again."""
    grid = _grid(hot={(4, 4), (4, 5), (5, 4), (5, 5)})
    island = gpd.GeoDataFrame({"gemeentenaam": ["GM0003"], "inwoners": [500.0], "drukpuntscore": [3.0],
                               "drukpunt": [True]}, geometry=[box(20_000, 20_000, 20_500, 20_500)],
                              index=["BU00030101"], crs="EPSG:28992")
    _same_statistics(pd.concat([grid, island]))
