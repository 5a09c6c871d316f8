"""Drukpunten: which areas stand out, on which indicators, and how firmly.

Per level, every indicator is standardised within the region with a robust z
score (median and MAD, so one extreme buurt does not flatten the rest), signed
so that positive always means more pressure. Rates on small areas are first
stabilised with Empirical Bayes (esda), so a buurt of 60 inhabitants does not
top the list by chance. A profile weighs the indicators into theme scores and
one overall score; an area is a drukpunt when that score passes the threshold
and its population is above the minimum. Each drukpunt says, in words, which
two or three indicators drive it. A rank-stability check shows whether a
drukpunt survives when the weights vary within a band.

Missing is missing: an area without a value is left out of the standardisation
(it gets no z score), exactly as if it were not there, never counted as 0.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kaart.export import met_jaren
from kaart.figuurjaren import Figuurjaren
from kaart.getallen import EURO, getal, met_eenheid, weergave
from kaart.indicatoren import (AFGELEID, PREFIX, Catalogus, Indicator, afgeleid_uit_percentage, beschikbaarheid,
                               catalogus, definitietabel, teller_noemer, waarden)
from kaart.kaartbestand import Kaart
from kaart.profielen import Profiel, profiel, profielen

log = logging.getLogger(__name__)

DREMPEL = 1.0
"""An area is a drukpunt when its overall score is at least this (robust z units)."""
MIN_INWONERS = 100
"""Areas with fewer inhabitants are never flagged: their figures are too fragile."""
Z_GRENS = 3.0
"""Robust z scores are clipped here, so one indicator cannot carry an area alone."""
VOETNOOT = "* afgeleid uit een percentage"
"""Ends a reason text whose starred values rest on counts reconstructed from percentages."""
MIN_GEWICHT = 0.5
"""An overall score needs known indicators carrying at least half the profile's whole weight, so a
profile whose indicators a source lacks gives no score rather than one that rests on what is left."""


def profieldekking(beschikbaarheid: pd.DataFrame, niveau: str) -> dict[str, float]:
    """Per profile, the share of its weight that has indicators at ``niveau``, from a kaart's
    indicator table; a profile below MIN_GEWICHT cannot score there."""
    rows = beschikbaarheid[(beschikbaarheid["niveau"] == niveau) & (beschikbaarheid["status"] == "beschikbaar")]
    present = set(rows["indicator"])
    return {p.naam: sum(w for i, w in p.gewichten.items() if i in present) / sum(p.gewichten.values())
            for p in profielen().values()}


def ontbrekend(z: pd.DataFrame, gewichten: dict[str, float]) -> list[str]:
    """The profile's indicators that no area of this level has a value for (the source lacks them)."""
    return [i for i, g in gewichten.items() if g > 0 and (i not in z or z[i].isna().all())]


def robust_z(values: pd.Series) -> pd.Series:
    """(x - median) / (1.4826 MAD) over the known values, clipped to ±Z_GRENS.

    When more than half the values are equal (MAD 0), the mean absolute
    deviation from the median takes the MAD's place; when all are equal, every
    known value scores 0.
    """
    known = values.dropna()
    z = pd.Series(np.nan, index=values.index)
    if known.empty:
        return z
    median = known.median()
    spread = 1.4826 * (known - median).abs().median()
    if spread == 0:
        spread = 1.2533 * (known - median).abs().mean()
    z[known.index] = 0.0 if spread == 0 else ((known - median) / spread).clip(-Z_GRENS, Z_GRENS)
    return z


def gestabiliseerd(frame: pd.DataFrame, ind: Indicator) -> pd.Series:
    """The indicator with rates on small areas shrunk towards the regional rate (Empirical Bayes).

    Only count ratios are smoothed; means (WOZ, distances) and suppressed
    values are returned as they are.
    """
    values = waarden(frame, Catalogus({ind.id: ind}, {}))[ind.kolom]
    if ind.waarde:
        return values
    teller, noemer, _ = teller_noemer(frame, ind)
    usable = values.notna() & (noemer > 0) & teller.notna()
    if usable.sum() < 3 or teller[usable].sum() <= 0:
        return values
    from esda.smoothing import Empirical_Bayes  # here: the web app imports this module, PySAL costs a second

    rates = Empirical_Bayes(teller[usable].to_numpy().reshape(-1, 1), noemer[usable].to_numpy().reshape(-1, 1)).r
    smoothed = values.copy()
    smoothed[usable] = np.asarray(rates).ravel() * ind.schaal
    return smoothed


def z_scores(frame: pd.DataFrame, cat: Catalogus | None = None) -> pd.DataFrame:
    """Signed robust z of every scoring indicator (positive = more pressure), NA where unknown."""
    cat = cat or catalogus()
    return pd.DataFrame({ind.id: ind.teken * robust_z(gestabiliseerd(frame, ind)) for ind in cat if ind.telt_mee},
                        index=frame.index)


def samengesteld(z: pd.DataFrame, gewichten: dict[str, float], cat: Catalogus | None = None) -> pd.DataFrame:
    """Theme scores and the overall score: weighted means of the available z scores.

    An area whose known indicators carry less than MIN_GEWICHT of the
    profile's whole weight gets no overall score (see :func:`ontbrekend` for
    the indicators a source lacks altogether).
    """
    cat = cat or catalogus()
    w = _gewichten(z, gewichten)
    out = pd.DataFrame(index=z.index)
    for thema in cat.themas:
        ids = [i for i in z.columns if cat[i].thema == thema]
        if ids:
            # The profile's weights where it weighs a known indicator of this theme, else equal weights:
            # every theme keeps a score, whatever the profile.
            weighed = (w[ids] > 0) & z[ids].notna().any()
            tw = w[ids] if weighed.any() else pd.Series(1.0, index=ids)
            out[f"thema_{thema}"] = _weighted_mean(z[ids], tw)
    available = z.notna().mul(w, axis=1).sum(axis=1)
    overall = _weighted_mean(z, w)
    out["drukpuntscore"] = overall.where(available >= MIN_GEWICHT * sum(gewichten.values()))
    return out


def _gewichten(z: pd.DataFrame, gewichten: dict[str, float]) -> pd.Series:
    return pd.Series({i: gewichten.get(i, 0.0) for i in z.columns}, dtype=float)


def _weighted_mean(z: pd.DataFrame, w: pd.Series) -> pd.Series:
    known = z.notna()
    total = known.mul(w, axis=1).sum(axis=1)
    return (z.fillna(0).mul(w, axis=1).sum(axis=1) / total.where(total > 0)).round(3)


def markeer(score: pd.Series, inwoners: pd.Series, drempel: float = DREMPEL,
            min_inwoners: float = MIN_INWONERS) -> pd.Series:
    """True where the score passes the threshold and the population is known and large enough."""
    return (score >= drempel) & (inwoners.fillna(0) >= min_inwoners)


def redenen(frame: pd.DataFrame, z: pd.DataFrame, gewichten: dict[str, float], referentie: pd.Series,
            cat: Catalogus | None = None, aantal: int = 3, gemeenten: pd.DataFrame | None = None,
            nederland: pd.Series | None = None, jaren: pd.DataFrame | None = None) -> pd.Series:
    """The indicators that drive each area's score most, in Dutch words with the reference values.

    E.g. "Corporatiewoningen 62,0% (gemeente 40,2%, regio 31,5%); Bijstandsuitkeringen per 1.000
    inwoners 48,2 (gemeente 30,1, regio 22,0)". A value resting on a count reconstructed from a
    percentage carries a star and the text ends with VOETNOOT. ``gemeenten`` holds the indicator
    values of the gemeenten (indexed by code), for areas below gemeente level.
    """
    cat = cat or catalogus()
    bijdrage = z.mul(_gewichten(z, gewichten), axis=1).to_numpy()
    values = waarden(frame, cat)
    # A built kaart (and the analysis, before it asks for reasons) already holds the marks.
    afgeleid = frame[AFGELEID].fillna("") if AFGELEID in frame else afgeleid_uit_percentage(frame, cat)
    # Largest positive contributions first, per row, in one sort rather than one per area.
    order = np.argsort(-np.nan_to_num(bijdrage, nan=0.0), axis=1, kind="stable")[:, :aantal]
    texts = {}
    for r, code in enumerate(frame.index):
        parts = []
        for c in order[r]:
            if not bijdrage[r, c] > 0:
                break
            ind = cat[z.columns[c]]
            vergelijk = f"regio {_getal(referentie.get(ind.kolom), ind)}"
            gemeente = frame.at[code, "gemeentecode"] if "gemeentecode" in frame else None
            if gemeenten is not None and gemeente in gemeenten.index and gemeente != code:
                vergelijk = f"gemeente {_getal(gemeenten.at[gemeente, ind.kolom], ind)}, {vergelijk}"
            if nederland is not None and pd.notna(nederland.get(ind.kolom)):
                vergelijk = f"{vergelijk}, Nederland {_getal(nederland.get(ind.kolom), ind)}"
            ster = "*" if ind.id in afgeleid.at[code].split(", ") else ""
            jaar = jaren.at[code, ind.kolom] if jaren is not None and ind.kolom in jaren else None
            ster += "" if jaar is None or pd.isna(jaar) else f", cijfer van {jaar}"
            parts.append(f"{ind.label} {_getal(values.at[code, ind.kolom], ind)}{ster} ({vergelijk})")
        texts[code] = "; ".join(parts) + (f" ({VOETNOOT})" if "*" in "".join(parts) else "")
    return pd.Series(texts, dtype="object").reindex(frame.index)


def _getal(value, ind: Indicator) -> str:
    if value is None or pd.isna(value):
        return "onbekend"
    if ind.eenheid in ("m", "km", *EURO):
        return weergave(value, ind.eenheid)
    text = getal(value, 1)
    return text if ind.eenheid != "%" and ind.eenheid in ind.label else met_eenheid(text, ind.eenheid)


def rangstabiliteit(z: pd.DataFrame, gewichten: dict[str, float], band: float = 0.5, trekkingen: int = 200,
                    seed: int = 0, drempel: float = DREMPEL) -> pd.DataFrame:
    """How stable each area's rank is when every weight varies within ±``band`` (uniformly).

    Returns the rank under the given weights, the best and worst rank over the
    draws, and the share of draws in which the area's score passes the
    threshold, so a room sees whether a drukpunt rests on one contested choice.
    """
    weights = _gewichten(z, gewichten)
    ids = [i for i in z.columns if weights[i] > 0]
    base = weights[ids].to_numpy()
    rng = np.random.default_rng(seed)
    draws = base[:, None] * rng.uniform(1 - band, 1 + band, size=(len(ids), trekkingen))
    values = z[ids].to_numpy()
    known = ~np.isnan(values)
    weight_known = known.astype(float) @ draws
    # Rounded as samengesteld rounds the score, so areas tied there tie in every draw too (band 0: rang_min == rang).
    scores = np.round(np.nan_to_num(values) @ draws / np.where(weight_known > 0, weight_known, np.nan), 3)
    scores[(known.astype(float) @ base) < MIN_GEWICHT * sum(gewichten.values())] = np.nan
    ranks = pd.DataFrame(scores, index=z.index).rank(ascending=False, method="min")
    current = samengesteld(z, gewichten)["drukpuntscore"].rank(ascending=False, method="min")
    return pd.DataFrame({
        "rang": current,
        "rang_min": ranks.min(axis=1),
        "rang_max": ranks.max(axis=1),
        "kans_drukpunt": pd.DataFrame(np.where(np.isnan(scores), np.nan, scores >= drempel), index=z.index)
                         .mean(axis=1).round(2),
    })


REGIOCODE = "REGIO"
Z_PREFIX = "z_"
"""The signed robust z score of indicator ``id`` is stored as ``z_<id>``."""
_UITKOMST = {"drukpuntscore", "drukpunt", "drukpunt_redenen", "rang", "rang_min", "rang_max", "kans_drukpunt",
             "lisa_i", "lisa_p", "lisa_kwadrant", "drukpuntgebied", "drukpuntgebied_p", AFGELEID}
"""The columns an analysis writes, dropped first so a kaart can be analysed again (new facilities, a profile)."""


@dataclass
class Analyse:
    """What the drukpunt analysis adds to a kaart."""

    gebieden: dict[str, pd.DataFrame]
    regio: pd.DataFrame
    drukpuntgebieden: pd.DataFrame
    beschikbaarheid: pd.DataFrame
    profiel: Profiel
    ontbrekend: dict[str, list[str]]
    """Per level, the profile's indicators the source lacks (they weigh in, but no area has them)."""


def regiocijfers(gemeenten: pd.DataFrame, cat: Catalogus | None = None, per: str | None = None) -> pd.DataFrame:
    """The region's figures as one row: its gemeenten's counts summed, ratios and indicators recomputed from
    them (never CBS's own figure of a gemeente); with ``per``, a row per value of that column (the gemeenten
    of several years stacked, ``kaart.referentiereeksen``: one pass, not one per year). Apart from
    :func:`regio`, as those need the figures and not the dissolved outline."""
    from kaart.gebieden import aggregate

    rijen = gemeenten.reset_index().copy()
    rijen["regio"] = rijen[per] if per else REGIOCODE
    rij = aggregate(rijen, "regio").assign(cijfers="opgeteld")
    return rij.join(waarden(rij, cat)).copy()  # one block: the aggregate is built column by column


def regio(gebieden: dict[str, pd.DataFrame], naam: str) -> pd.DataFrame:
    """The region as one area: its gemeenten's counts summed, ratios recomputed, geometry dissolved."""
    import geopandas as gpd

    from kaart.gebieden import omtrek

    gemeenten = gebieden["gemeente"]
    rij = regiocijfers(gemeenten).assign(niveau="regio", naam=naam, jaar=gemeenten["jaar"].iloc[0])

    return gpd.GeoDataFrame(rij, geometry=[omtrek(gemeenten.geometry.values)], crs=gemeenten.crs)


def analyseer(gebieden: dict[str, pd.DataFrame], regionaam: str, profielnaam: str | None = None,
              clusters: bool = True, nederland: pd.Series | None = None,
              gewichten: dict[str, float] | None = None, figuurjaren: Figuurjaren | None = None) -> Analyse:
    """Indicators, scores, drukpunten, stability and clusters for every level of a kaart.

    The comparison frame of a level is the region: every area is scored
    against the other areas of its level. Clusters are sought at every level
    with enough areas; the drukpuntgebieden layer comes from the finest level.
    Every level keeps the signed robust z score of each indicator (``z_<id>``)
    next to its value, so a score can be traced back to its parts. ``figuurjaren`` (a kaart of several
    years) names the year of a reason's figure that is older than the kaart's.
    """
    from kaart.clusters import drukpuntgebieden, hotspots

    p = profiel(profielnaam, gewichten)
    cat = catalogus()
    regio_rij = regio(gebieden, regionaam)
    referentie = regio_rij.iloc[0]
    verrijkt, missing = {}, {}
    gebieden_laag = None
    gemeenten = waarden(gebieden["gemeente"], cat) if "gemeente" in gebieden else None
    for niveau, frame in gebieden.items():
        frame = frame.drop(columns=[c for c in frame.columns
                                    if c.startswith((PREFIX, "thema_", Z_PREFIX)) or c in _UITKOMST])
        z = z_scores(frame, cat)
        missing[niveau] = ontbrekend(z, p.gewichten)
        if missing[niveau]:
            log.warning("Profile %s at %s level: the source lacks %s; areas need known indicators carrying "
                        "%.0f%% of the profile's weight to score.", p.naam, niveau, ", ".join(missing[niveau]),
                        100 * MIN_GEWICHT)
        scores = samengesteld(z, p.gewichten, cat)
        frame = frame.join(waarden(frame, cat)).join(scores).join(z.add_prefix(Z_PREFIX).round(3))
        frame[AFGELEID] = afgeleid_uit_percentage(frame, cat)
        frame["drukpunt"] = markeer(frame["drukpuntscore"], frame["inwoners"] if "inwoners" in frame
                                    else pd.Series(np.nan, index=frame.index))
        flagged = frame.index[frame["drukpunt"]]
        jaren = None if figuurjaren is None else figuurjaren.ouder(niveau, [ind.kolom for ind in cat])
        frame["drukpunt_redenen"] = redenen(frame.loc[flagged], z.loc[flagged], p.gewichten, referentie, cat,
                                            gemeenten=gemeenten, nederland=nederland, jaren=jaren).reindex(frame.index)
        frame = frame.join(rangstabiliteit(z, p.gewichten))
        if clusters:
            frame = frame.join(hotspots(frame))
            gebieden_laag = frame
        verrijkt[niveau] = frame
    gebieden_kaart = drukpuntgebieden(gebieden_laag) if gebieden_laag is not None else None
    return Analyse(gebieden=verrijkt, regio=regio_rij, drukpuntgebieden=gebieden_kaart,
                   beschikbaarheid=beschikbaarheid(verrijkt, cat), profiel=p, ontbrekend=missing)


def verrijk(kaart: Kaart, profielnaam: str | None = None) -> None:
    """Add the drukpunt analysis to a kaart in place (levels, regio, drukpuntgebieden, indicator table).

    Run at build time, so the web app only reads.
    """
    cat = catalogus()
    nederland = kaart.tabellen.get("nederland")
    if nederland is not None:
        kaart.tabellen["nederland"] = nederland = nederland.drop(
            columns=[c for c in nederland if c.startswith(PREFIX)]).join(waarden(nederland, cat))
    analyse = analyseer(kaart.gebieden, kaart.metadata.get("regio") or kaart.metadata.get("titel", "Regio"),
                        profielnaam, nederland=None if nederland is None else nederland.iloc[0],
                        figuurjaren=Figuurjaren(kaart, cat))
    kaart.gebieden = analyse.gebieden
    kaart.extra["regio"] = analyse.regio
    if analyse.drukpuntgebieden is not None:
        kaart.extra["drukpuntgebieden"] = analyse.drukpuntgebieden
    kaart.tabellen["indicatoren"] = analyse.beschikbaarheid.merge(
        definitietabel(cat).drop(columns=["label", "thema"]), on="indicator")
    kaart.metadata["themas"] = cat.themas
    kaart.metadata["profiel"] = analyse.profiel.naam
    kaart.metadata["ontbrekend"] = analyse.ontbrekend
    kaart.metadata["drempel"] = DREMPEL
    kaart.metadata["min_inwoners"] = MIN_INWONERS


def scores(kaart: Kaart, niveau: str, profielnaam: str | None = None,
           gewichten: dict[str, float] | None = None) -> tuple[pd.DataFrame, pd.DataFrame, Profiel]:
    """Per area of a level its drukpunt score and flag under a profile (with ``naam``, ``gemeentenaam`` and
    ``inwoners``), the z-scores they come from and the profile: the part of :func:`ranglijst` that comparing
    years needs (``kaart.drukpuntverloop``), without the reasons and the rank stability."""
    frame = kaart.niveau(niveau)
    p = profiel(profielnaam, gewichten)
    cat = catalogus()
    z = z_scores(frame, cat)
    lijst = pd.DataFrame({
        "naam": frame["naam"], "gemeentenaam": frame["gemeentenaam"], "inwoners": frame.get("inwoners"),
        "drukpuntscore": samengesteld(z, p.gewichten, cat)["drukpuntscore"],
    }, index=frame.index)
    lijst["drukpunt"] = markeer(lijst["drukpuntscore"], lijst["inwoners"])
    return lijst, z, p


def ranglijst(kaart: Kaart, niveau: str, profielnaam: str | None = None, gewichten: dict[str, float] | None = None,
              figuurjaren: Figuurjaren | None = None) -> tuple[pd.DataFrame, Profiel, list[str]]:
    """The areas of a level ranked by drukpunt score under a profile, each with its driving indicators.

    Recomputes the scores from the stored figures, so any profile and any
    user-set ``gewichten`` work on a built kaart (cheap: no clusters). Where a figure is from an older
    year than the kaart's (``figuurjaren``, made from the kaart when not given), its reason says so and the
    score's year is in ``drukpuntscore_jaar`` (the oldest figure it weighs; only when some score is older).

    Returns
    -------
    (lijst, profiel, ontbrekend)
        The ranking, the profile used, and the profile's indicators the kaart lacks at this level.
    """
    lijst, z, p = scores(kaart, niveau, profielnaam, gewichten)
    frame, cat = kaart.niveau(niveau), catalogus()
    referentie = (kaart.regio if kaart.regio is not None else regio(kaart.gebieden, "regio")).iloc[0]
    lijst = lijst.join(rangstabiliteit(z, p.gewichten)[["rang", "rang_min", "rang_max", "kans_drukpunt"]])
    gemeenten = waarden(kaart.gebieden["gemeente"], cat) if "gemeente" in kaart.gebieden else None
    nederland = kaart.tabellen["nederland"].iloc[0] if "nederland" in kaart.tabellen else None
    scored = lijst.index[lijst["drukpuntscore"].notna()]
    figuurjaren = figuurjaren or Figuurjaren(kaart)
    lijst["redenen"] = redenen(frame.loc[scored], z.loc[scored], p.gewichten, referentie, cat, gemeenten=gemeenten,
                               nederland=nederland, jaren=figuurjaren.ouder(niveau, [i.kolom for i in cat])
                               ).reindex(lijst.index)
    lijst = met_jaren(lijst, {"drukpuntscore": figuurjaren.score(niveau, p.gewichten)})
    lijst = lijst.sort_values(["drukpuntscore", "inwoners"], ascending=False, na_position="last")
    return lijst, p, ontbrekend(z, p.gewichten)
