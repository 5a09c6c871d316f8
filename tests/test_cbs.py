"""The CBS KWB adapter against a fake CBS Feed: the real ``cbsodata`` and ``requests`` code runs, only HTTP is mocked.

``responses`` answers every registered URL and refuses any other with a
ConnectionError, so a request the adapter should not make fails the test.
"""

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
import requests
import responses

from kaart.errors import InputError, NetworkError, SourceError
from layers import cbs

FIXTURES = Path(__file__).parent / "fixtures" / "cbs"
FEED = "https://opendata.cbs.nl/ODataFeed/odata/85618NED/"
SELECT = ["WijkenEnBuurten", "Gemeentenaam_1", "Codering_3", "AantalInwoners_5", "k_65JaarOfOuder_12",
          "HuishoudensTotaal_29", "Woningvoorraad_35", "GemiddeldeWOZWaardeVanWoningen_39",
          "InBezitWoningcorporatie_49"]


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def query(call) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(call.request.url).query).items()}


def typed_calls(mock) -> list:
    return [c for c in mock.calls if urlsplit(c.request.url).path.endswith("/TypedDataSet")]


@pytest.fixture
def mock():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


@pytest.fixture
def feed(mock):
    """The fake Feed of 85618NED: the service document, its metadata, and TypedDataSet on two pages.

    TypedDataSet answers the gemeenten query, the first page (GM0505 only), the
    page its nextLink points to, or no rows for any other region.
    """
    def typed(request):
        q = {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}
        if "$skip" in q:
            body = fixture("85618NED_TypedDataSet_2.json")
        elif q.get("$filter") == "startswith(WijkenEnBuurten,'GM')":
            body = fixture("85618NED_TypedDataSet_gemeenten.json")
        elif "'GM0505'" in q.get("$filter", ""):
            body = fixture("85618NED_TypedDataSet_1.json")
        else:
            body = {"odata.metadata": f"{FEED}$metadata#Cbs.OData.WebAPI.TypedDataSet", "value": []}
        return 200, {}, json.dumps(body)

    mock.get(FEED, json=fixture("85618NED_service.json"))
    for name in ("TableInfos", "DataProperties", "CategoryGroups", "WijkenEnBuurten"):
        mock.get(FEED + name, json=fixture(f"85618NED_{name}.json"))
    mock.add_callback(responses.GET, FEED + "TypedDataSet", callback=typed, content_type="application/json")
    return mock


def test_rows_of_both_pages_arrive_canonical_and_stripped(feed):
    rows, report, info = cbs.load_statistieken(2023, ["GM0505"])
    assert rows["code"].tolist() == ["GM0505", "WK050501", "BU05050101", "BU05050102",
                                     "WK050502", "BU05050201", "BU05050209"]
    assert rows["niveau"].value_counts().to_dict() == {"buurt": 4, "wijk": 2, "gemeente": 1}
    # cbsodata put the dimension's titles in place of the padded keys; normalise paired them with Codering.
    assert rows["naam"].iloc[:3].tolist() == ["Dordrecht", "Wijk 01 Binnenstad", "Groenmarkt en omgeving"]
    assert set(rows["gemeentenaam"]) == {"Dordrecht"} and set(rows["gemeentecode"]) == {"GM0505"}
    assert rows["wijkcode"].tolist()[-2:] == ["WK050502", "WK050502"]
    assert (rows["jaar"] == 2023).all()
    assert rows.set_index("code").loc["GM0505", "inwoners"] == 121434
    assert report.kolommen["GemiddeldeWOZWaardeVanWoningen_39"] == "woz_gemiddeld"
    assert report.bron == "CBS 85618NED"
    pages = typed_calls(feed)
    assert len(pages) == 2 and "$skip" in query(pages[1])
    assert info["bron"] == "CBS Kerncijfers wijken en buurten" and info["tabel"] == "85618NED"
    assert info["jaar"] == 2023 and info["rijen"] == 7
    assert info["url"] == "https://opendata.cbs.nl/ODataApi/OData/85618NED"
    assert pd.Timestamp(info["opgehaald"]).tzinfo is not None


def test_filter_holds_exactly_the_validated_codes_and_select_the_known_columns(feed):
    cbs.load_statistieken(2023, ["gm0505", "505", " GM0505 "])
    first = query(typed_calls(feed)[0])
    assert first["$filter"] == ("startswith(WijkenEnBuurten,'GM0505') or startswith(WijkenEnBuurten,'WK0505') "
                                "or startswith(WijkenEnBuurten,'BU0505')")
    # The year's own keys, learnt from DataProperties; topic groups and unknown topics are not asked for.
    assert first["$select"].split(",") == SELECT


def test_two_gemeenten_in_one_filter(feed):
    assert cbs.region_filter(["GM0505", "642"]).count(" or ") == 5
    with pytest.raises(InputError, match="GM0642"):  # the fake Feed has no rows for it
        cbs.load_statistieken(2023, ["GM0505", "GM0642"])
    assert "startswith(WijkenEnBuurten,'BU0642')" in query(typed_calls(feed)[0])["$filter"]


@pytest.mark.parametrize("code", ["GM0505') or (1 eq 1", "GM0505'", "BU05050101", "Dordrecht", ""])
def test_a_malformed_code_is_refused_before_any_request(mock, code):
    with pytest.raises(InputError, match="not a CBS gemeente code"):
        cbs.load_statistieken(2023, [code])
    with pytest.raises(InputError):
        cbs.region_filter([code])
    assert len(mock.calls) == 0


def test_missing_is_missing_never_zero(feed):
    rows, _, _ = cbs.load_statistieken(2023, ["GM0505"])
    by_code = rows.set_index("code")
    assert pd.isna(by_code.loc["BU05050102", "woz_gemiddeld"])  # suppressed cell (null)
    assert pd.isna(by_code.loc["BU05050201", "pct_corporatiewoningen"])  # sentinel -99997
    assert pd.isna(by_code.loc["BU05050209", "inwoners_65plus"])
    assert by_code.loc["BU05050101", "pct_corporatiewoningen"] == 0  # a real 0 stays 0
    assert by_code.loc["BU05050209", "inwoners"] == 0
    assert rows.select_dtypes("number").le(-99990).sum().sum() == 0


def test_unsupported_year_names_the_supported_years(mock):
    for call in (lambda: cbs.load_statistieken(2018, ["GM0505"]), lambda: cbs.gemeenten(2026)):
        with pytest.raises(InputError, match="2019, 2020, 2021, 2022, 2023, 2024, 2025"):
            call()
    assert len(mock.calls) == 0


def test_gemeenten_of_a_year(feed):
    frame = cbs.gemeenten(2023)
    assert frame.to_dict("list") == {"code": ["GM0482", "GM0505", "GM0642"],
                                     "naam": ["Alblasserdam", "Dordrecht", "Zwijndrecht"]}
    sent = query(typed_calls(feed)[0])
    assert sent["$filter"] == "startswith(WijkenEnBuurten,'GM')"
    assert sent["$select"] == "Codering_3,Gemeentenaam_1"


def test_no_connection_is_a_network_error_with_the_fix(feed):
    feed.replace(responses.GET, FEED + "DataProperties", body=requests.ConnectionError("simulated: connection refused"))
    with pytest.raises(NetworkError) as err:
        cbs.load_statistieken(2023, ["GM0505"])
    assert str(err.value).startswith("Could not reach CBS (opendata.cbs.nl)")
    assert "--bron bestanden" in str(err.value)
    assert "simulated" in str(err.value.__cause__)  # our failure, not an unregistered URL
    assert isinstance(err.value, ConnectionError)


def test_a_timeout_is_a_network_error(feed):
    feed.replace(responses.GET, FEED + "DataProperties", body=requests.ReadTimeout("simulated"))
    with pytest.raises(NetworkError, match="no answer within"):
        cbs.gemeenten(2023)


def test_http_500_is_a_source_error_naming_table_and_status(feed):
    feed.replace(responses.GET, FEED + "WijkenEnBuurten", status=500, body="Internal Server Error")
    with pytest.raises(SourceError, match=r"HTTP 500.*85618NED") as err:
        cbs.load_statistieken(2023, ["GM0505"])
    assert not isinstance(err.value, NetworkError)


def test_an_answer_that_is_not_odata_json_is_a_source_error(feed):
    feed.replace(responses.GET, FEED, body="<html><body>Onderhoud</body></html>", content_type="text/html")
    with pytest.raises(SourceError, match="unexpected answer for table 85618NED"):
        cbs.load_statistieken(2023, ["GM0505"])


def test_a_table_without_the_kwb_layout_is_a_source_error(feed):
    feed.replace(responses.GET, FEED + "DataProperties", json={"value": [{"Type": "Topic", "Key": "Totaal_1"}]})
    with pytest.raises(SourceError, match="does not have the layout"):
        cbs.load_statistieken(2023, ["GM0505"])


@pytest.mark.shared_data
def test_real_cbs_response_comes_out_without_padding(mock, shared_file):
    """A verbatim CBS OData v3 TypedDataSet (84489NED, woonplaatsen 2019) served through the mocked HTTP layer."""
    real = shared_file("cbs_odata_fixtures/84489NED_woonplaatsen_2019_TypedDataSet.json")
    feed = "https://opendata.cbs.nl/ODataFeed/odata/84489NED/"
    collections = ["TableInfos", "UntypedDataSet", "TypedDataSet", "DataProperties", "CategoryGroups", "Woonplaatsen"]
    mock.get(feed, json={"value": [{"name": n, "url": feed + n} for n in collections]})
    for name in collections:
        if name != "TypedDataSet":
            mock.get(feed + name, json={"value": []})
    mock.get(feed + "TypedDataSet", body=real.read_bytes(), content_type="application/json")

    frame = cbs.download_tabel("84489NED")
    assert len(frame) == 2500
    first = frame.iloc[0]
    assert (first["Code_3"], first["Naam_2"], first["Woonplaatscode_1"], first["Code_7"]) == (
        "GM0141", "Almelo", "WP1925", "LD02")
    texts = frame.select_dtypes(exclude="number")
    assert not texts.apply(lambda c: c.str.len() != c.str.strip().str.len()).any().any()
    assert frame["Code_3"].str.fullmatch(r"GM\d{4}").all()
