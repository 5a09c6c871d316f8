"""``kaart build`` from CBS and PDOK, end to end, against the fake CBS Feed and the fake PDOK server.

The command runs in-process (click's CliRunner) with the real ``cbsodata``,
``requests``, ``geopandas`` and GeoPackage code; only HTTP is answered, by
``fake_cbs`` and ``fake_pdok`` (tests/fakes.py) on one ``responses`` mock that
refuses every other URL, so no request reaches the internet. What the kaart
should hold is worked out here from the fixture pages themselves.
"""

import math
import re

import pyogrio
import responses
import shapely
from click.testing import CliRunner
from fakes import CBS_FEED, cbs_fixture, cbs_typed_dataset, pdok_fixture, query

from kaart.cli import cli
from kaart.errors import NetworkError, SourceError
from kaart.kaartbestand import read_kaart

PDOK_URL = "https://api.pdok.nl/cbs/wijken-en-buurten-2023/ogc/v1"
CBS_KOLOMMEN = {"AantalInwoners_5": "inwoners", "k_65JaarOfOuder_12": "inwoners_65plus",
                "HuishoudensTotaal_29": "huishoudens", "Woningvoorraad_35": "woningen",
                "GemiddeldeWOZWaardeVanWoningen_39": "woz_gemiddeld",
                "InBezitWoningcorporatie_49": "pct_corporatiewoningen"}
"""The 85618NED keys the fixtures fill, and the canonical column each becomes."""
NIVEAU = {"GM": "gemeente", "WK": "wijk", "BU": "buurt"}


def build(out) -> list[str]:
    return ["build", "--gemeente", "Dordrecht", "--jaar", "2023", "--uit", str(out)]


def unanswered(http_mock) -> list[str]:
    """The requests the fakes did not answer: ``responses`` records each with its ConnectionError."""
    return [c.request.url for c in http_mock.calls if isinstance(c.response, Exception)]


def cbs_cijfers() -> dict[str, dict[str, float]]:
    """CBS's figures per code on the fake Feed's two pages; a null or a CBS sentinel (-99997 ...) is missing."""
    rows = [r for n in (1, 2) for r in cbs_fixture(f"85618NED_TypedDataSet_{n}.json")["value"]]
    return {r["Codering_3"].strip(): {kolom: math.nan if r[key] is None or r[key] <= -99990 else r[key]
                                      for key, kolom in CBS_KOLOMMEN.items()}
            for r in rows}


def cbs_namen() -> dict[str, str]:
    return {d["Key"].strip(): d["Title"] for d in cbs_fixture("85618NED_WijkenEnBuurten.json")["value"]}


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

    cijfers, namen, geometrie = cbs_cijfers(), cbs_namen(), pdok_geometrie()
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
    assert buurten.loc["BU05050101", "inwoners"] == 815 and buurten.loc["BU05050201", "woz_gemiddeld"] == 244
    nederland = kaart.tabellen["nederland"].iloc[0]  # CBS's own row for the country, from the NL00 fixture
    assert nederland["inwoners"] == 17811291 and kaart.metadata["nederland_bron"].startswith("CBS")
    # CBS's rows do not say which buurten are water; PDOK's do, and that must survive the join.
    assert buurten.loc["BU05050209", "water"] and not buurten.loc["BU05050101", "water"]

    gemeente = kaart.gebieden["gemeente"].loc["GM0505"]
    assert gemeente["cijfers"] == "officieel"
    assert gemeente["inwoners"] == cijfers["GM0505"]["inwoners"] == 121434
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
    def second_page_fails(request):
        if "$skip" in query(request.url):
            return 500, {}, "Internal Server Error"
        return cbs_typed_dataset(request)

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
