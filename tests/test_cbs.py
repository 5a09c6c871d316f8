"""The CBS KWB adapter against a fake CBS (OData v3 and v4): the real ``requests`` code runs, only HTTP is mocked.

The fake (``tests/fakes.py``) serves a table from its DataProperties (2024: CBS's
real recorded ones, read from ../shared/data) and generates every cell from the
area code and key, so what must arrive is computed here from the fake, not
written down. ``responses`` refuses every URL that is not registered with a
ConnectionError, so a request the adapter should not make fails the test.
"""

import math
import tomllib
from urllib.parse import unquote, urlsplit

import pandas as pd
import pytest
import requests
import responses
from fakes import CBS_MAX_URL, FakeKwb, kwb_2023, kwb_2024
from fakes import query as url_query

from kaart.errors import InputError, NetworkError, SourceError
from kaart.indicatoren import DEFINITIES
from kaart.kolommen import schema
from layers import _odata, cbs
from layers._http import NotPublished

KEYS_2024 = {"AantalInwoners_5": "inwoners", "k_65JaarOfOuder_12": "inwoners_65plus",
             "Nederland_17": "herkomst_nederland", "EuropaExclusiefNederland_18": "herkomst_europa",
             "BuitenEuropa_19": "herkomst_buiten_europa", "HuishoudensTotaal_29": "huishoudens",
             "GemiddeldeWOZWaardeVanWoningen_39": "woz_gemiddeld",
             "InBezitWoningcorporatie_49": "pct_corporatiewoningen",
             "BouwjaarAfgelopenTienJaar_52": "pct_bouwjaar_afgelopen_tien_jaar", "WmoClienten_100": "wmo_clienten",
             "OppervlakteLand_123": "oppervlakte_land_ha"}
"""Keys of the recorded 85984NED and the canonical column each must become, written out by hand
(the herkomst counts are those under "Herkomstland", not the repeats under "Geboren in/buiten Nederland")."""


def path(call) -> str:
    return urlsplit(call.request.url).path


def cijfer(value) -> float:
    return math.nan if value is None else float(value)


@pytest.fixture
def kwb24(shared_file):
    return kwb_2024(shared_file)


@pytest.fixture
def fake24(http_mock, kwb24):
    kwb24.serve_v3(http_mock)
    kwb24.serve_v4(http_mock)
    return kwb24


@pytest.mark.shared_data
@pytest.mark.parametrize("versie", ["v3", "v4"])
def test_the_recorded_2024_table_gives_canonical_rows_with_letter_codes(fake24, http_mock, versie):
    rows, report, info = cbs.Kwb(2024, odata=versie).statistieken(["GM0363", "GM0505"])

    verwacht = [c for c, _ in fake24.gebieden if c[2:6] in ("0363", "0505")]
    assert sorted(rows["code"]) == sorted(verwacht)
    assert "BU0363AA01" in set(rows["code"]) and "WK0363AF" in set(rows["code"])
    by_code = rows.set_index("code")
    for code in verwacht:
        assert by_code.loc[code, "naam"] == fake24.namen[code]
        for key, kolom in KEYS_2024.items():
            got, want = by_code.loc[code, kolom], cijfer(fake24.cijfer(code, key))
            assert (math.isnan(got) and math.isnan(want)) or got == want, (code, key)
    assert set(by_code.loc[by_code["niveau"] == "buurt", "wijkcode"].str[:4]) == {"WK03", "WK05"}
    assert by_code.loc["BU0363AF01", "gemeentenaam"] == "Amsterdam"
    assert {report.kolommen[k] for k in KEYS_2024 if versie == "v3"} <= set(KEYS_2024.values())
    assert info["tabel"] == "85984NED" and info["odata"] == versie and info["rijen"] == len(verwacht)
    assert info["url"] == {"v3": "https://opendata.cbs.nl/ODataFeed/odata/85984NED",
                           "v4": "https://datasets.cbs.nl/odata/v1/CBS/85984NED"}[versie]
    assert pd.Timestamp(info["opgehaald"]).tzinfo is not None
    hosts = {urlsplit(c.request.url).hostname for c in http_mock.calls}
    assert hosts == {"v3": {"opendata.cbs.nl"}, "v4": {"datasets.cbs.nl"}}[versie]


@pytest.mark.shared_data
def test_v4_hands_over_the_same_rows_as_v3(fake24):
    v3, _, _ = cbs.Kwb(2024, odata="v3").statistieken(["GM0505"])
    v4, _, _ = cbs.Kwb(2024, odata="v4").statistieken(["GM0505"])
    v3, v4 = v3.set_index("code").sort_index(), v4.set_index("code").sort_index()
    # CBS's change code is a text topic, which only v3 reads (v4's Observations carry numbers)
    assert set(v3.pop(cbs.INDELINGSWIJZIGING)) == {1.0} and cbs.INDELINGSWIJZIGING not in v4
    pd.testing.assert_frame_equal(v3, v4[v3.columns], check_dtype=False)
    assert cbs.Kwb(2024, odata="v3").nederland().equals(cbs.Kwb(2024, odata="v4").nederland())


@pytest.mark.shared_data
@pytest.mark.parametrize("versie,aantal", [("v3", 40), ("v4", 12)])
def test_many_gemeenten_are_split_over_urls_of_a_safe_length_and_every_row_arrives(http_mock, shared_file,
                                                                                  versie, aantal):
    fake = kwb_2024(shared_file, pagina=5000)
    fake.pagina_v4 = 50000
    getattr(fake, f"serve_{versie}")(http_mock)
    gemeenten = [c for c, _ in fake.gebieden if c.startswith("GM")][:aantal]

    rows, _, _ = cbs.Kwb(2024, odata=versie).statistieken(gemeenten)

    assert sorted(rows["code"]) == sorted(c for c, _ in fake.gebieden if "GM" + c[2:6] in gemeenten)
    lengths = [len(c.request.url) for c in http_mock.calls]
    assert max(lengths) <= CBS_MAX_URL
    assert sum(1 for c in http_mock.calls if path(c).endswith(("TypedDataSet", "Observations"))) > 1


def test_an_over_long_url_is_what_the_fake_resets(http_mock):
    """The guard of the test above: the fake CBS really refuses what CBS refuses."""
    kwb_2023().serve_v3(http_mock)
    with pytest.raises(NetworkError, match="no network connection"):
        _odata.get_json(requests.Session(), cbs.FEED_URL.format(tabel="85618NED") + "/TypedDataSet",
                        {"$filter": "x" * CBS_MAX_URL}, "table 85618NED")


@pytest.mark.shared_data
def test_herkomst_is_taken_by_its_group_not_by_its_position(shared_file):
    properties = pd.read_json(shared_file("cbs_odata_recorded_85984NED/DataProperties.json")).to_dict("records")
    groups = {p["ID"]: p for p in properties if p["Type"] == "TopicGroup"}

    def topics(order):
        out = []
        for p in order:
            if p["Type"] != "Topic":
                continue
            keten, parent = [], p["ParentID"]
            while parent in groups:
                keten.append(groups[parent]["Title"])
                parent = groups[parent]["ParentID"]
            out.append(_odata.Onderwerp(p["Key"], _odata.key_stam(p["Key"]), p["Title"], tuple(keten)))
        return out

    for order in (properties, list(reversed(properties))):  # reversed: "Geboren buiten Nederland" comes first
        mapping = _odata.kolommen(topics(order))
        assert {k: mapping[k] for k in ("Nederland_17", "EuropaExclusiefNederland_18", "BuitenEuropa_19")} == {
            k: KEYS_2024[k] for k in ("Nederland_17", "EuropaExclusiefNederland_18", "BuitenEuropa_19")}
        assert not {"Nederland_20", "BuitenEuropa_22", "BuitenEuropa_24", "EuropaExclusiefNederland_23"} & set(mapping)


@pytest.mark.shared_data
def test_every_recorded_key_stem_follows_from_its_title(shared_file):
    """v4 has titles, not keys: the stem that kolommen.toml knows must follow from the title as CBS derives it."""
    properties = pd.read_json(shared_file("cbs_odata_recorded_85984NED/DataProperties.json"))
    topics = properties[properties["Type"] == "Topic"]
    assert len(topics) == 128
    assert [_odata.stam(t) for t in topics["Title"]] == [_odata.key_stam(k) for k in topics["Key"]]


def _geldig_in(spec: dict, jaar: int) -> bool:
    return spec.get("vanaf_jaar", jaar) <= jaar <= spec.get("tot_jaar", jaar)


@pytest.mark.shared_data
def test_every_cbs_indicator_of_2024_finds_its_columns_in_the_recorded_table(fake24):
    kolommen = set(cbs.Kwb(2024).meta.kolommen.values())
    indicatoren = tomllib.loads(DEFINITIES.read_text(encoding="utf-8"))["indicator"]
    ontbrekend = {}
    for id_, spec in indicatoren.items():
        if not spec.get("bron", "").startswith("CBS") or not _geldig_in(spec, 2024):
            continue
        noemer = spec.get("noemer") or spec.get("gewicht")
        teller = [c for c in (spec.get("teller"), spec.get("percentage"), spec.get("waarde")) if c]
        if noemer not in kolommen or not set(teller) & kolommen:
            ontbrekend[id_] = [noemer, *teller]
    assert not ontbrekend, f"indicators valid for 2024 without a column in 85984NED: {ontbrekend}"
    assert "aandeel_bouwjaar_voor_2000" not in [i for i, s in indicatoren.items() if _geldig_in(s, 2024)]


@pytest.mark.shared_data
def test_a_recorded_topic_becomes_a_column_of_its_own_kind(fake24):
    """A count never becomes a percentage column or the other way round (HboWo_77 is a count since 2024)."""
    meta = cbs.Kwb(2024).meta
    soort = {naam: k.soort for naam, k in schema().kolommen.items()}
    eenheid = {o.sleutel: o.eenheid for o in meta.onderwerpen}
    wrong = {k: (eenheid[k], soort[c]) for k, c in meta.kolommen.items()
             if (eenheid[k] == "%") != (soort[c] == "percentage")}
    assert not wrong
    assert "HboWo_77" not in meta.kolommen and "GeboorteRelatief_26" not in meta.kolommen


def test_every_known_year_has_its_table():
    assert cbs.KWB_TABELLEN == {2017: "83765NED", 2018: "84286NED", 2019: "84583NED", 2020: "84799NED",
                                2021: "85039NED", 2022: "85318NED", 2023: "85618NED", 2024: "85984NED",
                                2025: "86165NED"}


def test_an_unknown_year_names_the_table_option(http_mock):
    with pytest.raises(InputError, match="--tabel ID") as err:
        cbs.Kwb(2026)
    assert "2017-2025" in str(err.value)
    with pytest.raises(InputError, match="not a CBS table id"):
        cbs.Kwb(2026, tabel="86165NED') or (1 eq 1")
    assert len(http_mock.calls) == 0


def test_any_table_can_be_read_with_its_id(http_mock):
    template = kwb_2023()
    FakeKwb("86999NED", template.properties, template.gebieden).serve_v3(http_mock)
    rows, _, info = cbs.Kwb(2026, tabel="86999ned").statistieken(["GM0505"])
    assert info["tabel"] == "86999NED" and set(rows["jaar"]) == {2026}
    assert {path(c).split("/")[3] for c in http_mock.calls} == {"86999NED"}


def test_2023_rows_arrive_canonical_stripped_and_paged(fake_cbs):
    fake = kwb_2023()
    rows, report, _ = cbs.Kwb(2023).statistieken(["GM0505"])
    verwacht = [c for c, _ in fake.gebieden if c[2:6] == "0505"]
    assert rows["code"].tolist() == verwacht  # CBS's order, padding stripped
    assert rows["naam"].tolist() == [fake.namen[c] for c in verwacht]
    assert set(rows["gemeentenaam"]) == {"Dordrecht"} and set(rows["gemeentecode"]) == {"GM0505"}
    for code, row in rows.set_index("code").iterrows():
        assert cijfer(fake.cijfer(code, "BouwjaarVoor2000_51")) == row["pct_bouwjaar_voor_2000"] or (
            fake.cijfer(code, "BouwjaarVoor2000_51") is None and math.isnan(row["pct_bouwjaar_voor_2000"]))
    assert report.kolommen["GemiddeldeWOZWaardeVanWoningen_39"] == "woz_gemiddeld"
    assert any("$skip" in url_query(c.request.url) for c in fake_cbs.calls)  # paging followed


def test_missing_is_missing_never_zero(fake_cbs):
    fake = kwb_2023()
    rows, _, _ = cbs.Kwb(2023).statistieken(["GM0505"])
    cells = [(code, key, kolom) for code in rows["code"]
             for key, kolom in (("AantalInwoners_5", "inwoners"), ("OppervlakteLand_113", "oppervlakte_land_ha"))]
    missing = [(c, k) for c, k, _ in cells if fake.cijfer(c, k) is None]
    assert missing  # the fake does leave cells empty
    by_code = rows.set_index("code")
    for code, key, kolom in cells:
        assert math.isnan(by_code.loc[code, kolom]) == (fake.cijfer(code, key) is None)


def test_the_filter_holds_exactly_the_validated_codes(fake_cbs):
    cbs.Kwb(2023).statistieken(["gm0505", "505", " GM0505 "])
    typed = [url_query(c.request.url) for c in fake_cbs.calls if path(c).endswith("/TypedDataSet")]
    assert typed[0]["$filter"] == ("startswith(WijkenEnBuurten,'GM0505') or startswith(WijkenEnBuurten,'WK0505') "
                                   "or startswith(WijkenEnBuurten,'BU0505')")
    assert typed[0]["$select"].split(",")[:2] == ["WijkenEnBuurten", "Gemeentenaam_1"]
    names = [url_query(c.request.url) for c in fake_cbs.calls if path(c).endswith("/WijkenEnBuurten")]
    assert names[0] == {"$format": "json", "$select": "Key,Title", "$filter": typed[0]["$filter"].replace(
        "WijkenEnBuurten,", "Key,")}  # the names of the region only, never the whole dimension


@pytest.mark.parametrize("code", ["GM0505') or (1 eq 1", "GM0505'", "BU05050101", "Dordrecht", ""])
def test_a_malformed_code_is_refused_before_any_request(http_mock, code):
    with pytest.raises(InputError, match="geen CBS-gemeentecode"):
        cbs.Kwb(2023).statistieken([code])
    assert len(http_mock.calls) == 0


def test_a_gemeente_the_table_lacks_is_named(fake_cbs):
    with pytest.raises(InputError, match="has no rows for GM0590"):
        cbs.Kwb(2023).statistieken(["GM0505", "GM0590"])


def test_gemeenten_of_a_year(fake_cbs):
    frame = cbs.Kwb(2023).gemeenten()
    assert frame.to_dict("list") == {"code": ["GM0482", "GM0505", "GM0642", "GM1992"],
                                     "naam": ["Alblasserdam", "Dordrecht", "Zwijndrecht", "Voorne aan Zee"]}


def test_cbs_change_code_of_each_area_is_read_where_the_table_has_it(fake_cbs):
    fake = kwb_2023()
    rows, report, _ = cbs.Kwb(2023).statistieken(["GM0505", "GM1992"])
    wijziging = rows.set_index("code")[cbs.INDELINGSWIJZIGING]
    assert wijziging.to_dict() == {c: float(fake.wijzigingen.get(c, "1")) for c in wijziging.index}
    assert wijziging["BU05050102"] == 3 and wijziging["GM1992"] == 3 and wijziging["BU19920101"] == 2
    assert "indelingswijziging" not in report.niet_herkend  # read as what it is, not an unknown column
    typed = [url_query(c.request.url) for c in fake_cbs.calls if path(c).endswith("/TypedDataSet")]
    assert "IndelingswijzigingWijkenEnBuurten_4" in typed[0]["$select"].split(",")


def test_a_table_without_the_kwb_layout_is_a_source_error(fake_cbs):
    fake_cbs.replace(responses.GET, cbs.FEED_URL.format(tabel="85618NED") + "/DataProperties",
                     json={"value": [{"Type": "Topic", "Key": "Totaal_1", "Title": "Totaal"}]})
    with pytest.raises(SourceError, match="does not have the layout"):
        cbs.Kwb(2023).statistieken(["GM0505"])


# --- errors that name the cause ---------------------------------------------------------------------------

PROPERTIES = "https://opendata.cbs.nl/ODataFeed/odata/85618NED/DataProperties"


@pytest.mark.parametrize("answer,soort,woorden", [
    ({"status": 503, "body": "Service Unavailable"}, SourceError, ["HTTP 503", "down or failing", "Try again later"]),
    ({"body": requests.ReadTimeout("simulated")}, NetworkError, ["no answer within 120 seconds", "down or overloaded",
                                                                 "Try again later"]),
    ({"body": requests.ConnectionError("simulated")}, NetworkError, ["no network connection",
                                                                     "Check the network connection"]),
    ({"status": 404,
      "json": {"odata.error": {"code": "", "message": {"lang": "nl-NL", "value": "Tabel niet gevonden"}}}},
     NotPublished, ["HTTP 404", "not published", "Tabel niet gevonden", "--tabel ID"]),
])
def test_each_failure_names_its_cause_and_fix_in_one_line(fake_cbs, answer, soort, woorden):
    fake_cbs.replace(responses.GET, PROPERTIES, **answer)
    with pytest.raises(soort) as err:
        cbs.Kwb(2023, odata="v3").gemeenten()
    assert type(err.value) is soort
    assert "\n" not in str(err.value)
    for woord in woorden:
        assert woord in str(err.value)


def test_a_refused_request_shows_what_was_sent(fake_cbs):
    fake_cbs.replace(responses.GET, cbs.FEED_URL.format(tabel="85618NED") + "/TypedDataSet", status=400,
                     json={"odata.error": {"code": "", "message": {"lang": "en-US", "value": "Invalid $filter"}}})
    with pytest.raises(SourceError, match="refused the request") as err:
        cbs.Kwb(2023).statistieken(["GM0505"])
    message = str(err.value)
    assert "Invalid $filter" in message and "\n" not in message
    assert "TypedDataSet?$filter=startswith(WijkenEnBuurten,'GM0505')" in unquote(message)
    assert "%27" not in message and "$format" not in message


def test_an_answer_that_is_not_odata_json_is_a_source_error(fake_cbs):
    fake_cbs.replace(responses.GET, PROPERTIES, body="<html><body>Onderhoud</body></html>", content_type="text/html")
    with pytest.raises(SourceError, match="unexpected answer for table 85618NED"):
        cbs.Kwb(2023).statistieken(["GM0505"])


@pytest.mark.shared_data
def test_v4_is_used_when_v3_says_the_table_is_gone(fake24, http_mock):
    http_mock.replace(responses.GET, "https://opendata.cbs.nl/ODataFeed/odata/85984NED/DataProperties", status=410)
    rows, _, info = cbs.Kwb(2024).statistieken(["GM0505"])
    assert info["odata"] == "v4" and len(rows)
    with pytest.raises(NotPublished, match="HTTP 410"):
        cbs.Kwb(2024, odata="v3").gemeenten()


def test_a_table_neither_version_has_names_the_table_option(http_mock):
    http_mock.get("https://opendata.cbs.nl/ODataFeed/odata/86999NED/DataProperties", status=404)
    http_mock.get("https://datasets.cbs.nl/odata/v1/CBS/86999NED/MeasureCodes", status=404)
    with pytest.raises(NotPublished, match="neither in OData v3 nor in v4.*--tabel ID"):
        cbs.Kwb(2026, tabel="86999NED").gemeenten()


@pytest.mark.shared_data
def test_real_cbs_response_comes_out_without_padding(http_mock, shared_file):
    """A verbatim CBS OData v3 TypedDataSet (84489NED, woonplaatsen 2019) served through the mocked HTTP layer."""
    real = shared_file("cbs_odata_fixtures/84489NED_woonplaatsen_2019_TypedDataSet.json")
    http_mock.get("https://opendata.cbs.nl/ODataFeed/odata/84489NED/TypedDataSet", body=real.read_bytes(),
                  content_type="application/json")

    frame = cbs.download_tabel("84489NED")
    assert len(frame) == 2500
    first = frame.iloc[0]
    assert (first["Code_3"], first["Naam_2"], first["Woonplaatscode_1"], first["Code_7"]) == (
        "GM0141", "Almelo", "WP1925", "LD02")
    texts = frame.select_dtypes(exclude="number")
    assert not texts.apply(lambda c: c.str.len() != c.str.strip().str.len()).any().any()
    assert frame["Code_3"].str.fullmatch(r"GM\d{4}").all()
