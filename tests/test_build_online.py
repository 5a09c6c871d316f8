"""``kaart build`` from CBS and PDOK, end to end, against the fake CBS Feed and the fake PDOK server.

The command runs in-process (click's CliRunner) with the real ``requests``,
``geopandas`` and GeoPackage code; only HTTP is answered, by the fake CBS and the
fake PDOK server (tests/fakes.py) on one ``responses`` mock that refuses every
other URL, so no request reaches the internet. What the kaart should hold is
worked out here from the fakes themselves: the fake CBS's cells (2023: the
fixture table; 2024: CBS's real recorded DataProperties) and PDOK's pages.
"""

import math
import re
from collections import Counter
from urllib.parse import urlsplit

import pyogrio
import pytest
import responses
import shapely
from click.testing import CliRunner
from fakes import CBS_FEED, CBS_MAX_URL, kwb_2023, kwb_2024, pdok_features, pdok_fixture, query, serve_pdok

from commando.cli import cli
from kaart.errors import NetworkError, SourceError
from kaart.kaartbestand import read_kaart

PDOK_URL = "https://api.pdok.nl/cbs/wijken-en-buurten-2023/ogc/v1"
PDOK_NIVEAUS = (("gemeenten", "gemeente"), ("wijken", "wijk"), ("buurten", "buurt"))
CBS_KOLOMMEN = {"AantalInwoners_5": "inwoners", "k_65JaarOfOuder_12": "inwoners_65plus",
                "HuishoudensTotaal_29": "huishoudens", "Woningvoorraad_35": "woningen",
                "GemiddeldeWOZWaardeVanWoningen_39": "woz_gemiddeld",
                "InBezitWoningcorporatie_49": "pct_corporatiewoningen", "BouwjaarVoor2000_51": "pct_bouwjaar_voor_2000"}
"""The 85618NED keys of the fixture table, and the canonical column each becomes."""
KOLOMMEN_2024 = {"AantalInwoners_5": "inwoners", "BuitenEuropa_19": "herkomst_buiten_europa",
                 "HuishoudensTotaal_29": "huishoudens", "Woningvoorraad_35": "woningen",
                 "BouwjaarAfgelopenTienJaar_52": "pct_bouwjaar_afgelopen_tien_jaar", "WmoClienten_100": "wmo_clienten"}
"""Keys of the recorded 85984NED and the canonical column each becomes."""
NIVEAU = {"GM": "gemeente", "WK": "wijk", "BU": "buurt"}


def build(out, jaar: int = 2023, *extra: str) -> list[str]:
    return ["build", "--gemeente", "Dordrecht", "--jaar", str(jaar), "--uit", str(out), *extra]


def unanswered(http_mock) -> list[str]:
    """The requests the fakes did not answer: ``responses`` records each with its ConnectionError."""
    return [c.request.url for c in http_mock.calls if isinstance(c.response, Exception)]


def cbs_cijfers(fake, kolommen: dict[str, str], gemeente: str = "GM0505") -> dict[str, dict[str, float]]:
    """The fake CBS's figures per code of the gemeente; a null is missing."""
    return {code: {kolom: math.nan if fake.cijfer(code, key) is None else fake.cijfer(code, key)
                   for key, kolom in kolommen.items()}
            for code, _ in fake.gebieden if code[2:6] == gemeente[2:]}


def pdok_geometrie() -> dict[str, shapely.Geometry]:
    """The fake PDOK server's geometry per code, of all three collections."""
    pages = [("gemeentecode", "2023_gemeenten_GM0505.json"), ("wijkcode", "2023_wijken_GM0505.json"),
             ("buurtcode", "2023_buurten_GM0505_1.json"), ("buurtcode", "2023_buurten_GM0505_2.json")]
    return {f["properties"][key]: shapely.geometry.shape(f["geometry"])
            for key, name in pages for f in pdok_fixture(name)["features"]}


def same(a, b) -> bool:
    return (a != a and b != b) or a == b  # NaN is NaN


def test_build_joins_cbs_figures_to_pdok_geometry(fake_cbs, fake_pdok, http_mock, tmp_path):
    out = tmp_path / "x.gpkg"
    result = CliRunner().invoke(cli, build(out))

    assert result.exit_code == 0, result.output + repr(result.exception)
    assert not unanswered(http_mock)
    hosts = {c.request.url.split("/")[2] for c in http_mock.calls}
    assert hosts == {"opendata.cbs.nl", "api.pdok.nl"}
    assert out.is_file()
    assert {"gemeente", "wijk", "buurt", "metadata"} <= {name for name, _ in pyogrio.list_layers(out)}
    kaart = read_kaart(out)
    assert set(kaart.gebieden) == {"gemeente", "wijk", "buurt"}

    fake = kwb_2023()
    cijfers, namen, geometrie = cbs_cijfers(fake, CBS_KOLOMMEN), fake.namen, pdok_geometrie()
    for niveau, frame in kaart.gebieden.items():
        assert frame.crs.to_epsg() == 28992
        fixture_codes = {c for c in cijfers.keys() | geometrie.keys() if NIVEAU[c[:2]] == niveau}
        assert set(frame.index) == fixture_codes, niveau

    buurten = kaart.gebieden["buurt"]
    for code, buurt in buurten.iterrows():
        if code in cijfers:
            assert buurt["naam"] == namen[code]
            assert buurt["cijfers"] == "officieel"
            for kolom, waarde in cijfers[code].items():
                assert same(buurt[kolom], waarde), (code, kolom, buurt[kolom], waarde)
        if code in geometrie:
            assert buurt.geometry.equals(geometrie[code]), code
        else:
            assert buurt.geometry is None or buurt.geometry.is_empty, code
    nederland = kaart.tabellen["nederland"].iloc[0]  # CBS's own row for the country, the fake's NL00
    assert nederland["inwoners"] == fake.cijfer("NL00", "AantalInwoners_5")
    assert kaart.metadata["nederland_bron"].startswith("CBS")
    # CBS's rows do not say which buurten are water; PDOK's do, and that must survive the join.
    assert buurten.loc["BU05050209", "water"] and not buurten.loc["BU05050101", "water"]

    gemeente = kaart.gebieden["gemeente"].loc["GM0505"]
    assert gemeente["cijfers"] == "officieel"
    assert same(gemeente["inwoners"], cijfers["GM0505"]["inwoners"])
    assert gemeente.geometry.equals(geometrie["GM0505"])

    bronnen = kaart.metadata["bronnen"]
    assert [b["tabel"] for b in bronnen if "tabel" in b] == ["85618NED"]
    assert "85618NED" in next(b["url"] for b in bronnen if b.get("tabel"))
    assert PDOK_URL in [b["url"] for b in bronnen]

    # A code on one side only is listed, never dropped: the fixtures' CBS buurt BU05050210 has no geometry.
    alleen_cbs, alleen_pdok = cijfers.keys() - geometrie.keys(), geometrie.keys() - cijfers.keys()
    verwacht = {(c, "geen geometrie") for c in alleen_cbs} | {(c, "geen statistieken") for c in alleen_pdok}
    assert verwacht == {("BU05050210", "geen geometrie")}
    koppeling = kaart.koppeling
    assert len(koppeling) == len(verwacht)
    assert set(zip(koppeling["code"], koppeling["probleem"])) == verwacht
    assert koppeling.set_index("code").loc["BU05050210", "niveau"] == "buurt"
    assert "Niet gekoppeld: 1 met geen geometrie" in result.output


def test_http_500_from_cbs_during_the_build_is_a_clear_error_and_writes_nothing(fake_cbs, fake_pdok, http_mock,
                                                                               tmp_path):
    fake = kwb_2023()

    def second_page_fails(request):
        if "$skip" in query(request.url):
            return 500, {}, "Internal Server Error"
        return fake._typed(request)

    http_mock.replace(responses.CallbackResponse(responses.GET, CBS_FEED + "TypedDataSet",
                                                 callback=second_page_fails, content_type="application/json"))
    out = tmp_path / "x.gpkg"
    result = CliRunner().invoke(cli, build(out))

    assert result.exit_code != 0
    assert isinstance(result.exception, SourceError) and not isinstance(result.exception, NetworkError)
    assert re.search(r"CBS answered HTTP 500\b.* table 85618NED", str(result.exception))
    assert "--bron bestanden" in str(result.exception)
    assert "$skip" in query(http_mock.calls[-1].request.url)  # the registered 500, not an unregistered URL
    assert not unanswered(http_mock)
    assert "[2/4]" in result.output and "[3/4]" not in result.output  # it stopped at the figures, before PDOK
    assert not out.exists()
    assert not list(tmp_path.iterdir())  # no temporary file either


def test_a_request_no_fake_answers_fails_the_build(fake_cbs, http_mock, tmp_path):
    """The guard of the tests above: without the fake PDOK server the build cannot reach api.pdok.nl."""
    out = tmp_path / "x.gpkg"
    result = CliRunner().invoke(cli, build(out))

    assert isinstance(result.exception, NetworkError)
    assert str(result.exception).startswith("Could not reach PDOK (api.pdok.nl)")
    assert unanswered(http_mock) and all(u.startswith(PDOK_URL) for u in unanswered(http_mock))
    assert not out.exists()


@pytest.mark.shared_data
@pytest.mark.parametrize("versie", ["v3", "v4"])
def test_a_2024_build_from_the_recorded_table_end_to_end(http_mock, shared_file, tmp_path, versie):
    """Dordrecht and Amsterdam (letter codes: WK0363AF, BU0363AF01) from the recorded 2024 table and PDOK's 2024 fake."""
    fake = kwb_2024(shared_file)
    fake.serve_v3(http_mock)
    fake.serve_v4(http_mock)
    serve_pdok(http_mock, jaar=2024)
    out = tmp_path / "x.gpkg"
    result = CliRunner().invoke(cli, build(out, 2024, "--odata", versie, "--gemeente", "Amsterdam"))

    assert result.exit_code == 0, result.output + repr(result.exception)
    assert not unanswered(http_mock)
    assert f"85984NED, OData {versie}" in result.output
    kaart = read_kaart(out)
    cijfers = cbs_cijfers(fake, KOLOMMEN_2024) | cbs_cijfers(fake, KOLOMMEN_2024, "GM0363")
    for niveau, frame in kaart.gebieden.items():
        for code, area in frame.loc[frame.index.isin(cijfers)].iterrows():
            assert area["naam"] == fake.namen[code], code
            assert area["cijfers"] == "officieel", code
            for kolom, waarde in cijfers[code].items():
                assert same(area[kolom], waarde), (code, kolom)
    geometrie = {f["properties"][f"{niveau}code"] for collectie, niveau in PDOK_NIVEAUS
                 for f in pdok_features(2024, collectie) if f["properties"]["gemeentecode"] in ("GM0505", "GM0363")}
    assert {"BU0363AF01", "BU0363AF02", "WK0363AF"} <= set(cijfers) & geometrie
    assert set(kaart.gebieden["buurt"].index) == {c for c in cijfers.keys() | geometrie if c.startswith("BU")}
    alleen_cbs = cijfers.keys() - geometrie
    assert set(kaart.koppeling.loc[kaart.koppeling["probleem"] == "geen geometrie", "code"]) == alleen_cbs
    assert [b["tabel"] for b in kaart.metadata["bronnen"] if "tabel" in b] == ["85984NED"]

    # Metadata once, only the collections needed, the area dimension only for the region, every URL short.
    per_collectie = Counter(urlsplit(c.request.url).path.rsplit("/", 1)[-1] for c in http_mock.calls
                            if urlsplit(c.request.url).hostname != "api.pdok.nl")
    metadata = {"v3": ["DataProperties"], "v4": ["MeasureCodes", "MeasureGroups"]}[versie]
    assert {m: per_collectie[m] for m in metadata} == dict.fromkeys(metadata, 1)
    assert not {"TableInfos", "CategoryGroups", ""} & set(per_collectie)
    dimensie = {"v3": "WijkenEnBuurten", "v4": "WijkenEnBuurtenCodes"}[versie]
    assert all("$filter" in query(c.request.url) for c in http_mock.calls if c.request.url.split("?")[0].endswith(
        "/" + dimensie))
    assert max(len(c.request.url) for c in http_mock.calls) <= CBS_MAX_URL
