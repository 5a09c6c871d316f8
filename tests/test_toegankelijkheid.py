"""WCAG 2.1 AA in a real browser: axe-core (from npm, served by nobody but the test) checks every kind of page.

Dutch government sites must meet WCAG 2.1 AA. axe-core finds what a machine
can find (contrast, labels, names of links and buttons, table headers,
landmarks, language); keyboard use of the map is tested in test_browser.py.
"""

from __future__ import annotations

import pytest
from _server import running

from webapp import assets

pytestmark = pytest.mark.browser

AXE = assets.NODE_MODULES / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _violations(chromium, url: str, voorbereiding=None) -> list[str]:
    """axe-core's WCAG 2.1 AA violations on the page at ``url`` (after ``voorbereiding(page)``, if given)."""
    # The test's own axe-core is an inline script the pages' Content-Security-Policy would (rightly) refuse.
    context = chromium.new_context(locale="nl-NL", bypass_csp=True)
    # Only the local server answers: basemap tiles fail, as on a closed municipal network.
    context.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url else route.abort())
    page = context.new_page()
    try:
        if voorbereiding:
            voorbereiding(page)
        page.goto(url, wait_until="load")
        page.wait_for_timeout(500)  # scripts fill lists after load
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA)
    finally:
        context.close()
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]]


@pytest.mark.parametrize("path", [
    "/?niveau=buurt&indicator=drukpuntscore",
    "/?niveau=gemeente&indicator=inwoners",
    "/gebied/BU99010005",
    "/gebied/GM9901",
    "/vergelijk?code=BU99010005&code=BU99010002&code=GM9901",
    "/zoek?q=buurt",
    "/drukpunten?profiel=gezinnen&basis=gezinnen&gewicht_aandeel_65plus=2",
    "/verdeelsleutel?aantal=50&jaren=3&correctie=0.5",
    "/locaties?profiel=domus",
    "/bestaat-niet",
])
def test_pages_meet_wcag_21_aa(chromium, site, path):
    assert AXE.exists(), f"{AXE} is missing: run 'make assets'"
    assert _violations(chromium, site + path) == []


def test_werksessie_pages_meet_wcag_21_aa(chromium, demo_kaart_pad, tmp_path):
    from test_werksessies import maak_app

    with running(maak_app(demo_kaart_pad, tmp_path / "a11y.sqlite")) as url:
        assert _violations(chromium, f"{url}/werksessies/nieuw") == []
        assert _violations(chromium, f"{url}/werksessies/importeer") == []

        def als_facilitator(page):
            page.goto(f"{url}/werksessies/nieuw")
            page.fill("#titel", "Toegankelijk")
            page.click("button[type=submit]")
            page.goto(f"{url}/werksessies/1")
            assert page.locator("#kaart.leaflet-container").count() == 1  # the facilitator's page, map drawn
            assert page.locator("#instellingen").count() == 1

        assert _violations(chromium, f"{url}/werksessies/1", als_facilitator) == []
