"""The locatiezoeker page in headless Chromium on a closed network: map, sliders, a click, uploaded kavels."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from kaart.locatiezoeker import beoordeel, meet
from kaart.woonvormen import woonvorm

pytestmark = pytest.mark.browser


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    context.route("**/*", lambda route: route.continue_() if urlsplit(route.request.url).hostname == "127.0.0.1"
                  else route.abort())
    pagina = context.new_page()
    fouten: list[str] = []
    pagina.on("pageerror", lambda err: fouten.append(str(err)))
    yield pagina
    context.close()
    assert fouten == []


def _kandidaten(pagina) -> int:
    return pagina.locator(".leaflet-overlay-pane path.leaflet-interactive").count()


def test_the_map_shows_suitability_and_every_candidate_of_the_table(page, site, demo_kaart):
    page.goto(f"{site}/locaties?profiel=domus", wait_until="load")
    page.wait_for_selector("img.geschiktheidsbeeld")
    assert page.evaluate("document.querySelector('img.geschiktheidsbeeld').naturalWidth") > 100
    rijen = page.locator("table.kandidaten tbody tr").count()
    verwacht = len(beoordeel(meet(demo_kaart, woonvorm("domus"))).lijst)
    assert rijen == verwacht > 0
    assert _kandidaten(page) == verwacht
    assert page.locator(".kandidaatnummer").first.inner_text() == "1"
    page.screenshot(path="/tmp/locaties.png", full_page=False)


def test_a_slider_recomputes_on_the_server_and_keeps_the_view(page, site, demo_kaart):
    page.goto(f"{site}/locaties?profiel=domus", wait_until="load")
    page.wait_for_selector("img.geschiktheidsbeeld")
    voor = page.locator("table.overzicht tbody tr").first.inner_text()
    page.evaluate("""() => { const s = document.getElementById('afstand_scholen');
                            s.value = 2000; s.dispatchEvent(new Event('input', {bubbles: true})); }""")
    page.wait_for_function("() => location.search.includes('afstand_scholen=2000')")
    na = page.locator("table.overzicht tbody tr").first.inner_text()
    assert voor != na and "2.000 m" in na
    assert page.locator("#uit_afstand_scholen").inner_text() == "2.000"
    w = woonvorm("domus")
    verwacht = beoordeel(meet(demo_kaart, w), w.met(afstanden={"scholen": 2000})).lijst
    assert page.locator("table.kandidaten tbody tr").count() == len(verwacht) == _kandidaten(page)
    assert verwacht.iloc[0]["beste_cel"] in page.locator("table.kandidaten tbody tr").first.inner_text()


def test_a_click_on_the_map_explains_that_spot(page, site):
    page.goto(f"{site}/locaties", wait_until="load")
    page.wait_for_selector("img.geschiktheidsbeeld")
    box = page.locator("#locatiekaart").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.5)
    page.wait_for_function("() => document.getElementById('uitleg-plek').textContent.startsWith('Vierkant')")
    tekst = page.locator("#uitleg-plek").inner_text()
    assert "score" in tekst or "geen kandidaat" in tekst


def test_uploaded_kavels_are_scored_and_their_names_stay_text(page, site, demo_kaart, tmp_path):
    school = demo_kaart.extra["voorzieningen"].query("categorie == 'school'").to_crs("EPSG:4326").geometry.iloc[0]
    rustig = beoordeel(meet(demo_kaart, woonvorm("skaeve-huse"))).lijst.to_crs("EPSG:4326")
    rustig = rustig.geometry.iloc[0].representative_point()
    kwaad = '<img src=x onerror="document.body.dataset.xss=1">'
    pad = tmp_path / "kavels.geojson"
    pad.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"naam": "Naast de school"},
         "geometry": {"type": "Point", "coordinates": [school.x, school.y]}},
        {"type": "Feature", "properties": {"naam": kwaad},
         "geometry": {"type": "Point", "coordinates": [rustig.x, rustig.y]}}]}), encoding="utf-8")
    page.goto(f"{site}/locaties?profiel=skaeve-huse&basis=skaeve-huse&gewicht_rust=3", wait_until="load")
    page.set_input_files("#bestand", str(pad))
    page.click("section.kavels button[type=submit]")
    page.wait_for_selector("table.kandidaten")
    assert "gewicht_rust=3" in page.url and page.input_value("#gewicht_rust") == "3"  # the settings came along
    tabel = page.locator("table.kandidaten tbody").inner_text()
    assert "Naast de school" in tabel and "Valt af" in tabel and kwaad in tabel
    assert page.locator(".kandidaatnummer").count() == 2
    assert kwaad in page.locator(".kandidaatnummer").all_inner_texts()[0]
    assert page.evaluate("document.body.dataset.xss") is None
    assert page.locator("main img[src=x]").count() == 0


def test_a_refresh_the_server_refuses_says_the_results_are_old(page, site):
    page.goto(f"{site}/locaties?profiel=domus", wait_until="load")
    page.wait_for_selector("img.geschiktheidsbeeld")
    page.fill("#top", "60")  # above the maximum of 50: the server answers 400
    page.wait_for_selector("#verversfout:not([hidden])")
    assert "vorige uitkomst" in page.locator("#verversfout").inner_text()
    assert "verouderd" in page.get_attribute("#resultaat", "class")
    page.fill("#top", "5")
    page.wait_for_selector("#verversfout[hidden]", state="attached")
    assert "verouderd" not in page.get_attribute("#resultaat", "class")
    assert page.locator("table.kandidaten tbody tr").count() <= 5
