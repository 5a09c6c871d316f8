"""``kaart build --bron cbs --jaar 2022-2023``: a kaart of two KWB years read online, end to end.

The command runs in-process with the real ``requests`` code; only HTTP is answered, by the fake CBS tables
of 2022 (85318NED, in the shape of CBS's recorded 2024 metadata) and 2023 (85618NED) and the fake PDOK 2023
server (tests/fakes.py), on a ``responses`` mock that refuses every other URL. 2023 lacks income at buurt
level, as CBS's newest table does; Voorne aan Zee was formed in 2023 from Brielle, Hellevoetsluis and
Westvoorne. What the kaart must hold is computed from the fakes' own cells.
"""

import math
from urllib.parse import urlsplit

import pytest
import responses
from click.testing import CliRunner
from fakes import kwb_2022, kwb_2023, serve_pdok

from commando.cli import cli
from kaart import reeksen
from kaart.harmonisatie import GESCHAT, OPGETELD
from kaart.jaargangen import HARMONISATIE
from kaart.kaartbestand import read_kaart

pytestmark = pytest.mark.shared_data

VOORGANGERS = ("GM0501", "GM0530", "GM0614")
"""Brielle, Hellevoetsluis and Westvoorne, merged into Voorne aan Zee (GM1992) on 1 January 2023."""


def cijfer(fake, code: str, key: str) -> float:
    waarde = fake.cijfer(code, key)
    return math.nan if waarde is None else float(waarde)


@pytest.fixture(scope="module")
def fakes(shared_file):
    return {2022: kwb_2022(shared_file), 2023: kwb_2023()}


@pytest.fixture(scope="module")
def gebouwd(fakes, tmp_path_factory):
    """One build of Dordrecht and Voorne aan Zee over 2022-2023: (result, kaart, the URLs requested)."""
    out = tmp_path_factory.mktemp("jaren") / "kaart.gpkg"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        for fake in fakes.values():
            fake.serve_v3(mock)
        serve_pdok(mock, 2023)
        result = CliRunner().invoke(cli, ["build", "--bron", "cbs", "--jaar", "2022-2023", "-g", "Dordrecht",
                                          "-g", "Voorne aan Zee", "--uit", str(out)])
        calls = [(c.request.url, isinstance(c.response, Exception)) for c in mock.calls]
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result, read_kaart(out), calls


def test_both_years_are_read_from_their_own_tables_and_nothing_else(gebouwd):
    result, kaart, calls = gebouwd
    assert not [url for url, geweigerd in calls if geweigerd]  # nothing reached an unregistered URL
    tabellen = {urlsplit(url).path.split("/")[3] for url, _ in calls if "opendata.cbs.nl" in url}
    assert tabellen == {"85318NED", "85618NED"}
    pdok = {urlsplit(url).path.split("/")[2] for url, _ in calls if "api.pdok.nl" in url}
    assert pdok == {"wijken-en-buurten-2023"}  # PDOK serves no 2022: that year goes without outlines
    assert reeksen.jaren(kaart) == [2022, 2023]
    bronnen = kaart.metadata["bronnen"]  # every year's table is named, with its year
    assert sorted((b["tabel"], b["jaar"]) for b in bronnen if "tabel" in b) == [("85318NED", 2022), ("85618NED", 2023)]
    stappen = [regel for regel in result.stderr.splitlines() if regel.startswith("[")]
    assert stappen[-1].startswith("[6/6]") and len(stappen) == 6  # 3 for 2023, 2 for 2022, the assembly


def test_a_series_for_both_years_with_each_years_own_figure(gebouwd, fakes):
    _, kaart, _ = gebouwd
    reeks = reeksen.reeks(kaart, "gemeente", "GM0505", "inwoners")
    assert list(reeks.index) == [2022, 2023]
    assert reeks.loc[2022, "waarde"] == cijfer(fakes[2022], "GM0505", "AantalInwoners_5")
    assert reeks.loc[2023, "waarde"] == cijfer(fakes[2023], "GM0505", "AantalInwoners_5")
    assert reeks.loc[2022, "waarde"] != reeks.loc[2023, "waarde"]
    tabel = reeksen.reeksen(kaart)
    nederland = tabel[(tabel["niveau"] == "nederland") & (tabel["kolom"] == "inwoners")].set_index("jaar")
    assert nederland.loc[2022, "waarde"] == cijfer(fakes[2022], "NL00", "AantalInwoners_5")  # CBS's own row


def test_the_merged_gemeente_is_the_sum_of_its_parts(gebouwd, fakes):
    _, kaart, _ = gebouwd
    assert "GM1992" in kaart.gebieden["gemeente"].index
    delen = [cijfer(fakes[2022], c, "AantalInwoners_5") for c in VOORGANGERS]
    assert not any(math.isnan(d) for d in delen)  # the fake leaves none of these empty
    reeks = reeksen.reeks(kaart, "gemeente", "GM1992", "inwoners")
    assert reeks.loc[2022, "waarde"] == sum(delen)
    assert reeks.loc[2022, "status"] == OPGETELD == "opgeteld (herindeling)"


def test_income_the_newest_table_lacks_at_buurt_level_comes_from_2022(gebouwd, fakes):
    _, kaart, _ = gebouwd
    key, kolom = "GemiddeldInkomenPerInwoner_83", "gemiddeld_inkomen_per_inwoner"
    buurten = kaart.gebieden["buurt"]
    jaar = reeksen.jaar_van(kaart, "buurt", kolom)
    gevuld = [c for c in ("BU05050101", "BU05050201") if fakes[2022].cijfer(c, key) is not None]
    assert gevuld
    for code in gevuld:
        assert fakes[2023].cijfer(code, key) is None  # the newest table has no income at buurt level
        assert buurten.loc[code, kolom] == cijfer(fakes[2022], code, key)
        assert jaar[code] == 2022
    # above buurt level the 2023 table has income: where it has a figure, that figure stays, of 2023
    inkomen = {"GemiddeldInkomenPerInwoner_83": kolom, "k_40PersonenMetLaagsteInkomen_84": "pct_personen_laagste_inkomen_40",
               "HuishoudensMetEenLaagInkomen_89": "pct_huishoudens_laag_inkomen"}
    eigen = [(k, c) for k, c in inkomen.items() if fakes[2023].cijfer("GM0505", k) is not None]
    assert eigen
    for key, kolom in eigen:
        assert kaart.gebieden["gemeente"].loc["GM0505", kolom] == cijfer(fakes[2023], "GM0505", key)
        assert reeksen.jaar_van(kaart, "gemeente", kolom)["GM0505"] == 2023


def test_a_buurt_cbs_marks_as_redrawn_is_not_given_its_old_figure(gebouwd):
    _, kaart, _ = gebouwd
    # The 2023 table marks BU05050102 with indelingswijziging 3; 2022 has no outlines to redistribute it.
    assert reeksen.reeks(kaart, "buurt", "BU05050102", "inwoners").index.tolist() == [2023]
    lijst = kaart.tabellen[HARMONISATIE]
    reden = lijst[(lijst["code"] == "BU05050102") & (lijst["kant"] == "oud")]["reden"].tolist()
    assert reden and "indelingswijziging 3" in reden[0]
    assert reeksen.reeks(kaart, "buurt", "BU05050101", "inwoners").index.tolist() == [2022, 2023]


@pytest.mark.parametrize("jaren,woorden", [("2016-2023", "table for 2016"),
                                           ("2023-2022", "from an older to a newer year")])
def test_a_range_cbs_cannot_serve_is_refused_before_any_request(http_mock, tmp_path, jaren, woorden):
    out = tmp_path / "x.gpkg"
    result = CliRunner().invoke(cli, ["build", "--bron", "cbs", "--jaar", jaren, "-g", "Dordrecht",
                                      "--uit", str(out)])
    assert result.exit_code != 0
    assert woorden in result.output + str(result.exception)
    if jaren.startswith("2016"):
        assert "Start the range at 2017" in result.exception.fix
    assert len(http_mock.calls) == 0
    assert not out.exists()


def test_an_older_year_pdok_serves_gets_its_outlines(http_mock, shared_file, tmp_path):
    """2023-2024: PDOK serves both years, so 2023 is read with its outlines, for the harmonisation to compare."""
    from fakes import kwb_2024

    kwb_2023().serve_v3(http_mock)
    kwb_2024(shared_file).serve_v3(http_mock)
    serve_pdok(http_mock, 2023)
    serve_pdok(http_mock, 2024)
    out = tmp_path / "x.gpkg"
    result = CliRunner().invoke(cli, ["build", "--jaar", "2023-2024", "-g", "GM0505", "--uit", str(out)])

    assert result.exit_code == 0, result.output + repr(result.exception)
    assert not [c for c in http_mock.calls if isinstance(c.response, Exception)]
    pdok = {urlsplit(c.request.url).path.split("/")[2] for c in http_mock.calls if "api.pdok.nl" in c.request.url}
    assert pdok == {"wijken-en-buurten-2023", "wijken-en-buurten-2024"}
    assert "[7/7]" in result.stderr  # 3 steps a year, PDOK's included, and the assembly
    kaart = read_kaart(out)
    assert reeksen.jaren(kaart) == [2023, 2024]
    # PDOK's 2023 outline of BU05050101 is lower than 2024's by a strip of 20 m: with 2023's outlines the
    # harmonisation sees the boundary change and redistributes (without them it would take the code as is)
    tabel = reeksen.reeksen(kaart)
    buurt = tabel[(tabel["niveau"] == "buurt") & (tabel["code"] == "BU05050101") & (tabel["jaar"] == 2023)]
    assert len(buurt) and set(buurt["status"]) == {GESCHAT}
