"""The PDOK adapter against a fake OGC API Features server: the real ``requests`` code runs, only HTTP is mocked.

The fake server (``serve_pdok``, tests/fakes.py) is registered on ``responses``,
which answers every registered URL and refuses any other with a ConnectionError,
so a request the adapter should not make fails the test. Like PDOK's server it
answers 400 to a query parameter it does not know, filters by ``bbox`` and pages
by its own maximum.
"""

import json
from urllib.parse import urlsplit

import geopandas as gpd
import pandas as pd
import pytest
import requests
import responses
import shapely
from fakes import PDOK_API as API
from fakes import PDOK_MAX_LIMIT, PDOK_PARAMETERS, pdok_api, pdok_features, query, serve_pdok
from fakes import pdok_fixture as fixture

from kaart import codes
from kaart.errors import InputError, NetworkError, SourceError
from kaart.waarden import to_number
from layers import bestanden, cbs, pdok

SNAKE_CASE = {"aantal_inwoners": "inwoners", "mannen": "mannen", "vrouwen": "vrouwen",
              "percentage_personen_0_tot_15_jaar": "pct_0_14", "percentage_personen_15_tot_25_jaar": "pct_15_24",
              "percentage_personen_25_tot_45_jaar": "pct_25_44", "percentage_personen_45_tot_65_jaar": "pct_45_64",
              "percentage_personen_65_jaar_en_ouder": "pct_65plus", "aantal_huishoudens": "huishoudens",
              "percentage_eenpersoonshuishoudens": "pct_eenpersoonshuishoudens",
              "gemiddelde_huishoudsgrootte": "gemiddelde_huishoudensgrootte",
              "bevolkingsdichtheid_inwoners_per_km2": "bevolkingsdichtheid", "woningvoorraad": "woningen",
              "gemiddelde_woningwaarde": "woz_gemiddeld", "percentage_koopwoningen": "pct_koopwoningen",
              "percentage_huurwoningen": "pct_huurwoningen", "oppervlakte_totaal_in_ha": "oppervlakte_totaal_ha",
              "oppervlakte_land_in_ha": "oppervlakte_land_ha", "oppervlakte_water_in_ha": "oppervlakte_water_ha"}
"""The 2024 properties of the fixtures that the matching rule maps, and the canonical column of each."""


def raw(jaar: int, collectie: str) -> dict[str, list[dict]]:
    """The fake server's features of one collection, per code, as they are stored."""
    key = {"gemeenten": "gemeentecode", "wijken": "wijkcode", "buurten": "buurtcode"}[collectie]
    per_code: dict[str, list[dict]] = {}
    for feature in pdok_features(jaar, collectie):
        per_code.setdefault(feature["properties"][key], []).append(feature)
    return per_code


def cijfer(value) -> float:
    """A raw property as the kaart holds it: a CBS sentinel is missing."""
    numbers, _ = to_number(pd.Series([value], dtype=object))
    return numbers.iloc[0]


def test_all_levels_arrive_in_rd_new_with_paging_followed(http_mock):
    serve_pdok(http_mock, max_limit=2)  # a server that pages by two, so the buurten take two pages
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
    buurten = [c for c in http_mock.calls if "/buurten/" in c.request.url]
    assert len(buurten) == 2 and "cursor" in query(buurten[1].request.url)
    # every gemeente of the collection is read (Voorne aan Zee too) before the region's are kept
    assert report.rijen == len(pdok_features(2023, "gemeenten")) + 6
    assert report.kolommen["aantalInwoners"] == "inwoners"
    assert info["url"] == "https://api.pdok.nl/cbs/wijken-en-buurten-2023/ogc/v1"
    assert info["collecties"] == ["gemeenten", "wijken", "buurten"] and info["rijen"] == 7
    assert info["samengevoegd"] == {}


def test_only_parameters_pdok_documents_are_sent(fake_pdok):
    pdok.load_geometrie(2023, ["505"], niveaus=("wijk",))
    gemeenten, wijken = fake_pdok.calls
    assert urlsplit(gemeenten.request.url).path == "/cbs/wijken-en-buurten-2023/ogc/v1/collections/gemeenten/items"
    assert query(gemeenten.request.url) == {"f": "json", "limit": "1000", "crs": pdok.CRS_URI}
    assert urlsplit(wijken.request.url).path == "/cbs/wijken-en-buurten-2023/ogc/v1/collections/wijken/items"
    sent = query(wijken.request.url)
    assert sent.keys() == {"f", "limit", "crs", "bbox", "bbox-crs"} and sent["bbox-crs"] == pdok.CRS_URI
    box = shapely.box(*map(float, sent["bbox"].split(",")))
    gemeente = shapely.geometry.shape(fixture("2023_gemeenten_GM0505.json")["features"][0]["geometry"])
    assert box.covers(gemeente) and box.area < 1.01 * gemeente.envelope.area  # the gemeente's own box
    for call in fake_pdok.calls:
        assert set(query(call.request.url)) <= PDOK_PARAMETERS
        assert int(query(call.request.url)["limit"]) <= PDOK_MAX_LIMIT
        assert call.request.headers["User-Agent"].startswith("maatschappelijke-kaart/")


@pytest.mark.parametrize(("params", "detail"), [
    ({"gemeentecode": "GM0505"}, "unknown query parameter(s) found: gemeentecode"),
    ({"crs": "EPSG:28992"}, "crs EPSG:28992 is not supported"),
    ({"bbox-crs": pdok.CRS_URI}, "bbox-crs can't be used without bbox parameter"),
    ({"limit": "alle"}, "limit must be numeric"),
])
def test_the_fake_server_refuses_what_pdok_refuses(fake_pdok, params, detail):
    response = requests.get(API + "buurten/items", params={"f": "json", **params}, timeout=5)
    assert response.status_code == 400 and response.json()["detail"] == detail


def test_the_fake_server_cuts_a_large_limit_and_answers_crs84_by_default(http_mock):
    serve_pdok(http_mock, max_limit=3)
    page = requests.get(API + "buurten/items", params={"f": "json", "limit": "5000"}, timeout=5).json()
    assert page["numberReturned"] == 3 and any(link["rel"] == "next" for link in page["links"])
    lon, lat = page["features"][0]["geometry"]["coordinates"][0][0]
    assert 4 < lon < 5 and 51 < lat < 52  # Dordrecht in longitude/latitude


def test_sentinels_become_missing_and_water_is_flagged(fake_pdok):
    rows, _, _ = pdok.load_geometrie(2023, ["GM0505"], niveaus=("buurt",))
    water = rows.set_index("code").loc["BU05050209"]
    assert water["water"] and pd.isna(water["pct_65plus"])  # NA, not -99999999
    assert water["inwoners"] == 0
    assert rows["pct_65plus"].isna().sum() == 1


@pytest.mark.parametrize("code", ["GM0505') or (1 eq 1", "GM0505&gemeentecode=GM0642", "BU05050101", "Dordrecht"])
def test_a_malformed_code_is_refused_before_any_request(http_mock, code):
    with pytest.raises(InputError, match="geen CBS-gemeentecode"):
        pdok.load_geometrie(2023, ["GM0505", code])
    assert len(http_mock.calls) == 0


@pytest.mark.parametrize("jaar", sorted(set(cbs.KWB_TABELLEN) - set(pdok.PDOK_DATASETS)) + [2018])
def test_a_year_pdok_does_not_serve_names_the_cbs_geopackage(http_mock, jaar):
    with pytest.raises(InputError) as err:
        pdok.load_geometrie(jaar, ["GM0505"])
    assert f"for {jaar}" in err.value.problem and "2023, 2024, 2025" in err.value.problem
    assert f"Wijk- en buurtkaart {jaar}" in err.value.fix
    assert f"kaart build --bron bestanden --bestand wijkenbuurten_{jaar}.gpkg --jaar {jaar}" in err.value.fix
    assert len(http_mock.calls) == 0


def test_an_unknown_level_is_an_input_error(http_mock):
    with pytest.raises(InputError, match="'provincie'"):
        pdok.load_geometrie(2023, ["GM0505"], niveaus=("provincie",))
    assert len(http_mock.calls) == 0


def test_every_year_pdok_serves_has_a_cbs_table():
    assert set(pdok.PDOK_DATASETS) <= set(cbs.KWB_TABELLEN)


def test_a_dataset_pdok_no_longer_serves_is_a_404_that_names_the_geopackage(http_mock):
    http_mock.get(API + "gemeenten/items", status=404,
                  json={"title": "Not Found", "status": 404, "detail": "collection gemeenten doesn't exist"})
    with pytest.raises(SourceError) as err:
        pdok.load_geometrie(2023, ["GM0505"])
    assert "HTTP 404" in err.value.problem and "collections/gemeenten/items" in err.value.problem
    assert "wijkenbuurten_2023.gpkg" in err.value.fix and "try again" not in err.value.fix.lower()


def test_a_refused_request_names_what_was_sent_and_why(fake_pdok):
    fake_pdok.replace(responses.GET, API + "wijken/items", status=400,
                      json={"title": "Bad Request", "status": 400, "detail": "unknown query parameter(s) found: bbox"})
    with pytest.raises(SourceError) as err:
        pdok.load_geometrie(2023, ["GM0505"], niveaus=("wijk",))
    sent = fake_pdok.calls[-1].request.url
    assert sent in err.value.problem and "bbox=" in sent
    assert "HTTP 400: unknown query parameter(s) found: bbox" in err.value.problem
    assert "layers/pdok.py" in err.value.fix and not isinstance(err.value, NetworkError)


def test_snake_case_properties_of_2024_keep_their_statistics(http_mock):
    serve_pdok(http_mock, jaar=2024)
    rows, report, _ = pdok.load_geometrie(2024, ["GM0505"], niveaus=("buurt",))
    assert {k: report.kolommen[k] for k in SNAKE_CASE} == SNAKE_CASE
    stored = raw(2024, "buurten")
    assert set(rows["code"]) == {c for c in stored if c.startswith("BU0505")}
    for _, row in rows.iterrows():
        (feature,) = stored[row["code"]]
        for source, kolom in SNAKE_CASE.items():
            expected = cijfer(feature["properties"][source])
            assert (pd.isna(row[kolom]) and pd.isna(expected)) or row[kolom] == expected, (row["code"], source)
    assert rows["woz_gemiddeld"].isna().sum() == 1  # the one sentinel among Dordrecht's buurten


def test_a_2024_file_in_snake_case_keeps_its_statistics(tmp_path):
    """A PDOK 2024 download (or CBS's own GeoPackage, which has the same names) read as a file."""
    features = pdok_features(2024, "buurten")
    frame = gpd.GeoDataFrame.from_features(features, crs="EPSG:28992")
    path = tmp_path / "buurten_2024.gpkg"
    frame.to_file(path, layer="buurten", engine="pyogrio")
    (laag,) = bestanden.load_bestand(path)
    rows = laag.rijen.set_index("code")
    for feature in features:
        properties = feature["properties"]
        for source, kolom in SNAKE_CASE.items():
            expected = cijfer(properties[source])
            got = rows.loc[properties["buurtcode"], kolom]
            assert (pd.isna(got) and pd.isna(expected)) or got == expected, (properties["buurtcode"], source)
    assert set(SNAKE_CASE) <= set(laag.normalisatie.kolommen)


def test_a_gemeente_of_a_water_and_a_land_part_becomes_their_union(http_mock):
    serve_pdok(http_mock, jaar=2024)
    water, land = raw(2024, "gemeenten")["GM0505"]
    assert water["properties"]["water"] == "JA" and land["properties"]["water"] == "NEE"  # the water part first
    rows, _, info = pdok.load_geometrie(2024, ["GM0505"], niveaus=("gemeente",))
    (gemeente,) = rows.itertuples()
    union = shapely.union_all([shapely.geometry.shape(f["geometry"]) for f in (water, land)])
    assert gemeente.geometry.area == pytest.approx(union.area)
    assert gemeente.geometry.symmetric_difference(union).area == pytest.approx(0)
    assert gemeente.geometry.area > shapely.geometry.shape(land["geometry"]).area  # not the land part alone either
    assert gemeente.geometry.geom_type == "MultiPolygon"  # the one type of PDOK's layer, kept
    assert not gemeente.water  # a land gemeente
    assert gemeente.inwoners == land["properties"]["aantal_inwoners"]  # the water part's sentinel does not win
    assert gemeente.oppervlakte_water_ha == land["properties"]["oppervlakte_water_in_ha"]
    assert info["samengevoegd"] == {"GM0505": 2}


def test_land_parts_that_disagree_are_an_error_not_a_guess(http_mock):
    page = fixture("2023_gemeenten_GM0505.json")
    second = json.loads(json.dumps(page["features"][0]))
    second["id"] = "another-part"
    second["properties"]["aantalInwoners"] += 1
    page["features"].append(second)
    http_mock.get(API + "gemeenten/items", json=page)
    with pytest.raises(SourceError, match="GM0505 came as 2 features whose inwoners differ"):
        pdok.load_geometrie(2023, ["GM0505"], niveaus=("gemeente",))


def test_areas_of_other_gemeenten_in_the_bounding_box_are_left_out(http_mock):
    serve_pdok(http_mock, jaar=2024)
    rows, _, _ = pdok.load_geometrie(2024, ["GM0505"])
    wijken = next(c for c in http_mock.calls if "/wijken/" in c.request.url)
    sent = {f["properties"]["wijkcode"] for f in json.loads(wijken.response.text)["features"]}
    assert "WK064201" in sent and "WK0363AF" not in sent  # the neighbour touches the box, Amsterdam is far off
    assert set(rows["gemeentecode"]) == {"GM0505"}
    assert rows["code"].tolist() == ["GM0505", "WK050501", "WK050502", "BU05050101", "BU05050102", "BU05050201"]


def test_codes_with_letters_pass_through(http_mock):
    serve_pdok(http_mock, jaar=2024)
    rows, _, _ = pdok.load_geometrie(2024, ["GM0363"])
    assert rows["code"].tolist() == ["GM0363", "WK0363AF", "BU0363AF01", "BU0363AF02"]
    buurten = rows[rows["niveau"] == "buurt"]
    assert (buurten["wijkcode"] == "WK0363AF").all() and (rows["gemeentecode"] == "GM0363").all()
    assert all(codes.is_valid(c) for c in rows["code"])
    assert set(rows["naam"]) >= {"Osdorp-Oost", "Osdorp-Midden Noord", "Osdorp-Midden Zuid"}


def test_a_gemeente_pdok_does_not_have_is_named(fake_pdok):
    with pytest.raises(InputError, match="PDOK has no areas of GM0642 for 2023"):
        pdok.load_geometrie(2023, ["GM0505", "GM0642"])
    assert len(fake_pdok.calls) == 1  # known after the gemeenten, before any wijk or buurt


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


def test_a_looping_next_link_is_a_source_error(fake_pdok):
    page = fixture("2023_buurten_GM0505_1.json")
    page["links"].append({"rel": "next", "type": "application/geo+json",
                          "href": API + "buurten/items?f=json&cursor=1"})
    fake_pdok.replace(responses.GET, API + "buurten/items", json=page)  # every page points to the same next page
    with pytest.raises(SourceError, match="paging loops"):
        pdok.load_geometrie(2023, ["GM0505"], niveaus=("buurt",))


def test_serve_pdok_answers_each_year_at_its_own_url(http_mock):
    serve_pdok(http_mock, jaar=2024)
    assert requests.get(pdok_api(2024) + "gemeenten/items", params={"f": "json"}, timeout=5).ok
    with pytest.raises(requests.ConnectionError):
        requests.get(pdok_api(2023) + "gemeenten/items", params={"f": "json"}, timeout=5)
