"""Every route of the web app, with a good request and bad ones, through the Flask test client.

The table below must name every endpoint the app registers: a new page or API
route without a good and a bad case here fails ``test_every_route_is_in_the_table``.
Bad parameters give a 4xx with a Dutch message (an HTML page, or JSON under
/api/), never a 500 or a traceback.
"""

from __future__ import annotations

import pytest

from webapp import create_app

# endpoint -> [(url, expected status)]; the first is the good case.
ROUTES = {
    "static": [("/static/kaart.css", 200), ("/static/bestaat-niet.js", 404)],
    "assets.vendor": [("/vendor/leaflet/dist/leaflet.js", 200), ("/vendor/../pyproject.toml", 404),
                      ("/vendor/bestaat-niet/index.js", 404)],
    "kaartpagina.index": [("/?niveau=wijk&indicator=inwoners", 200), ("/?niveau=provincie", 400),
                          ("/?indicator=bestaat_niet", 400)],
    "kaartpagina.export_csv": [("/export.csv?niveau=buurt&indicator=inwoners", 200), ("/export.csv?niveau=x", 400)],
    "exports.export_geojson": [("/export.geojson?niveau=gemeente", 200), ("/export.geojson?gemeente=GM0000", 400)],
    "exports.export_gpkg": [("/export.gpkg?niveau=gemeente", 200), ("/export.gpkg?indicator=x", 400)],
    "gebiedsprofiel.gebied": [("/gebied/GM9901", 200), ("/gebied/BU00000000", 404), ("/gebied/%3Cb%3E", 404)],
    "zoeken.zoeken": [("/zoek?q=GM9901", 302), ("/zoek?q=geen-gebied-zo", 404), ("/zoek", 200)],
    "vergelijken.vergelijk": [("/vergelijk?codes=GM9901,GM9902", 200), ("/vergelijk?code=XX", 404),
                              ("/vergelijk?codes=GM9901,GM9902,GM9903,BU99010001,BU99010002", 400)],
    "ranglijst.drukpunten": [("/drukpunten?niveau=wijk&profiel=gezinnen", 200), ("/drukpunten?profiel=x", 400),
                             ("/drukpunten?gewicht_aandeel_65plus=-2", 400)],
    "ranglijst.drukpunten_csv": [("/drukpunten.csv", 200), ("/drukpunten.csv?niveau=x", 400)],
    "api.indicatoren": [("/api/v1/indicatoren", 200)],
    "api.gebieden": [("/api/v1/gebieden/gemeente?indicator=inwoners&zoom=9", 200),
                     ("/api/v1/gebieden/provincie", 404), ("/api/v1/gebieden/buurt?zoom=99", 400),
                     ("/api/v1/gebieden/buurt?indicator=x", 400), ("/api/v1/gebieden/buurt?gemeente=GM0000", 404)],
    "api.gebied": [("/api/v1/gebieden/gemeente/GM9901", 200), ("/api/v1/gebieden/gemeente/BU99010001", 404)],
    "api.openapi": [("/api/v1/openapi.json", 200)],
}
CASES = [(endpoint, url, status) for endpoint, cases in ROUTES.items() for url, status in cases]


@pytest.fixture(scope="module")
def app(demo_kaart_pad):
    return create_app({"KAART_PAD": demo_kaart_pad})


def test_every_route_is_in_the_table(app):
    assert {rule.endpoint for rule in app.url_map.iter_rules()} == set(ROUTES)


@pytest.mark.parametrize("endpoint, url, status", CASES, ids=[f"{e}:{u}" for e, u, _ in CASES])
def test_route_answers_as_expected(app, endpoint, url, status):
    response = app.test_client().get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    if status != 404:  # the case exercises the endpoint it is listed under
        assert app.url_map.bind("localhost").match(url.split("?")[0])[0] == endpoint
    body = response.get_data(as_text=True) if response.mimetype.startswith(("text/", "application/json")) else ""
    assert "Traceback" not in body
    if status >= 400 and url.startswith("/api/"):
        assert response.is_json and response.get_json()["fout"]["status"] == status
    elif status >= 400 and endpoint not in ("static", "assets.vendor"):
        assert response.mimetype == "text/html" and '<html lang="nl">' in body
