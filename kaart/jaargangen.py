"""Older KWB years of a kaart: each year's assembled levels brought onto today's areas and kept as series.

Why: a kaart built over a range of years (``kaart build --jaar 2017-2022``) shows every year on the newest
year's areas, and CBS fills a table over three years, so the newest table lacks figures (income, energy at
buurt level) that last year's has. :func:`voeg_jaar_toe` harmonises one older year level by level
(``kaart.harmonisatie``: code changes, merged gemeenten summed, changed boundaries redistributed, the
rest listed with its reason) and keeps the figures, their drukpunt indicators and the national row in
``kaart.reeksen``; :func:`vul_aan` then fills a figure the newest table lacks from the newest year that has
it, and records that year, so every page can say which year a figure is from (``reeksen.jaar_van``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from kaart import reeksen
from kaart.codes import NIVEAUS
from kaart.harmonisatie import HERCODEERD, OFFICIEEL, Verhouding, harmoniseer
from kaart.indicatoren import catalogus, waarden
from kaart.kaartbestand import Kaart
from kaart.kolommen import schema, statistic_columns

HARMONISATIE = "harmonisatie"
"""The kaart table listing, per older year, every area that could not be brought onto today's areas."""
NEDERLAND = ("nederland", "NL00")
"""Niveau and code under which an older year's national figures are kept in the series."""
OPGETELD_LAND = "opgeteld (uit gemeenten)"
"""The status of a national row summed from every gemeente (``kaart.bouwen``), not CBS's own: no merger in it."""
_SOORT = {"percentage": "aandeel", "gemiddelde": "gemiddelde", "dichtheid": "dichtheid"}
_FIJNER = {"gemeente": "wijk", "wijk": "buurt"}


def _regels(kolommen: list[str]) -> tuple[list[str], dict[str, Verhouding]]:
    """Which statistics are counts (summed, redistributed) and which ratios (recomputed from their basis)."""
    tellingen, verhoudingen = [], {}
    alle = schema().kolommen
    for naam in kolommen:
        k = alle[naam]
        if k.soort in ("aantal", "oppervlakte"):
            tellingen.append(naam)
        elif k.soort == "dichtheid" and k.teller:
            verhoudingen[naam] = Verhouding("oppervlakte_land_ha", "dichtheid")
        elif k.soort in _SOORT and k.noemer:
            verhoudingen[naam] = Verhouding(k.noemer, _SOORT[k.soort])
    return tellingen, verhoudingen


def _met_indicatoren(cijfers: pd.DataFrame, status: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The year's drukpunt indicators computed from its harmonised figures, as today's layers compute them;
    an indicator's status is the weakest of its areas' figures (an estimate stays an estimate)."""
    frame = cijfers.assign(cijfers=np.where(status.isin([OFFICIEEL, HERCODEERD]).all(axis=1), OFFICIEEL, "opgeteld"))
    ind = waarden(frame, catalogus()).dropna(axis=1, how="all")
    zwakste = status.where(cijfers.notna()).apply(lambda rij: max(rij.dropna(), key=rang, default=OFFICIEEL), axis=1)
    ind_status = pd.DataFrame({k: zwakste for k in ind.columns}, index=ind.index)
    return cijfers.join(ind), status.join(ind_status)


def rang(status: str) -> int:
    """How far a status is from CBS's own figure (0): a figure made of others is as weak as its weakest."""
    return {OFFICIEEL: 0, HERCODEERD: 1}.get(status, 2 if status.startswith("opgeteld") else 3)


def voeg_jaar_toe(kaart: Kaart, jaar: int, gebieden: Mapping[str, pd.DataFrame], nederland: pd.Series | None, *,
                  fusies: Mapping[str, str] = {}, splitsingen: Mapping[str, Sequence[str]] = {},
                  koppeltabel: Mapping[str, str] = {}) -> pd.DataFrame:
    """Keep the levels ``gebieden`` of ``jaar`` (assembled as the kaart's own year is) on the kaart's areas.

    Every level the kaart has is harmonised onto the kaart's level; gemeenten merge by ``fusies`` (at the
    gemeente level only: a wijk of a merged gemeente has a new code and needs the ``koppeltabel`` or
    geometry). Returns the areas that could not be harmonised (also kept in the table ``harmonisatie``).
    """
    meldingen, toelichting = [], {}
    for niveau in [n for n in NIVEAUS if n in kaart.gebieden and n in gebieden]:
        oud = gebieden[niveau]
        oud = oud[~oud["water"].fillna(False).astype(bool)] if "water" in oud else oud
        tellingen, verhoudingen = _regels(statistic_columns(oud))
        fijner = gebieden.get(_FIJNER.get(niveau, ""))
        uitkomst = harmoniseer(oud, kaart.gebieden[niveau], niveau=niveau, jaar_oud=jaar, jaar_nieuw=kaart.jaar,
                               tellingen=tellingen, verhoudingen=verhoudingen,
                               fusies=fusies if niveau == "gemeente" else {},
                               splitsingen=splitsingen if niveau == "gemeente" else {},
                               koppeltabel=koppeltabel,
                               fijner=fijner if fijner is not None and fijner.geometry.notna().any() else None)
        cijfers, status = _met_indicatoren(uitkomst.waarden, uitkomst.status)
        reeksen.voeg_toe(kaart, niveau, jaar, cijfers, status.where(cijfers.notna(), OFFICIEEL))
        meldingen.append(uitkomst.niet_harmoniseerbaar.assign(jaar=jaar, niveau=niveau))
        toelichting[niveau] = uitkomst.toelichting
    if nederland is not None:
        rij = pd.DataFrame([nederland[[k for k in statistic_columns(nederland.to_frame().T)]]],
                           index=[NEDERLAND[1]]).apply(pd.to_numeric, errors="coerce")
        rij = rij.join(waarden(rij, catalogus()))
        # CBS's own national row, or one summed from every gemeente (``kaart.bouwen``): said as such
        soort = OPGETELD_LAND if nederland.get("cijfers") == "opgeteld" else OFFICIEEL
        reeksen.voeg_toe(kaart, NEDERLAND[0], jaar, rij, pd.DataFrame(soort, index=rij.index, columns=rij.columns))
    lijst = pd.concat(meldingen, ignore_index=True) if meldingen else pd.DataFrame(
        columns=["code", "kant", "kolom", "reden", "jaar", "niveau"])
    eerder = kaart.tabellen.get(HARMONISATIE)
    kaart.tabellen[HARMONISATIE] = pd.concat([d for d in (eerder, lijst) if d is not None and len(d)]
                                            or [lijst], ignore_index=True)
    kaart.metadata.setdefault("harmonisatie", {})[str(jaar)] = toelichting
    return lijst


def vul_aan(kaart: Kaart) -> int:
    """Fill every statistic the kaart's own table lacks for an area from the newest older year that has it,
    and record that year (``reeksen.AANGEVULD``). Run before the drukpunt analysis, so scores use the newest
    figure of each indicator. Returns the number of cells filled."""
    tabel = reeksen.reeksen(kaart)
    stats = set(schema().kolommen)
    tabel = tabel[tabel["kolom"].isin(stats) & (tabel["jaar"] < kaart.jaar)]
    nieuwste = tabel.sort_values("jaar").drop_duplicates(["niveau", "code", "kolom"], keep="last")
    gevuld = []
    for niveau, frame in kaart.gebieden.items():
        deel = nieuwste[nieuwste["niveau"] == niveau]
        deel = deel[deel["code"].isin(frame.index)]
        land = ~frame["water"].fillna(False).astype(bool) if "water" in frame else pd.Series(True, index=frame.index)
        for kolom, groep in deel.groupby("kolom"):
            huidig = frame[kolom] if kolom in frame else pd.Series(np.nan, index=frame.index)
            leeg = groep[groep["code"].map(huidig.isna() & land).fillna(False).astype(bool)]
            if leeg.empty:
                continue
            frame[kolom] = pd.to_numeric(huidig, errors="coerce").astype(float)
            frame.loc[leeg["code"], kolom] = leeg["waarde"].to_numpy()
            gevuld.append(leeg[["niveau", "code", "kolom", "jaar"]])
    kaart.tabellen[reeksen.AANGEVULD] = (pd.concat(gevuld, ignore_index=True) if gevuld
                                         else pd.DataFrame(columns=["niveau", "code", "kolom", "jaar"]))
    return sum(len(g) for g in gevuld)
