"""The region's and the Netherlands' figures per year: what an area's course over the years is read against.

An area's series alone says little: is 18% ouderen a rise of the area, or of every area? The gebiedsprofiel
draws each indicator's series for the area beside its gemeente, the region and the Netherlands, the same
years for all (issue 17). The region of a year is computed as the region of the kaart's own year is
(``kaart.drukpunten.regiocijfers``: its gemeenten's counts summed, ratios recomputed) on that year's figures
(``reeksen.in_jaar``); the Netherlands of a year is the national row kept with it (``jaargangen.NEDERLAND``),
the kaart's own year that of the table ``nederland``, both as the profile shows them for today.

Each value carries a status as an area's does: the region's is the weakest of its gemeenten's figures (a
region summed over an estimated gemeente is an estimate). A figure the kaart's own table lacks for some
gemeente was filled from an older year (``jaargangen.vul_aan``); the region has no value of the kaart's year
for it then, as an area has none (``reeksen.van_gebied``): the older year is in the series already.

Summing every gemeente for every year takes a moment, so the web app does it once (``Staat.referentiereeksen``).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from kaart import reeksen
from kaart.drukpunten import regiocijfers
from kaart.indicatoren import PREFIX
from kaart.jaargangen import NEDERLAND, OPGETELD_LAND, rang
from kaart.kaartbestand import Kaart
from kaart.kolommen import statistic_columns

REGIO = "regio"
LAND = "nederland"
_LANG = ["jaar", "kolom", "waarde", "status"]

Reeksen = dict[str, pd.DataFrame]
"""Per kolom a series as ``reeksen.van_gebied`` gives an area's: index ``jaar``, columns ``waarde`` and ``status``."""


def referentiereeksen(kaart: Kaart) -> dict[str, Reeksen]:
    """The series of the region (``"regio"``) and of the Netherlands (``"nederland"``), per kolom; a reference
    without any figure has no kolommen."""
    return {REGIO: per_kolom(regio(kaart)), LAND: per_kolom(nederland(kaart))}


def per_kolom(lang: pd.DataFrame) -> Reeksen:
    """A long table (jaar, kolom, waarde, status) as a series per kolom, oldest year first."""
    lang = lang.sort_values(["kolom", "jaar"], kind="stable")
    kolommen, jaren = lang["kolom"].to_numpy(), lang["jaar"].to_numpy(dtype="int64")
    waarden, statussen = lang["waarde"].to_numpy(dtype=float), lang["status"].to_numpy(dtype=object)
    begin = np.flatnonzero(np.r_[True, kolommen[1:] != kolommen[:-1]]) if len(lang) else np.array([], int)
    einde = np.r_[begin[1:], len(lang)]
    # sliced by position, not grouped: a frame per kolom for ~150 kolommen, made at the first profile
    return {kolommen[b]: pd.DataFrame({"waarde": waarden[b:e], "status": statussen[b:e]},
                                      index=pd.Index(jaren[b:e], name="jaar")) for b, e in zip(begin, einde)}


def regio(kaart: Kaart) -> pd.DataFrame:
    """The region's value of every figure in every year that has gemeente figures: a row per (jaar, kolom)."""
    if "gemeente" not in kaart.gebieden:
        return pd.DataFrame(columns=_LANG)
    tabel = reeksen.reeksen(kaart)
    tabel = tabel[tabel["niveau"] == "gemeente"]
    gemeenten = replace(kaart, gebieden={"gemeente": kaart.gebieden["gemeente"]})  # the region is its gemeenten
    eerder = sorted(set(tabel["jaar"]) - {kaart.jaar})
    delen = [_eigen_jaar(kaart, tabel[tabel["jaar"] == kaart.jaar])]
    if eerder:
        gestapeld = pd.concat([reeksen.in_jaar(gemeenten, int(j)).gebieden["gemeente"].assign(_jaar=int(j))
                               for j in eerder])
        rijen = regiocijfers(gestapeld, kaart.catalogus, per="_jaar")
        for j in eerder:
            lang, statussen = _als_lang(rijen.loc[j], j), tabel[tabel["jaar"] == j]
            # none of its gemeenten has it that year (today's facilities, which have no past): nor has the region
            delen.append(_met_status(lang[lang["kolom"].isin(statussen["kolom"])], statussen))
    return pd.concat([d for d in delen if len(d)] or [pd.DataFrame(columns=_LANG)], ignore_index=True)


def _met_status(lang: pd.DataFrame, statussen: pd.DataFrame) -> pd.DataFrame:
    """The region's values of one year, each with the weakest status of its gemeenten's figures (``statussen``:
    that year's gemeente rows of the series)."""
    zwakste = (statussen.assign(rang=statussen["status"].map(rang)).sort_values("rang")
               .drop_duplicates("kolom", keep="last").set_index("kolom")["status"])
    return lang.assign(status=[zwakste.get(k, reeksen.OFFICIEEL) for k in lang["kolom"]])


def _eigen_jaar(kaart: Kaart, statussen: pd.DataFrame) -> pd.DataFrame:
    """The region of the kaart's own year as the profile shows it (the kaart's region layer), without the
    figures some gemeente has from an older year only."""
    rij = regiocijfers(kaart.gebieden["gemeente"], kaart.catalogus).iloc[0] if kaart.regio is None \
        else kaart.regio.iloc[0]
    eigen = _met_status(_als_lang(rij, kaart.jaar), statussen)
    volledig = [k for k in eigen["kolom"] if (reeksen.jaar_van(kaart, "gemeente", k) == kaart.jaar).all()]
    return eigen[eigen["kolom"].isin(volledig)]


def nederland(kaart: Kaart) -> pd.DataFrame:
    """The Netherlands' value of every figure per year: the national rows of older years, and the kaart's
    own year from its table ``nederland`` (CBS's national row, or one summed from every gemeente)."""
    tabel = reeksen.reeksen(kaart)
    rijen = tabel[(tabel["niveau"] == NEDERLAND[0]) & (tabel["code"] == NEDERLAND[1])][_LANG]
    eigen = kaart.tabellen.get("nederland")
    if eigen is None or not len(eigen) or kaart.jaar in set(rijen["jaar"]):
        return rijen.reset_index(drop=True)
    rij = eigen.iloc[0]
    jaar = _als_lang(rij, kaart.jaar).assign(
        status=OPGETELD_LAND if rij.get("cijfers") == "opgeteld" else reeksen.OFFICIEEL)
    return pd.concat([d for d in (rijen, jaar) if len(d)], ignore_index=True)


def _als_lang(rij: pd.Series, jaar: int) -> pd.DataFrame:
    """One row's statistics and indicators that have a value, as (jaar, kolom, waarde) rows."""
    kolommen = [*statistic_columns(rij.to_frame().T), *(k for k in rij.index if str(k).startswith(PREFIX))]
    waarden = pd.to_numeric(rij[kolommen], errors="coerce").dropna()
    return pd.DataFrame({"jaar": int(jaar), "kolom": waarden.index, "waarde": waarden.to_numpy(dtype=float)})
