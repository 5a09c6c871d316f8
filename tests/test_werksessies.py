"""Werksessies over real HTTP: links, cookies, CSRF, checks on drawings, permissions, history, moderation,
dots, afspraken, export and import, retention, rate limits, and the database underneath."""

from __future__ import annotations

import copy
import json
import re
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests
from _server import running

from kaart import reeksen
from kaart.kaartbestand import write_kaart
from webapp import create_app
from webapp.werksessies.opslag import Opslag, verschillen

VANDAAG = date.today()


INSTELLINGEN = {"SECRET_KEY": "test-geheim", "WERKSESSIE_AANMAAKLIMIET": "1000 per minute"}
"""Creating werksessies is not rate-limited here unless a test asks."""


def maak_app(kaart_pad, db, **config):
    """An app on its own database, with its instance folder beside it."""
    return create_app({"KAART_PAD": kaart_pad, "WERKSESSIE_DB": f"sqlite:///{db}", **INSTELLINGEN, **config},
                      instance_path=Path(db).parent / "instance")


@pytest.fixture(scope="module")
def site_config(tmp_path_factory) -> dict:
    """The shared ``site`` (tests/conftest.py) of this module on its own database, set up like :func:`maak_app`."""
    return {"WERKSESSIE_DB": f"sqlite:///{tmp_path_factory.mktemp('ws') / 'werksessies.sqlite'}", **INSTELLINGEN}


@pytest.fixture(scope="module")
def db(site_app) -> Path:
    """The database file of ``site``."""
    return Path(site_app.config["WERKSESSIE_DB"].removeprefix("sqlite:///"))


class Browser:
    """One participant: a cookie jar, the CSRF token of the last page, JSON helpers."""

    def __init__(self, url: str):
        self.url, self.s, self.csrf = url, requests.Session(), None

    def pagina(self, path: str, **kwargs) -> requests.Response:
        response = self.s.get(self.url + path, timeout=30, **kwargs)
        found = re.search(r'name="csrf-token" content="([^"]+)"', response.text) or \
            re.search(r'name="csrf_token" value="([^"]+)"', response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def api(self, method: str, ws: int, path: str, body=None, csrf=True) -> requests.Response:
        headers = {"X-CSRFToken": self.csrf} if csrf else {}
        return self.s.request(method, f"{self.url}/werksessies/{ws}/api/{path}", json=body, headers=headers,
                              timeout=30)


def nieuwe_werksessie(url: str, **velden) -> tuple[Browser, int, dict[str, str]]:
    """Create a werksessie through the form; the creator is its facilitator. Returns (facilitator, id, links)."""
    facilitator = Browser(url)
    facilitator.pagina("/werksessies/nieuw")
    data = {"csrf_token": facilitator.csrf, "titel": "Buurtavond Oost", "fase": "ervaringsgegevens",
            "begin": VANDAAG.isoformat(), "einde": (VANDAAG + timedelta(days=7)).isoformat(), "stippen": "3",
            "alleen_eigen": "on", "lezerslink": "on", **velden}
    response = facilitator.s.post(f"{url}/werksessies/nieuw", data=data, timeout=30)
    assert response.status_code == 201, response.text
    links = dict(zip(["facilitator", "deelnemer", "lezer"], re.findall(r'value="(http[^"]+/w/[^"]+)"', response.text)))
    ws = int(re.search(r'href="/werksessies/(\d+)"', response.text).group(1))
    facilitator.pagina(f"/werksessies/{ws}")
    return facilitator, ws, links


def deelnemer(url: str, link: str, ws: int) -> Browser:
    b = Browser(url)
    first = b.s.get(link, timeout=30, allow_redirects=False)
    assert first.status_code == 303 and first.headers["Location"].endswith(f"/werksessies/{ws}")
    assert first.headers["Referrer-Policy"] == "no-referrer"
    b.pagina(f"/werksessies/{ws}")
    return b


def midden(b: Browser, ws: int) -> tuple[float, float]:
    text = b.pagina(f"/werksessies/{ws}").text
    cfg = json.loads(re.search(r'id="werksessie-instellingen" type="application/json">(.*?)</script>', text,
                               re.S).group(1))
    s, w, n, e = cfg["grens"]
    return (w + e) / 2, (s + n) / 2


def vlak(lon, lat, d=0.002):
    return {"type": "Polygon", "coordinates": [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d],
                                                [lon, lat]]]}


def test_a_link_becomes_a_cookie_and_a_clean_url_and_only_its_hash_is_stored(site, db):
    url = site
    facilitator, ws, links = nieuwe_werksessie(url)
    a = deelnemer(url, links["deelnemer"], ws)
    assert a.pagina(f"/werksessies/{ws}").status_code == 200
    assert requests.get(f"{url}/werksessies/{ws}", timeout=30).status_code == 403  # no cookie, no entry
    stored = sqlite3.connect(db).execute("select token_hash from toegang").fetchall()
    tokens = [link.rsplit("/", 1)[1] for link in links.values()]
    assert all(len(h) == 64 for (h,) in stored)
    raw = db.read_bytes() + (db.with_name(db.name + "-wal").read_bytes() if db.with_name(db.name + "-wal").exists()
                             else b"")
    assert not any(t.encode() in raw for t in tokens)
    assert requests.get(f"{url}/w/nietbestaand", timeout=30).status_code == 404


def test_revoking_a_link_shuts_out_whoever_came_in_with_it(site):
    url = site
    facilitator, ws, links = nieuwe_werksessie(url)
    a = deelnemer(url, links["deelnemer"], ws)
    response = facilitator.s.post(f"{url}/werksessies/{ws}/links/deelnemer", data={"csrf_token": facilitator.csrf},
                                  timeout=30)
    assert response.status_code == 200 and "De vorige link werkt niet meer" in response.text
    assert a.api("GET", ws, "annotaties").status_code == 403
    assert requests.get(links["deelnemer"], timeout=30).status_code == 404
    nieuw = re.findall(r'value="(http[^"]+/w/[^"]+)"', response.text)
    assert len(nieuw) == 1 and nieuw[0] != links["deelnemer"]
    deelnemer(url, nieuw[0], ws)  # the new link works


def test_an_ended_werksessie_opens_no_more_and_none_is_made_in_the_past(site, db):
    url = site
    facilitator, ws, links = nieuwe_werksessie(url)
    a = deelnemer(url, links["deelnemer"], ws)
    with sqlite3.connect(db) as c:  # the werksessie ends: its links expire with it
        c.execute("update toegang set verloopt = ? where werksessie_id = ?", ("2020-01-01 00:00:00", ws))
    response = requests.get(links["deelnemer"], timeout=30)
    assert response.status_code == 404 and "verlopen" in response.text
    assert a.api("GET", ws, "annotaties").status_code == 403
    facilitator.pagina("/werksessies/nieuw")
    past = facilitator.s.post(f"{url}/werksessies/nieuw", timeout=30, data={
        "csrf_token": facilitator.csrf, "titel": "Te laat", "fase": "prioritering", "stippen": "3",
        "begin": (VANDAAG - timedelta(days=9)).isoformat(), "einde": (VANDAAG - timedelta(days=2)).isoformat()})
    assert past.status_code == 400 and "in het verleden" in past.text


def test_state_changes_need_the_csrf_token(site):
    url = site
    facilitator, ws, links = nieuwe_werksessie(url)
    lon, lat = midden(facilitator, ws)
    response = facilitator.api("POST", ws, "annotaties", {"geometrie": vlak(lon, lat), "categorie": "kans",
                                                          "tekst": "x"}, csrf=False)
    assert response.status_code == 400 and "beveiligingscode" in response.json()["fout"]["melding"]
    form = requests.post(f"{url}/werksessies/nieuw", data={"titel": "x"}, timeout=30)
    assert form.status_code == 400 and "beveiligingscode" in form.text


@pytest.mark.parametrize("geometrie, fragment", [
    ({"type": "MultiPolygon", "coordinates": []}, "één punt, lijn of vlak"),
    ("geen geometrie", "één punt, lijn of vlak"),
    ({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}, "ongeldig"),
    ({"type": "Point", "coordinates": [4.0, 51.0]}, "buiten de regio"),
    ({"type": "LineString", "coordinates": "x"}, "onleesbaar"),
])
def test_bad_drawings_are_refused_in_dutch(site, geometrie, fragment):
    url = site
    facilitator, ws, _ = nieuwe_werksessie(url)
    response = facilitator.api("POST", ws, "annotaties", {"geometrie": geometrie, "categorie": "kans",
                                                          "tekst": "x"})
    assert response.status_code == 400 and fragment in response.json()["fout"]["melding"]


def test_too_many_vertices_and_too_large_requests_are_refused(site):
    url = site
    facilitator, ws, _ = nieuwe_werksessie(url)
    lon, lat = midden(facilitator, ws)
    line = {"type": "LineString", "coordinates": [[lon + i * 1e-6, lat] for i in range(2500)]}
    response = facilitator.api("POST", ws, "annotaties", {"geometrie": line, "categorie": "kans", "tekst": "x"})
    assert response.status_code == 400 and "hoekpunten" in response.json()["fout"]["melding"]
    big = facilitator.api("POST", ws, "annotaties", {"geometrie": vlak(lon, lat), "categorie": "kans",
                                                     "tekst": "x" * 300_000})
    assert big.status_code == 413 and big.json()["fout"]["status"] == 413


def test_texts_are_checked(site):
    url = site
    facilitator, ws, _ = nieuwe_werksessie(url)
    lon, lat = midden(facilitator, ws)
    for body, fragment in [({"categorie": "kans", "tekst": " "}, "toelichting"),
                           ({"categorie": "roddel", "tekst": "x"}, "categorie"),
                           ({"categorie": "kans", "tekst": "x" * 2001}, "2.000")]:
        response = facilitator.api("POST", ws, "annotaties", {"geometrie": vlak(lon, lat), **body})
        assert response.status_code == 400 and fragment in response.json()["fout"]["melding"]


def test_own_annotations_only_with_history_and_undo(site):
    url = site
    facilitator, ws, links = nieuwe_werksessie(url)
    a, b = deelnemer(url, links["deelnemer"], ws), deelnemer(url, links["deelnemer"], ws)
    lezer = deelnemer(url, links["lezer"], ws)
    lon, lat = midden(a, ws)
    made = a.api("POST", ws, "annotaties", {"geometrie": vlak(lon, lat), "categorie": "zorg",
                                            "tekst": "Veel eenzame ouderen", "naam": "Wijkteam"})
    assert made.status_code == 201 and made.json()["buurten"]
    aid = made.json()["id"]
    assert b.api("PATCH", ws, f"annotaties/{aid}", {"tekst": "weg ermee"}).status_code == 403
    assert b.api("DELETE", ws, f"annotaties/{aid}").status_code == 403
    assert lezer.api("POST", ws, "annotaties", {"geometrie": vlak(lon, lat), "categorie": "zorg",
                                                "tekst": "x"}).status_code == 403
    assert a.api("PATCH", ws, f"annotaties/{aid}", {"tekst": "Veel eenzame ouderen, weinig ontmoeting"}).ok
    assert facilitator.api("PATCH", ws, f"annotaties/{aid}", {"categorie": "signaal"}).ok
    assert a.api("DELETE", ws, f"annotaties/{aid}").ok
    assert aid in b.api("GET", ws, "annotaties?sinds=0").json()["weg"]
    assert a.api("POST", ws, f"annotaties/{aid}/herstel").ok
    shown = b.api("GET", ws, "annotaties?sinds=0").json()["annotaties"]
    assert [(x["id"], x["categorie"], x["tekst"]) for x in shown] == [
        (aid, "signaal", "Veel eenzame ouderen, weinig ontmoeting")]
    history = a.api("GET", ws, f"annotaties/{aid}/geschiedenis").json()
    assert [h["actie"] for h in history] == ["aangemaakt", "gewijzigd", "gewijzigd", "verwijderd", "hersteld"]
    assert [h["door"] for h in history][:3] == ["u", "u", "facilitator"]
    assert history[1]["voor"]["tekst"] == "Veel eenzame ouderen" and history[2]["na"]["categorie"] == "signaal"
    assert b.api("GET", ws, f"annotaties/{aid}/geschiedenis").status_code == 403


def test_polling_returns_only_what_changed(site):
    url = site
    facilitator, ws, links = nieuwe_werksessie(url)
    a = deelnemer(url, links["deelnemer"], ws)
    lon, lat = midden(a, ws)
    first = a.api("GET", ws, "annotaties?sinds=0").json()
    a.api("POST", ws, "annotaties", {"geometrie": {"type": "Point", "coordinates": [lon, lat]},
                                     "categorie": "idee", "tekst": "Bankje"})
    later = facilitator.api("GET", ws, f"annotaties?sinds={first['revisie']}").json()
    assert [x["tekst"] for x in later["annotaties"]] == ["Bankje"] and later["revisie"] > first["revisie"]
    assert facilitator.api("GET", ws, f"annotaties?sinds={later['revisie']}").json()["annotaties"] == []
    assert facilitator.api("GET", ws, "annotaties?sinds=x").status_code == 400


def test_moderation_holds_new_annotations_until_approved_and_hides_any(site):
    url = site
    facilitator, ws, links = nieuwe_werksessie(url, moderatie="on")
    a, b = deelnemer(url, links["deelnemer"], ws), deelnemer(url, links["deelnemer"], ws)
    lon, lat = midden(a, ws)
    aid = a.api("POST", ws, "annotaties", {"geometrie": vlak(lon, lat), "categorie": "vraag",
                                           "tekst": "Waar is de huisarts?"}).json()["id"]
    assert b.api("GET", ws, "annotaties").json()["annotaties"] == []
    assert [x["status"] for x in a.api("GET", ws, "annotaties").json()["annotaties"]] == ["wacht"]
    assert b.api("POST", ws, f"annotaties/{aid}/status", {"status": "zichtbaar"}).status_code == 403
    assert facilitator.api("POST", ws, f"annotaties/{aid}/status", {"status": "zichtbaar"}).ok
    assert [x["id"] for x in b.api("GET", ws, "annotaties").json()["annotaties"]] == [aid]
    assert facilitator.api("POST", ws, f"annotaties/{aid}/status", {"status": "verborgen"}).ok
    assert b.api("GET", ws, "annotaties").json()["weg"] == [aid]


def test_dots_are_limited_on_the_server_even_when_sent_at_once(site):
    url = site
    facilitator, ws, links = nieuwe_werksessie(url)  # three dots each
    a = deelnemer(url, links["deelnemer"], ws)
    lon, lat = midden(a, ws)
    ids = [a.api("POST", ws, "annotaties", {"geometrie": vlak(lon + i * 0.003, lat), "categorie": "kans",
                                            "tekst": f"Plek {i}"}).json()["id"] for i in range(6)]
    assert facilitator.api("POST", ws, "instellingen", {"fase": "prioritering"}).status_code == 200
    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(lambda aid: a.api("PUT", ws, "stemmen", {"doel_soort": "annotatie", "doel": str(aid),
                                                                           "aantal": 1}).status_code, ids))
    assert sorted(results) == [200, 200, 200, 409, 409, 409]
    ranking = a.api("GET", ws, "ranglijst").json()
    assert ranking["over"] == 0 and sum(r["mijn"] for r in ranking["ranglijst"]) == 3
    for body, status in [({"doel_soort": "drukpunt", "doel": "BU00000000", "aantal": 1}, 404),
                         ({"doel_soort": "annotatie", "doel": str(ids[0]), "aantal": -1}, 400),
                         ({"doel_soort": "stemming", "doel": "1", "aantal": 1}, 400)]:
        assert a.api("PUT", ws, "stemmen", body).status_code == status


def test_afspraken_are_smart_and_export_as_csv(site, demo_kaart):
    url = site
    facilitator, ws, links = nieuwe_werksessie(url)
    code = demo_kaart.gebieden["buurt"].index[5]
    good = {"gebied": code, "wat": "Een ontmoetingsplek in het buurthuis", "wanneer": "2027-06-01",
            "wie": [{"partij": "Gemeente", "rol": "meebeslissen"}, {"partij": "Bewonersraad", "rol": "co-creeren"}],
            "indicator": "aandeel_65plus", "doelwaarde": "18,5", "doeljaar": "2030"}
    made = facilitator.api("POST", ws, "afspraken", good)
    assert made.status_code == 201
    assert made.json()["huidige_waarde"] == pytest.approx(demo_kaart.gebieden["buurt"].at[code, "ind_aandeel_65plus"])
    assert made.json()["doelwaarde"] == 18.5
    for change, fragment in [({"gebied": "BU00000000"}, "geen gebied"), ({"wie": []}, "partijen"),
                             ({"wie": [{"partij": "X", "rol": "baas"}]}, "partijen"), ({"wanneer": "morgen"}, "datum"),
                             ({"indicator": "geluk"}, "geen indicator"), ({"doeljaar": "volgend jaar"}, "getal")]:
        response = facilitator.api("POST", ws, "afspraken", {**good, **change})
        assert response.status_code == 400 and fragment in response.json()["fout"]["melding"], change
    a = deelnemer(url, links["deelnemer"], ws)
    assert a.api("POST", ws, "afspraken", good).status_code == 403
    csv = a.s.get(f"{url}/werksessies/{ws}/afspraken.csv", timeout=30)
    assert csv.content.startswith("\ufeff".encode())
    assert "Gemeente (meebeslissen), Bewonersraad (co-creëren)" in csv.content.decode("utf-8-sig")


@pytest.mark.parametrize("formaat", ["gpkg", "geojson"])
def test_export_and_import_into_a_fresh_database_loses_nothing(site, demo_kaart_pad, tmp_path, formaat):
    url = site
    facilitator, ws, links = nieuwe_werksessie(url)
    a = deelnemer(url, links["deelnemer"], ws)
    lon, lat = midden(a, ws)
    kept = a.api("POST", ws, "annotaties", {"geometrie": vlak(lon, lat), "categorie": "zorg", "tekst": "Blijft",
                                            "naam": "Wijkverpleging"}).json()["id"]
    gone = a.api("POST", ws, "annotaties", {"geometrie": {"type": "Point", "coordinates": [lon, lat]},
                                            "categorie": "idee", "tekst": "Weg"}).json()["id"]
    a.api("PATCH", ws, f"annotaties/{kept}", {"tekst": "Blijft, aangepast"})
    a.api("DELETE", ws, f"annotaties/{gone}")
    facilitator.api("POST", ws, "instellingen", {"open": {"stemmen": True}})
    assert a.api("PUT", ws, "stemmen", {"doel_soort": "annotatie", "doel": str(kept), "aantal": 2}).status_code == 200
    facilitator.api("POST", ws, "afspraken", {"gebied": "GM9901", "wat": "Plan", "wanneer": "2027-01-01",
                                              "wie": [{"partij": "Corporatie", "rol": "adviseren"}]})
    export = facilitator.s.get(f"{url}/werksessies/{ws}/export.{formaat}", timeout=30)
    assert export.status_code == 200
    assert a.s.get(f"{url}/werksessies/{ws}/export.{formaat}", timeout=30).status_code == 403

    with running(maak_app(demo_kaart_pad, tmp_path / "nieuw.sqlite")) as other:
        importer = Browser(other)
        importer.pagina("/werksessies/importeer")
        response = importer.s.post(f"{other}/werksessies/importeer", data={"csrf_token": importer.csrf},
                                   files={"bestand": (f"export.{formaat}", export.content)}, timeout=60)
        assert response.status_code == 201, response.text
        new = int(re.search(r'href="/werksessies/(\d+)"', response.text).group(1))
        importer.pagina(f"/werksessies/{new}")
        shown = importer.api("GET", new, "annotaties").json()["annotaties"]
        assert [(x["categorie"], x["tekst"], x["naam"], x["geometrie"]["type"]) for x in shown] == [
            ("zorg", "Blijft, aangepast", "Wijkverpleging", "Polygon")]
        ranking = importer.api("GET", new, "ranglijst").json()["ranglijst"]
        assert [(r["doel_soort"], r["stippen"], r["label"]) for r in ranking] == [
            ("annotatie", 2, "Zorg: Blijft, aangepast")]
        history = importer.api("GET", new, f"annotaties/{shown[0]['id']}/geschiedenis").json()
        assert [h["actie"] for h in history] == ["aangemaakt", "gewijzigd"]
        assert [x["wat"] for x in importer.api("GET", new, "afspraken").json()] == ["Plan"]
        again = importer.api("GET", new, "annotaties?sinds=0").json()
        assert len(again["weg"]) == 1  # the deleted one came along, still deleted
        bad = importer.s.post(f"{other}/werksessies/importeer", data={"csrf_token": importer.csrf},
                              files={"bestand": ("x.geojson", b'{"type": "FeatureCollection"}')}, timeout=30)
        assert bad.status_code == 400 and "geen export van een werksessie" in bad.text


def test_free_text_is_purged_after_the_retention_period(demo_kaart_pad, tmp_path):
    db = tmp_path / "oud.sqlite"
    with running(maak_app(demo_kaart_pad, db)) as url:
        facilitator, ws, _ = nieuwe_werksessie(url, bewaartermijn_dagen="10")
    with sqlite3.connect(db) as c:  # the werksessie ended 20 days ago; a text drawn during it
        c.execute("update werksessie set einde = ?", ((VANDAAG - timedelta(days=20)).isoformat(),))
        c.execute("insert into annotatie (werksessie_id, categorie, tekst, naam, geometrie, soort, minx, miny, maxx, "
                  "maxy, buurten, status, verwijderd, revisie, aangemaakt, gewijzigd) values (?, 'zorg', "
                  "'Mevrouw X op nummer 3', 'Jan', '{}', 'punt', 0, 0, 0, 0, '', 'zichtbaar', 0, 1, ?, ?)",
                  (ws, "2026-01-01 00:00:00", "2026-01-01 00:00:00"))
    maak_app(demo_kaart_pad, db)  # the purge runs at start-up
    with sqlite3.connect(db) as c:
        assert c.execute("select tekst, naam from annotatie").fetchall() == [
            ("[tekst verwijderd na de bewaartermijn]", "")]
        assert c.execute("select tekst_gewist is not null from werksessie").fetchone() == (1,)


def test_writes_are_rate_limited_per_participant(demo_kaart_pad, tmp_path):
    with running(maak_app(demo_kaart_pad, tmp_path / "r.sqlite", WERKSESSIE_SCHRIJFLIMIET="3 per minute")) as url:
        facilitator, ws, links = nieuwe_werksessie(url)
        lon, lat = midden(facilitator, ws)
        codes = [facilitator.api("POST", ws, "annotaties", {"geometrie": vlak(lon, lat), "categorie": "kans",
                                                            "tekst": f"{i}"}).status_code for i in range(4)]
        assert codes == [201, 201, 201, 429]
        other = deelnemer(url, links["deelnemer"], ws)  # another participant has their own budget
        assert other.api("POST", ws, "annotaties", {"geometrie": vlak(lon, lat), "categorie": "kans",
                                                    "tekst": "y"}).status_code == 201


def test_the_migrations_make_the_models_schema_with_wal_and_full_sync(tmp_path):
    opslag = Opslag(f"sqlite:///{tmp_path / 'schema.sqlite'}")
    assert verschillen(opslag.engine) == []
    with opslag.engine.connect() as c:
        assert c.exec_driver_sql("pragma journal_mode").scalar() == "wal"
        assert c.exec_driver_sql("pragma synchronous").scalar() == 2  # FULL
        assert c.exec_driver_sql("pragma foreign_keys").scalar() == 1
    Opslag(f"sqlite:///{tmp_path / 'schema.sqlite'}")  # migrating again is a no-op


def test_a_failed_write_leaves_nothing_half_done(site, db):
    url = site
    facilitator, ws, _ = nieuwe_werksessie(url)
    before = sqlite3.connect(db).execute("select revisie from werksessie where id = ?", (ws,)).fetchone()
    assert facilitator.api("POST", ws, "annotaties", {"geometrie": {"type": "Point", "coordinates": [4.0, 51.0]},
                                                      "categorie": "kans", "tekst": "x"}).status_code == 400
    after = sqlite3.connect(db).execute("select revisie from werksessie where id = ?", (ws,)).fetchone()
    assert before == after


def test_unknown_werksessie_and_bad_json_are_clear(site):
    url = site
    facilitator, ws, _ = nieuwe_werksessie(url)
    assert facilitator.api("GET", 999999, "annotaties").status_code == 404
    response = facilitator.s.post(f"{url}/werksessies/{ws}/api/annotaties", data="niet json",
                                  headers={"X-CSRFToken": facilitator.csrf, "Content-Type": "application/json"})
    assert response.status_code == 400 and "JSON" in response.json()["fout"]["melding"]


def test_an_afspraak_made_on_a_2022_value_is_monitored_against_2023(demo_eenjarig, tmp_path):
    """Made while the kaart was of 2022; the kaart is rebuilt for 2023 with 2022 in its series: the monitor page
    and the CSV hold the afspraak against 2023, by the written rule (a straight line from 2022 to the target)."""
    code = demo_eenjarig.gebieden["buurt"].index[5]
    kolom = "ind_aandeel_65plus"
    kaart_2022 = copy.deepcopy(demo_eenjarig)
    kaart_2022.metadata["jaar"] = 2022
    for frame in kaart_2022.gebieden.values():
        frame[kolom] = frame[kolom] * 1.1
    kaart_2023 = copy.deepcopy(demo_eenjarig)
    for niveau, frame in kaart_2022.gebieden.items():
        reeksen.voeg_toe(kaart_2023, niveau, 2022, frame[[kolom]])
    db = tmp_path / "ws.sqlite"
    with running(maak_app(write_kaart(kaart_2022, tmp_path / "k2022.gpkg"), db)) as url:
        facilitator, ws, _ = nieuwe_werksessie(url)
        basis = float(kaart_2022.gebieden["buurt"].at[code, kolom])
        made = facilitator.api("POST", ws, "afspraken", {
            "gebied": code, "wat": "Meer jonge gezinnen", "wanneer": "2027-06-01", "indicator": "aandeel_65plus",
            "wie": [{"partij": "Gemeente", "rol": "meebeslissen"}], "doelwaarde": str(basis / 2), "doeljaar": "2030"})
        assert made.status_code == 201 and made.json()["basisjaar"] == 2022
        assert made.json()["voortgang"]["status"] == "nog geen nieuwer cijfer"
    with running(maak_app(write_kaart(kaart_2023, tmp_path / "k2023.gpkg"), db)) as url:
        facilitator.url = url
        nu = float(demo_eenjarig.gebieden["buurt"].at[code, kolom])
        lijn = basis + (2023 - 2022) / (2030 - 2022) * (basis / 2 - basis)
        verwacht = "gehaald" if nu <= basis / 2 else "op koers" if nu <= lijn else "achter"
        assert verwacht == "op koers"  # 2023 is a tenth lower than 2022; the line asks an eighth of a half
        page = facilitator.s.get(f"{url}/werksessies/{ws}/monitor", timeout=30)
        assert page.status_code == 200
        rij = re.search(r"<tbody>(.*?)</tbody>", page.text, re.S).group(1)
        assert "(2022)</td>" in rij and "2023: " in rij and f">{verwacht}</strong>" in rij
        assert facilitator.s.get(f"{url}/werksessies/{ws}/monitor?gebied=BU00000000", timeout=30).status_code == 404
        csv = facilitator.s.get(f"{url}/werksessies/{ws}/afspraken.csv", timeout=30).content.decode("utf-8-sig")
        kop, regel = csv.splitlines()[:2]
        rij_csv = dict(zip(kop.split(";"), regel.split(";")))
        assert rij_csv["basisjaar"] == "2022" and rij_csv["nieuwste jaar"] == "2023" and rij_csv["voortgang"] == verwacht
