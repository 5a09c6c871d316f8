"""The JSON API under ``/api/v1/``: areas with their figures, one area, the indicator catalogue.

For maps that fetch their data instead of inlining it, and for anyone who
wants the kaart's figures in their own tools. Areas come as GeoJSON in
EPSG:4326, simplified for the requested zoom with shared borders kept intact
(coverage simplification in RD New, so neighbours never gap or overlap; from zoom 15 unsimplified, cut to
the asked box); a whole level's geometry is computed once per level and zoom and kept, a box's only for the
areas in it (see :class:`Geometrieen`). Every
response is documented in ``webapp/openapi.json``, which the tests check the
routes and responses against. Every area says per figure where it comes from (``herkomst``: CBS's own, summed
from the areas below, or recomputed; see ``kaart.herkomst``). Errors are JSON too, in one shape:
``{"fout": {"status": 404, "melding": "..."}}``. ``/gebieden/<niveau>/<code>/reeksen`` gives one area's
figures over the years the kaart holds (``kaart.reeksen``), each with its year and status. On the areas of a
level, ``jaar`` gives another year's figures on today's areas (each marked in ``herkomst`` where estimated or
summed) and ``sinds`` adds per figure its change since that year (``verandering``: ``kaart.verandering``),
read as the map page reads them (``webapp.tijdkeuze``).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from flask import Blueprint, Response, current_app, jsonify, request

from kaart.getallen import weergave
from kaart.herkomst import labels
from kaart import reeksen, verandering
from kaart.kaartbestand import Kaart
from kaart.variabelen import kaartbaar, variabelen
from webapp import webgeometrie
from webapp.bewaard import Bewaard
from webapp.errors import InvalidChoice, UnknownArea
from webapp.gecomprimeerd import Gecomprimeerd, antwoord
from webapp.staat import staat
from webapp.tijdkeuze import Tijd, getoond, tijdkeuze

bp = Blueprint("api", __name__, url_prefix="/api/v1")

OPENAPI = Path(__file__).with_name("openapi.json")
ZOOM_MIN, ZOOM_MAX, ZOOM_STANDAARD = 5, 18, 13
IDENTITEIT = ["naam", "niveau", "jaar", "wijkcode", "gemeentecode", "gemeentenaam", "cijfers", "drukpunt",
              "drukpunt_redenen"]
"""The descriptive columns every area carries in the API, before its figures (drukpunt: the map's outline;
drukpunt_redenen: the indicators that make it one, in Dutch words, for the tooltip)."""


UITSNEDEN_BEWAARD = 16
"""Views' areas kept (least recently used dropped): a box is rarely asked twice, but the browser's back and
forth and two tabs on one view are."""
HEEL_VANAF = 0.5
"""The share of a level's areas from which a view's box is served from the whole level at its detail: the
widest zooms (the country at zoom 9 and 10) are then simplified once, not once per box."""


class Geometrieen:
    """The areas' web geometry per level and zoom, in EPSG:4326, simplified as a coverage (shared borders stay
    shared) to the zoom's :class:`webgeometrie.Detail`.

    Whole levels (a map's opening view, one gemeente, a view of more than half the level) are kept per level
    and detail: a bounded set, as many as the zooms whole levels are asked at. Any other view's box asks only
    for the areas intersecting it: those are simplified on their own (their coverage, so borders shared inside
    it stay shared), which costs a city's areas instead of the country's, and the last
    :data:`UITSNEDEN_BEWAARD` of them are kept. Each value is computed once under a lock of its own
    (:class:`Bewaard`): a slow one never holds up requests for others, and the GEOS and PROJ work in it runs
    without the GIL. The working memory goes back to the system after each view (``teruggeven``).
    """

    def __init__(self, kaart: Kaart):
        self._kaart = kaart
        # Views give their working memory back (every view's, the whole levels' too, as the heap is one); the
        # whole levels themselves do not: the opening map is serialised right after its level, in the same memory.
        self._niveaus = Bewaard(None)
        self._uitsneden = Bewaard(UITSNEDEN_BEWAARD, teruggeven=True)
        self._rd = Bewaard(None)

    def get(self, niveau: str, zoom: int) -> gpd.GeoSeries:
        """Every area of ``niveau`` at ``zoom``'s detail."""
        detail = webgeometrie.Detail.voor_zoom(zoom)
        return self._niveaus((niveau, detail), lambda: _geindexeerd(
            webgeometrie.web(self._kaart.gebieden[niveau].geometry, detail, dekking=True)))

    def in_beeld(self, niveau: str, zoom: int, bbox: tuple[float, float, float, float]) -> gpd.GeoSeries:
        """The areas of ``niveau`` intersecting ``bbox`` (west, south, east, north in degrees) at ``zoom``'s
        detail; unsimplified ones (:data:`webgeometrie.EXACT_VANAF`) cut to the box. From their own coverage,
        or from the whole level where it is kept at that detail or the box holds more than
        :data:`HEEL_VANAF` of it (a view that wide is the whole level again for each box)."""
        detail = webgeometrie.Detail.voor_zoom(zoom)
        if (niveau, detail) not in self._niveaus:
            vormen = self._rd(niveau, lambda: _geindexeerd(self._kaart.gebieden[niveau].geometry.to_crs(
                webgeometrie.RD_NEW)))
            west, south, east, north = bbox
            # The box's edges are straight in degrees, slightly curved in metres: densified before reprojecting.
            kader = gpd.GeoSeries([shapely.segmentize(shapely.box(*bbox), (east - west) / 16)],
                                  crs=webgeometrie.WGS84).to_crs(webgeometrie.RD_NEW).values[0]
            raakt = np.sort(vormen.sindex.query(kader, predicate="intersects"))
            if len(raakt) <= HEEL_VANAF * len(vormen):
                return self._uitsneden((niveau, detail, bbox), lambda: _binnen(
                    webgeometrie.web(vormen.iloc[raakt], detail, dekking=True), bbox, detail))
        return _binnen(self.get(niveau, zoom), bbox, detail)

    def bewaard(self) -> dict[str, int]:
        """How many whole levels and views' areas are kept."""
        return {"niveaus": len(self._niveaus), "uitsneden": len(self._uitsneden)}

    def voorbereid(self, zoom_van) -> None:
        """Compute every level's geometry for the zoom ``zoom_van(areas)`` says its map opens at."""
        for niveau, frame in self._kaart.gebieden.items():
            shaped = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
            if len(shaped):
                self.get(niveau, zoom_van(shaped))


def _geindexeerd(vormen: gpd.GeoSeries) -> gpd.GeoSeries:
    """``vormen`` with their spatial index built now, by the one computation that keeps them."""
    vormen.sindex
    return vormen


def _binnen(vormen: gpd.GeoSeries, bbox: tuple[float, float, float, float],
            detail: webgeometrie.Detail) -> gpd.GeoSeries:
    """The shapes of ``vormen`` (web geometry with its index) intersecting ``bbox``, in their order; cut to it
    when they are sent unsimplified."""
    binnen = vormen.iloc[np.sort(vormen.sindex.query(shapely.box(*bbox), predicate="intersects"))]
    return webgeometrie.bijgesneden(binnen, bbox, detail.decimalen) if detail.tolerantie_m == 0 else binnen


def _niveau(niveau: str) -> pd.DataFrame:
    kaart = staat().kaart
    if niveau not in kaart.gebieden:
        raise UnknownArea(f"Het niveau ‘{niveau}’ bestaat niet in deze kaart. "
                          f"Kies uit: {', '.join(kaart.niveaus)}.")
    return kaart.gebieden[niveau]


def _kolommen(frame: pd.DataFrame, gevraagd: str | None, tijd: Tijd | None = None, niveau: str = "") -> list[str]:
    """The figures to return: the asked ones (checked), else every mappable one of the level (with ``tijd``:
    every one with figures in the year asked, and for a change in the year since too)."""
    kaart = staat().kaart
    nu = tijd is None or tijd.is_nu(kaart)
    beschikbaar = kaartbaar(frame if nu else getoond(kaart, niveau, tijd), staat().catalogus)
    if not gevraagd:
        return beschikbaar
    namen = [n.strip() for n in gevraagd.split(",") if n.strip()]
    onbekend = [n for n in namen if n not in beschikbaar]
    elders = [n for n in onbekend if n in kaartbaar(frame, staat().catalogus)]
    if elders:
        jaren = f"in zowel {tijd.sinds} als {tijd.jaar}" if tijd.verandering else f"van {tijd.jaar}"
        raise InvalidChoice(f"Van {', '.join(elders)} heeft deze kaart geen cijfers {jaren}.")
    if onbekend:
        raise InvalidChoice(f"Onbekende indicator(en) op dit niveau: {', '.join(onbekend)}. "
                            "Zie /api/v1/indicatoren voor wat er is.")
    return namen


def _zoom() -> int:
    text = request.args.get("zoom")
    if text is None:
        return ZOOM_STANDAARD
    try:
        zoom = int(text)
    except ValueError:
        zoom = -1
    if not ZOOM_MIN <= zoom <= ZOOM_MAX:
        raise InvalidChoice(f"zoom moet een geheel getal van {ZOOM_MIN} tot en met {ZOOM_MAX} zijn.")
    return zoom


def _waarde(value: object) -> object:
    """A cell as JSON: numbers as numbers, missing as null, flags as booleans."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    return value


def _eigenschappen_alle(frame: pd.DataFrame, kolommen: list[str], tijd: Tijd | None = None,
                        niveau: str = "") -> list[dict]:
    """The properties of every area of ``frame`` at once (column-wise: 15,000 buurten in a blink); with
    ``tijd``, the figures of its year and, for a change, each figure's ``verandering``."""
    kaart = staat().kaart
    ander_jaar = tijd is not None and tijd.jaar != kaart.jaar
    if ander_jaar:
        frame = staat().in_jaar(tijd.jaar).gebieden[niveau].loc[frame.index]
    namen = [k for k in IDENTITEIT if k in frame.columns] + [k for k in kolommen if k not in IDENTITEIT]
    sub = frame[namen].astype(object)
    sub = sub.where(sub.notna(), None)
    if ander_jaar:  # today's drukpunten are not that year's
        sub.loc[:, [k for k in ("drukpunt", "drukpunt_redenen") if k in sub]] = None
    rows = sub.to_dict("records")
    figuren = [k for k in kolommen if k not in IDENTITEIT]
    herkomst = _herkomst_in_jaar(frame, niveau, figuren, tijd.jaar) if ander_jaar else labels(frame, figuren)
    uit = [{"code": code, **{k: _waarde(v) for k, v in row.items()}, "herkomst": h, "teksten": teksten}
           for code, row, h, teksten in zip(frame.index, rows, herkomst, _teksten(frame, figuren))]
    if tijd is not None and tijd.verandering:
        for props, verandering_ in zip(uit, _veranderingen(frame, niveau, figuren, tijd)):
            props["verandering"] = verandering_
    return uit


def _herkomst_in_jaar(frame: pd.DataFrame, niveau: str, figuren: list[str], jaar: int) -> list[dict[str, str]]:
    """Per area, where each figure of an older year comes from: CBS's own (under its code or an old one), or
    the series' status (``opgeteld (herindeling)``, ``geschat (grenswijziging)``)."""
    status = verandering.statussen(staat().kaart, niveau, jaar).reindex(
        index=frame.index, columns=figuren)
    return [{k: "CBS" if not isinstance(s, str) or s.startswith(reeksen.OFFICIEEL) else s for k, s in rij.items()}
            for rij in status.astype(object).to_dict("records")]


def _veranderingen(frame: pd.DataFrame, niveau: str, figuren: list[str], tijd: Tijd) -> list[dict[str, dict]]:
    """Per area, each figure's change from ``tijd.sinds`` to ``tijd.jaar``: the difference, its status and
    text, and both years' figures as text (each marked where estimated or summed); null where either is
    missing."""
    kaart, vars_ = staat().kaart, staat().variabelen
    per_kolom = {}
    for k in figuren:
        eenheid = vars_[k].eenheid
        v = verandering.verschil(kaart, niveau, k, tijd.sinds, tijd.jaar, eenheid).reindex(frame.index)
        per_kolom[k] = [None if pd.isna(r.verschil) else {
            "verschil": float(r.verschil), "status": r.status,
            "tekst": verandering.verschiltekst(r.verschil, eenheid, r.status),
            "van": _jaarwaarde(tijd.sinds, r.van, r.status_van, eenheid),
            "tot": _jaarwaarde(tijd.jaar, r.tot, r.status_tot, eenheid)} for r in v.itertuples()]
    return [{k: per_kolom[k][i] for k in figuren} for i in range(len(frame))]


def _jaarwaarde(jaar: int, waarde: float, status: str, eenheid: str) -> dict:
    woord = verandering.onzeker(status)
    tekst = weergave(waarde, eenheid)
    return {"jaar": jaar, "waarde": float(waarde), "status": status, "tekst": f"{tekst} ({woord})" if woord else tekst}


def _teksten(frame: pd.DataFrame, figuren: list[str]) -> list[dict[str, str]]:
    """Per area, each figure as a Dutch reader sees it (``2.345 inwoners``, ``23,5%``): the browser shows
    these and formats no number itself, so the map's tooltips read as the table and the profile do."""
    catalogus = variabelen(staat().kaart.catalogus)
    kolommen = {k: [weergave(v, catalogus[k].eenheid) for v in frame[k]] for k in figuren}
    return [{k: kolommen[k][i] for k in figuren} for i in range(len(frame))]


def _bbox() -> tuple[float, float, float, float] | None:
    text = request.args.get("bbox")
    if not text:
        return None
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        west = south = east = north = math.nan
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise InvalidChoice("bbox moet vier getallen zijn: west,zuid,oost,noord in graden (WGS84), "
                            "met west < oost en zuid < noord.")
    return west, south, east, north


def _eigenschappen(frame: pd.DataFrame, code: str, kolommen: list[str]) -> dict:
    row = frame.loc[code]
    props = {"code": code}
    props.update({k: _waarde(row[k]) for k in IDENTITEIT if k in frame.columns})
    props.update({k: _waarde(row[k]) for k in kolommen})
    figuren = [k for k in kolommen if k not in IDENTITEIT]
    props["herkomst"] = labels(frame.loc[[code]], figuren)[0]
    props["teksten"] = _teksten(frame.loc[[code]], figuren)[0]
    return props


def _geojson(payload: dict | bytes | Gecomprimeerd) -> Response:
    """GeoJSON to send: a cached body as compressed when it was kept, any other compressed on its way out."""
    if isinstance(payload, Gecomprimeerd):
        response = antwoord(payload, "application/geo+json")
    else:
        body = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False, allow_nan=False)
        response = current_app.response_class(body, mimetype="application/geo+json")
        response.add_etag()
    response.cache_control.public = True
    response.cache_control.max_age = 300  # the kaart does not change while the app runs
    return response.make_conditional(request)


@bp.get("/indicatoren")
def indicatoren():
    """The catalogue: every figure the kaart can show, with label, unit, group and the levels it has values at."""
    toestand = staat()
    kaart = toestand.kaart
    per_niveau = {niveau: set(kaartbaar(frame, toestand.catalogus)) for niveau, frame in kaart.gebieden.items()}
    items = [{"naam": v.naam, "label": v.label, "eenheid": v.eenheid, "groep": v.groep, "uitleg": v.uitleg,
              "bron": kaart.voorzieningen_bronvermelding if v.uit_voorzieningenlaag else kaart.bronvermelding,
              "niveaus": [n for n in per_niveau if v.naam in per_niveau[n]]}
             for v in toestand.variabelen.values() if any(v.naam in s for s in per_niveau.values())]
    return jsonify({"kaart": kaart.metadata.get("titel"), "jaar": kaart.jaar,
                    "fictief": bool(kaart.metadata.get("fictief")), "indicatoren": items})


@bp.get("/gebieden/<niveau>")
def gebieden(niveau: str):
    """The areas of a level as GeoJSON, optionally of one gemeente and with only the asked figures."""
    frame = _niveau(niveau)
    tijd = tijdkeuze(staat().kaart, request.args)
    tijd = None if tijd.is_nu(staat().kaart) else tijd
    kolommen = _kolommen(frame, request.args.get("indicator"), tijd, niveau)
    zoom = _zoom()
    gemeente = request.args.get("gemeente")
    bbox = _bbox()
    if bbox is not None:  # a view's box is rarely asked twice; whole levels and gemeenten are
        return _geojson(_gebieden_body(frame, niveau, kolommen, gemeente, zoom, bbox, tijd))
    return _geojson(staat().api_antwoorden((niveau, tuple(kolommen), gemeente, zoom, tijd),
                                           lambda: Gecomprimeerd.van(_gebieden_body(frame, niveau, kolommen,
                                                                                    gemeente, zoom, None, tijd))))


def _gebieden_body(frame: pd.DataFrame, niveau: str, kolommen: list[str], gemeente: str | None, zoom: int,
                   bbox: tuple[float, float, float, float] | None, tijd: Tijd | None = None) -> bytes:
    """The serialised FeatureCollection of :func:`gebieden`."""
    if gemeente:
        if gemeente not in set(frame.get("gemeentecode", pd.Series(dtype=str))):
            raise UnknownArea(f"De gemeente ‘{gemeente}’ ligt niet in deze kaart.")
        frame = frame[frame["gemeentecode"] == gemeente]
    if bbox:
        vormen = staat().geometrie.in_beeld(niveau, zoom, bbox)
        frame = frame[frame.index.isin(vormen.index)]
    else:
        vormen = staat().geometrie.get(niveau, zoom)
    geometrie = vormen.reindex(frame.index)
    features = [{"type": "Feature", "id": code, "geometry": None if geom is None else shapely.geometry.mapping(geom),
                 "properties": props}
                for code, geom, props in zip(frame.index, geometrie.values, _eigenschappen_alle(frame, kolommen,
                                                                                              tijd, niveau))]
    return json.dumps({"type": "FeatureCollection", "features": features,
                       "bronvermelding": staat().kaart.bronvermelding, "zoom": zoom}, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


@bp.get("/gebieden/<niveau>/<code>")
def gebied(niveau: str, code: str):
    """One area as a GeoJSON Feature with every figure it has, its drukpunt explanation and its parents."""
    frame = _niveau(niveau)
    if code not in frame.index:
        raise UnknownArea(f"Er is geen {niveau} met code ‘{code}’ in deze kaart.")
    # The areas in its own box simplified together (its borders as its neighbours have them), not the level.
    west, south, east, north = frame.loc[[code]].geometry.to_crs(webgeometrie.WGS84).total_bounds
    vorm = None if not west <= east else staat().geometrie.in_beeld(
        niveau, _zoom(), (float(west), float(south), float(east), float(north))).get(code)
    props = _eigenschappen(frame, code, kaartbaar(frame.loc[[code]], staat().catalogus))
    for extra in ("drukpunt", "drukpunt_redenen", "rang", "rang_min", "rang_max"):
        if extra in frame.columns:
            props[extra] = _waarde(frame.at[code, extra])
    return _geojson({"type": "Feature", "id": code, "geometry": None if vorm is None else
                     shapely.geometry.mapping(vorm), "properties": props,
                     "bronvermelding": staat().kaart.bronvermelding})


@bp.get("/gebieden/<niveau>/<code>/reeksen")
def gebied_reeksen(niveau: str, code: str):
    """Every figure of one area over the years the kaart holds, each value with its year, its status (official,
    summed over merged gemeenten, estimated over a changed boundary) and its text as pages write it."""
    frame = _niveau(niveau)
    if code not in frame.index:
        raise UnknownArea(f"Er is geen {niveau} met code ‘{code}’ in deze kaart.")
    kaart = staat().kaart
    vars_ = staat().variabelen
    kolommen = [k for k in (request.args.get("indicator") or "").split(",") if k] or kaartbaar(frame.loc[[code]],
                                                                                         staat().catalogus)
    onbekend = [k for k in kolommen if k not in vars_]
    if onbekend:
        raise InvalidChoice(f"De indicator ‘{onbekend[0]}’ bestaat niet in deze kaart. "
                            "Kies er een uit /api/v1/indicatoren, of laat indicator weg voor alle.")
    series = reeksen.van_gebied(kaart, niveau, code, kolommen)
    return jsonify({
        "code": code, "niveau": niveau, "naam": str(frame.at[code, "naam"]), "jaren": reeksen.jaren(kaart),
        "bronvermelding": kaart.bronvermelding,
        "reeksen": [{"indicator": kolom, "label": vars_[kolom].label, "eenheid": vars_[kolom].eenheid,
                     "waarden": [{"jaar": int(jaar), "waarde": _waarde(r.waarde), "status": r.status,
                                  "tekst": weergave(r.waarde, vars_[kolom].eenheid)}
                                 for jaar, r in reeks_.iterrows()]}
                    for kolom, reeks_ in series.items()]})


@bp.get("/openapi.json")
def openapi():
    """This API's description (OpenAPI 3.1)."""
    return current_app.response_class(OPENAPI.read_text(encoding="utf-8"), mimetype="application/json")
