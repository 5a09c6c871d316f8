"""Every route of the web app, with a good request and bad ones, through the Flask test client.

The table below must name every endpoint the app registers: a new page or API
route without a good and a bad case here fails ``test_every_route_is_in_the_table``.
Bad parameters give a 4xx with a Dutch message (an HTML page, or JSON under
/api/), never a 500 or a traceback.
"""

from __future__ import annotations

import pytest


# endpoint -> [(url, expected status)] or [(method, url, status)]; the first is the good case where one exists
# without a werksessie; the werksessie's own good cases (which need a link's cookie) are in test_werksessies.py.
ROUTES = {
    "static": [("/static/kaart.css", 200), ("/static/bestaat-niet.js", 404)],
    "assets.vendor": [("/vendor/leaflet/dist/leaflet.js", 200), ("/vendor/../pyproject.toml", 404),
                      ("/vendor/bestaat-niet/index.js", 404)],
    "kaartpagina.index": [("/?niveau=wijk&indicator=inwoners", 200), ("/?niveau=provincie", 400),
                          ("/?indicator=bestaat_niet", 400), ("/?jaar=2021", 200), ("/?sinds=2020", 200),
                          ("/?jaar=1999", 400), ("/?sinds=2023", 400)],
    "kaartpagina.export_csv": [("/export.csv?niveau=buurt&indicator=inwoners", 200), ("/export.csv?niveau=x", 400)],
    "exports.export_geojson": [("/export.geojson?niveau=gemeente", 200), ("/export.geojson?gemeente=GM0000", 400)],
    "exports.export_gpkg": [("/export.gpkg?niveau=gemeente", 200), ("/export.gpkg?indicator=x", 400)],
    "gebiedsprofiel.gebied": [("/gebied/GM9901", 200), ("/gebied/BU00000000", 404), ("/gebied/%3Cb%3E", 404)],
    "gebiedsprofiel.gebied_pdf": [("/gebied/GM9901.pdf", 200), ("/gebied/BU00000000.pdf", 404)],
    "zoeken.zoeken": [("/zoek?q=GM9901", 302), ("/zoek?q=geen-gebied-zo", 404), ("/zoek", 200)],
    "vergelijken.vergelijk": [("/vergelijk?codes=GM9901,GM9902", 200), ("/vergelijk?code=XX", 404),
                              ("/vergelijk?codes=GM9901,GM9902,GM9903,BU99010001,BU99010002", 400)],
    "vergelijken.vergelijk_csv": [("/vergelijk.csv?codes=GM9901,GM9902", 200), ("/vergelijk.csv?codes=GM9901", 400),
                                  ("/vergelijk.csv?codes=GM9901,XX", 404)],
    "vergelijken.vergelijk_geo": [("/vergelijk.geojson?codes=GM9901,BU99010001", 200),
                                  ("/vergelijk.gpkg?codes=GM9901", 400), ("/vergelijk.kml?codes=GM9901,GM9902", 404)],
    "ranglijst.drukpunten": [("/drukpunten?niveau=wijk&profiel=gezinnen", 200), ("/drukpunten?profiel=x", 400),
                             ("/drukpunten?gewicht_aandeel_65plus=-2", 400)],
    "ranglijst.drukpunten_csv": [("/drukpunten.csv", 200), ("/drukpunten.csv?niveau=x", 400)],
    "ranglijst.drukpunten_geo": [("/drukpunten.gpkg?niveau=wijk", 200), ("/drukpunten.geojson?profiel=x", 400)],
    "locaties.locaties": [("/locaties?profiel=domus&gewicht_zorg=4&afstand_scholen=800", 200),
                          ("/locaties?profiel=vakantiepark", 400), ("/locaties?gewicht_zorg=11", 400),
                          ("/locaties?afstand_scholen=veel", 400), ("/locaties?gewicht_vliegveld=1", 400),
                          ("/locaties?gemeente=GM0000", 400), ("/locaties?kavels=onbekend", 400),
                          ("/locaties?profiel=domus&basis=domus&gewicht_zorg=0&gewicht_bereikbaar=0&gewicht_drukpunt=0"
                           "&gewicht_spreiding=0", 400)],
    "locaties.geschiktheid": [("/locaties/geschiktheid.png?profiel=domus", 200),
                              ("/locaties/geschiktheid.png?top=0", 400)],
    "locaties.export": [("/locaties.csv?profiel=domus", 200), ("/locaties.geojson", 200), ("/locaties.gpkg", 200),
                        ("/locaties.csv?afstand_water=-1", 400), ("/locaties.xlsx", 404)],
    "locaties.verklaar": [("/api/v1/locaties/verklaar?lat=52.5&lon=5.3", 200),
                          ("/api/v1/locaties/verklaar?lat=noord", 400), ("/api/v1/locaties/verklaar?lat=95&lon=5", 400)],
    "locaties.kavels": [("POST", "/locaties/kavels", 400)],
    "verdeling.verdeelsleutel": [("/verdeelsleutel?aantal=50&jaren=3&correctie=0.5", 200),
                                 ("/verdeelsleutel?aantal=-1", 400), ("/verdeelsleutel?regio=Atlantis", 400),
                                 ("/verdeelsleutel?aantal=10&min=4", 400), ("/verdeelsleutel?basis=x", 400)],
    "verdeling.verdeelsleutel_csv": [("/verdeelsleutel.csv?aantal=12", 200), ("/verdeelsleutel.csv?correctie=2", 400)],
    "api.indicatoren": [("/api/v1/indicatoren", 200)],
    "api.gebieden": [("/api/v1/gebieden/gemeente?indicator=inwoners&zoom=9", 200),
                     ("/api/v1/gebieden/wijk?jaar=2021&sinds=2020", 200), ("/api/v1/gebieden/wijk?jaar=x", 400),
                     ("/api/v1/gebieden/provincie", 404), ("/api/v1/gebieden/buurt?zoom=99", 400),
                     ("/api/v1/gebieden/buurt?indicator=x", 400), ("/api/v1/gebieden/buurt?gemeente=GM0000", 404)],
    "api.gebied": [("/api/v1/gebieden/gemeente/GM9901", 200), ("/api/v1/gebieden/gemeente/BU99010001", 404)],
    "api.gebied_reeksen": [("/api/v1/gebieden/wijk/WK990101/reeksen", 200),
                           ("/api/v1/gebieden/wijk/GM9901/reeksen", 404),
                           ("/api/v1/gebieden/wijk/WK990101/reeksen?indicator=bestaat_niet", 400)],
    "api.openapi": [("/api/v1/openapi.json", 200)],
    "werksessiebeheer.nieuw": [("/werksessies/nieuw", 200), ("POST", "/werksessies/nieuw", 400)],
    "werksessiebeheer.importeren": [("/werksessies/importeer", 200), ("POST", "/werksessies/importeer", 400)],
    "werksessies.open_": [("/w/onbekende-link", 404)],
    "werksessies.werksessie": [("/werksessies/1", 404)],
    "werksessies.annotaties": [("/werksessies/1/api/annotaties", 404)],
    "werksessies.kaartlagen": [("/werksessies/1/api/kaartlagen", 404)],
    "werksessies.plaats": [("POST", "/werksessies/1/api/annotaties", 400)],
    "werksessies.annotatie": [("PATCH", "/werksessies/1/api/annotaties/1", 400),
                              ("DELETE", "/werksessies/1/api/annotaties/1", 400)],
    "werksessies.herstel": [("POST", "/werksessies/1/api/annotaties/1/herstel", 400)],
    "werksessies.status": [("POST", "/werksessies/1/api/annotaties/1/status", 400)],
    "werksessies.geschiedenis": [("/werksessies/1/api/annotaties/1/geschiedenis", 404)],
    "werksessies.stem": [("PUT", "/werksessies/1/api/stemmen", 400)],
    "werksessies.ranglijst": [("/werksessies/1/api/ranglijst", 404)],
    "werksessies.afspraken": [("/werksessies/1/api/afspraken", 404), ("POST", "/werksessies/1/api/afspraken", 400)],
    "werksessies.afspraak_status": [("PATCH", "/werksessies/1/api/afspraken/1", 400)],
    "werksessies.instellingen": [("POST", "/werksessies/1/api/instellingen", 400)],
    "werksessies.vervang_link": [("POST", "/werksessies/1/links/deelnemer", 400)],
    "werksessies.wis_tekst": [("POST", "/werksessies/1/api/wis-tekst", 400)],
    "werksessies.export_gpkg": [("/werksessies/1/export.gpkg", 404)],
    "werksessies.export_geojson": [("/werksessies/1/export.geojson", 404)],
    "werksessies.afspraken_csv": [("/werksessies/1/afspraken.csv", 404)],
    "werksessies.monitor": [("/werksessies/1/monitor", 404)],
    "plannen.nieuw": [("/plannen/nieuw", 200), ("POST", "/plannen/nieuw", 400)],
    "plannen.importeren": [("/plannen/importeer", 200), ("POST", "/plannen/importeer", 400)],
    "plannen.open_": [("/p/onbekende-link", 404)],
    "plannen.plan": [("/plannen/1", 404)],
    "plannen.wijzig": [("POST", "/plannen/1/voorfase", 400)],
    "plannen.vervang_link": [("POST", "/plannen/1/links/lezer", 400)],
    "plannen.export": [("/plannen/1/export.json", 404)],
    "plannen.plandocument": [("/plannen/1/document", 404), ("/plannen/x/document", 404)],
    "plannen.plandocument_pdf": [("/plannen/1/document.pdf", 404)],
    "plannen.plandocument_docx": [("/plannen/1/document.docx", 404)],
}
CASES = [(endpoint, *(case if len(case) == 3 else ("GET", *case))) for endpoint, cases in ROUTES.items()
         for case in cases]


@pytest.fixture(scope="module")
def app(site_app):
    return site_app


def test_every_route_is_in_the_table(app):
    assert {rule.endpoint for rule in app.url_map.iter_rules()} == set(ROUTES)


@pytest.mark.parametrize("endpoint, method, url, status", CASES, ids=[f"{e}:{m}:{u}" for e, m, u, _ in CASES])
def test_route_answers_as_expected(app, endpoint, method, url, status):
    """POSTs without the CSRF token are refused (400) before anything else; pages answer in Dutch."""
    response = app.test_client().open(url, method=method)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    if status != 404:  # the case exercises the endpoint it is listed under
        assert app.url_map.bind("localhost").match(url.split("?")[0], method=method)[0] == endpoint
    body = response.get_data(as_text=True) if response.mimetype.startswith(("text/", "application/json")) else ""
    assert "Traceback" not in body
    if status >= 400 and "/api/" in url:
        assert response.is_json and response.get_json()["fout"]["status"] == status
    elif status >= 400 and endpoint not in ("static", "assets.vendor") and not url.endswith((".gpkg", ".geojson")):
        assert response.mimetype == "text/html" and '<html lang="nl">' in body
