"""Every known KWB schema maps to the one internal naming."""

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from kaart.errors import InputError
from kaart.normaliseren import normalise


def test_pdok_camelcase_buurt_rows():
    frame = pd.DataFrame({
        "buurtcode": ["BU05050101"], "buurtnaam": ["Binnenstad"], "wijkcode": ["WK050501"],
        "gemeentecode": ["GM0505"], "gemeentenaam": ["Dordrecht"], "water": ["NEE"], "jaar": [2023],
        "aantalInwoners": ["1235"], "percentagePersonen65JaarEnOuder": ["-99999999"],
        "gemiddeldeHuishoudsgrootte": [1.7],
    })
    rows, report = normalise(frame, bron="test")
    row = rows.iloc[0]
    assert (row.code, row.niveau, row.naam, row.gemeentecode, row.wijkcode) == (
        "BU05050101", "buurt", "Binnenstad", "GM0505", "WK050501")
    assert row.inwoners == 1235 and pd.isna(row.pct_65plus) and row.gemiddelde_huishoudensgrootte == 1.7
    assert not row.water and row.jaar == 2023
    assert report.kolommen["aantalInwoners"] == "inwoners"


def test_cbs_odata_keys_with_padding_and_suffixes():
    frame = pd.DataFrame({
        "ID": [0, 1], "WijkenEnBuurten": ["Dordrecht", "Wijk 01 Binnenstad"],
        "Gemeentenaam_1": ["Dordrecht                                 ", "Dordrecht      "],
        "Codering_3": ["GM0505    ", "WK050501  "], "AantalInwoners_5": [121434, 8000],
        "k_65JaarOfOuder_12": [24000, None], "HuishoudensTotaal_29": [56730, -99997],
    })
    rows, _ = normalise(frame, bron="CBS", jaar=2023)
    assert rows["code"].tolist() == ["GM0505", "WK050501"]
    assert rows["naam"].tolist() == ["Dordrecht", "Wijk 01 Binnenstad"]
    assert rows["gemeentenaam"].tolist() == ["Dordrecht", "Dordrecht"]
    assert rows["inwoners_65plus"].isna().tolist() == [False, True]
    assert rows["huishoudens"].isna().tolist() == [False, True]
    assert (rows["jaar"] == 2023).all()


def test_classic_cbs_shapefile_schema_and_tmap_schema():
    legacy = pd.DataFrame({"WK_CODE": ["WK000300"], "WK_NAAM": ["Wijk 00"], "GM_CODE": ["GM0003"],
                           "GM_NAAM": ["Appingedam"], "AANT_INW": ["11970"], "P_65_EO_JR": ["24"]})
    rows, _ = normalise(legacy, bron="legacy", jaar=2017)
    assert rows.iloc[0][["code", "niveau", "gemeentenaam", "inwoners", "pct_65plus"]].tolist() == [
        "WK000300", "wijk", "Appingedam", 11970.0, 24.0]
    tmap = gpd.GeoDataFrame({"code": ["GM0505"], "name": ["Dordrecht"], "population": [119000],
                             "pop_65plus": [20]}, geometry=[box(0, 0, 1, 1)], crs=28992)
    rows, _ = normalise(tmap, bron="tmap", jaar=2022)
    assert isinstance(rows, gpd.GeoDataFrame) and rows.crs.to_epsg() == 28992
    assert rows.iloc[0][["code", "naam", "gemeentenaam", "inwoners", "pct_65plus"]].tolist() == [
        "GM0505", "Dordrecht", "Dordrecht", 119000.0, 20.0]


def test_a_table_without_codes_is_refused_with_the_fix():
    with pytest.raises(InputError, match="no column with CBS area codes") as err:
        normalise(pd.DataFrame({"naam": ["x"], "inwoners": [1]}), bron="ding.csv", jaar=2023)
    assert "buurtcode" in err.value.fix


def test_a_table_without_year_needs_one():
    with pytest.raises(InputError, match="--jaar"):
        normalise(pd.DataFrame({"gemeentecode": ["GM0505"]}), bron="x")


def test_rows_with_invalid_codes_are_reported():
    rows, report = normalise(pd.DataFrame({"code": ["GM0505", "GM05", "GM0642", "totaal", "GM0590"]}), bron="x", jaar=2023)
    assert rows["code"].tolist() == ["GM0505", "GM0642", "GM0590"]
    assert report.ongeldige_codes == ["GM05", "TOTAAL"]


def test_a_row_with_an_invalid_finest_code_is_not_read_as_its_wijk():
    frame = pd.DataFrame({"buurtcode": ["BU05900101", "BU059001X", "", "BU05900102"],
                          "wijkcode": ["WK059001"] * 4, "gemeentecode": ["GM0590"] * 4,
                          "aantalInwoners": ["100", "765", "9000", "200"]})
    rows, report = normalise(frame, bron="b.csv", jaar=2023)
    # The empty buurtcode is a row of its wijk (a file mixing levels); the invalid one cannot be placed.
    assert rows[["code", "inwoners"]].values.tolist() == [["BU05900101", 100], ["WK059001", 9000], ["BU05900102", 200]]
    assert report.niet_geplaatst.values.tolist() == [
        ["BU059001X", "buurt", 2023, "ongeldige code 'BU059001X' in kolom buurtcode (b.csv)"]]


def test_a_year_taken_from_the_command_line_is_reported():
    _, report = normalise(pd.DataFrame({"gemeentecode": ["GM0505"]}), bron="x", jaar=2017)
    assert not report.jaar_uit_bestand
    _, report = normalise(pd.DataFrame({"gemeentecode": ["GM0505"], "jaar": [2023]}), bron="x", jaar=2017)
    assert report.jaar_uit_bestand
