"""Every page of the route table on a phone (390 px) and a desktop (1280 px), in a real browser.

A page fails when it scrolls sideways, when a map control covers another or leaves the map, or when a
control a thumb must hit (button, select, text field, the map's zoom) is smaller than 44 px on the phone.
Each page is also written as a screenshot, at both widths, into ``KAART_SCHERMAFDRUKKEN`` (default: a
folder in the system's temporary directory), for a person to look at; they are not committed.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
import requests
from _browser import gesloten_pagina
from _server import running
from test_routes import ROUTES
from test_werksessies import maak_app, nieuwe_werksessie

pytestmark = pytest.mark.browser

TELEFOON = {"width": 390, "height": 844}
BUREAU = {"width": 1280, "height": 860}
DUIM = 44
"""The smallest touch target on a phone, in CSS pixels (WCAG 2.5.5)."""

SCHERMAFDRUKKEN = Path(os.environ.get("KAART_SCHERMAFDRUKKEN")
                       or Path(tempfile.gettempdir()) / "kaart-schermafdrukken")

# The tests' server runs without a werksessie cookie; these pages need one and are added below.
WERKSESSIE_PAGINAS = ("werksessie-facilitator", "werksessie-deelnemer", "werksessie-links")


def _paginas() -> list[tuple[str, str]]:
    """(endpoint, path) of every route-table page that answers with HTML: the good case, and a 404 page."""
    paginas = []
    for endpoint, cases in ROUTES.items():
        goed = [c for c in cases if len(c) == 2 and c[1] in (200, 302)]
        if not goed or endpoint.startswith(("static", "assets.", "api.")) or "export" in endpoint \
                or re.search(r"\.(csv|png|geojson|gpkg|json|pdf)", goed[0][0]) or "verklaar" in endpoint:
            continue
        paginas.append((endpoint, goed[0][0]))
    paginas.append(("foutpagina", "/gebied/BU00000000"))
    # The map of another year and the change map: their own selects, legend title and lines.
    paginas += [("kaart-jaar", "/?niveau=wijk&indicator=inwoners&jaar=2021"),
                ("kaart-verandering", "/?niveau=buurt&indicator=ind_aandeel_65plus&sinds=2020")]
    return paginas


PAGINAS = _paginas()


@pytest.fixture(scope="module")
def zaal(demo_kaart_pad, tmp_path_factory):
    """A server with a werksessie, and the links of its facilitator and participant."""
    db = tmp_path_factory.mktemp("schermen") / "werksessies.sqlite"
    with running(maak_app(demo_kaart_pad, db)) as url:
        facilitator, ws, links = nieuwe_werksessie(url)
        yield {"url": url, "ws": ws, "links": links}


def _open(chromium, zaal, naam: str, path: str, viewport: dict):
    context, page, fouten = gesloten_pagina(chromium, viewport, has_touch=viewport is TELEFOON,
                                            is_mobile=viewport is TELEFOON)
    url, ws = zaal["url"], zaal["ws"]
    if naam == "werksessie-links":
        page.goto(zaal["links"]["facilitator"])
        page.goto(f"{url}/werksessies/{ws}/links")
    elif naam.startswith("werksessie-"):
        page.goto(zaal["links"][naam.removeprefix("werksessie-")])
    else:
        page.goto(url + path)
    page.wait_for_load_state("networkidle")
    if page.locator(".leaflet-container").count():
        page.wait_for_selector(".leaflet-control-zoom-in")
        page.wait_for_timeout(300)
    return context, page, fouten


# The page's facts, measured in the browser: how wide it scrolls, the map controls' boxes, the small targets.
METEN = """() => {
  const doos = e => { const r = e.getBoundingClientRect(); return {x: r.left, y: r.top, w: r.width, h: r.height}; };
  const zichtbaar = e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none"; };
  const kaart = document.querySelector(".leaflet-container");
  const controls = [...document.querySelectorAll(".leaflet-control")].filter(zichtbaar)
    .map(e => ({naam: e.className.split(" ").filter(c => c !== "leaflet-control").join(" ")
               || e.tagName, ...doos(e)}));
  const doelen = [...document.querySelectorAll(
      "button, select, input:not([type=hidden]):not([type=checkbox]):not([type=radio]), "
      + ".leaflet-control-zoom a, .leaflet-control-layers-toggle, summary")]
    .filter(zichtbaar).filter(e => !e.closest(".leaflet-popup, .leaflet-tooltip"))
    .map(e => ({naam: (e.id ? "#" + e.id : "") + " " + e.tagName.toLowerCase() + " "
                + (e.getAttribute("aria-label") || e.textContent || e.name || "").trim().slice(0, 30), ...doos(e)}));
  const schuiven = [...document.querySelectorAll(".tabel-scroll")].filter(e => e.scrollWidth > e.clientWidth + 1)
    .map(e => e.getAttribute("aria-label") || e.className);
  return {breedte: document.documentElement.scrollWidth, kaart: kaart ? doos(kaart) : null, controls, doelen,
          schuiven};
}"""


def _overlap(a: dict, b: dict) -> bool:
    return a["x"] < b["x"] + b["w"] - 1 and b["x"] < a["x"] + a["w"] - 1 \
        and a["y"] < b["y"] + b["h"] - 1 and b["y"] < a["y"] + a["h"] - 1


def _binnen(a: dict, kaart: dict) -> bool:
    return a["x"] >= kaart["x"] - 1 and a["y"] >= kaart["y"] - 1 \
        and a["x"] + a["w"] <= kaart["x"] + kaart["w"] + 1 and a["y"] + a["h"] <= kaart["y"] + kaart["h"] + 1


def _problemen(feiten: dict, viewport: dict) -> list[str]:
    problemen = []
    if feiten["breedte"] > viewport["width"]:
        problemen.append(f"de pagina is {feiten['breedte']} px breed op een scherm van {viewport['width']} px")
    controls, kaart = feiten["controls"], feiten["kaart"]
    for i, a in enumerate(controls):
        if kaart and not _binnen(a, kaart):
            problemen.append(f"{a['naam']} steekt buiten de kaart uit")
        problemen += [f"{a['naam']} overlapt {b['naam']}" for b in controls[i + 1:] if _overlap(a, b)]
    if viewport is BUREAU:  # a table may scroll in its own box on a phone, not on a desktop
        problemen += [f"de tabel {t!r} schuift opzij op {viewport['width']} px" for t in feiten["schuiven"]]
    if viewport is TELEFOON:
        problemen += [f"{d['naam']!r} is {d['w']:.0f} x {d['h']:.0f} px, kleiner dan {DUIM} px"
                      for d in feiten["doelen"] if min(d["w"], d["h"]) < DUIM - 0.5]
    return problemen


@pytest.mark.parametrize("scherm", ["telefoon", "bureau"])
@pytest.mark.parametrize("naam,path", PAGINAS + [(n, "") for n in WERKSESSIE_PAGINAS],
                         ids=[n for n, _ in PAGINAS] + list(WERKSESSIE_PAGINAS))
def test_every_page_fits_the_screen_without_overlap(chromium, zaal, naam, path, scherm):
    viewport = TELEFOON if scherm == "telefoon" else BUREAU
    context, page, fouten = _open(chromium, zaal, naam, path, viewport)
    try:
        SCHERMAFDRUKKEN.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCHERMAFDRUKKEN / f"{naam}-{viewport['width']}.png", full_page=True)
        problemen = _problemen(page.evaluate(METEN), viewport)
        assert not problemen, "\n".join(problemen)
        assert fouten == []
    finally:
        context.close()


def test_the_table_lists_every_page_that_answers_html(site):
    """The pages above are the route table's HTML pages: a new page is measured without a change here."""
    for naam, path in PAGINAS:
        response = requests.get(site + path, timeout=30)
        assert response.headers["Content-Type"].startswith("text/html"), (naam, path)
    assert {"kaartpagina.index", "gebiedsprofiel.gebied", "ranglijst.drukpunten", "vergelijken.vergelijk",
            "locaties.locaties", "verdeling.verdeelsleutel", "zoeken.zoeken"} <= {n for n, _ in PAGINAS}
