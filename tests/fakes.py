"""A fake CBS Feed and a fake PDOK server, answering from the pages in tests/fixtures.

They are registered on a ``responses.RequestsMock`` (the ``fake_cbs`` and
``fake_pdok`` fixtures in conftest.py do so on the one ``http_mock`` of a test),
so the real ``cbsodata``/``requests`` code runs and only HTTP is answered here.
``responses`` refuses every URL that is not registered with a ConnectionError:
no request reaches the internet, and a request the code should not make fails.
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import geopandas as gpd
import responses
import shapely

FIXTURES = Path(__file__).parent / "fixtures"
CBS_FEED = "https://opendata.cbs.nl/ODataFeed/odata/85618NED/"
"""The Feed of 85618NED, the Kerncijfers wijken en buurten 2023."""
PDOK_API = "https://api.pdok.nl/cbs/wijken-en-buurten-2023/ogc/v1/collections/"
"""The collections of PDOK's 2023 API (``pdok_api(jaar)`` for any year)."""
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


PDOK_PARAMETERS = frozenset({"f", "limit", "cursor", "crs", "bbox", "bbox-crs"})
"""The query parameters PDOK's server (gokoala) accepts for these collections' items: those of OGC API
Features parts 1 and 2 it implements (``datetime``, ``filter`` and ``profile`` aside, which these
collections do not support or the adapter has no use for) and no property filter, none being
documented; it answers any other with HTTP 400 ("unknown query parameter(s) found: ...")."""
PDOK_MAX_LIMIT = 1000
"""PDOK's page maximum: a larger ``limit`` is cut to it, not refused."""
PDOK_CRS = {"http://www.opengis.net/def/crs/OGC/1.3/CRS84": "OGC:CRS84",
            "http://www.opengis.net/def/crs/EPSG/0/28992": "EPSG:28992",
            "http://www.opengis.net/def/crs/EPSG/0/3857": "EPSG:3857",
            "http://www.opengis.net/def/crs/EPSG/0/4258": "EPSG:4258"}
"""The CRSs PDOK's OGC APIs list per collection; without ``crs`` they answer in CRS84."""


def pdok_api(jaar: int) -> str:
    """The collections URL of PDOK's wijken-en-buurten API of a year."""
    return f"https://api.pdok.nl/cbs/wijken-en-buurten-{jaar}/ogc/v1/collections/"


def pdok_features(jaar: int, collectie: str) -> list[dict]:
    """Every feature of one collection of the fake server: those of the fixture files ``<jaar>_<collectie>*.json``."""
    return [f for path in sorted((FIXTURES / "pdok").glob(f"{jaar}_{collectie}*.json"))
            for f in pdok_fixture(path.name)["features"]]


def pdok_problem(status: int, detail: str) -> tuple[int, dict, str]:
    """An error answer in PDOK's shape: an RFC 7807 problem document."""
    title = {400: "Bad Request", 404: "Not Found"}[status]
    return status, {"Content-Type": "application/problem+json"}, json.dumps(
        {"title": title, "status": status, "detail": detail, "timestamp": "2025-06-02T08:14:51Z"})


def pdok_items(request, jaar: int = 2023, max_limit: int = PDOK_MAX_LIMIT) -> tuple[int, dict, str]:
    """The items of one collection, as PDOK's server answers them.

    It refuses parameters outside ``PDOK_PARAMETERS``, a non-numeric or negative
    ``limit``, a CRS it does not list and ``bbox-crs`` without ``bbox`` (400); it
    keeps the features that intersect ``bbox`` (CRS84 unless ``bbox-crs`` says
    otherwise), pages by at most ``max_limit`` features with a ``next`` link
    carrying a ``cursor``, and answers in ``crs`` (CRS84 by default).
    """
    parts = urlsplit(request.url)
    collectie = parts.path.split("/")[-2]
    params = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(params) - PDOK_PARAMETERS)
    if unknown:
        return pdok_problem(400, f"unknown query parameter(s) found: {unknown[0]}")
    q = {k: v[0] for k, v in params.items()}
    if not q.get("limit", "10").lstrip("-").isdigit():
        return pdok_problem(400, "limit must be numeric")
    limit = min(int(q.get("limit", "10")), max_limit)
    if limit < 0:
        return pdok_problem(400, "limit can't be negative")
    for name in ("crs", "bbox-crs"):
        if name in q and q[name] not in PDOK_CRS:
            return pdok_problem(400, f"{name} {q[name]} is not supported")
    if "bbox-crs" in q and "bbox" not in q:
        return pdok_problem(400, "bbox-crs can't be used without bbox parameter")
    stored = pdok_features(jaar, collectie)
    features = gpd.GeoDataFrame.from_features(stored, crs="EPSG:28992")
    features["feature"] = stored
    if "bbox" in q:
        try:
            box = shapely.box(*map(float, q["bbox"].split(",")))
        except (TypeError, ValueError):
            return pdok_problem(400, "bbox should contain exactly 4 values separated by commas: minx,miny,maxx,maxy")
        box = gpd.GeoSeries([box], crs=PDOK_CRS[q.get("bbox-crs", "http://www.opengis.net/def/crs/OGC/1.3/CRS84")])
        features = features[features.intersects(box.to_crs("EPSG:28992").iloc[0])]
    start = int(q.get("cursor", "0"))
    page = features.iloc[start:start + limit]
    crs = q.get("crs", "http://www.opengis.net/def/crs/OGC/1.3/CRS84")
    answered = [dict(f, geometry=shapely.geometry.mapping(g))
                for f, g in zip(page["feature"], page.geometry.to_crs(PDOK_CRS[crs]))]
    base = f"{parts.scheme}://{parts.netloc}{parts.path}"
    links = [{"rel": "self", "type": "application/geo+json", "title": "This document as GeoJSON",
              "href": f"{base}?{urlencode(dict(q, f='json'))}"},
             {"rel": "alternate", "type": "text/html", "title": "This document as HTML",
              "href": f"{base}?{urlencode(dict(q, f='html'))}"}]
    if start + limit < len(features):
        links.append({"rel": "next", "type": "application/geo+json", "title": "Next page",
                      "href": f"{base}?{urlencode(dict(q, f='json', cursor=str(start + limit)))}"})
    body = {"type": "FeatureCollection", "timeStamp": "2025-06-02T08:14:51Z", "links": links,
            "numberReturned": len(answered), "features": answered}
    return 200, {"Content-Crs": f"<{crs}>"}, json.dumps(body)


def serve_pdok(mock: responses.RequestsMock, jaar: int = 2023, max_limit: int = PDOK_MAX_LIMIT) -> responses.RequestsMock:
    """Register PDOK's API of ``jaar`` (``pdok_items`` for gemeenten, wijken and buurten) on ``mock``.

    2023 holds Dordrecht (GM0505) in camelCase; 2024 holds, in snake_case,
    Dordrecht as a water part followed by a land part, its neighbour Zwijndrecht
    (GM0642) whose areas touch Dordrecht's bounding box, and Amsterdam (GM0363)
    with the wijk WK0363AF and the buurten BU0363AF01 and BU0363AF02. A smaller
    ``max_limit`` makes the server page sooner.
    """
    for collectie in ("gemeenten", "wijken", "buurten"):
        mock.add_callback(responses.GET, pdok_api(jaar) + collectie + "/items",
                          callback=partial(pdok_items, jaar=jaar, max_limit=max_limit),
                          content_type="application/geo+json")
    return mock
