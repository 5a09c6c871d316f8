"""The loaders on the real CBS/PDOK files in ../shared/data (read in place, never copied)."""

import numpy as np
import pytest

from kaart.bouwen import Bron, build_kaart
from kaart.waarden import SENTINEL_MAX
from layers.bestanden import load_bestand

DRECHTSTEDEN = ["GM0505", "GM0642", "GM0590", "GM0610", "GM0482", "GM0523", "GM0531"]
BUURTEN_2023 = "drechtsteden_2023/buurten_2023_drechtsteden.geojson"
GEMEENTEN_2023 = "nl_gemeenten_2023/gemeenten_2023_kwb_simplified.geojson"


def _kaart(shared_file, *files, jaar=2023):
    bronnen = [Bron(laag.rijen, laag.info) for f in files for laag in load_bestand(shared_file(f), jaar=jaar)]
    return build_kaart(bronnen, gemeenten=DRECHTSTEDEN, jaar=jaar, titel="Drechtsteden", bron="bestanden")


@pytest.fixture(scope="module")
def buurten_only(shared_file):
    return _kaart(shared_file, BUURTEN_2023)


@pytest.fixture(scope="module")
def with_official_gemeenten(shared_file):
    return _kaart(shared_file, BUURTEN_2023, GEMEENTEN_2023)


def test_drechtsteden_buurten_load_as_358_buurten_in_7_gemeenten(buurten_only):
    buurten = buurten_only.gebieden["buurt"]
    assert len(buurten) == 358
    assert buurten["gemeentecode"].nunique() == 7
    assert buurten.groupby("gemeentecode").size()["GM0505"] == 133
    assert buurten.crs.to_epsg() == 28992
    assert buurten.index.str.fullmatch(r"BU\d{8}").all()
    assert buurten_only.koppeling.empty


def test_gemeente_inhabitants_equal_the_sum_of_their_buurten(buurten_only):
    buurten, gemeenten = buurten_only.gebieden["buurt"], buurten_only.gebieden["gemeente"]
    expected = buurten.groupby("gemeentecode")["inwoners"].sum()
    assert gemeenten["inwoners"].to_dict() == expected.to_dict()
    assert gemeenten.loc["GM0505", "inwoners"] == 121_430
    assert (gemeenten["cijfers"] == "opgeteld").all()
    wijken = buurten_only.gebieden["wijk"]
    assert wijken["inwoners"].sum() == expected.sum()


def test_official_gemeente_figures_are_used_and_the_difference_is_shown(with_official_gemeenten):
    gemeenten = with_official_gemeenten.gebieden["gemeente"]
    assert gemeenten.loc["GM0505", "inwoners"] == 121_434
    assert gemeenten.loc["GM0505", "cijfers"] == "officieel"
    check = with_official_gemeenten.controle.set_index(["code", "kolom"])
    assert check.loc[("GM0505", "inwoners"), "som_onderliggend"] == 121_430
    assert check.loc[("GM0505", "inwoners"), "verschil"] == 4
    assert set(check.xs("inwoners", level="kolom").index) == set(DRECHTSTEDEN)


def test_no_sentinel_survives_in_any_numeric_column(with_official_gemeenten):
    for niveau, frame in with_official_gemeenten.gebieden.items():
        numeric = frame.select_dtypes("number")
        assert len(numeric.columns) > 10, niveau
        assert not (numeric <= SENTINEL_MAX).any().any(), niveau


def test_water_only_buurten_are_kept_and_marked(buurten_only):
    buurten = buurten_only.gebieden["buurt"]
    water = buurten[buurten["water"]]
    assert "BU05059997" in water.index
    assert water.loc["BU05059997", "naam"] == "Groot binnenwater"
    assert water["inwoners"].isna().all()
    assert not water.geometry.is_empty.any()


def test_the_2022_wijk_layer_loads_all_3340_wijken(shared_file):
    lagen = {laag.info["laag"]: laag for laag in load_bestand(
        shared_file("cbs_kwb2022_tmap/nl_kwb2022_wijk_gemeente_provincie.gpkg"), jaar=2022)}
    wijken = lagen["wijk_2022"].rijen
    assert len(wijken) == 3340 and (wijken["niveau"] == "wijk").all()
    assert wijken["code"].is_unique
    assert wijken["inwoners"].notna().all() and wijken["woz_gemiddeld"].isna().sum() == 123
    assert "provincie_2022" not in lagen  # no CBS codes in that layer


def test_the_classic_2017_attribute_table_loads_with_sentinels_removed(shared_file):
    (laag,) = load_bestand(shared_file("cbs_kwb2017_v1_legacy_schema/wijk_2017_v1_attributes.csv"), jaar=2017)
    rows = laag.rijen
    assert len(rows) == 3159 and rows["gemeentenaam"].notna().all()
    numeric = rows.select_dtypes("number")
    assert not (numeric <= SENTINEL_MAX).any().any()
    assert rows["pct_65plus"].isna().sum() > 0


def test_drechtsteden_wijken_of_2022_join_their_own_gemeenten(shared_file):
    kaart = _kaart(shared_file, "cbs_kwb2022_tmap/nl_kwb2022_wijk_gemeente_provincie.gpkg", jaar=2022)
    assert len(kaart.gebieden["wijk"]) == 13 + 9 + 9 + 4 + 6 + 4 + 5
    gemeenten = kaart.gebieden["gemeente"]
    assert (gemeenten["cijfers"] == "officieel").all()
    assert np.isfinite(gemeenten["inwoners"]).all()


def test_a_year_mismatch_between_sources_is_reported_not_hidden(shared_file):
    buurten = load_bestand(shared_file(BUURTEN_2023))[0]
    gemeenten = load_bestand(shared_file("cbs_kwb2022_tmap/nl_kwb2022_wijk_gemeente_provincie.gpkg"),
                             laag="gemeente_2022", jaar=2022)[0]
    kaart = build_kaart([Bron(buurten.rijen, buurten.info), Bron(gemeenten.rijen, gemeenten.info)],
                        gemeenten=DRECHTSTEDEN, jaar=2023, titel="x", bron="bestanden")
    other = kaart.koppeling[kaart.koppeling["probleem"].str.startswith("ander jaar")]
    assert sorted(other["code"]) == sorted(DRECHTSTEDEN)
    assert (kaart.gebieden["gemeente"]["cijfers"] == "opgeteld").all()


def test_a_national_gemeente_file_gives_the_national_reference(with_official_gemeenten, shared_file):
    import json

    raw = json.loads(shared_file(GEMEENTEN_2023).read_text(encoding="utf-8"))["features"]
    total = sum(f["properties"]["aantalInwoners"] for f in raw if f["properties"]["gemeentecode"] != "GM0998")
    nederland = with_official_gemeenten.tabellen["nederland"].iloc[0]
    assert nederland["inwoners"] == total
    assert 15 < nederland["ind_aandeel_65plus"] < 25
    assert "342 gemeenten" in with_official_gemeenten.metadata["nederland_bron"]
