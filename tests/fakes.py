"""A fake CBS Feed and a fake PDOK server, answering from the hand-written pages in tests/fixtures.

They are registered on a ``responses.RequestsMock`` (the ``fake_cbs`` and
``fake_pdok`` fixtures in conftest.py do so on the one ``http_mock`` of a test),
so the real ``cbsodata``/``requests`` code runs and only HTTP is answered here.
``responses`` refuses every URL that is not registered with a ConnectionError:
no request reaches the internet, and a request the code should not make fails.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import responses

from layers import pdok

FIXTURES = Path(__file__).parent / "fixtures"
CBS_FEED = "https://opendata.cbs.nl/ODataFeed/odata/85618NED/"
"""The Feed of 85618NED, the Kerncijfers wijken en buurten 2023."""
PDOK_API = "https://api.pdok.nl/cbs/wijken-en-buurten-2023/ogc/v1/collections/"
PDOK_EMPTY = {"type": "FeatureCollection", "timeStamp": "2025-03-14T09:21:07Z", "links": [], "numberReturned": 0,
              "features": []}


def cbs_fixture(name: str) -> dict:
    """A page of the fake CBS Feed, as tests/fixtures/cbs holds it."""
    return json.loads((FIXTURES / "cbs" / name).read_text(encoding="utf-8"))


def pdok_fixture(name: str) -> dict:
    """A page of the fake PDOK server, as tests/fixtures/pdok holds it."""
    return json.loads((FIXTURES / "pdok" / name).read_text(encoding="utf-8"))


def query(url: str) -> dict[str, str]:
    """The query parameters of a URL, one value each."""
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def cbs_typed_dataset(request) -> tuple[int, dict, str]:
    """TypedDataSet of 85618NED: the gemeenten query, the first page of GM0505's rows
    (the only region there is), the page its nextLink points to, or no rows."""
    q = query(request.url)
    if "$skip" in q:
        body = cbs_fixture("85618NED_TypedDataSet_2.json")
    elif q.get("$filter") == "startswith(WijkenEnBuurten,'GM')":
        body = cbs_fixture("85618NED_TypedDataSet_gemeenten.json")
    elif q.get("$filter") == "startswith(WijkenEnBuurten,'NL')":
        body = cbs_fixture("85618NED_TypedDataSet_nederland.json")
    elif "'GM0505'" in q.get("$filter", ""):
        body = cbs_fixture("85618NED_TypedDataSet_1.json")
    else:
        body = {"odata.metadata": f"{CBS_FEED}$metadata#Cbs.OData.WebAPI.TypedDataSet", "value": []}
    return 200, {}, json.dumps(body)


def serve_cbs(mock: responses.RequestsMock) -> responses.RequestsMock:
    """Register the fake Feed of 85618NED on ``mock``: the service document, its metadata,
    and TypedDataSet (``cbs_typed_dataset``) with GM0505's rows on two pages."""
    mock.get(CBS_FEED, json=cbs_fixture("85618NED_service.json"))
    for name in ("TableInfos", "DataProperties", "CategoryGroups", "WijkenEnBuurten"):
        mock.get(CBS_FEED + name, json=cbs_fixture(f"85618NED_{name}.json"))
    mock.add_callback(responses.GET, CBS_FEED + "TypedDataSet", callback=cbs_typed_dataset,
                      content_type="application/json")
    return mock


def pdok_items(request) -> tuple[int, dict, str]:
    """The items of a 2023 collection: GM0505's gemeente, wijken and buurten (the buurten
    on two pages); an empty page for any other gemeente."""
    collectie = urlsplit(request.url).path.split("/")[-2]
    q = query(request.url)
    if q.get("gemeentecode") != "GM0505":
        body = PDOK_EMPTY
    elif collectie == "buurten":
        body = pdok_fixture(f"2023_buurten_GM0505_{2 if 'cursor' in q else 1}.json")
    else:
        body = pdok_fixture(f"2023_{collectie}_GM0505.json")
    return 200, {"Content-Crs": f"<{pdok.CRS_URI}>"}, json.dumps(body)


def serve_pdok(mock: responses.RequestsMock) -> responses.RequestsMock:
    """Register the fake 2023 PDOK API (``pdok_items`` for gemeenten, wijken and buurten) on ``mock``."""
    for collectie in ("gemeenten", "wijken", "buurten"):
        mock.add_callback(responses.GET, PDOK_API + collectie + "/items", callback=pdok_items,
                          content_type="application/geo+json")
    return mock
