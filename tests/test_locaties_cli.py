"""``kaart locaties`` as a user runs it: the ranked candidates in Dutch, the exports, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from test_cli import assert_clean_failure, run

from kaart.locatiezoeker import beoordeel, meet
from kaart.woonvormen import woonvorm


def test_locaties_prints_the_ranking_and_writes_every_export(demo_kaart_pad, demo_kaart, tmp_path):
    w = woonvorm("domus")
    verwacht = beoordeel(meet(demo_kaart, w), w.met({"zorg": 4}, {"scholen": 400}), top=3).lijst
    for soort in ("geojson", "gpkg", "csv"):
        uit = tmp_path / f"kandidaten.{soort}"
        result = run("locaties", demo_kaart_pad, "--profiel", "domus", "--top", "3", "--gewicht", "zorg=4",
                     "--afstand", "scholen=400", "--uit", uit)
        assert result.returncode == 0, result.stderr
        assert "[FICTIEF]" in result.stdout and "binnen 400 m van scholen" in result.stdout
        for row in verwacht.itertuples():
            assert f"beste vierkant {row.beste_cel}" in result.stdout
        if soort == "geojson":
            data = json.loads(uit.read_text(encoding="utf-8"))
            assert data["fictief"].startswith("Fictieve") and "scholen 400 m" in data["instellingen"]
            assert [f["properties"]["beste_cel"] for f in data["features"]] == list(verwacht["beste_cel"])
        elif soort == "gpkg":
            frame = gpd.read_file(uit, layer="kandidaten")
            assert frame.crs.to_epsg() == 28992 and list(frame["beste_cel"]) == list(verwacht["beste_cel"])
        else:
            frame = pd.read_csv(uit, sep=";", decimal=",", encoding="utf-8-sig")
            assert list(frame["beste_cel"]) == list(verwacht["beste_cel"])
            assert frame["waarom"].str.startswith("Voldoet aan alle uitsluitingen").all()


def test_a_profile_file_and_kavels_from_files(demo_kaart_pad, tmp_path):
    profiel = tmp_path / "mijn.toml"
    tekst = Path(woonvorm("eigen").pad).read_text(encoding="utf-8")
    profiel.write_text(tekst.replace('naam = "eigen"', 'naam = "mijn"'), encoding="utf-8")
    kavels = tmp_path / "kavels.geojson"
    kavels.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"naam": "Kavel A"}, "geometry": {"type": "Point", "coordinates": [5.2, 52.45]}},
        {"type": "Feature", "properties": {"naam": "Op zee"}, "geometry": {"type": "Point", "coordinates": [3.0, 52.5]}}]}))
    result = run("locaties", demo_kaart_pad, "--profiel", profiel, "--locaties", kavels)
    assert result.returncode == 0, result.stderr
    assert "Op zee" in result.stdout and "niet op land in de regio" in result.stdout


@pytest.mark.parametrize("args, fragment", [
    (["--profiel", "vakantiepark"], "Onbekend woonvormprofiel"),
    (["--gewicht", "vliegveld=2"], "geen voorkeur"),
    (["--afstand", "scholen=veel"], "UITSLUITING=METER"),
    (["--afstand", "scholen=9000"], "geef 0 tot en met 5.000"),
    (["--gemeente", "Atlantis"], "Onbekende gemeente"),
    (["--uit", "kandidaten.xlsx"], "unknown type"),
    (["--locaties", "bestaat-niet.geojson"], "Er is geen bestand"),
])
def test_bad_input_is_one_line_and_writes_nothing(demo_kaart_pad, tmp_path, args, fragment):
    result = run("locaties", demo_kaart_pad, *args, cwd=tmp_path)
    assert_clean_failure(result)
    assert fragment in result.stderr
    assert list(tmp_path.iterdir()) == []
