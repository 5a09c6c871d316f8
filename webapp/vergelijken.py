"""Vergelijken: two to four areas side by side, every indicator in one table.

``GET /vergelijk?code=BU05050101&code=BU05050102`` (or ``codes=`` separated by
commas). Areas of different levels may be compared (a buurt with its gemeente),
and the region stands beside them as the reference. Per indicator the bars are
scaled to the largest value in the row, so the eye compares across areas; the
numbers are written out for screen readers and print. With one area or none
the page shows the form to choose more (``erbij=`` a name or code); more
than four is a 400, an unknown code a 404. ``/vergelijk.csv`` downloads the table (a row per
indicator); ``/vergelijk.geojson`` and ``.gpkg`` the same figures as a row per area with its boundary.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
from flask import Blueprint, redirect, render_template, request, url_for

from kaart.export import csv_bytes, met_herkomst, met_jaren
from kaart.figuurjaren import Figuurjaren, jaarzin
from kaart.getallen import met_teken, weergave
from kaart.indicatoren import AFGELEID
from kaart.kaartbestand import Kaart
from kaart.variabelen import variabelen
from webapp.choropleth import NIVEAU_LABELS
from webapp.download import GEOFORMATEN, download, geo_download, kenmerken
from webapp.errors import InvalidChoice
from webapp.gebiedsprofiel import niveau_van
from webapp.staat import staat
from webapp.zoeken import zoek

bp = Blueprint("vergelijken", __name__)

MAXIMUM = 4


@dataclass(frozen=True)
class Gebied:
    code: str
    naam: str
    niveau: str
    gemeente: str
    score: str | None
    drukpunt: bool


@dataclass(frozen=True)
class Rij:
    """One indicator across the areas: per column its text, bar width and whether it came from a percentage."""

    label: str
    eenheid: str
    waarden: list[str | None]
    balken: list[float]
    afgeleid: list[bool]
    jaren: list[int | None]
    """Per column the year of its figure when older than the kaart's (the newest table lacked it)."""


def codes_uit(args) -> list[str]:
    """The requested codes in order, without repeats, from ``code=`` (repeatable) and ``codes=a,b``."""
    ruw = args.getlist("code") + [c for v in args.getlist("codes") for c in v.split(",")]
    return list(dict.fromkeys(c.strip().upper() for c in ruw if c.strip()))


def jaar_van(fj: Figuurjaren, rij: pd.Series, kolom: str) -> int | None:
    """The year of an area's (or the region's) figure when it is older than the kaart's."""
    return fj.regio(kolom) if rij.get("niveau") == "regio" else fj.ander_jaar(rij["niveau"], rij.name, kolom)


def rijen(kaart: Kaart, gebieden: list[pd.Series], regio: pd.Series | None, fj: Figuurjaren) -> dict[str, list[Rij]]:
    """Per theme label, the indicators any of the areas has, with the region as the last column."""
    cat = kaart.catalogus
    vars_ = variabelen(cat)
    kolommen = gebieden + ([regio] if regio is not None else [])
    result: dict[str, list[Rij]] = {}
    for ind in cat:
        getallen = [r.get(ind.kolom) for r in kolommen]
        getallen = [float(v) if v is not None and pd.notna(v) else None for v in getallen]
        if all(v is None for v in getallen[:len(gebieden)]):
            continue
        var = vars_[ind.kolom]
        # Bars of the values as shown: "0,0" gets no bar, however small its unrounded value is.
        getoond = [None if v is None else round(v, 3 if var.eenheid == "aandeel" else 1) for v in getallen]
        grootste = max((abs(v) for v in getoond if v is not None), default=0) or 1
        result.setdefault(cat.themas[ind.thema], []).append(Rij(
            label=ind.label, eenheid=ind.eenheid,
            waarden=[None if v is None else weergave(v, var.eenheid, ind.label) for v in getallen],
            balken=[0.0 if v is None else round(100 * abs(v) / grootste, 1) for v in getoond],
            afgeleid=[ind.id in str(r.get(AFGELEID) or "").split(", ") for r in kolommen],
            jaren=[None if v is None else jaar_van(fj, r, ind.kolom) for r, v in zip(kolommen, getallen)]))
    return result


def _gekozen(kaart: Kaart, codes: list[str]) -> list[tuple[str, str, pd.Series]]:
    """(code, niveau, row) per requested code: more than MAXIMUM is a 400, an unknown code a Dutch 404."""
    if len(codes) > MAXIMUM:
        raise InvalidChoice(f"Vergelijk twee tot vier gebieden; u koos er {len(codes)}. Laat er een paar weg.")
    gekozen = []
    for code in codes:
        niveau = niveau_van(kaart, code)
        gekozen.append((code, niveau, kaart.gebieden[niveau].loc[code]))
    return gekozen


def _vergelijking() -> tuple[Kaart, list[str], list[tuple[str, str, pd.Series]], pd.DataFrame, pd.DataFrame]:
    """The chosen areas and their figures, a column per area (and the region), a row per indicator label
    that at least one area has, and the year of each figure in the same shape; fewer than two areas is a 400."""
    kaart = staat().kaart
    codes = codes_uit(request.args)
    gekozen = _gekozen(kaart, codes)
    if len(gekozen) < 2:
        raise InvalidChoice("Kies minstens twee gebieden om te vergelijken, met code=… of codes=….")
    kolommen = {f"{rij['naam']} ({code})": rij for code, _, rij in gekozen}
    if kaart.regio is not None:
        kolommen["Regio"] = kaart.regio.iloc[0]
    cat = kaart.catalogus
    tabel = pd.DataFrame({naam: [pd.to_numeric(rij.get(ind.kolom), errors="coerce") for ind in cat]
                          for naam, rij in kolommen.items()},
                         index=pd.Index([ind.label for ind in cat], name="indicator"))
    fj = staat().figuurjaren
    jaren = pd.DataFrame({naam: [jaar_van(fj, rij, ind.kolom) or kaart.jaar for ind in cat]
                          for naam, rij in kolommen.items()}, index=tabel.index)
    tabel.insert(0, "eenheid", [ind.eenheid for ind in cat])
    getoond = tabel.drop(columns="eenheid").iloc[:, :len(gekozen)].notna().any(axis=1)
    return kaart, codes, gekozen, tabel[getoond], jaren[getoond]


def _ouder(jaren: pd.DataFrame, kaart: Kaart) -> dict[str, pd.Series | None]:
    """Per column of ``jaren``, its years when any is older than the kaart's (None otherwise), for ``met_jaren``."""
    return {k: (j if (j != kaart.jaar).any() else None) for k, j in jaren.items()}


@bp.get("/vergelijk.csv")
def vergelijk_csv():
    """The comparison as an Excel-friendly CSV: one row per indicator, a column per area and the region."""
    kaart, codes, _, tabel, jaren = _vergelijking()
    ouder = _ouder(jaren, kaart)
    tabel = met_herkomst(met_jaren(tabel, ouder), kaart.bronvermelding, kaart.jaar, bool(kaart.metadata.get("fictief")),
                         any(j is not None for j in ouder.values()))
    return download(csv_bytes(tabel), "text/csv", f"vergelijking-{'-'.join(codes)}.csv")


@bp.get(f"/vergelijk.<any({GEOFORMATEN}):formaat>")
def vergelijk_geo(formaat: str):
    """The compared areas with their boundaries, a column per indicator, as GeoJSON or a GeoPackage."""
    kaart, codes, gekozen, tabel, jaren = _vergelijking()
    waarden = tabel.drop(columns="eenheid").iloc[:, :len(gekozen)].T
    waarden.index = pd.Index([code for code, _, _ in gekozen], name="code")
    ouder = _ouder(jaren.iloc[:, :len(gekozen)].T.set_axis(waarden.index), kaart)
    waarden = met_jaren(waarden, ouder)
    vorm = [rij.geometry for _, _, rij in gekozen]
    frame = gpd.GeoDataFrame({"naam": [str(rij["naam"]) for _, _, rij in gekozen],
                              "niveau": [NIVEAU_LABELS[niveau].lower() for _, niveau, _ in gekozen]},
                             index=waarden.index, geometry=vorm, crs=kaart.gebieden[gekozen[0][1]].crs).join(waarden)
    return geo_download(frame, formaat, f"vergelijking-{'-'.join(codes)}",
                        **kenmerken(kaart, any(j is not None for j in ouder.values()), eenheden="; ".join(f"{label}: {eenheid}"
                                                              for label, eenheid in tabel["eenheid"].items())))


@bp.get("/vergelijk")
def vergelijk():
    """The comparison page for the codes of the query."""
    kaart = staat().kaart
    codes = codes_uit(request.args)
    erbij = request.args.get("erbij", "").strip()
    suggesties, melding = [], None
    if erbij:  # a name or code typed in the form: one clear match joins the list, several are offered
        treffers = zoek(kaart, erbij)
        beste = treffers[treffers["rang"] // 10 == 1] if len(treffers) else treffers
        kandidaten = beste if len(beste) else treffers
        if len(kandidaten) == 1:
            return redirect(url_for("vergelijken.vergelijk", code=codes + [kandidaten["code"].iloc[0]]))
        suggesties = [(r.code, r.naam, NIVEAU_LABELS[r.niveau].lower(), r.gemeentenaam)
                      for r in kandidaten.head(20).itertuples() if r.code not in codes]
        melding = (f"Meerdere gebieden heten ‘{erbij}’; kies er een." if suggesties
                   else f"Geen gebied gevonden voor ‘{erbij}’. Typ een deel van de naam of de CBS-code.")
    gekozen = _gekozen(kaart, codes)
    gebieden = [Gebied(code=code, naam=str(rij["naam"]), niveau=NIVEAU_LABELS[niveau].lower(),
                       gemeente=str(rij.get("gemeentenaam") or ""),
                       score=None if pd.isna(rij.get("drukpuntscore", float("nan")))
                       else met_teken(rij['drukpuntscore']),
                       drukpunt=bool(rij.get("drukpunt")) if pd.notna(rij.get("drukpunt")) else False)
                for code, niveau, rij in gekozen]
    regio = None if kaart.regio is None else kaart.regio.iloc[0]
    fj = staat().figuurjaren
    tabel = rijen(kaart, [rij for _, _, rij in gekozen], regio, fj) if len(gekozen) >= 2 else {}
    lijst = [r for rij in tabel.values() for r in rij]
    jaarregel = jaarzin(kaart.jaar, {j for r in lijst for j in r.jaren if j}, [r.label for r in lijst if any(r.jaren)])
    return render_template("vergelijk.html", kaart=kaart, gebieden=gebieden, codes=codes, tabel=tabel,
                           jaarregel=jaarregel,
                           regio=regio is not None, maximum=MAXIMUM, suggesties=suggesties, melding=melding,
                           erbij=erbij, gebiedsnamen=staat().gebiedsnamen), \
        404 if melding and not suggesties else 200
