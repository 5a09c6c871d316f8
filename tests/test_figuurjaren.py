"""Which year each figure is from (``kaart.figuurjaren``): the same answer as ``kaart.reeksen.jaar_van`` for
every column, a composite figure as old as its oldest part, and nothing said where a column is all of the
kaart's year."""

from __future__ import annotations

import copy
from dataclasses import replace

import numpy as np
import pytest

from kaart import jaargangen, reeksen
from kaart.figuurjaren import Figuurjaren

INKOMEN = ["gemiddeld_inkomen_per_inwoner", "pct_huishoudens_laag_inkomen"]


@pytest.fixture(scope="module")
def meerjarig(demo_eenjarig):
    """The demo with a 2022 before it whose income figures stand in where 2023 lacks them (every other buurt)."""
    kaart = copy.deepcopy(demo_eenjarig)
    for niveau in ("buurt", "wijk"):
        reeksen.voeg_toe(kaart, niveau, 2022, kaart.gebieden[niveau][INKOMEN + ["inwoners"]].astype(float) * 0.9)
    buurten = kaart.gebieden["buurt"]
    buurten.loc[buurten.index[::2], INKOMEN] = np.nan
    assert jaargangen.vul_aan(kaart) == len(buurten.index[::2]) * len(INKOMEN)
    return kaart


def test_every_column_has_the_year_jaar_van_gives(meerjarig):
    fj = Figuurjaren(meerjarig)
    for niveau, frame in meerjarig.gebieden.items():
        for kolom in [*INKOMEN, "inwoners", "pct_65plus", *(i.kolom for i in meerjarig.catalogus)]:
            if kolom not in frame:
                continue
            verwacht = reeksen.jaar_van(meerjarig, niveau, kolom)
            jaren = fj.jaren(niveau, kolom)
            if (verwacht == meerjarig.jaar).all():
                assert jaren is None, (niveau, kolom)
            else:
                assert jaren.reindex(frame.index).tolist() == verwacht.tolist(), (niveau, kolom)
    oud = meerjarig.gebieden["buurt"].index[0]
    assert fj.ander_jaar("buurt", oud, "ind_gemiddeld_inkomen") == 2022
    assert fj.ander_jaar("buurt", meerjarig.gebieden["buurt"].index[1], "ind_gemiddeld_inkomen") is None
    assert fj.jaren("wijk", "ind_gemiddeld_inkomen") is None  # the wijken kept 2023's own figure


def test_a_composite_figure_is_as_old_as_its_oldest_part(meerjarig):
    fj = Figuurjaren(meerjarig)
    inkomen = reeksen.jaar_van(meerjarig, "buurt", "ind_gemiddeld_inkomen")
    assert fj.jaren("buurt", "z_gemiddeld_inkomen").tolist() == inkomen.tolist()
    assert fj.jaren("buurt", "thema_inkomen").tolist() == inkomen.tolist()
    assert fj.score("buurt", {"gemiddeld_inkomen": 1.0, "aandeel_65plus": 2.0}).tolist() == inkomen.tolist()
    assert fj.score("buurt", {"gemiddeld_inkomen": 0.0, "aandeel_65plus": 2.0}) is None
    assert fj.jaren("buurt", "thema_wonen") is None


def test_the_source_line_names_the_years_and_figures_only_where_one_is_older(meerjarig):
    fj = Figuurjaren(meerjarig)
    regel = fj.bronregel(["buurt"], [i.kolom for i in meerjarig.catalogus])
    assert "2022" in regel and "2023" in regel and "gemiddeld inkomen per inwoner" in regel
    assert "65" not in regel  # only the figures that are older
    assert fj.bronregel(["wijk"]) is None
    een_jaar = replace(meerjarig, tabellen={k: v for k, v in meerjarig.tabellen.items() if k != reeksen.AANGEVULD})
    assert Figuurjaren(een_jaar).bronregel() is None and Figuurjaren(een_jaar).jaren("buurt", INKOMEN[0]) is None
    telling = fj.per_kolom()
    assert set(telling["kolom"]) == set(INKOMEN) and telling["aantal"].sum() == len(meerjarig.tabellen["aangevuld"])
    assert set(telling["jaar"]) == {2022}
