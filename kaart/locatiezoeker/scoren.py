"""Scoring the measured candidates under a profile's weights and buffers, and ranking the best.

Arithmetic only, so a planner moving a slider does not wait for geometry: a
candidate within an exclusion's buffer is out; each preference is rescaled over
the remaining candidates (best 1, worst 0) and the score is the weighted mean of
the known values. On the grid, adjacent cells among the best share form
candidate areas; in each the best plot of the profile's minimum area is the
candidate (a Skaeve Huse needs 2 ha, not the 300 ha area around it), ranked by
its mean score; uploaded sites are ranked one by one.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import ndimage

from kaart.errors import InputError
from kaart.locatiezoeker.meten import Metingen
from kaart.locatiezoeker.uitkomst import Uitkomst
from kaart.locatiezoeker.verklaren import geen_tekst, redenen, tabel, tekort_tekst
from kaart.raster import RD_NEW
from kaart.woonvormen import MAX_AFSTAND_M, Criterium, Woonvorm


def _nut(m: Metingen, c: Criterium, tot: float | None = None) -> np.ndarray:
    """A preference's raw utility per candidate: higher is better; NaN unknown. Distances count up to ``tot``
    (default the criterion's own ``tot_m``)."""
    if c.is_afstand:
        meter = np.minimum(m.midden[c.kenmerk].meter, c.tot_m if tot is None else tot)
        return meter if c.richting == "ver" else -meter
    return -m.waarden[c.soort]


def _gewogen(m: Metingen, w: Woonvorm, over: np.ndarray, tot: float | None = None
             ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The weighted mean of the known preference values (each 0-1 over ``over``), and those values."""
    n = len(over)
    waardering: dict[str, np.ndarray] = {}
    teller, noemer = np.zeros(n), np.zeros(n)
    for c in w.voorkeuren:
        if c.id in m.ontbreekt:
            continue
        nut = _nut(m, c, tot)
        bekend = over & ~np.isnan(nut)
        v = np.full(n, np.nan)
        if bekend.any():
            lo, hi = nut[bekend].min(), nut[bekend].max()
            v[bekend] = 1.0 if hi == lo else (nut[bekend] - lo) / (hi - lo)
        waardering[c.id] = v
        if c.gewicht > 0:
            teller += np.where(np.isnan(v), 0.0, c.gewicht * np.nan_to_num(v))
            noemer += np.where(np.isnan(v), 0.0, c.gewicht)
    score = np.full(n, np.nan)
    heeft = over & (noemer > 0)
    score[heeft] = teller[heeft] / noemer[heeft]
    return score, waardering


def beoordeel(m: Metingen, woonvorm: Woonvorm | None = None, top: int = 10, gemeente: str | None = None) -> Uitkomst:
    """Score the candidates under the weights and buffers of ``woonvorm`` (default: those measured for).

    ``woonvorm`` must be the measured profile with other weights or buffers
    (``Woonvorm.met``); ``top`` is how many candidates to rank. With ``gemeente``
    (a code) the list holds the region's candidates in that gemeente: the scores,
    the areas and their plots stay those of the whole region, so the same place
    gets the same candidate with and without the filter.

    Raises
    ------
    InputError
        For a gemeente the kaart does not have.
    """
    woonvorm = woonvorm or m.woonvorm
    if [c.kenmerk for c in woonvorm.criteria] != [c.kenmerk for c in m.woonvorm.criteria]:
        raise ValueError("beoordeel needs the profile the measurements were made for")
    codes = m.kandidaten["gemeentecode"].to_numpy(dtype=object)
    binnen = np.ones(len(codes), dtype=bool)
    gemeentenaam = None
    if gemeente is not None:
        binnen = codes == gemeente
        if not binnen.any():
            bekend = sorted({c for c in codes if c})
            raise InputError(f"De kaart heeft geen gemeente '{gemeente}'.", f"Kies een van: {', '.join(bekend)}.")
        gemeentenaam = str(m.kandidaten["gemeentenaam"].to_numpy(dtype=object)[binnen][0] or gemeente)
    uitgesloten = {c.id: m.rand[c.kenmerk].meter <= c.afstand_m
                   for c in woonvorm.uitsluitingen if c.kenmerk in m.rand}
    buiten = ~m.kandidaten["in_regio"].to_numpy(dtype=bool)
    weg = buiten.copy()
    for mask in uitgesloten.values():
        weg |= mask
    score, waardering = _gewogen(m, woonvorm, ~weg)
    uitkomst = Uitkomst(woonvorm=woonvorm, metingen=m, score=score, uitgesloten=uitgesloten, waardering=waardering,
                        lijst=gpd.GeoDataFrame(), overzicht=_overzicht(m, woonvorm, uitgesloten, buiten | ~binnen),
                        over=~weg, binnen=binnen, gemeente=gemeente, gemeentenaam=gemeentenaam, gevraagd=top,
                        waarschuwingen=list(m.waarschuwingen))
    if m.raster is not None:
        # Among equal scores (distances beyond a preference's range count alike), the cells that are better
        # still with the ranges lifted go first: capped ties would otherwise grow into one huge area.
        fijn, _ = _gewogen(m, woonvorm, ~weg, MAX_AFSTAND_M)
        _kavels_van(uitkomst, top, fijn)
    else:
        _locaties_van(uitkomst, top)
    if not np.isfinite(score[binnen]).any() or uitkomst.lijst.empty:
        uitkomst.melding = geen_tekst(uitkomst)
    uitkomst.tekort = tekort_tekst(uitkomst)
    return uitkomst


def _overzicht(m: Metingen, w: Woonvorm, uitgesloten: dict[str, np.ndarray], buiten: np.ndarray) -> pd.DataFrame:
    eenheid = m.per_kandidaat
    hoe_vaak = sum((mask.astype(int) for mask in uitgesloten.values()), np.zeros(len(buiten), dtype=int))
    rijen = []
    for c in w.uitsluitingen:
        if c.id not in uitgesloten:
            rijen.append({"id": c.id, "label": c.label, "afstand_m": c.afstand_m, "uitgesloten": 0.0,
                          "alleen_hierdoor": 0.0, "toegepast": False})
            continue
        mask = uitgesloten[c.id] & ~buiten
        rijen.append({"id": c.id, "label": c.label, "afstand_m": c.afstand_m, "uitgesloten": mask.sum() * eenheid,
                      "alleen_hierdoor": (mask & (hoe_vaak == 1)).sum() * eenheid, "toegepast": True})
    return pd.DataFrame(rijen, columns=["id", "label", "afstand_m", "uitgesloten", "alleen_hierdoor", "toegepast"])


def _kolommen(u: Uitkomst, groepen: list[np.ndarray], rand: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per criterion, the figures of each candidate made of the cells (or site) in ``groepen``: exclusion
    distances (m, the nearest cell), preference distances (m) or values and their scores (0-1), as means."""
    m = u.metingen

    def gemiddeld(waarden: np.ndarray) -> np.ndarray:
        return np.array([np.mean(waarden[g]) if np.isfinite(waarden[g]).all() else np.nan for g in groepen])

    kolommen: dict[str, np.ndarray] = {}
    for c in u.woonvorm.uitsluitingen:
        if c.id in rand:
            kolommen[f"{c.id}_afstand_m"] = np.round(np.where(np.isfinite(rand[c.id]), rand[c.id], np.nan))
    for c in u.woonvorm.voorkeuren:
        if c.id not in u.waardering:
            continue
        if c.is_afstand:
            kolommen[f"{c.id}_afstand_m"] = np.round(gemiddeld(m.midden[c.kenmerk].meter))
        else:
            kolommen[f"{c.id}_waarde"] = np.round(gemiddeld(m.waarden[c.soort]), 3)
        kolommen[f"{c.id}_waardering"] = np.round(gemiddeld(u.waardering[c.id]), 3)
    return kolommen


def _kavel(grid, leden: np.ndarray, score: np.ndarray, fijn: np.ndarray, n: int) -> np.ndarray:
    """The best plot of ``n`` adjacent cells among the area's cells ``leden``: grown from the area's best cell,
    each step taking the best neighbouring cell (ties: better with ranges lifted, then nearer the first)."""
    plek = dict(zip(grid.cel[leden].tolist(), leden.tolist()))
    sleutel = np.lexsort((leden, -fijn[leden], -score[leden]))
    eerste = int(leden[sleutel[0]])
    kavel, rand = [eerste], set()
    r0, k0 = divmod(int(grid.cel[eerste]), grid.nx)
    while len(kavel) < n:
        rij, kolom = divmod(int(grid.cel[kavel[-1]]), grid.nx)
        for dr, dk in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            buur = plek.get((rij + dr) * grid.nx + kolom + dk) if 0 <= kolom + dk < grid.nx else None
            if buur is not None and buur not in kavel:
                rand.add(buur)
        if not rand:
            break

        def voorrang(p: int) -> tuple:
            r, k = divmod(int(grid.cel[p]), grid.nx)
            return (score[p], fijn[p], -((r - r0) ** 2 + (k - k0) ** 2), -p)

        beste = max(rand, key=voorrang)
        rand.discard(beste)
        kavel.append(beste)
    return np.array(kavel, dtype=np.int64)


LEGE_LIJST = ("rang", "score", "oppervlakte_ha", "beste_cel", "buurtcode", "buurtnaam", "gemeentecode",
              "gemeentenaam", "gebied_oppervlakte_ha", "gebied_gemiddelde_score", "gebied_beste_score", "waarom")
"""The columns of a candidate list, also when it has no rows."""


def _kavels_van(u: Uitkomst, top: int, fijn: np.ndarray) -> None:
    """Candidate plots: in every area of adjacent cells among the best ``beste_aandeel`` that can hold the
    profile's minimum area, the best plot of that size; plots ranked by their mean score, the area as context.

    The best share is a number of cells, ties in ``score`` broken by ``fijn``, then by position. The
    ranking and the spread over gemeenten are the region's; a gemeente filter then keeps its own.
    """
    m, w, grid = u.metingen, u.woonvorm, u.metingen.raster
    scored = np.isfinite(u.score)
    # No candidate (none in a gemeente) is a list with the usual columns and no rows, not one without columns.
    u.lijst = gpd.GeoDataFrame({k: [] for k in LEGE_LIJST}, geometry=[], crs=RD_NEW)
    u.gebieden = gpd.GeoSeries([], crs=RD_NEW)
    if not scored.any():
        return
    fijn = np.nan_to_num(fijn, nan=-1.0)
    posities = np.flatnonzero(scored)
    aantal_goed = max(1, int(np.ceil(w.beste_aandeel * len(posities))))
    volgorde = np.lexsort((posities, -fijn[posities], -u.score[posities]))
    goed = np.zeros(len(u.score), dtype=bool)
    goed[posities[volgorde[:aantal_goed]]] = True
    labels, aantal = ndimage.label(grid.rooster(goed.astype(float), 0.0) > 0)
    if not aantal:
        return
    cel_ha = grid.grootte ** 2 / 10_000
    n = max(1, int(np.ceil(w.min_oppervlakte_ha / cel_ha - 1e-9)))
    label_per_cel = labels.reshape(-1)[grid.cel]
    in_gebied = np.flatnonzero(label_per_cel > 0)
    in_gebied = in_gebied[np.argsort(label_per_cel[in_gebied], kind="stable")]
    grenzen = np.searchsorted(label_per_cel[in_gebied], np.arange(1, aantal + 2))
    gebieden = [in_gebied[grenzen[i]:grenzen[i + 1]] for i in range(aantal)]
    gebieden = [g for g in gebieden if len(g) >= n]
    kavels = [_kavel(grid, g, u.score, fijn, n) for g in gebieden]
    kavelscore = np.array([u.score[k].mean() for k in kavels])
    gebiedscore = np.array([u.score[g].mean() for g in gebieden])
    eerste = np.array([k[0] for k in kavels], dtype=np.int64)
    codes = m.kandidaten["gemeentecode"].to_numpy(dtype=object)
    gekozen, per_gemeente = [], {}
    for i in np.lexsort((eerste, -gebiedscore, -kavelscore)):
        gm = codes[eerste[i]]
        if w.max_per_gemeente and per_gemeente.get(gm, 0) >= w.max_per_gemeente:
            continue
        per_gemeente[gm] = per_gemeente.get(gm, 0) + 1
        if u.gemeente is not None and gm != u.gemeente:
            continue
        gekozen.append(i)
        if len(gekozen) == top:
            break
    if not gekozen:
        return
    uitsluitingen = [c for c in w.uitsluitingen if c.id in u.uitgesloten]
    rand = {c.id: np.array([m.rand[c.kenmerk].meter[kavels[i]].min() for i in gekozen]) for c in uitsluitingen}
    groepen = [kavels[i] for i in gekozen]
    rijen = m.kandidaten.iloc[eerste[gekozen]]
    index = pd.RangeIndex(1, len(gekozen) + 1, name="nr")
    u.tabellen = [tabel(u, g, {cid: rand[cid][j] for cid in rand}) for j, g in enumerate(groepen)]
    frame = gpd.GeoDataFrame({
        "rang": np.arange(1, len(gekozen) + 1),
        "score": np.round(kavelscore[gekozen], 3),
        "oppervlakte_ha": np.array([len(g) * cel_ha for g in groepen]),
        "beste_cel": rijen["id"].to_numpy(),
        "buurtcode": rijen["buurtcode"].to_numpy(), "buurtnaam": rijen["buurtnaam"].to_numpy(),
        "gemeentecode": rijen["gemeentecode"].to_numpy(), "gemeentenaam": rijen["gemeentenaam"].to_numpy(),
        "gebied_oppervlakte_ha": np.array([len(gebieden[i]) * cel_ha for i in gekozen]),
        "gebied_gemiddelde_score": np.round(gebiedscore[gekozen], 3),
        "gebied_beste_score": np.round([u.score[gebieden[i]].max() for i in gekozen], 3),
        **_kolommen(u, groepen, rand),
        "waarom": [redenen(u, g, {cid: rand[cid][j] for cid in rand}) for j, g in enumerate(groepen)],
    }, geometry=[shapely.coverage_union_all(grid.vakken(g)) for g in groepen], crs=RD_NEW, index=index)
    u.lijst = frame
    u.gebieden = gpd.GeoSeries([shapely.coverage_union_all(grid.vakken(gebieden[i])) for i in gekozen],
                               index=index, crs=RD_NEW)


def _locaties_van(u: Uitkomst, top: int) -> None:
    """Uploaded sites: every site (of the gemeente searched), the qualifying ones ranked by score, the excluded
    ones after them with why."""
    m = u.metingen
    score = np.where(u.binnen, u.score, np.nan)
    volgorde = np.lexsort((np.arange(len(score)), -np.nan_to_num(score, nan=-1.0)))
    volgorde = volgorde[u.binnen[volgorde]]
    rang = np.full(len(score), np.nan)
    geschikt = volgorde[np.isfinite(score[volgorde])]
    rang[geschikt[:top]] = np.arange(1, min(top, len(geschikt)) + 1)
    rand = {c.id: m.rand[c.kenmerk].meter[volgorde] for c in u.woonvorm.uitsluitingen if c.id in u.uitgesloten}
    rijen = m.kandidaten.iloc[volgorde]
    groepen = [np.array([p]) for p in volgorde]
    u.tabellen = [tabel(u, g) for g in groepen]
    frame = gpd.GeoDataFrame({
        "rang": rang[volgorde], "naam": rijen["id"].to_numpy(), "score": np.round(score[volgorde], 3),
        "geschikt": np.isfinite(score[volgorde]),
        "buurtcode": rijen["buurtcode"].to_numpy(), "buurtnaam": rijen["buurtnaam"].to_numpy(),
        "gemeentecode": rijen["gemeentecode"].to_numpy(), "gemeentenaam": rijen["gemeentenaam"].to_numpy(),
        **_kolommen(u, groepen, rand),
        "waarom": [redenen(u, g) for g in groepen],
    }, geometry=rijen.geometry.to_numpy(), crs=RD_NEW)
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="nr")
    u.lijst = frame
