"""The gebiedsprofiel as a document, in headless Chromium: found by address, printed, downloaded as a PDF.

The Locatieserver answers a recorded answer in its real shape (tests/fixtures/locatieserver), its point moved
inside a demo buurt; the browser reaches 127.0.0.1 only. The PDF's text is compared with the figures the HTML
page shows, both read from what was served.
"""

from __future__ import annotations

import io
import re

import pytest
from _browser import gesloten_pagina
from _locatieserver import antwoord_in
from pypdf import PdfReader

from webapp.adressen import LOCATIESERVER

pytestmark = pytest.mark.browser

ADRES = "Lijsterstraat 20 Amersfoort"


def _pagina(chromium, breedte: int):
    return gesloten_pagina(chromium, {"width": breedte, "height": 900}, accept_downloads=True)


def _zonder_witruimte(tekst: str) -> str:
    return re.sub(r"\s+", "", tekst)


def test_an_address_finds_its_buurt_whose_pdf_has_the_figures_of_the_page(chromium, site, demo_kaart, locatieserver):
    buurten = demo_kaart.gebieden["buurt"]
    code = buurten.index[buurten["drukpunt"].astype(bool)][0]
    locatieserver.get(LOCATIESERVER, json=antwoord_in("adres", buurten, [code]))
    context, page, fouten = _pagina(chromium, 1280)
    try:
        page.goto(f"{site}/zoek")
        page.get_by_label("Zoek gebied").fill(ADRES)
        page.get_by_role("button", name="Zoeken").click()
        page.wait_for_url(f"**/gebied/{code}")
        naam = buurten.at[code, "naam"]
        assert page.locator("h2").inner_text().startswith(naam)
        assert page.locator("svg.gebiedskaart path.gebied").count() == 1
        # The area's own figures as the page shows them: the first number of every indicator row.
        cijfers = page.locator("table.vergelijking > tbody > tr:not(.verlooprij)").evaluate_all(
            "rows => rows.map(r => [r.querySelector('.label').textContent,"
            " r.querySelector('td .getal').textContent])")
        assert len(cijfers) > 5
        with page.expect_download() as wachten:
            page.get_by_role("link", name="PDF downloaden").click()
        download = wachten.value
        assert download.suggested_filename == f"Gebiedsprofiel {naam} (buurt).pdf"
        pdf = PdfReader(io.BytesIO(open(download.path(), "rb").read()))
        tekst = _zonder_witruimte(" ".join(p.extract_text() for p in pdf.pages))
        assert _zonder_witruimte(naam) in tekst and code in tekst
        for label, waarde in cijfers:
            assert _zonder_witruimte(label) in tekst, label
            assert _zonder_witruimte(waarde) in tekst, (label, waarde)
        assert _zonder_witruimte(buurten.at[code, "drukpunt_redenen"].split(";")[0]) in tekst
        assert "Afdrukken" not in tekst and "PDFdownloaden" not in tekst
        assert fouten == []
    finally:
        context.close()


def test_the_print_button_opens_the_print_dialog(chromium, site, demo_kaart):
    code = demo_kaart.gebieden["buurt"].index[0]
    context, page, fouten = _pagina(chromium, 1280)
    try:
        page.add_init_script("window.print = () => { window.afgedrukt = true; };")
        page.goto(f"{site}/gebied/{code}")
        page.get_by_role("button", name="Afdrukken").click()
        assert page.evaluate("window.afgedrukt === true")
        page.emulate_media(media="print")
        assert not page.get_by_role("button", name="Afdrukken").is_visible()
        assert not page.get_by_role("link", name="PDF downloaden").is_visible()
        assert page.locator("svg.gebiedskaart").is_visible()
        assert fouten == []
    finally:
        context.close()


@pytest.mark.parametrize("niveau", ["buurt", "wijk", "gemeente"])
def test_the_profile_and_search_fit_a_phone(chromium, site, demo_kaart, niveau):
    code = demo_kaart.gebieden[niveau].index[0]
    context, page, fouten = _pagina(chromium, 390)
    try:
        for pad in (f"/gebied/{code}", "/zoek?q=Atlantis"):
            page.goto(site + pad)
            breedte = page.evaluate("document.documentElement.scrollWidth")
            assert breedte <= 390, f"{pad} is {breedte} px wide at 390 px"
        assert fouten == []
    finally:
        context.close()
