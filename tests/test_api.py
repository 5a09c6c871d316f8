"""The JSON API over real HTTP, checked against its own OpenAPI description."""

from __future__ import annotations

import json
import re
from pathlib import Path

import copy

import jsonschema
import pandas as pd
import pytest
import requests
import shapely
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from _server import running

from kaart import reeksen
from kaart.getallen import weergave
from kaart.kaartbestand import Kaart, write_kaart
from layers.bestanden import load_bestand
from webapp import create_app
from webapp.api import OPENAPI, Geometrieen

SPEC = json.loads(Path(OPENAPI).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def api(site, site_app):
    return site, site_app


def _validate(payload: dict, schema_name: str) -> None:
    """Check a response against a schema of the OpenAPI file (its $refs resolved within the file)."""
    registry = Registry().with_resource("urn:openapi", Resource.from_contents(SPEC, default_specification=DRAFT202012))
    validator = jsonschema.Draft202012Validator({"$ref": f"urn:openapi#/components/schemas/{schema_name}"},
                                                registry=registry)
    errors = sorted(validator.iter_errors(payload), key=str)
    assert not errors, errors[0]


def _get(url: str, path: str, status: int = 200):
    response = requests.get(url + path, timeout=60)
    assert response.status_code == status, response.text[:300]
    return response


def test_every_api_route_is_documented_and_every_documented_path_exists(api):
    _, app = api
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule) for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/")}
    assert routes == set(SPEC["paths"])
    served = json.loads(_get(api[0], "/api/v1/openapi.json").text)
    assert served == SPEC


def test_the_catalogue_lists_what_each_level_can_show(api, demo_kaart):
    url, _ = api
    catalogus = _get(url, "/api/v1/indicatoren").json()
    _validate(catalogus, "Catalogus")
    assert catalogus["fictief"] is True and catalogus["jaar"] == 2023
    by_name = {i["naam"]: i for i in catalogus["indicatoren"]}
    assert by_name["inwoners"]["niveaus"] == ["gemeente", "wijk", "buurt"]
    assert by_name["drukpuntscore"]["groep"] == "Drukpunten"
    assert by_name["ind_afstand_tot_huisarts_m"]["bron"].startswith("Bron: voorzieningenlaag")
    assert by_name["inwoners"]["bron"] == demo_kaart.bronvermelding


def test_areas_of_a_level_come_with_the_asked_figures(api, demo_kaart):
    url, _ = api
    response = _get(url, "/api/v1/gebieden/buurt?indicator=inwoners,drukpuntscore")
    assert response.headers["Content-Type"].startswith("application/geo+json")
    data = response.json()
    _validate(data, "Gebieden")
    buurten = demo_kaart.gebieden["buurt"]
    assert [f["id"] for f in data["features"]] == list(buurten.index)
    for feature in data["features"]:
        props = feature["properties"]
        expected = buurten.at[feature["id"], "inwoners"]
        assert props["inwoners"] == (None if expected != expected else expected)  # NaN comes as null
        assert "pct_65plus" not in props
        assert set(props) >= {"code", "naam", "gemeentecode", "drukpuntscore"}


def test_one_gemeente_only(api, demo_kaart):
    url, _ = api
    data = _get(url, "/api/v1/gebieden/buurt?gemeente=GM9902&indicator=inwoners").json()
    buurten = demo_kaart.gebieden["buurt"]
    assert {f["id"] for f in data["features"]} == set(buurten.index[buurten["gemeentecode"] == "GM9902"])


def test_geometry_is_simplified_for_the_zoom_and_neighbours_still_touch(shared_file):
    rows = load_bestand(shared_file("drechtsteden_2023/buurten_2023_drechtsteden.geojson"), jaar=2023)[0].rijen
    dordrecht = rows[rows["gemeentecode"] == "GM0505"].set_index("code")
    kaart = Kaart(gebieden={"buurt": dordrecht}, metadata={"jaar": 2023})
    vormen = Geometrieen(kaart)
    coarse, fine = vormen.get("buurt", 10), vormen.get("buurt", 17)
    assert shapely.get_num_coordinates(coarse.values).sum() < 0.8 * shapely.get_num_coordinates(fine.values).sum()
    assert vormen.get("buurt", 10) is coarse  # computed once per level and zoom
    # Coverage simplification keeps shared borders shared: no gaps or overlaps between neighbours.
    for simplified in (coarse, fine):
        rd = simplified.to_crs("EPSG:28992")
        assert rd.area.sum() == pytest.approx(rd.union_all().area, rel=1e-4)
        assert rd.union_all().area == pytest.approx(dordrecht.to_crs("EPSG:28992").union_all().area, rel=0.01)


def _dordrecht(shared_file) -> Kaart:
    rows = load_bestand(shared_file("drechtsteden_2023/buurten_2023_drechtsteden.geojson"), jaar=2023)[0].rijen
    return Kaart(gebieden={"buurt": rows[rows["gemeentecode"] == "GM0505"].set_index("code")},
                 metadata={"jaar": 2023})


def _kwart(frame) -> tuple[float, float, float, float]:
    """The middle of ``frame``'s extent in degrees, half as wide and high: a view that cuts through areas."""
    west, south, east, north = frame.to_crs("EPSG:4326").total_bounds
    breed, hoog = (east - west) / 4, (north - south) / 4
    return float(west + breed), float(south + hoog), float(east - breed), float(north - hoog)


def test_a_view_at_a_new_zoom_simplifies_only_its_own_areas_and_they_share_their_borders(shared_file):
    kaart = _dordrecht(shared_file)
    buurten = kaart.gebieden["buurt"]
    vormen = Geometrieen(kaart)
    bbox = _kwart(buurten)
    uit = vormen.in_beeld("buurt", 12, bbox)
    assert vormen.bewaard() == {"niveaus": 0, "uitsneden": 1}  # the whole level was not simplified
    origineel = buurten.geometry.to_crs("EPSG:4326")
    raakt = set(origineel.index[origineel.intersects(shapely.box(*bbox))])
    assert set(uit.index) <= raakt and len(uit) >= 0.9 * len(raakt) and len(uit) < 0.6 * len(buurten)
    assert all(uit.intersects(shapely.box(*bbox)))
    assert shapely.get_num_coordinates(uit.values).sum() < 0.8 * shapely.get_num_coordinates(
        origineel[uit.index].values).sum()
    # Every two neighbours meet in the same line from both sides: no gap, no overlap.
    rd = buurten.geometry.to_crs("EPSG:28992")
    paren = [(a, b) for i, a in enumerate(uit.index) for b in uit.index[i + 1:]
             if rd[a].intersection(rd[b]).length > 200]
    assert len(paren) > 20
    web_rd = uit.to_crs("EPSG:28992")
    for a, b in paren:
        gedeeld = shapely.intersection(uit[a].boundary, uit[b].boundary)
        assert gedeeld.geom_type in ("LineString", "MultiLineString"), (a, b)
        assert web_rd[a].boundary.intersection(web_rd[b].boundary).length > 0.7 * rd[a].intersection(rd[b]).length
        assert web_rd[a].intersection(web_rd[b]).area < 1.0  # square metres: rounding, not overlap
    assert vormen.in_beeld("buurt", 12, bbox) is uit  # kept


def test_from_zoom_15_a_view_gets_the_shapes_unsimplified_cut_to_it(shared_file):
    from webapp.webgeometrie import decimalen

    kaart = _dordrecht(shared_file)
    vormen = Geometrieen(kaart)
    bbox = _kwart(kaart.gebieden["buurt"])
    uit = vormen.in_beeld("buurt", 16, bbox)
    assert vormen.in_beeld("buurt", 18, bbox) is uit  # zooms 15 to 18 share one copy
    origineel = kaart.gebieden["buurt"].geometry.to_crs("EPSG:4326")
    gesneden = shapely.clip_by_rect(origineel[uit.index].values, *bbox)
    assert list(shapely.get_num_coordinates(uit.values)) == list(shapely.get_num_coordinates(gesneden))
    # The same points, to the zoom's precision (rounded before the cut and again after it).
    assert shapely.get_coordinates(uit.values) == pytest.approx(
        shapely.get_coordinates(gesneden), abs=3 * 10 ** -decimalen(16))
    assert set(uit.index) == set(origineel.index[shapely.area(shapely.clip_by_rect(origineel.values, *bbox)) > 0])


def test_the_views_kept_are_bounded(demo_kaart):
    from webapp.api import UITSNEDEN_BEWAARD

    vormen = Geometrieen(demo_kaart)
    west, south, east, north = _kwart(demo_kaart.gebieden["buurt"])
    for i in range(3 * UITSNEDEN_BEWAARD):
        stap = (east - west) * i / (6 * UITSNEDEN_BEWAARD)
        assert len(vormen.in_beeld("buurt", 10 + i % 8, (west + stap, south, east + stap, north)))
    assert vormen.bewaard() == {"niveaus": 0, "uitsneden": UITSNEDEN_BEWAARD}
    heel = vormen.get("buurt", 12)
    assert vormen.in_beeld("buurt", 12, (west, south, east, north)).index.isin(heel.index).all()
    assert vormen.bewaard() == {"niveaus": 1, "uitsneden": UITSNEDEN_BEWAARD}  # a kept level serves its views
    # A view of most of the level is the level: simplified once for its zoom, whatever the box.
    alles = tuple(float(v) for v in demo_kaart.gebieden["buurt"].to_crs("EPSG:4326").total_bounds)
    assert len(vormen.in_beeld("buurt", 9, alles)) == len(vormen.in_beeld("buurt", 9, alles[:2] + (
        alles[2] + 0.01, alles[3] + 0.01))) > 0
    assert vormen.bewaard() == {"niveaus": 2, "uitsneden": UITSNEDEN_BEWAARD}


def test_a_view_from_the_api_has_only_the_areas_in_it_and_from_zoom_15_cut_to_it(api, demo_kaart):
    from webapp.webgeometrie import decimalen

    url, _ = api
    buurten = demo_kaart.gebieden["buurt"]
    bbox = _kwart(buurten)
    origineel = buurten.geometry.to_crs("EPSG:4326")
    raakt = set(origineel.index[origineel.intersects(shapely.box(*bbox))])
    for zoom in (12, 16):
        data = _get(url, f"/api/v1/gebieden/buurt?zoom={zoom}&indicator=inwoners&bbox="
                         + ",".join(map(str, bbox))).json()
        _validate(data, "Gebieden")
        ids = [f["id"] for f in data["features"]]
        assert set(ids) <= raakt and len(ids) >= 0.8 * len(raakt) and len(ids) < len(buurten)
    gesneden = shapely.clip_by_rect(origineel[ids].values, *bbox)
    aantallen = [len(shapely.get_coordinates(shapely.geometry.shape(f["geometry"]))) for f in data["features"]]
    assert aantallen == list(shapely.get_num_coordinates(gesneden))
    gekregen = [shapely.geometry.shape(f["geometry"]) for f in data["features"]]
    assert shapely.hausdorff_distance(gekregen, gesneden).max() <= 3 * 10 ** -decimalen(16)


def test_the_api_serves_the_simplified_geometry_of_its_zoom(api):
    url, _ = api
    for zoom in (8, 16):
        data = _get(url, f"/api/v1/gebieden/buurt?zoom={zoom}&indicator=inwoners").json()
        assert data["zoom"] == zoom
        assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in data["features"] if f["geometry"])


def test_one_area_with_its_explanation(api, demo_kaart):
    url, _ = api
    buurten = demo_kaart.gebieden["buurt"]
    code = buurten.index[buurten["drukpunt"].astype(bool)][0]
    data = _get(url, f"/api/v1/gebieden/buurt/{code}").json()
    _validate(data, "Gebied")
    props = data["properties"]
    assert props["code"] == code and props["drukpunt"] is True
    assert props["drukpunt_redenen"] == buurten.at[code, "drukpunt_redenen"]
    assert props["inwoners"] == buurten.at[code, "inwoners"]
    assert props["wijkcode"] == buurten.at[code, "wijkcode"]


def test_every_figure_comes_with_its_dutch_text(api, demo_kaart):
    from kaart.variabelen import variabelen
    from kaart.getallen import weergave

    url, _ = api
    buurten = demo_kaart.gebieden["buurt"]
    code = buurten.index[buurten["inwoners"].notna() & (buurten["inwoners"] >= 1000)][0]
    props = _get(url, f"/api/v1/gebieden/buurt/{code}").json()["properties"]
    assert props["teksten"] and set(props["teksten"]) == set(props["herkomst"])
    inwoners = int(buurten.at[code, "inwoners"])
    assert props["teksten"]["inwoners"] == f"{inwoners // 1000}.{inwoners % 1000:03d} inwoners"
    catalogus = variabelen()
    for naam, tekst in props["teksten"].items():
        assert tekst == weergave(buurten.at[code, naam], catalogus[naam].eenheid), naam
    listed = _get(url, "/api/v1/gebieden/buurt?indicator=inwoners").json()["features"]
    assert {f["id"]: f["properties"]["teksten"]["inwoners"] for f in listed}[code] == props["teksten"]["inwoners"]


@pytest.mark.parametrize("path, status, words", [
    ("/api/v1/gebieden/provincie", 404, "niveau ‘provincie’"),
    ("/api/v1/gebieden/buurt/BU00000000", 404, "code ‘BU00000000’"),
    ("/api/v1/gebieden/buurt?indicator=geluk", 400, "geluk"),
    ("/api/v1/gebieden/buurt?zoom=40", 400, "zoom"),
    ("/api/v1/gebieden/buurt?zoom=abc", 400, "zoom"),
    ("/api/v1/gebieden/buurt?gemeente=GM0000", 404, "GM0000"),
    ("/api/v1/bestaat-niet", 404, "bestaat niet"),
])
def test_errors_are_json_in_one_shape_in_dutch(api, path, status, words):
    url, _ = api
    response = _get(url, path, status)
    assert response.headers["Content-Type"].startswith("application/json")
    _validate(response.json(), "Fout")
    assert words in response.json()["fout"]["melding"]
    assert "Traceback" not in response.text


def test_a_wrong_method_is_a_json_405(api):
    url, _ = api
    response = requests.post(url + "/api/v1/indicatoren", timeout=60)
    assert response.status_code == 405
    _validate(response.json(), "Fout")


def test_responses_are_compressed_for_clients_that_accept_it(api):
    url, _ = api
    plain = requests.get(url + "/api/v1/gebieden/buurt", headers={"Accept-Encoding": "identity"}, timeout=60)
    packed = requests.get(url + "/api/v1/gebieden/buurt", headers={"Accept-Encoding": "gzip"}, timeout=60, stream=True)
    assert packed.headers.get("Content-Encoding") == "gzip"
    raw = packed.raw.read(decode_content=False)
    assert len(raw) < len(plain.content) / 3
    page = requests.get(url + "/", headers={"Accept-Encoding": "gzip"}, timeout=60)
    assert page.headers.get("Content-Encoding") == "gzip"


def test_coordinates_carry_only_the_precision_the_zoom_can_show(api):
    from webapp.webgeometrie import decimalen

    url, _ = api
    assert [decimalen(z) for z in (5, 7, 13, 16, 18)] == [3, 3, 5, 6, 6]
    for zoom in (7, 16):
        text = _get(url, f"/api/v1/gebieden/buurt?zoom={zoom}").text
        places = {len(n.split(".")[1]) for n in re.findall(r"-?\d+\.\d+", text.split('"features"')[1]
                                                                     .split('"properties"')[0])}
        assert max(places) <= decimalen(zoom)


def test_an_area_of_the_demo_has_its_four_years(api, demo_kaart):
    url, _ = api
    body = _get(url, "/api/v1/gebieden/wijk/WK990101/reeksen?indicator=inwoners,pct_65plus").json()
    _validate(body, "Reeksen")
    assert body["jaren"] == reeksen.jaren(demo_kaart) and len(body["jaren"]) == 4
    assert [r["indicator"] for r in body["reeksen"]] == ["inwoners", "pct_65plus"]
    verwacht = reeksen.reeks(demo_kaart, "wijk", "WK990101", "pct_65plus")
    waarden = body["reeksen"][1]["waarden"]
    assert [w["jaar"] for w in waarden] == list(verwacht.index)
    assert [w["waarde"] for w in waarden] == pytest.approx(list(verwacht["waarde"]))
    assert waarden[-1]["waarde"] == demo_kaart.gebieden["wijk"].at["WK990101", "pct_65plus"]
    assert {w["status"] for w in waarden} == {"officieel"}


def test_the_series_of_an_area_carry_every_year_with_its_status(demo_eenjarig, tmp_path):
    kaart = copy.deepcopy(demo_eenjarig)
    wijken = kaart.gebieden["wijk"]
    oud = wijken[["inwoners"]].astype(float) * 0.95
    status = pd.DataFrame("officieel", index=oud.index, columns=oud.columns)
    status.loc["WK990101"] = "geschat (grenswijziging)"
    reeksen.voeg_toe(kaart, "wijk", 2020, oud, status)
    reeksen.voeg_toe(kaart, "wijk", 2021, oud * 1.02)
    app = create_app({"KAART_PAD": write_kaart(kaart, tmp_path / "jaren.gpkg"), "LOCATIESERVER_URL": ""},
                     instance_path=tmp_path / "instance")
    with running(app) as url:
        body = _get(url, "/api/v1/gebieden/wijk/WK990101/reeksen?indicator=inwoners").json()
    _validate(body, "Reeksen")
    assert body["jaren"] == [2020, 2021, kaart.jaar]
    waarden = body["reeksen"][0]["waarden"]
    assert [w["jaar"] for w in waarden] == [2020, 2021, kaart.jaar]
    assert waarden[0]["waarde"] == pytest.approx(wijken.at["WK990101", "inwoners"] * 0.95)
    assert [w["status"] for w in waarden] == ["geschat (grenswijziging)", "officieel", "officieel"]
    assert all(w["tekst"] == weergave(w["waarde"], "inwoners") for w in waarden)


def test_a_kept_level_is_compressed_once_and_sent_as_kept(api, monkeypatch):
    """The cached GeoJSON of a level goes out in the gzip it was kept in: a repeat request compresses nothing,
    each encoding has its own ETag and a client with a current copy gets a 304."""
    import webapp.gecomprimeerd as gecomprimeerd

    url, _ = api
    path = "/api/v1/gebieden/wijk?indicator=inwoners&zoom=11"
    first = requests.get(url + path, headers={"Accept-Encoding": "gzip"}, timeout=60)
    assert first.headers["Content-Encoding"] == "gzip"
    calls = []
    monkeypatch.setattr(gecomprimeerd.gzip, "compress", lambda *a, **k: calls.append(a) or b"")
    again = requests.get(url + path, headers={"Accept-Encoding": "gzip"}, timeout=60, stream=True)
    raw = again.raw.read(decode_content=False)
    assert calls == []
    assert again.headers["Content-Encoding"] == "gzip" and int(again.headers["Content-Length"]) == len(raw)
    plain = requests.get(url + path, headers={"Accept-Encoding": "identity"}, timeout=60)
    assert "Content-Encoding" not in plain.headers
    assert plain.json() == first.json()
    assert plain.headers["ETag"] != first.headers["ETag"] and "Accept-Encoding" in first.headers["Vary"]
    current = requests.get(url + path, headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]},
                           timeout=60)
    assert current.status_code == 304 and current.content == b""


def test_the_working_memory_of_a_computation_goes_back_to_the_system():
    """GEOS frees a computation's working memory into the C heap, which keeps it unless given back."""
    import numpy as np

    from webapp import bewaard

    if bewaard._MALLOC_TRIM is None:
        pytest.skip("this C library has no malloc_trim; its allocator gives memory back on its own")

    def rss_mb() -> float:
        regel = next(r for r in Path("/proc/self/status").read_text().splitlines() if r.startswith("VmRSS:"))
        return int(regel.split()[1]) / 1024

    punten = shapely.points(np.random.default_rng(1).random((200_000, 2)) * 1000)
    genomen = []

    def bereken() -> float:  # a small result; its working memory (200,000 polygons) freed when it ends
        vlakken = shapely.buffer(punten, 1.0)
        genomen.append(rss_mb())
        return float(shapely.area(vlakken).sum())

    voor = rss_mb()
    bewaard.Bewaard(4, teruggeven=True)("vlak", bereken)
    assert genomen[0] - voor > 50
    assert rss_mb() < genomen[0] - 50
