"""The verdeelsleutel page over real HTTP (waitress): the table is the engine's, the CSV too, errors are
Dutch 400s on the page itself (the form as typed, the message above it), every number is Dutch, the CSV
says what it was made with; names are escaped; and in chromium the map draws every gemeente of the region
and a phone-wide window never scrolls sideways."""

from __future__ import annotations

import copy
import io
import json
import re

import pandas as pd
import pytest
import requests
from _server import running

from kaart.kaartbestand import write_kaart
from kaart.verdeelsleutel import verdeel_kaart
from layers.demo import GEMEENTEN
from webapp import create_app


def _get(url: str, **params) -> requests.Response:
    return requests.get(url, params=params, timeout=60)


def test_the_page_shows_the_engines_allocation_map_data_and_formula(site, demo_kaart):
    response = _get(f"{site}/verdeelsleutel", aantal=50, jaren=3, correctie="0,5")
    assert response.status_code == 200
    v = verdeel_kaart(demo_kaart, aantal=50, jaren=3, correctie=0.5)
    rijen = re.findall(r'<tr>\s*<th scope="row"><a href="/gebied/(\w+)">.*?</tr>', response.text, re.S)
    assert rijen == list(v.tabel.index)
    for code, r in v.tabel.iterrows():
        rij = re.search(rf'/gebied/{code}">.*?</tr>', response.text, re.S).group(0)
        cellen = re.findall(r"<td>(.*?)</td>", rij)
        effect = int(r["effect_correctie"])
        assert cellen[-2:] == [str(int(r["totaal"])), f"{effect:+d}" if effect else "0"]
        assert cellen[-5:-2] == [str(int(r[f"jaar_{t}"])) for t in (1, 2, 3)]
    data = json.loads(re.search(r'<script type="application/json" id="verdeling-gebieden">(.*?)</script>',
                                response.text, re.S).group(1))
    assert [f["properties"]["code"] for f in data["features"]] == list(v.tabel.index)
    assert [f["properties"]["totaal"] for f in data["features"]] == v.tabel["totaal"].tolist()
    # The colour follows the total: one colour per total, each colour one range of totals, several colours.
    kleur = {}
    for f in data["features"]:
        assert kleur.setdefault(f["properties"]["totaal"], f["properties"]["kleur"]) == f["properties"]["kleur"]
    reeksen = sorted((min(t for t, k in kleur.items() if k == c), max(t for t, k in kleur.items() if k == c))
                     for c in set(kleur.values()))
    assert len(reeksen) >= 2 and all(hoog < laag for (_, hoog), (laag, _) in zip(reeksen, reeksen[1:]))
    assert "Correctiefactor = 1 − 0,5 × (eigen cijfer / regiogemiddelde − 1)" in response.text
    assert "Fictieve voorbeeldregio" in response.text and 'href="/verdeelsleutel"' in response.text


def test_a_region_of_the_indeling_and_the_csv(site, demo_kaart):
    params = {"regio": "zorgkantoorregio:Zorgkantoor Noord (fictief)", "aantal": 11, "basis": "inwoners",
              "min": "GM9902=5"}
    page = _get(f"{site}/verdeelsleutel", **params)
    indeling = demo_kaart.tabellen["regio_indelingen"]
    in_noord = indeling["regio"] == "Zorgkantoor Noord (fictief)"
    assert page.status_code == 200 and f"Zorgkantoor Noord (fictief) ({int(in_noord.sum())} gemeenten)" in page.text
    response = _get(f"{site}/verdeelsleutel.csv", **params)
    assert response.status_code == 200 and response.content.startswith("\ufeff".encode())
    frame = pd.read_csv(io.BytesIO(response.content), sep=";", decimal=",", encoding="utf-8-sig", index_col=0)
    expected = verdeel_kaart(demo_kaart, aantal=11, regio=params["regio"], basis="inwoners", minimum={"GM9902": 5})
    assert list(frame.index) == list(expected.tabel.index)
    assert sorted(frame.index) == sorted(indeling.loc[in_noord, "gemeentecode"])
    assert frame["jaar_1"].tolist() == expected.tabel["jaar_1"].tolist() and frame.loc["GM9902", "jaar_1"] == 5
    assert frame["quotum"].tolist() == pytest.approx(expected.tabel["quotum"].tolist())


@pytest.mark.parametrize("params, fragment", [
    ({"regio": "Atlantis"}, "Atlantis"),
    ({"aantal": "-4"}, "negatief"),
    ({"aantal": "veel"}, "geheel getal"),
    ({"aantal": "10", "min": "4"}, f"minimums tellen op tot {4 * len(GEMEENTEN)}"),
    ({"basis": "oppervlakte"}, "huishoudens, inwoners, sociale_huur"),
    ({"correctie": "2"}, "0 (geen) tot en met 1"),
    ({"max": "GM9901=veel"}, "GM9901=veel"),
    ({"aantal": "1" + "0" * 400}, "meer dan de 1.000.000"),  # was a 500 (OverflowError in float(Fraction))
    ({"aantal": "100000000000000000000"}, "meer dan de 1.000.000"),  # was a wrong quota on the page
    ({"aantal": "10", "max": "GM9901=" + "9" * 30}, "0 tot en met 1.000.000"),
    ({"aantal": "10", "jaren": "1" + "0" * 40}, "1 tot en met 30"),
])
def test_bad_input_is_a_dutch_400(site, params, fragment):
    for path in ("/verdeelsleutel", "/verdeelsleutel.csv"):
        response = _get(site + path, **params)
        assert response.status_code == 400 and fragment in response.text and "Traceback" not in response.text
    # The page: the message in the alert above the form (not only in a field's value), nothing of a result.
    html = _get(f"{site}/verdeelsleutel", **params).text
    alert = re.search(r'<p class="melding fout verdeelfout" role="alert" id="verdeelfout">(.*?)</p>', html, re.S)
    assert alert and fragment in alert.group(1).replace("&#39;", "'")
    assert html.index('role="alert"') < html.index("<form") and 'id="verdeelkaart"' not in html


def _veld(html: str, naam: str) -> str:
    return re.search(rf'<input id="{naam}" name="{naam}"[^>]* value="([^"]*)"', html).group(1)


@pytest.mark.parametrize("params, velden, fragment", [
    ({"aantal": "10", "jaren": "2", "min": "4", "max": "GM9901=9", "correctie": "0,5"},
     {"aantal": "10", "jaren": "2", "min": "4", "max": "GM9901=9", "correctie": "0.5"},
     f"minimums tellen op tot {4 * len(GEMEENTEN)}"),
    ({"regio": "Atlantis", "aantal": "7"}, {"aantal": "7"}, "De regio ‘Atlantis’ bestaat niet"),
    ({"jaren": "0", "aantal": "12", "basis": "inwoners"}, {"jaren": "0", "aantal": "12"}, "kies 1 tot en met 30"),
])
def test_an_error_keeps_the_form_as_typed(site, params, velden, fragment):
    response = _get(f"{site}/verdeelsleutel", **params)
    assert response.status_code == 400 and '<html lang="nl">' in response.text
    assert "Naar de kaart" not in response.text and "<title>Verdeelsleutel — Ongeldige keuze" in response.text
    for naam, waarde in velden.items():
        assert _veld(response.text, naam) == waarde, naam
    assert fragment in re.search(r'role="alert"[^>]*>(.*?)</p>', response.text, re.S).group(1)
    if "regio" in params:  # an unknown region stays chosen, so the user sees what was asked
        assert f'<option value="{params["regio"]}" selected>{params["regio"]} (onbekend)</option>' in response.text
    if "basis" in params:
        assert f'<option value="{params["basis"]}" selected>' in response.text


def test_numbers_are_dutch_and_the_years_note_above_ten_years(site):
    html = _get(f"{site}/verdeelsleutel", aantal=1_000_000, jaren=12).text
    assert "1.000.000 per jaar, 12 jaar (12.000.000 in totaal)" in html
    assert re.search(r"<p[^>]*>[^<]*meer dan 10 jaar[^<]*<a [^>]*>per jaar in de CSV</a>", html)
    assert html.index("per jaar in de CSV") < html.index("<table")
    assert "Jaar 1</th>" not in html
    rij = re.search(r'/gebied/GM9901">.*?</tr>', html, re.S).group(0)
    totaal = re.findall(r"<td>(.*?)</td>", rij)[-1]
    assert re.fullmatch(r"\d{1,3}(\.\d{3})+", totaal), totaal
    data = json.loads(re.search(r'id="verdeling-gebieden">(.*?)</script>', html, re.S).group(1))
    assert all(re.fullmatch(r"\d{1,3}(\.\d{3})+", f["properties"]["totaal_tekst"]) for f in data["features"])
    assert re.search(r'<p class="legenda-kop"[^>]*>Toegewezen in totaal over \d+ jaar, aantal</p>', html)
    legenda = re.findall(r'<li><span class="vlak"[^>]*></span>(.*?)</li>', html)
    assert legenda and all(re.fullmatch(r"\d{1,3}(\.\d{3})*( – \d{1,3}(\.\d{3})*)?", r) for r in legenda), legenda
    # Up to ten years the columns are there and there is no note.
    tien = _get(f"{site}/verdeelsleutel", aantal=50, jaren=10).text
    assert "Jaar 10</th>" in tien and "per jaar in de CSV" not in tien


def _getal(tekst: str) -> int:
    return int(tekst.replace(".", ""))


@pytest.mark.parametrize("params", [{"aantal": 50, "jaren": 3}, {"aantal": 1_000_000, "jaren": 12, "correctie": 0.5},
                                    {"aantal": 7}, {"aantal": 0}])
def test_the_legend_classes_do_not_overlap_and_match_the_colours(site, params):
    html = _get(f"{site}/verdeelsleutel", **params).text
    legenda = re.findall(r'<li><span class="vlak" style="background: ([^"]+)"></span>(.*?)</li>', html)
    klassen = [(kleur, *(_getal(x) for x in (label.split(" – ") * 2)[:2])) for kleur, label in legenda]
    for (_, _, hoog), (_, laag, _) in zip(klassen, klassen[1:]):
        assert laag > hoog  # no number in two classes
    data = json.loads(re.search(r'id="verdeling-gebieden">(.*?)</script>', html, re.S).group(1))
    for f in data["features"]:
        treffers = [kleur for kleur, laag, hoog in klassen if laag <= f["properties"]["totaal"] <= hoog]
        assert treffers == [f["properties"]["kleur"]], (f["properties"], legenda)


def test_without_correction_there_is_no_effect_column(site):
    html = _get(f"{site}/verdeelsleutel", aantal=50, jaren=3).text
    assert "Effect correctie" not in html and "+0" not in html and "Geen correctie" in html
    met = _get(f"{site}/verdeelsleutel", aantal=50, jaren=3, correctie="0.5").text
    assert "Effect correctie" in met and "Geen correctie" not in met


def test_the_table_scrolls_in_its_own_focusable_box(site):
    html = _get(f"{site}/verdeelsleutel", aantal=50, jaren=3, correctie="0.5").text
    doos = re.search(r'<div class="tabel-scroll"([^>]*)>\s*<table class="vergelijking verdeling">', html)
    assert doos and 'tabindex="0"' in doos.group(1) and 'aria-label="' in doos.group(1)


def test_the_csv_says_what_it_was_made_with(site, demo_kaart):
    params = {"regio": "zorgkantoorregio:Zorgkantoor Noord (fictief)", "aantal": 11, "jaren": 2, "correctie": "0,5",
              "min": "GM9902=5", "max": "9"}
    response = _get(f"{site}/verdeelsleutel.csv", **params)
    assert response.status_code == 200
    naam = re.search(r'filename="([^"]+)"', response.headers["Content-Disposition"]).group(1)
    assert naam.startswith("verdeelsleutel-zorgkantoorregio-zorgkantoor-noord-fictief-11x2-") and naam.endswith(".csv")
    assert re.fullmatch(r"[a-z0-9.-]+", naam)
    frame = pd.read_csv(io.BytesIO(response.content), sep=";", decimal=",", encoding="utf-8-sig", index_col=0)
    rij = frame.iloc[0]
    assert rij["instelling_regio"] == "zorgkantoorregio Zorgkantoor Noord (fictief)"
    assert (rij["instelling_aantal_per_jaar"], rij["instelling_jaren"], rij["instelling_correctie"]) == (11, 2, 0.5)
    assert rij["instelling_basis"] == "huishoudens"
    assert (rij["instelling_minimum_per_jaar"], str(rij["instelling_maximum_per_jaar"])) == ("GM9902=5", "9")
    assert demo_kaart.bronvermelding in rij["instelling_bron"]
    assert rij["instelling_fictief"] == "Fictieve voorbeeldregio — geen echte gegevens."
    anders = _get(f"{site}/verdeelsleutel.csv", aantal=12).headers["Content-Disposition"]
    assert 'filename="verdeelsleutel-alle-gemeenten-van-de-kaart-12x1-huishoudens.csv"' in anders


def test_names_are_escaped(tmp_path, demo_kaart):
    kaart = copy.deepcopy(demo_kaart)
    kaart.gebieden["gemeente"].loc["GM9902", "naam"] = "<img src=x onerror=alert(1)></script>"
    with running(create_app({"KAART_PAD": write_kaart(kaart, tmp_path / "k.gpkg")},
                            instance_path=tmp_path / "instance")) as url:
        html = _get(f"{url}/verdeelsleutel").text
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "\\u003cimg src=x" in html  # in the map's JSON too, as an escape


@pytest.mark.browser
def test_the_map_draws_every_gemeente_of_the_region(chromium, site, demo_kaart):
    context = chromium.new_context(locale="nl-NL")
    context.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url else route.abort())
    page = context.new_page()
    try:
        page.goto(f"{site}/verdeelsleutel?aantal=50&correctie=0.5", wait_until="load")
        page.wait_for_selector("#verdeelkaart[data-gebieden]")
        gemeenten = len(demo_kaart.gebieden["gemeente"])
        assert page.get_attribute("#verdeelkaart", "data-gebieden") == str(gemeenten)
        assert page.locator("#verdeelkaart path.leaflet-interactive").count() == gemeenten
        kleuren = page.eval_on_selector_all("#verdeelkaart path.leaflet-interactive", "ps => ps.map(p => p.getAttribute('fill'))")
        data = json.loads(page.text_content("#verdeling-gebieden"))
        assert sorted(kleuren) == sorted(f["properties"]["kleur"] for f in data["features"])
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("params", ["aantal=50&jaren=3&correctie=0.5", "aantal=10&min=4"])
def test_a_phone_wide_window_never_scrolls_sideways(chromium, site, params):
    context = chromium.new_context(locale="nl-NL", viewport={"width": 390, "height": 844})
    context.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url else route.abort())
    page = context.new_page()
    try:
        page.goto(f"{site}/verdeelsleutel?{params}", wait_until="load")
        breedte = page.evaluate("document.documentElement.scrollWidth")
        assert breedte <= 390, breedte
        label, veld = page.locator("label[for=min]").bounding_box(), page.locator("#min").bounding_box()
        assert veld["y"] >= label["y"] + label["height"] and veld["x"] == label["x"]  # one column: label above
        assert veld["x"] + veld["width"] <= 390
        if page.locator(".tabel-scroll").count():  # the table scrolls in its box, and the keyboard can scroll it
            doos = page.eval_on_selector(".tabel-scroll", "d => [d.scrollWidth, d.clientWidth]")
            assert doos[0] > doos[1]
            page.focus(".tabel-scroll")
            page.keyboard.press("ArrowRight")
            page.wait_for_timeout(200)
            assert page.eval_on_selector(".tabel-scroll", "d => d.scrollLeft") > 0
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("params", ["regio=Atlantis&aantal=10&min=4", "aantal=10&jaren=0"])
def test_the_error_page_meets_wcag_21_aa(chromium, site, params):
    from test_toegankelijkheid import _violations

    assert _violations(chromium, f"{site}/verdeelsleutel?{params}") == []
