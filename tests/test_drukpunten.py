"""Drukpunt scores: robust, order-free, exact under aggregation, honest about missing and small areas."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kaart.drukpunten import (MIN_GEWICHT, MIN_INWONERS, analyseer, markeer, ontbrekend, rangstabiliteit, robust_z,
                              samengesteld, z_scores)
from kaart.profielen import profiel, profielen
from kaart.errors import DefinitieError, InputError
from kaart.gebieden import aggregate
from kaart.indicatoren import catalogus, waarden

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def buurten(draw, min_size=6, max_size=30):
    """Buurten of two gemeenten with consistent counts; some cells missing, some areas small."""
    n = draw(st.integers(min_size, max_size))
    rows = []
    for i in range(n):
        inwoners = draw(st.integers(0, 5000))
        huishoudens = draw(st.integers(0, max(inwoners, 1)))
        row = {
            "code": f"BU{(1 + i % 2):04d}{i // 10:02d}{i % 10:02d}", "water": False,
            "inwoners": float(inwoners), "huishoudens": float(huishoudens),
            "inwoners_65plus": float(draw(st.integers(0, inwoners))),
            "eenpersoonshuishoudens": float(draw(st.integers(0, huishoudens))),
            "bijstand": float(draw(st.integers(0, inwoners))),
            "woningen": float(draw(st.integers(1, 3000))),
            "pct_corporatiewoningen": float(draw(st.integers(0, 100))),
            "oppervlakte_land_ha": float(draw(st.integers(1, 500))),
        }
        for column in ("inwoners_65plus", "bijstand", "pct_corporatiewoningen"):
            if draw(st.booleans()) and draw(st.booleans()):
                row[column] = np.nan
        rows.append(row)
    frame = pd.DataFrame(rows).set_index("code")
    frame["wijkcode"] = "WK" + frame.index.str[2:8]
    return frame


def _scores(frame, gewichten):
    return samengesteld(z_scores(frame), gewichten)["drukpuntscore"]


GEWICHTEN = {"aandeel_65plus": 2, "aandeel_eenpersoonshuishoudens": 1, "bijstand_per_1000": 1,
             "aandeel_corporatiewoningen": 1}


@SETTINGS
@given(buurten(), st.randoms(use_true_random=False))
def test_row_order_changes_no_score(frame, random):
    order = list(frame.index)
    random.shuffle(order)
    pd.testing.assert_series_equal(_scores(frame, GEWICHTEN), _scores(frame.loc[order], GEWICHTEN).loc[frame.index])


@SETTINGS
@given(buurten())
def test_aggregating_buurt_counts_equals_computing_the_wijk_directly(frame):
    wijken = waarden(aggregate(frame.reset_index(), "wijkcode"))
    for ind_id in ("aandeel_65plus", "aandeel_eenpersoonshuishoudens", "bijstand_per_1000"):
        ind = catalogus()[ind_id]
        for wijk, group in frame.groupby("wijkcode"):
            teller, noemer = group[ind.teller], group[ind.noemer]
            direct = np.nan
            if teller.notna().all() and noemer.sum() >= ind.minimum and noemer.sum() > 0:
                direct = round(teller.sum() / noemer.sum() * ind.schaal, 2)
            assert wijken.loc[wijk, ind.kolom] == pytest.approx(direct, nan_ok=True)


@SETTINGS
@given(buurten(min_size=8), st.data())
def test_a_missing_value_is_absent_not_zero_and_shifts_no_other_score(frame, data):
    ind = catalogus()["bijstand_per_1000"]
    scored = frame[waarden(frame)[ind.kolom].notna()]
    assume(len(scored) >= 3)
    victim = data.draw(st.sampled_from(list(scored.index)))
    missing = frame.copy()
    missing.loc[victim, "bijstand"] = np.nan
    z_missing = z_scores(missing)["bijstand_per_1000"]
    z_absent = z_scores(frame.drop(index=victim))["bijstand_per_1000"]
    assert pd.isna(z_missing[victim])
    pd.testing.assert_series_equal(z_missing.drop(index=victim), z_absent, check_names=False)
    assert pd.isna(waarden(missing).loc[victim, ind.kolom])  # missing, not 0
    assert pd.isna(waarden(aggregate(missing.reset_index(), "wijkcode"))
                   .loc[missing.loc[victim, "wijkcode"], ind.kolom])  # and still missing one level up


@SETTINGS
@given(buurten())
def test_a_suppressed_or_small_area_is_never_flagged(frame):
    score = _scores(frame, GEWICHTEN)
    flag = markeer(score, frame["inwoners"], drempel=-10)  # a threshold every scored area passes
    assert not flag[frame["inwoners"] < MIN_INWONERS].any()
    assert not flag[score.isna()].any()
    assert flag[(frame["inwoners"] >= MIN_INWONERS) & score.notna()].all()


def test_no_area_under_the_minimum_or_without_a_figure_is_flagged_by_the_analysis(demo_kaart):
    gebieden = {n: f.copy() for n, f in demo_kaart.gebieden.items()}
    buurten = gebieden["buurt"]
    before = analyseer(gebieden, "Voorbeeldregio", "gezinnen", clusters=False).gebieden["buurt"]
    top = before["drukpuntscore"].sort_values(ascending=False).index[:2]
    assert before.loc[top, "drukpunt"].all()
    buurten.loc[top, "inwoners"] = [MIN_INWONERS - 1, np.nan]  # the two most pressured become tiny / unknown
    result = analyseer(gebieden, "Voorbeeldregio", "gezinnen", clusters=True)
    buurten = result.gebieden["buurt"]
    assert not buurten.loc[top, "drukpunt"].any() and buurten["drukpunt"].sum() >= 3
    assert buurten.loc[top, "drukpunt_redenen"].isna().all()
    assert (buurten.loc[buurten["drukpunt"], "inwoners"] >= MIN_INWONERS).all()
    members = buurten[buurten["drukpuntgebied"].notna()]
    assert (members["inwoners"] >= MIN_INWONERS).all() and members["drukpunt"].all()


def test_a_profile_the_source_cannot_carry_gives_no_score_and_says_what_is_missing():
    frame = pd.DataFrame({"inwoners": np.linspace(500, 5000, 12), "inwoners_65plus": np.linspace(50, 1500, 12)})
    gewichten = {"aandeel_65plus": 1, "bijstand_per_1000": 2, "wmo_per_1000": 1}  # 65+ is a quarter of it
    z = z_scores(frame)
    assert ontbrekend(z, gewichten) == ["bijstand_per_1000", "wmo_per_1000"]
    assert samengesteld(z, gewichten)["drukpuntscore"].isna().all()
    assert rangstabiliteit(z, gewichten)["rang_min"].isna().all()
    enough = {"aandeel_65plus": 1, "bijstand_per_1000": 1}  # half the weight: scores, on what there is
    assert 1 / 2 >= MIN_GEWICHT and samengesteld(z, enough)["drukpuntscore"].notna().all()


def test_user_set_weights_change_the_profile_and_bad_ones_are_refused():
    p = profiel("gezinnen", {"jeugdzorg_per_1000": 0, "aandeel_65plus": 2.5})
    assert "jeugdzorg_per_1000" not in p.gewichten and p.gewichten["aandeel_65plus"] == 2.5
    assert p.gewichten["bijstand_per_1000"] == profiel("gezinnen").gewichten["bijstand_per_1000"]
    assert "met eigen gewichten" in p.label and "weegt" in p.uitleg  # in the indicators' names, not their ids
    with pytest.raises(InputError, match="is geen indicator"):
        profiel("gezinnen", {"bestaat_niet": 1})
    with pytest.raises(InputError, match="neutraal"):
        profiel("gezinnen", {"bevolkingsdichtheid": 1})
    with pytest.raises(InputError, match="0 tot en met 100"):
        profiel("gezinnen", {"aandeel_65plus": -1})


def test_the_score_is_traceable_to_the_stored_z_scores(demo_kaart):
    buurten = demo_kaart.gebieden["buurt"]
    p = profiel(demo_kaart.metadata["profiel"])
    z = buurten[[f"z_{i}" for i in p.gewichten]].set_axis(list(p.gewichten), axis=1)
    w = pd.Series(p.gewichten)
    recomputed = z.fillna(0).mul(w).sum(axis=1) / z.notna().mul(w).sum(axis=1)
    scored = buurten["drukpuntscore"].notna()
    assert scored.sum() > 10
    assert recomputed[scored].to_numpy() == pytest.approx(buurten.loc[scored, "drukpuntscore"].to_numpy(), abs=2e-3)


def test_robust_z_is_not_flattened_by_one_outlier_and_is_clipped():
    z = robust_z(pd.Series([10, 11, 12, 13, 14, 1000.0]))
    median, mad = 12.5, 1.5  # of the six values; the outlier moves neither much
    assert z.iloc[:5].tolist() == pytest.approx([(x - median) / (1.4826 * mad) for x in (10, 11, 12, 13, 14)])
    assert z.iloc[5] == 3.0
    assert robust_z(pd.Series([5.0, 5.0, 5.0, np.nan])).tolist()[:3] == [0.0, 0.0, 0.0]


def test_lower_is_worse_indicators_are_turned_around():
    frame = pd.DataFrame({"woningen": [100.0] * 5, "woz_gemiddeld": [150.0, 250.0, 300.0, 350.0, 450.0]})
    z = z_scores(frame)["woz_waarde"]
    assert z.iloc[0] > 0 > z.iloc[4]


def test_rank_stability_collapses_without_a_band(demo_kaart):
    frame = demo_kaart.gebieden["buurt"]
    p = profiel("algemeen")
    fixed = rangstabiliteit(z_scores(frame), p.gewichten, band=0.0, trekkingen=5)
    scored = fixed["rang"].notna()
    assert (fixed.loc[scored, "rang_min"] == fixed.loc[scored, "rang"]).all()
    assert (fixed.loc[scored, "rang_max"] == fixed.loc[scored, "rang"]).all()
    loose = rangstabiliteit(z_scores(frame), p.gewichten, band=0.9)
    assert (loose["rang_max"] - loose["rang_min"]).max() > 0


def test_profiles_are_data_and_an_unknown_one_is_refused():
    assert {"algemeen", "ouderen-langer-thuis", "kwetsbare-instroom", "gezinnen"} <= set(profielen())
    for p in profielen().values():
        assert all(catalogus()[i].telt_mee for i in p.gewichten)
    with pytest.raises(InputError, match="ouderen-langer-thuis"):
        profiel("bestaat-niet")


def test_every_flagged_demo_buurt_says_why(demo_kaart):
    buurten = demo_kaart.gebieden["buurt"]
    flagged = buurten[buurten["drukpunt"]]
    assert len(flagged) >= 1
    for text in flagged["drukpunt_redenen"]:
        assert 1 <= text.count("(gemeente ") == text.count(", regio ") <= 3
    assert buurten.loc[~buurten["drukpunt"], "drukpunt_redenen"].isna().all()


def test_a_bad_profile_file_names_the_file_the_entry_and_the_fix(tmp_path):
    pad = tmp_path / "profielen.toml"
    pad.write_text('[profiel.mijn]\nlabel = "Mijn"\ngewichten = { bevolkingsdichtheid = 1, bestaat_niet = 2 }\n',
                   encoding="utf-8")
    with pytest.raises(DefinitieError) as err:
        profielen(pad)
    assert str(err.value).startswith("profielen.toml, profiel mijn: onbekende indicatoren bestaat_niet; "
                                     "neutrale indicatoren bevolkingsdichtheid")
    assert "meetellen" in err.value.fix and isinstance(err.value, ValueError)


def test_no_profile_counts_one_distance_twice():
    """Where CBS and the facility layer both give the distance to one kind of facility, a profile weighs one."""
    cat = catalogus()

    def grootheid(label: str) -> str:
        for woord in ("over de weg ", "hemelsbreed ", " (voorzieningenlaag)"):
            label = label.replace(woord, "")
        return label.lower()

    for p in profielen().values():
        afstanden = [grootheid(cat[i].label) for i in p.gewichten if cat[i].eenheid in ("m", "km")]
        assert len(afstanden) == len(set(afstanden)), (p.naam, sorted(afstanden))
    huisarts = [i for i in cat if i.eenheid in ("m", "km") and "huisarts" in i.label]
    assert len(huisarts) == 2 and len({i.label for i in huisarts}) == 2  # both shown, as different things
