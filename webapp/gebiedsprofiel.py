"""The gebiedsprofiel: one area as a document a wijkteam prints, or sends to a council as a PDF.

``GET /gebied/<code>``: a map of the area and its neighbours (``webapp.gebiedskaart``),
every indicator of the area next to its gemeente, the region and the Netherlands
(as small bars, with the numbers written out for screen readers and print), the
drukpunt score and what drives it, the facilities in and near the area, and its
parent and child areas. Every figure names its source and year, and a figure
that is not CBS's own says what it is ("opgeteld uit buurten", "herberekend uit
opgetelde buurten", see ``kaart.herkomst``). The page prints as a clean A4
handout (the print rules in ``kaart.css`` and ``profiel.css``, an "Afdrukken"
button), and ``GET /gebied/<code>.pdf`` is the same page rendered on the server
(``webapp.pdf``) as a download.
"""

from __future__ import annotations

import io

from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
import shapely
from flask import Blueprint, render_template, request, send_file

from kaart import reeksen
from kaart.categorieen import categorieen
from kaart.codes import NIVEAUS
from kaart.datums import datum
from kaart.drukpunten import VOETNOOT, Z_PREFIX
from kaart.figuurjaren import Figuurjaren, jaarzin
from kaart.getallen import afstand, met_teken, weergave
from kaart.herkomst import CBS, label
from kaart.indicatoren import AFGELEID
from kaart.kaartbestand import Kaart
from kaart.profielen import STANDAARDPROFIEL, profielen
from kaart.variabelen import variabelen
from webapp.choropleth import NIVEAU_LABELS
from webapp.errors import UnknownArea
from webapp.gebiedskaart import gebiedskaart
from webapp.pdf import als_pdf
from webapp.ranglijst import Keuze, drukpuntjaren
from webapp.staat import staat
from webapp.verloop import Verloop, verloop

bp = Blueprint("gebiedsprofiel", __name__)

@dataclass(frozen=True)
class Regel:
    """One indicator of the profile: the area's value and its references, each with its share of the bar."""

    label: str
    bron: str
    waarden: dict[str, str]
    balken: dict[str, float]
    afgeleid: bool
    """The area's value rests on a count reconstructed from a percentage (marked with a star)."""
    z: str | None
    """The signed robust z score within the region (positive: more pressure), for scoring indicators."""
    herkomst: dict[str, str]
    """Per reference, what its value is when it is not CBS's own figure ("opgeteld uit buurten", ...)."""
    verloop: Verloop | None = None
    """The course over the years of the area and its references, when the kaart holds more than one year."""
    jaren: dict[str, int] = field(default_factory=dict)
    """Per reference whose figure is from an older year than the kaart's (the newest table lacked it), that year."""


def niveau_van(kaart: Kaart, code: str) -> str:
    for niveau in NIVEAUS:
        if niveau in kaart.gebieden and code in kaart.gebieden[niveau].index:
            return niveau
    raise UnknownArea(f"Er is geen gebied met code ‘{code}’ in deze kaart. Zoek het gebied op de kaart.")


def _referenties(kaart: Kaart, rij: pd.Series) -> dict[str, pd.Series | None]:
    gemeenten = kaart.gebieden.get("gemeente")
    gemeente = rij.get("gemeentecode")
    return {
        "gebied": rij,
        "gemeente": gemeenten.loc[gemeente] if gemeenten is not None and gemeente in gemeenten.index
        and rij.get("niveau") != "gemeente" else None,
        "regio": None if kaart.regio is None else _uit_gemeenten(kaart.regio.iloc[0]),
        "nederland": _uit_gemeenten(kaart.tabellen["nederland"].iloc[0]) if "nederland" in kaart.tabellen else None,
    }


def _uit_gemeenten(rij: pd.Series) -> pd.Series:
    """The regio row (and a national row summed by the build) as built from gemeenten, for its provenance labels."""
    rij = rij.copy()
    rij["opgeteld_uit"] = "gemeenten"
    return rij


def regels(kaart: Kaart, rij: pd.Series, fj: Figuurjaren) -> dict[str, list[Regel]]:
    """Per theme label, the indicators the area has a value for, with its references (and, in ``fj``, the
    year of each figure)."""
    cat = kaart.catalogus
    vars_ = variabelen(cat)
    refs = _referenties(kaart, rij)
    afgeleid = set(str(rij.get(AFGELEID) or "").split(", "))
    series = _series(kaart, rij, [ind.kolom for ind in cat]) if len(reeksen.jaren(kaart)) > 1 else {}
    result: dict[str, list[Regel]] = {}
    for ind in cat:
        waarde = rij.get(ind.kolom)
        if waarde is None or pd.isna(waarde):
            continue
        getallen = {k: (None if r is None else r.get(ind.kolom)) for k, r in refs.items()}
        getallen = {k: float(v) for k, v in getallen.items() if v is not None and pd.notna(v)}
        grootste = max((abs(v) for v in getallen.values()), default=0) or 1
        var = vars_[ind.kolom]
        bron = voorzieningenbron(kaart) if var.uit_voorzieningenlaag else kaart.bronvermelding
        result.setdefault(cat.themas[ind.thema], []).append(Regel(
            label=ind.label, bron=bron,
            waarden={k: weergave(v, var.eenheid, ind.label) for k, v in getallen.items()},
            balken={k: round(100 * abs(v) / grootste, 1) for k, v in getallen.items()},
            afgeleid=ind.id in afgeleid, z=_z(rij.get(Z_PREFIX + ind.id)),
            herkomst=_herkomst(refs, ind.kolom, getallen),
            verloop=verloop({ref: s[ind.kolom] for ref, s in series.items() if ind.kolom in s},
                            var.eenheid, ind.label),
            jaren=_jaren(fj, rij, ind.kolom, getallen)))
    return result


def _jaren(fj: Figuurjaren, rij: pd.Series, kolom: str, getallen: dict[str, float]) -> dict[str, int]:
    """Per reference with a value, its year when that is older than the kaart's (the national row is CBS's own)."""
    jaren = {"gebied": fj.ander_jaar(rij["niveau"], rij.name, kolom), "regio": fj.regio(kolom),
             "gemeente": fj.ander_jaar("gemeente", rij.get("gemeentecode"), kolom)}
    return {k: j for k, j in jaren.items() if j is not None and k in getallen}


def _series(kaart: Kaart, rij: pd.Series, kolommen: list[str]) -> dict[str, dict[str, pd.DataFrame]]:
    """Per reference (the area, its gemeente, the region, the Netherlands) the series of ``kolommen`` the kaart
    holds for it; the region's and the Netherlands' are the app's, made once (``Staat.referentiereeksen``)."""
    uit = {"gebied": reeksen.van_gebied(kaart, rij["niveau"], rij.name, kolommen)}
    gemeente = rij.get("gemeentecode")
    if rij["niveau"] != "gemeente" and "gemeente" in kaart.gebieden and gemeente in kaart.gebieden["gemeente"].index:
        uit["gemeente"] = reeksen.van_gebied(kaart, "gemeente", gemeente, kolommen)
    return uit | staat().referentiereeksen


def gebouwd_op(kaart: Kaart) -> datetime | None:
    """When the kaart was built (its facility distances were measured then)."""
    tekst = kaart.metadata.get("gebouwd_op")
    try:
        return datetime.fromisoformat(tekst) if tekst else None
    except ValueError:
        return None


def voorzieningenbron(kaart: Kaart) -> str:
    """The facility layer's source with its year (the year the kaart was built and measured the distances)."""
    moment = gebouwd_op(kaart)
    return kaart.voorzieningen_bronvermelding + (f", {moment.year}" if moment else "")


def _herkomst(refs: dict[str, pd.Series | None], kolom: str, getallen: dict[str, float]) -> dict[str, str]:
    """Per reference with a value, its provenance label when it is not CBS's own figure."""
    result = {k: label(refs[k], kolom) for k in getallen}
    return {k: v for k, v in result.items() if v != CBS}


def _z(value) -> str | None:
    return None if value is None or pd.isna(value) else met_teken(value, 1)


def familie(kaart: Kaart, niveau: str, rij: pd.Series) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, bool]]]:
    """(parents as (level label, code, name), children as (code, name, drukpunt))."""
    ouders = []
    for ouder_niveau, kolom in (("gemeente", "gemeentecode"), ("wijk", "wijkcode")):
        if NIVEAUS.index(ouder_niveau) < NIVEAUS.index(niveau) and ouder_niveau in kaart.gebieden:
            code = rij.get(kolom)
            if isinstance(code, str) and code in kaart.gebieden[ouder_niveau].index:
                ouders.append((NIVEAU_LABELS[ouder_niveau], code, kaart.gebieden[ouder_niveau].at[code, "naam"]))
    kinderen = []
    if niveau != "buurt":
        kind_niveau = NIVEAUS[NIVEAUS.index(niveau) + 1]
        kolom = "gemeentecode" if niveau == "gemeente" else "wijkcode"
        frame = kaart.gebieden.get(kind_niveau)
        if frame is not None and kolom in frame:
            sub = frame[frame[kolom] == rij.name]
            drukpunt = sub["drukpunt"].fillna(False).astype(bool) if "drukpunt" in sub else pd.Series(False, sub.index)
            kinderen = [(code, naam, bool(drukpunt[code])) for code, naam in zip(sub.index, sub["naam"])]
    return ouders, kinderen


def voorzieningen(kaart: Kaart, rij: pd.Series) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(facilities inside the area as (name, category label), nearest distance per category as (label, text))."""
    labels = categorieen()
    binnen = []
    punten = kaart.extra.get("voorzieningen")
    if punten is not None and len(punten) and rij.geometry is not None:
        punten = punten.to_crs(kaart.gebieden[rij["niveau"]].crs)
        hits = punten[shapely.covers(rij.geometry, punten.geometry.values)]
        binnen = sorted((str(p.naam), labels[p.categorie].label if p.categorie in labels else str(p.categorie))
                        for p in hits.itertuples())
    afstanden = []
    for cat in labels.values():
        meters = rij.get(cat.afstand_kolom)
        if meters is not None and pd.notna(meters):
            afstanden.append((cat.label, afstand(meters)))
    return binnen, afstanden


def _profiel(code: str, als_document: bool = False) -> str:
    """The profile page of area ``code`` as HTML (``als_document``: for the PDF, without buttons)."""
    kaart, fj = staat().kaart, staat().figuurjaren
    niveau = niveau_van(kaart, code)
    rij = kaart.gebieden[niveau].loc[code]
    ouders, kinderen = familie(kaart, niveau, rij)
    binnen, afstanden = voorzieningen(kaart, rij)
    score = rij.get("drukpuntscore")
    moment = gebouwd_op(kaart)
    profielnaam = kaart.metadata.get("profiel") or STANDAARDPROFIEL
    lijsten = regels(kaart, rij, fj)
    oudere = {j for lijst in lijsten.values() for r in lijst for j in r.jaren.values()}
    return render_template(
        "profiel.html", kaart=kaart, code=code, niveau=niveau, niveau_label=NIVEAU_LABELS[niveau], rij=rij,
        regels=lijsten, voetnoot=VOETNOOT, ouders=ouders,
        ontbrekend=[kaart.catalogus[i].label for i in kaart.metadata.get("ontbrekend", {}).get(niveau, [])],
        kinderen=kinderen, binnen=binnen, afstanden=afstanden, voorzieningenbron=voorzieningenbron(kaart),
        score=None if score is None or pd.isna(score) else met_teken(score),
        drukpunt=bool(rij.get("drukpunt")) if pd.notna(rij.get("drukpunt")) else False,
        redenen=rij.get("drukpunt_redenen") if isinstance(rij.get("drukpunt_redenen"), str) else None,
        inwoners=weergave(rij.get("inwoners"), variabelen(kaart.catalogus)["inwoners"].eenheid)
        if "inwoners" in rij else None,
        inwoners_herkomst=label(rij, "inwoners") if "inwoners" in rij else None, CBS=CBS,
        kolommen={"gebied": rij.get("naam"), "gemeente": rij.get("gemeentenaam") if niveau != "gemeente" else None,
                  "regio": "Regio", "nederland": "Nederland" if "nederland" in kaart.tabellen else None},
        gebiedskaart=gebiedskaart(kaart, niveau, code), als_document=als_document,
        gemaakt=datum(moment) if moment else None, profiel=profielen()[profielnaam].label,
        drukpuntjaren=_drukpuntjaren(kaart, niveau, code, profielnaam),
        scorejaar=fj.ander_jaar(niveau, code, "drukpuntscore"), bronvermelding=fj.bronvermelding(oudere),
        jaarregel=jaarzin(kaart.jaar, oudere, [r.label for lijst in lijsten.values() for r in lijst if r.jaren]),
    )


def _drukpuntjaren(kaart: Kaart, niveau: str, code: str, profielnaam: str) -> tuple[list[int], str] | None:
    """The years the area was a drukpunt under the kaart's profile, and its course (structureel, nieuw, ...),
    when the kaart holds more than one year."""
    tabel = drukpuntjaren(kaart, Keuze(niveau, profielnaam, ()))
    if tabel is None or code not in tabel.index:
        return None
    rij = tabel.loc[code]
    return [int(j) for j in tabel.columns if j != "verloop" and pd.notna(rij[j]) and bool(rij[j])], rij["verloop"]


@bp.get("/gebied/<code>")
def gebied(code: str):
    """The profile page of the area with CBS code ``code``."""
    return _profiel(code)


@bp.get("/gebied/<code>.pdf")
def gebied_pdf(code: str):
    """The profile of area ``code`` as an A4 PDF, downloaded as "Gebiedsprofiel <naam> (<niveau>).pdf"."""
    kaart = staat().kaart
    niveau = niveau_van(kaart, code)
    naam = str(kaart.gebieden[niveau].at[code, "naam"])
    # Kept per area (and the address the links point to): the same kaart gives the same document.
    pdf = staat().pdfs((code, request.url_root), lambda: als_pdf(_profiel(code, als_document=True), request.url_root))
    bestand = f"Gebiedsprofiel {naam} ({NIVEAU_LABELS[niveau].lower()}).pdf"
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True, download_name=bestand.replace("/", "-"))
