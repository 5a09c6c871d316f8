"""The fictitious Voorbeeldregio: deterministic, consistent across levels, labelled fictitious."""

import pandas as pd
import pytest
import requests

from kaart.clusters import ALPHA
from kaart.drukpunten import analyseer, ranglijst
from kaart.profielen import STANDAARDPROFIEL, profielen
from kaart.indicatoren import catalogus, waarden
from kaart.kolommen import schema
from layers.demo import build_demo


def test_demo_has_gemeenten_of_wijken_of_buurten_all_fictitious(demo_kaart):
    gebieden = demo_kaart.gebieden
    assert len(gebieden["gemeente"]) >= 6 and len(gebieden["wijk"]) >= 3 * len(gebieden["gemeente"])
    assert len(gebieden["buurt"]) >= 3 * len(gebieden["wijk"])
    # Every code lies in the range CBS does not use, and the first codes keep their old meaning.
    for niveau, prefix in (("gemeente", "GM99"), ("wijk", "WK99"), ("buurt", "BU99")):
        assert gebieden[niveau].index.str.startswith(prefix).all()
    assert {"GM9901", "GM9902", "GM9903"} <= set(gebieden["gemeente"].index)
    assert gebieden["gemeente"].loc["GM9901", "naam"] == "Voorbeeldstad"
    assert len(demo_kaart.extra["voorzieningen"]) >= 5
    assert demo_kaart.metadata["fictief"] is True
    assert "fictie" in demo_kaart.metadata["titel"].lower()
    assert all("(fictief)" in naam for naam in demo_kaart.extra["voorzieningen"]["naam"])


@pytest.mark.parametrize("niveau", ["buurt", "wijk", "gemeente"])
def test_the_default_profile_finds_several_drukpunten_at_every_level(demo_kaart, niveau):
    lijst, profiel, ontbrekend = ranglijst(demo_kaart, niveau)
    assert profiel.naam == STANDAARDPROFIEL and not ontbrekend
    drukpunten = lijst[lijst["drukpunt"]]
    assert len(drukpunten) >= 2
    assert len(drukpunten) < len(lijst) / 2  # a drukpunt stands out: most areas are none
    assert drukpunten["redenen"].str.len().gt(0).all()


def test_ouderen_langer_thuis_finds_a_wijk_drukpunt(demo_kaart):
    lijst, _, ontbrekend = ranglijst(demo_kaart, "wijk", "ouderen-langer-thuis")
    assert not ontbrekend and lijst["drukpunt"].any()


def test_the_analysis_finds_a_drukpuntgebied(demo_kaart):
    analyse = analyseer(demo_kaart.gebieden, "Voorbeeldregio")
    gebieden = analyse.drukpuntgebieden
    assert len(gebieden) >= 1 and (gebieden["p_waarde"] <= ALPHA).all()
    buurten = analyse.gebieden["buurt"]
    for _, gebied in gebieden.iterrows():
        codes = gebied["codes"].split(", ")
        assert len(codes) >= 2 and buurten.loc[codes, "drukpunt"].all()
    # The kaart as built carries the same layer, so the map and the pages show it.
    assert list(demo_kaart.extra["drukpuntgebieden"]["codes"]) == list(gebieden["codes"])


@pytest.mark.parametrize("niveau", ["buurt", "wijk", "gemeente"])
def test_every_indicator_of_the_default_profile_has_values(demo_kaart, niveau):
    cat = catalogus()
    frame = demo_kaart.gebieden[niveau]
    bewoond = frame[frame["inwoners"].notna()]
    values = waarden(bewoond, cat)
    for ind_id in profielen()[STANDAARDPROFIEL].gewichten:
        assert values[cat[ind_id].kolom].notna().all(), ind_id
        assert values[cat[ind_id].kolom].nunique() > 1, ind_id  # a constant says nothing about pressure
    assert not demo_kaart.metadata["ontbrekend"][niveau]


@pytest.mark.parametrize("niveau", ["buurt", "wijk", "gemeente"])
def test_the_ranking_page_needs_no_apology_for_missing_indicators(site, demo_kaart, niveau):
    response = requests.get(f"{site}/drukpunten", params={"niveau": niveau}, timeout=60)
    assert response.status_code == 200
    assert 'class="melding ontbrekend"' not in response.text and "staan niet in de bron" not in response.text
    lijst, profiel, _ = ranglijst(demo_kaart, niveau)
    aantal = int(lijst["drukpunt"].sum())
    assert f"{profiel.label}: {aantal} drukpunten van {len(lijst)}" in response.text


def test_income_follows_housing_and_work(demo_kaart):
    """The income figures are generated from the same structure as housing and work, so they agree."""
    b = demo_kaart.gebieden["buurt"].dropna(subset=["inwoners"])
    corr = b[["pct_huishoudens_laag_inkomen", "pct_huishoudens_rond_sociaal_minimum",
              "pct_corporatiewoningen", "gemiddeld_inkomen_per_inwoner", "nettoarbeidsparticipatie",
              "woz_gemiddeld"]].corr()
    assert corr.loc["pct_huishoudens_laag_inkomen", "pct_huishoudens_rond_sociaal_minimum"] > 0.8
    assert corr.loc["pct_huishoudens_laag_inkomen", "pct_corporatiewoningen"] > 0.5
    assert corr.loc["pct_huishoudens_laag_inkomen", "gemiddeld_inkomen_per_inwoner"] < -0.5
    assert corr.loc["pct_huishoudens_laag_inkomen", "nettoarbeidsparticipatie"] < -0.5
    assert corr.loc["woz_gemiddeld", "gemiddeld_inkomen_per_inwoner"] > 0.5
    assert (b["pct_huishoudens_rond_sociaal_minimum"] <= b["pct_huishoudens_laag_inkomen"] + 2).all()


def test_the_road_distance_to_a_huisarts_agrees_with_the_facility_layer(demo_kaart):
    b = demo_kaart.gebieden["buurt"].dropna(subset=["inwoners"])
    # By road is never shorter than the straight line from the buurt's centre to the nearest practice.
    recht = b.geometry.centroid.distance(
        demo_kaart.extra["voorzieningen"].query("categorie == 'huisarts'").geometry.union_all()) / 1000
    assert (b["afstand_huisarts_km"] >= recht - 0.05).all()
    assert b["afstand_huisarts_km"].corr(b["vz_huisarts_afstand_m"]) > 0.8


def test_demo_is_deterministic(demo_kaart):
    again = build_demo()
    for niveau, frame in demo_kaart.gebieden.items():
        pd.testing.assert_frame_equal(pd.DataFrame(frame.drop(columns="geometry")),
                                      pd.DataFrame(again.gebieden[niveau].drop(columns="geometry")))
        assert frame.geometry.geom_equals_exact(again.gebieden[niveau].geometry, tolerance=0).all()


@pytest.mark.parametrize("kind, parent", [("buurt", "wijkcode"), ("wijk", "gemeentecode")])
def test_counts_sum_up_the_levels(demo_kaart, kind, parent):
    counts = [k.naam for k in schema().kolommen.values() if k.soort == "aantal"
              and k.naam in demo_kaart.gebieden[kind]]
    assert len(counts) >= 10
    children = demo_kaart.gebieden[kind]
    if kind == "wijk":
        children = children.assign(gemeentecode=children.index.str[2:6].map(lambda c: "GM" + c))
    summed = children.groupby(parent)[counts].sum(min_count=1)
    level = demo_kaart.gebieden["wijk" if kind == "buurt" else "gemeente"]
    pd.testing.assert_frame_equal(level[counts].sort_index(), summed.sort_index(), check_names=False)


def test_parts_add_up_to_the_whole_in_every_buurt(demo_kaart):
    b = demo_kaart.gebieden["buurt"].dropna(subset=["inwoners"])
    ages = b[["inwoners_0_14", "inwoners_15_24", "inwoners_25_44", "inwoners_45_64", "inwoners_65plus"]].sum(axis=1)
    assert (ages == b["inwoners"]).all()
    assert (b["mannen"] + b["vrouwen"] == b["inwoners"]).all()
    hh = b[["eenpersoonshuishoudens", "huishoudens_met_kinderen", "huishoudens_zonder_kinderen"]].sum(axis=1)
    assert (hh == b["huishoudens"]).all()
    assert (b["pct_corporatiewoningen"] <= b["pct_huurwoningen"]).all()


def test_percentages_at_higher_levels_follow_the_counts(demo_kaart):
    g = demo_kaart.gebieden["gemeente"]
    share = 100 * g["huishoudens_met_kinderen"] / g["huishoudens"]
    # The buurt percentages are rounded to whole numbers, so the recomputed share is within one point.
    assert ((g["pct_huishoudens_met_kinderen"] - share).abs() < 1).all()


def test_geometry_nests_without_gaps(demo_kaart):
    buurten, gemeenten = demo_kaart.gebieden["buurt"], demo_kaart.gebieden["gemeente"]
    assert buurten.geometry.is_valid.all()
    assert buurten.area.sum() == pytest.approx(gemeenten.area.sum(), rel=1e-6)
    for code, gemeente in gemeenten.iterrows():
        inside = buurten[buurten["gemeentecode"] == code]
        # Dissolved borders are snapped to 1 cm (kaart.gebieden.GRID): a few m² on 100 km².
        assert inside.union_all().symmetric_difference(gemeente.geometry).area < 1e-6 * gemeente.geometry.area


def test_the_water_buurt_is_kept_without_figures(demo_kaart):
    water = demo_kaart.gebieden["buurt"].query("water")
    assert len(water) == 1 and water["inwoners"].isna().all()


def test_the_demo_holds_four_years_with_income_from_the_year_before_at_buurt_level(demo_kaart):
    from kaart import reeksen
    from layers.demo import EERDERE_JAREN, NOG_NIET

    assert reeksen.jaren(demo_kaart) == [*EERDERE_JAREN, demo_kaart.jaar]
    buurten = demo_kaart.gebieden["buurt"]
    land = buurten.index[~buurten["water"].astype(bool)]
    for kolom in NOG_NIET:  # the newest year lacks it at buurt level: every land buurt has 2022's figure
        jaren = reeksen.jaar_van(demo_kaart, "buurt", kolom)
        assert (jaren[land] == EERDERE_JAREN[-1]).all(), kolom
        nieuwste = reeksen.nieuwste(demo_kaart, "buurt", kolom, tot=EERDERE_JAREN[-1])
        assert buurten.loc[land, kolom].tolist() == nieuwste.loc[land, "waarde"].tolist()
    assert (reeksen.jaar_van(demo_kaart, "wijk", "pct_huishoudens_laag_inkomen") == demo_kaart.jaar).all()
    # every older value is CBS-like "official": the demo's areas never changed
    assert set(reeksen.reeksen(demo_kaart)["status"]) == {reeksen.OFFICIEEL}


def test_over_the_years_the_demo_has_structural_new_and_former_drukpunten(demo_kaart):
    from kaart.drukpuntverloop import NIET_MEER, NIEUW, STRUCTUREEL, door_de_jaren

    verloop = door_de_jaren(demo_kaart, "wijk")["verloop"]
    assert {STRUCTUREEL, NIEUW, NIET_MEER} <= set(verloop)
    assert demo_kaart.gebieden["wijk"].loc[verloop == NIEUW, "naam"].tolist() == ["Spoorzicht"]
    assert demo_kaart.gebieden["wijk"].loc[verloop == NIET_MEER, "naam"].tolist() == ["Westwijk"]
