"""A werksessie's own export imports again at the size a real room makes (30 participants x 20 annotations,
and about 5 MB), over real HTTP; and an import is exactly as strict as the page: the first bad record is
named and nothing of the file is kept."""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest
from _server import running
from test_werksessies import Browser, maak_app, nieuwe_werksessie

from webapp.staat import staat
from webapp.werksessies import annotaties
from webapp.werksessies.model import Werksessie
from webapp.werksessies.toegang import open_link


def _vul(app, ws: int, links: dict, deelnemers: int, per_deelnemer: int, tekst: str) -> None:
    """Fill a werksessie in-process (fast), each participant drawing through the same checks as the page."""
    omgeving = staat(app).werksessies
    minx, miny, maxx, maxy = omgeving.index.buurten.to_crs("EPSG:4326").total_bounds
    with omgeving.opslag.schrijf() as s:
        werksessie = s.get(Werksessie, ws)
        for d in range(deelnemers):
            deelnemer = open_link(s, links["deelnemer"].rsplit("/", 1)[1])
            for i in range(per_deelnemer):
                lon = minx + (maxx - minx) * (0.3 + 0.4 * i / per_deelnemer)
                lat = miny + (maxy - miny) * (0.3 + 0.4 * d / deelnemers)
                annotaties.plaats(s, werksessie, deelnemer, {
                    "geometrie": {"type": "Polygon", "coordinates": [[[lon, lat], [lon + 0.001, lat],
                                                                      [lon + 0.001, lat + 0.001], [lon, lat]]]},
                    "categorie": "signaal", "tekst": f"{tekst} ({d}-{i})"}, omgeving.index)


def _importeer(url: str, naam: str, inhoud: bytes):
    importer = Browser(url)
    importer.pagina("/werksessies/importeer")
    response = importer.s.post(f"{url}/werksessies/importeer", data={"csrf_token": importer.csrf},
                               files={"bestand": (naam, inhoud)}, timeout=120)
    return importer, response


@pytest.mark.parametrize("deelnemers, per_deelnemer, lengte, formaat", [
    (30, 20, 300, "geojson"), (30, 20, 300, "gpkg"), (30, 40, 1900, "geojson")],
    ids=["30x20-geojson", "30x20-gpkg", "5MB-geojson"])
def test_a_rooms_export_imports_into_a_fresh_database(demo_kaart_pad, tmp_path, deelnemers, per_deelnemer,
                                                      lengte, formaat):
    app = maak_app(demo_kaart_pad, tmp_path / "bron.sqlite")
    with running(app) as url:
        f, ws, links = nieuwe_werksessie(url)
        _vul(app, ws, links, deelnemers, per_deelnemer, "x" * lengte)
        export = f.s.get(f"{url}/werksessies/{ws}/export.{formaat}", timeout=120)
        assert export.status_code == 200
    assert len(export.content) > 256 * 1024  # larger than the general cap on a request
    if lengte > 1000:
        assert len(export.content) > 4.5 * 2**20
    with running(maak_app(demo_kaart_pad, tmp_path / "doel.sqlite")) as other:
        importer, response = _importeer(other, f"export.{formaat}", export.content)
        assert response.status_code == 201, response.text[:500]
        new = int(re.search(r'href="/werksessies/(\d+)"', response.text).group(1))
        importer.pagina(f"/werksessies/{new}")
        shown = importer.api("GET", new, "annotaties").json()["annotaties"]
        assert len(shown) == deelnemers * per_deelnemer
        assert sorted(a["tekst"] for a in shown)[0] == f"{'x' * lengte} (0-0)"


def _geojson_export(url: str, f: Browser, ws: int) -> dict:
    return json.loads(f.s.get(f"{url}/werksessies/{ws}/export.geojson", timeout=60).content)


@pytest.fixture(scope="module")
def export(demo_kaart_pad, tmp_path_factory):
    """A small export (one annotation, one vote, one afspraak) to spoil in the tests below."""
    folder = tmp_path_factory.mktemp("bederf")
    app = maak_app(demo_kaart_pad, folder / "b.sqlite")
    with running(app) as url:
        f, ws, links = nieuwe_werksessie(url)
        _vul(app, ws, links, 1, 2, "Een melding")
        pakket = _geojson_export(url, f, ws)
    pakket["stemmen"] = [{"deelnemer": pakket["deelnemers"][-1]["id"], "doel_soort": "annotatie",
                          "doel": pakket["features"][0]["properties"]["id"], "aantal": 2}]
    pakket["afspraken"] = [{"gebied": "GM9901", "wat": "Plan", "wanneer": "2027-01-01", "indicator": "",
                            "huidige_waarde": None, "doelwaarde": 12.5, "doeljaar": 2030, "status": "gepland",
                            "aangemaakt": "2026-12-01T10:00:00",
                            "wie": json.dumps([{"partij": "Corporatie", "rol": "adviseren"}])}]
    return pakket


def _bedorven(pakket: dict, pad: tuple, waarde) -> bytes:
    kopie = json.loads(json.dumps(pakket))
    doel = kopie
    for stap in pad[:-1]:
        doel = doel[stap]
    doel[pad[-1]] = waarde
    return json.dumps(kopie).encode()


@pytest.mark.parametrize("pad, waarde, fragment", [
    (("features", 1, "properties", "tekst"), "x" * 250_000, "Annotatie 2: Het veld ‘toelichting’ is 250.000 tekens"),
    (("features", 0, "properties", "categorie"), ["zorg"], "Annotatie 1: Kies een categorie"),
    (("features", 0, "properties", "tekst"), "nul\x00teken", "Annotatie 1: Het veld ‘toelichting’ bevat een onleesbaar"),
    (("stemmen", 0, "aantal"), 1_000_000, "Stem 1:"),
    (("stemmen", 0, "aantal"), 4, "Stem 1: deze deelnemer zet meer dan de 3 stippen"),
    (("afspraken", 0, "gebied"), "=HYPERLINK(\"http://x\")", "Afspraak 1: ‘=HYPERLINK"),
    (("afspraken", 0, "doelwaarde"), "1e999", "Afspraak 1: Het veld ‘doelwaarde’ is geen eindig getal"),
    (("afspraken", 0, "wie"), "[{\"partij\": \"A\", \"rol\": \"baas\"}]", "Afspraak 1: Geef alle partijen een rol"),
    (("werksessie", "stippen"), "veel", "De werksessie 1: Het veld ‘stippen’"),
])
def test_a_bad_record_is_named_and_nothing_is_imported(demo_kaart_pad, tmp_path, export, pad, waarde, fragment):
    with running(maak_app(demo_kaart_pad, tmp_path / "leeg.sqlite")) as url:
        importer, goed = _importeer(url, "goed.geojson", json.dumps(export).encode())
        assert goed.status_code == 201, goed.text[:400]
        _, response = _importeer(url, "x.geojson", _bedorven(export, pad, waarde))
        assert response.status_code == 400 and fragment in response.text.replace("&#39;", "'").replace(
            "&#34;", '"').replace("&quot;", '"'), response.text[-800:]
        assert _aantal_werksessies(url, importer) == 1, "a refused import left a werksessie behind"


def _aantal_werksessies(url: str, importer: Browser) -> int:
    """How many werksessies the server has: the id the next import gets, minus one."""
    _, response = _importeer(url, "nog.geojson", importer.s.get(f"{url}/werksessies/1/export.geojson",
                                                                timeout=30).content)
    return int(re.search(r'href="/werksessies/(\d+)"', response.text).group(1)) - 1


def test_a_formula_never_reaches_the_csv_as_a_live_cell(demo_kaart_pad, tmp_path):
    with running(maak_app(demo_kaart_pad, tmp_path / "csv.sqlite")) as url:
        f, ws, _ = nieuwe_werksessie(url)
        made = f.api("POST", ws, "afspraken", {"gebied": "GM9901", "wat": "=1+1", "wanneer": "2027-03-01",
                                               "wie": [{"partij": "@SUM(A1)", "rol": "adviseren"}]})
        assert made.status_code == 201
        assert made.json()["zin"].startswith("In ") and "uiterlijk 1 maart 2027" in made.json()["zin"]
        tabel = pd.read_csv(io.BytesIO(f.s.get(f"{url}/werksessies/{ws}/afspraken.csv", timeout=30).content),
                            sep=";", encoding="utf-8-sig", dtype=str)
        assert tabel.loc[0, "wat"] == "'=1+1" and tabel.loc[0, "wie"].startswith("'@SUM")
        assert tabel.loc[0, "wanneer"] == "1 maart 2027"
        assert not any(str(v).startswith(("=", "+", "-", "@")) for v in tabel.to_numpy().ravel())
