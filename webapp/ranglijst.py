"""The drukpunten ranking: which areas stand out under a profile, with weights the room sets itself.

``GET /drukpunten?niveau=buurt&profiel=gezinnen&gewicht_jeugdzorg_per_1000=3``
ranks the areas of a level by drukpunt score, each with its rank range under
other weightings and the indicators that drive it. Every scoring indicator has
a weight field, filled with the profile's weight; a changed field is a
user-set weight (0 drops the indicator); the hidden ``basis`` field says
which profile filled the fields, so switching profile starts from its weights. ``/drukpunten.csv``, ``.geojson`` and
``.gpkg`` download the same ranking, with the settings that made it. Rankings are cached per parameter set, so a room clicking back
and forth does not recompute them.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
from flask import Blueprint, render_template, request

from kaart import drukpunten as dp
from kaart import drukpuntverloop, reeksen
from kaart.errors import InputError
from kaart.export import csv_bytes, jaarkolom, met_herkomst, met_jaren
from kaart.getallen import met_teken
from kaart.indicatoren import PREFIX as PREFIX_IND
from kaart.indicatoren import catalogus
from kaart.kaartbestand import Kaart
from kaart.profielen import STANDAARDPROFIEL, Profiel, lees_gewicht, profiel, profielen
from webapp.choropleth import NIVEAU_LABELS
from webapp.download import GEOFORMATEN, download, geo_download, kenmerken
from webapp.errors import InvalidChoice
from webapp.gebiedskaart import drukpuntenkaart
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
    """The level, profile and user-set weights of the query, checked by the engine; its Dutch message as a 400."""
    niveau = args.get("niveau") or kaart.niveaus[-1]
    naam = args.get("profiel") or kaart.metadata.get("profiel") or STANDAARDPROFIEL
    # The weight fields were filled from the profile named in ``basis``: after choosing another profile
    # they belong to the old one and are ignored, so the new profile shows with its own weights.
    velden = [(key[len(PREFIX):], value) for key, value in (args.items() if args.get("basis", naam) == naam else ())
              if key.startswith(PREFIX)]
    try:
        kaart.niveau(niveau)
        profiel(naam)
        getypt = {ind_id: lees_gewicht(ind_id, value) for ind_id, value in velden}
        profiel(naam, getypt)
    except InputError as err:
        raise InvalidChoice(str(err)) from None
    basis = profielen()[naam].gewichten
    gewichten = {ind_id: g for ind_id, g in getypt.items() if g != basis.get(ind_id, 0.0)}
    return Keuze(niveau, naam, tuple(sorted(gewichten.items())))


def rangschikking(kaart: Kaart, k: Keuze) -> tuple[pd.DataFrame, Profiel, list[str]]:
    """The ranking for a choice, from the app's cache or computed (and cached)."""
    return staat().ranglijsten(k, lambda: dp.ranglijst(kaart, k.niveau, k.profiel, dict(k.gewichten) or None,
                                                       staat().figuurjaren))


def drukpuntjaren(kaart: Kaart, k: Keuze) -> pd.DataFrame | None:
    """Per area its drukpunt flag in each year and whether it is a structural, new or former drukpunt under
    the same choice (``kaart.drukpuntverloop``), when the kaart holds more than one year (None otherwise);
    cached with the rankings."""
    if len(reeksen.jaren(kaart)) < 2:
        return None
    return staat().ranglijsten(("verloop", k), lambda: drukpuntverloop.door_de_jaren(
        kaart, k.niveau, k.profiel, dict(k.gewichten) or None))


def _ouder(kaart: Kaart, row) -> int | None:
    """The year of the area's score when it weighs a figure older than the kaart's (else None)."""
    jaar = getattr(row, "drukpuntscore_jaar", None)
    return None if jaar is None or pd.isna(jaar) or jaar == kaart.jaar else int(jaar)


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
    door_de_jaren = drukpuntjaren(kaart, k)
    rijen = [(r.Index, r.naam, r.gemeentenaam,
              None if pd.isna(r.drukpuntscore) else met_teken(r.drukpuntscore), _ouder(kaart, r), bool(r.drukpunt),
              _rang(r), None if pd.isna(r.kans_drukpunt) else f"{r.kans_drukpunt:.0%}",
              r.redenen if isinstance(r.redenen, str) else "",
              "" if door_de_jaren is None else door_de_jaren["verloop"].get(r.Index, "")) for r in lijst.head(TOP).itertuples()]
    top = lijst.head(TOP)
    kaartbeeld = drukpuntenkaart(kaart, k.niveau, set(lijst.index[lijst["drukpunt"].astype(bool)]),
                                 {code: int(r) for code, r in top["rang"].dropna().items()})
    return render_template(
        "ranglijst.html", kaartbeeld=kaartbeeld, jaren=reeksen.jaren(kaart), kaart=kaart, keuze=k, profiel=profiel, profielen=profielen().values(),
        niveaus=[(n, NIVEAU_LABELS[n]) for n in kaart.niveaus], velden=velden,
        ontbrekend=[cat[i].label for i in ontbrekend], rijen=rijen, totaal=len(lijst),
        jaarregel=staat().figuurjaren.bronregel([k.niveau], [PREFIX_IND + i for i, g in profiel.gewichten.items() if g]),
        drukpunten=int(lijst["drukpunt"].sum()), drempel=dp.DREMPEL, min_inwoners=dp.MIN_INWONERS,
        prefix=PREFIX, query=request.query_string.decode())


def _download_lijst() -> tuple[Kaart, Keuze, pd.DataFrame, Profiel]:
    """The ranking of the query as downloads carry it: with the year of its inhabitants where not all the kaart's."""
    kaart = staat().kaart
    k = keuze(kaart, request.args)
    lijst, p, _ = rangschikking(kaart, k)
    lijst = met_jaren(lijst, {"inwoners": staat().figuurjaren.jaren(k.niveau, "inwoners")})
    return kaart, k, lijst.rename_axis("code"), p


def _met_jaren(lijst: pd.DataFrame) -> bool:
    """Whether a ranking carries year columns (a figure from an older year than the kaart's)."""
    return any(k in lijst for k in (jaarkolom("drukpuntscore"), jaarkolom("inwoners")))


@bp.get("/drukpunten.csv")
def drukpunten_csv():
    """The whole ranking as an Excel-friendly CSV."""
    kaart, k, lijst, p = _download_lijst()
    lijst = met_herkomst(lijst, kaart.bronvermelding, kaart.jaar, bool(kaart.metadata.get("fictief")),
                         _met_jaren(lijst), niveau=k.niveau, profiel=p.label, weging=p.uitleg)
    return download(csv_bytes(lijst), "text/csv", f"drukpunten-{k.niveau}-{k.profiel}.csv")


@bp.get(f"/drukpunten.<any({GEOFORMATEN}):formaat>")
def drukpunten_geo(formaat: str):
    """The whole ranking with each area's boundary, as GeoJSON or a GeoPackage, for a map of one's own."""
    kaart, k, lijst, p = _download_lijst()
    gebieden = kaart.gebieden[k.niveau]
    frame = gpd.GeoDataFrame(lijst, geometry=gebieden.geometry.reindex(lijst.index), crs=gebieden.crs)
    return geo_download(frame, formaat, f"drukpunten-{k.niveau}-{k.profiel}",
                        **kenmerken(kaart, _met_jaren(lijst), niveau=k.niveau, profiel=p.label, weging=p.uitleg))
