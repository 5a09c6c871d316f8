"""Drukpunten over the years: whether an area was a drukpunt in each year the kaart holds, under one profile.

A drukpunt that has been one for years asks for another answer than one that
appeared this year. Each year is scored as the kaart scores today (same
profile, same threshold, same minimum population; z-scores within the region
of that year's figures), on that year's figures alone (``kaart.reeksen.in_jaar``):
a year without enough figures for a score is "no score", never a guess.
"""

from __future__ import annotations

import pandas as pd

from kaart import drukpunten as dp
from kaart import reeksen
from kaart.kaartbestand import Kaart

STRUCTUREEL = "structureel drukpunt"
"""A drukpunt in every year with a score, at least two of them."""
NIEUW = "nieuw drukpunt"
"""A drukpunt in the newest year with a score, not in the year with a score before it."""
NIET_MEER = "geen drukpunt meer"
"""A drukpunt in the year with a score before the newest one, not in the newest."""


def door_de_jaren(kaart: Kaart, niveau: str, profielnaam: str | None = None,
                  gewichten: dict[str, float] | None = None) -> pd.DataFrame:
    """Per area of ``niveau`` (index: code) a column per year: True (drukpunt), False, or missing (no score that
    year); ``verloop`` says structureel, nieuw or geen drukpunt meer where it is one of those, else empty.
    ``gewichten`` as for ``kaart.drukpunten.ranglijst``: the same weighting in every year."""
    kolommen = {}
    for jaar in reeksen.jaren(kaart):
        lijst, _, _ = dp.scores(reeksen.in_jaar(kaart, jaar), niveau, profielnaam, gewichten)
        kolommen[jaar] = lijst["drukpunt"].astype("boolean").mask(lijst["drukpuntscore"].isna())
    tabel = pd.DataFrame(kolommen).reindex(kaart.gebieden[niveau].index)
    tabel["verloop"] = [_verloop(rij.dropna().astype(bool).tolist()) for _, rij in tabel.iterrows()]
    return tabel


def _verloop(jaren: list[bool]) -> str:
    """The course of one area from its flags in the years with a score, oldest first."""
    if len(jaren) < 2:
        return ""
    if all(jaren):
        return STRUCTUREEL
    if jaren[-1] and not jaren[-2]:
        return NIEUW
    if jaren[-2] and not jaren[-1]:
        return NIET_MEER
    return ""
