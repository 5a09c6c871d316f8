"""The locatiezoeker: exclusions checked by an independent geometric computation, the monotonicity of
weights and buffers, uploaded sites, real Drechtsteden data and the demo region."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, box

from kaart.errors import InputError
from kaart.locaties import load_locaties
from kaart.locatiezoeker import beoordeel, meet, verklaar
from kaart.raster import raster
from kaart.voorzieningen import voeg_toe
from kaart.woonvormen import MAX_AFSTAND_M, lees, woonvorm, woonvormen
from layers.voorzieningen import load_voorzieningen

DRECHTSTEDEN = ["GM0505", "GM0642", "GM0590", "GM0610", "GM0482", "GM0523", "GM0531"]
BUURTEN_2023 = "drechtsteden_2023/buurten_2023_drechtsteden.geojson"
ZIEKENHUIZEN = "drechtsteden_2023/ziekenhuizen_poliklinieken_drechtsteden_e.o.geojson"
PROFIELEN = ["skaeve-huse", "domus"]


@pytest.fixture(scope="module")
def metingen(demo_kaart):
    """The demo region measured once per profile."""
    return {naam: meet(demo_kaart, woonvorm(naam)) for naam in [*PROFIELEN, "eigen"]}


def _features(kaart, c) -> shapely.Geometry | None:
    """What an exclusion keeps a candidate away from, computed here from the kaart's own layers."""
    buurten = kaart.gebieden["buurt"].to_crs("EPSG:28992")
    if c.soort == "water":
        vormen = buurten.geometry[buurten["water"].fillna(0).astype(bool)]
    elif c.soort == "woonbebouwing":
        vormen = buurten.geometry[~buurten["water"].fillna(0).astype(bool)
                                  & (buurten["bevolkingsdichtheid"] >= c.dichtheid_min)]
    else:
        punten = kaart.extra["voorzieningen"].to_crs("EPSG:28992")
        vormen = punten.geometry[punten["categorie"].isin(c.categorieen)]
    return shapely.union_all(vormen.values) if len(vormen) else None


def _assert_every_candidate_keeps_its_distance(kaart, uitkomst):
    assert len(uitkomst.lijst), uitkomst.melding
    for c in uitkomst.woonvorm.uitsluitingen:
        features = _features(kaart, c)
        if features is None:
            continue
        afstand = shapely.distance(uitkomst.lijst.geometry.values, features)
        assert (afstand > c.afstand_m).all(), (c.id, c.afstand_m, afstand.min())


@pytest.mark.parametrize("naam", PROFIELEN)
def test_every_candidate_area_satisfies_every_exclusion_by_an_independent_computation(demo_kaart, metingen, naam):
    _assert_every_candidate_keeps_its_distance(demo_kaart, beoordeel(metingen[naam], top=25))


def _cel(code: str) -> shapely.Geometry:
    """A CBS square from its code alone: E and N of the lower-left corner in hectometres."""
    x, y = int(code[1:5]) * 100, int(code[6:]) * 100
    return box(x, y, x + 100, y + 100)


@pytest.mark.parametrize("naam", PROFIELEN)
def test_every_remaining_cell_satisfies_every_exclusion(demo_kaart, metingen, naam):
    """Not only the best areas: every cell that keeps a score is checked, rebuilt from its CBS code."""
    u = beoordeel(metingen[naam])
    over = np.isfinite(u.score)
    assert over.any()
    cellen = np.array([_cel(c) for c in metingen[naam].kandidaten["id"][over]])
    for c in u.woonvorm.uitsluitingen:
        features = _features(demo_kaart, c)
        if features is not None:
            assert (shapely.distance(cellen, features) > c.afstand_m).all(), c.id
    # ... and every cell that is out is within some exclusion's buffer (none is dropped for nothing).
    weg = np.array([_cel(c) for c in metingen[naam].kandidaten["id"][~over][::50]])
    binnen = np.zeros(len(weg), dtype=bool)
    for c in u.woonvorm.uitsluitingen:
        features = _features(demo_kaart, c)
        if features is not None:
            binnen |= shapely.distance(weg, features) <= c.afstand_m + 1e-6
    assert binnen.all()


@pytest.mark.parametrize("naam", PROFIELEN)
def test_larger_buffers_still_hold_geometrically(demo_kaart, metingen, naam):
    w = metingen[naam].woonvorm
    groter = w.met(afstanden={c.id: min(MAX_AFSTAND_M, c.afstand_m * 2 + 200) for c in w.uitsluitingen})
    _assert_every_candidate_keeps_its_distance(demo_kaart, beoordeel(metingen[naam], groter, top=25))


def test_candidate_areas_lie_on_land_in_the_region_and_follow_the_profile(demo_kaart, metingen):
    w = metingen["skaeve-huse"].woonvorm
    u = beoordeel(metingen["skaeve-huse"], top=25)
    buurten = demo_kaart.gebieden["buurt"].to_crs("EPSG:28992")
    land = shapely.union_all(buurten.geometry[~buurten["water"].fillna(0).astype(bool)].values)
    # Every cell centre is on land, so each area lies within half a cell's diagonal of it.
    assert shapely.within(u.lijst.geometry.values, land.buffer(71)).all()
    assert (u.lijst["oppervlakte_ha"] >= w.min_oppervlakte_ha).all()
    assert u.lijst["score"].is_monotonic_decreasing
    assert np.allclose(u.lijst.geometry.area / 10_000, u.lijst["oppervlakte_ha"])
    # Candidate areas are whole CBS squares: corners on multiples of 100 m.
    coords = shapely.get_coordinates(u.lijst.geometry.values)
    assert np.allclose(coords % 100, 0) or np.allclose(np.minimum(coords % 100, 100 - coords % 100), 0)


def test_domus_spreads_its_candidates_over_the_gemeenten(metingen):
    u = beoordeel(metingen["domus"], top=10)
    assert u.lijst.groupby("gemeentecode").size().max() <= metingen["domus"].woonvorm.max_per_gemeente


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_raising_a_weight_never_lowers_the_score_of_a_candidate_best_on_it(metingen, data):
    naam = data.draw(st.sampled_from(PROFIELEN))
    m = metingen[naam]
    ids = [c.id for c in m.woonvorm.voorkeuren]
    gewichten = {i: data.draw(st.floats(0, 5)) for i in ids}
    gewichten[ids[0]] = max(gewichten[ids[0]], 0.5)  # at least one weight above 0
    j = data.draw(st.sampled_from(ids))
    extra = data.draw(st.floats(0.1, 5))
    voor = beoordeel(m, m.woonvorm.met(gewichten))
    na = beoordeel(m, m.woonvorm.met({**gewichten, j: min(10, gewichten[j] + extra)}))
    v = voor.waardering[j]
    beste = np.isfinite(v) & (v == np.nanmax(v))
    assert beste.any()
    assert (na.score[beste] >= voor.score[beste] - 1e-12).all()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_candidate_excluded_at_a_buffer_stays_excluded_at_any_larger_one(metingen, data):
    naam = data.draw(st.sampled_from(PROFIELEN))
    m = metingen[naam]
    c = data.draw(st.sampled_from([c for c in m.woonvorm.uitsluitingen]))
    klein = data.draw(st.floats(0, MAX_AFSTAND_M - 1))
    groot = data.draw(st.floats(klein, MAX_AFSTAND_M))
    a = beoordeel(m, m.woonvorm.met(afstanden={c.id: klein}))
    b = beoordeel(m, m.woonvorm.met(afstanden={c.id: groot}))
    assert not (a.uitgesloten[c.id] & ~b.uitgesloten[c.id]).any()
    assert not (~np.isfinite(a.score) & np.isfinite(b.score)).any()


def test_no_computable_preference_is_said_as_such_not_blamed_on_an_exclusion(demo_kaart):
    """A kaart without facilities or drukpunt scores leaves land over but nothing to score it by."""
    from dataclasses import replace

    kaal = replace(demo_kaart, extra={k: v for k, v in demo_kaart.extra.items() if k != "voorzieningen"},
                   gebieden={n: f.drop(columns=[c for c in f.columns if c.startswith(("drukpunt", "zorgdruk_"))])
                             for n, f in demo_kaart.gebieden.items()})
    u = beoordeel(meet(kaal, woonvorm("domus")))
    assert u.lijst.empty and u.over.any()
    assert "geen enkele voorkeur" in u.melding and "Verklein die afstand" not in u.melding
    assert len(u.waarschuwingen) >= 3


def test_the_best_share_is_a_number_of_cells_even_when_scores_tie(metingen):
    """Distances beyond a preference's range score alike; the candidate areas still hold only the best share."""
    m = metingen["skaeve-huse"]
    w = m.woonvorm.met({c.id: (1 if c.id == "rust" else 0) for c in m.woonvorm.voorkeuren})
    u = beoordeel(m, w, top=1000)
    scored = int(np.isfinite(u.score).sum())
    assert (u.score[np.isfinite(u.score)] == 1).sum() > w.beste_aandeel * scored  # many cells tie at the top
    assert u.lijst["gebied_oppervlakte_ha"].sum() <= np.ceil(w.beste_aandeel * scored)


def test_no_candidates_says_which_exclusion_removed_the_most_area(demo_kaart):
    w = woonvorm("eigen")
    dicht = w.met(afstanden={"woonbebouwing": MAX_AFSTAND_M})
    streng = type(w)(**{**w.__dict__, "uitsluitingen": tuple(
        type(c)(**{**c.__dict__, "dichtheid_min": 1.0}) if c.id == "woonbebouwing" else c
        for c in dicht.uitsluitingen)})
    u = beoordeel(meet(demo_kaart, streng), streng)
    assert u.lijst.empty
    rij = u.overzicht.set_index("id").loc["woonbebouwing"]
    assert rij["uitgesloten"] == u.overzicht["uitgesloten"].max()
    assert "‘Dichte woonbebouwing’" in u.melding and "Verklein die afstand" in u.melding


def test_reasons_name_the_distances_and_values_of_each_candidate(metingen):
    u = beoordeel(metingen["domus"], top=3)
    eerste = u.lijst.iloc[0]
    assert eerste["waarom"].startswith("Voldoet aan alle uitsluitingen")
    for c in u.woonvorm.voorkeuren:
        assert c.label in eerste["waarom"]
    assert 0 <= eerste["zorg_waardering"] <= 1
    uitleg = verklaar(u, *shapely.get_coordinates(u.lijst.geometry.iloc[0].representative_point())[0]).tekst
    assert uitleg.startswith("Vierkant E") and ("score" in uitleg or "geen kandidaat" in uitleg)


@pytest.mark.parametrize("naam", PROFIELEN)
def test_each_candidate_has_a_table_of_every_criterion_whose_scores_make_its_score(metingen, naam):
    u = beoordeel(metingen[naam], top=5)
    assert len(u.tabellen) == len(u.lijst) > 0
    for (_, rij), regels in zip(u.lijst.iterrows(), u.tabellen):
        assert [r.criterium for r in regels] == [c.label for c in u.woonvorm.criteria]
        assert all(r.score == "voldoet" for r in regels if r.rol == "uitsluiting" and r.score != "telt niet mee")
        gewogen = [(float(r.score.replace(",", ".")), c.gewicht) for r, c in zip(regels[len(u.woonvorm.uitsluitingen):],
                   u.woonvorm.voorkeuren) if r.score not in ("telt niet mee", "–") and c.gewicht]
        som = sum(g for _, g in gewogen)
        assert abs(sum(v * g for v, g in gewogen) / som - rij["score"]) < 0.01  # the table adds up to the score
        for r in regels:  # units as a council reads them: m without decimals or km with one, never "0 m" limits
            assert "minimaal 0 m" not in r.gewicht and not re.search(r"\d,\d+ m\b", r.waarde), r


@pytest.mark.parametrize("naam", PROFIELEN)
def test_a_candidate_is_a_plot_of_the_profile_size_inside_a_larger_area(metingen, naam):
    w = metingen[naam].woonvorm
    u = beoordeel(metingen[naam], top=10)
    assert not u.lijst.empty
    cel_ha = metingen[naam].raster.grootte ** 2 / 10_000
    assert (u.lijst["oppervlakte_ha"] >= w.min_oppervlakte_ha).all()
    assert (u.lijst["oppervlakte_ha"] < w.min_oppervlakte_ha + cel_ha).all()  # about the minimum, not the area
    assert (u.lijst["gebied_oppervlakte_ha"] >= u.lijst["oppervlakte_ha"]).all()
    # Each plot lies in its area, in one piece.
    assert shapely.covers(u.gebieden.values, u.lijst.geometry.values).all()
    assert (u.lijst.geometry.geom_type == "Polygon").all()


@pytest.mark.parametrize("naam", PROFIELEN)
def test_a_gemeente_shows_the_regions_candidates_in_it_and_says_why_there_are_fewer(metingen, naam):
    m = metingen[naam]
    regio = beoordeel(m, top=50)
    for gemeente in sorted(set(m.kandidaten["gemeentecode"])):
        u = beoordeel(m, top=10, gemeente=gemeente)
        verwacht = regio.lijst[regio.lijst["gemeentecode"] == gemeente].head(10)
        assert list(u.lijst["beste_cel"]) == list(verwacht["beste_cel"])
        assert np.allclose(u.lijst["oppervlakte_ha"], verwacht["oppervlakte_ha"])
        assert np.allclose(u.lijst["gebied_oppervlakte_ha"], verwacht["gebied_oppervlakte_ha"])
        if 0 < len(u.lijst) < 10:
            assert u.tekort and u.gemeentenaam in u.tekort and "gevraagd waren er 10" in u.tekort
        elif u.lijst.empty:
            assert u.melding and u.gemeentenaam in u.melding


def test_a_click_on_a_school_says_why_the_place_is_out(demo_kaart, metingen):
    u = beoordeel(metingen["domus"])
    school = demo_kaart.extra["voorzieningen"].query("categorie == 'school'").to_crs("EPSG:28992").geometry.iloc[0]
    uitleg = verklaar(u, school.x, school.y)
    assert "geen kandidaat" in uitleg.tekst and "Valt af" in uitleg.tekst and "Scholen" in uitleg.tekst
    assert any(r.valt_af and r.criterium == "Scholen" for r in uitleg.regels)
    assert "niet op land" in verklaar(u, 0, 0).tekst


def test_the_grid_is_the_cbs_grid_of_the_land_buurten(demo_kaart):
    buurten = demo_kaart.gebieden["buurt"]
    land = buurten[~buurten["water"].fillna(0).astype(bool)]
    grid = raster(land)
    assert grid.x0 % 100 == 0 and grid.y0 % 100 == 0
    x, y = grid.midden()
    assert shapely.intersects_xy(shapely.union_all(land.geometry.values), x, y).all()
    code = grid.codes()[0]
    assert code == f"E{int((x[0] - 50) / 100):04d}N{int((y[0] - 50) / 100):04d}"
    # Land area and cell count agree to within the ragged border.
    assert abs(len(grid.cel) - land.geometry.area.sum() / 10_000) / len(grid.cel) < 0.01


def test_a_gemeente_limits_the_candidates_not_the_features(demo_kaart, metingen):
    gemeente = demo_kaart.gebieden["gemeente"].index[1]
    u = beoordeel(metingen["domus"], gemeente=gemeente)
    assert set(u.lijst["gemeentecode"]) <= {gemeente}
    assert u.gezocht < beoordeel(metingen["domus"]).gezocht
    _assert_every_candidate_keeps_its_distance(demo_kaart, u)
    with pytest.raises(InputError, match="geen gemeente 'GM0000'"):
        beoordeel(metingen["domus"], gemeente="GM0000")


def _sites(tmp_path, demo_kaart):
    buurten = demo_kaart.gebieden["buurt"].to_crs("EPSG:28992")
    school = demo_kaart.extra["voorzieningen"].query("categorie == 'school'").to_crs("EPSG:28992").geometry.iloc[0]
    rustig = beoordeel(meet(demo_kaart, woonvorm("skaeve-huse"))).lijst.geometry.iloc[0].representative_point()
    minx, miny, _, _ = buurten.total_bounds
    sites = gpd.GeoDataFrame({"naam": ["Naast de school", "Polderkavel", "Buiten de regio"]},
                             geometry=[school.buffer(30), box(rustig.x - 40, rustig.y - 40, rustig.x + 40, rustig.y + 40),
                                       Point(minx - 20_000, miny - 20_000).buffer(50)], crs="EPSG:28992")
    pad = tmp_path / "kavels.geojson"
    sites.to_crs("EPSG:4326").to_file(pad, driver="GeoJSON")
    return pad


def test_uploaded_sites_are_scored_and_the_excluded_say_why(tmp_path, demo_kaart):
    sites = load_locaties(str(_sites(tmp_path, demo_kaart)))
    u = beoordeel(meet(demo_kaart, woonvorm("skaeve-huse"), locaties=sites))
    rijen = u.lijst.set_index("naam")
    assert rijen.loc["Polderkavel", "geschikt"] and rijen.loc["Polderkavel", "rang"] == 1
    assert not rijen.loc["Naast de school", "geschikt"]
    assert "Valt af" in rijen.loc["Naast de school", "waarom"] and "Scholen" in rijen.loc["Naast de school", "waarom"]
    assert "niet op land in de regio" in rijen.loc["Buiten de regio", "waarom"]
    geschikt = u.lijst[u.lijst["geschikt"]]
    _assert_every_candidate_keeps_its_distance(demo_kaart, u.__class__(**{**u.__dict__, "lijst": geschikt}))


def test_when_no_site_qualifies_every_site_still_says_why(tmp_path, demo_kaart):
    sites = load_locaties(str(_sites(tmp_path, demo_kaart)))
    sites = sites[sites["naam"] != "Polderkavel"]
    u = beoordeel(meet(demo_kaart, woonvorm("skaeve-huse"), locaties=sites))
    assert len(u.lijst) == 2 and not u.lijst["geschikt"].any()
    assert u.melding.startswith("Geen geschikte locaties")
    assert u.lijst["waarom"].str.contains("Valt af").all()


def test_sites_in_rd_coordinates_in_a_geojson_and_unnamed_sites(tmp_path, demo_kaart):
    """GDAL calls every GeoJSON WGS84; RD New coordinates in one are read as RD New. A site without a name
    gets one, and a name Excel would run as a formula stays text in the CSV."""
    from kaart.locatiezoeker import exportbestand

    punt = beoordeel(meet(demo_kaart, woonvorm("skaeve-huse"))).lijst.geometry.iloc[0].representative_point()
    pad = tmp_path / "rd.geojson"
    pad.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"naam": None}, "geometry": {"type": "Point", "coordinates": [punt.x, punt.y]}},
        {"type": "Feature", "properties": {"naam": "=HYPERLINK(\"http://x\")"},
         "geometry": {"type": "Point", "coordinates": [punt.x + 100, punt.y]}}]}), encoding="utf-8")
    sites = load_locaties(str(pad))
    assert sites.crs.to_epsg() == 28992
    u = beoordeel(meet(demo_kaart, woonvorm("skaeve-huse"), locaties=sites))
    assert set(u.lijst["naam"]) == {"Locatie 1", "=HYPERLINK(\"http://x\")"} and u.lijst["geschikt"].all()
    assert "'=HYPERLINK" in exportbestand(u, "csv").decode("utf-8-sig")  # quoted, since the name holds quotes


def test_a_bad_sites_file_gets_a_clear_message(tmp_path):
    lijn = tmp_path / "lijnen.geojson"
    lijn.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[5, 52], [5.1, 52]]}}]}))
    with pytest.raises(InputError, match="LineString"):
        load_locaties(str(lijn))
    with pytest.raises(InputError, match="Er is geen bestand"):
        load_locaties(str(tmp_path / "nergens.geojson"))
    (tmp_path / "kavels.txt").write_text("x")
    with pytest.raises(InputError, match="is geen GeoJSON"):
        load_locaties(str(tmp_path / "kavels.txt"))


def test_shipped_profiles_explain_every_criterion_with_default_and_unit():
    alle = woonvormen()
    assert {"skaeve-huse", "domus", "eigen"} <= set(alle)
    for w in alle.values():
        for c in w.criteria:
            assert c.label and c.uitleg and c.eenheid
            assert (c.afstand_m >= 0) if c.rol == "uitsluiting" else (c.gewicht >= 0)


def test_a_broken_profile_lists_every_problem_at_once(tmp_path):
    pad = tmp_path / "kapot.toml"
    pad.write_text('naam = "kapot"\n[[uitsluiting]]\nid = "x"\nsoort = "vliegveld"\n'
                   '[[voorkeur]]\nid = "zorg"\nlabel = "Zorg"\nsoort = "voorzieningen"\ncategorieen = ["tandarts"]\n'
                   'gewicht = -1\nuitleg = "u"\neenheid = "m"\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        lees(pad)
    tekst = str(err.value)
    for probleem in ("‘label’ ontbreekt", "vliegveld", "tandarts", "‘gewicht’ is -1"):
        assert probleem in tekst
    (tmp_path / "typen.toml").write_text('naam = "t"\nlabel = "T"\nuitleg = ["a"]\nuitsluiting = [1]\n'
                                         '[[voorkeur]]\nid = "zorg"\nlabel = "Zorg"\nsoort = "voorzieningen"\n'
                                         'categorieen = "school"\ngewicht = true\nuitleg = "u"\neenheid = "m"\n',
                                         encoding="utf-8")
    with pytest.raises(InputError) as err:
        lees(tmp_path / "typen.toml")
    for probleem in ("‘uitleg’ moet tekst zijn", "‘uitsluiting’ moet een lijst", "categorieen moet een lijst",
                     "‘gewicht’ is True"):
        assert probleem in str(err.value)
    assert woonvormen(tmp_path) == {}  # every file here is broken: none is offered, and nothing crashes
    (tmp_path / "geen.toml").write_text("naam = [", encoding="utf-8")
    with pytest.raises(InputError, match="geen leesbaar TOML"):
        lees(tmp_path / "geen.toml")


def test_user_settings_are_checked():
    w = woonvorm("skaeve-huse")
    with pytest.raises(InputError, match="geen voorkeur"):
        w.met({"vliegveld": 1})
    with pytest.raises(InputError, match="bufferafstand van ‘scholen’"):
        w.met(afstanden={"scholen": -5})
    with pytest.raises(InputError, match="Alle voorkeuren wegen 0"):
        w.met({c.id: 0 for c in w.voorkeuren})
    with pytest.raises(InputError, match="Onbekend woonvormprofiel"):
        woonvorm("vakantiepark")


# --- real data -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def drechtsteden(shared_file, drechtsteden_2023):
    """The real Drechtsteden buurten 2023 with the real hospitals imported (the only facilities on record)."""
    kaart = drechtsteden_2023()
    gelezen = load_voorzieningen(shared_file(ZIEKENHUIZEN), categorie="ziekenhuis")
    voeg_toe(kaart, gelezen.punten, gelezen.info["bron"])
    return kaart


def _raw_dense(shared_file, dichtheid_min: float):
    """Dense land buurten read straight from the PDOK file, without the project's loaders."""
    raw = gpd.read_file(shared_file(BUURTEN_2023)).to_crs("EPSG:28992")
    dichtheid = pd.to_numeric(raw["bevolkingsdichtheidInwonersPerKm2"], errors="coerce")
    dicht = raw[(raw["water"] != "JA") & (dichtheid >= dichtheid_min)]
    return shapely.union_all(dicht.geometry.values), shapely.union_all(raw.geometry[raw["water"] == "JA"].values)


@pytest.mark.shared_data
@pytest.mark.parametrize("naam", PROFIELEN)
def test_real_drechtsteden_gives_candidates_or_says_why_not(drechtsteden, shared_file, naam):
    w = woonvorm(naam)
    u = beoordeel(meet(drechtsteden, w), top=10)
    # Without schools, special housing or public transport on record the kaart says so instead of passing silently.
    assert any("scholen" in t for t in u.waarschuwingen)
    if u.lijst.empty:
        if u.over.any():
            assert "geen enkele voorkeur" in u.melding or "aaneengesloten" in u.melding
        else:
            grootste = u.overzicht.sort_values("uitgesloten").iloc[-1]
            assert f"‘{grootste['label']}’" in u.melding and grootste["uitgesloten"] == u.overzicht["uitgesloten"].max()
        return
    for c in w.uitsluitingen:
        if c.soort == "woonbebouwing":
            dicht, _ = _raw_dense(shared_file, c.dichtheid_min)
            assert (shapely.distance(u.lijst.geometry.values, dicht) > c.afstand_m).all()
        if c.soort == "water":
            _, water = _raw_dense(shared_file, 1)
            assert (shapely.distance(u.lijst.geometry.values, water) > c.afstand_m).all()
    assert set(u.lijst["gemeentecode"]) <= set(DRECHTSTEDEN)


@pytest.mark.shared_data
def test_real_drechtsteden_domus_is_near_a_real_hospital(drechtsteden, shared_file):
    u = beoordeel(meet(drechtsteden, woonvorm("domus")), top=5)
    assert len(u.lijst)
    ziekenhuizen = gpd.read_file(shared_file(ZIEKENHUIZEN)).to_crs("EPSG:28992")
    beste = u.lijst.iloc[0]
    cel = beste["beste_cel"]  # E and N of the lower-left corner in hectometres
    x, y = int(cel[1:5]) * 100 + 50, int(cel[6:]) * 100 + 50
    nearest = ziekenhuizen.geometry.distance(Point(x, y)).min()
    assert beste["zorg_afstand_m"] == pytest.approx(nearest, abs=0.5)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n_punten=st.integers(1, 40), geclusterd=st.booleans())
def test_square_distances_to_points_are_exact(seed, n_punten, geclusterd):
    """The k-d tree shortcut for squares gives GEOS's exact distance and nearest name, also where points crowd."""
    from kaart.locatiezoeker.meten import _naaste_punt

    rng = np.random.default_rng(seed)
    spreiding = 150 if geclusterd else 3000
    punten = shapely.points(rng.normal(1000, spreiding, (n_punten, 2)))
    namen = np.array([f"p{i}" for i in range(n_punten)], dtype=object)
    cx, cy = rng.uniform(-2000, 4000, 300), rng.uniform(-2000, 4000, 300)
    afstand = _naaste_punt(cx, cy, 50.0, punten, namen, 2500.0)
    vakken = shapely.box(cx - 50, cy - 50, cx + 50, cy + 50)
    echt = shapely.distance(vakken[:, None], punten[None, :])
    verwacht = echt.min(axis=1)
    verwacht[verwacht > 2500] = np.inf
    assert np.allclose(afstand.meter, verwacht, rtol=0, atol=1e-6, equal_nan=False)
    gevonden = np.isfinite(verwacht)
    dichtst = echt[gevonden].argmin(axis=1)
    gekozen = np.array([int(n[1:]) for n in afstand.naam[gevonden]], dtype=int)
    assert np.allclose(echt[gevonden, gekozen], echt[gevonden, dichtst])  # a nearest one (ties allowed)


def test_exports_carry_the_sized_plots_with_their_area_as_context(metingen, tmp_path):
    import io

    from kaart.locatiezoeker import exportbestand

    u = beoordeel(metingen["skaeve-huse"], top=5)
    tabel = pd.read_csv(io.BytesIO(exportbestand(u, "csv")), encoding="utf-8-sig", sep=";", decimal=",")
    assert list(tabel["beste_cel"]) == list(u.lijst["beste_cel"])
    assert (tabel["oppervlakte_ha"] == u.lijst["oppervlakte_ha"].to_numpy()).all()
    assert (tabel["gebied_oppervlakte_ha"] >= tabel["oppervlakte_ha"]).all()
    assert tabel["kandidaten"].str.contains("kavels van").all()
    pad = tmp_path / "kandidaten.gpkg"
    pad.write_bytes(exportbestand(u, "gpkg"))
    laag = gpd.read_file(pad, layer="kandidaten")
    assert np.allclose(laag.geometry.area / 10_000, u.lijst["oppervlakte_ha"])  # the plots, not the areas
    assert "gebied_gemiddelde_score" in laag


def test_a_region_too_large_for_the_grid_is_refused_with_the_way_out(demo_kaart_pad, tmp_path, monkeypatch, caplog):
    """A kaart of the whole country would measure 3.5 million cells and exhaust the server's memory: the engine
    refuses before it makes the grid, the page says so in Dutch (400, no traceback), and the start-up warm-up
    logs it once instead of trying every woonvorm."""
    import logging

    import requests
    from _server import running

    from kaart.locatiezoeker import meten
    from kaart.kaartbestand import read_kaart
    from webapp import create_app
    from webapp.staat import staat

    kaart = read_kaart(demo_kaart_pad)
    land = meten._gebieden(kaart)
    km2 = float(land[meten._land(land)].geometry.area.sum()) / 1e6
    monkeypatch.setattr(meten, "MAX_LAND_KM2", int(km2) - 1)
    with pytest.raises(InputError, match="km² land; de locatiezoeker zoekt op vierkanten van 100 m in hooguit"):
        meet(kaart, woonvorm("skaeve-huse"))
    app = create_app({"KAART_PAD": demo_kaart_pad}, instance_path=tmp_path / "instance")
    with running(app) as url:
        pagina = requests.get(f"{url}/locaties", timeout=60)
    assert pagina.status_code == 400 and "Bouw een kaart van een provincie" in pagina.text
    assert "Traceback" not in pagina.text
    with caplog.at_level(logging.WARNING, logger="webapp.locaties"), app.app_context():
        staat().locatiezoeker.voorbereid()
    waarschuwingen = [r for r in caplog.records if "not prepared" in r.getMessage()]
    assert len(waarschuwingen) == 1
    assert meet(kaart, woonvorm("skaeve-huse"), locaties=land.iloc[:3]).kandidaten is not None  # own sites still
