"""Regio-indelingen: the real regioatlas files (read in place), gemeente mergers, and CBS 'Gebieden in
Nederland' through cbsodata against hand-written responses in the service's shape (no network)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import responses
from fakes import query

from kaart.errors import InputError, NetworkError
from kaart.kaartbestand import read_kaart
from layers import regio_indelingen as ri
from test_cli import assert_clean_failure, run

REGIOATLAS = "regioatlas_2016"
GEMEENTEN_2023 = "nl_gemeenten_2023/gemeenten_2023_kwb_simplified.geojson"
FIXTURES = Path(__file__).parent / "fixtures" / "cbs_gebieden"
FEED = "https://opendata.cbs.nl/ODataFeed/odata/85385NED/"


@pytest.fixture(scope="module")
def regioatlas(shared_file):
    return ri.load_regioatlas(shared_file(REGIOATLAS))


def test_the_regioatlas_files_load_as_one_long_frame(regioatlas):
    assert set(regioatlas["soort"]) == {"zorgkantoorregio", "centrumgemeente_bw_mo", "ggd_regio", "wmo_regio",
                                        "arbeidsmarktregio", "jeugdzorgregio", "veiligheidsregio"}
    assert (regioatlas.groupby("soort").size() == 390).all()
    dordrecht = regioatlas[regioatlas["gemeentecode"] == "GM0505"].set_index("soort")["regio"]
    assert dordrecht["zorgkantoorregio"] == "Zorgkantoor Waardenland"
    assert dordrecht["centrumgemeente_bw_mo"] == "Dordrecht"
    assert regioatlas["gemeentecode"].str.fullmatch(r"GM\d{4}").all() and (regioatlas["jaar"] == 2016).all()


def test_a_2016_indeling_applies_to_the_2023_gemeenten(regioatlas, shared_file):
    codes_2023 = {f["properties"]["gemeentecode"] for f in
                  json.loads(shared_file(GEMEENTEN_2023).read_text(encoding="utf-8"))["features"]}
    omgezet, meldingen = ri.naar_jaar(regioatlas, 2023)
    assert set(omgezet["gemeentecode"]) <= codes_2023  # every code is a gemeente of 2023
    zk = omgezet[omgezet["soort"] == "zorgkantoorregio"].set_index("gemeentecode")
    assert zk.loc["GM1978", "regio"] == "Zorgkantoor Waardenland"  # Giessenlanden + Molenwaard, both Waardenland
    assert zk.loc["GM1978", "oorspronkelijk"] == "GM0689,GM1927" and zk.loc["GM1978", "fusiejaar"] == 2019
    assert zk.loc["GM1978", "gemeentenaam"] == "Molenlanden"
    # Vianen sat in Zorgkantoor Utrecht, Leerdam and Zederik in Waardenland: reported, not assigned.
    assert "GM1961" not in zk.index
    assert any(m.startswith("GM1961 Vijfheerenlanden (zorgkantoorregio)") and "GM0620 in Zorgkantoor Utrecht" in m
               for m in meldingen)
    assert any("GM0788 Haaren" in m and "split" in m for m in meldingen)  # split in 2021: no one successor
    # Amsterdam (with Weesp) and Haarlemmermeer (with Haarlemmerliede) are reported for the same reason;
    # GM0998 is the file's "Buitenland", not a gemeente.
    assert sorted(codes_2023 - set(zk.index)) == ["GM0363", "GM0394", "GM0998", "GM1961"]


def test_mergers_chain_and_depend_on_the_year():
    assert ri.opvolger("GM0643", 2023) == ("GM1978", 2019)  # Nieuw-Lekkerland -> Molenwaard -> Molenlanden
    assert ri.opvolger("GM0643", 2015) == ("GM1927", 2013)
    assert ri.opvolger("GM0643", 2012) == ("GM0643", None)
    assert ri.opvolger("GM0505", 2023) == ("GM0505", None)
    assert ri.opvolger("GM0017", 2023) == ("GM0014", 2019)  # Haren into Groningen, which kept its code
    assert ri.opvolger("0457", 2023) == ("GM0363", 2022)  # Weesp
    with pytest.raises(InputError, match="split"):
        ri.opvolger("GM0140", 2019)
    fusies, _ = ri.fusies()
    nieuw = {f.code for f in fusies}
    assert all(oud not in nieuw or oud == "GM1927" for f in fusies for oud in f.oud)  # only Molenwaard chains


def serve_gebieden(mock: responses.RequestsMock) -> None:
    def fixture(name):
        return json.loads((FIXTURES / f"85385NED_{name}.json").read_text(encoding="utf-8"))

    mock.get(FEED, json=fixture("service"))
    for name in ("TableInfos", "DataProperties", "CategoryGroups", "RegioS", "TypedDataSet"):
        mock.get(FEED + name, json=fixture(name))


def test_cbs_gebieden_in_nederland_keys_are_learnt_from_dataproperties(http_mock):
    serve_gebieden(http_mock)
    frame = ri.load_cbs(2023)
    assert set(frame["soort"]) == {"arbeidsmarktregio", "ggd_regio", "jeugdzorgregio", "veiligheidsregio",
                                   "woningmarktregio", "zorgkantoorregio", "centrumgemeente_bw_mo"}
    zk = frame[frame["soort"] == "zorgkantoorregio"].set_index("gemeentecode")["regio"]
    assert zk["GM0505"] == "Zuid-Holland Zuid" and zk["GM0344"] == "Utrecht"  # padding stripped
    assert (frame["bron"] == "CBS 85385NED (Gebieden in Nederland)").all() and (frame["jaar"] == 2023).all()
    data_calls = [c for c in http_mock.calls if c.request.url.split("?")[0].endswith("/TypedDataSet")]
    assert query(data_calls[0].request.url)["$select"].split(",") == [
        "Code_1", "Naam_2", "Naam_5", "Naam_9", "Naam_11", "Naam_13", "Naam_15", "Naam_17", "Naam_19"]


def test_cbs_unreachable_is_a_network_error(http_mock):
    with pytest.raises(NetworkError):
        ri.load_cbs(2023)
    with pytest.raises(InputError, match="2016"):
        ri.load_cbs(1999)


def test_cli_imports_the_regioatlas_into_the_kaart_and_the_verdeelsleutel_uses_it(shared_file, tmp_path):
    kaart_pad = tmp_path / "drechtsteden.gpkg"
    gebouwd = run("build", "-b", shared_file("drechtsteden_2023/buurten_2023_drechtsteden.geojson"),
                  "-o", kaart_pad)
    assert gebouwd.returncode == 0, gebouwd.stderr
    result = run("regio-indelingen", "import", kaart_pad, shared_file(REGIOATLAS))
    assert result.returncode == 0, result.stderr
    assert "7 gemeenten van de kaart" in result.stdout and "Let op: GM1961 Vijfheerenlanden" in result.stdout
    tabel = read_kaart(kaart_pad).tabellen["regio_indelingen"]
    assert set(tabel.columns) >= {"gemeentecode", "soort", "regio", "bron", "jaar", "oorspronkelijk", "fusiejaar"}
    # Waardenland also holds Gorinchem and Molenlanden, which this kaart has no figures for: named, not dropped.
    missing = run("verdeel", kaart_pad, "--aantal", "50", "--regio", "zorgkantoorregio:Zorgkantoor Waardenland")
    assert_clean_failure(missing)
    assert "GM0512 Gorinchem" in missing.stderr and "GM1978 Molenlanden" in missing.stderr
    ok = run("verdeel", kaart_pad, "--aantal", "50", "--regio", "arbeidsmarktregio:Drechtsteden",
             "--csv", tmp_path / "v.csv")
    assert ok.returncode == 0, ok.stderr
    assert "Dordrecht" in ok.stdout and (tmp_path / "v.csv").exists()


@pytest.mark.parametrize("inhoud, fragment", [
    ("Gemeente;CBS;Zorgkantoorregio\nSúdwest-Fryslân;1900;Zorgkantoor Friesland\n".encode("cp1252"), "not UTF-8"),
    (b"Gemeente;CBS;Zorgkantoorregio\nDordrecht;505;Waardenland\nZwijndrecht;642;Waardenland;x;y\n",
     "Expected 3 fields in line 3"),
    (b"", "No columns to parse"),
])
def test_an_unreadable_csv_is_an_input_error_naming_the_file(tmp_path, demo_kaart_pad, inhoud, fragment):
    """A CSV saved by Excel as ANSI, a ragged one or an empty one: was a UnicodeDecodeError / ParserError."""
    map_ = tmp_path / "regioatlas"
    map_.mkdir()
    (map_ / "zorgkantoorregio.csv").write_bytes(inhoud)
    with pytest.raises(InputError) as err:
        ri.load_regioatlas(map_)
    assert "zorgkantoorregio.csv" in err.value.problem and fragment in err.value.problem
    assert "move it out of the folder" in err.value.fix
    result = run("regio-indelingen", "import", demo_kaart_pad, map_)
    assert_clean_failure(result)
    assert "zorgkantoorregio.csv" in result.stderr and fragment in result.stderr
