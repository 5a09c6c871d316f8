"""The map of another year (``/?jaar=``) and the change map (``/?sinds=``), over real HTTP and in Chromium, on a
kaart of several years: the demo with 2020-2022 of a few figures drifting per area, one wijk estimated in 2020.

The change view must draw: every area filled from the diverging palette or grey, the legend saying what the
difference means; bad years are refused in Dutch; the API serves the same years and changes.
"""

from __future__ import annotations

import copy
import re

import numpy as np
import pandas as pd
import pytest
import requests
from _browser import gesloten_pagina, wijs_aan
from _server import running
from test_api import _validate

from kaart import reeksen, verandering
from kaart.getallen import weergave
from kaart.harmonisatie import GESCHAT
from kaart.kaartbestand import write_kaart
from webapp import create_app
from webapp.choropleth import DRUK_KLEUREN, NO_DATA_COLOUR
from webapp.errors import InvalidChoice
from webapp.tijdkeuze import Tijd, tijdkeuze

JAREN = (2020, 2021, 2022)
KOLOMMEN = ["inwoners", "pct_65plus", "ind_aandeel_65plus"]
INDICATOR = "ind_aandeel_65plus"
"""A share whose rise means more pressure (richting meer): its change map is red where it rose."""


def _meerjarig(demo_eenjarig):
    """The one-year demo kaart with JAREN of KOLOMMEN at every level: each area drifts its own way (up to ±10% over
    three years), the first wijk is estimated in 2020 and the first inhabited buurt has no 2020."""
    kaart = copy.deepcopy(demo_eenjarig)
    for niveau, frame in kaart.gebieden.items():
        basis = frame[KOLOMMEN].astype(float)
        drift = pd.Series(np.linspace(-0.1, 0.1, len(frame)), index=frame.index).sample(frac=1, random_state=3)
        for jaar in JAREN:
            waarden = basis.mul(1 + drift * (jaar - kaart.jaar) / 3, axis=0)
            status = pd.DataFrame(reeksen.OFFICIEEL, index=waarden.index, columns=waarden.columns)
            if niveau == "wijk" and jaar == 2020:
                status.iloc[0] = GESCHAT
            if niveau == "buurt" and jaar == 2020:
                waarden.loc[basis["inwoners"].first_valid_index()] = np.nan
            reeksen.voeg_toe(kaart, niveau, jaar, waarden, status)
    return kaart


@pytest.fixture(scope="module")
def kaart(demo_eenjarig):
    return _meerjarig(demo_eenjarig)


@pytest.fixture(scope="module")
def server(kaart, tmp_path_factory):
    pad = write_kaart(kaart, tmp_path_factory.mktemp("jaren") / "jaren.gpkg")
    app = create_app({"KAART_PAD": pad, "LOCATIESERVER_URL": ""}, instance_path=tmp_path_factory.mktemp("inst"))
    with running(app) as url:
        yield url


def _get(url: str, status: int = 200) -> requests.Response:
    response = requests.get(url, timeout=180)
    assert response.status_code == status, response.text[:300]
    return response


def _tabel(pagina: str) -> dict[str, str]:
    """The table view's last cell per area code."""
    return {code: cel for code, cel in re.findall(r"<tr><td>(\w+)</td>.*?<td class=\"waarde\">([^<]*)</td></tr>",
                                                   pagina)}


def test_the_map_of_a_year_shows_that_years_figures_on_todays_areas(server, kaart):
    pagina = _get(f"{server}/?niveau=wijk&indicator=inwoners&jaar=2021").text
    assert re.search(r'<option value="2021" selected>2021</option>', pagina)
    assert "Waarde 2021" in pagina
    toen = reeksen.in_jaar(kaart, 2021).gebieden["wijk"]
    cellen = _tabel(pagina)
    assert set(cellen) == set(kaart.gebieden["wijk"].index)
    assert all(cellen[code] == weergave(toen.at[code, "inwoners"], "inwoners") for code in cellen)
    assert any(cellen[c] != weergave(kaart.gebieden["wijk"].at[c, "inwoners"], "inwoners") for c in cellen)
    # Only what that year has is offered: the drukpunt score is today's.
    assert 'value="drukpuntscore"' not in pagina


def test_the_change_map_shows_the_difference_per_area(server, kaart):
    pagina = _get(f"{server}/?niveau=wijk&indicator={INDICATOR}&sinds=2020").text
    assert f"Verschil 2020–{kaart.jaar}" in pagina
    assert re.search(r'<option value="2020" selected>2020</option>', pagina)
    verschil = verandering.verschil(kaart, "wijk", INDICATOR, 2020, kaart.jaar, "%")
    cellen = _tabel(pagina)
    for code, cel in cellen.items():
        assert cel == verandering.verschiltekst(verschil.at[code, "verschil"], "%", verschil.at[code, "status"])
    geschat = kaart.gebieden["wijk"].index[0]
    assert cellen[geschat].endswith("procentpunt (geschat)")
    assert {c[0] for c in cellen.values()} >= {"+", "-"}  # some rose, some fell


def test_a_change_between_two_older_years_and_its_csv(server, kaart):
    pagina = _get(f"{server}/?niveau=gemeente&indicator=inwoners&jaar=2022&sinds=2021").text
    assert "Verschil 2021–2022" in pagina
    csv = _get(f"{server}/export.csv?niveau=gemeente&indicator=inwoners&jaar=2022&sinds=2021").content.decode("utf-8-sig")
    kop, *rijen = csv.splitlines()
    assert "Aantal inwoners 2021;Aantal inwoners 2022;verschil 2021-2022 (inwoners);status verschil" in kop
    assert ";2021 en 2022;" in rijen[0] and len(rijen) == len(kaart.gebieden["gemeente"])


@pytest.mark.parametrize("query, woorden", [
    ("jaar=1999", "geen cijfers van 1999"),
    ("jaar=twintig", "‘twintig’ is geen jaartal"),
    ("sinds=2023", "moet vóór het getoonde jaar (2023) liggen"),
    ("jaar=2020&sinds=2021", "moet vóór het getoonde jaar (2020) liggen"),
    ("sinds=1.5", "geen jaartal"),
    ("jaar=2020&indicator=drukpuntscore", "geen cijfers van 2020"),
    ("sinds=2020&indicator=drukpuntscore", "in zowel 2020 als 2023"),
])
def test_a_bad_year_is_refused_in_dutch(server, query, woorden):
    response = _get(f"{server}/?{query}", 400)
    assert woorden in response.text and "Kies" in response.text
    assert "Traceback" not in response.text


def test_a_kaart_of_one_year_has_nothing_to_compare_with(demo_eenjarig):
    een = demo_eenjarig
    assert tijdkeuze(een, {}) == Tijd(een.jaar) and tijdkeuze(een, {"jaar": str(een.jaar)}).is_nu(een)
    with pytest.raises(InvalidChoice, match="geen eerder jaar"):
        tijdkeuze(een, {"sinds": "2020"})


def test_the_api_gives_a_years_figures_each_marked_where_estimated(server, kaart):
    data = _get(f"{server}/api/v1/gebieden/wijk?indicator=inwoners&jaar=2020").json()
    _validate(data, "Gebieden")
    toen = reeksen.in_jaar(kaart, 2020).gebieden["wijk"]
    geschat = kaart.gebieden["wijk"].index[0]
    for feature in data["features"]:
        props = feature["properties"]
        assert props["inwoners"] == pytest.approx(toen.at[feature["id"], "inwoners"])
        assert props["jaar"] == 2020 and props["drukpunt"] is None  # today's drukpunten are not 2020's
        assert props["herkomst"]["inwoners"] == (GESCHAT if feature["id"] == geschat else "CBS")
        assert "verandering" not in props


def test_the_api_gives_each_figures_change_since_a_year(server, kaart):
    data = _get(f"{server}/api/v1/gebieden/buurt?indicator={INDICATOR},inwoners&sinds=2020&zoom=9").json()
    _validate(data, "Gebieden")
    verschil = verandering.verschil(kaart, "buurt", INDICATOR, 2020, kaart.jaar, "%")
    zonder = 0
    for feature in data["features"]:
        v = feature["properties"]["verandering"][INDICATOR]
        verwacht = verschil.loc[feature["id"]]
        if pd.isna(verwacht["verschil"]):
            assert v is None
            zonder += 1
            continue
        assert v["verschil"] == pytest.approx(verwacht["verschil"])
        assert (v["van"]["jaar"], v["tot"]["jaar"]) == (2020, kaart.jaar)
        assert v["verschil"] == pytest.approx(v["tot"]["waarde"] - v["van"]["waarde"])  # procentpunten
        assert v["tekst"] == verandering.verschiltekst(v["verschil"], "%", v["status"])
    assert zonder >= 1  # the buurt without 2020, and the water-only one


@pytest.mark.parametrize("query, woorden", [
    ("jaar=1999", "geen cijfers van 1999"), ("sinds=2023", "vóór"), ("indicator=drukpuntscore&jaar=2021", "2021"),
])
def test_the_api_refuses_a_bad_year_in_its_json_shape(server, query, woorden):
    response = _get(f"{server}/api/v1/gebieden/wijk?{query}", 400)
    _validate(response.json(), "Fout")
    assert woorden in response.json()["fout"]["melding"]


def test_the_shipped_demo_has_a_year_choice_and_a_change_map(site, demo_kaart):
    jaren = reeksen.jaren(demo_kaart)
    assert len(jaren) > 1
    pagina = _get(f"{site}/?niveau=wijk").text
    assert all(f'<option value="{j}"' in pagina for j in jaren) and 'name="sinds"' in pagina
    pagina = _get(f"{site}/?niveau=wijk&indicator={INDICATOR}&sinds={jaren[0]}").text
    assert f"Verschil {jaren[0]}–{demo_kaart.jaar}" in pagina
    verschil = verandering.verschil(demo_kaart, "wijk", INDICATOR, jaren[0], demo_kaart.jaar, "%")
    assert verschil["verschil"].notna().all()
    assert _tabel(pagina) == {c: verandering.verschiltekst(r.verschil, "%", r.status) for c, r in verschil.iterrows()}
    assert "Waarde 2021" in _get(f"{site}/?niveau=wijk&jaar=2021").text


# In Chromium, on a closed network (only 127.0.0.1 answers), as tests/test_browser.py.

def _open(chromium, url: str, viewport: dict | None = None):
    _get(url)  # the first request builds the map (seconds on a busy machine): built, the page loads at once
    context, page, fouten = gesloten_pagina(chromium, viewport or {"width": 1280, "height": 860})
    page.goto(url, wait_until="load")
    page.wait_for_selector(".leaflet-overlay-pane path.leaflet-interactive")
    page.wait_for_function("() => window.kaartGetekend !== undefined")
    return context, page, fouten


def _fills(page) -> list[str]:
    return page.locator(".leaflet-overlay-pane path.leaflet-interactive").evaluate_all(
        "paths => paths.map(p => (p.getAttribute('fill') || 'none').toLowerCase())")


def _hover(page, kaart, code: str, niveau: str):
    punt = kaart.gebieden[niveau].geometry.representative_point().to_crs("EPSG:4326").loc[code]
    x, y = page.evaluate("""([lat, lon]) => {
        const map = Object.values(window).find(v => v instanceof L.Map);
        const p = map.latLngToContainerPoint([lat, lon]);
        const box = map.getContainer().getBoundingClientRect();
        return [box.left + p.x, box.top + p.y];
    }""", [punt.y, punt.x])
    # The facility markers lie on top of the areas: out of the way, the pointer reaches the area itself.
    page.evaluate("document.querySelector('.leaflet-marker-pane').style.display = 'none'")
    wijs_aan(page, x, y)
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for(state="visible")
    return tooltip.inner_text()


@pytest.mark.browser
def test_the_change_map_draws_with_a_diverging_legend(chromium, server, kaart):
    context, page, fouten = _open(chromium, f"{server}/?niveau=wijk&indicator={INDICATOR}&sinds=2020")
    try:
        wijken = kaart.gebieden["wijk"]
        fills = _fills(page)
        assert len(fills) == int((wijken.geometry.notna() & ~wijken.geometry.is_empty).sum())
        assert set(fills) <= set(DRUK_KLEUREN) | {NO_DATA_COLOUR}
        verschil = verandering.verschil(kaart, "wijk", INDICATOR, 2020, kaart.jaar, "%")["verschil"]
        # More 65-plussers is more pressure: rises red, falls blue, the strongest change the darkest of its side.
        assert set(fills) & set(DRUK_KLEUREN[4:]) and set(fills) & set(DRUK_KLEUREN[:3])
        assert (DRUK_KLEUREN[-1] if verschil[verschil.abs().idxmax()] > 0 else DRUK_KLEUREN[0]) in fills
        assert page.locator(".legend.leaflet-control svg").is_visible()
        titel = page.locator(".legenda-titel").inner_text()
        assert f"verschil 2020–{kaart.jaar}" in titel and "procentpunt" in titel
        ticks = page.locator(".legend.leaflet-control .tick text").all_text_contents()
        assert "0" in ticks and any(t.startswith("+") for t in ticks) and any(t.startswith("-") for t in ticks)
        toelichting = page.locator(".legenda-geen-gegevens").inner_text()
        assert "rood: meer druk, blauw: minder druk" in toelichting
        assert "dikke rand" not in toelichting  # today's drukpunten are not outlined on a change
        tekst = _hover(page, kaart, wijken.index[0], "wijk")
        assert "Verschil" in tekst and "(geschat)" in tekst and "2020" in tekst
        assert verandering.verschiltekst(verschil.iloc[0], "%", GESCHAT) in tekst
        assert fouten == []
    finally:
        context.close()


@pytest.mark.browser
def test_areas_without_a_figure_in_both_years_are_grey_with_their_legend_line(chromium, server, kaart):
    context, page, fouten = _open(chromium, f"{server}/?niveau=buurt&indicator=inwoners&sinds=2020",
                                  {"width": 390, "height": 844})
    try:
        fills = _fills(page)
        assert NO_DATA_COLOUR in fills
        assert "geen cijfer in beide jaren" in page.locator(".legenda-geen-gegevens").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert fouten == []
    finally:
        context.close()


@pytest.mark.browser
def test_a_year_map_marks_an_estimated_figure_in_its_tooltip(chromium, server, kaart):
    context, page, fouten = _open(chromium, f"{server}/?niveau=wijk&indicator=inwoners&jaar=2020")
    try:
        assert page.locator(".legenda-titel").inner_text() == "Aantal inwoners in 2020"
        wijken = kaart.gebieden["wijk"]
        tekst = _hover(page, kaart, wijken.index[0], "wijk")
        assert "geschat (grenswijziging)" in tekst and "2020" in tekst
        assert weergave(reeksen.in_jaar(kaart, 2020).gebieden["wijk"].iloc[0]["inwoners"], "inwoners") in tekst
        assert fouten == []
    finally:
        context.close()


@pytest.mark.browser
def test_the_change_view_of_the_shipped_demo_draws(chromium, site, demo_kaart):
    sinds = reeksen.jaren(demo_kaart)[0]
    context, page, fouten = _open(chromium, f"{site}/?niveau=buurt&indicator={INDICATOR}&sinds={sinds}")
    try:
        buurten = demo_kaart.gebieden["buurt"]
        fills = _fills(page)
        assert len(fills) == int((buurten.geometry.notna() & ~buurten.geometry.is_empty).sum())
        assert set(fills) <= set(DRUK_KLEUREN) | {NO_DATA_COLOUR} and set(fills) & set(DRUK_KLEUREN)
        assert f"verschil {sinds}–{demo_kaart.jaar}" in page.locator(".legenda-titel").inner_text()
        assert page.locator(".legend.leaflet-control svg").is_visible()
        assert fouten == []
    finally:
        context.close()
