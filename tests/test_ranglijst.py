"""The drukpunten ranking page over real HTTP: profiles, user-set weights, the CSV, errors."""

from __future__ import annotations

import copy
import io
import json
import re

import geopandas as gpd
import pandas as pd
import pytest
import requests
from _server import running

from kaart import reeksen
from kaart.drukpunten import ranglijst
from kaart.drukpuntverloop import door_de_jaren
from kaart.kaartbestand import write_kaart
from webapp import create_app


def _get(url: str, **params) -> requests.Response:
    return requests.get(url, params=params, timeout=60)


def _codes(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/gebied/(\w+)">', html)


def test_the_page_ranks_as_the_engine_does(site, demo_kaart):
    response = _get(f"{site}/drukpunten", niveau="buurt", profiel="gezinnen")
    assert response.status_code == 200
    lijst, p, _ = ranglijst(demo_kaart, "buurt", "gezinnen")
    codes = _codes(response.text)
    assert codes == list(lijst.index[:len(codes)]) and len(codes) == min(25, len(lijst))
    flagged = int(lijst["drukpunt"].sum())
    assert f"{p.label}: {flagged} drukpunten van {len(lijst)} buurten" in response.text
    first = lijst.iloc[0]
    assert f"{first['drukpuntscore']:+.2f}".replace(".", ",") in response.text
    assert 'value="3"' in response.text  # the profile's weight of jeugdzorg fills its field


def test_user_set_weights_reorder_and_switching_profile_starts_afresh(site, demo_kaart):
    plain = _codes(_get(f"{site}/drukpunten", profiel="gezinnen").text)
    weighted = _get(f"{site}/drukpunten", profiel="gezinnen", basis="gezinnen", gewicht_jeugdzorg_per_1000="0",
                    gewicht_aandeel_65plus="6")
    assert weighted.status_code == 200 and "(2 aangepast)" in weighted.text
    expected, _, _ = ranglijst(demo_kaart, "buurt", "gezinnen", {"jeugdzorg_per_1000": 0, "aandeel_65plus": 6})
    assert _codes(weighted.text) == list(expected.index[:25]) != plain
    # The same fields sent with another profile chosen belong to the old profile: ignored.
    switched = _get(f"{site}/drukpunten", profiel="ouderen-langer-thuis", basis="gezinnen",
                    gewicht_jeugdzorg_per_1000="0", gewicht_aandeel_65plus="6")
    assert "aangepast" not in switched.text
    assert _codes(switched.text) == _codes(_get(f"{site}/drukpunten", profiel="ouderen-langer-thuis").text)


def test_the_csv_is_the_whole_ranking(site, demo_kaart):
    response = _get(f"{site}/drukpunten.csv", niveau="wijk", profiel="gezinnen", basis="gezinnen",
                    gewicht_aandeel_65plus="2")
    assert response.status_code == 200 and response.content.startswith("\ufeff".encode())
    frame = pd.read_csv(io.BytesIO(response.content), sep=";", decimal=",", encoding="utf-8-sig", index_col=0)
    expected, _, _ = ranglijst(demo_kaart, "wijk", "gezinnen", {"aandeel_65plus": 2})
    assert list(frame.index) == list(expected.index)
    assert frame["drukpuntscore"].tolist() == pytest.approx(expected["drukpuntscore"].tolist(), nan_ok=True)


@pytest.mark.parametrize("formaat", ["geojson", "gpkg"])
def test_the_ranking_downloads_with_boundaries_and_its_weighting(site, demo_kaart, formaat, tmp_path):
    params = {"niveau": "wijk", "profiel": "gezinnen", "basis": "gezinnen", "gewicht_aandeel_65plus": "2"}
    page = _get(f"{site}/drukpunten", **params).text
    assert f"/drukpunten.{formaat}?" in page
    response = _get(f"{site}/drukpunten.{formaat}", **params)
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    path = tmp_path / f"lijst.{formaat}"
    path.write_bytes(response.content)
    frame = gpd.read_file(path, layer="drukpunten-wijk-gezinnen" if formaat == "gpkg" else None).set_index("code")
    expected, p, _ = ranglijst(demo_kaart, "wijk", "gezinnen", {"aandeel_65plus": 2})
    assert list(frame.index) == list(expected.index)
    assert frame["drukpuntscore"].tolist() == pytest.approx(expected["drukpuntscore"].tolist(), nan_ok=True)
    wijken = demo_kaart.gebieden["wijk"].to_crs(frame.crs)
    code = expected.index[0]
    assert frame.geometry[code].symmetric_difference(wijken.geometry[code]).area < 1e-3 * wijken.geometry[code].area
    if formaat == "geojson":
        kenmerken = json.loads(response.content)
    else:
        bron = gpd.read_file(path, layer="bron")
        kenmerken = dict(zip(bron["sleutel"], bron["waarde"]))
    assert kenmerken["bron"] == demo_kaart.bronvermelding and kenmerken["weging"] == p.uitleg
    assert "65" in p.uitleg and kenmerken["fictief"]


def test_the_page_has_a_map_of_its_drukpunten(site, demo_kaart):
    html = _get(f"{site}/drukpunten", niveau="buurt", profiel="gezinnen").text
    lijst, _, _ = ranglijst(demo_kaart, "buurt", "gezinnen")
    kaart = re.search(r'<svg class="gebiedskaart drukpuntenkaart".*?</svg>', html, re.S).group(0)
    vlakken = re.findall(r'<path class="(\w+)"', kaart)
    assert len(vlakken) == len(demo_kaart.gebieden["buurt"])
    assert vlakken.count("gebied") == int(lijst["drukpunt"].sum()) > 0
    nummers = sorted(int(n) for n in re.findall(r'font-family="sans-serif">(\d+)</text>', kaart))
    assert nummers == sorted(int(r) for r in lijst["rang"].head(25).dropna()) and nummers[0] == 1


def test_with_earlier_years_the_ranking_names_structural_and_new_drukpunten(demo_eenjarig, tmp_path):
    kaart = copy.deepcopy(demo_eenjarig)
    wijken = kaart.gebieden["wijk"]
    vandaag, _, _ = ranglijst(kaart, "wijk")
    nieuw = vandaag.index[vandaag["drukpunt"]][0]
    rustig = vandaag.index[vandaag["drukpuntscore"].notna()][-1]
    toen = wijken.select_dtypes("number").copy()
    toen.loc[nieuw] = toen.loc[rustig]  # in 2021 the first drukpunt looked like the quietest wijk
    toen.loc[nieuw, "inwoners"] = wijken.at[nieuw, "inwoners"]
    reeksen.voeg_toe(kaart, "wijk", 2021, toen)
    verwacht = door_de_jaren(kaart, "wijk")["verloop"]
    app = create_app({"KAART_PAD": write_kaart(kaart, tmp_path / "jaren.gpkg"), "LOCATIESERVER_URL": ""},
                     instance_path=tmp_path / "instance")
    with running(app) as url:
        html = _get(f"{url}/drukpunten", niveau="wijk").text
        profiel = _get(f"{url}/gebied/{nieuw}").text
        structureel = next(c for c in verwacht.index if verwacht[c] == "structureel drukpunt")
        blijvend = _get(f"{url}/gebied/{structureel}").text
    assert "Drukpunt in 2023: <strong>nieuw drukpunt</strong>" in profiel
    assert "Drukpunt in 2021 en 2023: <strong>structureel drukpunt</strong>" in blijvend
    assert "Met de cijfers van 2021 en 2023" in html
    rijen = dict(re.findall(r'<a href="/gebied/(\w+)">.*?</th>\s*<td>(.*?)</td>', html, re.S))
    assert verwacht[nieuw] == "nieuw drukpunt" and 'class="bron verloop">nieuw drukpunt<' in rijen[nieuw]
    for code, cel in rijen.items():  # every row says what the engine says, nothing where it says nothing
        assert (f'class="bron verloop">{verwacht[code]}<' in cel) if verwacht[code] else "verloop" not in cel


@pytest.mark.parametrize("params, fragment", [
    ({"niveau": "provincie"}, "provincie"),
    ({"profiel": "onbekend"}, "gezinnen"),
    ({"gewicht_bevolkingsdichtheid": "2"}, "bevolkingsdichtheid"),
    ({"gewicht_aandeel_65plus": "veel"}, "veel"),
    ({"gewicht_aandeel_65plus": "-1"}, "0 tot en met 100"),
])
def test_bad_choices_are_dutch_400s(site, params, fragment):
    for path in ("/drukpunten", "/drukpunten.csv"):
        response = _get(site + path, **params)
        assert response.status_code == 400 and fragment in response.text and "Traceback" not in response.text


def test_names_are_escaped(tmp_path, demo_eenjarig):
    kaart = copy.deepcopy(demo_eenjarig)
    lijst, _, _ = ranglijst(kaart, "buurt", "gezinnen")
    kaart.gebieden["buurt"].loc[lijst.index[0], "naam"] = "<img src=x onerror=alert(1)>"
    with running(create_app({"KAART_PAD": write_kaart(kaart, tmp_path / "k.gpkg")},
                            instance_path=tmp_path / "instance")) as url:
        html = _get(f"{url}/drukpunten", profiel="gezinnen").text
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
