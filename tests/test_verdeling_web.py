"""The verdeelsleutel page over real HTTP (waitress): the table is the engine's, the CSV too, errors are
Dutch 400s, names are escaped; and in chromium the map draws every gemeente of the region."""

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
from webapp import create_app


@pytest.fixture(scope="module")
def site(demo_kaart_pad):
    with running(create_app({"KAART_PAD": demo_kaart_pad})) as url:
        yield url


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
        assert cellen[-2:] == [str(int(r["totaal"])), f"{int(r['effect_correctie']):+d}"]
        assert cellen[-5:-2] == [str(int(r[f"jaar_{t}"])) for t in (1, 2, 3)]
    data = json.loads(re.search(r'<script type="application/json" id="verdeling-gebieden">(.*?)</script>',
                                response.text, re.S).group(1))
    assert [f["properties"]["code"] for f in data["features"]] == list(v.tabel.index)
    assert [f["properties"]["totaal"] for f in data["features"]] == v.tabel["totaal"].tolist()
    assert len({f["properties"]["kleur"] for f in data["features"]}) == v.tabel["totaal"].nunique()
    assert "Correctiefactor = 1 − 0,5 × (eigen cijfer / regiogemiddelde − 1)" in response.text
    assert "Fictieve voorbeeldregio" in response.text and 'href="/verdeelsleutel"' in response.text


def test_a_region_of_the_indeling_and_the_csv(site, demo_kaart):
    params = {"regio": "zorgkantoorregio:Zorgkantoor Noord (fictief)", "aantal": 11, "basis": "inwoners",
              "min": "GM9902=5"}
    page = _get(f"{site}/verdeelsleutel", **params)
    assert page.status_code == 200 and "Zorgkantoor Noord (fictief) (2 gemeenten)" in page.text
    response = _get(f"{site}/verdeelsleutel.csv", **params)
    assert response.status_code == 200 and response.content.startswith("\ufeff".encode())
    frame = pd.read_csv(io.BytesIO(response.content), sep=";", decimal=",", encoding="utf-8-sig", index_col=0)
    expected = verdeel_kaart(demo_kaart, aantal=11, regio=params["regio"], basis="inwoners", minimum={"GM9902": 5})
    assert list(frame.index) == ["GM9901", "GM9902"]
    assert frame["jaar_1"].tolist() == expected.tabel["jaar_1"].tolist() and frame.loc["GM9902", "jaar_1"] == 5
    assert frame["quotum"].tolist() == pytest.approx(expected.tabel["quotum"].tolist())


@pytest.mark.parametrize("params, fragment", [
    ({"regio": "Atlantis"}, "Atlantis"),
    ({"aantal": "-4"}, "negatief"),
    ({"aantal": "veel"}, "geheel getal"),
    ({"aantal": "10", "min": "4"}, "minimums tellen op tot 12"),
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


def test_names_are_escaped(tmp_path, demo_kaart):
    kaart = copy.deepcopy(demo_kaart)
    kaart.gebieden["gemeente"].loc["GM9902", "naam"] = "<img src=x onerror=alert(1)></script>"
    with running(create_app({"KAART_PAD": write_kaart(kaart, tmp_path / "k.gpkg")})) as url:
        html = _get(f"{url}/verdeelsleutel").text
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "\\u003cimg src=x" in html  # in the map's JSON too, as an escape


@pytest.mark.browser
def test_the_map_draws_every_gemeente_of_the_region(chromium, site):
    context = chromium.new_context(locale="nl-NL")
    context.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url else route.abort())
    page = context.new_page()
    try:
        page.goto(f"{site}/verdeelsleutel?aantal=50&correctie=0.5", wait_until="load")
        page.wait_for_selector("#verdeelkaart[data-gebieden]")
        assert page.get_attribute("#verdeelkaart", "data-gebieden") == "3"
        assert page.locator("#verdeelkaart path.leaflet-interactive").count() == 3
        kleuren = page.eval_on_selector_all("#verdeelkaart path.leaflet-interactive", "ps => ps.map(p => p.getAttribute('fill'))")
        assert len(set(kleuren)) == 3
    finally:
        context.close()
