"""The verdeelsleutel page: share a regional task over the gemeenten of a region, on a map and in a table.

``GET /verdeelsleutel?regio=zorgkantoorregio:Zuid-Holland Zuid&aantal=50&jaren=3&basis=huishoudens&correctie=0.5
&min=2&max=GM0505=20`` shows the form, a choropleth of the allocation (Leaflet from /vendor, the gemeenten as
GeoJSON in a ``<script type="application/json">``, coloured server-side with mapclassify's breaks), the table
(share, correction, exact quota, units per year, total, effect of the correction) and the key in words;
``/verdeelsleutel.csv`` downloads the same table. The engine (kaart.verdeelsleutel) does the work; results
are cached per parameter set, so a room trying keys back and forth does not recompute them.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass

import pandas as pd
from flask import Blueprint, current_app, render_template, request

from kaart import codes
from kaart.errors import InputError
from kaart.export import csv_bytes
from kaart.kaartbestand import Kaart
from kaart.verdeelsleutel import BASISSEN, INDELINGEN, MAX_JAREN, Verdeling, verdeel_kaart
from webapp.choropleth import NO_DATA_COLOUR, class_breaks
from webapp.download import download
from webapp.errors import InvalidChoice

bp = Blueprint("verdeling", __name__)

CACHE = 32
STANDAARD_AANTAL = 50
SIMPLIFY_M = 20.0


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
    if basis not in BASISSEN:
        raise InvalidChoice(f"De basis ‘{basis}’ bestaat niet. Kies uit: {', '.join(BASISSEN)}.")
    tekst = (args.get("correctie") or "0").strip().replace(",", ".")
    try:
        correctie = float(tekst)
    except ValueError:
        raise InvalidChoice(f"De correctie is ‘{args.get('correctie')}’; geef een getal van 0 tot en met 1.") from None
    k = Keuze((args.get("regio") or "").strip(), aantal, jaren, basis, correctie,
              (args.get("min") or "").strip(), (args.get("max") or "").strip())
    grens(k.minimum, "minimum"), grens(k.maximum, "maximum")
    return k


def grens(tekst: str, woord: str) -> int | dict[str, int] | None:
    """``2`` (every gemeente) or ``GM0505=3, GM0642=1`` (per gemeente) as the engine's bound."""
    if not tekst:
        return None
    delen = [d.strip() for d in tekst.split(",") if d.strip()]
    try:
        if len(delen) == 1 and "=" not in delen[0]:
            return int(delen[0])
        if all("=" in d for d in delen):
            return {codes.gemeente(d.partition("=")[0]): int(d.partition("=")[2]) for d in delen}
    except (ValueError, InputError):
        pass
    raise InvalidChoice(f"Het {woord} ‘{tekst}’ is geen getal en geen lijst als GM0505=3, GM0642=1.")


def verdeling(kaart: Kaart, k: Keuze) -> tuple[Verdeling, str]:
    """The allocation and its map data for a choice, from the app's cache or computed (and cached)."""
    cache: OrderedDict = current_app.extensions.setdefault("verdelingen", OrderedDict())
    if k in cache:
        cache.move_to_end(k)
        return cache[k]
    try:
        v = verdeel_kaart(kaart, aantal=k.aantal, regio=k.regio, jaren=k.jaren, basis=k.basis,
                          correctie=k.correctie, minimum=grens(k.minimum, "minimum"),
                          maximum=grens(k.maximum, "maximum"))
    except InputError as err:
        raise InvalidChoice(str(err)) from None
    result = cache[k] = (v, _kaartdata(kaart, v))
    while len(cache) > CACHE:
        cache.popitem(last=False)
    return result


def _kaartdata(kaart: Kaart, v: Verdeling) -> tuple[str, list[tuple[str, str]]]:
    """The region's gemeenten as GeoJSON (EPSG:4326) coloured by total allocation, and the legend rows."""
    gemeenten = kaart.gebieden["gemeente"].loc[v.tabel.index]
    klassen = class_breaks(v.tabel["totaal"])
    kleuren = [klassen.colour(x) if klassen else NO_DATA_COLOUR for x in v.tabel["totaal"]]
    geometrie = gemeenten.geometry.simplify(SIMPLIFY_M, preserve_topology=True).to_crs("EPSG:4326")
    frame = pd.DataFrame({"code": v.tabel.index, "naam": v.tabel["naam"].astype(str),
                          "totaal": v.tabel["totaal"].astype(int), "kleur": kleuren})
    features = json.loads(geometrie.to_json(drop_id=True))["features"]
    for feature, rij in zip(features, frame.to_dict("records")):
        feature["properties"] = rij
    legenda = []
    if klassen:
        onder = float(v.tabel["totaal"].min())
        for boven, kleur in zip(klassen.upper_bounds, klassen.colours):
            legenda.append((kleur, f"{onder:.0f}" if boven == onder else f"{onder:.0f} – {boven:.0f}"))
            onder = boven
    # No "<" in the <script> element (it could end it early): names go in as text, never as markup.
    data = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).replace("<", "\\u003c")
    return data, legenda


def _regio_opties(kaart: Kaart) -> list[tuple[str, str]]:
    indeling = kaart.tabellen.get(INDELINGEN)
    if indeling is None or indeling.empty:
        return []
    in_kaart = indeling[indeling["gemeentecode"].isin(kaart.gebieden["gemeente"].index)]
    return sorted({(f"{s}:{r}", f"{r} ({s.replace('_', ' ')})") for s, r in zip(in_kaart["soort"], in_kaart["regio"])},
                  key=lambda x: x[1])


def _getal(x: float, decimalen: int = 0) -> str:
    return f"{x:,.{decimalen}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


@bp.get("/verdeelsleutel")
def verdeelsleutel():
    """The page: form, map, table and the key in words."""
    kaart: Kaart = current_app.extensions["kaart"]
    k = keuze(request.args)
    v, (kaartdata, legenda) = verdeling(kaart, k)
    t = v.tabel
    jaarkolommen = v.jaarkolommen if v.jaren <= 10 else []
    rijen = [{"code": code, "naam": r["naam"], "basis": _getal(r["basis"]), "aandeel": _getal(r["aandeel"] * 100, 1),
              "per_1000": "" if pd.isna(r["zorgdruk_per_1000"]) else _getal(r["zorgdruk_per_1000"], 2),
              "factor": _getal(r["correctiefactor"], 2), "gecorrigeerd": _getal(r["aandeel_gecorrigeerd"] * 100, 1),
              "quotum": _getal(r["quotum"], 2), "jaren": [int(r[c]) for c in jaarkolommen],
              "totaal": int(r["totaal"]), "effect": f"{int(r['effect_correctie']):+d}"} for code, r in t.iterrows()]
    return render_template(
        "verdeling.html", kaart=kaart, keuze=k, v=v, rijen=rijen, jaarkolommen=jaarkolommen,
        basissen=BASISSEN.items(), regios=_regio_opties(kaart), max_jaren=MAX_JAREN, kaartdata=kaartdata,
        legenda=legenda, gemiddelde=None if v.gemiddelde is None else _getal(v.gemiddelde, 2),
        csv_query=request.query_string.decode())


@bp.get("/verdeelsleutel.csv")
def verdeelsleutel_csv():
    """The table as an Excel-friendly CSV."""
    kaart: Kaart = current_app.extensions["kaart"]
    v, _ = verdeling(kaart, keuze(request.args))
    return download(csv_bytes(v.tabel), "text/csv", f"verdeelsleutel-{v.aantal}-per-jaar-{v.jaren}-jaar.csv")
