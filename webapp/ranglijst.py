"""The drukpunten ranking: which areas stand out under a profile, with weights the room sets itself.

``GET /drukpunten?niveau=buurt&profiel=gezinnen&gewicht_jeugdzorg_per_1000=3``
ranks the areas of a level by drukpunt score, each with its rank range under
other weightings and the indicators that drive it. Every scoring indicator has
a weight field, filled with the profile's weight; a changed field is a
user-set weight (0 drops the indicator); the hidden ``basis`` field says
which profile filled the fields, so switching profile starts from its weights. ``/drukpunten.csv`` downloads the
same ranking. Rankings are cached per parameter set, so a room clicking back
and forth does not recompute them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from flask import Blueprint, render_template, request

from kaart import drukpunten as dp
from kaart.codes import NIVEAUS
from kaart.export import csv_bytes
from kaart.indicatoren import catalogus
from kaart.kaartbestand import Kaart
from webapp.choropleth import NIVEAU_LABELS
from webapp.download import download
from webapp.errors import InvalidChoice
from webapp.staat import staat

bp = Blueprint("ranglijst", __name__)

PREFIX = "gewicht_"
TOP = 25


@dataclass(frozen=True)
class Keuze:
    niveau: str
    profiel: str
    gewichten: tuple[tuple[str, float], ...]
    """The user-set weights, only those that differ from the profile's."""


def keuze(kaart: Kaart, args) -> Keuze:
    """The level, profile and user-set weights of the query, checked; Dutch 400s for anything wrong."""
    niveaus = [n for n in NIVEAUS if n in kaart.gebieden]
    niveau = args.get("niveau") or niveaus[-1]
    if niveau not in niveaus:
        raise InvalidChoice(f"Het niveau ‘{niveau}’ bestaat niet in deze kaart. Kies uit: {', '.join(niveaus)}.")
    naam = args.get("profiel") or kaart.metadata.get("profiel") or dp.STANDAARDPROFIEL
    if naam not in dp.profielen():
        raise InvalidChoice(f"Het profiel ‘{naam}’ bestaat niet. Kies uit: {', '.join(dp.profielen())}.")
    basis = dp.profielen()[naam].gewichten
    scoring = {i.id for i in catalogus() if i.telt_mee}
    gewichten = {}
    # The weight fields were filled from the profile named in ``basis``: after choosing another profile
    # they belong to the old one and are ignored, so the new profile shows with its own weights.
    for key, value in args.items() if args.get("basis", naam) == naam else ():
        if not key.startswith(PREFIX):
            continue
        ind_id = key[len(PREFIX):]
        if ind_id not in scoring:
            raise InvalidChoice(f"‘{ind_id}’ is geen indicator die in een drukpuntscore kan meewegen.")
        try:
            gewicht = float(value.replace(",", ".")) if value.strip() else 0.0
        except ValueError:
            raise InvalidChoice(f"Het gewicht van ‘{ind_id}’ is ‘{value}’; geef een getal van 0 of meer.") from None
        if not 0 <= gewicht <= 100:
            raise InvalidChoice(f"Het gewicht van ‘{ind_id}’ is {value}; geef een getal van 0 tot en met 100.")
        if gewicht != basis.get(ind_id, 0.0):
            gewichten[ind_id] = gewicht
    if gewichten and not any(v > 0 for v in {**basis, **gewichten}.values()):
        raise InvalidChoice("Alle gewichten zijn 0; geef minstens één indicator een gewicht.")
    return Keuze(niveau, naam, tuple(sorted(gewichten.items())))


def rangschikking(kaart: Kaart, k: Keuze) -> tuple[pd.DataFrame, dp.Profiel, list[str]]:
    """The ranking for a choice, from the app's cache or computed (and cached)."""
    return staat().ranglijsten(k, lambda: dp.ranglijst(kaart, k.niveau, k.profiel, dict(k.gewichten) or None))


def _rang(row) -> str:
    if pd.isna(row.rang):
        return ""
    if pd.isna(row.rang_min) or row.rang_min == row.rang_max:
        return f"{row.rang:.0f}"
    return f"{row.rang:.0f} ({row.rang_min:.0f}–{row.rang_max:.0f})"


@bp.get("/drukpunten")
def drukpunten():
    """The ranking page with its form."""
    kaart = staat().kaart
    k = keuze(kaart, request.args)
    lijst, profiel, ontbrekend = rangschikking(kaart, k)
    cat = catalogus()
    velden = {}
    for ind in cat:
        if ind.telt_mee:
            velden.setdefault(cat.themas[ind.thema], []).append(
                (ind.id, ind.label, f"{profiel.gewichten.get(ind.id, 0.0):g}", ind.id in ontbrekend))
    rijen = [(r.Index, r.naam, r.gemeentenaam,
              None if pd.isna(r.drukpuntscore) else f"{r.drukpuntscore:+.2f}".replace(".", ","), bool(r.drukpunt),
              _rang(r), None if pd.isna(r.kans_drukpunt) else f"{r.kans_drukpunt:.0%}",
              r.redenen if isinstance(r.redenen, str) else "") for r in lijst.head(TOP).itertuples()]
    return render_template(
        "ranglijst.html", kaart=kaart, keuze=k, profiel=profiel, profielen=dp.profielen().values(),
        niveaus=[(n, NIVEAU_LABELS[n]) for n in NIVEAUS if n in kaart.gebieden], velden=velden,
        ontbrekend=[cat[i].label for i in ontbrekend], rijen=rijen, totaal=len(lijst),
        drukpunten=int(lijst["drukpunt"].sum()), drempel=dp.DREMPEL, min_inwoners=dp.MIN_INWONERS,
        prefix=PREFIX, csv_query=request.query_string.decode())


@bp.get("/drukpunten.csv")
def drukpunten_csv():
    """The whole ranking as an Excel-friendly CSV."""
    kaart = staat().kaart
    k = keuze(kaart, request.args)
    lijst, _, _ = rangschikking(kaart, k)
    return download(csv_bytes(lijst.rename_axis("code")), "text/csv", f"drukpunten-{k.niveau}-{k.profiel}.csv")
