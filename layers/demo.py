"""The fictitious "Voorbeeldregio": a demo region generated in code, deterministically.

Three gemeenten, twelve wijken and sixty-one buurten (one of them water only)
with plausible, internally consistent figures and a handful of care
facilities, so a new user sees a working kaart without any data of their own.
The figures are made up: every place that shows them says so (the kaart's
metadata carries ``fictief: true``). The codes GM99xx are not used by CBS.

Buurt counts are generated; wijk and gemeente figures are built by the
engine's own aggregation, so the levels agree exactly.
"""

from __future__ import annotations

from datetime import datetime, timezone

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPoint, Point, box

from kaart.voorzieningen import voeg_toe
from kaart.gebieden import assemble
from kaart.kaartbestand import Kaart

SEED = 20231
JAAR = 2023
TITEL = "Voorbeeldregio (fictief)"
FICTIEF = "Fictieve voorbeeldregio: alle namen en cijfers zijn verzonnen."
# In the Markermeer, so no fictitious buurt lies over a real town.
EXTENT = (136_000.0, 488_000.0, 160_000.0, 506_000.0)

# gemeente code, name, character, seed point (fraction of the extent), wijk names with buurten per wijk
GEMEENTEN = [
    ("GM9901", "Voorbeeldstad", "stad", (0.30, 0.55), [
        ("Centrum", 7), ("Havenkwartier", 6), ("Oosterpark", 6), ("Westwijk", 6), ("Noorderhout", 5)]),
    ("GM9902", "Dijkdorp", "dorp", (0.78, 0.75), [
        ("Dorpskern", 4), ("Dijkzicht", 4), ("Buitenpolder", 4), ("Molenbuurt", 4)]),
    ("GM9903", "Polderwaard", "landelijk", (0.68, 0.20), [
        ("Waardkern", 5), ("Nieuwland", 5), ("Buitengebied", 5)]),
]
BUURTNAMEN = [
    "De Linde", "Het Baken", "Zuiderhaven", "Kerkbuurt", "De Weide", "Rietland", "Oude Werf",
    "Schoolbuurt", "De Hoven", "Parkzoom", "Singel", "Bloemenbuurt", "De Akkers", "Vaartkant",
    "Sluispad", "Wilgenhof", "De Kreek", "Beukenlaan", "Stationsbuurt", "Eiland", "Zandpad",
]
# Two places where needs pile up, so the demo shows drukpunten that cluster:
# an old harbour area with much social housing and low incomes, straddling the
# border of Voorbeeldstad and Polderwaard, and an ageing village core in Dijkdorp.
HAVENDRUK = (0.46, 0.40)
VERGRIJZING = (0.80, 0.78)
VOORZIENINGEN = [
    # category, name, how many, places (for existing special housing and care locations)
    ("huisarts", "Huisartsenpraktijk", 6, None), ("apotheek", "Apotheek", 3, None),
    ("wijkcentrum", "Wijkcentrum", 3, None), ("verpleeghuis", "Zorgcentrum", 2, None),
    ("school", "Basisschool", 5, None), ("ov_halte", "Bushalte", 10, None),
    ("beschermd_wonen", "Beschermd wonen", 1, 24), ("maatschappelijke_opvang", "Nachtopvang", 1, 30),
    ("skaeve_huse", "Skaeve Huse", 1, 6),
]
DEMO_BRON = "layers.demo (gegenereerd)"


def build_demo(gebouwd_op: datetime | None = None) -> Kaart:
    """Generate the Voorbeeldregio as a kaart (the same every time for the same code)."""
    rng = np.random.default_rng(SEED)
    buurten = _buurten(rng)
    gebieden, controle = assemble(buurten)
    gebieden["wijk"]["naam"] = gebieden["wijk"].index.map(_wijknamen())
    voorzieningen = _voorzieningen(rng, gebieden["buurt"])
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
    voeg_toe(kaart, voorzieningen, bron=DEMO_BRON)  # joins the facilities and runs the drukpunt analysis
    kaart.tabellen["regio_indelingen"] = _regio_indelingen()
    return kaart


def _regio_indelingen() -> pd.DataFrame:
    """A fictitious regio-indeling of the three gemeenten, so the verdeelsleutel can pick a region."""
    regios = {"woningmarktregio": ["Woningmarktregio Voorbeeld (fictief)"] * 3,
              "zorgkantoorregio": ["Zorgkantoor Noord (fictief)"] * 2 + ["Zorgkantoor Zuid (fictief)"]}
    return pd.DataFrame([{"gemeentecode": code, "gemeentenaam": naam, "soort": soort, "regio": regio[i],
                          "bron": DEMO_BRON, "jaar": JAAR}
                         for soort, regio in regios.items() for i, (code, naam, *_) in enumerate(GEMEENTEN)])


def _wijknamen() -> dict[str, str]:
    return {f"WK{gm[2:]}{w:02d}": naam for gm, _, _, _, wijken in GEMEENTEN for w, (naam, _) in enumerate(wijken)}


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
    names = iter(np.resize(BUURTNAMEN, 80))
    for (gm, gm_naam, karakter, _, wijken), gm_shape in zip(GEMEENTEN, _split(region, seeds)):
        centre = gm_shape.centroid
        wijk_shapes = _split(gm_shape, _points_in(gm_shape, len(wijken), rng))
        for w, ((wijk_naam, n_buurten), wijk_shape) in enumerate(zip(wijken, wijk_shapes)):
            wk = f"WK{gm[2:]}{w:02d}"  # as in _wijknamen()
            buurt_shapes = _split(wijk_shape, _points_in(wijk_shape, n_buurten, rng))
            for b, shape in enumerate(buurt_shapes):
                code = f"BU{wk[2:]}{b:02d}"
                naam = f"{wijk_naam}-{next(names)}" if b else wijk_naam
                afstand = shape.centroid.distance(centre) / 1000
                druk, vergrijzing = (_nabij(shape.centroid, punt) for punt in (HAVENDRUK, VERGRIJZING))
                rows.append(_figures(rng, code, naam, wk, gm, gm_naam, karakter, afstand, druk, vergrijzing, shape))
    # One water-only buurt, as CBS has them: kept, marked, and without figures.
    last = rows[-1]
    last.update({k: np.nan for k in last if k not in _IDENTITY})
    last.update(naam="Buitenwater", water=True, oppervlakte_totaal_ha=last["geometry"].area / 10_000,
                oppervlakte_land_ha=0.0, oppervlakte_water_ha=last["geometry"].area / 10_000)
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs="EPSG:28992")


_IDENTITY = {"code", "niveau", "naam", "gemeentecode", "gemeentenaam", "wijkcode", "jaar", "water", "geometry"}
_KARAKTER = {  # inhabitants range, rental share range, household size, distance scale (km)
    "stad": ((1500, 4200), (0.40, 0.75), 2.0, 0.6),
    "dorp": ((700, 2200), (0.20, 0.50), 2.3, 1.2),
    "landelijk": ((150, 1400), (0.10, 0.35), 2.5, 2.5),
}


def _nabij(punt: Point, fractie: tuple[float, float], straal_km: float = 3.0) -> float:
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
    leeftijd = rng.dirichlet([16, 11, 25, 27, 21 + 10 * (karakter != "stad") + 25 * vergrijzing])
    groepen = _split_count(inwoners, leeftijd)
    mannen = int(round(inwoners * rng.uniform(0.48, 0.51)))
    burgerlijke_staat = _split_count(inwoners, rng.dirichlet([46, 40, 8 + 6 * druk, 6 + 8 * vergrijzing]))
    grootte = hh_grootte * rng.uniform(0.9, 1.1) - 0.2 * centraal - 0.3 * druk
    huishoudens = _round5(inwoners / grootte)
    eenpersoons_aandeel = np.clip(0.18 + 0.3 * centraal + 0.2 * druk + 0.15 * vergrijzing
                                  + rng.normal(0, 0.05), 0.12, 0.7)
    kinderen_aandeel = np.clip(0.38 - 0.15 * centraal - 0.1 * vergrijzing + rng.normal(0, 0.04), 0.08, 0.45)
    hh = _split_count(huishoudens, np.array([eenpersoons_aandeel, kinderen_aandeel,
                                               1 - eenpersoons_aandeel - kinderen_aandeel]))
    woningen = _round5(huishoudens * rng.uniform(1.01, 1.06))
    huur = np.clip(rng.uniform(huur_lo, huur_hi) + 0.3 * druk, 0, 0.95)
    corporatie = huur * np.clip(rng.uniform(0.55, 0.85) + 0.1 * druk, 0, 1)
    laag_inkomen = np.clip(2 + 22 * corporatie * rng.uniform(0.6, 1.2) + 8 * druk, 1, 35)
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
        "pct_bouwjaar_voor_2000": round(np.clip(55 + 30 * centraal + 15 * druk + rng.normal(0, 8), 5, 98)),
        "woz_gemiddeld": round(430 - 260 * corporatie - 40 * druk + rng.normal(0, 25)),
        "pct_huishoudens_laag_inkomen": round(laag_inkomen, 1),
        "bijstand": _round5(inwoners * laag_inkomen / 100 * rng.uniform(0.2, 0.35)),
        "jongeren_met_jeugdzorg": _round5(kinderen * (0.06 + 0.08 * druk) * rng.uniform(0.8, 1.2)),
        "wmo_clienten": _round5(inwoners * (0.03 + 0.1 * leeftijd[4] + 0.03 * druk) * rng.uniform(0.8, 1.2)),
        "afstand_huisarts_km": round(schaal * (0.4 + afstand_km / 6) * rng.uniform(0.7, 1.3), 1),
        "afstand_grote_supermarkt_km": round(schaal * (0.5 + afstand_km / 5) * rng.uniform(0.7, 1.3), 1),
        "oppervlakte_totaal_ha": round(land_ha), "oppervlakte_land_ha": round(land_ha),
        "oppervlakte_water_ha": 0.0,
        "bevolkingsdichtheid": round(inwoners / (land_ha / 100)),
        "geometry": shape,
    }


def _voorzieningen(rng: np.random.Generator, buurten: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A handful of fictitious care facilities, placed in the most populous buurten."""
    bewoond = buurten[buurten["inwoners"].notna()].sort_values("inwoners", ascending=False)
    rows, i = [], 0
    for categorie, soort, aantal, plaatsen in VOORZIENINGEN:
        for n in range(aantal):
            buurt = bewoond.iloc[(i * 7) % len(bewoond)]
            i += 1
            punt = _points_in(buurt.geometry.buffer(-50) or buurt.geometry, 1, rng)[0]
            rows.append({"naam": f"{soort} {buurt['naam']} (fictief)", "categorie": categorie,
                         "plaatsen": plaatsen, "bron": DEMO_BRON,
                         "buurtcode": buurt.name, "geometry": punt})
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs="EPSG:28992")
