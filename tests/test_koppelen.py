"""The join of statistics to geometry reports every code that matched on one side only."""

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

from kaart.koppelen import GEEN_GEOMETRIE, GEEN_STATISTIEKEN, combine, join


def _identity(code):
    return {"code": code, "niveau": "buurt", "naam": code, "gemeentecode": "GM" + code[2:6],
            "gemeentenaam": None, "wijkcode": "WK" + code[2:8], "jaar": 2023, "water": False}


def test_codes_on_one_side_only_are_listed_and_kept():
    stats = pd.DataFrame([dict(_identity(c), inwoners=100) for c in ["BU00010101", "BU00010102"]])
    geo = gpd.GeoDataFrame([dict(_identity(c), geometry=box(0, 0, 1, 1)) for c in ["BU00010102", "BU00010103"]],
                           geometry="geometry", crs="EPSG:28992")
    rows, koppeling = join(stats, geo)
    assert sorted(rows["code"]) == ["BU00010101", "BU00010102", "BU00010103"]
    assert koppeling.set_index("code")["probleem"].to_dict() == {
        "BU00010101": GEEN_GEOMETRIE, "BU00010103": GEEN_STATISTIEKEN}
    matched = rows.set_index("code").loc["BU00010102"]
    assert matched["inwoners"] == 100 and matched.geometry is not None


def test_the_same_code_in_another_year_does_not_match():
    stats = pd.DataFrame([dict(_identity("BU00010101"), inwoners=100)])
    geo = gpd.GeoDataFrame([dict(_identity("BU00010101"), jaar=2022, geometry=box(0, 0, 1, 1))],
                           geometry="geometry", crs="EPSG:28992")
    _, koppeling = join(stats, geo)
    assert sorted(koppeling["probleem"]) == [GEEN_GEOMETRIE, GEEN_STATISTIEKEN]


def test_combine_fills_cells_from_later_sources_without_overwriting():
    first = pd.DataFrame([dict(_identity("BU00010101"), inwoners=100, huishoudens=None)])
    second = pd.DataFrame([dict(_identity("BU00010101"), inwoners=999, huishoudens=40)])
    row = combine([first, second]).iloc[0]
    assert (row["inwoners"], row["huishoudens"]) == (100, 40)
