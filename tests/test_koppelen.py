"""The join of statistics to geometry reports every code that matched on one side only."""

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from kaart.errors import InputError
from kaart.koppelen import DUBBEL_EERSTE, GEEN_GEOMETRIE, GEEN_STATISTIEKEN, combine, join


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


def test_combine_fills_cells_from_later_sources_and_identical_duplicates_are_fine():
    first = pd.DataFrame([dict(_identity("BU00010101"), inwoners=100, huishoudens=None)])
    second = pd.DataFrame([dict(_identity("BU00010101"), inwoners=100.0, huishoudens=40)])
    rows, dubbelen = combine([first, second], ["a.csv", "b.csv"])
    assert len(rows) == 1 and (rows.iloc[0]["inwoners"], rows.iloc[0]["huishoudens"]) == (100, 40)
    assert dubbelen.empty


def test_conflicting_duplicates_are_an_error_naming_both_rows():
    first = pd.DataFrame([dict(_identity("BU00010101"), inwoners=100)])
    second = pd.DataFrame([dict(_identity("BU00010101"), inwoners=999)])
    with pytest.raises(InputError) as err:
        combine([first, second], ["a.csv", "b.csv"])
    assert "BU00010101 (2023) inwoners is 100 in a.csv en 999 in b.csv" in err.value.problem
    assert "houd de waarden van het eerste bestand" in err.value.fix


def test_conflicts_within_one_file_are_found_too():
    rows = pd.DataFrame([dict(_identity("BU00010101"), inwoners=100), dict(_identity("BU00010101"), inwoners=5)])
    with pytest.raises(InputError, match="100 in x.csv en 5 in x.csv"):
        combine([rows], ["x.csv"])


def test_the_first_rule_keeps_the_first_value_and_reports_the_conflict():
    first = pd.DataFrame([dict(_identity("BU00010101"), inwoners=100, huishoudens=40)])
    second = pd.DataFrame([dict(_identity("BU00010101"), inwoners=999, huishoudens=40)])
    rows, dubbelen = combine([first, second], ["a.csv", "b.csv"], DUBBEL_EERSTE)
    assert rows.iloc[0]["inwoners"] == 100
    assert dubbelen[["code", "niveau"]].values.tolist() == [["BU00010101", "buurt"]]
    assert dubbelen.iloc[0]["probleem"] == "dubbel met andere waarden, eerste gehouden: inwoners 100 (a.csv) tegenover 999 (b.csv)"


def test_an_area_is_water_only_when_all_its_rows_are():
    land = dict(_identity("GM0001"), niveau="gemeente", inwoners=100, water=False)
    water = dict(_identity("GM0001"), niveau="gemeente", inwoners=None, water=True)
    rows, _ = combine([pd.DataFrame([water, land])])
    assert not rows.iloc[0]["water"] and rows.iloc[0]["inwoners"] == 100
