"""Vergelijken and the map downloads over real HTTP: side by side, selections as GeoJSON and GeoPackage."""

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

from kaart.indicatoren import catalogus
from kaart.kaartbestand import write_kaart
from webapp import create_app


def _get(url: str, **params) -> requests.Response:
    return requests.get(url, params=params, timeout=60, allow_redirects=False)


def _columns(html: str, label: str) -> list[str]:
    """The numbers in the comparison row of indicator ``label``, as the page writes them."""
    row = re.search(rf"<span class=\"label\">{re.escape(label)}</span>(.*?)</tr>", html, re.S).group(1)
    return re.findall(r"<span class=\"getal[^\"]*\">(.*?)</span>", row)


def test_areas_of_different_levels_side_by_side_with_the_region(site, demo_kaart):
    buurten = demo_kaart.gebieden["buurt"]
    buurt = buurten.index[0]
    gemeente = buurten.loc[buurt, "gemeentecode"]
    other = buurten.index[buurten["ind_aandeel_65plus"].notna()][-1]
    response = _get(f"{site}/vergelijk", code=[buurt, gemeente], codes=f"{other},{buurt}")
    assert response.status_code == 200
    html = response.text
    heads = re.findall(r'<th scope="row"><a href="/gebied/(\w+)">', html)
    assert heads == [buurt, gemeente, other]  # in order, the repeat dropped
    ind = catalogus()["aandeel_65plus"]
    cells = _columns(html, ind.label)
    assert len(cells) == 4  # three areas and the region
    expected = [demo_kaart.gebieden[n].loc[c, ind.kolom] for n, c in (("buurt", buurt), ("gemeente", gemeente),
                                                                        ("buurt", other))]
    expected.append(demo_kaart.extra["regio"].iloc[0][ind.kolom])
    assert cells == [f"{v:.1f}".replace(".", ",") + "%" for v in expected]
    assert "Fictieve voorbeeldregio" in html


def test_names_typed_in_the_form_join_the_comparison(site, demo_kaart):
    buurten = demo_kaart.gebieden["buurt"]
    first, second = buurten.index[:2]
    response = _get(f"{site}/vergelijk", code=first, erbij=buurten.loc[second, "naam"])
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/vergelijk?code={first}&code={second}")
    missing = _get(f"{site}/vergelijk", code=first, erbij="Geen Buurt Met Deze Naam")
    assert missing.status_code == 404 and "Geen gebied gevonden" in missing.text
    alone = _get(f"{site}/vergelijk", code=first)
    assert alone.status_code == 200 and "Kies nog een gebied" in alone.text and 'id="erbij"' in alone.text


def test_the_profile_links_to_a_comparison(site, demo_kaart):
    code = demo_kaart.gebieden["buurt"].index[0]
    assert f'href="/vergelijk?code={code}"' in _get(f"{site}/gebied/{code}").text


@pytest.mark.parametrize("params, status, fragment", [
    ({"code": ["BU99010001", "BU99010002", "BU99010003", "BU99010004", "BU99010005"]}, 400, "twee tot vier"),
    ({"code": ["BU99010001", "BU00000000"]}, 404, "BU00000000"),
])
def test_bad_comparisons_are_dutch_errors(site, params, status, fragment):
    response = _get(f"{site}/vergelijk", **params)
    assert response.status_code == status and fragment in response.text
    assert "Traceback" not in response.text


def test_names_in_the_comparison_are_escaped(tmp_path, demo_kaart):
    kaart = copy.deepcopy(demo_kaart)
    codes = list(kaart.gebieden["buurt"].index[:2])
    kaart.gebieden["buurt"].loc[codes[0], "naam"] = "<script>alert(1)</script>"
    with running(create_app({"KAART_PAD": write_kaart(kaart, tmp_path / "k.gpkg")},
                            instance_path=tmp_path / "instance")) as url:
        html = _get(f"{url}/vergelijk", code=codes).text
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_geojson_download_is_the_selection_of_the_map(site, demo_kaart):
    buurten = demo_kaart.gebieden["buurt"]
    gemeente = buurten["gemeentecode"].iloc[0]
    response = _get(f"{site}/export.geojson", niveau="buurt", indicator="ind_aandeel_65plus", gemeente=gemeente)
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/geo+json"
    assert f"buurt-{gemeente}-ind_aandeel_65plus.geojson" in response.headers["Content-Disposition"]
    data = json.loads(response.content)
    assert data["fictief"].startswith("Fictieve voorbeeldregio") and data["jaar"] == demo_kaart.jaar
    expected = buurten[buurten["gemeentecode"] == gemeente]
    assert {f["properties"]["code"] for f in data["features"]} == set(expected.index)
    feature = data["features"][0]
    code = feature["properties"]["code"]
    assert feature["properties"]["ind_aandeel_65plus"] == pytest.approx(expected.loc[code, "ind_aandeel_65plus"])
    lon, lat = feature["geometry"]["coordinates"][0][0][:2] if feature["geometry"]["type"] == "Polygon" \
        else feature["geometry"]["coordinates"][0][0][0][:2]
    assert -180 <= lon <= 180 and -90 <= lat <= 90  # WGS84, as RFC 7946 asks


def test_the_geopackage_download_opens_in_gis(site, demo_kaart, tmp_path):
    response = _get(f"{site}/export.gpkg", niveau="wijk", indicator="inwoners")
    assert response.status_code == 200
    path = tmp_path / "wijk.gpkg"
    path.write_bytes(response.content)
    frame = gpd.read_file(path, layer="wijk-inwoners")
    assert frame.crs.to_epsg() == 28992
    wijken = demo_kaart.gebieden["wijk"]
    assert sorted(frame["code"]) == sorted(wijken.index)
    assert frame.set_index("code")["inwoners"].to_dict() == wijken["inwoners"].to_dict()
    bron = gpd.read_file(path, layer="bron").set_index("sleutel")["waarde"]
    assert bron["bron"] == demo_kaart.bronvermelding


@pytest.mark.parametrize("params, fragment", [
    ({"niveau": "provincie"}, "provincie"),
    ({"indicator": "bestaat_niet"}, "bestaat_niet"),
    ({"gemeente": "GM9999"}, "GM9999"),
])
def test_bad_download_parameters_are_dutch_400s(site, params, fragment):
    for suffix in ("geojson", "gpkg"):
        response = _get(f"{site}/export.{suffix}", **params)
        assert response.status_code == 400 and fragment in response.text and "Traceback" not in response.text


@pytest.mark.parametrize("formaat", ["geojson", "gpkg"])
def test_the_comparison_downloads_with_boundaries(site, demo_kaart, formaat, tmp_path):
    page = requests.get(f"{site}/vergelijk?codes=GM9901,BU99010001", timeout=60).text
    assert f"/vergelijk.{formaat}?codes=GM9901" in page
    response = requests.get(f"{site}/vergelijk.{formaat}?codes=GM9901,BU99010001", timeout=60)
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    path = tmp_path / f"vergelijking.{formaat}"
    path.write_bytes(response.content)
    frame = gpd.read_file(path, layer="vergelijking-GM9901-BU99010001" if formaat == "gpkg" else None)
    frame = frame.set_index("code")
    assert list(frame.index) == ["GM9901", "BU99010001"] and list(frame["niveau"]) == ["gemeente", "buurt"]
    buurt = demo_kaart.gebieden["buurt"].loc["BU99010001"]
    ind = next(i for i in demo_kaart.catalogus if pd.notna(buurt[i.kolom]))
    assert frame.at["BU99010001", ind.label] == pytest.approx(float(buurt[ind.kolom]))
    vorm = demo_kaart.gebieden["gemeente"].to_crs(frame.crs).geometry["GM9901"]
    assert frame.geometry["GM9901"].symmetric_difference(vorm).area < 1e-3 * vorm.area


def test_the_comparison_downloads_as_csv_with_its_source(site, demo_kaart):
    page = requests.get(f"{site}/vergelijk?codes=GM9901,GM9902", timeout=60).text
    assert "/vergelijk.csv?codes=GM9901%2CGM9902" in page or "/vergelijk.csv?codes=GM9901,GM9902" in page
    response = requests.get(f"{site}/vergelijk.csv?codes=GM9901,GM9902", timeout=60)
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    tabel = pd.read_csv(io.BytesIO(response.content), sep=";", decimal=",", encoding="utf-8-sig", index_col=0)
    gemeenten = demo_kaart.gebieden["gemeente"]
    naam = f"{gemeenten.at['GM9901', 'naam']} (GM9901)"
    ind = next(i for i in demo_kaart.catalogus if pd.notna(gemeenten.at["GM9901", i.kolom]))
    assert tabel.at[ind.label, naam] == pytest.approx(float(gemeenten.at["GM9901", ind.kolom]))
    assert set(tabel["bron"]) == {demo_kaart.bronvermelding} and "Regio" in tabel.columns
    assert tabel["fictief"].notna().all()
