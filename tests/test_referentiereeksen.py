"""The region's and the Netherlands' series (``kaart.referentiereeksen``) against figures computed here.

The one-year demo kaart gets two earlier years of gemeente figures that drift per gemeente (one gemeente's first
year estimated over a boundary change) and national rows; the region of each year is then summed here
from those same per-year figures, independently of ``kaart.gebieden.aggregate``.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from kaart import reeksen
from kaart.indicatoren import waarden
from kaart.jaargangen import NEDERLAND, OPGETELD_LAND
from kaart.kolommen import statistic_columns
from kaart.referentiereeksen import referentiereeksen

GESCHAT = "geschat (grenswijziging)"
JAREN = (2021, 2022)


@pytest.fixture(scope="module")
def jaren(demo_eenjarig):
    """(kaart with earlier years, per year the gemeente figures given, per year the national row given)."""
    kaart = copy.deepcopy(demo_eenjarig)
    gemeenten = kaart.gebieden["gemeente"]
    kolommen = statistic_columns(gemeenten)
    gegeven, land = {}, {}
    rng = np.random.default_rng(17)
    for jaar in JAREN:
        cijfers = gemeenten[kolommen].apply(pd.to_numeric, errors="coerce").astype(float)
        # each gemeente drifts on its own, counts rounded as CBS gives them
        cijfers["inwoners"] = (cijfers["inwoners"] * rng.uniform(0.9, 1.0, len(cijfers))).round()
        cijfers["bijstand"] = (cijfers["bijstand"] * rng.uniform(0.7, 1.3, len(cijfers))).round()
        cijfers = cijfers.join(waarden(cijfers.assign(cijfers="opgeteld"), demo_eenjarig.catalogus)
                               [["ind_bijstand_per_1000", "ind_aandeel_65plus"]])
        status = pd.DataFrame("officieel", index=cijfers.index, columns=cijfers.columns)
        if jaar == JAREN[0]:
            status.iloc[0] = GESCHAT
        reeksen.voeg_toe(kaart, "gemeente", jaar, cijfers, status)
        gegeven[jaar] = (cijfers, status)
        land[jaar] = pd.DataFrame({"inwoners": [17.0e6 + jaar], "ind_bijstand_per_1000": [20.0 + jaar % 10]},
                                  index=[NEDERLAND[1]])
        reeksen.voeg_toe(kaart, NEDERLAND[0], jaar, land[jaar])
    kaart.tabellen["nederland"] = pd.DataFrame([{"code": "NL00", "cijfers": "opgeteld", "inwoners": 17.9e6,
                                                 "ind_bijstand_per_1000": 24.5}])
    return kaart, gegeven, land


def test_the_region_of_each_year_is_the_sum_of_that_years_gemeenten(jaren):
    kaart, gegeven, _ = jaren
    regio = referentiereeksen(kaart)["regio"]
    for jaar, (cijfers, _) in gegeven.items():
        assert regio["inwoners"].at[jaar, "waarde"] == cijfers["inwoners"].sum()
        verwacht = round(cijfers["bijstand"].sum() / cijfers["inwoners"].sum() * 1000, 2)
        assert regio["ind_bijstand_per_1000"].at[jaar, "waarde"] == pytest.approx(verwacht)
    assert regio["inwoners"].index.tolist() == [*JAREN, kaart.jaar]
    # an indicator its gemeenten have no past of (today's facilities) has no past in the region either
    assert regio["ind_huisartsen_per_1000"].index.tolist() == [kaart.jaar]


def test_the_kaarts_own_year_is_the_region_the_profile_shows(jaren):
    kaart, _, _ = jaren
    regio = referentiereeksen(kaart)["regio"]
    for kolom in ("inwoners", "ind_bijstand_per_1000", "ind_aandeel_65plus"):
        assert regio[kolom].at[kaart.jaar, "waarde"] == pytest.approx(float(kaart.regio.iloc[0][kolom]))


def test_a_region_over_an_estimated_gemeente_is_an_estimate(jaren):
    kaart, gegeven, _ = jaren
    regio = referentiereeksen(kaart)["regio"]["inwoners"]
    assert regio.at[JAREN[0], "status"] == GESCHAT
    assert regio.at[JAREN[1], "status"] == reeksen.OFFICIEEL == regio.at[kaart.jaar, "status"]


def test_a_figure_some_gemeente_has_from_an_older_year_only_has_no_region_value_of_the_kaarts_year(jaren):
    kaart, _, _ = jaren
    kaart = copy.copy(kaart)
    code = kaart.gebieden["gemeente"].index[0]
    kaart.tabellen = {**kaart.tabellen, reeksen.AANGEVULD: pd.DataFrame(
        [{"niveau": "gemeente", "code": code, "kolom": "bijstand", "jaar": JAREN[1]}])}
    regio = referentiereeksen(kaart)["regio"]
    assert regio["ind_bijstand_per_1000"].index.tolist() == list(JAREN)  # the older year is there already
    assert kaart.jaar in regio["inwoners"].index


def test_the_netherlands_is_the_national_row_of_each_year(jaren):
    kaart, _, land = jaren
    nederland = referentiereeksen(kaart)["nederland"]
    for kolom in ("inwoners", "ind_bijstand_per_1000"):
        reeks = nederland[kolom]
        assert reeks.index.tolist() == [*JAREN, kaart.jaar]
        for jaar, rij in land.items():
            assert reeks.at[jaar, "waarde"] == rij.at[NEDERLAND[1], kolom]
            assert reeks.at[jaar, "status"] == reeksen.OFFICIEEL
        assert reeks.at[kaart.jaar, "waarde"] == kaart.tabellen["nederland"].at[0, kolom]
        assert reeks.at[kaart.jaar, "status"] == OPGETELD_LAND  # summed from gemeenten, and said so


def test_a_kaart_of_one_year_has_references_of_that_year_only(demo_eenjarig):
    regio = referentiereeksen(demo_eenjarig)["regio"]
    assert {tuple(r.index) for r in regio.values()} == {(demo_eenjarig.jaar,)}
    assert referentiereeksen(demo_eenjarig)["nederland"] == {}  # the demo has no national row
