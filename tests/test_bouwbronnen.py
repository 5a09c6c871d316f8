"""Build sources register themselves: a new module in ``layers`` is offered by ``kaart build --bron`` with no other edit."""

from __future__ import annotations

import sys
import textwrap

import pytest
from click.testing import CliRunner

import layers
from commando.cli import cli
from kaart.kaartbestand import read_kaart
from layers import bouwbronnen
from layers.bouwbronnen import Vraag, kies

PROEF = '''
"""A build source only this test knows: the fictitious Voorbeeldregio's buurten, as a source would hand them."""

from kaart.bouwen import Bron
from kaart.normaliseren import normalise
from kaart.regio import gemeenten_in
from layers.bouwbronnen import Bouwbron, Invoer, registreer
from layers.demo import build_demo


def lees(vraag, stap, let_op):
    stap("Proefbuurten maken")
    buurten = build_demo().gebieden["buurt"].reset_index()[["code", "naam", "inwoners", "geometry"]]
    rijen, _ = normalise(buurten, bron="proef", jaar=vraag.jaar)
    bekend = gemeenten_in(rijen)
    return Invoer([Bron(rijen, {"bron": "proef"})], bekend, list(bekend["code"]), vraag.jaar)


registreer(Bouwbron("proef", "the test's own source", stappen=1, lees=lees))
'''


@pytest.fixture
def proefbron(tmp_path, monkeypatch):
    """A module ``proef`` in a folder of its own on ``layers.__path__``, as if it were added to ``layers/``."""
    folder = tmp_path / "extra"
    folder.mkdir()
    (folder / "proef.py").write_text(textwrap.dedent(PROEF), encoding="utf-8")
    monkeypatch.setattr(bouwbronnen, "_BRONNEN", dict(bouwbronnen.bronnen()))  # what it registers is forgotten after
    monkeypatch.setattr(layers, "__path__", [*layers.__path__, str(folder)])
    yield
    sys.modules.pop("layers.proef", None)


def test_the_sources_of_today_are_registered_by_their_modules():
    alle = bouwbronnen.bronnen()
    assert {"cbs", "bestanden"} <= set(alle)
    assert alle["cbs"].lees.__module__ == "layers.cbs_pdok" and alle["bestanden"].lees.__module__ == "layers.bestanden"
    assert kies(None, Vraag([], bestanden=("a.gpkg",))).naam == "bestanden"
    assert kies(None, Vraag(["GM0505"], jaar=2023)).naam == "cbs"


def test_a_new_module_in_layers_is_a_source_kaart_build_offers_and_builds(proefbron, tmp_path, demo_kaart):
    runner = CliRunner()
    hulp = runner.invoke(cli, ["build", "--help"])
    assert "proef: the test's own source" in " ".join(hulp.output.split())

    out = tmp_path / "proef.gpkg"
    result = runner.invoke(cli, ["build", "--bron", "proef", "--jaar", "2023", "-o", str(out)])
    assert result.exit_code == 0, result.output
    buurten = len(demo_kaart.gebieden["buurt"])  # the proef source gives the demo's buurten
    assert "[1/2] Proefbuurten maken" in result.output and f"{buurten} buurten" in result.output
    kaart = read_kaart(out)
    assert kaart.metadata["gemeenten"] == sorted(kaart.gebieden["gemeente"].index)
    assert len(kaart.gebieden["buurt"]) == buurten


def test_without_the_module_the_source_is_not_offered(tmp_path):
    result = CliRunner().invoke(cli, ["build", "--bron", "proef", "--jaar", "2023", "-o", str(tmp_path / "x.gpkg")])
    assert result.exit_code != 0 and "'proef' is not one of" in result.output
