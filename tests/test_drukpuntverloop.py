"""Drukpunten over the years (``kaart.drukpuntverloop``): each year scored on its own figures."""

from __future__ import annotations

import copy

import pandas as pd

from kaart import drukpuntverloop as dv
from kaart import reeksen
from kaart.drukpunten import ranglijst


def _met_jaar(kaart, jaar: int, niveau: str, frame: pd.DataFrame) -> None:
    getallen = frame.select_dtypes("number")
    reeksen.voeg_toe(kaart, niveau, jaar, getallen)


def test_structural_new_and_no_longer_drukpunten(demo_eenjarig):
    kaart = copy.deepcopy(demo_eenjarig)
    wijken = kaart.gebieden["wijk"]
    vandaag, _, _ = ranglijst(kaart, "wijk")
    drukpunten = list(vandaag.index[vandaag["drukpunt"]])
    # 2021: today's figures, but the first drukpunt looks like the region's quietest wijk, and the top
    # non-drukpunt like the strongest drukpunt: the first becomes new, the other one no longer.
    rustig = vandaag.index[vandaag["drukpuntscore"].notna()][-1]
    geen = vandaag.index[~vandaag["drukpunt"] & vandaag["drukpuntscore"].notna()][0]
    toen = wijken.copy()
    for kolom in toen.select_dtypes("number").columns:
        toen.loc[drukpunten[0], kolom] = wijken.at[rustig, kolom]
        toen.loc[geen, kolom] = wijken.at[drukpunten[1], kolom]
    toen.loc[drukpunten[0], "inwoners"] = wijken.at[drukpunten[0], "inwoners"]
    _met_jaar(kaart, 2021, "wijk", toen)
    tabel = dv.door_de_jaren(kaart, "wijk")
    eerder, _, _ = ranglijst(reeksen.in_jaar(kaart, 2021), "wijk")
    for jaar, lijst in ((2021, eerder), (kaart.jaar, vandaag)):
        assert tabel[jaar].fillna(False).astype(bool).tolist() == lijst["drukpunt"].reindex(tabel.index).tolist()
    assert not tabel.at[drukpunten[0], 2021] and tabel.at[drukpunten[0], "verloop"] == dv.NIEUW
    for code in tabel.index:  # the course follows from the two flags, for every wijk
        oud, nu = tabel.at[code, 2021], tabel.at[code, kaart.jaar]
        if pd.isna(oud) or pd.isna(nu):
            assert tabel.at[code, "verloop"] in ("", dv.STRUCTUREEL)
        else:
            verwacht = dv.STRUCTUREEL if oud and nu else dv.NIEUW if nu else dv.NIET_MEER if oud else ""
            assert tabel.at[code, "verloop"] == verwacht, code
    assert (tabel["verloop"] == dv.STRUCTUREEL).any()


def test_a_year_without_figures_for_a_score_gives_no_score_not_a_flag(demo_eenjarig):
    kaart = copy.deepcopy(demo_eenjarig)
    reeksen.voeg_toe(kaart, "wijk", 2019, kaart.gebieden["wijk"][["inwoners"]].astype(float))
    tabel = dv.door_de_jaren(kaart, "wijk")
    assert tabel[2019].isna().all() and (tabel["verloop"] == "").all()
