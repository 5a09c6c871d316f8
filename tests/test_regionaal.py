"""The regional agreement of an inrichtingsplan, on SQLite and PostgreSQL alike (the ``opslag`` fixture of
test_plannen): a plan over the real Drechtsteden gemeenten whose shares are the verdeelsleutel's own outcome,
bods and realisations that give the gaps (and the plan's document the same table), bad input refused in
Dutch with no row changed, and the agreement carried by a new version and by an export and import."""

from __future__ import annotations

import io

import pytest
from docx import Document as Word
from test_plannen import (  # noqa: F401  (the fixtures and helpers of the plan tests)
    BEKEND,
    GEBIED,
    TAFEL,
    VANDAAG,
    _kaartcodes,
    bekend,
    geweigerd,
    kaart,
    nieuw_plan,
    opslag,
    postgres,
    rijen,
    wijzig,
)

from kaart.figuurjaren import Figuurjaren
from kaart.getallen import getal
from kaart.verdeelsleutel import verdeel_kaart
from webapp.plannen import document, regels, regionaal
from webapp.plannen.model import Plan, Planversie
from webapp.plannen.uitwisseling import importeer, naar_json, pakket, uit_bestand
from webapp.werksessies.afspraken import Gebieden

DRECHTSTEDEN = ["GM0505", "GM0642", "GM0590", "GM0610", "GM0482", "GM0523", "GM0531"]
SLEUTEL = {"aantal": "50", "jaren": "3", "eerste_jaar": "2027", "basis": "huishoudens", "correctie": "",
           "minimum": "", "maximum": ""}


@pytest.fixture(scope="module")
def drechtsteden(drechtsteden_2023):
    return drechtsteden_2023()


def punt(kaart_, code: str) -> tuple[float, float]:
    """(lat, lon) of a point inside a gemeente of ``kaart_``."""
    p = kaart_.gebieden["gemeente"].loc[[code]].to_crs("EPSG:4326").geometry.iloc[0].representative_point()
    return p.y, p.x


def regioplan(opslag, codes, bekend_=None) -> int:
    with opslag.schrijf() as s:
        return regels.maak_plan(s, {**GEBIED, "titel": "Regionale afspraak wonen en zorg", "soort": "regio",
                                    "gebieden": codes}, bekend_ or BEKEND).id


def test_the_shares_are_the_verdeelsleutels_and_bods_and_realisations_give_the_gaps(opslag, drechtsteden):
    codes = set(drechtsteden.gebieden["gemeente"].index)
    assert codes == set(DRECHTSTEDEN)
    plan = regioplan(opslag, DRECHTSTEDEN, codes)
    wijzig(opslag, plan, regionaal.zet_verdeelsleutel, SLEUTEL, drechtsteden)
    bods = [("GM0505", "housing_first", 2027, 10), ("GM0505", "skaeve_huse", 2028, 1),
            ("GM0505", "housing_first", 2029, 8), ("GM0642", "domus", 2029, 3)]
    for gemeente, product, jaar, aantal in bods:
        wijzig(opslag, plan, regionaal.zet_bod, {"gemeente": gemeente, "woonproduct": product, "jaar": str(jaar),
                                                 "aantal": str(aantal)}, drechtsteden)
    lat, lon = punt(drechtsteden, "GM0505")
    wijzig(opslag, plan, regionaal.zet_bod, {"gemeente": "GM0505", "woonproduct": "housing_first", "jaar": "2029",
                                             "aantal": "12", "locatie": "Voormalige school Noordstraat",
                                             "lat": str(lat).replace(".", ","), "lon": str(lon)},
           drechtsteden)  # replaces the bod of 8
    wijzig(opslag, plan, regionaal.zet_bod, {"gemeente": "GM0590", "woonproduct": "domus", "jaar": "2028",
                                             "aantal": "2"}, drechtsteden)
    wijzig(opslag, plan, regionaal.zet_bod, {"gemeente": "GM0590", "woonproduct": "domus", "jaar": "2028",
                                             "aantal": ""}, drechtsteden)  # and an empty aantal takes it out
    for status, aantal in (("gereed", 4), ("in_voorbereiding", 6), ("nog_niet", 2)):
        wijzig(opslag, plan, regionaal.zet_realisatie, {"gemeente": "GM0505", "woonproduct": "housing_first",
                                                        "jaar": "2027", "status": status, "aantal": str(aantal)})
    wijzig(opslag, plan, regionaal.zet_realisatie, {"gemeente": "GM0642", "woonproduct": "domus", "jaar": "2029",
                                                    "status": "gereed", "aantal": "1"})

    with opslag.lees() as s:
        o = regionaal.overzicht(s.get(Planversie, plan), drechtsteden)
    v = verdeel_kaart(drechtsteden, aantal=50, jaren=3, basis="huishoudens", gemeenten=DRECHTSTEDEN)
    assert v.tabel["totaal"].to_dict() == verdeel_kaart(drechtsteden, aantal=50, jaren=3).tabel["totaal"].to_dict()
    assert [g.code for g in o.gemeenten] == DRECHTSTEDEN
    assert {g.code: g.totaal.aandeel for g in o.gemeenten} == v.tabel["totaal"].to_dict()
    for jaar, kolom in zip((2027, 2028, 2029), v.jaarkolommen):
        assert {g.code: g.per_jaar[jaar].aandeel for g in o.gemeenten} == v.tabel[kolom].to_dict()
        assert o.per_jaar[jaar].aandeel == 50
    assert [g.percentage for g in o.gemeenten] == pytest.approx(list(v.tabel["aandeel"] * 100))
    assert (o.totaal.aandeel, o.jaren, o.formule, o.bron, o.basis) == (
        150, [2027, 2028, 2029], v.formule, v.bron, "huishoudens")

    stand = {g.code: g for g in o.gemeenten}
    dordrecht, zwijndrecht = stand["GM0505"], stand["GM0642"]
    aandeel = int(v.tabel.loc["GM0505", "totaal"])
    per_product = dordrecht.totaal.bod_per_product
    assert (dordrecht.totaal.bod, per_product["housing_first"], per_product["skaeve_huse"], per_product["domus"],
            per_product["maatwerkwoning"]) == (23, 22, 1, 0, 0)
    assert (dordrecht.totaal.gereed, dordrecht.totaal.in_voorbereiding, dordrecht.totaal.nog_niet) == (4, 6, 2)
    assert (dordrecht.totaal.tekort_in_bod, dordrecht.totaal.nog_te_realiseren) == (aandeel - 23, aandeel - 4)
    eerste = dordrecht.per_jaar[2027]
    assert (eerste.bod, eerste.gereed, eerste.tekort_in_bod, eerste.nog_te_realiseren) == (
        10, 4, int(v.tabel.loc["GM0505", "jaar_1"]) - 10, int(v.tabel.loc["GM0505", "jaar_1"]) - 4)
    assert (zwijndrecht.totaal.bod, zwijndrecht.totaal.gereed) == (3, 1)
    assert stand["GM0590"].totaal.bod == 0 and stand["GM0590"].totaal.tekort_in_bod == stand["GM0590"].totaal.aandeel
    assert (o.totaal.bod, o.totaal.gereed, o.totaal.in_voorbereiding) == (26, 5, 6)
    assert (o.totaal.tekort_in_bod, o.totaal.nog_te_realiseren) == (150 - 26, 150 - 5)
    assert o.per_jaar[2029].bod == 15 and o.per_jaar[2029].bod_per_product["domus"] == 3
    assert [(k.gemeente, k.woonproduct, k.jaar, k.aantal, k.locatie, k.lat, k.lon) for k in o.kandidaten] == [
        ("Dordrecht", "Housing First-woning", 2029, 12, "Voormalige school Noordstraat", pytest.approx(lat),
         pytest.approx(lon))]

    # The plan's document (page and PDF from the same structure, and the Word file) has the same table.
    namen = {c: str(n) for c, n in drechtsteden.gebieden["gemeente"]["naam"].items()}
    with opslag.lees() as s:
        doc = document.document(s, s.get(Planversie, plan), drechtsteden, Gebieden(namen, {}, lambda c, i: None),
                                Figuurjaren(drechtsteden))
    sectie = doc.secties[-1]
    assert sectie.kop == "Regionale afspraak"
    tabel = sectie.blokken[1]
    verwacht = [[namen[c], f"{getal(int(v.tabel.loc[c, 'totaal']))} ({getal(float(v.tabel.loc[c, 'aandeel']) * 100, 1)}%)"]
                for c in DRECHTSTEDEN] + [["Totaal", "150"]]
    assert [rij[:2] for rij in tabel.rijen] == verwacht
    assert tabel.rijen[0][2:] == ["23", "4", "6", regionaal.gat(aandeel - 23), regionaal.gat(aandeel - 4)]
    woord = Word(io.BytesIO(document.als_docx(doc)))
    tabellen = [[[c.text for c in r.cells] for r in t.rows] for t in woord.tables]
    assert [tabel.kolommen, *tabel.rijen] in tabellen


def test_bad_input_is_refused_in_dutch_and_nothing_changes(opslag, demo_eenjarig):
    gemeenten = sorted(demo_eenjarig.gebieden["gemeente"].index)
    plan = regioplan(opslag, gemeenten[:2])
    bod = {"gemeente": gemeenten[0], "woonproduct": "housing_first", "jaar": "2027", "aantal": "2"}
    geweigerd(opslag, lambda s: regionaal.zet_bod(s, s.get(Planversie, plan), bod, demo_eenjarig),
              "Leg eerst de verdeelsleutel van de regionale afspraak vast")

    def sleutel(**data):
        return lambda s: regionaal.zet_verdeelsleutel(s, s.get(Planversie, plan), {**SLEUTEL, **data}, demo_eenjarig)
    geweigerd(opslag, sleutel(aantal="-5"), "Het veld ‘aantal per jaar’ moet een heel getal van 0 tot")
    geweigerd(opslag, sleutel(jaren="0"), "‘aantal jaren’ moet een heel getal van 1 tot 30")
    geweigerd(opslag, sleutel(basis="oppervlakte"), "Kies de basis van de verdeelsleutel: huishoudens")
    geweigerd(opslag, sleutel(correctie="2"), "De correctie is 2; kies een sterkte van 0")
    geweigerd(opslag, sleutel(minimum="40"), "De minimums tellen op tot 80")
    geweigerd(opslag, sleutel(maximum=f"{gemeenten[2]}=3"), f"noemt {gemeenten[2]}, maar die gemeente")
    wijzig(opslag, plan, regionaal.zet_verdeelsleutel, SLEUTEL, demo_eenjarig)

    def bod_(**data):
        return lambda s: regionaal.zet_bod(s, s.get(Planversie, plan), {**bod, **data}, demo_eenjarig)
    assert geweigerd(opslag, bod_(gemeente=gemeenten[2]), "hoort niet bij de regio") == (
        f"De gemeente {gemeenten[2]} hoort niet bij de regio van dit plan. Kies een gemeente van de regio uit de "
        "lijst.")
    assert geweigerd(opslag, bod_(jaar="2030"), "valt buiten") == (
        "Het jaar 2030 valt buiten de afspraak (2027 tot en met 2029). Kies een jaar van de afspraak, of verleng "
        "eerst de afspraak.")
    geweigerd(opslag, bod_(aantal="-1"), "Het veld ‘aantal’ moet een heel getal van 0 tot")
    geweigerd(opslag, bod_(woonproduct="tiny_house"), "Kies het woonproduct: housing first-woning, skaeve huse")
    geweigerd(opslag, bod_(lat="51,8"), "zowel de breedtegraad als de lengtegraad")
    geweigerd(opslag, bod_(lat="151", lon="4", locatie="Ergens"), "ligt niet op aarde")
    geweigerd(opslag, bod_(lat="51,8", lon="4,6"), "Beschrijf de kandidaat-locatie")
    elders = dict(zip(("lat", "lon"), punt(demo_eenjarig, gemeenten[1])))
    naam = demo_eenjarig.gebieden["gemeente"].loc[gemeenten[0], "naam"]
    geweigerd(opslag, bod_(locatie="Oude school", **elders), f"‘Oude school’ ligt niet in {naam}. Kies een plek in "
                                                            "de gemeente van het bod")
    geweigerd(opslag, lambda s: regionaal.zet_realisatie(s, s.get(Planversie, plan), {**bod, "status": "klaar"}),
              "Kies de stand van de realisatie: gereed, in voorbereiding, nog niet gestart")
    geweigerd(opslag, lambda s: regionaal.zet_realisatie(s, s.get(Planversie, plan), {**bod, "status": "gereed",
                                                                                     "aantal": "-2"}),
              "‘aantal’ moet een heel getal")
    wijzig(opslag, plan, regionaal.zet_bod, {**bod, "jaar": "2029"}, demo_eenjarig)
    geweigerd(opslag, sleutel(jaren="2"), "Er staan boden of realisaties voor 2029, buiten de nieuwe afspraak "
                                          r"\(2027 tot en met 2028\)")
    geweigerd(opslag, lambda s: regels.werk_bij(s, s.get(Planversie, plan), {"gebieden": gemeenten[1:3]}, BEKEND),
              f"boden of realisaties van {gemeenten[0]}")
    geweigerd(opslag, lambda s: regels.werk_bij(s, s.get(Planversie, plan), {
        "soort": "gebied", "gebieden": ["BU99010001"]}, BEKEND), "hoort bij een regio")

    gebied = nieuw_plan(opslag)
    geweigerd(opslag, lambda s: regionaal.zet_bod(s, s.get(Planversie, gebied), bod, demo_eenjarig),
              "dit plan geldt een gebied")
    geweigerd(opslag, lambda s: regionaal.zet_realisatie(s, s.get(Planversie, gebied), {**bod, "status": "gereed"}),
              "dit plan geldt een gebied")
    geweigerd(opslag, lambda s: regionaal.zet_verdeelsleutel(s, s.get(Planversie, gebied), SLEUTEL, demo_eenjarig),
              "hoort bij een plan voor een regio van gemeenten")

    tafel = wijzig(opslag, plan, regels.voeg_tafel_toe, TAFEL, BEKEND)
    wijzig(opslag, plan, regels.stel_vast, tafel, VANDAAG.isoformat())
    for functie, *args in ((regionaal.zet_bod, bod, demo_eenjarig),
                           (regionaal.zet_realisatie, {**bod, "status": "gereed"}),
                           (regionaal.zet_verdeelsleutel, SLEUTEL, demo_eenjarig)):
        geweigerd(opslag, lambda s: functie(s, s.get(Planversie, plan), *args), "is vastgesteld")


def test_a_new_version_and_an_export_carry_the_agreement(opslag, demo_eenjarig, kaart):
    index, gebieden, _ = kaart
    codes = sorted(demo_eenjarig.gebieden["gemeente"].index)[:3]
    plan = regioplan(opslag, codes)
    wijzig(opslag, plan, regionaal.zet_verdeelsleutel, {**SLEUTEL, "aantal": "12", "jaren": "2",
                                                        "minimum": "1", "maximum": f"{codes[0]}=8"}, demo_eenjarig)
    lat, lon = punt(demo_eenjarig, codes[1])
    wijzig(opslag, plan, regionaal.zet_bod, {"gemeente": codes[1], "woonproduct": "skaeve_huse", "jaar": "2028",
                                             "aantal": "2", "locatie": "Bij het sportpark", "lat": lat,
                                             "lon": lon}, demo_eenjarig)
    wijzig(opslag, plan, regionaal.zet_realisatie, {"gemeente": codes[1], "woonproduct": "skaeve_huse",
                                                    "jaar": "2027", "status": "in_voorbereiding", "aantal": "2"})
    tafel = wijzig(opslag, plan, regels.voeg_tafel_toe, TAFEL, BEKEND)
    wijzig(opslag, plan, regels.stel_vast, tafel, VANDAAG.isoformat())
    tweede = wijzig(opslag, plan, regels.nieuwe_versie)
    wijzig(opslag, tweede, regionaal.zet_bod, {"gemeente": codes[2], "woonproduct": "domus", "jaar": "2027",
                                               "aantal": "1"}, demo_eenjarig)
    with opslag.lees() as s:
        eerste = s.get(Planversie, plan)
        p = pakket(s, eerste.plan)
        assert regionaal.overzicht(s.get(Planversie, tweede), demo_eenjarig).totaal.bod == 3
    een, twee = p["versies"]
    assert een["regioafspraak"] == twee["regioafspraak"] == {
        "aantal": 12, "jaren": 2, "eerste_jaar": 2027, "basis": "huishoudens", "correctie": 0.0, "minimum": "1",
        "maximum": f"{codes[0]}=8"}
    assert twee["boden"][:-1] == een["boden"] and twee["realisaties"] == een["realisaties"]
    assert (een["boden"][0]["lat"], een["boden"][0]["lon"]) == (lat, lon) and len(twee["boden"]) == 2

    export = naar_json(p)
    voor = rijen(opslag)
    with opslag.schrijf() as s:
        nieuw_id = importeer(s, uit_bestand(export), BEKEND, index, gebieden, demo_eenjarig)[0].id
    with opslag.lees() as s:
        assert pakket(s, s.get(Plan, nieuw_id))["versies"] == uit_bestand(export)["versies"]
    na = rijen(opslag)
    assert {t: na[t] - voor[t] for t in ("regioafspraak", "bod", "realisatie")} == {
        "regioafspraak": 2, "bod": 3, "realisatie": 2}

    def kapot(versie: int, veld: str, waarde, melding: str, rij: int | None = 0):
        p_ = uit_bestand(export)
        doel = p_["versies"][versie][veld]
        if rij is None:
            p_["versies"][versie][veld] = waarde
        else:
            doel[rij] = {**doel[rij], **waarde}
        geweigerd(opslag, lambda s: importeer(s, p_, BEKEND, index, gebieden, demo_eenjarig), melding)
    kapot(0, "boden", {"gemeente": "GM0000"}, "Versie 1, bod 1: De gemeente GM0000 hoort niet bij de regio")
    kapot(1, "boden", {"jaar": 2031}, "Versie 2, bod 1: Het jaar 2031 valt buiten de afspraak")
    kapot(0, "realisaties", {"aantal": -3}, "Versie 1, realisatie 1: Het veld ‘aantal’ moet een heel getal")
    kapot(0, "realisaties", {"aantal": 0}, "geef een aantal van 1 of meer")
    kapot(0, "boden", {"woonproduct": "villa"}, "Kies het woonproduct")
    kapot(0, "boden", {"gemeente": codes[0]}, "Versie 1, bod 1: De kandidaat-locatie ‘Bij het sportpark’ ligt "
                                              "niet in")
    kapot(0, "regioafspraak", {**een["regioafspraak"], "basis": "oppervlakte"},
          "Versie 1, regionale afspraak: Kies de basis", rij=None)
    kapot(1, "boden", [*twee["boden"], twee["boden"][0]], "bod 3 staat twee keer", rij=None)
    kapot(0, "soort", "gebied", "Versie 1: een regionale afspraak hoort bij een plan voor een regio", rij=None)
    p_ = uit_bestand(export)
    p_["versies"][1]["regioafspraak"] = None
    geweigerd(opslag, lambda s: importeer(s, p_, BEKEND, index, gebieden, demo_eenjarig),
              "Versie 2, bod 1: Leg eerst de verdeelsleutel")
