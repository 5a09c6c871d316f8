"""The change of a figure between two years (``kaart.verandering``): its sign, its unit, missing years and how
sure it is; and the diverging classes the change map colours it with (``webapp.choropleth.verschilklassen``)."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from kaart import reeksen, verandering
from kaart.harmonisatie import GESCHAT, OPGETELD
from webapp.choropleth import DRUK_KLEUREN, NEUTRALE_KLEUREN, verschilklassen

KOLOMMEN = ["inwoners", "pct_65plus", "ind_aandeel_65plus"]


@pytest.fixture()
def kaart(demo_eenjarig):
    """The one-year demo kaart with 2020 and 2022 of its wijken in the series: 2022 each figure times 1.1, 2020 the
    kaart's own; the first wijk estimated in 2020, the second summed in 2022, the third without 2020."""
    kaart = copy.deepcopy(demo_eenjarig)
    wijken = kaart.gebieden["wijk"][KOLOMMEN].astype(float)
    eerst = wijken.copy()
    eerst.iloc[2] = np.nan
    status_eerst = pd.DataFrame(reeksen.OFFICIEEL, index=eerst.index, columns=eerst.columns)
    status_eerst.iloc[0] = GESCHAT
    status_later = status_eerst.copy()
    status_later.iloc[0] = reeksen.OFFICIEEL
    status_later.iloc[1] = OPGETELD
    reeksen.voeg_toe(kaart, "wijk", 2020, eerst, status_eerst)
    reeksen.voeg_toe(kaart, "wijk", 2022, wijken * 1.1, status_later)
    return kaart


def test_the_difference_is_the_later_year_minus_the_earlier_and_a_share_is_in_procentpunten(kaart):
    wijken = kaart.gebieden["wijk"]
    code = wijken.index[4]
    pct = verandering.verschil(kaart, "wijk", "pct_65plus", 2020, 2022, "%")
    assert pct.at[code, "verschil"] == pytest.approx(wijken.at[code, "pct_65plus"] * 0.1)
    assert pct.at[code, "verschil"] > 0  # it rose: positive
    assert (pct.at[code, "van"], pct.at[code, "tot"]) == pytest.approx(
        (wijken.at[code, "pct_65plus"], wijken.at[code, "pct_65plus"] * 1.1))
    terug = verandering.verschil(kaart, "wijk", "pct_65plus", 2022, 2020, "%")
    assert terug.at[code, "verschil"] == pytest.approx(-pct.at[code, "verschil"])
    # A share kept as 0-1 ("aandeel") differs in procentpunten too: times 100.
    aandeel = verandering.verschil(kaart, "wijk", "pct_65plus", 2020, 2022, "aandeel")
    assert aandeel.at[code, "verschil"] == pytest.approx(100 * pct.at[code, "verschil"])
    assert verandering.verschileenheid("%") == verandering.verschileenheid("aandeel") == "procentpunt"
    assert verandering.verschileenheid("inwoners") == "inwoners"


def test_a_difference_is_written_signed_in_its_unit():
    assert verandering.verschiltekst(2.345, "%") == "+2,3 procentpunt"
    assert verandering.verschiltekst(-1234, "inwoners") == "-1.234 inwoners"
    assert verandering.verschiltekst(12.5, "x 1.000 euro") == "+€ 12.500"
    assert verandering.verschiltekst(-0.4, "km") == "-400 m"
    assert verandering.verschiltekst(0.0, "%") == "0,0 procentpunt"
    assert verandering.verschiltekst(0.25, "score") == "+0,25"
    assert verandering.verschiltekst(np.nan, "%") == verandering.GEEN_VERSCHIL


def test_an_area_without_a_figure_in_either_year_has_no_difference_never_zero(kaart):
    wijken = kaart.gebieden["wijk"]
    v = verandering.verschil(kaart, "wijk", "inwoners", 2020, 2022, "inwoners")
    zonder = wijken.index[2]  # no figure in 2020
    assert pd.isna(v.at[zonder, "verschil"]) and pd.isna(v.at[zonder, "status"])
    assert v.at[zonder, "tot"] == pytest.approx(wijken.at[zonder, "inwoners"] * 1.1)
    assert v.index.equals(wijken.index)
    # A year the kaart does not hold: no difference anywhere.
    assert verandering.verschil(kaart, "wijk", "inwoners", 2019, 2022, "inwoners")["verschil"].isna().all()


def test_a_difference_is_as_sure_as_its_weaker_figure(kaart):
    wijken = kaart.gebieden["wijk"]
    v = verandering.verschil(kaart, "wijk", "inwoners", 2020, 2022, "inwoners")
    geschat, opgeteld, gewoon = wijken.index[0], wijken.index[1], wijken.index[4]
    assert v.at[geschat, "status"] == GESCHAT and v.at[geschat, "status_tot"] == reeksen.OFFICIEEL
    assert v.at[opgeteld, "status"] == OPGETELD
    assert v.at[gewoon, "status"] == reeksen.OFFICIEEL
    assert verandering.verschiltekst(v.at[geschat, "verschil"], "inwoners", v.at[geschat, "status"]).endswith(
        "(geschat)")
    assert verandering.verschiltekst(v.at[opgeteld, "verschil"], "inwoners", v.at[opgeteld, "status"]).endswith(
        "(opgeteld)")
    assert "(" not in verandering.verschiltekst(v.at[gewoon, "verschil"], "inwoners", v.at[gewoon, "status"])
    assert verandering.zwakste(GESCHAT, OPGETELD) == verandering.zwakste(OPGETELD, GESCHAT) == GESCHAT


def test_the_kaarts_own_year_counts_only_where_its_figure_is_of_that_year(kaart):
    """A figure the newest table lacked, filled in from an older year, is not the newest year's."""
    tabel = reeksen.reeksen(kaart)
    kaart.tabellen[reeksen.TABEL] = tabel[tabel["jaar"] != kaart.jaar]  # the own year only in the layer
    wijken = kaart.gebieden["wijk"]
    gevuld = wijken.index[5]
    kaart.tabellen[reeksen.AANGEVULD] = pd.DataFrame(
        {"niveau": ["wijk"], "code": [gevuld], "kolom": ["inwoners"], "jaar": [2022]})
    v = verandering.verschil(kaart, "wijk", "inwoners", 2020, kaart.jaar, "inwoners")
    assert pd.isna(v.at[gevuld, "verschil"])
    code = wijken.index[4]
    assert v.at[code, "verschil"] == pytest.approx(0.0)  # 2020 is the layer's own figure here
    assert v.at[code, "status_tot"] == reeksen.OFFICIEEL


def test_the_direction_of_pressure_comes_from_the_indicator_catalogue(demo_kaart):
    cat = demo_kaart.catalogus
    meer = next(i for i in cat if i.richting == "meer")
    minder = next(i for i in cat if i.richting == "minder")
    neutraal = next(i for i in cat if i.richting == "neutraal")
    assert verandering.richting(cat, meer.kolom) == 1
    assert verandering.richting(cat, minder.kolom) == -1
    assert verandering.richting(cat, neutraal.kolom) == 0
    assert verandering.richting(cat, "inwoners") == 0  # a KWB statistic has no direction


def test_change_classes_are_symmetric_round_and_white_at_zero():
    values = pd.Series([-2.3, -0.1, 0.0, 0.4, 1.7, np.nan])
    classes = verschilklassen(values, 1)
    randen = classes.legend_index
    assert randen == [-randen[-1 - i] for i in range(len(randen))]  # symmetric around 0
    assert randen[-1] == pytest.approx(2.3)  # the largest change, as the legend names it
    assert classes.tick_labels == [-2.3, 0.0, 2.3]
    assert verschilklassen(pd.Series([0.0, 1234.0]), 1).tick_labels == [-1300, 0.0, 1300]  # rounded up
    kleur = {v: classes.colour(v) for v in values.dropna()}
    assert kleur[0.0] == "#f7f7f7"  # the middle class: about the same
    assert kleur[1.7] in DRUK_KLEUREN[4:] and kleur[-2.3] in DRUK_KLEUREN[:3]  # rise red, fall blue
    assert classes.colour(np.nan) == "#bdbdbd"


def test_red_always_means_more_pressure_and_a_figure_without_direction_is_neither():
    values = pd.Series([-4.0, 4.0])
    meer, minder, geen = (verschilklassen(values, r) for r in (1, -1, 0))
    assert meer.colour(4.0) == minder.colour(-4.0) == "#b2182b"  # red: more pressure
    assert meer.colour(-4.0) == minder.colour(4.0) == "#2166ac"  # blue: less
    assert {geen.colour(-4.0), geen.colour(4.0)} <= set(NEUTRALE_KLEUREN) - set(DRUK_KLEUREN)
    assert verschilklassen(pd.Series([np.nan]), 1) is None
    assert verschilklassen(pd.Series([0.0, 0.0]), 1).colour(0.0) == "#f7f7f7"
