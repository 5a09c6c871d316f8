"""Every known KWB schema maps to the one internal naming."""

import shutil
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Polygon, box

from kaart.errors import InputError
from kaart.kaartbestand import read_kaart
from kaart.normaliseren import normalise, repaired

KAART = shutil.which("kaart", path=str(Path(sys.executable).parent)) or "kaart"


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
    with pytest.raises(InputError, match="geen kolom met CBS-gebiedscodes") as err:
        normalise(pd.DataFrame({"naam": ["x"], "inwoners": [1]}), bron="ding.csv", jaar=2023)
    assert "buurtcode" in err.value.fix


def test_a_table_without_year_needs_one():
    with pytest.raises(InputError, match="Geef het jaar"):
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


def test_repaired_names_the_geometries_that_were_empty_or_collapsed():
    ok, bowtie = box(0, 0, 1, 1), Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])  # bowtie: invalid, repairable
    line = Polygon([(0, 0), (1, 0), (2, 0), (0, 0)])  # a ring without area: invalid, nothing to keep
    geometry = np.array([ok, bowtie, Polygon(), line, None], dtype=object)
    reparatie = repaired(geometry)
    assert reparatie.gerepareerd == 2
    assert reparatie.leeg.tolist() == [2] and reparatie.vervallen.tolist() == [3]
    assert shapely.is_missing(reparatie.geometrie).tolist() == [False, False, True, True, True]
    assert reparatie.geometrie[1].area == pytest.approx(2.0) and reparatie.geometrie[1].is_valid
    assert reparatie.geometrie[0] is ok and shapely.is_missing(geometry).tolist() == [False] * 4 + [True]


def test_a_lost_geometry_is_reported_by_code_with_its_reason():
    frame = gpd.GeoDataFrame({"buurtcode": ["BU05050101", "BU05050102", "BU05050103"], "jaar": [2014] * 3},
                             geometry=[box(0, 0, 1, 1), Polygon([(0, 0), (1, 0), (2, 0), (0, 0)]), Polygon()])
    rows, report = normalise(frame, bron="b.geojson")
    assert rows.geometry.isna().tolist() == [False, True, True]
    assert report.vervallen_geometrieen == ["BU05050102", "BU05050103"]
    assert sorted(report.niet_geplaatst.values.tolist()) == [
        ["BU05050102", "buurt", 2014, "geometrie ongeldig: verviel bij reparatie (b.geojson)"],
        ["BU05050103", "buurt", 2014, "geometrie leeg in de bron (b.geojson)"]]


TOPOJSON_2014 = "nl_buurten_2014_topojson/Buurt_2014_layer_q1e3.topojson"


@pytest.mark.shared_data
def test_e4_the_collapsed_buurten_of_the_2014_layer_are_in_koppeling_by_code(shared_file, tmp_path):
    raw = gpd.read_file(f"TopoJSON:{shared_file(TOPOJSON_2014)}", engine="pyogrio")
    # Independently of the repair under test: a buurt whose raw polygon has no area even when buffered by 0.
    empty = raw.geometry.is_empty
    no_area = ~empty & ~raw.geometry.is_valid & (raw.geometry.buffer(0).area == 0)
    assert (empty.sum(), no_area.sum()) == (545, 730)  # the 1,275 of 11,691
    dordrecht = raw[raw["statcode"].str.startswith("BU0505")]
    stats = tmp_path / "inwoners_2014.csv"
    dordrecht[["statcode"]].assign(aantalInwoners=100, jaar=2014).to_csv(stats, index=False)
    result = subprocess.run([KAART, "build", "--bestand", shared_file(TOPOJSON_2014), "--bestand", stats,
                             "--gemeente", "GM0505", "--jaar", "2014", "-o", tmp_path / "k.gpkg"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    kaart = read_kaart(tmp_path / "k.gpkg")
    lost = sorted(raw.loc[no_area & raw["statcode"].str.startswith("BU0505"), "statcode"])
    assert len(lost) == 28
    assert kaart.koppeling.sort_values("code")[["code", "probleem"]].values.tolist() == [
        [c, "geometrie ongeldig: verviel bij reparatie (Buurt_2014_layer_q1e3.topojson)"] for c in lost]
    buurten = kaart.gebieden["buurt"]
    assert sorted(buurten.index[buurten.geometry.isna()]) == lost  # their figures stay, without a shape
    assert f"{no_area.sum()} areas have no geometry (geometrie ongeldig: verviel bij reparatie)" in result.stderr
