"""A built kaart describes itself: the web app shows it with the definitions it was built with, and a kaart
of another format version is refused with the fix (rebuild it), in Dutch on the web and in one line in the CLI."""

import copy
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import requests
from _server import running

from kaart.kaartbestand import FormatVersionError, read_kaart, write_kaart
from webapp import create_app
from webapp.serve import serve

GEWIJZIGD = "Ouderen volgens de definitie van toen"
VERDWENEN = "Een indicator die er niet meer is"
KOLOM_VERDWENEN = "ind_verdwenen_sinds_de_bouw"


def _app(pad: Path, tmp_path: Path):
    return create_app({"KAART_PAD": pad, "SECRET_KEY": "test",
                       "WERKSESSIE_DB": f"sqlite:///{tmp_path / 'werksessies.sqlite'}"})


@pytest.fixture
def oude_definities(demo_kaart, tmp_path):
    """The demo kaart as if built under older definitions: one label differs from today's, and one indicator
    (with its figures) is gone from today's ``kaart/definities/indicatoren.toml``."""
    kaart = copy.deepcopy(demo_kaart)
    tabel = kaart.tabellen["indicatoren"]
    tabel.loc[tabel["indicator"] == "aandeel_65plus", "label"] = GEWIJZIGD
    verdwenen = tabel[tabel["indicator"] == "aandeel_65plus"].assign(indicator=KOLOM_VERDWENEN[4:], label=VERDWENEN)
    kaart.tabellen["indicatoren"] = pd.concat([tabel, verdwenen], ignore_index=True)
    for frame in kaart.gebieden.values():
        frame[KOLOM_VERDWENEN] = frame["ind_aandeel_65plus"] / 2
    with running(_app(write_kaart(kaart, tmp_path / "oud.gpkg"), tmp_path)) as url:
        yield url, kaart


def test_the_map_page_shows_the_kaarts_own_labels_and_an_indicator_removed_since(oude_definities):
    url, _ = oude_definities
    page = requests.get(f"{url}/?niveau=buurt&indicator=ind_aandeel_65plus", timeout=60).text
    assert GEWIJZIGD in page and VERDWENEN in page
    response = requests.get(f"{url}/?niveau=buurt&indicator={KOLOM_VERDWENEN}", timeout=60)
    assert response.status_code == 200 and VERDWENEN in response.text


def test_the_profile_page_shows_the_kaarts_own_labels_and_an_indicator_removed_since(oude_definities):
    url, kaart = oude_definities
    code = kaart.gebieden["buurt"]["ind_aandeel_65plus"].dropna().index[0]
    page = requests.get(f"{url}/gebied/{code}", timeout=60).text
    assert GEWIJZIGD in page and VERDWENEN in page


def test_the_api_lists_and_serves_the_kaarts_own_indicators(oude_definities):
    url, kaart = oude_definities
    by_name = {i["naam"]: i for i in requests.get(f"{url}/api/v1/indicatoren", timeout=60).json()["indicatoren"]}
    assert by_name["ind_aandeel_65plus"]["label"] == GEWIJZIGD
    assert by_name[KOLOM_VERDWENEN]["label"] == VERDWENEN
    assert by_name[KOLOM_VERDWENEN]["niveaus"] == ["gemeente", "wijk", "buurt"]
    data = requests.get(f"{url}/api/v1/gebieden/buurt?indicator={KOLOM_VERDWENEN}", timeout=60).json()
    assert len(data["features"]) == len(kaart.gebieden["buurt"])


@pytest.fixture
def ouder_formaat(demo_kaart_pad, tmp_path) -> Path:
    """The demo kaart with the format version of before the kaart carried its own definitions."""
    pad = Path(shutil.copy(demo_kaart_pad, tmp_path / "ouder.gpkg"))
    with sqlite3.connect(pad) as db:
        db.execute("UPDATE metadata SET waarde = '1' WHERE sleutel = 'formaat_versie'")
    return pad


def test_a_kaart_of_an_older_format_is_refused_with_the_fix(ouder_formaat):
    with pytest.raises(FormatVersionError, match=r"oudere indeling \(versie 1.*Bouw de kaart opnieuw"):
        read_kaart(ouder_formaat)


def test_the_web_app_says_in_dutch_that_an_older_kaart_must_be_rebuilt(ouder_formaat, tmp_path):
    app = _app(ouder_formaat, tmp_path)
    with running(app) as url:
        page = requests.get(f"{url}/gebied/GM9901", timeout=60)
        api = requests.get(f"{url}/api/v1/indicatoren", timeout=60)
        stijl = requests.get(f"{url}/static/kaart.css", timeout=60)
    assert page.status_code == 503
    assert "oudere versie van het programma" in page.text and "kaart build" in page.text
    assert api.status_code == 503 and "kaart demo" in api.json()["fout"]["melding"]
    assert stijl.status_code == 200
    with pytest.raises(FormatVersionError):  # kaart serve: refused before anything listens
        serve(ouder_formaat, port=0)


def test_the_cli_says_in_one_line_that_an_older_kaart_must_be_rebuilt(ouder_formaat):
    kaart = shutil.which("kaart", path=str(Path(sys.executable).parent)) or "kaart"
    result = subprocess.run([kaart, "info", str(ouder_formaat)], capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert "oudere indeling" in result.stderr and "kaart build" in result.stderr
