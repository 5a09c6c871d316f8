"""Scoring the measured candidates under a profile's weights and buffers, and ranking the best.

Arithmetic only, so a planner moving a slider does not wait for geometry: a
candidate within an exclusion's buffer is out; each preference is rescaled over
the remaining candidates (best 1, worst 0) and the score is the weighted mean of
the known values. On the grid, adjacent cells among the best share form
candidate areas ranked by their best cell; uploaded sites are ranked one by one.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import ndimage

from kaart.locatiezoeker.meten import Metingen
from kaart.locatiezoeker.uitkomst import Uitkomst
from kaart.locatiezoeker.verklaren import geen_tekst, redenen
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


def beoordeel(m: Metingen, woonvorm: Woonvorm | None = None, top: int = 10) -> Uitkomst:
    """Score the candidates under the weights and buffers of ``woonvorm`` (default: those measured for).

    ``woonvorm`` must be the measured profile with other weights or buffers
    (``Woonvorm.met``); ``top`` is how many candidate areas (or sites) to rank.
    """
    woonvorm = woonvorm or m.woonvorm
    if [c.kenmerk for c in woonvorm.criteria] != [c.kenmerk for c in m.woonvorm.criteria]:
        raise ValueError("beoordeel needs the profile the measurements were made for")
    uitgesloten = {c.id: m.rand[c.kenmerk].meter <= c.afstand_m
                   for c in woonvorm.uitsluitingen if c.kenmerk in m.rand}
    buiten = ~m.kandidaten["in_regio"].to_numpy(dtype=bool)
    weg = buiten.copy()
    for mask in uitgesloten.values():
        weg |= mask
    score, waardering = _gewogen(m, woonvorm, ~weg)
    uitkomst = Uitkomst(woonvorm=woonvorm, metingen=m, score=score, uitgesloten=uitgesloten, waardering=waardering,
                        lijst=gpd.GeoDataFrame(), overzicht=_overzicht(m, woonvorm, uitgesloten, buiten),
                        over=~weg, waarschuwingen=list(m.waarschuwingen))
    if m.raster is not None:
        # Among equal scores (distances beyond a preference's range count alike), the cells that are better
        # still with the ranges lifted go first: capped ties would otherwise grow into one huge area.
        fijn, _ = _gewogen(m, woonvorm, ~weg, MAX_AFSTAND_M)
        uitkomst.lijst = _gebieden_van(uitkomst, top, fijn)
    else:
        uitkomst.lijst = _locaties_van(uitkomst, top)
    if not np.isfinite(score).any() or uitkomst.lijst.empty:
        uitkomst.melding = geen_tekst(uitkomst)
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


def _kolommen(u: Uitkomst, posities: np.ndarray, rand: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per criterion, the figures of the candidates at ``posities``: distances (m) and values (0-1)."""
    m = u.metingen
    kolommen: dict[str, np.ndarray] = {}
    for c in u.woonvorm.uitsluitingen:
        if c.id in rand:
            kolommen[f"{c.id}_afstand_m"] = np.round(np.where(np.isfinite(rand[c.id]), rand[c.id], np.nan))
    for c in u.woonvorm.voorkeuren:
        if c.id not in u.waardering:
            continue
        if c.is_afstand:
            meter = m.midden[c.kenmerk].meter[posities]
            kolommen[f"{c.id}_afstand_m"] = np.round(np.where(np.isfinite(meter), meter, np.nan))
        else:
            kolommen[f"{c.id}_waarde"] = np.round(m.waarden[c.soort][posities], 3)
        kolommen[f"{c.id}_waardering"] = np.round(u.waardering[c.id][posities], 3)
    return kolommen


def _gebieden_van(u: Uitkomst, top: int, fijn: np.ndarray) -> gpd.GeoDataFrame:
    """Candidate areas: adjacent cells among the best ``beste_aandeel``, big enough, ranked by their best cell.

    The best share is a number of cells, ties in ``score`` broken by ``fijn``, then by position.
    """
    m, w, grid = u.metingen, u.woonvorm, u.metingen.raster
    scored = np.isfinite(u.score)
    leeg = gpd.GeoDataFrame({"rang": []}, geometry=[], crs=RD_NEW)
    if not scored.any():
        return leeg
    posities = np.flatnonzero(scored)
    aantal_goed = max(1, int(np.ceil(w.beste_aandeel * len(posities))))
    volgorde = np.lexsort((posities, -np.nan_to_num(fijn[posities], nan=-1.0), -u.score[posities]))
    goed = np.zeros(len(u.score), dtype=bool)
    goed[posities[volgorde[:aantal_goed]]] = True
    labels, aantal = ndimage.label(grid.rooster(goed.astype(float), 0.0) > 0)
    if not aantal:
        return leeg
    ids = np.arange(1, aantal + 1)
    raster_score = grid.rooster(np.where(goed, u.score, -1.0), -1.0)
    cellen = ndimage.sum(np.ones_like(raster_score), labels, ids)
    beste = ndimage.maximum(raster_score, labels, ids)
    gemiddeld = ndimage.mean(raster_score, labels, ids)
    plek = np.array(ndimage.maximum_position(raster_score, labels, ids))
    ha = cellen * grid.grootte ** 2 / 10_000
    flat_to_pos = pd.Series(np.arange(len(grid.cel)), index=grid.cel)
    beste_pos = flat_to_pos.loc[plek[:, 0] * grid.nx + plek[:, 1]].to_numpy()
    volgorde = np.lexsort((-gemiddeld, -beste))
    gekozen, per_gemeente = [], {}
    for k in volgorde:
        if ha[k] < w.min_oppervlakte_ha - 1e-9:
            continue
        gm = m.kandidaten["gemeentecode"].iat[beste_pos[k]]
        if w.max_per_gemeente and per_gemeente.get(gm, 0) >= w.max_per_gemeente:
            continue
        per_gemeente[gm] = per_gemeente.get(gm, 0) + 1
        gekozen.append(k)
        if len(gekozen) == top:
            break
    if not gekozen:
        return leeg
    label_per_cel = labels.reshape(-1)[grid.cel]
    vormen, rand_per_gebied = [], {c.id: [] for c in w.uitsluitingen if c.id in u.uitgesloten}
    for k in gekozen:
        leden = np.flatnonzero(label_per_cel == k + 1)
        vormen.append(shapely.coverage_union_all(grid.vakken(leden)))
        for cid in rand_per_gebied:
            c = next(c for c in w.uitsluitingen if c.id == cid)
            rand_per_gebied[cid].append(m.rand[c.kenmerk].meter[leden].min())
    posities = beste_pos[gekozen]
    rand = {cid: np.array(v) for cid, v in rand_per_gebied.items()}
    rijen = m.kandidaten.iloc[posities]
    frame = gpd.GeoDataFrame({
        "rang": np.arange(1, len(gekozen) + 1),
        "score": np.round(beste[gekozen], 3),
        "gemiddelde_score": np.round(gemiddeld[gekozen], 3),
        "oppervlakte_ha": ha[gekozen],
        "beste_cel": rijen["id"].to_numpy(),
        "buurtcode": rijen["buurtcode"].to_numpy(), "buurtnaam": rijen["buurtnaam"].to_numpy(),
        "gemeentecode": rijen["gemeentecode"].to_numpy(), "gemeentenaam": rijen["gemeentenaam"].to_numpy(),
        **_kolommen(u, posities, rand),
        "waarom": [redenen(u, p, {cid: rand[cid][i] for cid in rand}) for i, p in enumerate(posities)],
    }, geometry=vormen, crs=RD_NEW)
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="nr")
    return frame


def _locaties_van(u: Uitkomst, top: int) -> gpd.GeoDataFrame:
    """Uploaded sites: every site, the qualifying ones ranked by score, the excluded ones after them with why."""
    m = u.metingen
    score = u.score
    volgorde = np.lexsort((np.arange(len(score)), -np.nan_to_num(score, nan=-1.0)))
    rang = np.full(len(score), np.nan)
    geschikt = volgorde[np.isfinite(score[volgorde])]
    rang[geschikt[:top]] = np.arange(1, min(top, len(geschikt)) + 1)
    rand = {c.id: m.rand[c.kenmerk].meter[volgorde] for c in u.woonvorm.uitsluitingen if c.id in u.uitgesloten}
    rijen = m.kandidaten.iloc[volgorde]
    frame = gpd.GeoDataFrame({
        "rang": rang[volgorde], "naam": rijen["id"].to_numpy(), "score": np.round(score[volgorde], 3),
        "geschikt": np.isfinite(score[volgorde]),
        "buurtcode": rijen["buurtcode"].to_numpy(), "buurtnaam": rijen["buurtnaam"].to_numpy(),
        "gemeentecode": rijen["gemeentecode"].to_numpy(), "gemeentenaam": rijen["gemeentenaam"].to_numpy(),
        **_kolommen(u, volgorde, rand),
        "waarom": [redenen(u, p) for p in volgorde],
    }, geometry=rijen.geometry.to_numpy(), crs=RD_NEW)
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="nr")
    return frame
