"""Figures over the years in a kaart (``kaart.reeksen``): kept with year and status, through the file and back,
the newest figure per area where the newest year lacks one."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from kaart import reeksen as rk
from kaart.errors import InputError
from kaart.kaartbestand import read_kaart, write_kaart


@pytest.fixture()
def kaart(demo_eenjarig):
    return copy.deepcopy(demo_eenjarig)


def _jaar(kaart, niveau: str, kolommen: list[str], schaal: float) -> pd.DataFrame:
    """The kaart's own figures of ``kolommen`` times ``schaal``: another year, different in every cell."""
    return kaart.gebieden[niveau][kolommen].astype(float) * schaal


def test_years_go_through_the_file_and_back_with_their_status(kaart, tmp_path):
    wijken = kaart.gebieden["wijk"]
    oud = _jaar(kaart, "wijk", ["inwoners", "pct_65plus"], 0.9)
    status = pd.DataFrame(rk.OFFICIEEL, index=oud.index, columns=oud.columns)
    status.iloc[0, :] = "geschat (grenswijziging)"
    gehouden = rk.voeg_toe(kaart, "wijk", 2019, oud, status)
    rk.voeg_toe(kaart, "wijk", kaart.jaar, wijken[["inwoners", "pct_65plus"]])
    assert gehouden == int(oud.notna().sum().sum())
    terug = read_kaart(write_kaart(kaart, tmp_path / "k.gpkg"))
    assert rk.jaren(terug) == [2019, kaart.jaar]
    code = wijken.index[0]
    reeks = rk.reeks(terug, "wijk", code, "inwoners")
    assert list(reeks.index) == [2019, kaart.jaar]
    assert reeks.loc[2019, "waarde"] == pytest.approx(wijken.at[code, "inwoners"] * 0.9)
    assert reeks.loc[2019, "status"] == "geschat (grenswijziging)" and reeks.loc[kaart.jaar, "status"] == rk.OFFICIEEL
    assert rk.reeks(terug, "wijk", wijken.index[1], "inwoners").loc[2019, "status"] == rk.OFFICIEEL


def test_a_year_added_again_replaces_its_figures_and_a_gap_stays_a_gap(kaart):
    eerst = _jaar(kaart, "buurt", ["inwoners"], 1.0)
    rk.voeg_toe(kaart, "buurt", 2020, eerst)
    weer = eerst * 2
    weer.iloc[0, 0] = np.nan  # CBS left this one out: no value, not a zero
    rk.voeg_toe(kaart, "buurt", 2020, weer)
    tabel = rk.reeksen(kaart)
    assert not tabel.duplicated(rk.SLEUTEL).any()
    code0, code1 = eerst.index[:2]
    # The gap keeps the figure kept before (not half-replaced by a zero); the others are the new ones.
    assert rk.reeks(kaart, "buurt", code0, "inwoners").loc[2020, "waarde"] == pytest.approx(eerst.iloc[0, 0])
    assert rk.reeks(kaart, "buurt", code1, "inwoners").loc[2020, "waarde"] == pytest.approx(weer.iloc[1, 0])


def test_the_newest_figure_comes_from_the_year_before_where_the_newest_table_lacks_it(kaart):
    """Income reaches buurt level a year or more after CBS publishes a table: the year before stands in."""
    inkomen = _jaar(kaart, "buurt", ["inwoners"], 1.0).rename(columns={"inwoners": "inkomen"})
    rk.voeg_toe(kaart, "buurt", 2021, inkomen)
    nieuw = inkomen * 1.1
    ontbreekt = nieuw.index[::3]
    nieuw.loc[ontbreekt, "inkomen"] = np.nan
    rk.voeg_toe(kaart, "buurt", 2022, nieuw)
    rk.voeg_toe(kaart, "buurt", 2023, inkomen * 5)
    beste = rk.nieuwste(kaart, "buurt", "inkomen", tot=2022)
    assert set(beste.loc[ontbreekt, "jaar"]) == {2021}
    overig = beste.index.difference(ontbreekt)
    assert set(beste.loc[overig, "jaar"]) == {2022}
    assert beste.loc[overig, "waarde"].tolist() == pytest.approx(nieuw.loc[overig, "inkomen"].tolist())
    assert set(rk.nieuwste(kaart, "buurt", "inkomen")["jaar"]) == {2023}


def test_a_status_that_does_not_fit_the_figures_is_refused_and_nothing_is_kept(kaart):
    cijfers = _jaar(kaart, "wijk", ["inwoners"], 1.0)
    with pytest.raises(InputError, match="status"):
        rk.voeg_toe(kaart, "wijk", 2019, cijfers, cijfers.iloc[1:].astype(str))
    with pytest.raises(InputError, match="status"):
        rk.voeg_toe(kaart, "wijk", 2019, cijfers, pd.DataFrame({"anders": "x"}, index=cijfers.index))
    assert rk.reeksen(kaart).empty and rk.jaren(kaart) == [kaart.jaar]


def test_a_past_year_holds_only_its_own_figures(kaart):
    wijken = kaart.gebieden["wijk"]
    rk.voeg_toe(kaart, "wijk", 2020, wijken[["inwoners"]].astype(float) * 0.5)
    toen = rk.in_jaar(kaart, 2020)
    assert toen.jaar == 2020 and kaart.jaar != 2020
    assert toen.gebieden["wijk"]["inwoners"].tolist() == pytest.approx((wijken["inwoners"] * 0.5).tolist())
    # A figure the year does not hold is missing, not today's; names and boundaries stay today's.
    assert toen.gebieden["wijk"]["ind_aandeel_65plus"].isna().all() and wijken["ind_aandeel_65plus"].notna().any()
    assert toen.gebieden["wijk"]["naam"].equals(wijken["naam"])
    assert rk.in_jaar(kaart, kaart.jaar) is kaart
    with pytest.raises(InputError, match="2011"):
        rk.in_jaar(kaart, 2011)
