"""The verdeelsleutel engine: exact cases, properties (hypothesis) and clear errors for bad input."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kaart.errors import InputError
from kaart.verdeelsleutel import formule, verdeel, verdeel_kaart

CODES = [f"GM{i:04d}" for i in range(1, 13)]


@st.composite
def grens(draw, codes, hoogste):
    """No bound, one number for every gemeente, or numbers for some gemeenten."""
    return draw(st.one_of(st.none(), st.integers(0, hoogste),
                          st.dictionaries(st.sampled_from(codes), st.integers(0, hoogste), min_size=1)))


def _per_gemeente(grens, codes, standaard):
    if isinstance(grens, dict):
        return {c: grens.get(c, standaard) for c in codes}
    return {c: standaard if grens is None else grens for c in codes}


@st.composite
def regio(draw, correctie=True, grenzen=False):
    """A region of 2-9 gemeenten with households, zorgdruk, N, J, strength and optionally bounds: random
    minimums and maximums (for all or some gemeenten), kept only when some allocation meets them."""
    n = draw(st.integers(2, 9))
    codes = CODES[:n]
    basis = pd.Series(draw(st.lists(st.integers(0, 60_000), min_size=n, max_size=n)), index=codes, dtype=float)
    assume(basis.sum() > 0)
    zorgdruk = pd.Series(draw(st.lists(st.integers(0, 300), min_size=n, max_size=n)), index=codes, dtype=float)
    args = {"aantal": draw(st.integers(0, 120)), "jaren": draw(st.integers(1, 6)),
            "zorgdruk": zorgdruk, "correctie": draw(st.sampled_from([0.0, 0.25, 0.5, 1.0])) if correctie else 0.0}
    if grenzen:
        minimum, maximum = draw(grens(codes, 6)), draw(grens(codes, 40))
        lo, hi = _per_gemeente(minimum, codes, 0), _per_gemeente(maximum, codes, None)
        assume(sum(lo.values()) <= args["aantal"])
        assume(all(hi[c] is None or lo[c] <= hi[c] for c in codes))
        assume(any(h is None for h in hi.values()) or sum(hi.values()) >= args["aantal"])
        args["minimum"], args["maximum"] = minimum, maximum
    return basis, args


def _check_sums_and_quota(tabel: pd.DataFrame, aantal: int, jaren: int) -> None:
    jaarkolommen = [f"jaar_{t}" for t in range(1, jaren + 1)]
    assert (tabel[jaarkolommen].sum() == aantal).all()
    assert tabel["totaal"].sum() == aantal * jaren
    assert (tabel[jaarkolommen].sum(axis=1) == tabel["totaal"]).all()
    for kolom in jaarkolommen:
        assert ((tabel[kolom] - tabel["quotum"]).abs() < 1 + 1e-9).all(), kolom
    assert ((tabel["totaal"] - jaren * tabel["quotum"]).abs() < 1 + 1e-9).all()
    assert tabel["quotum"].sum() == pytest.approx(aantal)


@settings(max_examples=300, deadline=None)
@given(regio(grenzen=True))
def test_every_year_sums_to_n_and_stays_within_one_unit_of_the_quota(gegeven):
    basis, args = gegeven
    tabel = verdeel(basis, **args)
    _check_sums_and_quota(tabel, args["aantal"], args["jaren"])
    jaarkolommen = [f"jaar_{t}" for t in range(1, args["jaren"] + 1)]
    for code, minimum in _per_gemeente(args["minimum"], basis.index, 0).items():
        assert (tabel.loc[code, jaarkolommen] >= minimum).all()
    for code, maximum in _per_gemeente(args["maximum"], basis.index, None).items():
        assert maximum is None or (tabel.loc[code, jaarkolommen] <= maximum).all()


@settings(max_examples=300, deadline=None)
@given(regio(), st.data())
def test_more_households_never_means_fewer_units(gegeven, data):
    basis, args = gegeven
    i = data.draw(st.sampled_from(list(basis.index)))
    meer = basis.copy()
    meer[i] += data.draw(st.integers(1, 20_000))
    voor, na = verdeel(basis, **args), verdeel(meer, **args)
    assert na.loc[i, "quotum"] >= voor.loc[i, "quotum"] - 1e-12
    assert na.loc[i, "totaal"] >= voor.loc[i, "totaal"]
    if args["jaren"] == 1:
        assert na.loc[i, "jaar_1"] >= voor.loc[i, "jaar_1"]


@settings(max_examples=300, deadline=None)
@given(regio(grenzen=True))
def test_with_the_correction_a_gemeente_above_the_regional_rate_never_gets_more(gegeven):
    """Also with random minimums and maximums: the quota without correction bounds the one with it, so a
    maximum that leaves a rest never hands it to the gemeenten with the most zorgdruk."""
    basis, args = gegeven
    assume(args["correctie"] > 0)
    tabel = verdeel(basis, **args)
    zonder = verdeel(basis, **{**args, "correctie": 0.0})
    assert (tabel["totaal_zonder_correctie"] == zonder["totaal"]).all()
    boven = tabel["correctiefactor"] < 1
    assert (tabel.loc[boven, "totaal"] <= zonder.loc[boven, "totaal"]).all()
    onder = tabel["correctiefactor"] > 1
    assert (tabel.loc[onder, "totaal"] >= zonder.loc[onder, "totaal"]).all()
    # The exact quota is bounded by the units without correction (per year), not by the exact quota without
    # it: that is what lets the rounding keep the promise. A gemeente exactly at the rate is on neither side.
    assert (tabel.loc[boven, "quotum"] <= zonder.loc[boven, "totaal"] / args["jaren"] + 1e-12).all()
    assert (tabel.loc[onder, "quotum"] >= zonder.loc[onder, "totaal"] / args["jaren"] - 1e-12).all()
    # A gemeente without base takes no more than without correction: the rest goes by base first.
    zonder_basis = basis == 0
    assert (tabel.loc[zonder_basis, "quotum"] <= zonder.loc[zonder_basis, "quotum"] + 1e-12).all()
    assert (tabel["effect_correctie"] == tabel["totaal"] - zonder["totaal"]).all()


@settings(max_examples=300, deadline=None)
@given(regio(grenzen=True), st.data())
def test_more_zorgdruk_never_means_more_units(gegeven, data):
    basis, args = gegeven
    assume(args["correctie"] > 0)
    i = data.draw(st.sampled_from(list(basis.index)))
    meer = args["zorgdruk"].copy()
    meer[i] += data.draw(st.integers(1, 200))
    voor, na = verdeel(basis, **args), verdeel(basis, **{**args, "zorgdruk": meer})
    assert na.loc[i, "quotum"] <= voor.loc[i, "quotum"] + 1e-12
    assert na.loc[i, "totaal"] <= voor.loc[i, "totaal"]


def test_a_maximum_does_not_send_the_rest_to_the_gemeenten_with_the_most_zorgdruk():
    """The review's case: the third gemeente (below the rate) is full at 1, the other two are above the
    rate (factor 0). The rest went to them in equal parts, 7 units to the first against 2 without
    correction; now it goes by base, within what each would get without correction."""
    basis = pd.Series([5.0, 9884.0, 87226.0], index=CODES[:3])
    zorgdruk = pd.Series([10.0, 1058.0, 18.0], index=CODES[:3])
    tabel = verdeel(basis, 13, zorgdruk=zorgdruk, correctie=0.3, minimum={CODES[0]: 2}, maximum={CODES[2]: 1})
    assert tabel["correctiefactor"].tolist()[:2] == [0.0, 0.0]
    assert tabel["jaar_1"].tolist() == [2, 10, 1] == tabel["totaal_zonder_correctie"].tolist()
    assert tabel["quotum"].tolist() == pytest.approx([2, 10, 1])


def test_a_rest_goes_by_base_before_a_gemeente_without_base_gets_any():
    basis = pd.Series([0.0, 100.0, 1000.0], index=CODES[:3])
    zorgdruk = pd.Series([0.0, 100.0, 0.0], index=CODES[:3])  # the second carries all of it: factor 0 at s=1
    tabel = verdeel(basis, 7, zorgdruk=zorgdruk, correctie=1.0, maximum={CODES[2]: 1})
    assert tabel["jaar_1"].tolist() == [0, 6, 1] == tabel["totaal_zonder_correctie"].tolist()
    # Only when every gemeente with a base is full does one without base get the rest.
    vol = verdeel(basis, 7, zorgdruk=zorgdruk, correctie=1.0, maximum={CODES[1]: 2, CODES[2]: 1})
    assert vol["jaar_1"].tolist() == [4, 2, 1]


def test_a_gemeente_above_the_rate_does_not_take_the_rest_another_one_leaves():
    """Three gemeenten of equal base, factors 0.9, 0.1 and 2.0 (s=1). Without the cap the first (above the
    rate) took 12 of 30 against 10 without correction, because the third is full and the second at its
    minimum; now the correction can do nothing here and the plain allocation stands."""
    basis = pd.Series([100.0, 100.0, 100.0], index=CODES[:3])
    zorgdruk = pd.Series([11.0, 19.0, 0.0], index=CODES[:3])  # rate 10 per gemeente: 1.1, 1.9, 0 x the average
    tabel = verdeel(basis, 30, zorgdruk=zorgdruk, correctie=1.0, minimum={CODES[1]: 8}, maximum={CODES[2]: 10})
    assert tabel["correctiefactor"].tolist() == pytest.approx([0.9, 0.1, 2.0])
    assert tabel["quotum"].tolist() == pytest.approx([10, 10, 10])
    assert tabel["jaar_1"].tolist() == [10, 10, 10]


def test_nine_gemeenten_share_fifty_homes_by_households():
    """The issue's example: nine gemeenten, 50 homes a year; recomputed by hand with fractions."""
    huishoudens = [21_000, 15_500, 14_000, 11_000, 9_000, 8_500, 7_500, 6_200, 5_400]
    basis = pd.Series(huishoudens, index=CODES[:9], dtype=float)
    tabel = verdeel(basis, 50)
    totaal = sum(huishoudens)
    quota = [Fraction(50 * h, totaal) for h in huishoudens]
    onder = [q.numerator // q.denominator for q in quota]
    rest = 50 - sum(onder)
    volgorde = sorted(range(9), key=lambda k: -(quota[k] - onder[k]))
    verwacht = [onder[k] + (k in volgorde[:rest]) for k in range(9)]
    assert tabel["jaar_1"].tolist() == verwacht
    assert tabel["quotum"].tolist() == pytest.approx([float(q) for q in quota])
    assert verwacht[-1] in (2, 3)  # the smallest takes two or three


def test_the_correction_follows_the_documented_formula():
    basis = pd.Series([10_000.0, 10_000.0, 20_000.0], index=CODES[:3])
    zorgdruk = pd.Series([40.0, 0.0, 40.0], index=CODES[:3])  # 4, 0 and 2 per 1,000; region 2 per 1,000
    tabel = verdeel(basis, 40, zorgdruk=zorgdruk, correctie=0.5)
    assert tabel.attrs["gemiddelde_per_1000"] == pytest.approx(2.0)
    # factor = 1 - 0.5 * (rate / 2 - 1): 0.5, 1.5 and 1.0; the weights add up to the base again.
    assert tabel["correctiefactor"].tolist() == pytest.approx([0.5, 1.5, 1.0])
    assert tabel["quotum"].tolist() == pytest.approx([5.0, 15.0, 20.0])
    assert tabel["jaar_1"].tolist() == [5, 15, 20]
    assert tabel["totaal_zonder_correctie"].tolist() == [10, 10, 20]
    assert tabel["effect_correctie"].tolist() == [-5, 5, 0]
    assert "1 − 0,5 × (eigen cijfer / regiogemiddelde − 1)" in formule(0.5)
    assert "knelt" not in formule(0.5) and "knelt" in formule(0.5, grenzen=True)
    assert "Minimums en maximums gaan voor" in formule(0.0, grenzen=True)


def test_the_largest_task_is_exact():
    basis = pd.Series([1.0, 2.0], index=CODES[:2])
    tabel = verdeel(basis, 1_000_000)
    assert tabel["jaar_1"].tolist() == [333_333, 666_667]
    assert tabel["quotum"].tolist() == [1_000_000 / 3, 2_000_000 / 3]


def test_remainders_carry_over_the_years():
    basis = pd.Series([1.0, 1.0, 1.0], index=CODES[:3])  # a third of a unit each, one unit a year
    tabel = verdeel(basis, 1, jaren=3)
    assert tabel[["jaar_1", "jaar_2", "jaar_3"]].sum().tolist() == [1, 1, 1]
    assert tabel["totaal"].tolist() == [1, 1, 1]  # each gets its one unit in one of the three years


def test_minimum_and_maximum_are_kept_and_the_rest_is_shared_by_weight():
    basis = pd.Series([90_000.0, 5_000.0, 5_000.0], index=CODES[:3])
    tabel = verdeel(basis, 20, minimum=3, maximum={CODES[0]: 10})
    assert tabel["jaar_1"].tolist() == [10, 5, 5]
    assert tabel["quotum"].tolist() == pytest.approx([10, 5, 5])
    per_gemeente = verdeel(basis, 20, minimum={CODES[2]: 6})
    assert per_gemeente.loc[CODES[2], "jaar_1"] == 6 and per_gemeente["jaar_1"].sum() == 20


@pytest.mark.parametrize("args, fragmenten", [
    ({"aantal": -5}, ["negatief"]),
    ({"aantal": 10, "minimum": 4}, ["minimums tellen op tot 12", "10"]),
    ({"aantal": 10, "maximum": 2}, ["maximums tellen op tot 6"]),
    ({"aantal": 10, "minimum": {"GM9999": 1}}, ["GM9999"]),
    ({"aantal": 10, "correctie": 1.5}, ["De correctie is 1,5;"]),  # Dutch numbers in messages, never "2.0"
    ({"aantal": 10, "correctie": 2.0}, ["De correctie is 2;"]),
    ({"aantal": 10, "correctie": float("nan")}, ["De correctie is geen getal;"]),
    ({"aantal": 1000, "minimum": 400}, ["minimums tellen op tot 1.200, meer dan het aantal per jaar (1.000)"]),
    ({"aantal": 5000, "maximum": 1000}, ["maximums tellen op tot 3.000, minder dan het aantal per jaar (5.000)"]),
    ({"aantal": 10, "minimum": 5000, "maximum": 3000}, ["minimum (5.000) groter dan het maximum (3.000)"]),
    ({"aantal": 10, "correctie": 0.5}, ["zorgdruk"]),
    ({"aantal": 10, "jaren": 0}, ["jaren"]),
    ({"aantal": 10, "minimum": 5, "maximum": 3}, ["minimum (5) groter dan het maximum (3)"]),
    ({"aantal": 10 ** 400}, ["10000000… (401 cijfers)", "meer dan de 1.000.000"]),
    ({"aantal": 10 ** 20}, ["meer dan de 1.000.000"]),
    ({"aantal": 1_000_001}, ["1.000.001", "meer dan de 1.000.000"]),
    ({"aantal": 10, "jaren": 10 ** 40}, ["jaren", "(41 cijfers)", "1 tot en met 30"]),
    ({"aantal": 10, "maximum": {"GM0001": 10 ** 30}}, ["maximum voor GM0001", "0 tot en met 1.000.000"]),
])
def test_bad_input_is_a_clear_error(args, fragmenten):
    basis = pd.Series([1000.0, 2000.0, 3000.0], index=CODES[:3])
    with pytest.raises(InputError) as err:
        verdeel(basis, **args)
    for fragment in fragmenten:
        assert fragment in str(err.value)


def test_every_problem_is_named_at_once():
    basis = pd.Series([1000.0, float("nan"), 3000.0], index=CODES[:3])
    with pytest.raises(InputError) as err:
        verdeel(basis, -1, jaren=99, correctie=2)
    tekst = str(err.value)
    assert "negatief" in tekst and "jaren" in tekst and "correctie" in tekst and CODES[1] in tekst


def test_on_the_demo_kaart_with_its_fictitious_regions(demo_kaart):
    alle = verdeel_kaart(demo_kaart, aantal=50, correctie=0.5)
    assert alle.tabel["jaar_1"].sum() == 50 and len(alle.tabel) == len(demo_kaart.gebieden["gemeente"])
    assert alle.gemiddelde == pytest.approx(demo_kaart.gebieden["gemeente"]["zorgdruk_plaatsen"].sum()
                                            / demo_kaart.gebieden["gemeente"]["huishoudens"].sum() * 1000)
    regio = verdeel_kaart(demo_kaart, aantal=10, regio="zorgkantoorregio:Zorgkantoor Noord (fictief)",
                          basis="sociale_huur")
    indeling = demo_kaart.tabellen["regio_indelingen"]
    noord = indeling[indeling["regio"] == "Zorgkantoor Noord (fictief)"]["gemeentecode"]
    assert {"GM9901", "GM9902"} <= set(noord) < set(demo_kaart.gebieden["gemeente"].index)
    assert sorted(regio.tabel.index) == sorted(noord) and regio.tabel["jaar_1"].sum() == 10
    with pytest.raises(InputError, match="bestaat niet"):
        verdeel_kaart(demo_kaart, aantal=10, regio="Atlantis")
    with pytest.raises(InputError, match="huishoudens, inwoners, sociale_huur"):
        verdeel_kaart(demo_kaart, aantal=10, basis="oppervlakte")


def test_a_chosen_set_of_gemeenten_is_shared_over_exactly_those(demo_kaart):
    """A plan's region is any set of gemeenten: the key shares over those only, by their own base."""
    codes = list(demo_kaart.gebieden["gemeente"].index[:3])
    v = verdeel_kaart(demo_kaart, aantal=20, jaren=2, gemeenten=[codes[2], *codes, codes[0]])
    huishoudens = demo_kaart.gebieden["gemeente"]["huishoudens"].reindex([codes[2], codes[0], codes[1]])
    assert list(v.tabel.index) == list(huishoudens.index) and v.regio == "3 gekozen gemeenten"
    assert v.tabel["totaal"].to_dict() == verdeel(huishoudens, 20, jaren=2)["totaal"].to_dict()
    with pytest.raises(InputError, match="geen cijfers voor GM0000"):
        verdeel_kaart(demo_kaart, aantal=20, gemeenten=[codes[0], "GM0000"])
    with pytest.raises(ValueError):
        verdeel_kaart(demo_kaart, aantal=20, gemeenten=codes, regio="Zorgkantoor Noord (fictief)")


def test_the_settings_travel_with_the_table(demo_kaart):
    v = verdeel_kaart(demo_kaart, aantal=12, jaren=2, correctie=0.25, minimum={"GM9902": 3}, maximum=1000)
    tabel = v.tabel_met_instellingen()
    assert list(tabel.columns[:len(v.tabel.columns)]) == list(v.tabel.columns)
    rij = tabel.iloc[0]
    assert rij["instelling_regio"] == "alle gemeenten van de kaart"
    assert (rij["instelling_aantal_per_jaar"], rij["instelling_jaren"], rij["instelling_totaal"]) == (12, 2, 24)
    assert rij["instelling_basis"] == "huishoudens" and rij["instelling_correctie"] == 0.25
    assert rij["instelling_minimum_per_jaar"] == "GM9902=3" and rij["instelling_maximum_per_jaar"] == "1.000"
    assert demo_kaart.bronvermelding in rij["instelling_bron"] and "voorzieningenlaag" in rij["instelling_bron"]
    assert rij["instelling_fictief"] == "Fictieve voorbeeldregio — geen echte gegevens."
    assert (tabel["instelling_regio"] == rij["instelling_regio"]).all()
    zonder = verdeel_kaart(demo_kaart, aantal=12).instellingen
    assert zonder["instelling_minimum_per_jaar"] == "geen" and "voorzieningenlaag" not in zonder["instelling_bron"]


def test_drechtsteden_real_households_fifty_a_year(shared_file, drechtsteden_2023):
    """The seven Drechtsteden gemeenten of the real 2023 buurt file: 50 units a year, recomputed here from the
    raw GeoJSON household counts (strings; -99999999 is missing) with exact fractions and largest remainder."""
    import json

    pad = shared_file("drechtsteden_2023/buurten_2023_drechtsteden.geojson")
    kaart = drechtsteden_2023()
    huishoudens: dict[str, int] = {}
    for feature in json.loads(pad.read_text(encoding="utf-8"))["features"]:
        p = feature["properties"]
        waarde = int(float(p["aantalHuishoudens"]))
        if waarde > -99990:
            huishoudens[p["gemeentecode"]] = huishoudens.get(p["gemeentecode"], 0) + waarde
    assert huishoudens["GM0505"] == 56_760 and len(huishoudens) == 7

    v = verdeel_kaart(kaart, aantal=50, jaren=4)
    totaal = sum(huishoudens.values())
    quota = {c: Fraction(50 * h, totaal) for c, h in huishoudens.items()}
    vloer = {c: q.numerator // q.denominator for c, q in quota.items()}
    volgorde = sorted(quota, key=lambda c: quota[c] - vloer[c], reverse=True)
    verwacht = {c: vloer[c] + (c in volgorde[:50 - sum(vloer.values())]) for c in quota}
    assert v.tabel["basis"].to_dict() == {c: float(huishoudens[c]) for c in v.tabel.index}
    assert v.tabel["aandeel"].to_dict() == pytest.approx({c: huishoudens[c] / totaal for c in v.tabel.index})
    assert v.tabel["quotum"].to_dict() == pytest.approx({c: float(q) for c, q in quota.items()})
    assert v.tabel["jaar_1"].to_dict() == verwacht
    assert verwacht == {"GM0505": 22, "GM0642": 8, "GM0590": 5, "GM0531": 5, "GM0610": 4, "GM0482": 3, "GM0523": 3}
    # Over four years: largest remainder on four times the quota.
    vier = {c: 4 * q for c, q in quota.items()}
    vloer4 = {c: q.numerator // q.denominator for c, q in vier.items()}
    volgorde4 = sorted(vier, key=lambda c: vier[c] - vloer4[c], reverse=True)
    assert v.tabel["totaal"].to_dict() == {c: vloer4[c] + (c in volgorde4[:200 - sum(vloer4.values())]) for c in vier}
    assert (v.tabel[v.jaarkolommen].sum() == 50).all()
    with pytest.raises(InputError, match="zorgdruk"):  # the real file has no facilities: no correction possible
        verdeel_kaart(kaart, aantal=50, correctie=0.5)
    with pytest.raises(InputError, match="Kies uit: huishoudens, inwoners\\."):
        verdeel_kaart(kaart, aantal=50, basis="sociale_huur")
