"""The PDOK adapter against a fake OGC API Features server: the real ``requests`` code runs, only HTTP is mocked.

The fake server (``fake_pdok``, tests/fakes.py) is registered on ``responses``,
which answers every registered URL and refuses any other with a ConnectionError,
so a request the adapter should not make fails the test.
"""

import json
from urllib.parse import urlsplit

import geopandas as gpd
import pandas as pd
import pytest
import requests
import responses
from fakes import PDOK_API as API
from fakes import PDOK_EMPTY as EMPTY
from fakes import pdok_fixture as fixture
from fakes import query

from kaart.errors import InputError, NetworkError, SourceError
from layers import cbs, pdok


def test_all_levels_arrive_in_rd_new_with_paging_followed(fake_pdok):
    rows, report, info = pdok.load_geometrie(2023, ["GM0505"])
    assert isinstance(rows, gpd.GeoDataFrame) and rows.crs.to_epsg() == 28992
    assert rows["code"].tolist() == ["GM0505", "WK050501", "WK050502",
                                     "BU05050101", "BU05050102", "BU05050201", "BU05050209"]
    assert rows["niveau"].value_counts().to_dict() == {"buurt": 4, "wijk": 2, "gemeente": 1}
    assert rows.geometry.notna().all() and rows.geometry.is_valid.all()
    minx, miny, maxx, maxy = rows.total_bounds
    assert 100_000 < minx < maxx < 110_000 and 420_000 < miny < maxy < 430_000  # Dordrecht in RD
    gemeente = rows.set_index("code").loc["GM0505"]
    assert gemeente["geometry"].area == pytest.approx(900 * 750)
    assert (rows["jaar"] == 2023).all() and set(rows["gemeentenaam"]) == {"Dordrecht"}
    buurten = [c for c in fake_pdok.calls if "/buurten/" in c.request.url]
    assert len(buurten) == 2 and "cursor" in query(buurten[1].request.url)
    assert report.rijen == 7 and report.kolommen["aantalInwoners"] == "inwoners"
    assert info["url"] == "https://api.pdok.nl/cbs/wijken-en-buurten-2023/ogc/v1"
    assert info["collecties"] == ["gemeenten", "wijken", "buurten"] and info["rijen"] == 7


def test_each_request_asks_one_validated_gemeente_in_rd_new(fake_pdok):
    pdok.load_geometrie(2023, ["505"], niveaus=("wijk",))
    (call,) = fake_pdok.calls
    assert urlsplit(call.request.url).path == "/cbs/wijken-en-buurten-2023/ogc/v1/collections/wijken/items"
    assert query(call.request.url) == {"f": "json", "limit": "1000", "gemeentecode": "GM0505",
                                       "crs": "http://www.opengis.net/def/crs/EPSG/0/28992"}
    assert call.request.headers["User-Agent"].startswith("maatschappelijke-kaart/")


def test_sentinels_become_missing_and_water_is_flagged(fake_pdok):
    rows, _, _ = pdok.load_geometrie(2023, ["GM0505"], niveaus=("buurt",))
    water = rows.set_index("code").loc["BU05050209"]
    assert water["water"] and pd.isna(water["pct_65plus"])  # NA, not -99999999
    assert water["inwoners"] == 0
    assert rows["pct_65plus"].isna().sum() == 1


@pytest.mark.parametrize("code", ["GM0505') or (1 eq 1", "GM0505&gemeentecode=GM0642", "BU05050101", "Dordrecht"])
def test_a_malformed_code_is_refused_before_any_request(http_mock, code):
    with pytest.raises(InputError, match="not a CBS gemeente code"):
        pdok.load_geometrie(2023, ["GM0505", code])
    assert len(http_mock.calls) == 0


def test_unsupported_year_or_level_is_an_input_error(http_mock):
    with pytest.raises(InputError, match="2019, 2020, 2021, 2022, 2023, 2024, 2025"):
        pdok.load_geometrie(2018, ["GM0505"])
    with pytest.raises(InputError, match="'provincie'"):
        pdok.load_geometrie(2023, ["GM0505"], niveaus=("provincie",))
    assert len(http_mock.calls) == 0


def test_pdok_and_cbs_cover_the_same_years():
    assert list(pdok.PDOK_DATASETS) == list(cbs.KWB_TABELLEN)


def test_years_before_2023_use_the_historic_api(http_mock):
    url = "https://api.pdok.nl/cbs/wijken-en-buurten-historisch/ogc/v1/collections/buurten_2022/items"
    http_mock.get(url, json=EMPTY)
    with pytest.raises(InputError, match="PDOK has no areas of GM0505 for 2022"):
        pdok.load_geometrie(2022, ["GM0505"], niveaus=("buurt",))
    assert len(http_mock.calls) == 1


def test_areas_of_other_gemeenten_are_left_out(http_mock):
    page = fixture("2023_gemeenten_GM0505.json")
    other = json.loads(json.dumps(page["features"][0]))
    other["properties"].update(gemeentecode="GM0642", gemeentenaam="Zwijndrecht")
    page["features"].append(other)
    http_mock.get(API + "gemeenten/items", json=page)  # as if the server ignored the gemeentecode parameter
    rows, _, _ = pdok.load_geometrie(2023, ["GM0505"], niveaus=("gemeente",))
    assert rows["code"].tolist() == ["GM0505"]


def test_no_connection_is_a_network_error_with_the_fix(http_mock):
    http_mock.get(API + "gemeenten/items", body=requests.ConnectionError("simulated: connection refused"))
    with pytest.raises(NetworkError) as err:
        pdok.load_geometrie(2023, ["GM0505"])
    assert str(err.value).startswith("Could not reach PDOK (api.pdok.nl)")
    assert "--bron bestanden" in str(err.value)
    assert "simulated" in str(err.value.__cause__)  # our failure, not an unregistered URL


def test_a_timeout_on_a_later_page_is_a_network_error(fake_pdok):
    fake_pdok.replace(responses.GET, API + "wijken/items", body=requests.ReadTimeout("simulated"))
    with pytest.raises(NetworkError, match="no answer within"):
        pdok.load_geometrie(2023, ["GM0505"])


def test_http_500_is_a_source_error(fake_pdok):
    fake_pdok.replace(responses.GET, API + "buurten/items", status=500, json={"title": "Internal Server Error"})
    with pytest.raises(SourceError, match="HTTP 500.*collections/buurten/items") as err:
        pdok.load_geometrie(2023, ["GM0505"])
    assert not isinstance(err.value, NetworkError)


@pytest.mark.parametrize("body", ['{"type": "Feature", "features": []}', "<html>Onderhoud</html>", "[]"])
def test_a_page_that_is_not_a_feature_collection_is_a_source_error(http_mock, body):
    http_mock.get(API + "gemeenten/items", body=body)
    with pytest.raises(SourceError, match="PDOK"):
        pdok.load_geometrie(2023, ["GM0505"], niveaus=("gemeente",))


def test_coordinates_that_are_not_rd_are_refused(http_mock):
    page = fixture("2023_gemeenten_GM0505.json")
    page["features"][0]["geometry"] = {"type": "Polygon", "coordinates": [
        [[4.66, 51.80], [4.69, 51.80], [4.69, 51.82], [4.66, 51.82], [4.66, 51.80]]]}
    http_mock.get(API + "gemeenten/items", json=page)  # as if the server ignored the crs parameter
    with pytest.raises(SourceError, match="outside RD New"):
        pdok.load_geometrie(2023, ["GM0505"], niveaus=("gemeente",))


def test_a_looping_next_link_is_a_source_error(http_mock):
    page = fixture("2023_buurten_GM0505_1.json")
    http_mock.get(API + "buurten/items", json=page)  # every page points to the same next page
    with pytest.raises(SourceError, match="paging loops"):
        pdok.load_geometrie(2023, ["GM0505"], niveaus=("buurt",))
