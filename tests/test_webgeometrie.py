"""The one way kaart geometry becomes web geometry: tiny hand-built shapes whose outcome is obvious."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from webapp import webgeometrie
from webapp.webgeometrie import Detail, decimalen, tolerantie


def _rd(*geometries) -> gpd.GeoSeries:
    return gpd.GeoSeries(list(geometries), index=[f"BU{i}" for i in range(len(geometries))], crs="EPSG:28992")


def test_shapes_come_out_in_wgs84_rounded_and_without_missing_ones():
    vierkant = shapely.box(120_000, 480_000, 121_000, 481_000)  # 1 km square in Amsterdam
    uit = webgeometrie.web(_rd(vierkant, None, shapely.Polygon()), Detail(5.0, 4))
    assert list(uit.index) == ["BU0"] and uit.crs == "EPSG:4326"
    x, y = shapely.get_coordinates(uit.values).T
    assert 4.85 < x.min() < x.max() < 4.9 and 52.3 < y.min() < y.max() < 52.33
    assert all(round(v, 4) == v for v in [*x, *y])


def test_simplification_is_in_metres():
    # A 1 km edge with a 3 m bump: a 5 m tolerance removes it, a 1 m tolerance keeps it.
    bult = shapely.Polygon([(0, 0), (500, 3), (1000, 0), (1000, 1000), (0, 1000)])
    bult = shapely.affinity.translate(bult, 120_000, 480_000)
    grof = webgeometrie.web(_rd(bult), Detail(5.0))
    fijn = webgeometrie.web(_rd(bult), Detail(1.0))
    assert shapely.get_num_coordinates(grof.values)[0] == 5
    assert shapely.get_num_coordinates(fijn.values)[0] == 6


def test_a_coverage_keeps_its_shared_borders():
    links = shapely.Polygon([(0, 0), (500, 0), (510, 500), (500, 1000), (0, 1000)])
    rechts = shapely.Polygon([(500, 0), (1000, 0), (1000, 1000), (500, 1000), (510, 500)])
    uit = webgeometrie.web(_rd(links, rechts), Detail(20.0), dekking=True).to_crs("EPSG:28992")
    assert uit.area.sum() == pytest.approx(uit.union_all().area, rel=1e-6)


def test_the_detail_of_a_zoom_is_half_a_pixel_and_the_decimals_it_resolves():
    assert Detail.voor_zoom(13) == Detail(tolerantie(13), decimalen(13))
    assert tolerantie(13) == pytest.approx(webgeometrie.METRES_PER_PIXEL_Z0 / 2 ** 14)
    assert tolerantie(14) == pytest.approx(tolerantie(13) / 2)


def test_from_the_exact_zoom_on_shapes_are_not_simplified_and_every_zoom_shares_one_detail():
    assert Detail.voor_zoom(webgeometrie.EXACT_VANAF - 1).tolerantie_m > 0
    assert {Detail.voor_zoom(z) for z in range(webgeometrie.EXACT_VANAF, 19)} == {Detail(0.0, 6)}


def test_a_cut_keeps_what_lies_in_the_box_and_the_border_neighbours_share():
    links, rechts = shapely.box(120_000, 480_000, 121_000, 481_000), shapely.box(121_000, 480_000, 122_000, 481_000)
    buiten = shapely.box(125_000, 480_000, 126_000, 481_000)
    web = webgeometrie.web(_rd(links, rechts, buiten), webgeometrie.EXACT)
    west, south, east, north = web.loc[["BU0", "BU1"]].total_bounds
    rand = (west + 0.001, south + 0.001, east - 0.001, north - 0.001)
    uit = webgeometrie.bijgesneden(web, rand, 6)
    assert list(uit.index) == ["BU0", "BU1"]
    assert uit.union_all().bounds == pytest.approx(rand)
    gedeeld = shapely.intersection(uit["BU0"].boundary, uit["BU1"].boundary)
    assert gedeeld.geom_type in ("LineString", "MultiLineString") and gedeeld.length > 0.8 * (rand[3] - rand[1])


def test_the_extent_is_west_south_east_north():
    west, south, east, north = webgeometrie.grenzen(_rd(shapely.box(120_000, 480_000, 121_000, 481_000)))
    assert west < east and south < north and 4.85 < west < 4.9 and 52.3 < south < 52.33
