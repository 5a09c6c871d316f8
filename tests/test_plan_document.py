"""The document of an inrichtingsplan (issue 18, part 5) in a real browser and over real HTTP.

A plan for one buurt of the demo is set up through the plan page's forms in Chromium (parties, their roles,
two phases each with a werksessie); the werksessies get an annotation, dots and an afspraak through their
API; then the PDF and the Word file are downloaded from the plan page's links and read back (pypdf,
python-docx): the buurt's figures as the gebiedsprofiel shows them, the role matrix and the afspraak must be
in both. Also: the role matrix fits a phone (390 px) or scrolls in its own box, a reader's link reads the
document, an unknown plan is a Dutch 404, a vastgesteld older version's document shows that version, and a
plan of many buurten profiles the first few and names the rest, its typed text escaped.
"""

from __future__ import annotations

import html
import io
import re
from datetime import date, timedelta

import pytest
import requests
from _browser import gesloten_pagina
from docx import Document as Word
from pypdf import PdfReader
from test_paginataal import ISODATUM, MODULEPAD, zichtbare_tekst
from test_plan_paginas import nieuw_plan, post
from test_werksessies import INSTELLINGEN, midden, nieuwe_werksessie, vlak

from kaart.datums import datum
from webapp.plannen.document import MAX_GEBIEDEN

pytestmark = pytest.mark.browser

VANDAAG = date.today()
ROLLEN = {"Gemeente Centrum": {"Waarderen en prioriteren": "meebeslissen", "Afspraken maken": "meebeslissen"},
          "Woonstichting Centrum": {"Voorfase": "adviseren", "Afspraken maken": "co-creeren"}}
ROLNAMEN = {"adviseren": "Adviseren", "co-creeren": "Co-creëren", "meebeslissen": "Meebeslissen"}
FASEN = ["Voorfase", "Maatschappelijke kaart", "Ervaringsgegevens verzamelen", "Waarderen en prioriteren",
         "Afspraken maken"]
AFSPRAAK = "Buurtkamer openen in het oude postkantoor"
ERVARING = "Ouderen missen een plek om elkaar te treffen"


@pytest.fixture(scope="module")
def site_config(tmp_path_factory) -> dict:
    return {"WERKSESSIE_DB": f"sqlite:///{tmp_path_factory.mktemp('plandocument') / 'plannen.sqlite'}",
            **INSTELLINGEN}


def _figuren(site: str, code: str) -> dict[str, str]:
    """Per indicator label, the area's own figure as its gebiedsprofiel page shows it."""
    pagina = requests.get(f"{site}/gebied/{code}", timeout=60).text
    figuren = {}
    for rij in re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", pagina, re.S):
        label = re.search(r'<span class="label">(.*?)</span>', rij)
        getal = re.search(r'<td class="gebied">.*?<span class="getal">(.*?)</span>', rij, re.S)
        if label and getal:
            figuren[html.unescape(label.group(1))] = html.unescape(re.sub(r"<[^>]+>", "", getal.group(1))).strip()
    assert len(figuren) >= 5, "the gebiedsprofiel shows too few figures to compare"
    return figuren


def _werksessie_met_inhoud(site: str, buurt: str, partij: str) -> int:
    """A werksessie with an annotation, two dots on it and an afspraak, through its API."""
    facilitator, ws, _ = nieuwe_werksessie(site, titel="Buurtavond Centrum")
    lon, lat = midden(facilitator, ws)
    annotatie = facilitator.api("POST", ws, "annotaties", {"geometrie": vlak(lon, lat), "categorie": "zorg",
                                                           "tekst": ERVARING})
    assert annotatie.status_code == 201, annotatie.text
    assert facilitator.api("POST", ws, "instellingen", {"fase": "prioritering"}).status_code == 200
    stem = facilitator.api("PUT", ws, "stemmen", {"doel_soort": "annotatie", "doel": str(annotatie.json()["id"]),
                                                  "aantal": 2})
    assert stem.status_code == 200, stem.text
    afspraak = facilitator.api("POST", ws, "afspraken", {
        "gebied": buurt, "wat": AFSPRAAK, "wanneer": "2027-05-01", "indicator": "aandeel_65plus",
        "doelwaarde": 20, "doeljaar": 2030, "wie": [{"partij": partij, "rol": "meebeslissen"}]})
    assert afspraak.status_code == 201, afspraak.text
    return ws


def _tekst(tekst: str) -> str:
    return re.sub(r"\s+", " ", tekst)


def test_the_document_of_a_buurt_plan_downloads_as_pdf_and_docx(site, chromium, tmp_path):
    context, page, fouten = gesloten_pagina(chromium, {"width": 1280, "height": 900}, accept_downloads=True)
    page.goto(f"{site}/plannen/nieuw")
    buurt = page.eval_on_selector_all("#gebieden option", "os => os.map(o => o.value)")
    buurt = next(c for c in buurt if c.startswith("BU"))
    page.fill("#titel", "Samen ouder worden in de buurt")
    page.select_option("#gebieden", buurt)
    page.fill("#doel", "Een buurt waar ouderen thuis kunnen blijven wonen")
    page.click("button:has-text('Plan aanmaken')")
    page.click("text=Naar het plan")
    plan = int(re.search(r"/plannen/(\d+)", page.url).group(1))

    for naam, domein, niveau in (("Gemeente Centrum", "gemeente", "bestuurlijk"),
                                 ("Woonstichting Centrum", "corporatie", "werkorganisatie")):
        page.fill("#partij-naam", naam)
        page.select_option("#partij-domein", domein)
        page.select_option("#partij-niveau", niveau)
        page.click("button:has-text('Partij toevoegen')")
        page.wait_for_selector(f".partijen li:has-text('{naam}')")
    for naam, rollen in ROLLEN.items():
        for fase, rol in rollen.items():
            page.select_option(f"select[aria-label='Rol van {naam} in {fase.lower()}']", rol)
    page.click("button:has-text('Rollen bewaren')")
    page.wait_for_selector("#rollen")

    begin = VANDAAG + timedelta(days=7)
    for fase, code, start in (("Waarderen en prioriteren", "prioritering", begin),
                              ("Afspraken maken", "afspraken", begin + timedelta(days=40))):
        ws = _werksessie_met_inhoud(site, buurt, "Gemeente Centrum")
        page.click(f"#fase-{code} summary")
        page.fill(f"#{code}-wat", f"Wat we doen in {fase.lower()}")
        page.fill(f"#{code}-begin", start.isoformat())
        page.fill(f"#{code}-einde", (start + timedelta(days=30)).isoformat())
        page.click(f"#fase-{code} button:has-text('{fase} bewaren')")
        page.click(f"#fase-{code} summary")
        page.select_option(f"#{code}-werksessie", str(ws))
        page.click(f"#fase-{code} button:has-text('Koppelen')")
        page.wait_for_selector(f"#fase-{code} .werksessie")

    bestanden = {}
    for link, naam in (("PDF", "plan.pdf"), ("Word", "plan.docx")):
        with page.expect_download() as download:
            page.click(f".documentlinks a:has-text('{link}')")
        bestanden[link] = tmp_path / naam
        download.value.save_as(bestanden[link])
        assert download.value.suggested_filename == f"inrichtingsplan-{plan}-versie-1.{naam.split('.')[1]}"
    page.click(".documentlinks a:has-text('lezen')")
    assert page.locator("#planning .tijdlijn-balk").count() == 2  # the plan page's timeline, in the document too
    assert page.locator("#gebied svg.gebiedskaart").count() == 1
    assert page.locator("#ervaringen svg.ervaringenkaart .ervaring").count() == 2  # one drawn per werksessie
    assert fouten == []
    context.close()

    pdf = _tekst(" ".join(p.extract_text() for p in PdfReader(bestanden["PDF"]).pages))
    word = Word(str(bestanden["Word"]))
    tabellen = [[[c.text for c in r.cells] for r in t.rows] for t in word.tables]
    docx = _tekst(" ".join([p.text for p in word.paragraphs] + [c for t in tabellen for r in t for c in r]))

    figuren = _figuren(site, buurt)
    cijferrijen = {r[0]: r[1] for t in tabellen if t[0][0] == "Indicator" for r in t[1:]}
    for label, waarde in figuren.items():
        assert cijferrijen[label].startswith(waarde), (label, waarde, cijferrijen[label])
        assert label in pdf and waarde in pdf, (label, waarde)
    assert "Bron: fictieve voorbeeldgegevens" in pdf and "Bron: fictieve voorbeeldgegevens" in docx

    matrix = next(t for t in tabellen if t[0][0] == "Partij")
    assert matrix[0][1:] == FASEN
    for naam, rollen in ROLLEN.items():
        rij = next(r for r in matrix if r[0] == naam)
        assert rij[1:] == [ROLNAMEN[rollen[f]] if f in rollen else "—" for f in FASEN]
        # on paper the row reads as the party, then its role in each phase in order
        assert " ".join(rij) in pdf, rij

    afspraken = next(t for t in tabellen if t[0][0] == "Wat" and t[0][-1] == "Status")
    assert len(afspraken) == 3  # the head and one afspraak from each werksessie
    assert afspraken[1][0] == AFSPRAAK and afspraken[1][2] == "Gemeente Centrum (meebeslissen)"
    assert afspraken[1][3] == datum(date(2027, 5, 1)) and "naar 20,0% in 2030" in afspraken[1][4]
    assert AFSPRAAK in pdf and datum(date(2027, 5, 1)) in pdf
    assert ERVARING in pdf and ERVARING in docx  # the ervaringen and the priorities
    assert "Samen ouder worden in de buurt" in pdf and "concept" in docx
    tijdlijn = next(t for t in tabellen if t[0] == ["Fase", "Periode", "Status"])
    assert [r[0] for r in tijdlijn[1:]] == ["Waarderen en prioriteren", "Afspraken maken"]


def test_the_role_matrix_fits_a_phone_or_scrolls_in_its_own_box(site, chromium):
    eigenaar, plan, links = nieuw_plan(site)
    for naam in ("Stichting Welzijn en Maatschappelijke Dienstverlening Oost", "Huurdersvereniging Oost"):
        post(eigenaar, plan, "partij", naam=naam, domein="welzijn", niveau="werkorganisatie")
    context, page, fouten = gesloten_pagina(chromium, {"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page.goto(links["eigenaar"])
    for pad in (f"/plannen/{plan}", f"/plannen/{plan}/document"):
        page.goto(site + pad)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, pad
        matrix = page.locator("table.rolmatrix")
        assert matrix.count() == 1, pad
        doos = matrix.evaluate("t => { const h = t.closest('.tabelhouder'); const r = h.getBoundingClientRect();"
                               " return {links: r.left, rechts: r.right, breed: h.scrollWidth, zicht: h.clientWidth,"
                               " tabel: t.getBoundingClientRect().width}; }")
        assert doos["links"] >= 0 and doos["rechts"] <= 390, (pad, doos)
        assert doos["tabel"] <= 390 or doos["breed"] > doos["zicht"], (pad, doos)
    assert fouten == []
    context.close()


def test_a_reader_gets_the_document_and_an_unknown_plan_is_a_dutch_404(site):
    eigenaar, plan, links = nieuw_plan(site, titel="Leesbaar plan")
    lezer = requests.Session()
    assert lezer.get(links["lezer"], timeout=30).status_code == 200
    pagina = lezer.get(f"{site}/plannen/{plan}/document", timeout=60)
    assert pagina.status_code == 200 and "Leesbaar plan" in pagina.text and "Partijen en rollen" in pagina.text
    pdf = lezer.get(f"{site}/plannen/{plan}/document.pdf", timeout=120)
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert "Leesbaar plan" in " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    docx = lezer.get(f"{site}/plannen/{plan}/document.docx", timeout=60)
    assert docx.status_code == 200 and "attachment" in docx.headers["Content-Disposition"]
    assert Word(io.BytesIO(docx.content)).paragraphs[0].text == "Leesbaar plan"
    assert requests.get(f"{site}/plannen/{plan}/document", timeout=30).status_code == 403  # no link, no document
    onbekend = lezer.get(f"{site}/plannen/999999/document", timeout=30)
    assert onbekend.status_code == 404 and "Dit plan bestaat niet." in onbekend.text
    assert '<html lang="nl">' in onbekend.text and "Traceback" not in onbekend.text
    geen_versie = lezer.get(f"{site}/plannen/{plan}/document.docx?versie=7", timeout=30)
    assert geen_versie.status_code == 404 and "geen versie 7" in geen_versie.text


def test_the_document_of_a_vastgesteld_older_version_shows_that_version(site):
    eigenaar, plan, _ = nieuw_plan(site)
    post(eigenaar, plan, "partij", naam="Gemeente Voorbeeld", domein="gemeente", niveau="bestuurlijk")
    pagina = eigenaar.pagina(f"/plannen/{plan}").text
    partij = re.search(r'name="partij" value="(\d+)"', pagina).group(1)
    post(eigenaar, plan, "tafel", naam="Regiegroep Oost", soort="regiegroep", niveau="tactisch",
         besluit="het plan", frequentie="elk kwartaal", leden=partij)
    tafel = re.search(r'<select id="vast-tafel" name="tafel"><option value="(\d+)"',
                      eigenaar.pagina(f"/plannen/{plan}").text).group(1)
    assert post(eigenaar, plan, "vaststellen", tafel=tafel, op=VANDAAG.isoformat()).status_code == 200
    assert post(eigenaar, plan, "nieuwe-versie").status_code == 200
    assert post(eigenaar, plan, "partij", naam="Welzijn Oost", domein="welzijn",
                niveau="werkorganisatie").status_code == 200
    oud = eigenaar.s.get(f"{site}/plannen/{plan}/document?versie=1", timeout=60).text
    assert f"Versie 1, vastgesteld door Regiegroep Oost op {datum(VANDAAG)}." in oud
    assert "Welzijn Oost" not in oud and "elk kwartaal" in oud
    nieuw = eigenaar.s.get(f"{site}/plannen/{plan}/document", timeout=60).text
    assert "Versie 2, concept" in nieuw and "Welzijn Oost" in nieuw
    word = Word(io.BytesIO(eigenaar.s.get(f"{site}/plannen/{plan}/document.docx?versie=1", timeout=60).content))
    tekst = " ".join(p.text for p in word.paragraphs)
    assert f"vastgesteld door Regiegroep Oost op {datum(VANDAAG)}" in tekst
    assert "Welzijn Oost" not in " ".join(c.text for t in word.tables for r in t.rows for c in r.cells)


def test_a_plan_of_many_buurten_names_the_rest_and_the_page_speaks_dutch(site):
    eigenaar = requests.Session()
    pagina = eigenaar.get(f"{site}/plannen/nieuw", timeout=30).text
    buurten = [(c, html.unescape(n)) for c, n in re.findall(r'<option value="(BU\d+)">([^<]+)</option>', pagina)][
        :MAX_GEBIEDEN + 1]
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', pagina).group(1)
    aangemaakt = eigenaar.post(f"{site}/plannen/nieuw", timeout=30, data={
        "csrf_token": csrf, "titel": "<b>Kern</b> Oost", "soort": "gebied", "getekend": "on",
        "gebiedsnaam": "Kern Oost", "gebieden": [c for c, _ in buurten]})
    assert aangemaakt.status_code == 201, aangemaakt.text
    plan = int(re.search(r'href="/plannen/(\d+)"', aangemaakt.text).group(1))
    document = eigenaar.get(f"{site}/plannen/{plan}/document", timeout=60).text
    profielen = re.findall(r'<section id="gebied-(bu\d+)"', document)
    assert profielen == [c.lower() for c, _ in buurten[:MAX_GEBIEDEN]]
    assert f"De kerncijfers van {html.escape(buurten[-1][1])} staan in hun gebiedsprofiel" in document
    assert "&lt;b&gt;Kern&lt;/b&gt; Oost" in document and "<b>Kern</b>" not in document  # typed text is text
    tekst = zichtbare_tekst(document)
    assert ISODATUM.findall(tekst) == [] and MODULEPAD.findall(tekst) == []
    assert tekst.count("Fictieve voorbeeldregio") == 1
