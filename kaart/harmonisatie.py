"""Bring one older KWB year's figures onto today's areas, and say per figure how.

Why: a kaart with several years shows every year on the newest year's areas (issue #17), but areas change:
codes are renumbered, gemeenten merge, boundaries move. A figure that is simply joined on code would be
wrong (or missing) for exactly the areas a council asks about. This module decides per new area which
old areas feed it and with what weight, sums counts, recomputes ratios from counts, and marks every cell
with how it was obtained. What cannot be harmonised is listed with a reason, never dropped or left at the
old value. Pure: no I/O; the fusions of gemeenten are passed in as a plain mapping by the caller
(``layers.regio_indelingen.fusiecodes``), since ``kaart`` imports nothing of ours.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

#: Two geometries count as "the same boundary" when their symmetric difference is at most this share of
#: the larger area: CBS generalises its geometry per year, so identical areas differ by slivers.
TOLERANTIE = 0.01

OFFICIEEL = "officieel"
HERCODEERD = "officieel (hercodeerd)"
OPGETELD = "opgeteld (herindeling)"
GESCHAT = "geschat (grenswijziging)"
ONTBREEKT = "ontbreekt"
NIET = "niet harmoniseerbaar"
#: Weakest method wins when a new area is fed by several rules (an estimate stays an estimate).
_RANG = {OFFICIEEL: 0, HERCODEERD: 1, OPGETELD: 2, GESCHAT: 3}

#: How a ratio relates to its basis count: value = teller * factor / basis (a density is per km² of a basis
#: in hectares, so its factor is 100 too).
FACTOREN = {"aandeel": 100.0, "gemiddelde": 1.0, "per_1000": 1000.0, "dichtheid": 100.0}


@dataclass(frozen=True)
class Verhouding:
    """A ratio column and how to rebuild it from counts: ``soort`` is aandeel (percent), gemiddelde, per_1000
    or dichtheid (per km² of land, the basis in hectares)."""

    basis: str
    soort: str = "aandeel"

    def __post_init__(self):
        if self.soort not in FACTOREN:
            raise ValueError(f"unknown ratio kind {self.soort!r}; use one of {', '.join(FACTOREN)}")


@dataclass(frozen=True)
class Harmonisatie:
    """Old figures on today's areas: values, per-cell status, per-row method, and what could not be done."""

    waarden: pd.DataFrame
    status: pd.DataFrame
    methode: pd.Series
    niet_harmoniseerbaar: pd.DataFrame  # columns: code, kant (oud/nieuw), kolom (None = whole area), reden
    toelichting: str


def _heeft_geometrie(frame) -> bool:
    return isinstance(frame, gpd.GeoDataFrame) and frame.geometry.notna().any()


def _zelfde_grens(a, b) -> bool:
    """True when a and b differ by at most TOLERANTIE of the larger area (generalisation slivers)."""
    if a is None or b is None or a.is_empty or b.is_empty:
        return False
    grootste = max(a.area, b.area)
    return grootste > 0 and a.symmetric_difference(b).area <= TOLERANTIE * grootste


def _zelfde_grenzen(oud: gpd.GeoDataFrame, nieuw: gpd.GeoDataFrame) -> pd.Series:
    """:func:`_zelfde_grens` for every code on both sides at once (a national level has thousands)."""
    codes = oud.index.intersection(nieuw.index)
    a = oud.geometry.reindex(codes).values
    b = nieuw.geometry.reindex(codes).values
    leeg = shapely.is_missing(a) | shapely.is_missing(b) | shapely.is_empty(a) | shapely.is_empty(b)
    grootste = np.maximum(shapely.area(a), shapely.area(b))
    verschil = np.full(len(codes), np.inf)
    verschil[~leeg] = shapely.area(shapely.symmetric_difference(a[~leeg], b[~leeg]))
    return pd.Series(~leeg & (grootste > 0) & (verschil <= TOLERANTIE * grootste), index=codes)


def _overlay_gewichten(oud: gpd.GeoDataFrame, nieuw: gpd.GeoDataFrame, fijner, gewicht_kolom: str | None):
    """Share of each old area's counts that goes to each new area: rows (oud, nieuw, gewicht, wijze).

    Population-weighted when ``fijner`` (finer areas of the same old year with ``gewicht_kolom``) places
    people inside the old area, by each finer area's representative point; area-weighted otherwise.
    """
    links = gpd.GeoDataFrame({"oud": oud.index}, geometry=oud.geometry.values, crs=oud.crs)
    rechts = gpd.GeoDataFrame({"nieuw": nieuw.index}, geometry=nieuw.geometry.values, crs=nieuw.crs)
    stukken = gpd.overlay(links, rechts, how="intersection", keep_geom_type=True)
    stukken["opp"] = stukken.geometry.area
    stukken["bev"] = 0.0
    bev_oud = pd.Series(0.0, index=oud.index)
    if fijner is not None and gewicht_kolom is not None and len(stukken):
        punten = gpd.GeoDataFrame({"w": pd.to_numeric(fijner[gewicht_kolom], errors="coerce").fillna(0).values},
                                  geometry=fijner.geometry.representative_point().values, crs=fijner.crs)
        in_stuk = gpd.sjoin(punten, stukken[["geometry"]], predicate="within", how="inner")
        stukken["bev"] = in_stuk.groupby("index_right")["w"].sum().reindex(stukken.index).fillna(0)
        in_oud = gpd.sjoin(punten, links[["geometry"]], predicate="within", how="inner")
        bev_oud = in_oud.groupby("index_right")["w"].sum().rename(index=dict(enumerate(oud.index)))
        bev_oud = bev_oud.reindex(oud.index).fillna(0)
    rijen = []
    for code, groep in stukken.groupby("oud"):
        # People where the finer level places any in this old area, else its area; a share that is
        # missing within the tolerance is generalisation noise and is spread over the pieces.
        maat, totaal, wijze = ((groep["bev"], bev_oud[code], "bevolking") if bev_oud[code] > 0
                               else (groep["opp"], oud.geometry.loc[code].area, "oppervlakte"))
        gedekt = maat.sum() / totaal
        gewichten = maat / (maat.sum() if gedekt >= 1 - TOLERANTIE else totaal)
        for n, w in zip(groep["nieuw"], gewichten):
            rijen.append((code, n, float(w), wijze, gedekt))
    return pd.DataFrame(rijen, columns=["oud", "nieuw", "gewicht", "wijze", "gedekt"])


def harmoniseer(oud: pd.DataFrame, nieuw: gpd.GeoDataFrame, *, niveau: str, jaar_oud: int, jaar_nieuw: int,
                tellingen: Sequence[str], verhoudingen: Mapping[str, Verhouding], fusies: Mapping[str, str] = {},
                koppeltabel: Mapping[str, str] = {}, splitsingen: Mapping[str, Sequence[str]] = {},
                fijner: gpd.GeoDataFrame | None = None,
                fijner_gewicht: str = "inwoners") -> Harmonisatie:
    """Harmonise ``oud`` (one level of ``jaar_oud``, index = code) onto ``nieuw`` (the same level of ``jaar_nieuw``).

    Rules, in order, per old area: (1) same code and same boundary -> as is; (2) new code, same boundary
    (``indelingswijziging`` 2 with the koppeltabel, the koppeltabel, or geometry identity) -> as is;
    (3) gemeenten merged (``fusies`` old code -> new code) -> summed; (4) boundary changed (geometry on both
    sides; a split gemeente of ``splitsingen`` too) -> counts redistributed over the overlay; (5) the rest is
    listed in ``niet_harmoniseerbaar``.
    Ratios are turned into counts (ratio x basis / factor), carried as counts and recomputed.
    """
    tellingen = [k for k in tellingen if k in oud.columns]
    verhoudingen = {k: v for k, v in verhoudingen.items() if k in oud.columns}
    kolommen = tellingen + list(verhoudingen)
    meldingen: list[tuple[str, str, str | None, str]] = []
    geo_oud, geo_nieuw = _heeft_geometrie(oud), _heeft_geometrie(nieuw)
    wijziging = oud["indelingswijziging"] if "indelingswijziging" in oud.columns else pd.Series(np.nan, oud.index)

    # bijdragen: (oud, nieuw, gewicht, methode)
    bijdragen: list[tuple[str, str, float, str]] = []
    over = []
    vrije_nieuw = set(nieuw.index)
    gelijk = _zelfde_grenzen(oud, nieuw) if geo_oud and geo_nieuw else None
    for code in oud.index:
        if code in nieuw.index and code not in fusies and wijziging.get(code) != 3 and (
                gelijk is None or gelijk.get(code, False)):
            bijdragen.append((code, code, 1.0, OFFICIEEL))
            vrije_nieuw.discard(code)
        else:
            over.append(code)
    rest = []
    for code in over:
        doel = koppeltabel.get(code)
        if doel is None and geo_oud and geo_nieuw and code not in fusies and oud.geometry.loc[code] is not None:
            kandidaten = nieuw.loc[sorted(vrije_nieuw)]
            kandidaten = kandidaten[kandidaten.intersects(oud.geometry.loc[code])]
            doel = next((n for n, g in kandidaten.geometry.items() if _zelfde_grens(oud.geometry.loc[code], g)), None)
        if doel is not None and doel in nieuw.index and wijziging.get(code) != 3:
            bijdragen.append((code, doel, 1.0, HERCODEERD))
            vrije_nieuw.discard(doel)
        else:
            rest.append(code)
    # Rule 3: a new gemeente that absorbed others gets the sum of its parts (itself included, if it existed).
    ontvangers = {fusies[c] for c in rest if c in fusies and fusies[c] in nieuw.index}
    nog = []
    for code in rest:
        doel = fusies.get(code, code if code in ontvangers else None)
        if doel in ontvangers:
            bijdragen.append((code, doel, 1.0, OPGETELD))
            vrije_nieuw.discard(doel)
        else:
            nog.append(code)
    # Rule 4: redistribute over the overlay with today's areas. A sliver (under TOLERANTIE) in an area already
    # taken as a whole is generalisation noise and goes to the other pieces; a real part makes that area an
    # estimate too (its method becomes the weakest), so nothing counted twice and nothing lost.
    wijze_gebruikt = set()
    if nog and geo_oud and geo_nieuw:
        met_geo = [c for c in nog if oud.geometry.loc[c] is not None and not oud.geometry.loc[c].is_empty]
        gew = _overlay_gewichten(oud.loc[met_geo], nieuw, fijner, fijner_gewicht)
        ruis = ~gew["nieuw"].isin(vrije_nieuw) & (gew["gewicht"] < TOLERANTIE)
        voor = gew.groupby("oud")["gewicht"].transform("sum")
        gew = gew[~ruis]
        gew = gew.assign(gewicht=gew["gewicht"] * voor[~ruis] / gew.groupby("oud")["gewicht"].transform("sum"))
        for r in gew.itertuples():  # a zero weight is kept: an overlapped area that got no people gets 0, not NA
            bijdragen.append((r.oud, r.nieuw, r.gewicht, GESCHAT))
            wijze_gebruikt.add(r.wijze)
        for code, gedekt in gew.groupby("oud")["gedekt"].first().items():
            if gedekt < 1 - TOLERANTIE:
                meldingen.append((code, "oud", None, f"{1 - gedekt:.0%} of its area lies outside today's areas; "
                                  "that part is not counted."))
        nog = [c for c in nog if c not in set(gew["oud"])]
    for code in nog:
        if code in splitsingen:
            reden = (f"split over {', '.join(splitsingen[code])}; without geometry its parts cannot be "
                     "assigned to them.")
        elif code in fusies:
            reden = f"merged into {fusies[code]}, which is not among today's areas."
        elif code in nieuw.index:
            reden = "boundary changed (indelingswijziging 3) and no geometry on both sides to redistribute it."
        elif not geo_oud or oud.geometry.loc[code] is None:
            reden = "code not among today's areas and no geometry to place it."
        else:
            reden = "does not overlap any of today's areas that is still free."
        meldingen.append((code, "oud", None, reden))

    # Ratios to counts (teller = ratio * basis / factor); a missing basis is a reason, not a zero.
    werk = pd.DataFrame(index=oud.index)
    for k in tellingen:
        werk[k] = pd.to_numeric(oud[k], errors="coerce")
    for k, v in verhoudingen.items():
        if v.basis in oud.columns:
            werk[f"_teller_{k}"] = (pd.to_numeric(oud[k], errors="coerce")
                                    * pd.to_numeric(oud[v.basis], errors="coerce") / FACTOREN[v.soort])
            werk[f"_basis_{k}"] = pd.to_numeric(oud[v.basis], errors="coerce")
    b = pd.DataFrame(bijdragen, columns=["oud", "nieuw", "gewicht", "methode"])
    zwakste = b.assign(rang=b["methode"].map(_RANG)).sort_values("rang").drop_duplicates("nieuw", keep="last")
    methode = zwakste.set_index("nieuw")["methode"].reindex(nieuw.index).fillna("geen").rename("methode")
    enkel = b.groupby("nieuw")["oud"].transform("size").eq(1) & b["gewicht"].eq(1.0)
    as_is = set(b.loc[enkel & b["methode"].isin([OFFICIEEL, HERCODEERD]), "nieuw"])

    def som(kolom: str) -> pd.Series:
        """Weighted sum per new area; NA where any contributing old value is NA (missing is missing)."""
        v = werk[kolom].reindex(b["oud"]).to_numpy() * b["gewicht"].to_numpy()
        d = pd.DataFrame({"nieuw": b["nieuw"].to_numpy(), "v": v})
        return d.groupby("nieuw")["v"].sum(min_count=1).where(
            ~d["v"].isna().groupby(d["nieuw"]).any()).reindex(nieuw.index)

    waarden = pd.DataFrame(index=nieuw.index)
    status = pd.DataFrame(index=nieuw.index, dtype=object)
    for k in tellingen:
        waarden[k] = som(k) if len(b) else np.nan
        status[k] = np.where(waarden[k].notna(), methode, ONTBREEKT)
    for k, v in verhoudingen.items():
        eigen = b[b["nieuw"].isin(as_is)]  # one old area as is: its own figure, not one recomputed from counts
        direct = pd.Series(pd.to_numeric(oud[k], errors="coerce").reindex(eigen["oud"]).to_numpy(),
                           index=eigen["nieuw"].to_numpy(), dtype=float)
        if f"_teller_{k}" in werk:
            teller, basis = som(f"_teller_{k}"), som(f"_basis_{k}")
            berekend = (teller * FACTOREN[v.soort] / basis.where(basis != 0))
            waarden[k] = direct.reindex(nieuw.index).where(nieuw.index.isin(as_is), berekend)
            status[k] = np.where(waarden[k].notna(), methode, ONTBREEKT)
        else:
            waarden[k] = direct.reindex(nieuw.index)
            samengesteld = ~nieuw.index.isin(as_is) & methode.ne("geen")
            status[k] = np.where(samengesteld, NIET, np.where(waarden[k].notna(), methode, ONTBREEKT))
            for n in nieuw.index[samengesteld]:
                meldingen.append((n, "nieuw", k, f"basis column {v.basis!r} is missing, so the ratio cannot be "
                                  "recomputed for a combined or split area."))
    status.loc[methode.eq("geen"), :] = NIET
    for n in nieuw.index[methode.eq("geen")]:
        meldingen.append((n, "nieuw", None, f"receives nothing from {jaar_oud}: no old area maps onto it."))

    weging = " en ".join(sorted(wijze_gebruikt)) or None
    toelichting = (f"Cijfers van {jaar_oud} op de {niveau}indeling van {jaar_nieuw}. Ongewijzigde en hernummerde "
                   "gebieden: het officiële cijfer. Samengevoegde gemeenten: de som van hun delen. "
                   + (f"Gebieden met een gewijzigde grens: aantallen verdeeld naar {weging} "
                      "(geschat); percentages en gemiddelden opnieuw berekend uit die aantallen."
                      if weging else "Geen gebieden met een gewijzigde grens."))
    return Harmonisatie(waarden=waarden[kolommen], status=status[kolommen], methode=methode,
                        niet_harmoniseerbaar=pd.DataFrame(meldingen, columns=["code", "kant", "kolom", "reden"]),
                        toelichting=toelichting)
