"""The kaart page in headless Chromium, on a closed network: only 127.0.0.1 answers.

Every request to another host is blocked, as on a municipal network that blocks
CDNs, so the basemap tiles fail; the map, its legend and its tooltips must work
without them. Uses Debian's /usr/bin/chromium (never ``playwright install``);
without it the tests skip, or fail when the CI environment variable is set.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import pytest
from _browser import wijs_aan
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from _server import running

from webapp import create_app

pytestmark = pytest.mark.browser

SCREENSHOT = Path("/tmp/kaart.png")


@pytest.fixture(scope="module")
def browser(chromium):
    """Debian's chromium (see conftest)."""
    return chromium


class ClosedNetworkPage:
    """A page whose requests reach 127.0.0.1 only, recording what went wrong."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="nl-NL")
        self.blocked: list[str] = []
        self.local_failures: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda err: self.errors.append(str(err)))
        self.page.on("response", self._response)

    def _route(self, route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def _response(self, response):
        if response.status >= 400:
            self.local_failures.append(f"{response.status} {response.url}")

    def open(self, url: str):
        self.page.goto(url, wait_until="load")
        self.page.wait_for_selector(".leaflet-overlay-pane path.leaflet-interactive")
        return self.page


@pytest.fixture
def closed(browser):
    page = ClosedNetworkPage(browser)
    yield page
    page.context.close()


def _areas_with_geometry(frame) -> int:
    return int((frame.geometry.notna() & ~frame.geometry.is_empty).sum())


@pytest.mark.parametrize("niveau", ["gemeente", "wijk", "buurt"])
def test_map_draws_every_area_without_internet(closed, site, demo_kaart, niveau):
    page = closed.open(f"{site}/?niveau={niveau}&indicator=inwoners")
    assert page.evaluate("typeof window.L") == "object"
    filled = page.locator(".leaflet-overlay-pane path.leaflet-interactive").evaluate_all(
        "paths => paths.filter(p => (p.getAttribute('fill') || 'none') !== 'none').length")
    assert filled == _areas_with_geometry(demo_kaart.gebieden[niveau])
    legend = page.locator(".legend.leaflet-control svg")
    assert legend.is_visible()
    assert page.locator(".legenda-titel").inner_text() == "Aantal inwoners"
    assert page.locator(".legenda-geen-gegevens .bron").inner_text() == "Bron: fictieve voorbeeldgegevens (2023)"
    assert page.locator(".melding.fictief").is_visible()
    assert closed.errors == []
    assert closed.local_failures == []
    assert any("service.pdok.nl" in url for url in closed.blocked)  # the tiles really were unreachable
    if niveau == "buurt":
        page.screenshot(path=str(SCREENSHOT))


def test_legend_numbers_are_dutch(closed, site):
    page = closed.open(f"{site}/?niveau=buurt&indicator=inwoners")
    ticks = page.locator(".legend.leaflet-control .tick text").all_text_contents()
    assert any("." in tick for tick in ticks), ticks  # thousands separator: 1.234, not 1,234
    assert not any("," in tick for tick in ticks), ticks


def test_missing_values_have_their_own_legend_line(closed, site):
    page = closed.open(f"{site}/?niveau=buurt&indicator=inwoners")  # the water-only buurt has no figures
    assert page.locator(".legenda-geen-gegevens .regel").first.inner_text().strip() == "geen gegevens"


def _open_buurt(demo_kaart):
    """The inhabited buurt farthest from any voorziening (no marker covers it), and a point inside it (lat/lon)."""
    buurten = demo_kaart.gebieden["buurt"]
    buurten = buurten[buurten["inwoners"].notna()]
    punten = demo_kaart.extra["voorzieningen"].geometry.union_all()
    binnen = buurten.geometry.representative_point()
    code = binnen.distance(punten).idxmax()
    return buurten.loc[code], binnen.to_crs("EPSG:4326").loc[code]


def _screen_point(page, punt) -> tuple[float, float]:
    """Where a lat/lon point lies on the page."""
    return page.evaluate(
        """([lat, lon]) => {
            const map = Object.values(window).find(v => v instanceof L.Map);
            const p = map.latLngToContainerPoint([lat, lon]);
            const box = map.getContainer().getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""",
        [punt.y, punt.x],
    )


def _tooltip_of_open_buurt(closed, site, demo_kaart):
    """Hover the open buurt on the inhabitants map: the buurt, the page and its visible tooltip."""
    buurt, punt = _open_buurt(demo_kaart)
    page = closed.open(f"{site}/?niveau=buurt&indicator=inwoners")
    x, y = _screen_point(page, punt)
    wijs_aan(page, x, y)
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for(state="visible")
    return buurt, page, tooltip


def test_hovering_an_area_shows_its_tooltip(closed, site, demo_kaart):
    buurt, page, tooltip = _tooltip_of_open_buurt(closed, site, demo_kaart)
    text = tooltip.inner_text()
    assert buurt["naam"] in text
    assert buurt["gemeentenaam"] in text
    assert f"{int(buurt['inwoners']):,} inwoners".replace(",", ".") in text
    gemeente = demo_kaart.gebieden["gemeente"].loc[buurt["gemeentecode"], "inwoners"]
    assert f"{buurt['gemeentenaam']}: {int(gemeente):,} inwoners".replace(",", ".") in text  # the reference
    assert closed.errors == []


def test_voorzieningen_cluster_and_open_a_popup(closed, site):
    page = closed.open(f"{site}/")
    clusters = page.locator(".leaflet-marker-pane .vz-cluster")
    markers = page.locator(".leaflet-marker-pane .vz-marker")
    assert clusters.count() + markers.count() > 0
    # Zoom in until a single marker shows, then open its popup.
    for _ in range(12):
        if markers.count():
            break
        clusters.first.click()
        # Leaflet animates the zoom; on a busy machine that takes a while.
        page.wait_for_function("() => !document.querySelector('.leaflet-zoom-anim')", timeout=10_000)
        page.wait_for_timeout(300)
    assert markers.count(), "no single facility marker after zooming into the clusters"
    # The clusters fade their markers in and out after the zoom (``leaflet-cluster-anim``); a marker clicked
    # while it is being replaced opens nothing. Click once they are still, and again as a hand would.
    page.wait_for_function("() => !document.querySelector('.leaflet-cluster-anim, .leaflet-zoom-anim')",
                           timeout=10_000)
    popup = page.locator(".leaflet-popup-content")
    for _ in range(3):
        markers.first.click()
        try:
            popup.wait_for(state="visible", timeout=5_000)
            break
        except PlaywrightTimeout:
            page.wait_for_timeout(500)
    assert popup.is_visible(), "a click on a facility marker opened no popup"
    assert "(fictief)" in popup.inner_text()
    assert closed.errors == []


def test_each_facility_category_is_a_layer_with_its_symbol_in_the_legend(closed, site, demo_kaart):
    page = closed.open(f"{site}/")
    per = demo_kaart.extra["voorzieningen"].groupby("categorie").size()
    legend = page.locator(".legenda-voorzieningen").inner_text()
    assert "Huisartsenpraktijk (" + str(per["huisarts"]) + ")" in legend
    assert page.locator(".legenda-voorzieningen .vz-symbool").count() == len(per)
    page.hover(".leaflet-control-layers")  # folded to an icon, it opens under the pointer (or a tap)
    overlays = page.locator(".leaflet-control-layers-overlays label")
    facility_layers = [i for i in range(overlays.count()) 
                       if re.search(r"\(\d+\)$", overlays.nth(i).inner_text().strip())]
    assert len(facility_layers) == len(per)
    symbols = page.locator(".leaflet-marker-pane .vz-marker, .leaflet-marker-pane .vz-cluster")
    assert symbols.count() > 0
    for i in facility_layers:  # switch every facility layer off: nothing of them stays on the map
        overlays.nth(i).locator("input").uncheck()
    assert symbols.count() == 0
    huisartsen = next(i for i in facility_layers if "Huisartsenpraktijken" in overlays.nth(i).inner_text())
    overlays.nth(huisartsen).locator("input").check()
    assert symbols.count() > 0
    assert page.locator(".leaflet-marker-pane .vz-marker.vz-apotheek").count() == 0
    assert closed.errors == []


def test_clicking_a_buurt_opens_its_profile(closed, site, demo_kaart):
    buurt, punt = _open_buurt(demo_kaart)
    page = closed.open(f"{site}/?niveau=buurt&indicator=drukpuntscore")
    x, y = _screen_point(page, punt)
    page.mouse.click(x, y)
    link = page.locator(".leaflet-popup-content a.naar-profiel")
    link.wait_for(state="visible")
    link.click()
    page.wait_for_url(f"**/gebied/{buurt.name}")
    assert page.locator("h2").inner_text().startswith(buurt["naam"])
    assert closed.errors == []


def test_search_finds_a_buurt_by_name(closed, site, demo_kaart):
    namen = pd.concat([f["naam"] for f in demo_kaart.gebieden.values()])
    uniek = namen[~namen.duplicated(keep=False) & namen.index.str.startswith("BU")]
    code, naam = uniek.index[0], uniek.iloc[0]
    page = closed.open(f"{site}/")
    page.get_by_label("Zoek gebied").fill(naam)
    page.get_by_role("button", name="Zoeken").click()
    page.wait_for_url(f"**/gebied/{code}")
    assert page.locator("h2").inner_text().startswith(naam)
    assert closed.errors == []


def test_the_table_view_opens_from_the_keyboard(closed, site, demo_kaart):
    page = closed.open(f"{site}/?niveau=buurt&indicator=inwoners")
    summary = page.locator(".tabelweergave summary")
    summary.focus()
    page.keyboard.press("Enter")
    rows = page.locator(".tabelweergave tbody tr")
    rows.first.wait_for(state="visible")
    assert rows.count() == len(demo_kaart.gebieden["buurt"])
    assert closed.errors == []


def test_the_view_is_kept_in_the_address_so_a_link_reproduces_it(closed, site, demo_kaart):
    centre = demo_kaart.gebieden["gemeente"].to_crs("EPSG:4326").geometry.union_all().centroid
    lat, lon = round(centre.y, 5), round(centre.x, 5)
    page = closed.open(f"{site}/?niveau=wijk&indicator=inwoners#13/{lat:.5f}/{lon:.5f}")
    view = page.evaluate("""() => {
        const map = Object.values(window).find(v => v instanceof L.Map);
        return [map.getZoom(), map.getCenter().lat, map.getCenter().lng];
    }""")
    assert view[0] == 13 and abs(view[1] - lat) < 1e-4 and abs(view[2] - lon) < 1e-4
    page.evaluate("""([lat, lon]) => {
        const map = Object.values(window).find(v => v instanceof L.Map);
        map.setView([lat, lon], 12, {animate: false});
    }""", [lat + 0.01, lon + 0.01])
    expected = f"#12/{lat + 0.01:.5f}/{lon + 0.01:.5f}"
    page.wait_for_function(f"() => window.location.hash === '{expected}'")
    # Choosing another indicator keeps the view.
    assert page.locator("form.keuze").first.evaluate("f => f.action").endswith(expected)
    assert closed.errors == []


def test_the_browser_shows_values_as_the_server_formats_them(closed, site, demo_kaart):
    """The tooltips show the server's Dutch text (the table, profile and CSV are Python too): they agree,
    and the browser has no formatter of its own."""
    from kaart.variabelen import variabelen
    from kaart.getallen import weergave

    buurt, page, tooltip = _tooltip_of_open_buurt(closed, site, demo_kaart)
    kolom = variabelen()["inwoners"]
    gemeente = demo_kaart.gebieden["gemeente"].loc[buurt["gemeentecode"]]
    text = tooltip.inner_text()
    assert weergave(buurt["inwoners"], kolom.eenheid) in text
    assert f"{buurt['gemeentenaam']}: {weergave(gemeente['inwoners'], kolom.eenheid)}" in text
    assert page.evaluate("typeof KaartGebieden.formatteer") == "undefined"
    assert closed.errors == []


def test_names_in_tooltips_and_popups_are_text_not_markup(browser, tmp_path, demo_kaart):
    import copy

    from kaart.kaartbestand import write_kaart

    kaart = copy.deepcopy(demo_kaart)
    buurt, punt = _open_buurt(kaart)
    evil = '<img src=x onerror="document.title=1">Kwaadwijk'
    kaart.gebieden["buurt"].loc[buurt.name, "naam"] = evil
    with running(create_app({"KAART_PAD": write_kaart(kaart, tmp_path / "kwaad.gpkg")},
                            instance_path=tmp_path / "instance")) as url:
        closed = ClosedNetworkPage(browser)
        page = closed.open(f"{url}/?niveau=buurt&indicator=inwoners")
        x, y = _screen_point(page, punt)
        wijs_aan(page, x, y)
        tooltip = page.locator(".leaflet-tooltip")
        tooltip.wait_for(state="visible")
        assert evil in tooltip.inner_text() and tooltip.locator("img").count() == 0
        page.mouse.click(x, y)
        link = page.locator(".leaflet-popup-content a.naar-profiel")
        assert link.inner_text() == f"Gebiedsprofiel van {evil}"
        assert page.title() != "1" and closed.errors == []
        closed.context.close()


def test_zooming_in_fetches_finer_areas_from_the_api(closed, site):
    page = closed.open(f"{site}/?niveau=buurt&indicator=inwoners")
    asked = []
    page.on("request", lambda r: asked.append(r.url) if "/api/v1/gebieden/" in r.url else None)
    start = page.evaluate("() => Object.values(window).find(v => v instanceof L.Map).getZoom()")
    page.evaluate("() => Object.values(window).find(v => v instanceof L.Map).setZoom(14, {animate: false})")
    page.wait_for_function("() => true")
    page.wait_for_timeout(800)
    assert any("zoom=14" in u for u in asked), (start, asked)
    assert page.locator(".leaflet-overlay-pane path.leaflet-interactive").count() > 0
    assert closed.errors == [] and closed.local_failures == []


def test_the_legend_marks_the_drukpunt_threshold_and_explains_the_outlines(closed, site, demo_kaart):
    """On the drukpunt score the threshold is a class break with its own tick, the legend says what the thick
    outline means, and no two tick labels run into each other."""
    page = closed.open(f"{site}/?niveau=buurt")  # opens on the drukpunt score
    assert page.locator(".legenda-titel").inner_text() == "Drukpuntscore"
    ticks = page.locator(".legend.leaflet-control .tick text")
    assert "1" in ticks.all_text_contents(), ticks.all_text_contents()  # the threshold, as its tick reads
    dozen = sorted((b["x"], b["x"] + b["width"]) for b in (t.bounding_box() for t in ticks.all()))
    assert all(a[1] <= b[0] for a, b in zip(dozen, dozen[1:])), dozen
    if demo_kaart.gebieden["buurt"]["drukpunt"].any():
        assert "dikke rand: drukpunt" in page.locator(".legenda-geen-gegevens").inner_text()
