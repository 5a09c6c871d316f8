"""The inrichtingsplan's storage and rules, on SQLite and on a throwaway PostgreSQL alike.

Every test runs on both databases (the ``opslag`` fixture): the plan tables come from migrations 0004 to 0006 and
must equal the models, every rule refuses in Dutch and leaves every table as it was (rows counted before
and after), a vastgesteld version refuses every change, a new version copies everything, and a plan with
its werksessies goes through an export and an import without losing anything.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import func, inspect, select
from test_werksessies_postgres import postgres  # noqa: F401  (the throwaway PostgreSQL server)

from webapp.errors import Weigering
from webapp.plannen import regels
from webapp.plannen.model import Fase, Plan, Planversie, Tafel
from webapp.plannen.uitwisseling import importeer, naar_json, pakket, uit_bestand
from webapp.werksessies import annotaties
from webapp.werksessies.afspraken import Gebieden
from webapp.werksessies.geometrie import Gebiedsindex
from webapp.werksessies.model import Basis, Werksessie
from webapp.werksessies.opslag import MIGRATIES, Opslag, verschillen
from webapp.werksessies.toegang import maak_werksessie, open_link

PLANTABELLEN = {"plan", "planversie", "plangebied", "partij", "partijrol", "tafel", "tafellid", "fase", "mijlpaal",
                "fasesessie", "plantoegang", "regioafspraak", "bod", "realisatie"}
VANDAAG = date.today()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def opslag(request, tmp_path_factory):
    if request.param == "sqlite":
        return Opslag(f"sqlite:///{tmp_path_factory.mktemp('plannen') / 'plannen.sqlite'}")
    return Opslag(request.getfixturevalue("postgres"))


@pytest.fixture(scope="module")
def bekend(demo_eenjarig) -> set[str]:
    return {code for frame in demo_eenjarig.gebieden.values() for code in frame.index}


@pytest.fixture(scope="module")
def kaart(demo_eenjarig):
    """What a werksessie import needs of the kaart: the areas to hold drawings against, the afspraak areas."""
    buurten = demo_eenjarig.gebieden["buurt"]
    return (Gebiedsindex(buurten, demo_eenjarig.extra["regio"].geometry.iloc[0]),
            Gebieden({code: str(naam) for code, naam in buurten["naam"].items()}, {}, lambda code, ind: None),
            buurten.to_crs("EPSG:4326").geometry.iloc[5].representative_point())


def rijen(opslag: Opslag) -> dict[str, int]:
    with opslag.lees() as s:
        return {t.name: s.scalar(select(func.count()).select_from(t)) for t in Basis.metadata.sorted_tables}


def geweigerd(opslag: Opslag, wijziging, melding: str) -> str:
    """Run ``wijziging(session)`` in one write transaction: it must be refused with ``melding`` and leave every
    table as it was. Returns the message."""
    voor = rijen(opslag)
    with pytest.raises(Weigering, match=melding) as err:
        with opslag.schrijf() as s:
            wijziging(s)
    assert rijen(opslag) == voor
    return err.value.melding


GEBIED = {"titel": "Inrichtingsplan De Weide", "soort": "gebied", "gebieden": ["BU99010001", "BU99010002"],
          "doel": "Een wijk waar wonen en zorg samengaan", "opzet": "Vier fasen met werksessies",
          "verwachtingen": "Afspraken die de raad vaststelt", "initiatiefnemers": "Gemeente en corporatie"}


def nieuw_plan(opslag: Opslag, **data) -> int:
    with opslag.schrijf() as s:
        return regels.maak_plan(s, {**GEBIED, **data}, BEKEND).id


def wijzig(opslag: Opslag, versie_id: int, functie, *args):
    """One change through the rules, in its own transaction, on the version as stored."""
    with opslag.schrijf() as s:
        uitkomst = functie(s, s.get(Planversie, versie_id), *args)
        return getattr(uitkomst, "id", None)


BEKEND: set[str] = set()
"""The demo kaart's codes, filled once by the fixture below, so the helpers above need not carry them."""


@pytest.fixture(scope="module", autouse=True)
def _kaartcodes(bekend):
    BEKEND.update(bekend)


def test_the_migrations_make_the_plan_models_and_go_back(opslag):
    assert verschillen(opslag.engine) == []
    assert PLANTABELLEN <= set(inspect(opslag.engine).get_table_names())
    if opslag.engine.dialect.name != "sqlite":
        return
    config = Config()
    config.set_main_option("script_location", str(MIGRATIES))
    with opslag.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0003")
    tabellen = set(inspect(opslag.engine).get_table_names())
    assert not PLANTABELLEN & tabellen and "werksessie" in tabellen
    assert verschillen(Opslag(str(opslag.engine.url)).engine) == []  # migrated to 0004 again


def test_a_plan_holds_cbs_areas_a_drawn_kern_or_a_region_of_gemeenten(opslag):
    gebied = nieuw_plan(opslag)
    kern = nieuw_plan(opslag, getekend=True, gebiedsnaam="Kern Oudedorp",
                      gebieden=["BU99010001", "BU99010002", "BU99010001"])
    regio = nieuw_plan(opslag, titel="Regionaal plan", soort="regio", gebieden=["GM9901", "GM9902", "GM9903"],
                       indeling_soort="woningmarktregio", indeling_naam="Voorbeeldregio")
    with opslag.lees() as s:
        v = s.get(Planversie, gebied)
        assert (v.versie, v.status, v.plan.versies) == (1, "concept", [v])
        assert [g.code for g in v.gebieden] == ["BU99010001", "BU99010002"]
        assert v.doel == GEBIED["doel"] and v.initiatiefnemers == GEBIED["initiatiefnemers"]
        k = s.get(Planversie, kern)
        assert (k.getekend, k.gebiedsnaam, [g.code for g in k.gebieden]) == (
            True, "Kern Oudedorp", ["BU99010001", "BU99010002"])
        r = s.get(Planversie, regio)
        assert (r.soort, r.indeling_soort, r.indeling_naam, len(r.gebieden)) == (
            "regio", "woningmarktregio", "Voorbeeldregio", 3)


@pytest.mark.parametrize("data, melding", [
    ({"gebieden": ["BU12345678"]}, "‘BU12345678’ is geen gebied van deze kaart"),
    ({"gebieden": []}, "ten minste één gebied"),
    ({"titel": "  "}, "Geef het plan een titel"),
    ({"soort": "wijk"}, "Kies of het plan een gebied of een regio geldt: gebied, regio"),
    ({"getekend": True}, "Geef het getekende gebied een naam"),
    ({"getekend": True, "gebiedsnaam": "Kern", "gebieden": ["WK990101"]}, "bestaat uit buurten"),
    ({"soort": "regio", "gebieden": ["GM9901"]}, "twee of meer gemeenten"),
    ({"soort": "regio", "gebieden": ["GM9901", "BU99010001"]}, "twee of meer gemeenten"),
    ({"soort": "regio", "gebieden": ["GM9901", "GM9902"], "indeling_soort": "provincie"}, "Kies een regio-indeling"),
    ({"indeling_soort": "woningmarktregio"}, "hoort bij een plan voor een regio"),
    ({"doel": "x" * 4001}, "houd het bij 4.000"),
])
def test_a_bad_plan_is_refused_in_dutch_and_nothing_is_stored(opslag, data, melding):
    geweigerd(opslag, lambda s: regels.maak_plan(s, {**GEBIED, **data}, BEKEND), melding)


def test_updating_changes_only_the_fields_given(opslag):
    plan = nieuw_plan(opslag)
    wijzig(opslag, plan, regels.werk_bij, {"titel": "Nieuwe titel", "gebieden": ["BU99010002", "BU99010003"]},
           BEKEND)
    with opslag.lees() as s:
        v = s.get(Planversie, plan)
        assert (v.titel, v.doel, [g.code for g in v.gebieden]) == (
            "Nieuwe titel", GEBIED["doel"], ["BU99010002", "BU99010003"])
    geweigerd(opslag, lambda s: regels.werk_bij(s, s.get(Planversie, plan), {"gebieden": ["GM0000"]}, BEKEND),
              "‘GM0000’ is geen gebied")
    geweigerd(opslag, lambda s: regels.werk_bij(s, s.get(Planversie, plan), {"eigenaar": "x"}, BEKEND),
              "hoort niet bij een plan: eigenaar")


CORPORATIE = {"naam": "Woonstichting Voorbeeld", "domein": "corporatie", "niveau": "werkorganisatie",
              "functie": "Gebiedsregisseur"}
GEMEENTE = {"naam": "Gemeente Voorbeeld", "domein": "gemeente", "niveau": "bestuurlijk",
            "functie": "Wethouder wonen"}


def test_parties_and_their_role_per_phase_make_each_phases_wie(opslag):
    plan = nieuw_plan(opslag)
    corporatie = wijzig(opslag, plan, regels.voeg_partij_toe, CORPORATIE)
    gemeente = wijzig(opslag, plan, regels.voeg_partij_toe, GEMEENTE)
    wijzig(opslag, plan, regels.zet_rol, corporatie, "kaart", "adviseren")
    wijzig(opslag, plan, regels.zet_rol, corporatie, "kaart", "co-creeren")  # a new role replaces the old one
    wijzig(opslag, plan, regels.zet_rol, gemeente, "kaart", "meebeslissen")
    wijzig(opslag, plan, regels.zet_rol, gemeente, "afspraken", "meebeslissen")
    wijzig(opslag, plan, regels.zet_rol, gemeente, "afspraken", "")  # and an empty one takes the party out
    with opslag.lees() as s:
        v = s.get(Planversie, plan)
        assert [(p.naam, rol) for p, rol in regels.wie(v, "kaart")] == [
            ("Woonstichting Voorbeeld", "co-creeren"), ("Gemeente Voorbeeld", "meebeslissen")]
        assert regels.wie(v, "afspraken") == []

    def rol(partij, fase, waarde):
        return lambda s: regels.zet_rol(s, s.get(Planversie, plan), partij, fase, waarde)
    assert geweigerd(opslag, rol(corporatie, "kaart", "beslissen"), "Kies een rol") == (
        "Kies een rol: adviseren, co-creëren, meebeslissen.")
    geweigerd(opslag, rol(corporatie, "fase 5", "adviseren"), "Kies een fase: voorfase, maatschappelijke kaart")
    geweigerd(opslag, rol(999999, "kaart", "adviseren"), "hoort niet bij dit plan")
    geweigerd(opslag, lambda s: regels.voeg_partij_toe(s, s.get(Planversie, plan), {**CORPORATIE, "domein": "bank"}),
              "Kies het domein van de partij: gemeente, woningcorporatie")
    geweigerd(opslag, lambda s: regels.voeg_partij_toe(s, s.get(Planversie, plan), {**CORPORATIE, "naam": ""}),
              "Noem de organisatie")
    geweigerd(opslag, lambda s: regels.werk_partij_bij(s, s.get(Planversie, plan), gemeente, {"niveau": "x"}),
              "Kies het niveau van de partij: bestuurlijk, werkorganisatie")
    wijzig(opslag, plan, regels.werk_partij_bij, gemeente, {"functie": "Beleidsadviseur"})
    tafel = wijzig(opslag, plan, regels.voeg_tafel_toe, {**TAFEL, "leden": [corporatie, gemeente]}, BEKEND)
    wijzig(opslag, plan, regels.verwijder_partij, corporatie)
    with opslag.lees() as s:
        v = s.get(Planversie, plan)
        assert [(p.naam, p.functie, [r.fase for r in p.rollen]) for p in v.partijen] == [
            ("Gemeente Voorbeeld", "Beleidsadviseur", ["kaart"])]
        assert [lid.partij.naam for lid in s.get(Tafel, tafel).leden] == ["Gemeente Voorbeeld"]
    geweigerd(opslag, lambda s: regels.verwijder_partij(s, s.get(Planversie, plan), corporatie),
              "hoort niet bij dit plan")


TAFEL = {"naam": "Bestuurlijk overleg wonen en zorg", "soort": "bestuurlijk_overleg", "niveau": "strategisch",
         "besluit": "Stelt het plan en de uitvoeringsagenda vast", "frequentie": "elk kwartaal"}


def test_a_tafel_has_members_of_its_own_plan_only(opslag):
    plan, ander = nieuw_plan(opslag), nieuw_plan(opslag)
    partij = wijzig(opslag, plan, regels.voeg_partij_toe, GEMEENTE)
    vreemd = wijzig(opslag, ander, regels.voeg_partij_toe, CORPORATIE)
    tafel = wijzig(opslag, plan, regels.voeg_tafel_toe, {**TAFEL, "leden": [partij, partij]}, BEKEND)
    lokaal = wijzig(opslag, plan, regels.voeg_tafel_toe, {
        "naam": "Projectgroep Oudestad", "soort": "lokale_projectgroep", "niveau": "operationeel",
        "gebied": "gm9901"}, BEKEND)
    with opslag.lees() as s:
        t = s.get(Tafel, tafel)
        assert ([lid.partij.naam for lid in t.leden], t.besluit, t.frequentie) == (
            ["Gemeente Voorbeeld"], TAFEL["besluit"], "elk kwartaal")
        assert s.get(Tafel, lokaal).gebied == "GM9901"

    def tafel_(data):
        return lambda s: regels.voeg_tafel_toe(s, s.get(Planversie, plan), {**TAFEL, **data}, BEKEND)
    geweigerd(opslag, tafel_({"leden": [partij, vreemd]}), "hoort niet bij dit plan")
    geweigerd(opslag, tafel_({"niveau": "hoog"}), "Kies het niveau van de tafel: strategisch, tactisch, operationeel")
    geweigerd(opslag, tafel_({"soort": "raad"}), "Kies de soort tafel")
    geweigerd(opslag, tafel_({"gebied": "GM0001"}), "‘GM0001’ is geen gebied")
    wijzig(opslag, plan, regels.verwijder_tafel, lokaal)
    with opslag.lees() as s:
        assert [t.naam for t in s.get(Planversie, plan).tafels] == [TAFEL["naam"]]
    geweigerd(opslag, lambda s: regels.verwijder_tafel(s, s.get(Planversie, plan), lokaal), "hoort niet bij dit plan")


FASE = {"fase": "kaart", "wat": "Een gedeeld beeld van de wijk", "hoe": "Twee werksessies met professionals",
        "waarom": "Cijfers alleen missen wat bewoners zien", "waar": ["BU99010001"], "waar_indeling": "gemeente",
        "begin": "2027-01-01", "einde": "2027-03-31", "status": "lopend",
        "mijlpalen": [{"datum": "2027-03-15", "omschrijving": "Kaart besproken"},
                      {"datum": "2027-01-20", "omschrijving": "Startbijeenkomst"}]}


def test_a_phase_answers_the_six_questions_with_its_dates_in_order(opslag):
    plan = nieuw_plan(opslag)
    fase = wijzig(opslag, plan, regels.zet_fase, FASE, BEKEND)
    with opslag.lees() as s:
        f = s.get(Fase, fase)
        assert (f.wat, f.hoe, f.waarom, f.waar, f.waar_indeling, f.begin, f.einde, f.status) == (
            FASE["wat"], FASE["hoe"], FASE["waarom"], "BU99010001", "gemeente", date(2027, 1, 1),
            date(2027, 3, 31), "lopend")
        assert [(m.datum, m.omschrijving) for m in f.mijlpalen] == [
            (date(2027, 1, 20), "Startbijeenkomst"), (date(2027, 3, 15), "Kaart besproken")]
    wijzig(opslag, plan, regels.zet_fase, {**FASE, "wat": "Anders", "mijlpalen": None}, BEKEND)  # described again
    with opslag.lees() as s:
        v = s.get(Planversie, plan)
        assert [(f.fase, f.wat, len(f.mijlpalen)) for f in v.fasen] == [("kaart", "Anders", 2)]

    def fase_(data):
        return lambda s: regels.zet_fase(s, s.get(Planversie, plan), {**FASE, **data}, BEKEND)
    assert geweigerd(opslag, fase_({"einde": "2026-12-31"}), "eindigt") == (
        "De fase eindigt (31 december 2026) voor ze begint (1 januari 2027). Kies een einddatum op of na de "
        "begindatum.")
    assert geweigerd(opslag, fase_({"mijlpalen": [{"datum": "2027-04-01", "omschrijving": "Te laat"}]}),
                     "valt buiten") == ("De mijlpaal ‘Te laat’ (1 april 2027) valt buiten de fase (1 januari 2027 "
                                        "tot en met 31 maart 2027). Verschuif de mijlpaal of de fase.")
    # moving the phase past milestones it keeps is refused as well
    geweigerd(opslag, fase_({"begin": "2027-02-01", "mijlpalen": None}), "‘Startbijeenkomst’ .* valt buiten")
    geweigerd(opslag, fase_({"begin": "1 januari"}), "Geef bij ‘begin’ een datum")
    geweigerd(opslag, fase_({"waar": ["BU00000000"]}), "‘BU00000000’ is geen gebied van deze kaart \\(waar\\)")
    geweigerd(opslag, fase_({"waar_indeling": "provincie"}), "Kies de indeling waarin de fase werkt: per gemeente")
    geweigerd(opslag, fase_({"fase": "evaluatie"}), "Kies een fase")
    geweigerd(opslag, fase_({"status": "klaar"}), "Kies de status van de fase")


LINKS: dict[int, dict[str, str]] = {}


def werksessie(opslag: Opslag, titel: str = "Werksessie De Weide") -> int:
    """A new werksessie's id (its links in ``LINKS``)."""
    with opslag.schrijf() as s:
        ws, links = maak_werksessie(s, titel, "Voorbeeldregio", "ervaringsgegevens", VANDAAG,
                                    VANDAAG + timedelta(days=7))
    LINKS[ws.id] = links
    return ws.id


def test_werksessies_are_linked_to_a_phase_once(opslag):
    plan, ws = nieuw_plan(opslag), werksessie(opslag)
    fase = wijzig(opslag, plan, regels.koppel_werksessie, "ervaringsgegevens", ws)
    assert wijzig(opslag, plan, regels.koppel_werksessie, "ervaringsgegevens", ws) == fase
    with opslag.lees() as s:
        f = s.get(Fase, fase)
        assert (f.fase, [x.werksessie_id for x in f.sessies]) == ("ervaringsgegevens", [ws])
    geweigerd(opslag, lambda s: regels.koppel_werksessie(s, s.get(Planversie, plan), "kaart", 999999),
              "Deze werksessie bestaat niet")
    geweigerd(opslag, lambda s: regels.koppel_werksessie(s, s.get(Planversie, plan), "fase 9", ws), "Kies een fase")
    wijzig(opslag, plan, regels.ontkoppel_werksessie, "ervaringsgegevens", ws)
    with opslag.lees() as s:
        assert s.get(Fase, fase).sessies == [] and s.get(Werksessie, ws) is not None
    geweigerd(opslag, lambda s: regels.ontkoppel_werksessie(s, s.get(Planversie, plan), "ervaringsgegevens", ws),
              "hoort niet bij de fase ervaringsgegevens verzamelen")


def volledig_plan(opslag: Opslag) -> tuple[int, int]:
    """A plan with two parties and roles, a tafel, two phases with milestones and a werksessie: (version, tafel)."""
    plan = nieuw_plan(opslag)
    gemeente = wijzig(opslag, plan, regels.voeg_partij_toe, GEMEENTE)
    corporatie = wijzig(opslag, plan, regels.voeg_partij_toe, CORPORATIE)
    wijzig(opslag, plan, regels.zet_rol, gemeente, "kaart", "meebeslissen")
    wijzig(opslag, plan, regels.zet_rol, corporatie, "ervaringsgegevens", "co-creeren")
    tafel = wijzig(opslag, plan, regels.voeg_tafel_toe, {**TAFEL, "leden": [gemeente, corporatie]}, BEKEND)
    wijzig(opslag, plan, regels.zet_fase, FASE, BEKEND)
    wijzig(opslag, plan, regels.zet_fase, {"fase": "ervaringsgegevens", "begin": "2027-04-01",
                                           "mijlpalen": [{"datum": "2027-04-10", "omschrijving": "Werksessie"}]},
           BEKEND)
    wijzig(opslag, plan, regels.koppel_werksessie, "ervaringsgegevens", werksessie(opslag))
    return plan, tafel


def test_a_vastgesteld_version_refuses_every_change(opslag):
    plan, tafel = volledig_plan(opslag)
    _, vreemde_tafel = volledig_plan(opslag)
    geweigerd(opslag, lambda s: regels.stel_vast(s, s.get(Planversie, plan), vreemde_tafel, VANDAAG.isoformat()),
              "Kies de tafel van dit plan")
    geweigerd(opslag, lambda s: regels.stel_vast(s, s.get(Planversie, plan), tafel,
                                                 (VANDAAG + timedelta(days=1)).isoformat()), "in de toekomst")
    wijzig(opslag, plan, regels.stel_vast, tafel, "2026-11-30")
    with opslag.lees() as s:
        v = s.get(Planversie, plan)
        assert (v.status, v.vastgesteld_door.naam, v.vastgesteld_op) == ("vastgesteld", TAFEL["naam"],
                                                                         date(2026, 11, 30))
        partij = v.partijen[0].id
        ws_gekoppeld = v.fasen[1].sessies[0].werksessie_id
    ws = werksessie(opslag)
    pogingen = [(regels.werk_bij, {"titel": "Anders"}, BEKEND), (regels.voeg_partij_toe, CORPORATIE),
                (regels.zet_rol, partij, "kaart", "adviseren"), (regels.voeg_tafel_toe, TAFEL, BEKEND),
                (regels.zet_fase, {"fase": "afspraken"}, BEKEND), (regels.koppel_werksessie, "afspraken", ws),
                (regels.stel_vast, tafel, "2026-12-01"), (regels.werk_partij_bij, partij, {"naam": "X"}),
                (regels.verwijder_partij, partij), (regels.verwijder_tafel, tafel),
                (regels.ontkoppel_werksessie, "ervaringsgegevens", ws_gekoppeld)]
    for functie, *args in pogingen:
        assert geweigerd(opslag, lambda s: functie(s, s.get(Planversie, plan), *args), "vastgesteld") == (
            "Versie 1 van dit plan is vastgesteld op 30 november 2026 en verandert niet meer. Maak een nieuwe "
            "versie om verder te werken.")


def zonder_versie(v: dict) -> dict:
    """A version's package without what makes it this version (number, origin, status, times)."""
    return {k: w for k, w in v.items() if k not in ("versie", "vorige", "status", "vastgesteld_door",
                                                   "vastgesteld_op", "aangemaakt", "gewijzigd")}


def test_a_new_version_copies_everything_into_a_concept(opslag):
    plan, tafel = volledig_plan(opslag)
    geweigerd(opslag, lambda s: regels.nieuwe_versie(s, s.get(Planversie, plan)), "nog een concept")
    wijzig(opslag, plan, regels.stel_vast, tafel, VANDAAG.isoformat())
    tweede = wijzig(opslag, plan, regels.nieuwe_versie)
    geweigerd(opslag, lambda s: regels.nieuwe_versie(s, s.get(Planversie, plan)), "bestaat al versie 2")
    wijzig(opslag, tweede, regels.werk_bij, {"titel": "Versie twee"}, BEKEND)  # the copy is a concept
    with opslag.lees() as s:
        eerste, kopie = s.get(Planversie, plan), s.get(Planversie, tweede)
        assert (kopie.versie, kopie.vorige_id, kopie.status, kopie.vastgesteld_door, eerste.titel) == (
            2, plan, "concept", None, GEBIED["titel"])
        assert [v.id for v in eerste.plan.versies] == [plan, tweede]
        p = pakket(s, eerste.plan)
    assert {**zonder_versie(p["versies"][1]), "titel": GEBIED["titel"]} == zonder_versie(p["versies"][0])
    assert p["versies"][0]["partijen"] and p["versies"][0]["fasen"][1]["werksessies"] == [1]
    assert p["versies"][1]["tafels"][0]["leden"] == [1, 2]


def zonder_ids(ws: dict) -> dict:
    """A werksessie package with its database ids replaced by their place, as an import renumbers them."""
    deelnemers = {d["id"]: n for n, d in enumerate(ws["deelnemers"], 1)}
    annotaties_ = {a["id"]: n for n, a in enumerate(ws["annotaties"], 1)}
    return {**ws, "deelnemers": [{**d, "id": deelnemers[d["id"]]} for d in ws["deelnemers"]],
            "annotaties": [{**a, "id": annotaties_[a["id"]], "auteur": deelnemers.get(a["auteur"])}
                           for a in ws["annotaties"]],
            "wijzigingen": [{**w, "annotatie": annotaties_[w["annotatie"]], "deelnemer": deelnemers.get(w["deelnemer"])}
                            for w in ws["wijzigingen"]],
            "stemmen": [{**v, "deelnemer": deelnemers[v["deelnemer"]]} for v in ws["stemmen"]]}


def test_export_and_import_of_a_plan_with_its_werksessies_loses_nothing(opslag, kaart, demo_eenjarig):
    index, gebieden, punt = kaart

    def importeer_(s, p):
        return importeer(s, p, BEKEND, index, gebieden, demo_eenjarig)
    plan, tafel = volledig_plan(opslag)
    with opslag.schrijf() as s:
        ws = s.get(Planversie, plan).fasen[1].sessies[0].werksessie_id
        annotaties.plaats(s, s.get(Werksessie, ws), open_link(s, LINKS[ws]["deelnemer"]), {
            "geometrie": {"type": "Point", "coordinates": [punt.x, punt.y]}, "categorie": "zorg",
            "tekst": "Te weinig plekken voor beschermd wonen"}, index)
    wijzig(opslag, plan, regels.stel_vast, tafel, VANDAAG.isoformat())
    tweede = wijzig(opslag, plan, regels.nieuwe_versie)
    wijzig(opslag, tweede, regels.zet_fase, {"fase": "afspraken", "wat": "Uitvoeringsagenda"}, BEKEND)
    with opslag.lees() as s:
        export = naar_json(pakket(s, s.get(Planversie, plan).plan))
    voor = rijen(opslag)
    with opslag.schrijf() as s:
        nieuw, links = importeer_(s, uit_bestand(export))
        nieuw_id = nieuw.id
    assert len(links) == 1 and set(links[0]) == {"facilitator", "deelnemer"}
    with opslag.lees() as s:
        terug = pakket(s, s.get(Plan, nieuw_id))
    origineel = uit_bestand(export)
    assert terug["versies"] == origineel["versies"]
    assert [zonder_ids(w) for w in terug["werksessies"]] == [zonder_ids(w) for w in origineel["werksessies"]]
    assert [a["tekst"] for a in terug["werksessies"][0]["annotaties"]] == ["Te weinig plekken voor beschermd wonen"]
    assert terug["versies"][0]["status"] == "vastgesteld" and terug["versies"][1]["vorige"] == 1
    na = rijen(opslag)
    assert {t: na[t] - voor[t] for t in ("plan", "planversie", "partij", "tafellid", "fase", "mijlpaal",
                                         "fasesessie", "werksessie", "annotatie")} == {
        "plan": 1, "planversie": 2, "partij": 4, "tafellid": 4, "fase": 5, "mijlpaal": 6, "fasesessie": 2,
        "werksessie": 1, "annotatie": 1}

    kapot = uit_bestand(export)
    kapot["versies"][1]["fasen"][0]["mijlpalen"][0]["datum"] = "2020-01-01"
    melding = geweigerd(opslag, lambda s: importeer_(s, kapot), "valt buiten")
    assert melding.startswith("Versie 2, fase 1: De mijlpaal ‘Startbijeenkomst’ (1 januari 2020) valt buiten")
    kapot = uit_bestand(export)
    kapot["versies"][0]["partijen"][1]["rollen"] = {"kaart": "beslissen"}
    geweigerd(opslag, lambda s: importeer_(s, kapot),
              "Versie 1, partij 2: Kies een rol: adviseren")
    kapot = uit_bestand(export)
    kapot["versies"][0]["gebieden"] = ["BU00000000"]
    geweigerd(opslag, lambda s: importeer_(s, kapot), "Versie 1: ‘BU00000000’ is geen gebied")
    kapot = uit_bestand(export)
    kapot["versies"][0]["status"] = "concept"
    geweigerd(opslag, lambda s: importeer_(s, kapot), "alleen de nieuwste versie")
    with pytest.raises(Weigering, match="geen export van een inrichtingsplan"):
        uit_bestand(b'{"formaat": "maatschappelijke-kaart/werksessie/1"}')
    with pytest.raises(Weigering, match="geen JSON"):
        uit_bestand(b"\x00PK")
