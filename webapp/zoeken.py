"""Finding an area by name or CBS code: ``GET /zoek?q=...``.

A wijkteam member knows their buurt by name ("Crabbehof") or code
("BU05050101"). One match opens its gebiedsprofiel; several are listed (with
their level and gemeente, since buurt names repeat across gemeenten); none
says so and offers the map.
"""

from __future__ import annotations

import pandas as pd
from flask import Blueprint, redirect, render_template, request, url_for

from kaart.kaartbestand import Kaart
from webapp.choropleth import NIVEAU_LABELS
from webapp.staat import staat

bp = Blueprint("zoeken", __name__)

MAX_TREFFERS = 50


def zoek(kaart: Kaart, tekst: str) -> pd.DataFrame:
    """Areas whose code or name matches ``tekst`` (case-insensitive), best first.

    An exact code or name ranks above a name that starts with the text, which
    ranks above one that only contains it; within a rank, coarser levels first.
    """
    tekst = tekst.strip().lower()
    columns = ["code", "naam", "niveau", "gemeentenaam", "rang"]
    if not tekst:
        return pd.DataFrame(columns=columns)
    delen = []
    for volgorde, niveau in enumerate(kaart.niveaus):
        frame = kaart.gebieden[niveau]
        naam = frame["naam"].fillna("").astype(str).str.lower()
        code = frame.index.str.lower()
        rang = pd.Series(pd.NA, index=frame.index, dtype="Int64")
        rang[naam.str.contains(tekst, regex=False)] = 3
        rang[naam.str.startswith(tekst)] = 2
        rang[(naam == tekst) | (code == tekst)] = 1
        hits = frame.loc[rang.notna()]
        delen.append(pd.DataFrame({"code": hits.index, "naam": hits["naam"], "niveau": niveau,
                                   "gemeentenaam": hits.get("gemeentenaam", pd.Series("", index=hits.index)),
                                   "rang": rang[rang.notna()].astype(int) * 10 + volgorde}))
    result = pd.concat(delen, ignore_index=True) if delen else pd.DataFrame(columns=columns)
    return result.sort_values(["rang", "naam"]).reset_index(drop=True)


@bp.get("/zoek")
def zoeken():
    """One match: its profile; several: a list; none: a message (HTTP 404)."""
    kaart = staat().kaart
    tekst = request.args.get("q", "")
    treffers = zoek(kaart, tekst)
    beste = treffers[treffers["rang"] // 10 == 1] if len(treffers) else treffers
    if len(treffers) == 1 or len(beste) == 1:
        return redirect(url_for("gebiedsprofiel.gebied", code=(beste if len(beste) == 1 else treffers)["code"].iloc[0]))
    status = 200 if len(treffers) or not tekst.strip() else 404
    rijen = [(r.code, r.naam, NIVEAU_LABELS[r.niveau], r.gemeentenaam if r.niveau != "gemeente" else "")
             for r in treffers.head(MAX_TREFFERS).itertuples()]
    return render_template("zoek.html", kaart=kaart, tekst=tekst, rijen=rijen, totaal=len(treffers)), status
