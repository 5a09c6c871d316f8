"""The OpenStreetMap adapter against a recorded Overpass answer: the real osmnx request and parsing run.

``http_mock`` (conftest.py) answers the Overpass interpreter URL from
tests/fixtures/osm and refuses any other URL with a ConnectionError. osmnx
resolves the Overpass host itself before it asks (to pin one server); that
lookup is answered here too, and ``time.sleep`` fails the test if osmnx would
wait longer than a second, so no test touches the network or sleeps.
"""

import json
import re
import socket
import time
from pathlib import Path
from urllib.parse import parse_qs

import geopandas as gpd
import osmnx as ox
import pandas as pd
import pytest
import requests
import shapely

from kaart.categorieen import categorieen
from kaart.errors import InputError, NetworkError, SourceError
from layers import osm
from layers.osm import load_osm

FIXTURES = Path(__file__).parent / "fixtures" / "osm"
INTERPRETER = ox.settings.overpass_url.rstrip("/") + "/interpreter"
GEBIED = shapely.box(105_000, 423_000, 107_000, 425_000)
"""The test region in RD New: central Dordrecht, holding the fixture's objects but two."""
FOOTPRINT = shapely.box(106_400, 424_400, 106_460, 424_440)
"""Way 9200000001 (the community centre) in RD New, as the fixture's member nodes draw it."""
BIJNA_BINNEN = shapely.Point(107_030, 424_500)
"""Node 9100000007: 30 m outside the region, inside the polygon sent to Overpass."""


def answer(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture
def overpass(http_mock, monkeypatch):
    """``http_mock`` with osmnx's host lookup answered and long sleeps refused; register answers on it."""
    monkeypatch.setattr(socket, "gethostbyname", lambda host: "192.0.2.1")  # TEST-NET-1, never contacted
    monkeypatch.setattr(socket, "getaddrinfo", socket.getaddrinfo)  # undone after the test, whatever happens

    def no_long_sleep(seconds: float) -> None:
        assert seconds <= 1, f"osmnx would sleep {seconds} s"

    monkeypatch.setattr(time, "sleep", no_long_sleep)
    return http_mock


@pytest.fixture
def dordrecht(overpass):
    """The recorded answer for central Dordrecht on the interpreter URL osmnx POSTs to."""
    overpass.post(INTERPRETER, body=answer("interpreter_dordrecht.json"), content_type="application/json")
    return overpass


def sent_query(mock) -> str:
    """The Overpass QL of the one request made."""
    (call,) = mock.calls
    assert call.request.method == "POST" and call.request.url == INTERPRETER
    return parse_qs(call.request.body)["data"][0]


def asked_tags(query: str) -> set[tuple[str, str]]:
    return set(re.findall(r"\['([^']+)'='([^']+)'\]", query))


def asked_polygon(query: str) -> shapely.Geometry:
    """The (poly:'lat lon ...') of the query, in RD New; every statement must use the same one."""
    (coords,) = set(re.findall(r"\(poly:'([^']+)'\)", query))
    numbers = [float(n) for n in coords.split()]
    polygon = shapely.Polygon(list(zip(numbers[1::2], numbers[0::2], strict=True)))
    return gpd.GeoSeries([polygon], crs="EPSG:4326").to_crs("EPSG:28992").iloc[0]


def test_facilities_get_the_first_category_of_the_vocabulary_they_match(dordrecht):
    punten = load_osm(GEBIED)
    assert dict(zip(punten["osm_id"], punten["categorie"], strict=True)) == {
        "node/9100000001": "huisarts",
        "node/9100000002": "apotheek",
        "node/9100000003": "ov_halte",
        "node/9100000004": "huisarts",  # amenity=pharmacy + healthcare=doctor: huisarts comes first
        "way/9200000001": "wijkcentrum",
    }  # the bench (amenity=bench) is in no category


def test_names_addresses_source_and_crs(dordrecht):
    punten = load_osm(GEBIED).set_index("osm_id")
    assert list(load_osm(GEBIED).columns) == ["naam", "categorie", "adres", "bron", "osm_id", "geometry"]
    assert isinstance(punten, gpd.GeoDataFrame) and punten.crs.to_epsg() == 28992
    assert punten.loc["node/9100000001", "naam"] == "Huisartsenpraktijk De Lindeboom"
    assert punten.loc["node/9100000002", "naam"] == "Apotheek (zonder naam)"
    assert punten.loc["way/9200000001", "naam"] == "Wijkcentrum Het Anker"
    assert punten.loc["node/9100000001", "adres"] == "Lindelaan 12, Dordrecht"
    assert punten.loc["node/9100000002", "adres"] == "Kastanjestraat 3"
    assert punten.loc["node/9100000004", "adres"] == "Dordrecht"
    assert pd.isna(punten.loc["node/9100000003", "adres"])
    assert (punten["bron"] == "OpenStreetMap").all()
    assert (punten.geom_type == "Point").all()
    assert punten.loc["node/9100000001", "geometry"].distance(shapely.Point(105_500, 423_500)) < 0.05


def test_a_building_becomes_a_point_inside_its_footprint(dordrecht):
    punten = load_osm(GEBIED).set_index("osm_id")
    punt = punten.loc["way/9200000001", "geometry"]
    assert punt.geom_type == "Point" and FOOTPRINT.contains(punt)


def test_only_points_inside_the_region_are_returned(dordrecht):
    punten = load_osm(GEBIED)
    assert shapely.contains(GEBIED, punten.geometry.values).all()
    assert not {"node/9100000006", "node/9100000007"} & set(punten["osm_id"])
    # The near one was inside the polygon asked for, so the adapter's own clip dropped it, not osmnx.
    assert asked_polygon(sent_query(dordrecht)).contains(BIJNA_BINNEN)


def test_the_query_asks_the_vocabulary_tags_inside_the_region(dordrecht):
    load_osm(GEBIED)
    query = sent_query(dordrecht)
    assert query.startswith("[out:json][timeout:180];")
    vocabulaire = {tag for cat in categorieen().values() for tag in cat.osm}
    assert asked_tags(query) == vocabulaire
    assert ("amenity", "doctors") in vocabulaire and ("highway", "bus_stop") in vocabulaire
    polygon = asked_polygon(query)
    assert polygon.contains(GEBIED) and GEBIED.buffer(osm.QUERY_MARGIN_M * 1.5).contains(polygon)
    headers = dordrecht.calls[0].request.headers
    assert headers["User-Agent"].startswith("maatschappelijke-kaart/")


@pytest.mark.parametrize("gevraagd", [["apotheek"], ["Apotheken"]])
def test_a_limited_query_asks_only_those_tags(dordrecht, gevraagd):
    punten = load_osm(GEBIED, gevraagd)
    assert asked_tags(sent_query(dordrecht)) == {("amenity", "pharmacy"), ("healthcare", "pharmacy")}
    # Among the asked categories the pharmacy that also is a doctor's is an apotheek.
    assert dict(zip(punten["osm_id"], punten["categorie"], strict=True)) == {
        "node/9100000002": "apotheek", "node/9100000004": "apotheek"}


def test_unknown_or_tagless_categories_are_input_errors_before_any_request(overpass):
    with pytest.raises(InputError, match="'kapper', 'bakker'") as err:
        load_osm(GEBIED, ["apotheek", "kapper", "bakker"])
    assert "huisarts" in err.value.fix and "domus" not in err.value.fix  # the ones OSM can deliver
    with pytest.raises(InputError, match="no tags for domus"):
        load_osm(GEBIED, ["domus"])
    assert len(overpass.calls) == 0


@pytest.mark.parametrize("gebied", [shapely.box(4.66, 51.79, 4.69, 51.82), shapely.Point(106_000, 424_000),
                                    shapely.Polygon()])
def test_a_region_that_is_no_polygon_in_rd_is_refused(overpass, gebied):
    with pytest.raises(InputError, match="Cannot query OpenStreetMap"):
        load_osm(gebied)
    assert len(overpass.calls) == 0


def test_a_refused_connection_is_a_network_error(overpass):
    with pytest.raises(NetworkError, match=r"Could not reach OpenStreetMap \(Overpass\) \(overpass-api.de\)") as err:
        load_osm(GEBIED)  # nothing registered: the mock refuses the connection
    assert "kaart voorzieningen import" in err.value.fix and "network" in err.value.fix
    assert isinstance(err.value.__cause__, requests.ConnectionError)


def test_no_answer_in_time_is_a_network_error_naming_the_timeout(overpass):
    overpass.post(INTERPRETER, body=requests.ReadTimeout("read timed out"))
    with pytest.raises(NetworkError, match="no answer within 5 seconds"):
        load_osm(GEBIED, timeout=4.2)
    assert sent_query(overpass).startswith("[out:json][timeout:5];")


@pytest.mark.parametrize("status", [500, 429, 504])
def test_an_http_error_is_a_source_error_at_once(overpass, status):
    # osmnx itself would sleep 55 s and retry for ever on 429 and 504; the adapter stops at the first.
    overpass.post(INTERPRETER, status=status, body='{"elements": []}', content_type="application/json")
    with pytest.raises(SourceError, match=rf"OpenStreetMap \(Overpass\) answered HTTP {status}") as err:
        load_osm(GEBIED)
    assert not isinstance(err.value, NetworkError)
    assert "kaart voorzieningen import" in err.value.fix
    assert len(overpass.calls) == 1


def test_a_query_the_server_could_not_finish_is_an_error_not_an_empty_map(overpass):
    overpass.post(INTERPRETER, body=answer("interpreter_timeout.json"), content_type="application/json")
    with pytest.raises(SourceError, match="could not finish the query: runtime error: Query timed out"):
        load_osm(GEBIED)


def test_an_answer_that_is_not_overpass_json_is_a_source_error(overpass):
    overpass.post(INTERPRETER, body="<html><body>Dispatcher_Client::request_read_and_idx::timeout</body></html>",
                  content_type="text/html")
    with pytest.raises(SourceError, match="something other than JSON"):
        load_osm(GEBIED)


def test_nothing_found_is_an_empty_layer_with_the_columns(overpass):
    overpass.post(INTERPRETER, body=answer("interpreter_leeg.json"), content_type="application/json")
    punten = load_osm(GEBIED)
    assert punten.empty and list(punten.columns) == ["naam", "categorie", "adres", "bron", "osm_id", "geometry"]
    assert isinstance(punten, gpd.GeoDataFrame) and punten.crs.to_epsg() == 28992


def test_osmnx_settings_and_socket_are_left_as_they_were(overpass):
    before = {name: getattr(ox.settings, name) for name in
              ("use_cache", "overpass_rate_limit", "requests_timeout", "requests_kwargs", "log_console",
               "doh_url_template", "http_user_agent")}
    getaddrinfo = socket.getaddrinfo
    overpass.post(INTERPRETER, body=answer("interpreter_dordrecht.json"), content_type="application/json")
    load_osm(GEBIED, timeout=30)
    overpass.replace("POST", INTERPRETER, body=requests.ConnectionError("refused"))
    with pytest.raises(NetworkError):
        load_osm(GEBIED)
    assert {name: getattr(ox.settings, name) for name in before} == before
    assert socket.getaddrinfo is getaddrinfo  # osmnx pins the Overpass host by replacing it; undone


def test_the_recorded_answer_has_overpass_json_shape():
    for name in ("interpreter_dordrecht.json", "interpreter_leeg.json", "interpreter_timeout.json"):
        data = json.loads(answer(name))
        assert data["version"] == 0.6 and data["generator"].startswith("Overpass API")
        assert set(data["osm3s"]) == {"timestamp_osm_base", "copyright"}
        for element in data["elements"]:
            assert element["type"] in {"node", "way"} and isinstance(element["id"], int)
            assert ("lat" in element and "lon" in element) if element["type"] == "node" else element["nodes"]
