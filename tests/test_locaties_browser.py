"""The locatiezoeker page in headless Chromium on a closed network: map, sliders, a click, uploaded kavels."""

from __future__ import annotations

import json

import pytest
from _browser import gesloten_pagina

from kaart.locatiezoeker import beoordeel, meet
from kaart.woonvormen import woonvorm

pytestmark = pytest.mark.browser


KANDIDATEN = ".kandidatenlijst > li.kandidaat"


@pytest.fixture(scope="module")
def site_config() -> dict:
    """The app as in production: measuring every woonvorm in the background at start-up, while the pages ask."""
    return {"LOCATIEZOEKER_VOORBEREIDEN": True}


def _pagina(chromium, breedte: int, hoogte: int):
    return gesloten_pagina(chromium, {"width": breedte, "height": hoogte})


@pytest.fixture
def page(chromium):
    context, pagina, fouten = _pagina(chromium, 1280, 900)
    yield pagina
    context.close()
    assert fouten == []


@pytest.fixture(params=[(1280, 900), (390, 844)], ids=["1280", "390"])
def elke_pagina(chromium, request):
    context, pagina, fouten = _pagina(chromium, *request.param)
    yield pagina
    context.close()
    assert fouten == []


def _kandidaten(pagina) -> int:
    return pagina.locator(".leaflet-overlay-pane path.leaflet-interactive").count()


def test_the_map_shows_suitability_and_every_candidate_of_the_table(page, site, demo_kaart):
    page.goto(f"{site}/locaties?profiel=domus", wait_until="load")
    page.wait_for_selector("img.geschiktheidsbeeld")
    assert page.evaluate("document.querySelector('img.geschiktheidsbeeld').naturalWidth") > 100
    rijen = page.locator(KANDIDATEN).count()
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
    assert page.locator(KANDIDATEN).count() == len(verwacht) == _kandidaten(page)
    assert verwacht.iloc[0]["beste_cel"] in page.locator(KANDIDATEN).first.inner_text()


def _in_beeld(pagina, selector: str) -> bool:
    return pagina.evaluate("""s => { const r = document.querySelector(s).getBoundingClientRect();
        return r.top >= 0 && r.top < innerHeight && r.left >= 0 && r.right <= innerWidth + 1; }""", selector)


def test_a_click_on_the_map_puts_a_marker_and_explains_that_spot_beside_the_map(elke_pagina, site):
    page = elke_pagina
    page.goto(f"{site}/locaties", wait_until="load")
    page.wait_for_selector("img.geschiktheidsbeeld")
    page.locator("#locatiekaart").scroll_into_view_if_needed()
    box = page.locator("#locatiekaart").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.5)
    page.wait_for_function("() => document.querySelector('#uitleg-plek h2').textContent.startsWith('Vierkant')")
    assert page.locator("path.klikmarker").count() == 1
    tekst = page.locator("#uitleg-plek").inner_text()
    assert "Score" in tekst or "Geen kandidaat" in tekst
    assert page.locator("#uitleg-plek table tbody tr").count() > 3  # criterion by criterion
    assert _in_beeld(page, "#uitleg-plek h2")
    kaart, uitleg = page.locator("#locatiekaart").bounding_box(), page.locator("#uitleg-plek").bounding_box()
    if page.viewport_size["width"] >= 1024:  # beside the map, not under the fold
        assert uitleg["x"] >= kaart["x"] + kaart["width"] - 1 and uitleg["y"] < kaart["y"] + kaart["height"] / 2
    # A second click moves the marker, it does not add one.
    page.locator("#locatiekaart").scroll_into_view_if_needed()
    box = page.locator("#locatiekaart").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.4)
    page.wait_for_function("() => !document.querySelector('#uitleg-plek h2').textContent.startsWith('Uitleg')")
    assert page.locator("path.klikmarker").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")


def test_a_gemeente_zooms_to_it_and_shows_the_regions_candidates_there_with_a_reason(elke_pagina, site, demo_kaart):
    page = elke_pagina
    w = woonvorm("skaeve-huse")
    m = meet(demo_kaart, w)
    regio = beoordeel(m, top=50).lijst
    gemeente = regio["gemeentecode"].value_counts().index[-1]  # the gemeente with the fewest candidates
    page.goto(f"{site}/locaties?profiel=skaeve-huse&top=10", wait_until="load")
    page.wait_for_selector("img.geschiktheidsbeeld")
    breed_regio = page.locator("img.geschiktheidsbeeld").bounding_box()["width"]
    page.select_option("#gemeente", gemeente)
    page.wait_for_url(f"**gemeente={gemeente}**")
    page.wait_for_selector("img.geschiktheidsbeeld")
    verwacht = regio[regio["gemeentecode"] == gemeente].head(10)
    kaartjes = page.locator(KANDIDATEN)
    assert kaartjes.count() == len(verwacht) > 0
    for i, cel in enumerate(verwacht["beste_cel"]):
        assert cel in kaartjes.nth(i).inner_text()
    naam = demo_kaart.gebieden["gemeente"].loc[gemeente, "naam"]
    if len(verwacht) < 10:
        melding = page.locator(".melding.tekort").inner_text()
        assert f"in {naam}" in melding and "gevraagd waren er 10" in melding
    # The map zooms to the gemeente: the region's suitability image is drawn larger than before.
    assert page.locator("img.geschiktheidsbeeld").bounding_box()["width"] > breed_regio * 1.2
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")


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
    page.wait_for_selector(KANDIDATEN)
    assert "gewicht_rust=3" in page.url and page.input_value("#gewicht_rust") == "3"  # the settings came along
    tabel = page.locator(".kandidatenlijst").inner_text()
    assert "Naast de school" in tabel and "valt af" in tabel and kwaad in tabel
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
    assert page.locator(KANDIDATEN).count() <= 5
