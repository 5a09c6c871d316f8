"""A fake CBS (OData v3 and v4) and a fake PDOK server, answering in the services' shapes.

The fake CBS serves a KWB table from its DataProperties (2024, and 2022 in its shape: CBS's
real 2024 ones, read from ../shared/data at test time) and a list of areas, and generates each cell from
its area code and key (:func:`cbs_waarde`), so a test can compute what must arrive;
see tests/fixtures/cbs/README.md. The fake PDOK server answers from the pages in
tests/fixtures/pdok.

They are registered on a ``responses.RequestsMock`` (the ``fake_cbs`` and
``fake_pdok`` fixtures in conftest.py do so on the one ``http_mock`` of a test),
so the real ``requests`` code runs and only HTTP is answered here.
``responses`` refuses every URL that is not registered with a ConnectionError:
no request reaches the internet, and a request the code should not make fails.
"""

from __future__ import annotations

import csv
import functools
import json
import re
import zlib
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import geopandas as gpd
import requests
import responses
import shapely

FIXTURES = Path(__file__).parent / "fixtures"
CBS_FEED = "https://opendata.cbs.nl/ODataFeed/odata/85618NED/"
"""The Feed of 85618NED, the Kerncijfers wijken en buurten 2023."""
CBS_V3 = "https://opendata.cbs.nl/ODataFeed/odata/{tabel}/"
CBS_V4 = "https://datasets.cbs.nl/odata/v1/CBS/{tabel}/"
CBS_MAX_URL = 2000
"""Longer request URLs the fake CBS resets, as CBS does (the Drechtsteden's single filter took 2,320)."""
PDOK_API = "https://api.pdok.nl/cbs/wijken-en-buurten-2023/ogc/v1/collections/"
"""The collections of PDOK's 2023 API (``pdok_api(jaar)`` for any year)."""
PDOK_EMPTY = {"type": "FeatureCollection", "timeStamp": "2025-03-14T09:21:07Z", "links": [], "numberReturned": 0,
              "features": []}


def cbs_fixture(name: str):
    """A file of tests/fixtures/cbs (see its README)."""
    return json.loads((FIXTURES / "cbs" / name).read_text(encoding="utf-8"))


def pdok_fixture(name: str) -> dict:
    """A page of the fake PDOK server, as tests/fixtures/pdok holds it."""
    return json.loads((FIXTURES / "pdok" / name).read_text(encoding="utf-8"))


def query(url: str) -> dict[str, str]:
    """The query parameters of a URL, one value each."""
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


GEMEENTENAMEN = {"GM0363": "Amsterdam", "GM0482": "Alblasserdam", "GM0505": "Dordrecht", "GM0512": "Gorinchem",
                 "GM0523": "Hardinxveld-Giessendam", "GM0531": "Hendrik-Ido-Ambacht", "GM0590": "Papendrecht",
                 "GM0610": "Sliedrecht", "GM0642": "Zwijndrecht", "GM1978": "Molenlanden"}
"""Gemeente names the fake 2024 table knows; any other gemeente is called "Gemeente 0123" (generated)."""
_TERM = re.compile(r"^startswith\((\w+),'([0-9A-Z ]+)'\)$|^(\w+) eq '([^']*)'$")


def cbs_waarde(code: str, onderwerp: dict, jaar: str = ""):
    """The fake's figure for an area and a numeric DataProperties topic: missing (None) for about one cell in
    nine, else a number that fits the topic's unit, derived from the area code and the key alone (and ``jaar``
    for a table whose figures must differ from another year's of the same keys)."""
    crc = zlib.crc32(f"{jaar}{code}|{onderwerp['Key']}".encode())
    if crc % 9 == 0:
        return None
    if onderwerp.get("Unit") == "%":
        return crc % 101 if onderwerp.get("Datatype") == "Long" else round(crc % 1001 / 10, 1)
    if onderwerp.get("Unit") == "code":
        return 1 + crc % 5
    return round(crc % 10000 / 100, 1) if onderwerp.get("Datatype") == "Double" else crc % 20000


def _conditions(expression: str) -> list[list[tuple[str, str, str]]]:
    """An OData filter as the adapters write it: clauses joined by ``and``, each a list of ``or``-ed terms
    ``startswith(Field,'X')`` or ``Field eq 'X'``. Anything else is refused (ValueError), as CBS refuses it."""
    clauses = expression.split(") and (") if ") and (" in expression else [expression]
    parsed = []
    for clause in clauses:
        terms = []
        for term in clause.split(" or "):
            term = term.strip().lstrip("(")
            while term.count(")") > term.count("("):
                term = term[:-1]
            match = _TERM.match(term)
            if not match:
                raise ValueError(f"cannot parse the term {term!r}")
            field, op, value = (match[1], "startswith", match[2]) if match[1] else (match[3], "eq", match[4])
            terms.append((field, op, value))
        parsed.append(terms)
    return parsed


def _matches(row: dict, conditions) -> bool:
    def one(field, op, value):
        if field not in row:
            raise ValueError(f"no property {field}")
        cell = str(row[field])
        return cell.startswith(value) if op == "startswith" else cell == value
    return all(any(one(*term) for term in clause) for clause in conditions)


def _odata_error(message: str) -> tuple[int, dict, str]:
    return 400, {}, json.dumps({"odata.error": {"code": "", "message": {"lang": "en-US", "value": message}}})


@dataclass(eq=False)
class FakeKwb:
    """A fake KWB table: its DataProperties and areas, served in the shapes of OData v3 and v4.

    ``gebieden`` are (code, name) pairs in CBS's order (NL00, then per gemeente its
    wijken each followed by its buurten). ``pagina`` and ``pagina_v4`` are the page
    sizes of the data collections, small so that paging is exercised.
    """

    tabel: str
    properties: list[dict]
    gebieden: list[tuple[str, str]]
    tableinfos: list[dict] = field(default_factory=list)
    pagina: int = 40
    pagina_v4: int = 2000
    """Observations per v4 page: one per area and measure, so many more than rows."""
    wijzigingen: dict[str, str] = field(default_factory=dict)
    """CBS's indelingswijziging per code where it is not 1 (2: new code, same boundary; 3: boundary changed)."""
    leeg_op_buurt: tuple[str, ...] = ()
    """Topic groups (titles) whose cells are null at buurt level, as CBS publishes income in a new table."""
    jaar: str = ""
    """Passed to :func:`cbs_waarde`: two years' tables with the same keys then hold different figures."""

    def __post_init__(self):
        self.topics = [p for p in self.properties if p["Type"] == "Topic"]
        self.namen = dict(self.gebieden)
        groepen = {p["ID"]: p for p in self.properties if p["Type"] == "TopicGroup"}

        def in_leeg(parent) -> bool:
            while parent in groepen:
                if groepen[parent]["Title"] in self.leeg_op_buurt:
                    return True
                parent = groepen[parent]["ParentID"]
            return False
        self.leeg = {p["Key"] for p in self.topics if in_leeg(p["ParentID"])}

    def waarde(self, code: str, onderwerp: dict):
        """The cell of a numeric topic: :func:`cbs_waarde`, or null in a group the table lacks at buurt level."""
        return None if code[:2] == "BU" and onderwerp["Key"] in self.leeg else cbs_waarde(code, onderwerp, self.jaar)

    @property
    def v3(self) -> str:
        return CBS_V3.format(tabel=self.tabel)

    @property
    def v4(self) -> str:
        return CBS_V4.format(tabel=self.tabel)

    def cijfer(self, code: str, key: str):
        """What the fake serves for the area and topic key (None: missing)."""
        return self.rij(code)[key]

    @functools.lru_cache(maxsize=None)  # noqa: B019 - one fake per test, its rows never change
    def rij(self, code: str) -> dict:
        """The TypedDataSet row of an area, as CBS's v3 feed writes it: texts right-padded, missing as null."""
        row = {"WijkenEnBuurten": code.ljust(10)}
        for p in self.topics:
            stam = re.sub(r"_\d+$", "", p["Key"])
            if p["Datatype"] != "String":
                row[p["Key"]] = self.waarde(code, p)
            elif stam.startswith("Indelingswijziging"):
                row[p["Key"]] = ("." if code[:2] == "NL" else self.wijzigingen.get(code, "1")).ljust(10)
            elif stam == "Gemeentenaam":
                row[p["Key"]] = (self.namen.get("GM" + code[2:6], "") if code[:2] != "NL" else "").ljust(40)
            elif stam == "SoortRegio":
                row[p["Key"]] = {"NL": "Land", "GM": "Gemeente", "WK": "Wijk", "BU": "Buurt"}[code[:2]].ljust(10)
            elif stam == "Codering":
                row[p["Key"]] = code.ljust(10)
            else:
                row[p["Key"]] = "."
        return row

    # --- OData v3 -------------------------------------------------------------------------------------------

    def serve_v3(self, mock: responses.RequestsMock) -> responses.RequestsMock:
        """Register the v3 feed: DataProperties, TableInfos, CategoryGroups, TypedDataSet, WijkenEnBuurten."""
        for name, value in (("DataProperties", self.properties), ("TableInfos", self.tableinfos),
                            ("CategoryGroups", [])):
            mock.get(self.v3 + name, json={"odata.metadata": f"{self.v3}$metadata#Cbs.OData.WebAPI.{name}",
                                           "value": value})
        mock.add_callback(responses.GET, self.v3 + "TypedDataSet", callback=self._typed,
                          content_type="application/json")
        mock.add_callback(responses.GET, self.v3 + "WijkenEnBuurten", callback=self._dimension,
                          content_type="application/json")
        return mock

    def _typed(self, request) -> tuple[int, dict, str]:
        q = self._checked(request)
        select = q.get("$select", "").split(",") if "$select" in q else None
        known = {"WijkenEnBuurten", "ID", *(p["Key"] for p in self.topics)}
        if select and set(select) - known:
            return _odata_error(f"Property '{sorted(set(select) - known)[0]}' does not exist.")
        try:  # the adapters filter on the area key only, so the key alone decides which rows are made
            conditions = _conditions(q["$filter"]) if "$filter" in q else []
            rows = [self.rij(c) for c, _ in self.gebieden if _matches({"WijkenEnBuurten": c.ljust(10)}, conditions)]
        except ValueError as err:
            return _odata_error(f"Invalid $filter: {err}.")
        rows = [{k: r[k] for k in select} if select else r for r in rows]
        return self._page(request, q, rows, "odata.nextLink", "TypedDataSet")

    def _dimension(self, request) -> tuple[int, dict, str]:
        q = self._checked(request)
        groep = {"NL": "0", "GM": "1", "WK": "2", "BU": "3"}
        rows = [{"Key": c.ljust(10), "Title": n, "Description": None, "DimensionGroupId": groep[c[:2]]}
                for c, n in self.gebieden]
        try:
            conditions = _conditions(q["$filter"]) if "$filter" in q else []
            rows = [r for r in rows if _matches(r, conditions)]
        except ValueError as err:
            return _odata_error(f"Invalid $filter: {err}.")
        if "$select" in q:
            rows = [{k: r[k] for k in q["$select"].split(",")} for r in rows]
        return self._page(request, q, rows, "odata.nextLink", "WijkenEnBuurten")

    # --- OData v4 -------------------------------------------------------------------------------------------

    def serve_v4(self, mock: responses.RequestsMock) -> responses.RequestsMock:
        """Register the v4 service: MeasureCodes, MeasureGroups, WijkenEnBuurtenCodes and Observations."""
        self._measures = [{"Identifier": f"F{p['ID']:06d}", "Index": p["Position"], "Title": p["Title"],
                           "Description": p.get("Description"), "MeasureGroupId": _id(p["ParentID"]),
                           "DataType": p["Datatype"], "Unit": p["Unit"], "Decimals": p["Decimals"],
                           "PresentationType": p.get("PresentationType")} for p in self.topics]
        self._groups = [{"Id": _id(p["ID"]), "Index": i, "Title": p["Title"], "Description": p.get("Description"),
                         "ParentId": _id(p["ParentID"])}
                        for i, p in enumerate(x for x in self.properties if x["Type"] == "TopicGroup")]
        groep = {"NL": "NL01", "GM": "GM", "WK": "WK", "BU": "BU"}
        self._codes = [{"Identifier": c, "Index": i, "Title": n, "Description": None, "DimensionGroupId": groep[c[:2]]}
                       for i, (c, n) in enumerate(self.gebieden)]
        for name in ("MeasureCodes", "MeasureGroups", "WijkenEnBuurtenCodes", "Observations"):
            mock.add_callback(responses.GET, self.v4 + name, callback=self._v4, content_type="application/json")
        return mock

    def _v4(self, request) -> tuple[int, dict, str]:
        q = self._checked(request)
        name = urlsplit(request.url).path.rsplit("/", 1)[-1]
        if name == "Observations":
            rows = self._observations(q.get("$filter", ""))
        else:
            rows = {"MeasureCodes": self._measures, "MeasureGroups": self._groups,
                    "WijkenEnBuurtenCodes": self._codes}[name]
        try:
            conditions = _conditions(q["$filter"]) if "$filter" in q else []
            rows = [r for r in rows if _matches(r, conditions)]
        except ValueError as err:
            return 400, {}, json.dumps({"error": {"code": "BadRequest", "message": f"Invalid $filter: {err}."}})
        if "$select" in q:
            rows = [{k: r.get(k) for k in q["$select"].split(",")} for r in rows]
        return self._page(request, q, rows, "@odata.nextLink", name, self.pagina_v4)

    @functools.lru_cache(maxsize=None)  # noqa: B019 - each page of one query asks again
    def _observations(self, expression: str) -> list[dict]:
        """The observations of the areas the filter can match (all measures; the filter then selects)."""
        prefixes = re.findall(r"WijkenEnBuurten,'([0-9A-Z]+)'|WijkenEnBuurten eq '([0-9A-Z]+)'", expression)
        wanted = tuple(a or b for a, b in prefixes)
        rows = []
        for code, _ in self.gebieden:
            if not code.startswith(wanted):
                continue
            for p in self.topics:
                value = self.waarde(code, p) if p["Datatype"] != "String" else None
                rows.append({"Id": len(rows), "Measure": f"F{p['ID']:06d}",
                             "ValueAttribute": "None" if value is not None else "Impossible",
                             "Value": value, "StringValue": None, "WijkenEnBuurten": code})
        return rows

    # --- both -----------------------------------------------------------------------------------------------

    def _checked(self, request) -> dict[str, str]:
        if len(request.url) > CBS_MAX_URL:  # CBS resets the connection of an over-long URL
            raise requests.ConnectionError(f"Connection reset by peer (fake CBS: URL of {len(request.url)} characters)")
        return query(request.url)

    def _page(self, request, q: dict, rows: list[dict], volgende: str, name: str,
              pagina: int | None = None) -> tuple[int, dict, str]:
        skip, pagina = int(q.get("$skip", 0)), pagina or self.pagina
        context = (("odata.metadata", f"{self.v3}$metadata#Cbs.OData.WebAPI.{name}") if volgende.startswith("odata")
                   else ("@odata.context", f"{self.v4}$metadata#{name}"))
        body = {context[0]: context[1], "value": rows[skip:skip + pagina]}
        if skip + pagina < len(rows):
            rest = {k: v for k, v in q.items() if k != "$skip"}
            body[volgende] = request.url.split("?")[0] + "?" + urlencode({**rest, "$skip": skip + pagina})
        return 200, {}, json.dumps(body)


def _id(value) -> str | None:
    return None if value is None else str(value)


WIJZIGINGEN_2023 = {"BU05050102": "3", "GM1992": "3", "WK199201": "2", "WK199202": "2", "BU19920101": "2",
                    "BU19920102": "2", "BU19920201": "2"}
"""The 2023 table's indelingswijziging against 2022 where it is not 1: a Dordrecht buurt whose boundary moved,
and Voorne aan Zee (formed 2023 from Brielle, Hellevoetsluis and Westvoorne) with its areas under new codes."""


def kwb_2023(pagina: int = 4) -> FakeKwb:
    """The fake 85618NED (2023): the DataProperties and areas of tests/fixtures/cbs (see its README). As the
    newest table of a range it lacks income at buurt level (null), as CBS first publishes a year."""
    return FakeKwb("85618NED", cbs_fixture("85618NED_DataProperties.json"), _gebieden("85618NED"),
                   cbs_fixture("85618NED_TableInfos.json"), pagina=pagina, wijzigingen=WIJZIGINGEN_2023,
                   leeg_op_buurt=("Inkomen",))


def kwb_2022(shared_file, pagina: int = 40) -> FakeKwb:
    """The fake 85318NED (2022): CBS's recorded 2024 DataProperties as the table's shape, its change code under
    the name it had up to 2023 (``IndelingswijzigingWijkenEnBuurten_4``), and the areas of
    tests/fixtures/cbs/85318NED_WijkenEnBuurten.json: Dordrecht, and Brielle, Hellevoetsluis and Westvoorne
    before they merged. Income is there at buurt level (the table has had a year to fill it)."""
    recorded = "cbs_odata_recorded_85984NED/"
    properties = json.loads(shared_file(recorded + "DataProperties.json").read_text(encoding="utf-8"))
    for p in properties:
        if p.get("Key") == "IndelingswijzigingGemeenteWijkBuurt_4":
            p.update(Key="IndelingswijzigingWijkenEnBuurten_4", Title="Indelingswijziging wijken en buurten")
        if p["Type"] == "GeoDetail":
            p["MapYear"] = 2022
    tableinfos = json.loads(shared_file(recorded + "TableInfos.json").read_text(encoding="utf-8"))
    tableinfos = [dict(t, Identifier="85318NED", Title="Kerncijfers wijken en buurten 2022",
                       ShortTitle="Kerncijfers wijken en buurten 2022", Period="2022") for t in tableinfos]
    return FakeKwb("85318NED", properties, _gebieden("85318NED"), tableinfos, pagina=pagina, jaar="2022")


def _gebieden(tabel: str) -> list[tuple[str, str]]:
    return [(d["Key"].strip(), d["Title"]) for d in cbs_fixture(f"{tabel}_WijkenEnBuurten.json")]


def kwb_2024(shared_file, pagina: int = 40) -> FakeKwb:
    """The fake 85984NED (2024): CBS's real recorded DataProperties and TableInfos, and every real buurt code
    and name of 2024 (../shared/data), with their wijken and gemeenten derived from the codes."""
    recorded = "cbs_odata_recorded_85984NED/"
    properties = json.loads(shared_file(recorded + "DataProperties.json").read_text(encoding="utf-8"))
    tableinfos = json.loads(shared_file(recorded + "TableInfos.json").read_text(encoding="utf-8"))
    with shared_file("cbs_odata_fixtures/85984NED_buurtcodes_namen_2024.csv").open(encoding="utf-8") as f:
        buurten = sorted((r["Identifier"], r["Title"]) for r in csv.DictReader(f))
    gebieden, gezien = [("NL00", "Nederland")], set()
    for code, naam in buurten:
        gemeente, wijk = "GM" + code[2:6], "WK" + code[2:8]
        if gemeente not in gezien:
            gebieden.append((gemeente, GEMEENTENAMEN.get(gemeente, f"Gemeente {code[2:6]}")))
        if wijk not in gezien:
            gebieden.append((wijk, f"Wijk {code[6:8]}"))
        gezien |= {gemeente, wijk}
        gebieden.append((code, naam))
    return FakeKwb("85984NED", properties, gebieden, tableinfos, pagina=pagina)


def serve_cbs(mock: responses.RequestsMock) -> responses.RequestsMock:
    """Register the fake v3 feed of 85618NED (``kwb_2023``) on ``mock``."""
    return kwb_2023().serve_v3(mock)


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
