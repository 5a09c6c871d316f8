"""Levels from levels: counts summed, ratios recomputed, official figures kept and checked."""

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Polygon, box

from kaart.gebieden import MIN_DEKKING, aggregate, assemble, omtrek
from kaart.herkomst import CBS, label
from kaart.herkomstkolommen import GEEN, GEOMETRIE, OFFICIEEL, OPGETELD, lijst
from kaart.indicatoren import waarden


def _buurt(code, x, inwoners, pct_65plus, huishoudens=None, land_ha=100.0, **extra):
    return {"code": code, "niveau": "buurt", "naam": code, "gemeentecode": "GM" + code[2:6],
            "gemeentenaam": "Testgem", "wijkcode": "WK" + code[2:8], "jaar": 2023, "water": False,
            "inwoners": inwoners, "pct_65plus": pct_65plus, "huishoudens": huishoudens,
            "oppervlakte_land_ha": land_ha, "bevolkingsdichtheid": None, "geometry": box(x, 0, x + 1000, 1000),
            **extra}


def _rows(*rows):
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs="EPSG:28992")


def test_ratios_are_recomputed_from_summed_counts_not_averaged():
    rows = _rows(_buurt("BU00010101", 0, 100, 10.0), _buurt("BU00010102", 1000, 900, 30.0))
    wijk = aggregate(rows, "wijkcode").loc["WK000101"]
    assert wijk["inwoners"] == 1000
    assert wijk["pct_65plus"] == pytest.approx(28.0)  # (10 + 270) / 1000, not (10 + 30) / 2
    assert wijk["bevolkingsdichtheid"] == 500  # 1000 inwoners over 2 km² land


def test_a_ratio_with_too_little_coverage_is_missing_not_biased():
    rows = _rows(_buurt("BU00010101", 0, 100, 10.0), _buurt("BU00010102", 1000, 900, None))
    assert 100 / 1000 < MIN_DEKKING
    assert pd.isna(aggregate(rows, "wijkcode").loc["WK000101", "pct_65plus"])


def test_missing_counts_stay_missing_and_never_become_zero():
    rows = _rows(_buurt("BU00010101", 0, None, None), _buurt("BU00010102", 1000, None, None))
    assert pd.isna(aggregate(rows, "wijkcode").loc["WK000101", "inwoners"])


def test_a_suppressed_count_keeps_the_sum_missing_but_water_areas_do_not():
    rows = _rows(_buurt("BU00010101", 0, 100, 10.0), _buurt("BU00010102", 1000, None, None),
                 _buurt("BU00010201", 2000, 100, 10.0), dict(_buurt("BU00010202", 3000, None, None), water=True))
    wijken = aggregate(rows, "wijkcode")
    assert pd.isna(wijken.loc["WK000101", "inwoners"])
    assert wijken.loc["WK000102", "inwoners"] == 100


def test_missing_levels_are_built_with_dissolved_geometry():
    rows = _rows(_buurt("BU00010101", 0, 100, 10.0), _buurt("BU00010102", 1000, 900, 30.0),
                 _buurt("BU00010201", 2000, 50, 40.0))
    gebieden, controle = assemble(rows)
    assert list(gebieden) == ["gemeente", "wijk", "buurt"]
    assert gebieden["wijk"].index.tolist() == ["WK000101", "WK000102"]
    assert (gebieden["wijk"]["cijfers"] == OPGETELD).all()
    assert gebieden["gemeente"].loc["GM0001", "inwoners"] == 1050
    assert gebieden["gemeente"].geometry.iloc[0].area == pytest.approx(3_000_000)
    assert gebieden["wijk"].loc["WK000101"].geometry.area == pytest.approx(2_000_000)
    assert controle.empty


def test_official_figures_win_and_their_difference_is_recorded():
    gemeente = _buurt("BU00010101", 0, 1003, 20.0)
    gemeente.update(code="GM0001", niveau="gemeente", naam="Testgem", wijkcode=None, geometry=None)
    rows = _rows(_buurt("BU00010101", 0, 500, 10.0), _buurt("BU00010102", 1000, 500, 30.0), gemeente)
    gebieden, controle = assemble(rows)
    official = gebieden["gemeente"].loc["GM0001"]
    assert official["inwoners"] == 1003 and official["cijfers"] == OFFICIEEL
    assert official.geometry.area == pytest.approx(2_000_000)  # filled from its buurten
    check = controle.set_index(["code", "kolom"]).loc[("GM0001", "inwoners")]
    assert (check["officieel"], check["som_onderliggend"], check["verschil"]) == (1003, 1000, 3)


def test_a_row_without_statistics_is_not_official_and_gets_the_figures_of_its_buurten():
    gemeente = {"code": "GM0001", "niveau": "gemeente", "naam": "Eigen naam", "gemeentecode": "GM0001",
                "gemeentenaam": None, "wijkcode": None, "jaar": 2023, "water": False,
                "inwoners": None, "pct_65plus": None, "huishoudens": None, "oppervlakte_land_ha": None,
                "bevolkingsdichtheid": None, "geometry": box(0, 0, 5000, 5000)}
    rows = _rows(_buurt("BU00010101", 0, 500, 10.0), _buurt("BU00010102", 1000, 500, 30.0), gemeente)
    gebieden, controle = assemble(rows)
    row = gebieden["gemeente"].loc["GM0001"]
    assert (row["inwoners"], row["pct_65plus"], row["cijfers"]) == (1000, 20.0, OPGETELD)
    assert row["naam"] == "Eigen naam" and row.geometry.area == pytest.approx(25_000_000)  # its own outline
    assert lijst(row["opgeteld"]) == ["inwoners", "oppervlakte_land_ha"] and row["opgeteld_uit"] == "buurten"
    assert lijst(row["herberekend"]) == ["pct_65plus", "bevolkingsdichtheid"]
    assert controle.empty  # nothing official to compare


def test_every_figure_says_where_it_comes_from():
    gemeente = _buurt("BU00010101", 0, 1003, 20.0)
    gemeente.update(code="GM0001", niveau="gemeente", naam="Testgem", wijkcode=None, geometry=None)
    rows = _rows(_buurt("BU00010101", 0, 500, 10.0), _buurt("BU00010102", 1000, 500, 30.0), gemeente)
    gebieden, _ = assemble(rows)
    gm, wijk = gebieden["gemeente"].loc["GM0001"], gebieden["wijk"].loc["WK000101"]
    assert [label(gm, k) for k in ("inwoners", "pct_65plus")] == [CBS, CBS]
    assert lijst(gm["opgeteld"]) == [GEOMETRIE]  # only its outline was dissolved from its buurten
    assert label(wijk, "inwoners") == "opgeteld uit buurten"
    assert label(wijk, "pct_65plus") == "herberekend uit opgetelde buurten"
    buurt = gebieden["buurt"].loc["BU00010101"]
    assert buurt["cijfers"] == OFFICIEEL and label(buurt, "inwoners") == CBS


def test_geometry_only_rows_with_nothing_below_have_no_figures():
    buurt = _buurt("BU00010101", 0, None, None, land_ha=None)
    gebieden, _ = assemble(_rows(buurt, _buurt("BU00010102", 1000, 10, 10.0)))
    assert gebieden["buurt"].loc["BU00010101", "cijfers"] == GEEN
    assert gebieden["buurt"].loc["BU00010102", "cijfers"] == OFFICIEEL


def test_an_indicator_keeps_cbs_density_and_its_suppression():
    rows = pd.DataFrame({"inwoners": [15.0, 15.0, 15.0], "oppervlakte_land_ha": [12.0, 12.0, 12.0],
                         "bevolkingsdichtheid": [103.0, None, None],
                         "cijfers": [OFFICIEEL, OFFICIEEL, OPGETELD], "herberekend": ["", "", "bevolkingsdichtheid"]})
    dichtheid = waarden(rows)["ind_bevolkingsdichtheid"]
    assert dichtheid[0] == 103  # CBS's figure, not 15 / 0.12 km² = 125 from the rounded count
    assert pd.isna(dichtheid[1])  # CBS suppressed it: no ratio of its rounded counts instead
    assert dichtheid[2] == 125  # a summed area: recomputed, and labelled so
    assert [label(r, "ind_bevolkingsdichtheid") for _, r in rows.iterrows()][::2] == [
        CBS, "herberekend uit opgetelde onderliggende gebieden"]


def test_outline_closes_the_seam_between_neighbours_but_keeps_an_enclave():
    # The right area's left border bulges 30 cm at y = 50: a zero-width-ish sliver the union keeps as a hole,
    # which a map draws as a line across the region.
    links = box(0, 0, 100, 100)
    rechts = Polygon([(100, 0), (200, 0), (200, 100), (100, 100), (100, 70), (100.3, 50), (100, 30)])
    donut = box(200, 0, 500, 300).difference(box(300, 100, 400, 200))  # an enclave of 100 x 100 m
    assert len(links.union(rechts).interiors) == 1
    vorm = omtrek([links, rechts, donut])
    assert vorm.geom_type == "Polygon"
    assert len(vorm.interiors) == 1
    assert Polygon(vorm.interiors[0]).area == pytest.approx(100 * 100)


def test_a_dissolved_level_has_no_seams():
    rows = _rows(_buurt("BU00010101", 0, 100, 10.0),
                 {**_buurt("BU00010102", 1000, 900, 30.0),
                  "geometry": Polygon([(1000, 0), (2000, 0), (2000, 1000), (1000, 1000), (1000, 700), (1000.2, 500), (1000, 300)])})
    gemeente = assemble(rows)[0]["gemeente"].geometry.iloc[0]
    assert gemeente.geom_type == "Polygon" and not list(gemeente.interiors)


def _delen_van_gemeenten(monkeypatch):
    """Per call of the outline, the number of parts it dissolved (the spy keeps the real outline)."""
    from kaart import gebieden

    delen = []

    def spy(vormen):
        delen.append(len(vormen))
        return omtrek(vormen)

    monkeypatch.setattr(gebieden, "omtrek", spy)
    return delen


def test_gemeenten_are_dissolved_from_the_wijken_dissolved_from_their_buurten(monkeypatch):
    rows = _rows(_buurt("BU00010101", 0, 100, 10.0), _buurt("BU00010102", 1000, 900, 30.0),
                 _buurt("BU00010201", 2000, 50, 40.0), _buurt("BU00010202", 3000, 50, 40.0))
    delen = _delen_van_gemeenten(monkeypatch)
    gebieden, _ = assemble(rows)
    assert delen == [2, 2, 2]  # two wijken of two buurten each, then the gemeente of the two wijken
    assert gebieden["gemeente"].loc["GM0001", "inwoners"] == 1100  # its figures still summed from the buurten
    assert gebieden["gemeente"].loc["GM0001", "opgeteld_uit"] == "buurten"
    assert gebieden["gemeente"].geometry.iloc[0].equals(box(0, 0, 4000, 1000))


def test_a_wijk_with_its_own_outline_does_not_stand_in_for_its_buurten(monkeypatch):
    """A wijk whose outline came with the source (a geometry-only row) is not its buurten's union: the
    gemeente is dissolved from those buurten."""
    eigen = {"code": "WK000101", "niveau": "wijk", "naam": "Eigen", "gemeentecode": "GM0001",
             "gemeentenaam": "Testgem", "wijkcode": None, "jaar": 2023, "water": False,
             "geometry": box(0, 0, 2000, 5000)}
    rows = _rows(_buurt("BU00010101", 0, 100, 10.0), _buurt("BU00010102", 1000, 900, 30.0),
                 _buurt("BU00010201", 2000, 50, 40.0), eigen)
    delen = _delen_van_gemeenten(monkeypatch)
    gebieden, _ = assemble(rows)
    assert gebieden["wijk"].loc["WK000101"].geometry.equals(box(0, 0, 2000, 5000))
    assert delen[-1] == 3  # the gemeente: the two buurten of the wijk with its own outline, and the third
    assert gebieden["gemeente"].geometry.iloc[0].area == pytest.approx(3_000_000)


def test_a_valid_coverage_is_dissolved_without_an_overlay():
    import shapely

    from kaart.gebieden import samen

    raster = [box(x, y, x + 100, y + 100) for x in range(0, 1000, 100) for y in range(0, 500, 100)]
    assert shapely.coverage_is_valid(raster)
    assert samen(raster).normalize().equals(box(0, 0, 1000, 500).normalize())
    overlap = [box(0, 0, 100, 100), box(50, 0, 150, 100)]  # no coverage: the overlay, as before
    assert samen(overlap).area == pytest.approx(15_000)


def test_national_outlines_equal_the_overlay_of_their_buurten(shared_file):
    """On the national 2014 buurten (most wijken a valid coverage) the wijken and the gemeenten dissolved from
    them by coverage union have the outline the overlay of their buurten gives (snapped to 1 cm): each area
    within 0.01%, in all a hundred-thousandth of the land in slivers, none wider than a seam."""
    import numpy as np
    import shapely

    from kaart.gebieden import GRID, SPLEET_M
    from layers.bestanden import load_bestand

    rows = load_bestand(shared_file("nl_buurten_2014_topojson/Buurt_2014_layer_q1e3.topojson"), jaar=2014)[0].rijen
    gebieden, _ = assemble(rows)
    buurten = gebieden["buurt"]
    for niveau, kolom in (("wijk", "wijkcode"), ("gemeente", "gemeentecode")):
        frame = gebieden[niveau]
        groepen = buurten.geometry.groupby(buurten[kolom])
        codes = [c for c in frame.index if c in groepen.groups and not frame.geometry[c].is_empty]
        assert len(codes) > 0.9 * len(frame)
        dekking = np.mean([shapely.coverage_is_valid(groepen.get_group(c).values) for c in codes])
        assert dekking > 0.5  # most go the coverage way: the comparison tests it
        overlay = np.array([shapely.union_all(groepen.get_group(c).values, grid_size=GRID) for c in codes])
        ons = frame.geometry.loc[codes].values
        oppervlak = shapely.area(overlay)
        assert (np.abs(shapely.area(ons) - oppervlak) / oppervlak).max() < 1e-4
        verschil = shapely.get_parts(shapely.symmetric_difference(ons, overlay, grid_size=GRID))
        assert shapely.area(verschil).sum() / oppervlak.sum() < 1e-5
        assert (2 * shapely.area(verschil) / np.maximum(shapely.length(verschil), 1e-9)).max() < SPLEET_M
