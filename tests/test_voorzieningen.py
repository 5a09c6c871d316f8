"""Facilities: import from files with every bad row reported, and their join to the areas."""

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from kaart.errors import InputError
from kaart.kaartbestand import Kaart
from kaart.categorieen import categorieen
from kaart.voorzieningen import BIJZONDERE_WOONVORMEN, RAND_M, regiovorm, tellingen, voeg_toe
from layers.voorzieningen import load_voorzieningen, parse_kolommen

DRECHTSTEDEN = ["GM0505", "GM0642", "GM0590", "GM0610", "GM0482", "GM0523", "GM0531"]
BUURTEN_2023 = "drechtsteden_2023/buurten_2023_drechtsteden.geojson"
ZIEKENHUIZEN = "drechtsteden_2023/ziekenhuizen_poliklinieken_drechtsteden_e.o.geojson"


@pytest.fixture(scope="module")
def drechtsteden(shared_file, drechtsteden_2023):
    """The real Drechtsteden buurten 2023 as a kaart, with the real hospital points imported."""
    kaart = drechtsteden_2023()
    gelezen = load_voorzieningen(shared_file(ZIEKENHUIZEN), categorie="ziekenhuis")
    buiten = voeg_toe(kaart, gelezen.punten, gelezen.info["bron"])
    return kaart, gelezen, buiten


def _raw_buurten(shared_file):
    """The buurt polygons read straight from the file, in RD New, without the project's code."""
    raw = gpd.read_file(shared_file(BUURTEN_2023)).to_crs("EPSG:28992")
    return raw


def _raw_hospitals(shared_file):
    return gpd.read_file(shared_file(ZIEKENHUIZEN)).to_crs("EPSG:28992")


def test_real_hospitals_join_to_the_buurt_that_contains_them(drechtsteden, shared_file):
    kaart, gelezen, _ = drechtsteden
    raw, hospitals = _raw_buurten(shared_file), _raw_hospitals(shared_file)
    expected = {}
    for point in hospitals.geometry:  # point in polygon, one polygon at a time
        for code, polygon in zip(raw["buurtcode"], raw.geometry):
            if polygon.contains(point):
                expected[code] = expected.get(code, 0) + 1
                break
    assert sum(expected.values()) >= 4  # Dordrecht, Zwijndrecht, Sliedrecht and more lie in the region
    buurten = kaart.gebieden["buurt"]
    got = buurten["vz_ziekenhuis"][buurten["vz_ziekenhuis"] > 0].astype(int).to_dict()
    assert got == expected
    assert (buurten["vz_ziekenhuis"].fillna(0) >= 0).all()


def test_counts_per_gemeente_match_an_independent_point_in_polygon(drechtsteden, shared_file):
    kaart, _, _ = drechtsteden
    raw, hospitals = _raw_buurten(shared_file), _raw_hospitals(shared_file)
    per_gemeente = {code: 0 for code in DRECHTSTEDEN}
    for point in hospitals.geometry:
        for gemeente, polygon in zip(raw["gemeentecode"], raw.geometry):
            if polygon.contains(point):
                per_gemeente[gemeente] += 1
                break
    gemeenten = kaart.gebieden["gemeente"]
    assert gemeenten["vz_ziekenhuis"].astype(int).to_dict() == per_gemeente
    assert kaart.extra["regio"]["vz_ziekenhuis"].iloc[0] == sum(per_gemeente.values())
    wijken = kaart.gebieden["wijk"]
    assert wijken["vz_ziekenhuis"].sum() == sum(per_gemeente.values())


def test_distance_to_the_nearest_hospital_is_measured_from_inside_each_buurt(drechtsteden, shared_file):
    kaart, _, buiten = drechtsteden
    buurten = kaart.gebieden["buurt"]
    kept = kaart.extra["voorzieningen"]
    for code in buurten.index[::17]:
        origin = buurten.geometry[code].representative_point()
        assert buurten.geometry[code].contains(origin)
        nearest = min(origin.distance(p) for p in kept.geometry)
        assert buurten.at[code, "vz_ziekenhuis_afstand_m"] == pytest.approx(nearest, abs=0.5)
    # Above buurt level the distance is the inhabitants-weighted mean of the buurten.
    gemeente = "GM0505"
    rows = buurten[(buurten["gemeentecode"] == gemeente) & buurten["inwoners"].notna()]
    weighted = (rows["vz_ziekenhuis_afstand_m"] * rows["inwoners"]).sum() / rows["inwoners"].sum()
    assert kaart.gebieden["gemeente"].at[gemeente, "vz_ziekenhuis_afstand_m"] == pytest.approx(weighted, abs=0.05)  # stored to 0.1 m


def test_hospitals_far_outside_the_region_are_reported_not_counted(drechtsteden, shared_file):
    kaart, gelezen, buiten = drechtsteden
    regio = regiovorm(kaart)
    hospitals = _raw_hospitals(shared_file)
    far = {naam for naam, p in zip(hospitals["Naam"], hospitals.geometry) if p.distance(regio) > RAND_M}
    assert far and "Amphia Breda" in far
    assert set(buiten["naam"]) == far
    # Each named by its feature number in the file.
    assert {int(r) for r in buiten["regel"]} == {i + 1 for i, n in enumerate(hospitals["Naam"]) if n in far}
    assert "regel" not in kaart.extra["voorzieningen"]
    kept = kaart.extra["voorzieningen"]
    assert len(kept) + len(buiten) == len(hospitals) == len(gelezen.punten)
    # Kept points just outside the region serve border buurten but count in no area.
    outside = kept[kept["in_regio"] == 0]
    assert len(outside) + kaart.gebieden["buurt"]["vz_ziekenhuis"].sum() == len(kept)


def test_the_kaart_keeps_its_facilities_and_indicators_after_writing(drechtsteden, tmp_path):
    from kaart.kaartbestand import read_kaart, write_kaart

    kaart, _, _ = drechtsteden
    terug = read_kaart(write_kaart(kaart, tmp_path / "d.gpkg"))
    assert len(terug.extra["voorzieningen"]) == len(kaart.extra["voorzieningen"])
    assert terug.gebieden["buurt"]["vz_ziekenhuis"].sum() == kaart.gebieden["buurt"]["vz_ziekenhuis"].sum()
    assert terug.metadata["voorzieningen"] == [{"bron": ZIEKENHUIZEN.split("/")[1],
                                                "punten": len(kaart.extra["voorzieningen"])}]


def _csv(tmp_path, text, name="lijst.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_rows_are_reported_with_their_line_numbers_and_good_rows_load(tmp_path):
    path = _csv(tmp_path, "\n".join([
        "Naam;Soort;Lat;Lon;Plaatsen",
        "Praktijk De Linde;huisarts;51,8100;4,6700;",           # line 2: good, decimal commas
        "Zonder plek;apotheek;;;",                              # line 3: no coordinates
        "In Spanje;huisarts;40.41;-3.70;",                      # line 4: outside the Netherlands
        "Verwisseld;apotheek;4.67;51.81;",                      # line 5: lat/lon swapped
        "Kapper Knip;kapsalon;51.80;4.66;",                     # line 6: unknown category
        "Het Anker;Beschermd wonen;51.805;4.675;12",            # line 7: good, label as category
        ";wijkcentrum;51.79;4.68;",                             # line 8: good, no name
        "Geen soort;;51.79;4.68;",                              # line 9: no category
    ]))
    gelezen = load_voorzieningen(path)
    problemen = dict(zip(gelezen.afgewezen["regel"], gelezen.afgewezen["probleem"]))
    assert set(problemen) == {3, 4, 5, 6, 9}
    assert "geen (leesbare) coördinaten" in problemen[3]
    assert problemen[4] == "coördinaten buiten Nederland"
    assert "verwisseld" in problemen[5]
    assert problemen[6] == "onbekende categorie 'kapsalon'"
    assert problemen[9] == "geen categorie"
    punten = gelezen.punten
    assert punten["categorie"].tolist() == ["huisarts", "beschermd_wonen", "wijkcentrum"]
    assert punten["naam"].tolist()[:2] == ["Praktijk De Linde", "Het Anker"]
    assert "zonder naam" in punten["naam"].iloc[2]
    assert punten.crs == "EPSG:28992"
    expected = gpd.GeoSeries([Point(4.67, 51.81)], crs="EPSG:4326").to_crs("EPSG:28992").iloc[0]
    assert punten.geometry.iloc[0].distance(expected) < 0.01
    assert punten["plaatsen"].tolist()[1] == 12 and np.isnan(punten["plaatsen"].iloc[0])
    assert gelezen.info["geladen"] == 3 and gelezen.info["afgewezen"] == 5


def test_rd_coordinates_with_a_column_mapping(tmp_path):
    path = _csv(tmp_path, "Locatie,X_RD,Y_RD\nApotheek Centrum,105000,425000\nApotheek Noord,105500,426000\n")
    gelezen = load_voorzieningen(path, categorie="apotheek",
                                 kolommen=parse_kolommen("naam=Locatie,x=X_RD,y=Y_RD"))
    assert gelezen.afgewezen.empty
    assert [(p.x, p.y) for p in gelezen.punten.geometry] == [(105000, 425000), (105500, 426000)]
    assert set(gelezen.punten["categorie"]) == {"apotheek"}


def test_polygons_become_a_point_inside_them(tmp_path):
    building = box(105000, 425000, 105040, 425020)
    frame = gpd.GeoDataFrame({"name": ["Wijkcentrum De Brug", "Leeg"], "type": ["buurthuis", "buurthuis"]},
                             geometry=[building, None], crs="EPSG:28992")
    path = tmp_path / "gebouwen.gpkg"
    frame.to_file(path)
    gelezen = load_voorzieningen(path)
    assert gelezen.afgewezen.to_dict("records") == [{"regel": 2, "probleem": "geen geometrie"}]
    assert building.contains(gelezen.punten.geometry.iloc[0])
    assert gelezen.punten["categorie"].iloc[0] == "wijkcentrum"


@pytest.mark.parametrize("kwargs, text, message", [
    ({}, "naam,lat,lon\nA,51.8,4.6\n", "no category column"),
    ({"categorie": "huisarts"}, "naam,plaats\nA,Dordrecht\n", "no geometry and no coordinate columns"),
    ({"categorie": "kapper"}, "naam,lat,lon\nA,51.8,4.6\n", "Unknown categorie 'kapper'"),
    ({"categorie": "huisarts", "kolommen": {"naam": "Titel"}}, "naam,lat,lon\nA,51.8,4.6\n", "no column 'Titel'"),
])
def test_a_file_that_cannot_be_used_says_what_to_do(tmp_path, kwargs, text, message):
    with pytest.raises(InputError, match=message):
        load_voorzieningen(_csv(tmp_path, text), **kwargs)


def test_a_bad_column_mapping_names_the_fields():
    with pytest.raises(InputError, match="fields: naam, categorie"):
        parse_kolommen("naam=Locatie,kleur=Rood")


def _vierkant_kaart() -> Kaart:
    """Two buurten of one wijk in one gemeente: 1 km squares side by side."""
    west, oost = box(100_000, 400_000, 101_000, 401_000), box(101_000, 400_000, 102_000, 401_000)
    rows = {
        "buurt": gpd.GeoDataFrame({"niveau": "buurt", "naam": ["West", "Oost"], "wijkcode": "WK999901",
                                   "gemeentecode": "GM9999", "gemeentenaam": "Proef", "jaar": 2023,
                                   "inwoners": [1000.0, 3000.0], "water": 0},
                                  geometry=[west, oost], index=pd.Index(["BU99990101", "BU99990102"], name="code"),
                                  crs="EPSG:28992"),
        "wijk": gpd.GeoDataFrame({"niveau": "wijk", "naam": ["Wijk"], "gemeentecode": "GM9999",
                                  "gemeentenaam": "Proef", "jaar": 2023, "inwoners": [4000.0], "water": 0},
                                 geometry=[west.union(oost)], index=pd.Index(["WK999901"], name="code"),
                                 crs="EPSG:28992"),
        "gemeente": gpd.GeoDataFrame({"niveau": "gemeente", "naam": ["Proef"], "gemeentecode": "GM9999",
                                      "gemeentenaam": "Proef", "jaar": 2023, "inwoners": [4000.0], "water": 0},
                                     geometry=[west.union(oost)], index=pd.Index(["GM9999"], name="code"),
                                     crs="EPSG:28992"),
    }
    return Kaart(gebieden=rows, metadata={"titel": "Proef", "regio": "Proef", "jaar": 2023})


def _punten(rows, bron="lijst.csv"):
    return gpd.GeoDataFrame([{"naam": n, "categorie": c, "plaatsen": p, "bron": bron} for n, c, p, _ in rows],
                            geometry=[Point(xy) for *_, xy in rows], crs="EPSG:28992")


def test_zorgdruk_places_sum_only_when_every_location_says_how_many():
    kaart = _vierkant_kaart()
    voeg_toe(kaart, _punten([("BW", "beschermd_wonen", 10.0, (100_500, 400_500)),
                             ("MO", "maatschappelijke_opvang", 20.0, (100_600, 400_500)),
                             ("SH", "skaeve_huse", np.nan, (101_500, 400_500)),
                             ("HA", "huisarts", np.nan, (101_600, 400_500))]), "lijst.csv")
    buurten = kaart.gebieden["buurt"]
    assert buurten["zorgdruk_locaties"].tolist() == [2, 1]
    assert buurten.at["BU99990101", "zorgdruk_plaatsen"] == 30
    assert np.isnan(buurten.at["BU99990102", "zorgdruk_plaatsen"])  # unknown, never 0
    assert np.isnan(kaart.gebieden["gemeente"]["zorgdruk_plaatsen"].iloc[0])
    assert set(kaart.extra[BIJZONDERE_WOONVORMEN]["categorie"]) == {"beschermd_wonen", "maatschappelijke_opvang",
                                                                     "skaeve_huse"}
    # Zorgdruk per 1,000 inhabitants, an indicator: 2 of 1,000 in West, 1 of 3,000 in Oost.
    assert buurten["ind_zorgdruk_per_1000"].tolist() == [2.0, 0.33]
    assert buurten["ind_huisartsen_per_1000"].tolist() == [0.0, 0.33]


def test_importing_the_same_source_again_replaces_its_points():
    kaart = _vierkant_kaart()
    eerste = _punten([("A", "apotheek", np.nan, (100_500, 400_500)), ("B", "apotheek", np.nan, (101_500, 400_500))])
    voeg_toe(kaart, eerste, "lijst.csv")
    voeg_toe(kaart, _punten([("C", "huisarts", np.nan, (100_200, 400_200))], bron="ander.csv"), "ander.csv")
    voeg_toe(kaart, eerste.iloc[:1], "lijst.csv")
    assert sorted(kaart.extra["voorzieningen"]["naam"]) == ["A", "C"]
    assert kaart.gebieden["buurt"]["vz_apotheek"].tolist() == [1, 0]
    assert kaart.metadata["voorzieningen"] == [{"bron": "ander.csv", "punten": 1}, {"bron": "lijst.csv", "punten": 1}]


def test_a_point_on_a_shared_border_counts_once_and_unknown_categories_stay_unknown():
    kaart = _vierkant_kaart()
    counts = tellingen(_punten([("Grens", "apotheek", np.nan, (101_000, 400_500))]), kaart.gebieden["buurt"])
    assert counts["vz_apotheek"].sum() == 1  # found on the border, counted in one buurt only
    assert "vz_huisarts" not in counts  # nobody imported huisartsen: unknown, not 0


def test_every_category_has_a_label_symbol_and_colour():
    for cat in categorieen().values():
        assert cat.label and cat.meervoud and 1 <= len(cat.afkorting) <= 2
        assert cat.kleur.startswith("#") and len(cat.kleur) == 7
    assert {"huisarts", "apotheek", "wijkcentrum", "verpleeghuis", "beschermd_wonen", "maatschappelijke_opvang",
            "ggz", "ziekenhuis", "jeugdhulp", "school", "ov_halte"} <= set(categorieen())


def test_the_demo_has_its_facilities_joined(demo_kaart):
    buurten = demo_kaart.gebieden["buurt"]
    punten = demo_kaart.extra["voorzieningen"]
    for cat, n in punten.groupby("categorie").size().items():
        assert buurten[f"vz_{cat}"].sum() == n
        assert buurten[f"vz_{cat}_afstand_m"].notna().sum() == buurten.geometry.notna().sum()
    assert json.dumps(demo_kaart.metadata["voorzieningen"])


def _luminance(kleur: str) -> float:
    channels = [int(kleur.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_every_symbol_colour_carries_white_text_at_wcag_aa_contrast():
    for cat in categorieen().values():
        contrast = (1 + 0.05) / (_luminance(cat.kleur) + 0.05)
        assert contrast >= 4.5, f"{cat.naam}: {cat.kleur} gives {contrast:.2f}:1 against white"
