"""Measuring, once per kaart and profile, what every criterion needs for every candidate.

A candidate is a 100 m cell of the CBS grid or an uploaded site. Exclusions are
measured from the whole cell (or the whole site), preferences from its centre
(or a point inside it), each as the exact distance in RD New to the nearest
feature up to :data:`~kaart.woonvormen.MAX_AFSTAND_M`. Missing is missing: a
drukpunt score or zorgdruk that the kaart lacks leaves that preference out of
the candidate's mean, and a criterion whose features the kaart does not have at
all is named in the warnings instead of silently passing. Measuring is the slow
step, done once, so that scoring under other weights and buffers is arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from kaart.categorieen import categorieen
from kaart.crs import RD_NEW
from kaart.errors import InputError
from kaart.getallen import getal
from kaart.kaartbestand import Kaart
from kaart.raster import Raster, raster
from kaart.woonvormen import MAX_AFSTAND_M, Criterium, Woonvorm


@dataclass
class Afstand:
    """Distances from every candidate to the nearest feature of one kind, and that feature's name."""

    meter: np.ndarray
    """Exact distance in metres; ``inf`` beyond MAX_AFSTAND_M."""
    naam: np.ndarray
    """Name of the nearest feature ('' where none within reach)."""


@dataclass
class Metingen:
    """Everything the criteria of one profile need, for every candidate of one region."""

    woonvorm: Woonvorm
    kandidaten: gpd.GeoDataFrame
    """One row per candidate: ``id`` (CBS cell code or site name), ``buurtcode``, ``buurtnaam``,
    ``gemeentecode``, ``gemeentenaam``, ``in_regio`` and the geometry (RD New)."""
    rand: dict[tuple, Afstand]
    """Per criterion kenmerk: distances from the whole candidate (for exclusions)."""
    midden: dict[tuple, Afstand]
    """Per criterion kenmerk: distances from the candidate's centre (for preferences)."""
    waarden: dict[str, np.ndarray]
    """Per area-valued soort (drukpunt, zorgdruk): the value for every candidate (NaN unknown)."""
    waarschuwingen: list[str]
    ontbreekt: set[str]
    """Ids of criteria the kaart has no data for."""
    raster: Raster | None = None
    bronvermelding: str = ""
    fictief: bool = False

    @property
    def per_kandidaat(self) -> float:
        """What one candidate counts for in the totals: its hectares (a grid cell), or 1 (a site)."""
        return self.raster.grootte ** 2 / 10_000 if self.raster is not None else 1.0

    @property
    def eenheid(self) -> str:
        """The unit of the totals, in Dutch."""
        return "ha" if self.raster is not None else "locaties"


def _gebieden(kaart: Kaart) -> gpd.GeoDataFrame:
    niveau = next(n for n in ("buurt", "wijk", "gemeente") if n in kaart.gebieden)
    return kaart.gebieden[niveau].to_crs(RD_NEW)


def _land(frame: gpd.GeoDataFrame) -> pd.Series:
    water = frame["water"].fillna(0).astype(bool) if "water" in frame else pd.Series(False, index=frame.index)
    return ~water & frame.geometry.notna() & ~frame.geometry.is_empty


def dichtheid(frame: pd.DataFrame) -> pd.Series:
    """Inhabitants per km² of land: CBS's figure, else computed from inhabitants and land area."""
    waarde = frame["bevolkingsdichtheid"] if "bevolkingsdichtheid" in frame else pd.Series(np.nan, index=frame.index)
    if "inwoners" in frame and "oppervlakte_land_ha" in frame:
        land = frame["oppervlakte_land_ha"].where(frame["oppervlakte_land_ha"] > 0)
        waarde = waarde.fillna(frame["inwoners"] / (land / 100))
    return waarde.astype(float)


def doelen(kaart: Kaart, c: Criterium) -> tuple[np.ndarray, np.ndarray]:
    """The features criterion ``c`` measures to (RD New geometries) and their names."""
    if c.soort == "voorzieningen":
        punten = kaart.extra.get("voorzieningen")
        if punten is None or punten.empty:
            return np.empty(0, dtype=object), np.empty(0, dtype=object)
        punten = punten[punten["categorie"].isin(c.categorieen)].to_crs(RD_NEW)
        return punten.geometry.values, punten["naam"].fillna("").astype(str).to_numpy()
    frame = _gebieden(kaart)
    if c.soort == "water":
        keep = ~_land(frame) & frame.geometry.notna() & ~frame.geometry.is_empty
    else:  # woonbebouwing
        keep = _land(frame) & (dichtheid(frame) >= c.dichtheid_min)
    return frame.geometry[keep].values, frame["naam"][keep].fillna("").astype(str).to_numpy()


def _naaste(vanaf: np.ndarray, naar: np.ndarray, namen: np.ndarray, tot: float,
            overslaan: np.ndarray | None = None) -> Afstand:
    """Exact distance from each geometry of ``vanaf`` to the nearest of ``naar`` (GEOS), up to ``tot``.

    ``overslaan`` marks candidates already known to touch a feature (distance 0, nothing to compute).
    """
    meter = np.full(len(vanaf), np.inf)
    naam = np.full(len(vanaf), "", dtype=object)
    welke = np.arange(len(vanaf)) if overslaan is None else np.flatnonzero(~overslaan)
    if overslaan is not None:
        meter[overslaan] = 0.0
    if len(naar) and len(welke):
        (i, j), d = shapely.STRtree(naar).query_nearest(vanaf[welke], max_distance=tot, return_distance=True,
                                                        all_matches=False)
        meter[welke[i]], naam[welke[i]] = d, namen[j]
    return Afstand(meter, naam)


MAX_LAND_KM2 = 6_000
"""The most land the grid search covers: 600,000 cells of 100 m, some 3 GB while measuring. The largest
province (Gelderland, about 5,000 km² of land) fits; the whole country (3.5 million cells) filled 15.8 GB on a
24 GB machine before the process was killed, so it is refused with the way out instead."""
BUREN = 8


def _naaste_punt(cx: np.ndarray, cy: np.ndarray, half: float, punten: np.ndarray, namen: np.ndarray,
                 tot: float) -> Afstand:
    """Exact distance from squares of half-size ``half`` centred at (cx, cy) to the nearest point feature.

    A k-d tree gives the points nearest each centre; a square's own distance to a
    point is exact arithmetic. The nearest point to the square is among those near
    the centre, since a square's distance is at most ``half * sqrt(2)`` less than
    its centre's: where the k-th neighbour cannot rule that out, GEOS decides.
    Ten times faster than GEOS for every square of a 100,000-cell grid.
    """
    xy = shapely.get_coordinates(punten)
    k = min(BUREN, len(xy))
    marge = half * np.sqrt(2)
    d, i = cKDTree(xy).query(np.column_stack([cx, cy]), k=k, distance_upper_bound=tot + marge)
    d, i = d.reshape(len(cx), k), i.reshape(len(cx), k)
    gevonden = i < len(xy)
    px, py = xy[np.where(gevonden, i, 0), 0], xy[np.where(gevonden, i, 0), 1]
    dx = np.maximum(np.abs(px - cx[:, None]) - half, 0.0)
    dy = np.maximum(np.abs(py - cy[:, None]) - half, 0.0)
    vak = np.where(gevonden, np.hypot(dx, dy), np.inf)
    beste = np.argmin(vak, axis=1)
    rij = np.arange(len(cx))
    meter, keuze = vak[rij, beste], i[rij, beste]
    naam = np.where(np.isfinite(meter), namen[np.where(gevonden[rij, beste], keuze, 0)], "").astype(object)
    # Points beyond the k nearest centres are at least d[:, -1] from the centre, so at least that less the margin
    # from the square: only where that could beat the best found does GEOS look again.
    twijfel = (k < len(xy)) & np.isfinite(d[:, -1]) & (meter > d[:, -1] - marge)
    if twijfel.any():
        zeker = _naaste(shapely.box(cx[twijfel] - half, cy[twijfel] - half, cx[twijfel] + half, cy[twijfel] + half),
                        punten, namen, tot)
        meter[twijfel], naam[twijfel] = zeker.meter, zeker.naam
    meter[meter > tot] = np.inf
    naam[~np.isfinite(meter)] = ""
    return Afstand(meter, naam)


def _zorgdruk(kaart: Kaart) -> tuple[pd.Series | None, str]:
    """Existing places (else locations) in special housing per 1,000 inhabitants, per gemeente."""
    gemeenten = kaart.gebieden.get("gemeente")
    if gemeenten is None or "inwoners" not in gemeenten:
        return None, ""
    inwoners = gemeenten["inwoners"].where(gemeenten["inwoners"] > 0)
    for kolom, wat in (("zorgdruk_plaatsen", "plaatsen"), ("zorgdruk_locaties", "locaties")):
        if kolom in gemeenten and gemeenten[kolom].notna().all():
            return gemeenten[kolom] / inwoners * 1000, wat
    return None, ""


def meet(kaart: Kaart, woonvorm: Woonvorm, locaties: gpd.GeoDataFrame | None = None) -> Metingen:
    """Measure every criterion of ``woonvorm`` for every candidate of the region.

    Always the whole region: a gemeente is chosen when scoring
    (:func:`~kaart.locatiezoeker.beoordeel`), so its candidates are the region's.

    Parameters
    ----------
    kaart
        A built kaart.
    woonvorm
        The profile; the measurements serve any weights and buffers of it.
    locaties
        Candidate sites (polygons or points, with a CRS, and optionally ``naam``) instead of the grid.

    Raises
    ------
    InputError
        For sites without CRS or geometry.
    """
    frame = _gebieden(kaart)
    land = frame[_land(frame)]
    waarschuwingen: list[str] = []
    if locaties is None:
        km2 = float(land.geometry.area.sum()) / 1e6
        if km2 > MAX_LAND_KM2:
            raise InputError(f"De regio van deze kaart heeft {getal(km2)} km² land; de locatiezoeker zoekt op "
                             f"vierkanten van 100 m in hooguit {getal(MAX_LAND_KM2)} km².",
                             "Bouw een kaart van een provincie of een kleinere regio en zoek daarin, of geef eigen "
                             "kavels op.")
        grid = raster(land)
        if not len(grid.cel):
            raise InputError("De regio heeft geen land met geometrie om in te zoeken.",
                             "Bouw de kaart opnieuw met de geometrie van de gebieden.")
        rijen = land.iloc[grid.gebied]
        geometrie = grid.vakken()
        centres = grid.punten()
        ids = grid.codes()
        in_regio = np.ones(len(ids), dtype=bool)
    else:
        grid = None
        geometrie, centres, ids, in_regio, rijen = _sites(locaties, land)
    kandidaten = gpd.GeoDataFrame({
        "id": ids, "buurtcode": rijen.index.to_numpy(dtype=object),
        "buurtnaam": rijen["naam"].to_numpy(dtype=object) if "naam" in rijen else "",
        "gemeentecode": rijen.get("gemeentecode", pd.Series("", index=rijen.index)).to_numpy(dtype=object),
        "gemeentenaam": rijen.get("gemeentenaam", pd.Series("", index=rijen.index)).to_numpy(dtype=object),
        "in_regio": in_regio}, geometry=geometrie, crs=RD_NEW)
    if locaties is not None:
        for kolom in ("buurtcode", "buurtnaam", "gemeentecode", "gemeentenaam"):  # a site off the region lies in none
            kandidaten[kolom] = np.where(in_regio, kandidaten[kolom].to_numpy(dtype=object), "")

    rand: dict[tuple, Afstand] = {}
    midden: dict[tuple, Afstand] = {}
    waarden: dict[str, np.ndarray] = {}
    ontbreekt: set[str] = set()
    cx, cy = shapely.get_x(centres), shapely.get_y(centres)
    for c in woonvorm.criteria:
        if not c.is_afstand:
            continue
        features, namen = doelen(kaart, c)
        if not len(features) and c.soort != "water":
            ontbreekt.add(c.id)
            waarschuwingen.append(_ontbreekt_tekst(c))
            continue
        punten = c.soort == "voorzieningen" and len(features)
        if c.rol == "uitsluiting" and c.kenmerk not in rand:
            if punten and grid is not None:
                rand[c.kenmerk] = _naaste_punt(cx, cy, grid.grootte / 2, features, namen, MAX_AFSTAND_M)
            else:
                # A cell whose centre is in a dense buurt touches it: no distance to compute.
                binnen = (dichtheid(rijen).to_numpy() >= c.dichtheid_min
                          if c.soort == "woonbebouwing" and grid is not None else None)
                rand[c.kenmerk] = _naaste(geometrie, features, namen, MAX_AFSTAND_M, overslaan=binnen)
        if c.rol == "voorkeur" and c.kenmerk not in midden:
            midden[c.kenmerk] = (_naaste_punt(cx, cy, 0.0, features, namen, MAX_AFSTAND_M) if punten
                                 else _naaste(centres, features, namen, MAX_AFSTAND_M))
    soorten = {c.soort for c in woonvorm.voorkeuren}
    if "drukpunt" in soorten:
        if "drukpuntscore" in rijen and rijen["drukpuntscore"].notna().any():
            waarden["drukpunt"] = rijen["drukpuntscore"].to_numpy(dtype=float)
        else:
            ontbreekt.update(c.id for c in woonvorm.voorkeuren if c.soort == "drukpunt")
            waarschuwingen.append("De kaart heeft geen drukpuntscores voor dit niveau: de voorkeur 'Geen drukpunt' "
                                  "telt niet mee.")
    if "zorgdruk" in soorten:
        per_1000, wat = _zorgdruk(kaart)
        if per_1000 is not None:
            waarden["zorgdruk"] = pd.Series(kandidaten["gemeentecode"]).map(per_1000).to_numpy(dtype=float)
            if wat == "locaties":
                waarschuwingen.append("Niet elke bijzondere woonvorm noemt zijn aantal plaatsen: de bestaande zorgdruk "
                                      "telt daarom locaties per 1.000 inwoners.")
        else:
            ontbreekt.update(c.id for c in woonvorm.voorkeuren if c.soort == "zorgdruk")
            waarschuwingen.append("De kaart kent de bestaande zorgdruk per gemeente niet (er staan geen bijzondere "
                                  "woonvormen of opvang in de voorzieningenlaag): die voorkeur telt niet mee. "
                                  "Importeer ze in de voorzieningenlaag.")
    return Metingen(woonvorm=woonvorm, kandidaten=kandidaten, rand=rand, midden=midden, waarden=waarden,
                    waarschuwingen=waarschuwingen, ontbreekt=ontbreekt, raster=grid,
                    bronvermelding=kaart.bronvermelding, fictief=bool(kaart.metadata.get("fictief")))


def _ontbreekt_tekst(c: Criterium) -> str:
    if c.soort == "voorzieningen":
        wat = ", ".join(categorieen()[n].meervoud.lower() for n in c.categorieen)
        fix = "Importeer ze in de voorzieningenlaag (uit een bestand of uit OpenStreetMap)."
    else:
        wat, fix = f"buurten met {getal(c.dichtheid_min)} of meer inwoners per km²", ""
    soort = "de uitsluiting" if c.rol == "uitsluiting" else "de voorkeur"
    gevolg = "sluit niets uit" if c.rol == "uitsluiting" else "telt niet mee"
    return f"De kaart heeft geen {wat}: {soort} '{c.label}' {gevolg}. {fix}".strip()


def _sites(locaties: gpd.GeoDataFrame, land: gpd.GeoDataFrame
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, gpd.GeoDataFrame]:
    if locaties.crs is None:
        raise InputError("De kandidaatlocaties hebben geen coördinatenstelsel.",
                         "Sla ze op als GeoJSON (WGS84) of als GeoPackage met een coördinatenstelsel, "
                         "bijvoorbeeld EPSG:28992.")
    sites = locaties.to_crs(RD_NEW)
    geldig = sites.geometry.notna() & ~sites.geometry.is_empty
    if not geldig.all():
        regels = ", ".join(str(i + 1) for i in np.flatnonzero(~geldig.to_numpy())[:10])
        raise InputError(f"Kandidaatlocaties zonder geometrie: object {regels}.", "Geef elke locatie een punt of vlak.")
    if not np.isfinite(shapely.get_coordinates(sites.geometry.values)).all():
        raise InputError(f"De coördinaten van de kandidaatlocaties passen niet bij hun coördinatenstelsel "
                         f"({locaties.crs.to_string()}).",
                         "Sla het bestand op met het coördinatenstelsel van de coördinaten (RD New is EPSG:28992).")
    geometrie = shapely.make_valid(sites.geometry.values)
    centres = shapely.point_on_surface(geometrie)
    naamkolom = next((k for k in ("naam", "name", "Naam", "id", "locatie") if k in sites), None)
    standaard = pd.Series([f"Locatie {i + 1}" for i in range(len(sites))], index=sites.index)
    namen = sites[naamkolom].astype("string").str.strip().replace("", pd.NA) if naamkolom else standaard
    ids = namen.fillna(standaard).to_numpy(dtype=object)
    i_site, i_area = shapely.STRtree(land.geometry.values).query(centres, predicate="intersects")
    i_site, eerste = np.unique(i_site, return_index=True)
    positie = np.zeros(len(sites), dtype=np.int64)
    positie[i_site] = i_area[eerste]
    in_regio = np.zeros(len(sites), dtype=bool)
    in_regio[i_site] = True
    return geometrie, centres, ids, in_regio, land.iloc[positie]
