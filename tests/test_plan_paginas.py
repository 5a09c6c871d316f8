"""The inrichtingsplan pages over real HTTP: create a plan through the form, add parties, roles, phases with
werksessies, read the role matrix and timeline; link rights (reader 403, revoked link 404); bad input
refused with a Dutch message and nothing saved; a vastgesteld version refuses changes (409) and a new concept
carries on; the JSON export imports again through the pages; a regional plan's agreement shows the
verdeelsleutel's shares with the bods and gaps to everyone, its forms only to the owner, on a phone and in print."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from docx import Document as Word
from _browser import gesloten_pagina
from test_paginataal import ISODATUM, MODULEPAD, zichtbare_tekst
from test_regionaal import punt
from test_schermen import BUREAU, METEN, TELEFOON, _problemen
from test_werksessies import INSTELLINGEN, Browser, nieuwe_werksessie

from kaart.getallen import getal
from kaart.verdeelsleutel import verdeel_kaart

VANDAAG = date.today()


@pytest.fixture(scope="module")
def site_config(tmp_path_factory) -> dict:
    return {"WERKSESSIE_DB": f"sqlite:///{tmp_path_factory.mktemp('plan') / 'plannen.sqlite'}", **INSTELLINGEN}


def _buurt(eigenaar: Browser) -> str:
    pagina = eigenaar.pagina("/plannen/nieuw")
    return re.findall(r'<option value="(BU\d+)"', pagina.text)[0]


def nieuw_plan(url: str, **velden) -> tuple[Browser, int, dict[str, str]]:
    """A plan for one demo buurt through the form; returns (owner, plan id, role -> link)."""
    eigenaar = Browser(url)
    data = {"csrf_token": None, "titel": "Wonen en zorg in Oost", "soort": "gebied", "gebieden": _buurt(eigenaar),
            "doel": "Passend wonen met zorg", "initiatiefnemers": "Gemeente Voorbeeld", **velden}
    data["csrf_token"] = eigenaar.csrf
    response = eigenaar.s.post(f"{url}/plannen/nieuw", data=data, timeout=30)
    assert response.status_code == 201, response.text
    links = dict(zip(["eigenaar", "lezer"], re.findall(r'value="(http[^"]+/p/[^"]+)"', response.text)))
    plan = int(re.search(r'href="/plannen/(\d+)"', response.text).group(1))
    assert eigenaar.pagina(f"/plannen/{plan}").status_code == 200
    return eigenaar, plan, links


def post(browser: Browser, plan: int, actie: str, **data):
    return browser.s.post(f"{browser.url}/plannen/{plan}/{actie}", data={"csrf_token": browser.csrf, **data},
                          timeout=30)


def _partij_id(browser: Browser, plan: int, naam: str) -> str:
    pagina = browser.pagina(f"/plannen/{plan}").text
    return re.search(r'name="partij" value="(\d+)">\s*<input name="naam" aria-label="Organisatie" maxlength="200" '
                     rf'value="{re.escape(naam)}"', pagina).group(1)


def _werksessie_id(url: str) -> int:
    return nieuwe_werksessie(url)[1]


def test_a_plan_with_parties_roles_phases_and_werksessies(site):
    eigenaar, plan, links = nieuw_plan(site)
    assert set(links) == {"eigenaar", "lezer"}
    assert post(eigenaar, plan, "partij", naam="Gemeente Voorbeeld", domein="gemeente", niveau="bestuurlijk",
                functie="wethouder wonen").status_code == 200
    assert post(eigenaar, plan, "partij", naam="Woonstichting Oost", domein="corporatie",
                niveau="werkorganisatie").status_code == 200
    gemeente, corporatie = _partij_id(eigenaar, plan, "Gemeente Voorbeeld"), _partij_id(eigenaar, plan,
                                                                                          "Woonstichting Oost")
    response = post(eigenaar, plan, "rollen", **{f"rol:{gemeente}:prioritering": "meebeslissen",
                                                 f"rol:{corporatie}:prioritering": "co-creeren",
                                                 f"rol:{corporatie}:afspraken": "adviseren"})
    assert response.status_code == 200
    begin = VANDAAG + timedelta(days=10)
    for fase, start, lengte, mijlpaal in (("prioritering", begin, 30, "Bewonersavond"),
                                          ("afspraken", begin + timedelta(days=31), 60, "Afspraken getekend")):
        einde = start + timedelta(days=lengte)
        response = post(eigenaar, plan, "fase", fase=fase, wat=f"Wat in {fase}", begin=start.isoformat(),
                        einde=einde.isoformat(), status="gepland",
                        mijlpalen=f"{(start + timedelta(days=5)).isoformat()} {mijlpaal}")
        assert response.status_code == 200, response.text
        assert post(eigenaar, plan, "koppel", fase=fase, werksessie=str(_werksessie_id(site))).status_code == 200
    pagina = eigenaar.pagina(f"/plannen/{plan}").text
    matrix = re.search(r'<table class="rolmatrix">.*?</table>', pagina, re.S).group(0)
    rij = re.search(r'<th scope="row">Woonstichting Oost</th>(.*?)</tr>', matrix, re.S).group(1)
    cellen = re.findall(r"<td>(.*?)</td>", rij, re.S)
    assert len(cellen) == 5  # voorfase, kaart and the three werksessie phases
    assert 'value="co-creeren" selected' in cellen[3] and 'value="adviseren" selected' in cellen[4]
    assert " selected" not in cellen[0].replace('value="">', "")
    tijdlijn = re.search(r'<ol class="tijdlijn">.*?</ol>', pagina, re.S).group(0)
    assert tijdlijn.count('class="tijdlijn-balk"') == 2 and tijdlijn.count('class="mijlpaal"') == 2
    assert "Bewonersavond" in tijdlijn and "Afspraken getekend" in tijdlijn
    assert "Buurtavond Oost" in pagina  # the linked werksessies by title
    assert "Woonstichting Oost (co-creëren)" in pagina  # the phase's WIE from the matrix
    assert not re.search(r"\d{4}-\d{2}-\d{2}", re.sub(r'(value|name)="[^"]*"|<textarea.*?</textarea>', "",
                                                       tijdlijn, flags=re.S))


def test_reader_reads_and_a_revoked_link_stops(site):
    eigenaar, plan, links = nieuw_plan(site)
    lezer = Browser(site)
    response = lezer.s.get(links["lezer"], timeout=30, allow_redirects=False)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/plannen/{plan}")
    pagina = lezer.pagina(f"/plannen/{plan}")
    assert pagina.status_code == 200 and "leeslink" in pagina.text and "Partij toevoegen" not in pagina.text
    lezer.pagina("/plannen/nieuw")  # a valid CSRF token: the reader's page has no forms
    geweigerd = post(lezer, plan, "partij", naam="Welzijn Oost", domein="welzijn", niveau="werkorganisatie")
    assert geweigerd.status_code == 403 and "alleen lezen" in geweigerd.text
    assert "Welzijn Oost" not in eigenaar.pagina(f"/plannen/{plan}").text
    assert Browser(site).pagina(f"/plannen/{plan}").status_code == 403  # no link, no plan
    nieuw = eigenaar.s.post(f"{site}/plannen/{plan}/links/lezer", data={"csrf_token": eigenaar.csrf}, timeout=30)
    assert nieuw.status_code == 200 and "De vorige link werkt niet meer" in nieuw.text
    assert lezer.pagina(f"/plannen/{plan}").status_code == 403
    assert Browser(site).s.get(links["lezer"], timeout=30).status_code == 404
    nieuwe_link = re.search(r'value="(http[^"]+/p/[^"]+)"', nieuw.text).group(1)
    assert Browser(site).s.get(nieuwe_link, timeout=30).status_code == 200
    # the owner replacing the owner's own link stays in through the new one
    eigen = eigenaar.s.post(f"{site}/plannen/{plan}/links/eigenaar", data={"csrf_token": eigenaar.csrf}, timeout=30)
    assert eigen.status_code == 200
    assert eigenaar.pagina(f"/plannen/{plan}").status_code == 200
    assert Browser(site).s.get(links["eigenaar"], timeout=30).status_code == 404


def test_bad_input_is_refused_in_dutch_and_nothing_is_saved(site):
    eigenaar, plan, _ = nieuw_plan(site)
    buiten = eigenaar.s.post(f"{site}/plannen/nieuw", data={
        "csrf_token": eigenaar.csrf, "titel": "Elders", "soort": "gebied", "gebieden": "BU99999999",
        "doel": "Mijn getypte doel"}, timeout=30)
    assert buiten.status_code == 400 and "geen gebied van deze kaart" in buiten.text
    assert "Mijn getypte doel" in buiten.text  # what was typed is kept
    post(eigenaar, plan, "partij", naam="Gemeente Voorbeeld", domein="gemeente", niveau="bestuurlijk")
    partij = _partij_id(eigenaar, plan, "Gemeente Voorbeeld")
    rol = post(eigenaar, plan, "rollen", **{f"rol:{partij}:prioritering": "meebeslissen",
                                            f"rol:{partij}:afspraken": "baas"})
    assert rol.status_code == 400 and "Kies een rol" in rol.text
    assert 'value="meebeslissen" selected' not in eigenaar.pagina(f"/plannen/{plan}").text  # the whole form
    omgekeerd = post(eigenaar, plan, "fase", fase="afspraken", wat="Getypt wat", begin=VANDAAG.isoformat(),
                     einde=(VANDAAG - timedelta(days=3)).isoformat())
    assert omgekeerd.status_code == 400 and "Kies een einddatum op of na de begindatum" in omgekeerd.text
    assert "Getypt wat" in omgekeerd.text
    assert "Getypt wat" not in eigenaar.pagina(f"/plannen/{plan}").text
    assert "<script" not in post(eigenaar, plan, "partij", naam="<script>x</script>", domein="gemeente",
                                 niveau="bestuurlijk").text.split("</main>")[0].split("<main")[1]


def test_vastgesteld_refuses_changes_and_a_new_concept_carries_on(site):
    eigenaar, plan, _ = nieuw_plan(site)
    post(eigenaar, plan, "partij", naam="Gemeente Voorbeeld", domein="gemeente", niveau="bestuurlijk")
    partij = _partij_id(eigenaar, plan, "Gemeente Voorbeeld")
    post(eigenaar, plan, "tafel", naam="Regiegroep Oost", soort="regiegroep", niveau="tactisch",
         besluit="het plan", frequentie="elk kwartaal", leden=partij)
    pagina = eigenaar.pagina(f"/plannen/{plan}").text
    tafel = re.search(r'<select id="vast-tafel" name="tafel"><option value="(\d+)"', pagina).group(1)
    assert post(eigenaar, plan, "vaststellen", tafel=tafel, op=VANDAAG.isoformat()).status_code == 200
    pagina = eigenaar.pagina(f"/plannen/{plan}").text
    assert "Vastgesteld</strong> door Regiegroep Oost" in pagina and "Partij toevoegen" not in pagina
    geweigerd = post(eigenaar, plan, "partij", naam="Welzijn Oost", domein="welzijn", niveau="werkorganisatie")
    assert geweigerd.status_code == 409 and "is vastgesteld" in geweigerd.text
    assert post(eigenaar, plan, "nieuwe-versie").status_code == 200
    pagina = eigenaar.pagina(f"/plannen/{plan}").text
    assert "Versie 2: <strong>Concept</strong>" in pagina and "Partij toevoegen" in pagina
    assert post(eigenaar, plan, "partij", naam="Welzijn Oost", domein="welzijn",
                niveau="werkorganisatie").status_code == 200
    oud = eigenaar.pagina(f"/plannen/{plan}?versie=1").text
    assert "Welzijn Oost" not in oud and "Vastgesteld" in oud


def test_export_imports_again_through_the_pages(site):
    eigenaar, plan, _ = nieuw_plan(site, titel="Te exporteren plan")
    post(eigenaar, plan, "partij", naam="Gemeente Voorbeeld", domein="gemeente", niveau="bestuurlijk")
    post(eigenaar, plan, "koppel", fase="prioritering", werksessie=str(_werksessie_id(site)))
    export = eigenaar.s.get(f"{site}/plannen/{plan}/export.json", timeout=30)
    assert export.status_code == 200 and export.json()["versies"][0]["titel"] == "Te exporteren plan"
    importeur = Browser(site)
    importeur.pagina("/plannen/importeer")
    response = importeur.s.post(f"{site}/plannen/importeer", data={"csrf_token": importeur.csrf},
                                files={"bestand": ("plan.json", export.content)}, timeout=60)
    assert response.status_code == 201, response.text
    nieuw = int(re.search(r'href="/plannen/(\d+)"', response.text).group(1))
    assert nieuw != plan and "/w/" in response.text  # the imported werksessie's new facilitator link
    opnieuw = importeur.s.get(f"{site}/plannen/{nieuw}/export.json", timeout=30).json()
    assert [v["partijen"] for v in opnieuw["versies"]] == [v["partijen"] for v in export.json()["versies"]]
    slecht = importeur.s.post(f"{site}/plannen/importeer", data={"csrf_token": importeur.csrf},
                              files={"bestand": ("plan.json", b'{"formaat": "iets anders"}')}, timeout=30)
    assert 400 <= slecht.status_code < 500 and "melding fout" in slecht.text


def test_forms_need_the_csrf_token(site):
    eigenaar, plan, _ = nieuw_plan(site)
    response = eigenaar.s.post(f"{site}/plannen/{plan}/partij", data={"naam": "X", "domein": "gemeente",
                                                                       "niveau": "bestuurlijk"}, timeout=30)
    assert response.status_code == 400 and "beveiligingscode" in response.text


def _gemeenten(url: str) -> list[str]:
    return sorted(set(re.findall(r'<option value="(GM\d+)"', Browser(url).pagina("/plannen/nieuw").text)))


def _cellen(pagina: str, naam: str) -> list[str]:
    """The cells of a gemeente's row in the table per gemeente, as text."""
    tabel = re.search(r'<table class="regiotabel"[^>]*>.*?</table>', pagina, re.S).group(0)
    rij = re.search(rf'<th scope="row">{re.escape(naam)}</th>(.*?)</tr>', tabel, re.S).group(1)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td>(.*?)</td>", rij, re.S)]


def test_a_regional_plan_shows_the_shares_bods_and_gaps_and_a_reader_sees_no_forms(site, demo_kaart):

    gemeenten = _gemeenten(site)[:3]
    eigenaar, plan, links = nieuw_plan(site, titel="Regionale afspraak Housing First", soort="regio",
                                       gebieden=gemeenten)
    sleutel = {"aantal": "50", "jaren": "3", "eerste_jaar": "2027", "basis": "huishoudens", "correctie": "0"}
    slecht = post(eigenaar, plan, "verdeelsleutel", **{**sleutel, "jaren": "40", "minimum": "2"})
    assert slecht.status_code == 400 and "‘aantal jaren’ moet een heel getal van 1 tot 30" in slecht.text
    assert 'name="minimum" maxlength="2000" value="2"' in slecht.text  # typed values kept
    assert post(eigenaar, plan, "verdeelsleutel", **sleutel).status_code == 200
    slecht = post(eigenaar, plan, "bod", gemeente=gemeenten[0], woonproduct="housing_first", jaar="2027",
                  aantal="-3", locatie="Mijn getypte locatie")
    assert slecht.status_code == 400 and "‘aantal’ moet een heel getal" in slecht.text
    assert "Mijn getypte locatie" in slecht.text
    lat, lon = punt(demo_kaart, gemeenten[0])
    assert post(eigenaar, plan, "bod", gemeente=gemeenten[0], woonproduct="housing_first", jaar="2027",
                aantal="4", locatie="Oude school", lat=str(lat), lon=str(lon)).status_code == 200
    assert post(eigenaar, plan, "realisatie", gemeente=gemeenten[0], woonproduct="housing_first", jaar="2027",
                status="gereed", aantal="1").status_code == 200
    buiten = post(eigenaar, plan, "bod", gemeente=gemeenten[0], woonproduct="domus", jaar="2031", aantal="1")
    assert buiten.status_code == 400 and "valt buiten de afspraak (2027 tot en met 2029)" in buiten.text

    v = verdeel_kaart(demo_kaart, aantal=50, jaren=3, gemeenten=gemeenten)
    pagina = eigenaar.pagina(f"/plannen/{plan}").text
    assert "Regionale afspraak" in pagina and v.formule in pagina.replace("&#39;", "'")
    for code, rij in v.tabel.iterrows():
        aandeel = int(rij["totaal"])
        bod, gereed = (4, 1) if code == gemeenten[0] else (0, 0)
        assert _cellen(pagina, rij["naam"]) == [
            f"{getal(aandeel)} ({getal(rij['aandeel'] * 100, 1)}%)", getal(bod), getal(gereed), "0",
            getal(aandeel - bod), getal(aandeel - gereed)]
    per_jaar = re.search(r'<table class="regiotabel" aria-labelledby="regio-gemeente-jaar">.*?</table>', pagina,
                         re.S).group(0)
    eerste = v.tabel.loc[gemeenten[0]]
    rij = re.search(rf'<th scope="row">{re.escape(eerste["naam"])}</th>(.*?)</tr>', per_jaar, re.S).group(1)
    assert re.findall(r"<td>(.*?)</td>", rij)[:6] == [getal(eerste["jaar_1"]), "4", "1", getal(eerste["jaar_2"]),
                                                      "0", "0"]
    assert "Oude school" in pagina and 'action="/plannen/%d/bod"' % plan in pagina

    sectie = zichtbare_tekst(re.search(r'<section id="regionaal">.*?</section>', pagina, re.S).group(0))
    assert MODULEPAD.findall(sectie) == [] and ISODATUM.findall(sectie) == [] and "GM" not in sectie.replace(
        "GEMEENTECODE", "")  # names, not codes

    lezer = Browser(site)
    lezer.s.get(links["lezer"], timeout=30)
    gelezen = lezer.pagina(f"/plannen/{plan}").text
    assert _cellen(gelezen, v.tabel["naam"].iloc[0]) == _cellen(pagina, v.tabel["naam"].iloc[0])
    assert "<form" not in re.search(r'<section id="regionaal">.*?</section>', gelezen, re.S).group(0)
    lezer.pagina("/plannen/nieuw")  # a valid CSRF token: the reader's page has no forms
    assert post(lezer, plan, "bod", gemeente=gemeenten[1], woonproduct="domus", jaar="2027",
                aantal="1").status_code == 403

    # The plan's document, as a page and as a Word file, has the owner's row for the gemeente.
    naam = v.tabel["naam"].iloc[0]
    regio = lezer.pagina(f"/plannen/{plan}/document").text.split('<section id="regionaal"')[1]
    rij = re.search(rf'<th scope="row">{re.escape(naam)}</th>(.*?)</tr>', regio, re.S).group(1)
    assert re.findall(r"<td>(.*?)</td>", rij) == _cellen(pagina, naam)
    woord = Word(io.BytesIO(lezer.pagina(f"/plannen/{plan}/document.docx").content))
    assert [naam, *_cellen(pagina, naam)] in [[c.text for c in r.cells] for t in woord.tables for r in t.rows]


@pytest.mark.browser
def test_the_regional_agreement_fits_a_phone_and_prints_without_its_forms(site, chromium, demo_kaart):
    gemeenten = _gemeenten(site)
    eigenaar, plan, links = nieuw_plan(site, titel="Regionale afspraak", soort="regio", gebieden=gemeenten)
    post(eigenaar, plan, "verdeelsleutel", aantal="50", jaren="3", eerste_jaar="2027", basis="huishoudens")
    lat, lon = punt(demo_kaart, gemeenten[0])
    assert post(eigenaar, plan, "bod", gemeente=gemeenten[0], woonproduct="skaeve_huse", jaar="2028", aantal="2",
                locatie="Terrein aan de rand van het bedrijventerrein bij de oude suikerfabriek", lat=str(lat),
                lon=str(lon)).status_code == 200
    for viewport in (TELEFOON, BUREAU):
        context, page, fouten = gesloten_pagina(chromium, viewport, has_touch=viewport is TELEFOON,
                                                is_mobile=viewport is TELEFOON)
        try:
            page.goto(links["eigenaar"])
            page.wait_for_load_state("networkidle")
            assert page.locator("#regionaal .regiotabel").count() == 4
            assert _problemen(page.evaluate(METEN), viewport) == [] and fouten == []
            houders = page.evaluate("""() => [...document.querySelectorAll('#regionaal .tabelhouder')]
                .map(e => e.getBoundingClientRect().right)""")
            assert max(houders) <= viewport["width"]  # a wide table scrolls inside its box, not the page
            page.emulate_media(media="print")
            assert not page.locator("#verdeelsleutel").is_visible() and not page.locator("#bod").is_visible()
            assert page.locator("#regionaal .regiotabel").first.is_visible()
        finally:
            context.close()
