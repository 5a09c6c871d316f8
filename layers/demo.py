"""The fictitious "Voorbeeldregio": a demo region generated in code, deterministically.

Eight gemeenten, 29 wijken and 128 buurten (one of them water only) with
plausible, internally consistent figures and the facilities a planner expects,
so a new user sees a working kaart without any data of their own. The region is
large enough to show the analysis: under the default profile it has drukpunten
at buurt, wijk and gemeente level and a drukpuntgebied (tests/test_demo.py
checks this with the engine's own ranking), and it carries every indicator of
the default profile, so no page has to apologise for missing ones.
The figures are made up: every place that shows them says so (the kaart's
metadata carries ``fictief: true``). The codes GM99xx are not used by CBS.

Buurt counts are generated; wijk and gemeente figures are built by the
engine's own aggregation, so the levels agree exactly.

The demo holds four years (2020-2023), because users compare years first: the
older years follow from the newest by a trend per wijk (some wijken worsen, a
few recover, every one ages a little), so the profile's series, the change map
and the drukpunten over the years have something to show. As in CBS's own
tables, the newest year lacks income at buurt level (``NOG_NIET``); the kaart
takes it from the year before and says so.
"""

from __future__ import annotations

from datetime import datetime, timezone

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPoint, Point, box

from kaart import jaargangen
from kaart.voorzieningen import voeg_toe
from kaart.gebieden import GRID, assemble
from kaart.kaartbestand import Kaart

SEED = 20231
JAAR = 2023
TITEL = "Voorbeeldregio (fictief)"
FICTIEF = "Fictieve voorbeeldregio: alle namen en cijfers zijn verzonnen."
# In the Markermeer, so no fictitious buurt lies over a real town.
EXTENT = (136_000.0, 488_000.0, 160_000.0, 506_000.0)

# Per gemeente: code, name, character, seed point (fraction of the extent), and its wijken as
# (name, buurten, druk, vergrijzing). ``druk`` (0-1) is the wijk's share of old social housing and low
# incomes, ``vergrijzing`` (0-1) how far its population has aged; every figure of a buurt follows from
# these two, its character and chance, so the indicators hang together as they do in real buurten.
GEMEENTEN = [
    ("GM9901", "Voorbeeldstad", "stad", (0.30, 0.55), [
        ("Centrum", 7, 0.25, 0.2), ("Havenkwartier", 6, 0.95, 0.1), ("Oosterpark", 6, 0.15, 0.3),
        ("Westwijk", 6, 0.45, 0.2), ("Noorderhout", 5, 0.0, 0.4), ("Spoorzicht", 5, 0.7, 0.0)]),
    ("GM9902", "Dijkdorp", "dorp", (0.78, 0.75), [
        ("Dorpskern", 4, 0.1, 1.0), ("Dijkzicht", 4, 0.0, 0.8), ("Buitenpolder", 4, 0.0, 0.3),
        ("Molenbuurt", 4, 0.2, 0.6)]),
    ("GM9903", "Polderwaard", "landelijk", (0.68, 0.20), [
        ("Waardkern", 5, 0.3, 0.3), ("Nieuwland", 5, 0.0, 0.0), ("Buitengebied", 5, 0.0, 0.5)]),
    ("GM9904", "Veenhaven", "stad", (0.08, 0.18), [
        ("Fabriekswijk", 5, 1.0, 0.2), ("Kanaalzone", 4, 0.85, 0.1), ("Veenhoven", 4, 0.6, 0.4),
        ("Het Veld", 4, 0.5, 0.3)]),
    ("GM9905", "Lindewoude", "dorp", (0.10, 0.85), [
        ("Lindehof", 4, 0.0, 0.3), ("Boslaan", 4, 0.0, 0.2), ("De Lanen", 4, 0.05, 0.1)]),
    ("GM9906", "Sluisoord", "stad", (0.42, 0.13), [
        ("Sluiskern", 4, 0.8, 0.3), ("De Werven", 4, 0.9, 0.0), ("Oude Haven", 4, 0.7, 0.2)]),
    ("GM9907", "Zandhoeve", "dorp", (0.50, 0.88), [
        ("Brink", 4, 0.0, 0.2), ("Heidezoom", 3, 0.0, 0.0), ("Engweg", 3, 0.1, 0.3)]),
    ("GM9908", "Oudeschans", "landelijk", (0.93, 0.38), [
        ("Schanskern", 4, 0.3, 1.0), ("Achterveld", 3, 0.1, 1.0), ("Polderrand", 4, 0.0, 0.7)]),
]
BUURTNAMEN = [
    "De Linde", "Het Baken", "Zuiderhaven", "Kerkbuurt", "De Weide", "Rietland", "Oude Werf",
    "Schoolbuurt", "De Hoven", "Parkzoom", "Singel", "Bloemenbuurt", "De Akkers", "Vaartkant",
    "Sluispad", "Wilgenhof", "De Kreek", "Beukenlaan", "Stationsbuurt", "Eiland", "Zandpad",
]
# Where needs pile up beyond one wijk: the old harbour front, along the border of Voorbeeldstad,
# Sluisoord and Polderwaard, so its drukpunten form a drukpuntgebied across gemeente borders.
HAVENDRUK = (0.42, 0.33)
ZORGREGIO = {"GM9901": "Noord", "GM9902": "Noord", "GM9905": "Noord", "GM9907": "Noord", "GM9903": "Zuid",
             "GM9904": "Zuid", "GM9906": "Zuid", "GM9908": "Zuid"}
"""The fictitious zorgkantoorregio of each gemeente (the woningmarktregio holds them all)."""
DEMO_BRON = "fictieve voorzieningen, gegenereerd met de voorbeeldregio"
EERDERE_JAREN = (2020, 2021, 2022)
"""The demo's older years, derived from the newest by ``TRENDS``."""
TREND = 0.01
"""Per year, the share by which the needs of a wijk grew (so were lower in the years before)."""
TRENDS = {"Kanaalzone": 0.05, "Sluiskern": 0.04, "Het Veld": -0.03}
"""Wijken whose needs grew faster or fell, by wijk name."""
SPRONGEN = {"Spoorzicht": 0.3, "Westwijk": -0.3}
"""Wijken whose needs jumped (a new drukpunt) or fell (no drukpunt any more) in the newest year: the share by
which the years before differ."""
NODEN = ["bijstand", "ao_uitkering", "jongeren_met_jeugdzorg", "wmo_clienten", "pct_huishoudens_laag_inkomen",
         "pct_huishoudens_rond_sociaal_minimum", "pct_personen_laagste_inkomen_40"]
"""The figures that follow a wijk's trend."""
NOG_NIET = ["gemiddeld_inkomen_per_inwoner", "pct_personen_laagste_inkomen_40", "pct_huishoudens_laag_inkomen",
            "pct_huishoudens_rond_sociaal_minimum"]
"""Income figures that the newest year's table does not have at buurt level yet, as in CBS's own tables."""


def build_demo(gebouwd_op: datetime | None = None, eerdere_jaren: tuple[int, ...] = EERDERE_JAREN) -> Kaart:
    """Generate the Voorbeeldregio as a kaart (the same every time for the same code), with the series of
    ``eerdere_jaren`` (none: a kaart of one year)."""
    rng = np.random.default_rng(SEED)
    buurten = _buurten(rng)
    voorzieningen = _voorzieningen(rng, buurten)
    buurten["afstand_huisarts_km"] = _afstand_over_de_weg(buurten, voorzieningen, "huisarts", rng)
    gebieden, controle = assemble(buurten)
    gebieden["wijk"]["naam"] = gebieden["wijk"].index.map(_wijknamen())
    if eerdere_jaren:
        gebieden["buurt"][NOG_NIET] = np.nan
    metadata = {
        "titel": TITEL,
        "regio": "Voorbeeldregio",
        "gemeenten": [g[0] for g in GEMEENTEN],
        "jaar": JAAR,
        "bron": "demo",
        "bronnen": [{"bron": DEMO_BRON, "jaar": JAAR, "toelichting": FICTIEF}],
        "bronvermelding": f"Bron: fictieve voorbeeldgegevens ({JAAR})",
        "attributie": "Fictieve gegevens, gegenereerd door maatschappelijke-kaart",
        "licentie": "CC0 (verzonnen gegevens)",
        "fictief": True,
        "toelichting": FICTIEF,
        "gebouwd_op": (gebouwd_op or datetime.now(timezone.utc)).isoformat(timespec="seconds"),
    }
    kaart = Kaart(gebieden=gebieden, metadata=metadata, controle=controle)
    for jaar in eerdere_jaren:
        jaargangen.voeg_jaar_toe(kaart, jaar, assemble(_eerder(buurten, jaar))[0], None)
    if eerdere_jaren:
        jaargangen.vul_aan(kaart)
    voeg_toe(kaart, voorzieningen, bron=DEMO_BRON)  # joins the facilities and runs the drukpunt analysis
    kaart.tabellen["regio_indelingen"] = _regio_indelingen()
    return kaart


def _eerder(buurten: gpd.GeoDataFrame, jaar: int) -> gpd.GeoDataFrame:
    """The buurten as they were in ``jaar``: needs lower by the wijk's trend per year back (and its jump in the
    newest year), fewer over-65s
    (they joined the 25-44 group's count, so the inhabitants stay), lower house prices and incomes."""
    terug = JAAR - jaar
    oud = buurten.copy()
    wijk = oud["wijkcode"].map(_wijknamen())
    sprong = wijk.map(SPRONGEN).fillna(0.0) if terug else 0.0
    oud[NODEN] = oud[NODEN].mul((1 - wijk.map(TRENDS).fillna(TREND) * terug) * (1 - sprong), axis=0)
    for kolom in ("bijstand", "ao_uitkering", "jongeren_met_jeugdzorg", "wmo_clienten"):
        oud[kolom] = (oud[kolom] / 5).round() * 5
    oud[NODEN] = oud[NODEN].round(1)
    jonger = (oud["inwoners_65plus"] * 0.02 * terug).round()
    oud["inwoners_65plus"] -= jonger
    oud["inwoners_25_44"] += jonger
    for groep in ("25_44", "65plus"):
        oud[f"pct_{groep}"] = (100 * oud[f"inwoners_{groep}"] / oud["inwoners"]).round()
    oud["woz_gemiddeld"] = (oud["woz_gemiddeld"] * (1 - 0.05 * terug)).round()
    oud["gemiddeld_inkomen_per_inwoner"] = (oud["gemiddeld_inkomen_per_inwoner"] * (1 - 0.025 * terug)).round(1)
    return oud.assign(jaar=jaar)


def _regio_indelingen() -> pd.DataFrame:
    """A fictitious regio-indeling of the gemeenten, so the verdeelsleutel can pick a region."""
    regio = {"woningmarktregio": lambda code: "Woningmarktregio Voorbeeld (fictief)",
             "zorgkantoorregio": lambda code: f"Zorgkantoor {ZORGREGIO[code]} (fictief)"}
    return pd.DataFrame([{"gemeentecode": code, "gemeentenaam": naam, "soort": soort, "regio": naar(code),
                          "bron": DEMO_BRON, "jaar": JAAR}
                         for soort, naar in regio.items() for code, naam, *_ in GEMEENTEN])


def _wijknamen() -> dict[str, str]:
    return {f"WK{gm[2:]}{w:02d}": wijk[0] for gm, _, _, _, wijken in GEMEENTEN for w, wijk in enumerate(wijken)}


def _points_in(polygon, n: int, rng: np.random.Generator) -> list[Point]:
    """``n`` random points inside ``polygon`` (rejection sampling, deterministic for a seeded rng)."""
    minx, miny, maxx, maxy = polygon.bounds
    points: list[Point] = []
    while len(points) < n:
        p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if polygon.contains(p):
            points.append(p)
    return points


def _split(polygon, seeds: list[Point]) -> list:
    """Voronoi cells of ``seeds`` clipped to ``polygon``, in the order of the seeds."""
    cells = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=polygon).geoms
    ordered = []
    for seed in seeds:
        cell = next(c for c in cells if c.contains(seed))
        ordered.append(cell.intersection(polygon))
    return ordered


def _buurten(rng: np.random.Generator) -> gpd.GeoDataFrame:
    region = box(*EXTENT)
    minx, miny, maxx, maxy = EXTENT
    seeds = [Point(minx + fx * (maxx - minx), miny + fy * (maxy - miny)) for _, _, _, (fx, fy), _ in GEMEENTEN]
    rows = []
    names = iter(np.resize(BUURTNAMEN, 200))
    for (gm, gm_naam, karakter, _, wijken), gm_shape in zip(GEMEENTEN, _split(region, seeds)):
        centre = gm_shape.centroid
        wijk_shapes = _split(gm_shape, _points_in(gm_shape, len(wijken), rng))
        for w, ((wijk_naam, n_buurten, wijkdruk, wijkvergrijzing), wijk_shape) in enumerate(zip(wijken, wijk_shapes)):
            wk = f"WK{gm[2:]}{w:02d}"  # as in _wijknamen()
            buurt_shapes = _split(wijk_shape, _points_in(wijk_shape, n_buurten, rng))
            for b, shape in enumerate(buurt_shapes):
                code = f"BU{wk[2:]}{b:02d}"
                naam = f"{wijk_naam}-{next(names)}" if b else wijk_naam
                afstand = shape.centroid.distance(centre) / 1000
                # A buurt differs from its wijk a little; near the old harbour front needs pile up further.
                druk = float(np.clip(wijkdruk + 0.5 * _nabij(shape.centroid, HAVENDRUK) + rng.normal(0, 0.1), 0, 1.2))
                vergrijzing = float(np.clip(wijkvergrijzing + rng.normal(0, 0.1), 0, 1.2))
                rows.append(_figures(rng, code, naam, wk, gm, gm_naam, karakter, afstand, druk, vergrijzing, shape))
    # One water-only buurt, as CBS has them: kept, marked, and without figures.
    last = rows[-1]
    last.update({k: np.nan for k in last if k not in _IDENTITY})
    last.update(naam="Buitenwater", water=True, oppervlakte_totaal_ha=last["geometry"].area / 10_000,
                oppervlakte_land_ha=0.0, oppervlakte_water_ha=last["geometry"].area / 10_000)
    buurten = gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs="EPSG:28992")
    # On the engine's grid already, as surveyed borders are, so dissolving them moves no vertex.
    return buurten.set_geometry(shapely.set_precision(buurten.geometry.values, GRID))


_IDENTITY = {"code", "niveau", "naam", "gemeentecode", "gemeentenaam", "wijkcode", "jaar", "water", "geometry"}
_KARAKTER = {  # inhabitants range, rental share range, household size, distance scale (km)
    "stad": ((1500, 4200), (0.40, 0.75), 2.0, 0.6),
    "dorp": ((700, 2200), (0.20, 0.50), 2.3, 1.2),
    "landelijk": ((150, 1400), (0.10, 0.35), 2.5, 2.5),
}


def _nabij(punt: Point, fractie: tuple[float, float], straal_km: float = 2.5) -> float:
    """1 at a hotspot (given as a fraction of the extent), falling off smoothly to 0 a few km away."""
    minx, miny, maxx, maxy = EXTENT
    centrum = Point(minx + fractie[0] * (maxx - minx), miny + fractie[1] * (maxy - miny))
    return float(np.exp(-((punt.distance(centrum) / 1000 / straal_km) ** 2)))


def _round5(x: float) -> int:
    """CBS rounds buurt counts to 5; the demo does too."""
    return int(5 * round(x / 5))


def _split_count(total: int, shares: np.ndarray) -> np.ndarray:
    """Split a count over shares so the parts add up exactly (largest remainder)."""
    exact = total * shares / shares.sum()
    parts = np.floor(exact).astype(int)
    parts[np.argsort(exact - parts)[::-1][: total - parts.sum()]] += 1
    return parts


def _figures(rng, code, naam, wk, gm, gm_naam, karakter, afstand_km, druk, vergrijzing, shape) -> dict:
    (lo, hi), (huur_lo, huur_hi), hh_grootte, schaal = _KARAKTER[karakter]
    centraal = np.exp(-afstand_km / 4)
    inwoners = _round5(rng.uniform(lo, hi) * (0.6 + 0.6 * centraal))
    leeftijd = rng.dirichlet([16 + 3 * druk, 11 + 2 * druk, 25, 27, 17 + 8 * (karakter != "stad") + 30 * vergrijzing])
    groepen = _split_count(inwoners, leeftijd)
    mannen = int(round(inwoners * rng.uniform(0.48, 0.51)))
    burgerlijke_staat = _split_count(inwoners, rng.dirichlet([46, 40, 6 + 8 * druk, 4 + 12 * vergrijzing]))
    grootte = hh_grootte * rng.uniform(0.9, 1.1) - 0.2 * centraal - 0.3 * druk - 0.3 * vergrijzing
    huishoudens = _round5(inwoners / grootte)
    eenpersoons_aandeel = np.clip(0.16 + 0.25 * centraal + 0.2 * druk + 0.2 * vergrijzing
                                  + rng.normal(0, 0.04), 0.12, 0.7)
    kinderen_aandeel = np.clip(0.38 - 0.15 * centraal - 0.15 * vergrijzing + rng.normal(0, 0.04), 0.08, 0.45)
    hh = _split_count(huishoudens, np.array([eenpersoons_aandeel, kinderen_aandeel,
                                               1 - eenpersoons_aandeel - kinderen_aandeel]))
    woningen = _round5(huishoudens * rng.uniform(1.01, 1.06))
    huur = np.clip(rng.uniform(huur_lo, huur_hi) * (0.6 + 0.4 * druk) + 0.35 * druk, 0.03, 0.95)
    corporatie = huur * np.clip(rng.uniform(0.55, 0.75) + 0.2 * druk, 0, 1)
    woz = 460 - 280 * corporatie - 60 * druk + rng.normal(0, 20)
    # Income follows housing and work: low incomes where social housing and unemployment meet.
    laag_inkomen = np.clip(2 + 16 * corporatie * rng.uniform(0.7, 1.2) + 9 * druk + 2 * vergrijzing, 1, 35)
    sociaal_minimum = np.clip(laag_inkomen * rng.uniform(0.75, 0.95) + 1.5 * druk, 0.5, 35)
    jongeren = leeftijd[1]
    laagste_40 = np.clip(24 + 1.1 * laag_inkomen + 30 * jongeren + 6 * vergrijzing + rng.normal(0, 2), 15, 75)
    werkleeftijd = groepen[1] + groepen[2] + groepen[3]
    participatie = np.clip(77 - 0.5 * laag_inkomen - 9 * druk - 4 * vergrijzing + rng.normal(0, 1.5), 40, 85)
    inkomen = np.clip(26 + 0.04 * woz - 0.35 * laag_inkomen - 20 * leeftijd[0] + rng.normal(0, 1.2), 17, 70)
    kinderen = groepen[0] + groepen[1]
    land_ha = shape.area / 10_000
    return {
        "code": code, "niveau": "buurt", "naam": naam, "gemeentecode": gm, "gemeentenaam": gm_naam,
        "wijkcode": wk, "jaar": JAAR, "water": False,
        "inwoners": inwoners, "mannen": mannen, "vrouwen": inwoners - mannen,
        "inwoners_0_14": groepen[0], "inwoners_15_24": groepen[1], "inwoners_25_44": groepen[2],
        "inwoners_45_64": groepen[3], "inwoners_65plus": groepen[4],
        **{f"pct_{k}": round(100 * g / inwoners) for k, g in
           zip(("0_14", "15_24", "25_44", "45_64", "65plus"), groepen)},
        **dict(zip(("ongehuwd", "gehuwd", "gescheiden", "verweduwd"), burgerlijke_staat)),
        "huishoudens": huishoudens, "eenpersoonshuishoudens": hh[0], "huishoudens_met_kinderen": hh[1],
        "huishoudens_zonder_kinderen": hh[2],
        "pct_eenpersoonshuishoudens": round(100 * hh[0] / huishoudens),
        "pct_huishoudens_met_kinderen": round(100 * hh[1] / huishoudens),
        "pct_huishoudens_zonder_kinderen": round(100 * hh[2] / huishoudens),
        "gemiddelde_huishoudensgrootte": round(inwoners / huishoudens, 1),
        "woningen": woningen,
        "pct_huurwoningen": round(100 * huur), "pct_koopwoningen": 100 - round(100 * huur),
        "pct_corporatiewoningen": round(100 * corporatie),
        "pct_bouwjaar_voor_2000": round(np.clip(50 + 25 * centraal + 20 * druk + 10 * vergrijzing
                                                + rng.normal(0, 6), 5, 98)),
        "woz_gemiddeld": round(woz),
        "gemiddeld_inkomen_per_inwoner": round(inkomen, 1),
        "pct_personen_laagste_inkomen_40": round(laagste_40),
        "pct_huishoudens_laag_inkomen": round(laag_inkomen, 1),
        "pct_huishoudens_rond_sociaal_minimum": round(sociaal_minimum, 1),
        "nettoarbeidsparticipatie": round(participatie, 1),
        "bijstand": _round5(inwoners * laag_inkomen / 100 * rng.uniform(0.2, 0.35)),
        "ao_uitkering": _round5(werkleeftijd * (0.04 + 0.05 * druk + 0.02 * vergrijzing) * rng.uniform(0.8, 1.2)),
        "jongeren_met_jeugdzorg": _round5(kinderen * (0.06 + 0.08 * druk) * rng.uniform(0.8, 1.2)),
        "wmo_clienten": _round5(inwoners * (0.03 + 0.12 * leeftijd[4] + 0.03 * druk) * rng.uniform(0.8, 1.2)),
        "afstand_grote_supermarkt_km": round(schaal * (0.5 + afstand_km / 5) * rng.uniform(0.7, 1.3), 1),
        "oppervlakte_totaal_ha": round(land_ha), "oppervlakte_land_ha": round(land_ha),
        "oppervlakte_water_ha": 0.0,
        "bevolkingsdichtheid": round(inwoners / (land_ha / 100)),
        "geometry": shape,
    }


def _voorzieningen(rng: np.random.Generator, buurten: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Fictitious facilities, placed where a planner would expect them.

    A huisarts, a school and a bus stop in every wijk large enough to keep them, a wijkcentrum in the
    wijken of towns and villages, an apotheek and a zorgcentrum per gemeente; the special housing and
    shelters (existing zorgdruk) in the most pressured buurten, as they tend to be.
    """
    bewoond = buurten[buurten["inwoners"].notna()].set_index("code")
    per_wijk = bewoond.groupby("wijkcode")["inwoners"]
    grootste = bewoond.loc[per_wijk.idxmax()]  # the most populous buurt of each wijk
    wijk_inwoners = per_wijk.sum().reindex(grootste["wijkcode"]).to_numpy()
    stedelijk = grootste["gemeentecode"].map({g[0]: g[2] != "landelijk" for g in GEMEENTEN}).to_numpy()
    oudste = bewoond.assign(oud=bewoond["inwoners_65plus"] / bewoond["inwoners"]).groupby("gemeentecode")["oud"]
    druk = bewoond.assign(d=bewoond["pct_corporatiewoningen"] + bewoond["pct_huishoudens_laag_inkomen"])
    plaatsen = [
        ("huisarts", "Huisartsenpraktijk", grootste[wijk_inwoners >= 2500], None),
        ("school", "Basisschool", grootste[wijk_inwoners >= 3000], None),
        ("wijkcentrum", "Wijkcentrum", grootste[stedelijk & (wijk_inwoners >= 4000)], None),
        ("ov_halte", "Bushalte", bewoond[bewoond["inwoners"] >= 1500], None),
        ("apotheek", "Apotheek", bewoond.loc[bewoond.groupby("gemeentecode")["inwoners"].idxmax()], None),
        ("verpleeghuis", "Zorgcentrum", bewoond.loc[oudste.idxmax()], None),
        ("beschermd_wonen", "Beschermd wonen", druk.nlargest(3, "d"), 24),
        ("maatschappelijke_opvang", "Nachtopvang", druk.nlargest(5, "d").iloc[3:], 30),
        ("skaeve_huse", "Skaeve Huse", bewoond[bewoond["gemeentecode"] == "GM9903"].nsmallest(1, "inwoners"), 6),
    ]
    rows = []
    for categorie, soort, waar, aantal_plaatsen in plaatsen:
        for code, buurt in waar.iterrows():
            punt = _points_in(buurt.geometry.buffer(-50) or buurt.geometry, 1, rng)[0]
            rows.append({"naam": f"{soort} {buurt['naam']} (fictief)", "categorie": categorie,
                         "plaatsen": aantal_plaatsen, "bron": DEMO_BRON, "buurtcode": code, "geometry": punt})
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs="EPSG:28992")


def _afstand_over_de_weg(buurten: gpd.GeoDataFrame, voorzieningen: gpd.GeoDataFrame, categorie: str,
                         rng: np.random.Generator) -> pd.Series:
    """CBS's distance by road (km) from a buurt to the nearest facility: the straight line from the
    buurt's centre, lengthened by a detour factor, so it agrees with the facility layer."""
    punten = voorzieningen[voorzieningen["categorie"] == categorie].geometry.union_all()
    recht = buurten.geometry.centroid.distance(punten) / 1000
    afstand = ((recht + 0.2) * rng.uniform(1.2, 1.5, len(buurten))).round(1)
    return afstand.where(buurten["inwoners"].notna())
