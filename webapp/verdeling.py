"""The verdeelsleutel page: share a regional task over the gemeenten of a region, on a map and in a table.

``GET /verdeelsleutel?regio=zorgkantoorregio:Zuid-Holland Zuid&aantal=50&jaren=3&basis=huishoudens&correctie=0.5
&min=2&max=GM0505=20`` shows the form, a choropleth of the allocation (Leaflet from /vendor, the gemeenten as
GeoJSON in a ``<script type="application/json">``, coloured server-side with mapclassify's breaks), the table
(share, correction, exact quota, units per year, total, effect of the correction) and the key in words;
``/verdeelsleutel.csv`` downloads the same table with the settings it was made with as columns, named
after them. Every number the user reads is Dutch (``1.000.000``, ``709.632,31``). Bad input gives the
same page (status 400) with the form as typed and the Dutch message above it, so the user can fix it
there; the CSV answers a plain 400. The engine (kaart.verdeelsleutel) does the work; results are cached
per parameter set, so a room trying keys back and forth does not recompute them.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from math import floor

import pandas as pd
from flask import Blueprint, render_template, request

from kaart.errors import InputError
from kaart.export import csv_bytes
from kaart.kaartbestand import Kaart
from kaart.getallen import getal, lees_getal, met_teken
from kaart.verdeelsleutel import BASISSEN, INDELINGEN, MAX_JAREN, Verdeling, lees_grens, verdeel_kaart
from webapp import webgeometrie
from webapp.choropleth import NO_DATA_COLOUR, class_breaks
from webapp.download import download
from webapp.errors import InvalidChoice
from webapp.staat import staat

bp = Blueprint("verdeling", __name__)

STANDAARD_AANTAL = 50
JAREN_IN_TABEL = 10
"""Above this many years the per-year columns stay out of the page's table (they are in the CSV)."""


@dataclass(frozen=True)
class Keuze:
    regio: str
    aantal: int
    jaren: int
    basis: str
    correctie: float
    minimum: str
    maximum: str
    """The bounds as typed (``2`` or ``GM0505=3,GM0642=1``), parsed by :func:`grens`."""


def _geheel(args, naam: str, standaard: int, woord: str) -> int:
    tekst = (args.get(naam) or "").strip()
    if not tekst:
        return standaard
    try:
        return int(tekst)
    except ValueError:
        raise InvalidChoice(f"{woord} is ‘{tekst}’; geef een geheel getal.") from None


def keuze(args) -> Keuze:
    """The parameters of the query, checked for form; the engine checks the rest (Dutch 400s either way)."""
    aantal = _geheel(args, "aantal", STANDAARD_AANTAL, "Het aantal per jaar")
    jaren = _geheel(args, "jaren", 1, "Het aantal jaren")
    basis = args.get("basis") or "huishoudens"
    try:
        correctie = lees_getal(args.get("correctie") or "0")
    except ValueError:
        raise InvalidChoice(f"De correctie is ‘{args.get('correctie')}’; geef een getal van 0 tot en met 1.") from None
    k = Keuze((args.get("regio") or "").strip(), aantal, jaren, basis, correctie,
              (args.get("min") or "").strip(), (args.get("max") or "").strip())
    grens(k.minimum, "minimum"), grens(k.maximum, "maximum")
    return k


def grens(tekst: str, woord: str) -> int | dict[str, int] | None:
    """A bound as typed, read by the engine; its Dutch message as a 400."""
    try:
        return lees_grens(tekst, woord)
    except InputError as err:
        raise InvalidChoice(str(err)) from None


def verdeling(kaart: Kaart, k: Keuze) -> tuple[Verdeling, str]:
    """The allocation and its map data for a choice, from the app's cache or computed (and cached)."""
    def maak() -> tuple[Verdeling, str]:
        try:
            v = verdeel_kaart(kaart, aantal=k.aantal, regio=k.regio, jaren=k.jaren, basis=k.basis,
                              correctie=k.correctie, minimum=grens(k.minimum, "minimum"),
                              maximum=grens(k.maximum, "maximum"))
        except InputError as err:
            raise InvalidChoice(str(err)) from None
        return v, _kaartdata(kaart, v)

    return staat().verdelingen(k, maak)


def _kaartdata(kaart: Kaart, v: Verdeling) -> tuple[str, list[tuple[str, str]]]:
    """The region's gemeenten as GeoJSON (EPSG:4326) coloured by total allocation, and the legend rows."""
    gemeenten = kaart.gebieden["gemeente"].loc[v.tabel.index]
    klassen = class_breaks(v.tabel["totaal"])
    kleuren = [klassen.colour(x) if klassen else NO_DATA_COLOUR for x in v.tabel["totaal"]]
    geometrie = webgeometrie.web(gemeenten.geometry, webgeometrie.GEMEENTEN).reindex(gemeenten.index)
    frame = pd.DataFrame({"code": v.tabel.index, "naam": v.tabel["naam"].astype(str),
                          "totaal": v.tabel["totaal"].astype(int), "totaal_tekst": v.tabel["totaal"].map(getal),
                          "kleur": kleuren})
    features = json.loads(geometrie.to_json(drop_id=True))["features"]
    for feature, rij in zip(features, frame.to_dict("records")):
        feature["properties"] = rij
    legenda = _legenda(klassen, v.tabel["totaal"]) if klassen else []
    # No "<" in the <script> element (it could end it early): names go in as text, never as markup.
    data = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).replace("<", "\\u003c")
    return data, legenda


def _legenda(klassen, totalen: pd.Series) -> list[tuple[str, str]]:
    """The legend rows: the whole numbers each class holds, without overlap (``3 – 20``, ``21 – 40``, ``41``).

    A class holds the totals above the previous upper bound up to and including its own (how
    :meth:`Classes.colour` picks); totals are whole numbers, so its first one is the previous bound
    rounded down plus one. A class that holds no whole number (between two close breaks) is left out.
    """
    rijen = []
    onder = int(totalen.min())
    for boven, kleur in zip(klassen.upper_bounds, klassen.colours):
        hoogste = floor(boven)
        if hoogste >= onder:
            rijen.append((kleur, getal(onder) if hoogste == onder else f"{getal(onder)} – {getal(hoogste)}"))
        onder = max(onder, hoogste + 1)
    return rijen


def _regio_opties(kaart: Kaart) -> list[tuple[str, str]]:
    indeling = kaart.tabellen.get(INDELINGEN)
    if indeling is None or indeling.empty:
        return []
    in_kaart = indeling[indeling["gemeentecode"].isin(kaart.gebieden["gemeente"].index)]
    return sorted({(f"{s}:{r}", f"{r} ({s.replace('_', ' ')})") for s, r in zip(in_kaart["soort"], in_kaart["regio"])},
                  key=lambda x: x[1])


def _effect(n: int) -> str:
    """``+3``, ``-1``, ``0`` (a plain hyphen-minus, as Excel reads a pasted number)."""
    return met_teken(n, 0) if n else "0"


def formulier(args) -> dict[str, str]:
    """The form's fields as the user typed them (the defaults where empty), also when they are wrong."""
    velden = {naam: (args.get(naam) or "").strip() for naam in ("regio", "aantal", "jaren", "basis", "correctie",
                                                                 "min", "max")}
    velden["aantal"] = velden["aantal"] or str(STANDAARD_AANTAL)
    velden["jaren"] = velden["jaren"] or "1"
    velden["basis"] = velden["basis"] or "huishoudens"
    # A number field takes only a decimal point: "0,5" as typed would show as an empty field.
    velden["correctie"] = velden["correctie"].replace(",", ".") or "0"
    return velden


def _titel(v: Verdeling) -> str:
    per = f"{getal(v.aantal)} per jaar"
    if v.jaren > 1:
        per += f", {getal(v.jaren)} jaar ({getal(v.aantal * v.jaren)} in totaal)"
    return f"{per} over {v.regio} ({getal(len(v.tabel))} gemeenten)"


@bp.get("/verdeelsleutel")
def verdeelsleutel():
    """The page: form, map, table and the key in words; with bad input the form as typed and the message (400)."""
    kaart = staat().kaart
    pagina = {"kaart": kaart, "veld": formulier(request.args), "basissen": BASISSEN.items(),
              "regios": _regio_opties(kaart), "max_jaren": MAX_JAREN,
              "voorbeeldcode": kaart.gebieden["gemeente"].index[0]}  # an example from this kaart, not elsewhere
    try:
        k = keuze(request.args)
        v, (kaartdata, legenda) = verdeling(kaart, k)
    except InvalidChoice as err:
        return render_template("verdeling.html", v=None, fout=err.description, **pagina), 400
    t = v.tabel
    jaarkolommen = v.jaarkolommen if v.jaren <= JAREN_IN_TABEL else []
    rijen = [{"code": code, "naam": r["naam"], "basis": getal(r["basis"]), "aandeel": getal(r["aandeel"] * 100, 1),
              "per_1000": "" if pd.isna(r["zorgdruk_per_1000"]) else getal(r["zorgdruk_per_1000"], 2),
              "factor": getal(r["correctiefactor"], 2), "gecorrigeerd": getal(r["aandeel_gecorrigeerd"] * 100, 1),
              "quotum": getal(r["quotum"], 2), "jaren": [getal(r[c]) for c in jaarkolommen],
              "totaal": getal(r["totaal"]), "effect": _effect(int(r["effect_correctie"]))} for code, r in t.iterrows()]
    return render_template(
        "verdeling.html", v=v, fout=None, titel=_titel(v), rijen=rijen, jaarkolommen=jaarkolommen,
        jaren_in_tabel=JAREN_IN_TABEL, kaartdata=kaartdata, legenda=legenda,
        gemiddelde=None if v.gemiddelde is None else getal(v.gemiddelde, 2),
        csv_query=request.query_string.decode(), **pagina)


def _slug(tekst: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", tekst).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")[:60].strip("-")


def bestandsnaam(v: Verdeling) -> str:
    """``verdeelsleutel-zorgkantoorregio-zuid-holland-zuid-50x3-huishoudens-correctie-0-5.csv``: the settings."""
    delen = [_slug(v.regio) or "regio", f"{v.aantal}x{v.jaren}", _slug(v.basis)]
    if v.correctie > 0:
        delen.append(f"correctie-{_slug(f'{v.correctie:g}')}")
    if v.minimum is not None or v.maximum is not None:
        delen.append("met-grenzen")
    return f"verdeelsleutel-{'-'.join(delen)}.csv"


@bp.get("/verdeelsleutel.csv")
def verdeelsleutel_csv():
    """The table as an Excel-friendly CSV, with the settings it was made with as columns (a plain 400 when bad)."""
    kaart = staat().kaart
    v, _ = verdeling(kaart, keuze(request.args))
    return download(csv_bytes(v.tabel_met_instellingen()), "text/csv", bestandsnaam(v))
