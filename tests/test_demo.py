"""The fictitious Voorbeeldregio: deterministic, consistent across levels, labelled fictitious."""

import pandas as pd
import pytest

from kaart.kolommen import schema
from layers.demo import build_demo


def test_demo_has_three_gemeenten_a_dozen_wijken_and_about_sixty_buurten(demo_kaart):
    sizes = {n: len(f) for n, f in demo_kaart.gebieden.items()}
    assert sizes["gemeente"] == 3 and 10 <= sizes["wijk"] <= 14 and 55 <= sizes["buurt"] <= 65
    assert len(demo_kaart.extra["voorzieningen"]) >= 5
    assert demo_kaart.metadata["fictief"] is True
    assert "fictie" in demo_kaart.metadata["titel"].lower()
    assert all("(fictief)" in naam for naam in demo_kaart.extra["voorzieningen"]["naam"])


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
