"""The loaders on the real CBS/PDOK files in ../shared/data (read in place, never copied)."""

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kaart.bouwen import Bron, build_kaart
from kaart.waarden import SENTINEL_MAX
from layers.bestanden import load_bestand

DRECHTSTEDEN = ["GM0505", "GM0642", "GM0590", "GM0610", "GM0482", "GM0523", "GM0531"]
BUURTEN_2023 = "drechtsteden_2023/buurten_2023_drechtsteden.geojson"
GEMEENTEN_2023 = "nl_gemeenten_2023/gemeenten_2023_kwb_simplified.geojson"
KAART = shutil.which("kaart", path=str(Path(sys.executable).parent)) or "kaart"


def _kaart(shared_file, *files, jaar=2023):
    bronnen = [Bron(laag.rijen, laag.info, niet_geplaatst=laag.normalisatie.niet_geplaatst)
               for f in files for laag in load_bestand(shared_file(f), jaar=jaar)]
    return build_kaart(bronnen, gemeenten=DRECHTSTEDEN, jaar=jaar, titel="Drechtsteden", bron="bestanden")


@pytest.fixture(scope="module")
def buurten_only(drechtsteden_2023):
    return drechtsteden_2023()


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


# --- Issue 13, item 6: nothing lost, nothing mislabelled (E1, E2, E3, E5, E6, E9) ---------------------------------

GEOMETRIE_2023 = "drechtsteden_2023/gemeenten_drechtsteden.geojson"
WIJK_2017 = "cbs_kwb2017_v1_legacy_schema/wijk_2017_v1_attributes.csv"
GEM_2017 = "cbs_kwb2017_v1_legacy_schema/gem_2017_v1_attributes.csv"
BUURT_2014 = "nl_buurten_2014_topojson/Buurt_2014_layer_q1e3.topojson"


def _raw_buurten(shared_file):
    import json

    return json.loads(shared_file(BUURTEN_2023).read_text(encoding="utf-8"))


def _inwoners(props) -> float:
    value = float(props["aantalInwoners"])
    return 0.0 if value <= SENTINEL_MAX else value


@pytest.fixture(scope="module")
def met_gemeentegeometrie(shared_file):
    return _kaart(shared_file, BUURTEN_2023, GEOMETRIE_2023)


def test_e1_gemeenten_with_geometry_only_get_the_figures_of_their_buurten(met_gemeentegeometrie, shared_file):
    from collections import Counter

    raw = _raw_buurten(shared_file)["features"]
    expected = Counter()
    for f in raw:
        expected[f["properties"]["gemeentecode"]] += _inwoners(f["properties"])
    gemeenten = met_gemeentegeometrie.gebieden["gemeente"]
    assert gemeenten["inwoners"].to_dict() == dict(expected)
    assert (gemeenten["cijfers"] == "opgeteld").all() and (gemeenten["opgeteld_uit"] == "buurten").all()
    assert gemeenten["huishoudens"].notna().all() and gemeenten["pct_65plus"].notna().all()
    assert met_gemeentegeometrie.extra["regio"].iloc[0]["inwoners"] == sum(expected.values())
    # The outline is the gemeente file's own, not the dissolved buurten.
    import geopandas as gpd

    eigen = gpd.read_file(shared_file(GEOMETRIE_2023)).to_crs(28992).set_index("identificatie").geometry
    assert gemeenten.geometry.area.round(0).to_dict() == eigen.area.round(0).reindex(gemeenten.index).to_dict()
    assert "geometrie" not in ",".join(gemeenten["opgeteld"])
    assert met_gemeentegeometrie.koppeling.empty  # summed statistics are statistics


def test_e2_a_buurt_with_an_invalid_code_is_unplaceable_not_its_wijk(shared_file, tmp_path):
    import json

    data = _raw_buurten(shared_file)
    papendrecht = [f["properties"] for f in data["features"] if f["properties"]["wijkcode"] == "WK059001"]
    bad = papendrecht[0]
    bad_code, bad["buurtcode"] = bad["buurtcode"], bad["buurtcode"][:-1] + "#"  # "#" is in no CBS code, digits and letters both are
    path = tmp_path / "buurten.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    kaart = _kaart(lambda p: path if p == BUURTEN_2023 else shared_file(p), BUURTEN_2023)
    wijk = kaart.gebieden["wijk"].loc["WK059001"]
    assert wijk["inwoners"] == sum(_inwoners(p) for p in papendrecht[1:])  # the other buurten, not the bad one
    assert wijk["cijfers"] == "opgeteld"
    assert bad_code not in kaart.gebieden["buurt"].index
    line = kaart.koppeling.set_index("code").loc[bad["buurtcode"]]
    assert line["probleem"] == f"ongeldige code '{bad['buurtcode']}' in kolom buurtcode (buurten.geojson)"
    assert line["niveau"] == "buurt"


def _gem_2017_met_ander_getal(shared_file, tmp_path):
    rows = pd.read_csv(shared_file(GEM_2017), dtype=str, keep_default_na=False)
    rows = rows[rows["GM_CODE"] == "GM0505"].copy()
    original = rows["AANT_INW"].iloc[0]
    rows["AANT_INW"] = str(int(original) + 1)
    path = tmp_path / "dordrecht.csv"
    rows.to_csv(path, index=False)
    return path, int(original)


def test_e3_conflicting_duplicates_are_an_error_naming_both_rows(shared_file, tmp_path):
    from kaart.errors import InputError

    path, original = _gem_2017_met_ander_getal(shared_file, tmp_path)
    bronnen = [Bron(laag.rijen, laag.info) for p in (shared_file(GEM_2017), path) for laag in load_bestand(p, jaar=2017)]
    with pytest.raises(InputError) as err:
        build_kaart(bronnen, gemeenten=["GM0505"], jaar=2017, titel="x", bron="bestanden")
    nl = f"{original:,}".replace(",", "."), f"{original + 1:,}".replace(",", ".")  # Dutch: 118.963
    assert (f"GM0505 (2017) inwoners is {nl[0]} in gem_2017_v1_attributes.csv en {nl[1]} in dordrecht.csv"
            in err.value.problem)


def test_e3_the_first_rule_is_the_users_choice_and_is_reported(shared_file, tmp_path):
    path, original = _gem_2017_met_ander_getal(shared_file, tmp_path)
    result = subprocess.run([KAART, "build", "-b", shared_file(GEM_2017), "-b", path, "-b", shared_file(WIJK_2017),
                             "-b", shared_file(BUURT_2014), "--jaar", "2017", "-g", "GM0505", "-o",
                             tmp_path / "k.gpkg"], capture_output=True, text=True, timeout=300)
    assert result.returncode != 0 and "--dubbel eerste" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "k.gpkg").exists()
    result = subprocess.run([KAART, "build", "-b", shared_file(GEM_2017), "-b", path, "-b", shared_file(WIJK_2017),
                             "-b", shared_file(BUURT_2014), "--jaar", "2017", "-g", "GM0505", "--dubbel", "eerste",
                             "-o", tmp_path / "k.gpkg"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    from kaart.kaartbestand import read_kaart

    kaart = read_kaart(tmp_path / "k.gpkg")
    assert kaart.gebieden["gemeente"].loc["GM0505", "inwoners"] == original
    dubbel = kaart.koppeling[kaart.koppeling["probleem"].str.startswith("dubbel")]
    nl = f"{original:,}".replace(",", "."), f"{original + 1:,}".replace(",", ".")  # Dutch: 118.963
    assert dubbel["probleem"].tolist() == [f"dubbel met andere waarden, eerste gehouden: inwoners {nl[0]} "
                                           f"(gem_2017_v1_attributes.csv) tegenover {nl[1]} (dordrecht.csv)"]


def test_e3_identical_duplicates_and_a_gemeentes_water_part_are_no_conflict(shared_file):
    kaart = _kaart(shared_file, BUURTEN_2023, BUURTEN_2023)  # the same areas twice
    assert len(kaart.gebieden["buurt"]) == 358
    raw = pd.read_csv(shared_file(GEM_2017))
    land = raw[(raw["GM_CODE"] == "GM0034") & (raw["WATER"] == "NEE")].iloc[0]
    (laag,) = load_bestand(shared_file(GEM_2017), jaar=2017)
    from kaart.koppelen import combine

    rows, dubbelen = combine([laag.rijen], ["gem"])
    almere = rows.set_index("code").loc["GM0034"]  # CBS gives its water part a row of its own
    assert almere["inwoners"] == land["AANT_INW"] and not almere["water"] and dubbelen.empty


@pytest.fixture(scope="module")
def landelijk_2017(shared_file):
    from kaart.regio import gemeenten_in

    bronnen = [Bron(laag.rijen, laag.info, niet_geplaatst=laag.normalisatie.niet_geplaatst)
               for f in (WIJK_2017, GEM_2017, BUURT_2014) for laag in load_bestand(shared_file(f), jaar=2017)]
    bekend = gemeenten_in(pd.concat([pd.DataFrame(b.rijen).drop(columns="geometry", errors="ignore") for b in bronnen]))
    gemeenten = list(bekend.loc[bekend["fijnst"], "code"])  # what the CLI takes without --gemeente
    return build_kaart(bronnen, gemeenten=gemeenten, jaar=2017, titel="NL", bron="bestanden"), gemeenten


def test_e5_statistics_without_geometry_are_reported_never_lost(landelijk_2017, shared_file):
    kaart, gemeenten = landelijk_2017
    wijken = pd.read_csv(shared_file(WIJK_2017))
    gem = pd.read_csv(shared_file(GEM_2017))
    geplaatst = {c for f in kaart.gebieden.values() for c in f.index[~(f.geometry.isna() | f.geometry.is_empty)]}
    gemeld = set(kaart.koppeling["code"])
    for code in set(wijken["WK_CODE"]) | set(gem["GM_CODE"]):
        assert code in geplaatst or code in gemeld, code
    # The gemeenten of 2017 that the 2014 buurten do not know: in koppeling with their wijken and inhabitants.
    nieuw = sorted(set(gem["GM_CODE"]) - {c for c in geplaatst if c.startswith("GM")})
    zonder = kaart.koppeling[kaart.koppeling["probleem"] == "geen geometrie"]
    gm_zonder = sorted(c for c in zonder["code"] if c.startswith("GM"))
    assert set(gm_zonder) <= set(nieuw)
    met_inwoners = set(gem.loc[gem["AANT_INW"] > 0, "GM_CODE"])
    assert len(met_inwoners & set(gm_zonder)) == 6
    hun_wijken = wijken[wijken["GM_CODE"].isin(gm_zonder)]
    assert len(hun_wijken) == 114 and set(hun_wijken["WK_CODE"]) <= set(zonder["code"])
    assert hun_wijken.loc[hun_wijken["AANT_INW"] > 0, "AANT_INW"].sum() == 363_950
    # Their figures stay in the kaart (without outline), so no inhabitant vanishes from the level tables.
    assert kaart.gebieden["gemeente"].loc[sorted(met_inwoners & set(gm_zonder)), "inwoners"].notna().all()


def test_e5_a_dissolved_geometry_is_not_reported_missing(landelijk_2017):
    kaart, _ = landelijk_2017
    zonder = set(kaart.koppeling.loc[kaart.koppeling["probleem"] == "geen geometrie", "code"])
    for niveau in ("wijk", "gemeente"):
        frame = kaart.gebieden[niveau]
        vorm = frame.index[~(frame.geometry.isna() | frame.geometry.is_empty)]
        assert not zonder & set(vorm), niveau
        samengevoegd = frame[frame["opgeteld"].str.contains("geometrie")]
        assert len(samengevoegd) > 300 and (samengevoegd["opgeteld_uit"] == "buurten").all()


def test_e5_a_file_without_a_year_is_reported_as_taken_to_be_of_jaar(shared_file, tmp_path):
    result = subprocess.run([KAART, "build", "-b", shared_file(BUURT_2014), "-b", shared_file(WIJK_2017),
                             "--jaar", "2017", "-g", "GM0505", "-o", tmp_path / "k.gpkg"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Buurt_2014_layer_q1e3.topojson noemt geen jaar; de rijen gelden als 2017 (--jaar)" in result.stderr
    from kaart.kaartbestand import read_kaart

    bronnen = read_kaart(tmp_path / "k.gpkg").metadata["bronnen"]
    assert [b["jaar"] for b in bronnen if b["bron"].startswith("Buurt_2014")] == [
        "2017 (aangenomen: het bestand noemt geen jaar)"]


def test_e6_a_kaart_without_any_statistic_is_refused_naming_the_years(shared_file):
    from kaart.errors import InputError

    statistieken = load_bestand(shared_file(BUURTEN_2023))[0]  # names its year: 2023
    (vormen,) = load_bestand(shared_file(GEOMETRIE_2023), jaar=1899)  # names none: taken as 1899
    with pytest.raises(InputError) as err:
        build_kaart([Bron(statistieken.rijen, statistieken.info), Bron(vormen.rijen, vormen.info)],
                    gemeenten=DRECHTSTEDEN, jaar=1899, titel="x", bron="bestanden")
    assert "statistieken in de bestanden zijn van 2023 (buurten_2023_drechtsteden.geojson)" in err.value.problem
    assert "het jaar van de statistieken, 2023" in err.value.fix


@pytest.fixture(scope="module")
def app_buurten(buurten_only, tmp_path_factory):
    from kaart.kaartbestand import write_kaart
    from webapp import create_app

    pad = write_kaart(buurten_only, tmp_path_factory.mktemp("e9") / "k.gpkg")
    return create_app({"KAART_PAD": pad}, instance_path=pad.parent / "instance").test_client()


def test_e9_the_api_says_per_figure_where_it_comes_from(app_buurten, buurten_only):
    gemeente = app_buurten.get("/api/v1/gebieden/gemeente/GM0505").get_json()["properties"]
    assert gemeente["inwoners"] == 121_430
    assert gemeente["herkomst"]["inwoners"] == "opgeteld uit buurten"
    assert gemeente["herkomst"]["pct_65plus"] == "herberekend uit opgetelde buurten"
    assert gemeente["herkomst"]["ind_bevolkingsdichtheid"] == "herberekend uit opgetelde buurten"
    buurten = app_buurten.get("/api/v1/gebieden/buurt?indicator=inwoners,ind_bevolkingsdichtheid").get_json()
    for f in buurten["features"]:
        assert f["properties"]["herkomst"]["inwoners"] == "CBS"


def test_e9_a_buurt_density_is_cbss_own_and_stays_suppressed_where_cbs_suppressed_it(buurten_only, shared_file):
    raw = {f["properties"]["buurtcode"]: float(f["properties"]["bevolkingsdichtheidInwonersPerKm2"])
           for f in _raw_buurten(shared_file)["features"]}
    dichtheid = buurten_only.gebieden["buurt"]["ind_bevolkingsdichtheid"]
    onderdrukt = [c for c, v in raw.items() if v <= SENTINEL_MAX]
    assert len(onderdrukt) > 10 and dichtheid[onderdrukt].isna().all()
    gepubliceerd = {c: v for c, v in raw.items() if v > SENTINEL_MAX}
    assert dichtheid[list(gepubliceerd)].to_dict() == gepubliceerd


def test_e9_the_profile_page_labels_summed_and_recomputed_figures(app_buurten):
    html = app_buurten.get("/gebied/GM0505").get_data(as_text=True)
    assert "121.430 inwoners (opgeteld uit buurten)" in html
    assert '<span class="herkomst">herberekend uit opgetelde buurten</span>' in html
    buurt = app_buurten.get("/gebied/BU05050101").get_data(as_text=True)
    assert "(opgeteld uit buurten)" not in buurt.split("Indicatoren")[0]
