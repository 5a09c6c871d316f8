"""Indicator definitions as data, computed exactly at every level from counts."""

import json

import numpy as np
import pandas as pd
import pytest

from kaart.gebieden import aggregate
from kaart.indicatoren import AFGELEID, afgeleid_uit_percentage, catalogus, teller_noemer, waarden
from kaart.waarden import SENTINEL_MAX

DRECHTSTEDEN = ["GM0505", "GM0642", "GM0590", "GM0610", "GM0482", "GM0523", "GM0531"]
BUURTEN_2023 = "drechtsteden_2023/buurten_2023_drechtsteden.geojson"


def test_the_catalogue_has_at_least_twenty_indicators_in_themes():
    cat = catalogus()
    assert len(cat.indicatoren) >= 20
    assert {i.thema for i in cat} <= set(cat.themas)
    assert {"demografie", "huishoudens", "wonen", "inkomen", "zorg", "nabijheid"} <= {i.thema for i in cat}
    for ind in cat:
        assert ind.label and ind.uitleg and ind.bron and ind.richting in ("meer", "minder", "neutraal")


def test_a_percentage_only_source_gets_its_counts_reconstructed_and_says_so():
    frame = pd.DataFrame({"inwoners": [1000.0, 200.0], "pct_65plus": [20.0, 30.0], "inwoners_65plus": [np.nan, 61.0]})
    teller, noemer, gereconstrueerd = teller_noemer(frame, catalogus()["aandeel_65plus"])
    assert teller.tolist() == [200.0, 61.0]
    assert gereconstrueerd.tolist() == [True, False]


def test_a_suppressed_count_stays_suppressed_in_the_summed_level_above():
    """A wijk summed from its buurten, one of which has its 65+ count suppressed: the wijk's count is
    missing, and the percentage recomputed from the other buurten must not bring it back."""
    buurten = pd.DataFrame({
        "code": ["BU00010001", "BU00010002", "BU00010003"], "wijkcode": "WK000100", "water": False,
        "inwoners": [2000.0, 2000.0, 60.0], "inwoners_65plus": [400.0, 300.0, np.nan],
        "pct_65plus": [20.0, 15.0, np.nan]})
    wijk = aggregate(buurten, "wijkcode")
    assert pd.isna(wijk["inwoners_65plus"].iloc[0]) and pd.isna(wijk["pct_65plus"].iloc[0])
    ind = catalogus()["aandeel_65plus"]
    assert pd.isna(waarden(wijk)[ind.kolom].iloc[0])
    assert afgeleid_uit_percentage(wijk).iloc[0] == ""
    without_counts = aggregate(buurten.drop(columns="inwoners_65plus"), "wijkcode")  # a percentage-only source
    assert without_counts["pct_65plus"].iloc[0] == 17.5  # 98.5% of the inhabitants known: at least MIN_DEKKING
    assert waarden(without_counts)[ind.kolom].iloc[0] == 17.5
    assert "aandeel_65plus" in afgeleid_uit_percentage(without_counts).iloc[0].split(", ")


def test_values_under_the_minimum_are_suppressed_and_missing_stays_missing():
    ind = catalogus()["aandeel_65plus"]
    frame = pd.DataFrame({"inwoners": [ind.minimum - 5, 500.0, 500.0, np.nan],
                          "inwoners_65plus": [10.0, 100.0, np.nan, 5.0]})
    values = waarden(frame)[ind.kolom]
    assert pd.isna(values[0]) and values[1] == 20.0 and pd.isna(values[2]) and pd.isna(values[3])


@pytest.fixture(scope="module")
def drechtsteden(shared_file, drechtsteden_2023):
    kaart = drechtsteden_2023()
    raw = json.loads(shared_file(BUURTEN_2023).read_text(encoding="utf-8"))["features"]
    return kaart, [f["properties"] for f in raw]


def _number(value):
    value = float(value)
    return np.nan if value <= SENTINEL_MAX else value


def test_gemeente_indicators_equal_those_from_the_summed_source_counts(drechtsteden):
    kaart, raw = drechtsteden
    gemeenten = kaart.gebieden["gemeente"]
    for code in DRECHTSTEDEN:
        rows = [p for p in raw if p["gemeentecode"] == code]
        inwoners = [_number(p["aantalInwoners"]) for p in rows]
        huishoudens = [_number(p["aantalHuishoudens"]) for p in rows]
        assert gemeenten.loc[code, "ind_bevolkingsdichtheid"] == pytest.approx(
            100 * np.nansum(inwoners) / np.nansum([_number(p["oppervlakteLandInHa"]) for p in rows]), abs=0.01)
        # Eenpersoonshuishoudens: counts reconstructed per buurt from its percentage, then summed.
        pairs = [(_number(p["percentageEenpersoonshuishoudens"]), h) for p, h in zip(rows, huishoudens)]
        known = [(pct, h) for pct, h in pairs if not np.isnan(pct) and not np.isnan(h)]
        expected = 100 * sum(pct * h / 100 for pct, h in known) / sum(h for _, h in known)
        assert gemeenten.loc[code, "ind_aandeel_eenpersoonshuishoudens"] == pytest.approx(expected, abs=0.06)


def test_dordrechts_share_65plus_is_the_inhabitant_weighted_value_of_its_buurten(drechtsteden):
    kaart, raw = drechtsteden
    rows = [p for p in raw if p["gemeentecode"] == "GM0505"]
    pairs = [(_number(p["percentagePersonen65JaarEnOuder"]), _number(p["aantalInwoners"])) for p in rows]
    known = [(pct, n) for pct, n in pairs if not (np.isnan(pct) or np.isnan(n))]
    weighted = sum(pct * n for pct, n in known) / sum(n for _, n in known)
    assert kaart.gebieden["gemeente"].loc["GM0505", "ind_aandeel_65plus"] == pytest.approx(weighted, abs=0.06)
    assert 15 < weighted < 30


def test_values_from_percentages_are_marked_in_the_kaart(drechtsteden):
    kaart, _ = drechtsteden
    buurten = kaart.gebieden["buurt"]
    marked = buurten[AFGELEID].str.split(", ")
    assert "inwoners_65plus" not in buurten  # the 2023 file gives the 65+ share as a percentage only
    with_65 = buurten["ind_aandeel_65plus"].notna()
    assert with_65.sum() > 200
    assert marked[with_65].map(lambda ids: "aandeel_65plus" in ids).all()
    assert not marked.map(lambda ids: "bevolkingsdichtheid" in ids).any()


def test_availability_is_clear_per_indicator_and_level(drechtsteden):
    kaart, _ = drechtsteden
    table = kaart.tabellen["indicatoren"].set_index(["indicator", "niveau"])["status"]
    assert table[("aandeel_65plus", "buurt")] == "beschikbaar"
    assert table[("aandeel_corporatiewoningen", "buurt")] == "niet in de bron"  # the 2023 file has no housing
    assert set(table) <= {"beschikbaar", "niet in de bron", "onderdrukt of leeg"}
    assert len(table) == len(catalogus().indicatoren) * 3


def test_the_region_is_an_area_too(drechtsteden):
    kaart, _ = drechtsteden
    regio = kaart.extra["regio"].iloc[0]
    gemeenten = kaart.gebieden["gemeente"]
    assert regio["inwoners"] == gemeenten["inwoners"].sum()
    assert regio["ind_aandeel_65plus"] == pytest.approx(
        (gemeenten["ind_aandeel_65plus"] * gemeenten["inwoners"]).sum() / gemeenten["inwoners"].sum(), abs=0.06)
