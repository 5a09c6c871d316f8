"""A werksessie on a phone (390 px, a real browser): a participant finds their buurt by name on the map,
draws inside it with a labelled tool, another participant sees it appear, and the facilitator's phase
change reaches both pages; the buttons are big enough for a thumb, and a point outside the region is
refused while drawing, before anything is sent."""

from __future__ import annotations

import pytest
from _server import running
from test_werksessies import maak_app, nieuwe_werksessie

TELEFOON = {"width": 390, "height": 844}


def _telefoon(chromium):
    context = chromium.new_context(viewport=TELEFOON, locale="nl-NL", has_touch=True, is_mobile=True)
    context.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url else route.abort())
    return context


@pytest.fixture
def kamer(chromium, demo_kaart_pad, tmp_path):
    with running(maak_app(demo_kaart_pad, tmp_path / "telefoon.sqlite")) as url:
        facilitator, ws, links = nieuwe_werksessie(url, stippen="3")
        contexts = [_telefoon(chromium), _telefoon(chromium)]
        a, b = (c.new_page() for c in contexts)
        fouten: list[str] = []
        for page in (a, b):
            page.on("pageerror", lambda err: fouten.append(str(err)))
            page.goto(links["deelnemer"])
            page.wait_for_selector("#gebiedsnamen option", state="attached")
        yield {"url": url, "ws": ws, "facilitator": facilitator, "a": a, "b": b, "fouten": fouten}
        for context in contexts:
            context.close()


def test_a_participant_finds_their_buurt_draws_in_it_and_the_room_follows(kamer, demo_kaart):
    a, b, ws = kamer["a"], kamer["b"], kamer["ws"]
    buurten = demo_kaart.gebieden["buurt"]
    code = buurten.index[7]
    naam, gemeente = buurten.at[code, "naam"], buurten.at[code, "gemeentenaam"]
    a.fill("#zoek-gebied", f"{naam} ({gemeente})")
    a.dispatch_event("#zoek-gebied", "change")
    a.wait_for_function("() => document.getElementById('zoekmelding').textContent.includes('in beeld')")
    a.wait_for_timeout(600)  # the map's zoom animation

    a.click(".gereedschap button:has-text('Vlak')")  # a labelled tool, not an icon
    box = a.locator("#kaart").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for x, y in [(cx - 12, cy - 12), (cx + 12, cy - 12), (cx + 12, cy + 12), (cx - 12, cy + 12)]:
        a.mouse.click(x, y)
        a.wait_for_timeout(150)
    a.click("#teken-klaar")
    a.wait_for_selector("#annotatieformulier:not([hidden])")
    a.fill("#tekst", "Hier is het 's avonds te donker")
    a.click("#annotatieformulier button[type=submit]")
    a.wait_for_selector("#annotaties li[data-annotatie]")

    item = b.wait_for_selector("#annotaties li[data-annotatie]", timeout=10_000)  # the other phone, by polling
    assert item.query_selector(".tekst").text_content() == "Hier is het 's avonds te donker"
    stored = kamer["facilitator"].api("GET", ws, "annotaties").json()["annotaties"]
    assert [x["buurten"] for x in stored] == [[code]]  # drawn inside the buurt found by name

    assert kamer["facilitator"].api("POST", ws, "instellingen", {"fase": "prioritering"}).ok
    for page in (a, b):
        page.wait_for_function("() => document.getElementById('fase').textContent === 'Waarderen en prioriteren'",
                               timeout=10_000)
        assert page.locator(".gereedschap button:visible").count() == 0  # drawing closed, dots open
        page.wait_for_selector("#annotaties .stip-erbij", state="visible")
    assert kamer["fouten"] == []


def test_buttons_are_big_enough_for_a_thumb_and_nothing_overflows(kamer):
    a = kamer["a"]
    assert kamer["facilitator"].api("POST", kamer["ws"], "instellingen", {"open": {"stemmen": True}}).ok
    a.wait_for_selector("#drukpunten .stippen button", state="visible", timeout=10_000)
    for selector in (".gereedschap button", "#zoek-gebied", "#drukpunten .stippen button"):
        for doos in [e.bounding_box() for e in a.query_selector_all(selector)]:
            assert doos["width"] >= 44 and doos["height"] >= 44, (selector, doos)
    assert a.evaluate("() => document.documentElement.scrollWidth") <= TELEFOON["width"]
    kaart = a.locator("#kaart").bounding_box()
    assert kaart["width"] >= 340 and kaart["height"] >= 300  # the map first, at a usable size


def test_a_point_outside_the_region_is_refused_while_drawing_and_nothing_is_sent(kamer):
    a = kamer["a"]
    for _ in range(4):
        a.click(".leaflet-control-zoom-out")
        a.wait_for_timeout(300)
    verzonden: list[str] = []
    a.on("request", lambda r: verzonden.append(r.url) if r.method == "POST" else None)
    a.click(".gereedschap button:has-text('Punt')")
    box = a.locator("#kaart").bounding_box()
    a.mouse.click(box["x"] + 25, box["y"] + box["height"] / 2)  # far west of the region
    melding = a.wait_for_selector("#tekenmelding:not([hidden])")
    assert "buiten de regio" in melding.text_content()
    assert a.locator("#annotatieformulier").is_hidden() and verzonden == []
