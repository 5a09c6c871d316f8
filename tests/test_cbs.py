"""The CBS KWB adapter against a fake CBS Feed: the real ``cbsodata`` and ``requests`` code runs, only HTTP is mocked.

The fake Feed (``fake_cbs``, tests/fakes.py) is registered on ``responses``, which
answers every registered URL and refuses any other with a ConnectionError, so a
request the adapter should not make fails the test.
"""

from urllib.parse import urlsplit

import pandas as pd
import pytest
import requests
import responses
from fakes import CBS_FEED as FEED
from fakes import query as url_query

from kaart.errors import InputError, NetworkError, SourceError
from layers import cbs

SELECT = ["WijkenEnBuurten", "Gemeentenaam_1", "Codering_3", "AantalInwoners_5", "k_65JaarOfOuder_12",
          "HuishoudensTotaal_29", "Woningvoorraad_35", "GemiddeldeWOZWaardeVanWoningen_39",
          "InBezitWoningcorporatie_49"]


def query(call) -> dict[str, str]:
    return url_query(call.request.url)


def typed_calls(mock) -> list:
    return [c for c in mock.calls if urlsplit(c.request.url).path.endswith("/TypedDataSet")]


def test_rows_of_both_pages_arrive_canonical_and_stripped(fake_cbs):
    rows, report, info = cbs.load_statistieken(2023, ["GM0505"])
    # BU05050210 is the buurt the fake PDOK server has no geometry for (see test_build_online.py).
    assert rows["code"].tolist() == ["GM0505", "WK050501", "BU05050101", "BU05050102",
                                     "WK050502", "BU05050201", "BU05050209", "BU05050210"]
    assert rows["niveau"].value_counts().to_dict() == {"buurt": 5, "wijk": 2, "gemeente": 1}
    # cbsodata put the dimension's titles in place of the padded keys; normalise paired them with Codering.
    assert rows["naam"].iloc[:3].tolist() == ["Dordrecht", "Wijk 01 Binnenstad", "Groenmarkt en omgeving"]
    assert set(rows["gemeentenaam"]) == {"Dordrecht"} and set(rows["gemeentecode"]) == {"GM0505"}
    assert rows["wijkcode"].tolist()[-2:] == ["WK050502", "WK050502"]
    assert (rows["jaar"] == 2023).all()
    assert rows.set_index("code").loc["GM0505", "inwoners"] == 121434
    assert report.kolommen["GemiddeldeWOZWaardeVanWoningen_39"] == "woz_gemiddeld"
    assert report.bron == "CBS 85618NED"
    pages = typed_calls(fake_cbs)
    assert len(pages) == 2 and "$skip" in query(pages[1])
    assert info["bron"] == "CBS Kerncijfers wijken en buurten" and info["tabel"] == "85618NED"
    assert info["jaar"] == 2023 and info["rijen"] == 8
    assert info["url"] == "https://opendata.cbs.nl/ODataApi/OData/85618NED"
    assert pd.Timestamp(info["opgehaald"]).tzinfo is not None


def test_filter_holds_exactly_the_validated_codes_and_select_the_known_columns(fake_cbs):
    cbs.load_statistieken(2023, ["gm0505", "505", " GM0505 "])
    first = query(typed_calls(fake_cbs)[0])
    assert first["$filter"] == ("startswith(WijkenEnBuurten,'GM0505') or startswith(WijkenEnBuurten,'WK0505') "
                                "or startswith(WijkenEnBuurten,'BU0505')")
    # The year's own keys, learnt from DataProperties; topic groups and unknown topics are not asked for.
    assert first["$select"].split(",") == SELECT


def test_two_gemeenten_in_one_filter(fake_cbs):
    assert cbs.region_filter(["GM0505", "642"]).count(" or ") == 5
    with pytest.raises(InputError, match="GM0642"):  # the fake Feed has no rows for it
        cbs.load_statistieken(2023, ["GM0505", "GM0642"])
    assert "startswith(WijkenEnBuurten,'BU0642')" in query(typed_calls(fake_cbs)[0])["$filter"]


@pytest.mark.parametrize("code", ["GM0505') or (1 eq 1", "GM0505'", "BU05050101", "Dordrecht", ""])
def test_a_malformed_code_is_refused_before_any_request(http_mock, code):
    with pytest.raises(InputError, match="not a CBS gemeente code"):
        cbs.load_statistieken(2023, [code])
    with pytest.raises(InputError):
        cbs.region_filter([code])
    assert len(http_mock.calls) == 0


def test_missing_is_missing_never_zero(fake_cbs):
    rows, _, _ = cbs.load_statistieken(2023, ["GM0505"])
    by_code = rows.set_index("code")
    assert pd.isna(by_code.loc["BU05050102", "woz_gemiddeld"])  # suppressed cell (null)
    assert pd.isna(by_code.loc["BU05050201", "pct_corporatiewoningen"])  # sentinel -99997
    assert pd.isna(by_code.loc["BU05050209", "inwoners_65plus"])
    assert by_code.loc["BU05050101", "pct_corporatiewoningen"] == 0  # a real 0 stays 0
    assert by_code.loc["BU05050209", "inwoners"] == 0
    assert rows.select_dtypes("number").le(-99990).sum().sum() == 0


def test_unsupported_year_names_the_supported_years(http_mock):
    for call in (lambda: cbs.load_statistieken(2018, ["GM0505"]), lambda: cbs.gemeenten(2026)):
        with pytest.raises(InputError, match="2019, 2020, 2021, 2022, 2023, 2024, 2025"):
            call()
    assert len(http_mock.calls) == 0


def test_gemeenten_of_a_year(fake_cbs):
    frame = cbs.gemeenten(2023)
    assert frame.to_dict("list") == {"code": ["GM0482", "GM0505", "GM0642"],
                                     "naam": ["Alblasserdam", "Dordrecht", "Zwijndrecht"]}
    sent = query(typed_calls(fake_cbs)[0])
    assert sent["$filter"] == "startswith(WijkenEnBuurten,'GM')"
    assert sent["$select"] == "Codering_3,Gemeentenaam_1"


def test_no_connection_is_a_network_error_with_the_fix(fake_cbs):
    fake_cbs.replace(responses.GET, FEED + "DataProperties",
                     body=requests.ConnectionError("simulated: connection refused"))
    with pytest.raises(NetworkError) as err:
        cbs.load_statistieken(2023, ["GM0505"])
    assert str(err.value).startswith("Could not reach CBS (opendata.cbs.nl)")
    assert "--bron bestanden" in str(err.value)
    assert "simulated" in str(err.value.__cause__)  # our failure, not an unregistered URL
    assert isinstance(err.value, ConnectionError)


def test_a_timeout_is_a_network_error(fake_cbs):
    fake_cbs.replace(responses.GET, FEED + "DataProperties", body=requests.ReadTimeout("simulated"))
    with pytest.raises(NetworkError, match="no answer within"):
        cbs.gemeenten(2023)


def test_http_500_is_a_source_error_naming_table_and_status(fake_cbs):
    fake_cbs.replace(responses.GET, FEED + "WijkenEnBuurten", status=500, body="Internal Server Error")
    with pytest.raises(SourceError, match=r"HTTP 500.*85618NED") as err:
        cbs.load_statistieken(2023, ["GM0505"])
    assert not isinstance(err.value, NetworkError)


def test_an_answer_that_is_not_odata_json_is_a_source_error(fake_cbs):
    fake_cbs.replace(responses.GET, FEED, body="<html><body>Onderhoud</body></html>", content_type="text/html")
    with pytest.raises(SourceError, match="unexpected answer for table 85618NED"):
        cbs.load_statistieken(2023, ["GM0505"])


def test_a_table_without_the_kwb_layout_is_a_source_error(fake_cbs):
    fake_cbs.replace(responses.GET, FEED + "DataProperties", json={"value": [{"Type": "Topic", "Key": "Totaal_1"}]})
    with pytest.raises(SourceError, match="does not have the layout"):
        cbs.load_statistieken(2023, ["GM0505"])


@pytest.mark.shared_data
def test_real_cbs_response_comes_out_without_padding(http_mock, shared_file):
    """A verbatim CBS OData v3 TypedDataSet (84489NED, woonplaatsen 2019) served through the mocked HTTP layer."""
    real = shared_file("cbs_odata_fixtures/84489NED_woonplaatsen_2019_TypedDataSet.json")
    feed = "https://opendata.cbs.nl/ODataFeed/odata/84489NED/"
    collections = ["TableInfos", "UntypedDataSet", "TypedDataSet", "DataProperties", "CategoryGroups", "Woonplaatsen"]
    http_mock.get(feed, json={"value": [{"name": n, "url": feed + n} for n in collections]})
    for name in collections:
        if name != "TypedDataSet":
            http_mock.get(feed + name, json={"value": []})
    http_mock.get(feed + "TypedDataSet", body=real.read_bytes(), content_type="application/json")

    frame = cbs.download_tabel("84489NED")
    assert len(frame) == 2500
    first = frame.iloc[0]
    assert (first["Code_3"], first["Naam_2"], first["Woonplaatscode_1"], first["Code_7"]) == (
        "GM0141", "Almelo", "WP1925", "LD02")
    texts = frame.select_dtypes(exclude="number")
    assert not texts.apply(lambda c: c.str.len() != c.str.strip().str.len()).any().any()
    assert frame["Code_3"].str.fullmatch(r"GM\d{4}").all()
