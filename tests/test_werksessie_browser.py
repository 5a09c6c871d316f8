"""The whole werksessie in real headless Chromium, as a room uses it.

A facilitator creates a werksessie; two participants open the participant link
in their own browser contexts; one draws a polygon with the drawing tools and
describes it, and the other sees it appear; they spend dots; the facilitator
records an afspraak and exports everything; the export goes into a fresh
database and everything is found back. Only 127.0.0.1 answers: basemap tiles
fail, as on a closed network.
"""

from __future__ import annotations

import re

import pytest
from _server import running
from test_werksessies import maak_app

pytestmark = pytest.mark.browser

EVIL = '<img src=x onerror="document.title=1">Bankje bij de speeltuin'


def _context(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL", accept_downloads=True)
    context.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url else route.abort())
    return context


def _draw_square(page):
    """Draw a square with the labelled 'Vlak' tool: click four corners, then the first again to close."""
    page.click(".gereedschap button:has-text('Vlak')")
    box = page.locator("#kaart").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    corners = [(cx - 40, cy - 40), (cx + 40, cy - 40), (cx + 40, cy + 40), (cx - 40, cy + 40), (cx - 40, cy - 40)]
    for x, y in corners:
        page.mouse.click(x, y)
        page.wait_for_timeout(150)


def test_a_werksessie_from_start_to_export_and_back(chromium, demo_kaart_pad, tmp_path):
    with running(maak_app(demo_kaart_pad, tmp_path / "sessie.sqlite")) as url:
        fac_ctx, a_ctx, b_ctx = _context(chromium), _context(chromium), _context(chromium)
        fac = fac_ctx.new_page()
        fac.goto(f"{url}/werksessies/nieuw")
        fac.fill("#titel", "Buurtavond Centrum")
        fac.select_option("#fase", "ervaringsgegevens")
        fac.fill("#stippen", "3")
        fac.click("button[type=submit]")
        participant_link = fac.input_value("#link-deelnemer")
        assert re.fullmatch(rf"{re.escape(url)}/w/[a-z2-7]{{32}}", participant_link)
        fac.click("text=Naar de werksessie")

        a, b = a_ctx.new_page(), b_ctx.new_page()
        errors = []
        for page in (a, b, fac):
            page.on("pageerror", lambda err: errors.append(str(err)))
        a.goto(participant_link)
        b.goto(participant_link)
        assert re.fullmatch(rf"{re.escape(url)}/werksessies/\d+", a.url)  # the token left the address bar
        ws = int(a.url.rsplit("/", 1)[1])

        _draw_square(a)
        a.wait_for_selector("#annotatieformulier:not([hidden])")
        a.select_option("#categorie", "idee")
        a.fill("#tekst", EVIL)
        a.fill("#naam", "Bewonersgroep")
        a.click("#annotatieformulier button[type=submit]")
        a.wait_for_selector("#annotaties li[data-annotatie]")

        a.click("#annotaties li[data-annotatie] button:has-text('Geschiedenis')")
        assert "aangemaakt door u" in a.wait_for_selector("ol.geschiedenis:not([hidden]) li").text_content()

        # The other participant sees it within a few seconds, as text (the markup is not run).
        item = b.wait_for_selector("#annotaties li[data-annotatie]", timeout=10_000)
        assert item.query_selector(".tekst").text_content() == EVIL
        assert b.locator("#annotaties img").count() == 0 and b.title() != "1"
        assert b.locator("path.annotatie-idee").count() == 1  # drawn on b's map too
        b.click("#annotaties li[data-annotatie] button:has-text('Toon')")
        popup = b.wait_for_selector(".leaflet-popup-content .annotatie-popup")
        assert EVIL in popup.text_content() and popup.query_selector("img") is None

        # The facilitator moves on to prioritering: both pages follow within a poll; drawing closes, dots open.
        assert b.locator(".stip-erbij:visible").count() == 0
        fac.select_option("#in-fase", "prioritering")
        fac.click("#instellingen button[type=submit]")
        for page in (a, b):
            page.wait_for_function("() => document.getElementById('fase').textContent === 'Waarderen en prioriteren'",
                                   timeout=10_000)
        assert a.locator(".gereedschap button:visible").count() == 0 and "stippen zetten" in a.text_content("#open-nu")

        # Dots: b spends two on the annotation; the ranking shows them to everyone.
        plus = b.locator("#annotaties li[data-annotatie] .stip-erbij")
        plus.click()
        b.wait_for_function("() => document.querySelector('#stippen-over').textContent.includes('nog 2 van 3')")
        plus.click()
        b.wait_for_function("() => document.querySelector('#stippen-over').textContent.includes('nog 1 van 3')")
        fac.wait_for_selector("#ranglijst li:has-text('2 stippen van 1 deelnemer')", timeout=10_000)

        # The facilitator records an afspraak for a buurt of the kaart.
        namen = fac.eval_on_selector_all("#gebiedsnamen option", "opties => opties.map(o => o.value)")
        buurt = next(n for n in namen if "(" in n and "wijk," not in n and "gemeente" not in n)
        fac.fill("#af-gebiedsnaam", buurt)
        fac.fill("#af-wat", "Speeltuin opknappen met de bewoners")
        fac.fill("#af-partij-0", "Gemeente")
        fac.select_option("#af-rol-0", "meebeslissen")
        fac.click("#af-partij-erbij")
        fac.fill("#af-partij-1", "Bewonersgroep")
        fac.select_option("#af-rol-1", "co-creeren")
        fac.fill("#af-wanneer", "2027-05-01")
        fac.select_option("#af-indicator", "aandeel_65plus")
        fac.fill("#af-doelwaarde", "20")
        fac.fill("#af-doeljaar", "2030")
        fac.click("#afspraakformulier button[type=submit]")
        fac.wait_for_selector("#afspraken li:has-text('Speeltuin opknappen')")
        a.wait_for_selector("#afspraken li:has-text('Speeltuin opknappen')", timeout=10_000)
        fac.select_option("#afspraken li:has-text('Speeltuin opknappen') select", "lopend")
        a.wait_for_selector("#afspraken li:has-text('Speeltuin opknappen'):has-text('Status: lopend.')",
                            timeout=10_000)
        assert "uiterlijk 1 mei 2027" in a.text_content("#afspraken li")

        with fac.expect_download() as download:
            fac.click("text=GeoPackage")
        export = tmp_path / "export.gpkg"
        download.value.save_as(export)
        assert errors == []
        for context in (fac_ctx, a_ctx, b_ctx):
            context.close()

    with running(maak_app(demo_kaart_pad, tmp_path / "elders.sqlite")) as other:
        context = _context(chromium)
        page = context.new_page()
        page.goto(f"{other}/werksessies/importeer")
        page.set_input_files("#bestand", str(export))
        page.click("button[type=submit]")
        page.click("text=Naar de werksessie")
        item = page.wait_for_selector("#annotaties li[data-annotatie]")
        assert item.query_selector(".tekst").text_content() == EVIL
        assert item.query_selector(".naam").text_content() == " — Bewonersgroep"
        page.wait_for_selector("#ranglijst li:has-text('2 stippen van 1 deelnemer')")
        afspraak = page.wait_for_selector("#afspraken li:has-text('Speeltuin opknappen')").text_content()
        assert "Door Gemeente (meebeslissen) en Bewonersgroep (co-creëren)" in afspraak and "in 2030" in afspraak
        assert page.locator("path.annotatie-idee").count() == 1
        assert int(page.url.rsplit("/", 1)[1]) >= 1 and ws >= 1
        context.close()
