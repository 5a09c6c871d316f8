"""A kaart over a range of years built from real files (issue #17, parts 1-3 and its done-when): Groningen 2017-2022.

The 2017 figures are CBS's legacy-schema attribute tables (no geometry), the 2022 kaart is tmap's KWB 2022
GeoPackage. Between them Haren and Ten Boer merged into Groningen (2019): the 2022 gemeente's 2017 value
must be the sum of the three 2017 gemeenten, its ratios recomputed, and marked as such on the profile.
"""
from __future__ import annotations

import re

import pandas as pd
import pytest
import requests

from kaart import reeksen
from kaart.bouwen import Bron, Jaargang, build_kaart
from kaart.harmonisatie import HERCODEERD, OFFICIEEL, OPGETELD
from kaart.jaargangen import HARMONISATIE
from kaart.kaartbestand import read_kaart
from layers.bestanden import lees_koppeltabel, load_bestand
from layers.regio_indelingen import fusiecodes, splitscodes
from tests._server import running
from tests.test_cli import assert_clean_failure, run

GEM_2017 = "cbs_kwb2017_v1_legacy_schema/gem_2017_v1_attributes.csv"
WIJK_2017 = "cbs_kwb2017_v1_legacy_schema/wijk_2017_v1_attributes.csv"
KWB_2022 = "cbs_kwb2022_tmap/nl_kwb2022_wijk_gemeente_provincie.gpkg"
DELEN = ["GM0014", "GM0017", "GM0009"]  # Groningen, Haren, Ten Boer in 2017


def _ruw(shared_file, pad: str) -> pd.DataFrame:
    """The 2017 file as CBS wrote it, land rows only, sentinels as missing: the independent side of the tests."""
    ruw = pd.read_csv(shared_file(pad), dtype=str, keep_default_na=False)
    ruw = ruw[ruw["WATER"].str.strip().eq("NEE")]
    for k in ("AANT_INW", "P_65_EO_JR", "AANTAL_HH"):
        ruw[k] = pd.to_numeric(ruw[k]).where(lambda s: s >= 0)
    return ruw


@pytest.fixture(scope="module")
def groningen(shared_file, tmp_path_factory):
    """The kaart of 2017-2022 as a user builds it: the command, the files as they are."""
    uit = tmp_path_factory.mktemp("groningen") / "groningen.gpkg"
    result = run("build", "--bron", "bestanden", "--jaar", "2017-2022", "-g", "Groningen",
                 "-b", shared_file(GEM_2017), "-b", shared_file(WIJK_2017), "-b", shared_file(KWB_2022), "-o", uit)
    assert result.returncode == 0, result.stderr
    return result, uit, read_kaart(uit)


def test_the_merged_gemeente_is_the_sum_of_its_three_parts_with_ratios_recomputed(groningen, shared_file):
    result, _, kaart = groningen
    assert reeksen.jaren(kaart) == [2017, 2022]
    assert "2018, 2019, 2020, 2021" in result.stderr  # the years without files are said, not invented
    ruw = _ruw(shared_file, GEM_2017)
    ruw = ruw[ruw["GM_CODE"].isin(DELEN)]
    assert len(ruw) == 3
    inwoners = reeksen.reeks(kaart, "gemeente", "GM0014", "inwoners")
    assert inwoners.loc[2017, "waarde"] == ruw["AANT_INW"].sum()
    assert inwoners.loc[2017, "status"] == OPGETELD
    assert inwoners.loc[2022, "waarde"] == kaart.gebieden["gemeente"].loc["GM0014", "inwoners"]
    assert inwoners.loc[2022, "status"] == OFFICIEEL
    oud = reeksen.reeks(kaart, "gemeente", "GM0014", "ind_aandeel_65plus").loc[2017]
    gewogen = (ruw["P_65_EO_JR"] * ruw["AANT_INW"]).sum() / ruw["AANT_INW"].sum()
    assert oud["waarde"] == pytest.approx(gewogen, abs=0.01) and oud["status"] == OPGETELD


def test_wijken_keep_their_official_figure_and_the_merged_ones_are_listed_with_a_reason(groningen, shared_file):
    _, _, kaart = groningen
    ruw = _ruw(shared_file, WIJK_2017).set_index("WK_CODE")
    centrum = reeksen.reeks(kaart, "wijk", "WK001400", "inwoners").loc[2017]
    assert centrum["waarde"] == ruw.loc["WK001400", "AANT_INW"] and centrum["status"] == OFFICIEEL
    lijst = kaart.tabellen[HARMONISATIE]
    oud = set(lijst.query("jaar == 2017 and niveau == 'wijk' and kant == 'oud'")["code"])
    # Haren's and Ten Boer's 2017 wijken have no code of today and no geometry here: listed, never dropped.
    assert oud == set(ruw.index[ruw["GM_CODE"].isin(["GM0017", "GM0009"])])
    nieuw = set(lijst.query("jaar == 2017 and niveau == 'wijk' and kant == 'nieuw'")["code"])
    assert nieuw == {"WK001415", "WK001416", "WK001417", "WK001418", "WK001419"}
    assert reeksen.reeks(kaart, "wijk", "WK001417", "inwoners").index.tolist() == [2022]  # a gap, not a zero
    # Every 2017 wijk of the region is used or listed: nothing silently left at the old value.
    regio = set(ruw.index[ruw["GM_CODE"].isin(DELEN)])
    gebruikt = set(reeksen.reeksen(kaart).query("niveau == 'wijk' and jaar == 2017")["code"])
    assert regio == (gebruikt & regio) | oud


def test_a_koppeltabel_carries_renumbered_wijken_over_as_official(shared_file, tmp_path):
    """Ten Boer's two wijken became Groningen's wijken 15 and 16 (the pairing is this test's, from their
    names); with it they are CBS's own 2017 figure under today's code."""
    tabel = tmp_path / "koppeltabel.csv"
    tabel.write_text("code 2017;code 2022\nWK000900;WK001415\nWK000901;WK001416\n", encoding="utf-8")
    uit = tmp_path / "k.gpkg"
    result = run("build", "--jaar", "2017-2022", "-g", "GM0014", "--koppeltabel", tabel,
                 "-b", f"{shared_file(WIJK_2017)}@2017", "-b", shared_file(KWB_2022), "-o", uit)
    assert result.returncode == 0, result.stderr
    kaart = read_kaart(uit)
    ruw = _ruw(shared_file, WIJK_2017).set_index("WK_CODE")
    ten_boer = reeksen.reeks(kaart, "wijk", "WK001415", "inwoners").loc[2017]
    assert ten_boer["waarde"] == ruw.loc["WK000900", "AANT_INW"] and ten_boer["status"] == HERCODEERD
    assert lees_koppeltabel(tabel) == {"WK000900": "WK001415", "WK000901": "WK001416"}


def test_a_figure_the_newest_table_lacks_comes_from_the_year_before_and_says_so(shared_file):
    """CBS fills a table over three years: where 2022 has no figure for a wijk, the 2017 one is used, named as
    2017 wherever it shows, and never taken for a 2022 figure in the series."""
    lagen = {j: [laag for f in files for laag in load_bestand(shared_file(f), jaar=j)]
             for j, files in ((2017, [GEM_2017, WIJK_2017]), (2022, [KWB_2022]))}
    leeg = lambda r: r.assign(pct_65plus=r["pct_65plus"].where(r["code"] != "WK001401"))  # noqa: E731
    nieuw = [Bron(leeg(laag.rijen), laag.info) for laag in lagen[2022]]
    oud = Jaargang([Bron(laag.rijen, laag.info) for laag in lagen[2017]], fusies=fusiecodes(2017, 2022),
                   splitsingen=splitscodes(2017, 2022))
    kaart = build_kaart(nieuw, gemeenten=["GM0014"], jaar=2022, titel="Groningen", bron="bestanden",
                        eerdere={2017: oud})
    wijk = kaart.gebieden["wijk"]
    ruw = _ruw(shared_file, WIJK_2017).set_index("WK_CODE")
    assert wijk.loc["WK001401", "pct_65plus"] == ruw.loc["WK001401", "P_65_EO_JR"]
    jaren = reeksen.jaar_van(kaart, "wijk", "pct_65plus")
    assert jaren["WK001401"] == 2017 and jaren.drop("WK001401").eq(2022).all()
    assert reeksen.jaar_van(kaart, "wijk", "ind_aandeel_65plus")["WK001401"] == 2017
    assert reeksen.reeks(kaart, "wijk", "WK001401", "pct_65plus").index.tolist() == [2017]  # not also as 2022
    assert reeksen.reeks(kaart, "wijk", "WK001402", "pct_65plus").index.tolist() == [2017, 2022]
    # tmap's 2022 file has no households at all: every wijk's count is 2017's, and says so.
    assert reeksen.jaar_van(kaart, "wijk", "huishoudens").loc[["WK001400", "WK001413"]].eq(2017).all()
    assert wijk.loc["WK001400", "huishoudens"] == ruw.loc["WK001400", "AANTAL_HH"]
    assert reeksen.jaar_van(kaart, "wijk", "inwoners").eq(2022).all()


def test_the_profile_shows_groningen_over_the_years_with_the_merger_marked(groningen, tmp_path_factory):
    from webapp import create_app

    _, pad, kaart = groningen
    app = create_app({"KAART_PAD": pad}, instance_path=tmp_path_factory.mktemp("instance"))
    with running(app) as url:
        antwoord = requests.get(f"{url}/gebied/GM0014", timeout=60)
    assert antwoord.status_code == 200
    html = antwoord.text
    tabellen = re.findall(r'<table class="verlooptabel">.*?</table>', html, re.S)
    assert tabellen, "no series on the profile of a kaart of two years"
    ouderen = next(t for t in tabellen if "65" in t)
    assert "2017" in ouderen and "2022" in ouderen
    assert "opgeteld, herindeling" in ouderen  # the merger marked on the 2017 figure
    waarde = reeksen.reeks(kaart, "gemeente", "GM0014", "ind_aandeel_65plus").loc[2017, "waarde"]
    assert f"{waarde:.1f}".replace(".", ",") in ouderen


@pytest.mark.parametrize("args, woord", [
    (["--jaar", "2022-2017"], "older to a newer"),
    (["--jaar", "2017-"], "not a year"),
])
def test_a_wrong_range_is_refused_with_the_fix(args, woord, shared_file):
    result = run("build", "-b", shared_file(KWB_2022), *args)
    assert result.returncode != 0 and "Traceback" not in result.stderr and woord in result.stderr


def test_a_file_without_a_year_in_a_range_is_refused_naming_the_fix(shared_file, tmp_path):
    kopie = tmp_path / "gemeenten.csv"
    kopie.write_bytes(shared_file(GEM_2017).read_bytes())  # a temporary copy under a name without a year
    result = run("build", "--jaar", "2017-2022", "-g", "GM0014", "-b", kopie, "-b", shared_file(KWB_2022),
                 "-o", tmp_path / "k.gpkg")
    assert_clean_failure(result)
    assert "gemeenten.csv@2022" in result.stderr or "@" in result.stderr
    assert not (tmp_path / "k.gpkg").exists()


def test_a_range_whose_newest_year_has_no_file_is_refused(shared_file, tmp_path):
    result = run("build", "--jaar", "2017-2023", "-g", "GM0014", "-b", shared_file(GEM_2017),
                 "-b", shared_file(KWB_2022), "-o", tmp_path / "k.gpkg")
    assert_clean_failure(result)
    assert "2023" in result.stderr


def test_a_merged_gemeente_asked_by_its_old_name_or_code_names_what_it_is_part_of(shared_file, tmp_path):
    for gevraagd in ("Haren", "GM0017"):
        result = run("build", "--jaar", "2017-2022", "-g", gevraagd, "-b", shared_file(GEM_2017),
                     "-b", shared_file(KWB_2022), "-o", tmp_path / "k.gpkg")
        assert_clean_failure(result)
        assert "Haren is sinds 2019 deel van Groningen (GM0014)" in result.stderr, result.stderr
    assert not (tmp_path / "k.gpkg").exists()


@pytest.mark.browser
def test_the_change_view_of_groningen_draws_in_chromium(groningen, chromium, tmp_path_factory):
    """The done-when on the real kaart: 2017-2022 per wijk, the merged gemeente's new wijken grey (no 2017 figure
    on today's areas), the others coloured from the diverging palette; the gemeente summed over its merger."""
    from test_kaartjaren import _fills, _open

    from webapp import create_app
    from webapp.choropleth import DRUK_KLEUREN, NO_DATA_COLOUR

    _, pad, kaart = groningen
    app = create_app({"KAART_PAD": pad}, instance_path=tmp_path_factory.mktemp("instance"))
    with running(app) as url:
        for niveau in ("wijk", "gemeente"):
            context, page, fouten = _open(chromium, f"{url}/?niveau={niveau}&indicator=ind_aandeel_65plus&sinds=2017")
            try:
                frame = kaart.gebieden[niveau]
                fills = _fills(page)
                assert len(fills) == int((frame.geometry.notna() & ~frame.geometry.is_empty).sum())
                assert set(fills) <= set(DRUK_KLEUREN) | {NO_DATA_COLOUR} and set(fills) & set(DRUK_KLEUREN)
                assert NO_DATA_COLOUR in fills or niveau == "gemeente"
                assert "verschil 2017–2022" in page.locator(".legenda-titel").inner_text()
                assert fouten == []
            finally:
                context.close()
