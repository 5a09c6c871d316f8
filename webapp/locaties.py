"""The locatiezoeker page: a suitability map, candidate areas with their reasons, sliders and exports.

``GET /locaties?profiel=domus&gewicht_zorg=3&afstand_scholen=500`` shows the
suitability of every 100 m cell (a PNG over the map), the ranked candidate
plots (sized to the woonvorm, each in its candidate area) with a table per
candidate, what every exclusion takes away, and the profile's criteria with
their defaults. The sliders send the same form; the page's script fetches the
page again and swaps the results in, so the map keeps its view. A click on the
map puts a marker there and explains that spot beside the map. A gemeente
selects among the region's candidates and zooms to it. Candidate sites of
one's own (parcels, as GeoJSON or GeoPackage) are uploaded with
``POST /locaties/kavels`` and then scored instead of the grid.

The distances are measured once per profile and set of sites, for the whole
region (a gemeente only selects); every set of weights and buffers is then
arithmetic, and its outcome is cached, so a room moving a slider back and forth
never waits for geometry. The default outcome of every profile is computed in
the background when the app starts (:meth:`Zoeker.voorbereid`), so the first
visitor does not wait for the measuring either.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import geopandas as gpd
from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from pyproj import Transformer

from kaart import locatiezoeker as lz
from kaart.errors import InputError
from kaart.getallen import getal, lees_getal
from kaart.kaartbestand import Kaart
from kaart.locaties import load_locaties
from kaart.voorzieningen import regiovorm
from kaart.woonvormen import MAX_AFSTAND_M, MAX_GEWICHT, Woonvorm, woonvormen
from webapp import geschiktheidsbeeld, webgeometrie
from webapp.bewaard import Bewaard
from webapp.download import download
from webapp.errors import InvalidChoice
from webapp.staat import staat

log = logging.getLogger(__name__)
bp = Blueprint("locaties", __name__)

STANDAARD = "skaeve-huse"
TOP = 10
MAX_TOP = 50
CACHE = 32
METINGEN_CACHE = 8
KAVELS_CACHE = 16
_NAAR_RD = Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)


@dataclass(frozen=True)
class Keuze:
    """A query of the page, checked: the profile, where to search, and the settings that differ from the profile's."""

    profiel: str
    gemeente: str | None
    top: int
    gewichten: tuple[tuple[str, float], ...]
    afstanden: tuple[tuple[str, float], ...]
    kavels: str | None

    def woonvorm(self) -> Woonvorm:
        return woonvormen()[self.profiel].met(dict(self.gewichten), dict(self.afstanden))

    def query(self, **anders) -> dict[str, str]:
        """The query string parameters that reproduce this choice (for links and exports)."""
        q = {"profiel": self.profiel, "basis": self.profiel, "top": str(self.top)}
        if self.gemeente:
            q["gemeente"] = self.gemeente
        if self.kavels:
            q["kavels"] = self.kavels
        q.update({f"gewicht_{k}": f"{v:g}" for k, v in self.gewichten})
        q.update({f"afstand_{k}": f"{v:g}" for k, v in self.afstanden})
        q.update(anders)
        return q


def _lees_getal(args, key: str, wat: str) -> float:
    """A number typed in the query (``2,5`` or ``2.5``); whether it fits is the engine's to say."""
    try:
        return lees_getal(args.get(key, ""))
    except ValueError:
        raise InvalidChoice(f"{wat} is ‘{args.get(key)}’; geef een getal.") from None


_VELD = {"gewicht": "gewicht", "afstand": "afstand_m"}


def _gezet(args, w: Woonvorm, soort: str, wat: str) -> dict[str, float]:
    """The ``<soort>_<id>`` values of the query that differ from the profile's (an id the profile does not
    have is kept, so the engine refuses it with the profile's criteria)."""
    criteria = {c.id: c for c in (w.voorkeuren if soort == "gewicht" else w.uitsluitingen)}
    result = {}
    for key in args:
        if key.startswith(f"{soort}_") and args.get(key):
            cid = key.split("_", 1)[1]
            value = _lees_getal(args, key, f"{wat} van ‘{criteria[cid].label if cid in criteria else cid}’")
            if cid not in criteria or value != getattr(criteria[cid], _VELD[soort]):
                result[cid] = value
    return result


def keuze(kaart: Kaart, args) -> Keuze:
    """The choice a query makes, checked: the page's own inputs here, the profile's settings by the engine
    (:meth:`kaart.woonvormen.Woonvorm.met`); a Dutch 400 names anything wrong."""
    naam = args.get("profiel") or STANDAARD
    if naam not in woonvormen():  # only the shipped profiles: the page takes no file path
        raise InvalidChoice(f"Het profiel ‘{naam}’ bestaat niet. Kies uit: {', '.join(woonvormen())}.")
    w = woonvormen()[naam]
    gemeente = (args.get("gemeente") or "").strip().upper() or None
    if gemeente is not None and gemeente not in kaart.gebieden.get("gemeente", {}).index:
        raise InvalidChoice(f"De gemeente ‘{gemeente}’ staat niet in deze kaart.")
    top = TOP
    if args.get("top"):
        top = int(_lees_getal(args, "top", "Het aantal kandidaten"))
        if not 1 <= top <= MAX_TOP:
            raise InvalidChoice(f"Het aantal kandidaten is {top}; geef een getal van 1 tot en met {MAX_TOP}.")
    kavels = args.get("kavels") or None
    if kavels is not None and kavels not in staat().locatiezoeker.kavels:
        raise InvalidChoice("Deze kavels zijn niet (meer) bekend bij de server. Laad het bestand opnieuw.")
    # Slider values belong to the profile named in ``basis``; after switching profile they are ignored.
    eigen = args.get("basis", naam) == naam
    gewichten = _gezet(args, w, "gewicht", "Het gewicht") if eigen else {}
    afstanden = _gezet(args, w, "afstand", "De afstand") if eigen else {}
    try:
        w.met(gewichten, afstanden)
    except InputError as err:
        raise InvalidChoice(str(err)) from None
    return Keuze(naam, gemeente, top, tuple(sorted(gewichten.items())), tuple(sorted(afstanden.items())), kavels)


class Zoeker:
    """The app's measurements, outcomes and uploaded sites (see :class:`webapp.bewaard.Bewaard`)."""

    def __init__(self, kaart: Kaart):
        self.kaart = kaart
        self.metingen = Bewaard(METINGEN_CACHE)
        self.uitkomsten = Bewaard(CACHE)
        self.beeldroosters = Bewaard(METINGEN_CACHE)
        self.kavels = Bewaard(KAVELS_CACHE)
        """Uploaded candidate sites by content hash: (what the page calls them, the sites)."""

    def voorbereid(self) -> None:
        """Measure and score every shipped profile under its defaults, for the whole region: the first visit per
        woonvorm then finds its page ready. Run in the background at start-up; a failure only logs."""
        for naam in woonvormen():
            try:
                self.uitkomst(Keuze(naam, None, TOP, (), (), None))
            except InvalidChoice as err:  # the page says the same to its visitor; no use trying each woonvorm
                log.warning("The locatiezoeker is not prepared: %s", err.melding)
                break
            except Exception:  # noqa: BLE001 - a background warm-up must never take the app down
                log.exception("Preparing the locatiezoeker for %s failed; the page computes it on request", naam)
        self.regio  # noqa: B018 - computed once, kept

    @cached_property
    def regio(self) -> dict:
        """The region's outline for the map, as GeoJSON (WGS84)."""
        vorm = webgeometrie.web(gpd.GeoSeries([regiovorm(self.kaart)], crs=webgeometrie.RD_NEW), webgeometrie.OMTREK)
        return json.loads(vorm.to_json())

    def uitkomst(self, k: Keuze) -> tuple[lz.Uitkomst, dict]:
        """The scored candidates of a choice, with what the page draws of them (cached)."""
        sites = self.kavels[k.kavels][1] if k.kavels else None
        return self.uitkomsten(k, lambda: self._bereken(k, sites))

    def _bereken(self, k: Keuze, sites) -> tuple[lz.Uitkomst, dict]:
        try:
            metingen = self.metingen((k.profiel, k.kavels),
                                     lambda: lz.meet(self.kaart, woonvormen()[k.profiel], locaties=sites))
        except InputError as err:  # a region without land to search, or too large for the grid
            raise InvalidChoice(str(err)) from None
        u = lz.beoordeel(metingen, k.woonvorm(), top=k.top, gemeente=k.gemeente)
        kaartbeeld = {"kandidaten": _geojson(u), "gebieden": _gebieden_geojson(u), "zoom": self.zoom(k.gemeente)}
        if u.is_raster:
            pixels = self.beeldroosters("regio", lambda: geschiktheidsbeeld.rooster(metingen.raster))
            kaartbeeld.update(png=geschiktheidsbeeld.beeld(pixels, u.score), grenzen=pixels.grenzen)
        return u, kaartbeeld

    def zoom(self, gemeente: str | None) -> list[list[float]] | None:
        """The gemeente's extent as ``[[south, west], [north, east]]`` for the map to fit (None: the region)."""
        if gemeente is None:
            return None
        west, south, east, north = webgeometrie.grenzen(self.kaart.gebieden["gemeente"].loc[[gemeente]].geometry)
        return [[round(south, 6), round(west, 6)], [round(north, 6), round(east, 6)]]


def _geojson(u: lz.Uitkomst) -> dict:
    """The ranked candidates for the map: WGS84, coordinates to 6 decimals, only what the map shows."""
    lijst = u.lijst
    if lijst.empty:
        return {"type": "FeatureCollection", "features": []}
    kolommen = ["rang", "score", "waarom"] + (["oppervlakte_ha", "buurtnaam"] if u.is_raster else ["naam", "geschikt"])
    frame = gpd.GeoDataFrame(lijst[kolommen], geometry=webgeometrie.web(lijst.geometry, webgeometrie.EXACT)
                             .reindex(lijst.index))
    return json.loads(frame.to_json(drop_id=True, na="null"))


def _gebieden_geojson(u: lz.Uitkomst) -> dict:
    """The candidate areas the plots lie in, as context on the map (their number and size only)."""
    if u.gebieden is None or u.gebieden.empty:
        return {"type": "FeatureCollection", "features": []}
    frame = gpd.GeoDataFrame({"rang": u.lijst["rang"], "oppervlakte_ha": u.lijst["gebied_oppervlakte_ha"]},
                             geometry=webgeometrie.web(u.gebieden, webgeometrie.EXACT).reindex(u.gebieden.index))
    return json.loads(frame.to_json(drop_id=True, na="null"))


def _schuifjes(w: Woonvorm) -> tuple[list[dict], list[dict]]:
    basis = woonvormen()[w.naam]
    standaard = {c.id: c for c in basis.criteria}
    gewichten = [{"id": c.id, "label": c.label, "waarde": f"{c.gewicht:g}", "tekst": getal(c.gewicht, 1),
                  "standaard": getal(standaard[c.id].gewicht, 1), "uitleg": c.uitleg} for c in w.voorkeuren]
    afstanden = [{"id": c.id, "label": c.label, "waarde": f"{c.afstand_m:g}", "tekst": getal(c.afstand_m, 0),
                  "standaard": getal(standaard[c.id].afstand_m, 0), "uitleg": c.uitleg}
                 for c in w.uitsluitingen if c.soort != "water"]
    return gewichten, afstanden


@bp.get("/locaties")
def locaties():
    """The page (also what its script fetches to swap in new results)."""
    kaart = staat().kaart
    k = keuze(kaart, request.args)
    u, kaartbeeld = staat().locatiezoeker.uitkomst(k)
    gewichten, afstanden = _schuifjes(u.woonvorm)
    m = u.metingen
    gemeenten = kaart.gebieden["gemeente"]["naam"].sort_values() if "gemeente" in kaart.gebieden else {}
    kavels = staat().locatiezoeker.kavels[k.kavels][0] if k.kavels else None
    data = {"kandidaten": kaartbeeld["kandidaten"], "gebieden": kaartbeeld["gebieden"], "zoom": kaartbeeld["zoom"],
            "regio": staat().locatiezoeker.regio, "raster": u.is_raster,
            "beeld": url_for("locaties.geschiktheid", **k.query()) if u.is_raster else None,
            "grenzen": kaartbeeld.get("grenzen"), "verklaar": url_for("locaties.verklaar", **k.query())}
    return render_template(
        "locaties.html", kaart=kaart, keuze=k, woonvorm=u.woonvorm, profielen=woonvormen().values(), uitkomst=u,
        gewichten=gewichten, afstanden=afstanden, gemeenten=gemeenten.items() if len(gemeenten) else [],
        totaal=u.gezocht, over=u.overgebleven, eenheid=m.eenheid, kavels=kavels,
        legenda=geschiktheidsbeeld.legenda(), data=data, query=k.query(), max_afstand=MAX_AFSTAND_M,
        max_gewicht=MAX_GEWICHT, max_top=MAX_TOP)


@bp.get("/locaties/geschiktheid.png")
def geschiktheid():
    """The suitability map of the grid as an image (the page lays it over the map)."""
    k = keuze(staat().kaart, request.args)
    u, kaartbeeld = staat().locatiezoeker.uitkomst(k)
    if "png" not in kaartbeeld:
        raise InvalidChoice("Bij eigen kavels is er geen geschiktheidskaart van het raster.")
    response = current_app.response_class(kaartbeeld["png"], mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.get("/locaties.<any(csv, geojson, gpkg):soort>")
def export(soort: str):
    """The ranked candidates with their figures and reasons, as CSV (Excel), GeoJSON or GeoPackage."""
    k = keuze(staat().kaart, request.args)
    u, _ = staat().locatiezoeker.uitkomst(k)
    delen = [k.profiel, k.gemeente, "kavels" if k.kavels else None, "aangepast" if k.gewichten or k.afstanden else None]
    naam = "-".join(["locaties", *(d.lower() for d in delen if d)])
    return download(lz.exportbestand(u, soort), lz.EXPORTSOORTEN[soort], f"{naam}.{soort}")


@bp.get("/api/v1/locaties/verklaar")
def verklaar():
    """Why the clicked spot (``lat``, ``lon``) is or is not a candidate, as text."""
    k = keuze(staat().kaart, request.args)
    if k.kavels:
        raise InvalidChoice("Bij eigen kavels staat de uitleg per kavel in de tabel.")
    try:
        lat, lon = float(request.args["lat"]), float(request.args["lon"])
    except (KeyError, ValueError):
        raise InvalidChoice("Geef de plek met lat en lon (graden, WGS84).") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidChoice("lat moet tussen -90 en 90 liggen en lon tussen -180 en 180.")
    u, _ = staat().locatiezoeker.uitkomst(k)
    x, y = _NAAR_RD.transform(lon, lat)
    return jsonify(lz.verklaar(u, x, y).als_dict())


@bp.post("/locaties/kavels")
def kavels():
    """Upload candidate sites (GeoJSON or GeoPackage, up to the app's request cap) and score them."""
    bestand = request.files.get("bestand")
    if bestand is None or not bestand.filename:
        raise InvalidChoice("Kies een bestand met kavels (GeoJSON of GeoPackage).")
    achtervoegsel = Path(bestand.filename).suffix.lower()
    if achtervoegsel not in (".geojson", ".json", ".gpkg"):
        raise InvalidChoice(f"‘{bestand.filename}’ is geen GeoJSON of GeoPackage. Sla de kavels op als .geojson of .gpkg.")
    inhoud = bestand.read()
    sleutel = hashlib.sha256(inhoud).hexdigest()[:16]
    with tempfile.TemporaryDirectory(prefix="kavels-") as map_:
        pad = Path(map_) / f"kavels{achtervoegsel}"
        pad.write_bytes(inhoud)
        try:
            sites = load_locaties(str(pad), naam=bestand.filename)
        except InputError as err:
            current_app.logger.info("Kavels file %s refused: %s", bestand.filename, err)
            raise InvalidChoice(str(err)) from None
    staat().locatiezoeker.kavels.zet(sleutel, (f"{bestand.filename} ({len(sites)} kavels)", sites))
    # The settings of the page the file was sent from come along (checked again on the page itself).
    instellingen = {k: v for k, v in request.form.items()
                    if k in ("profiel", "basis", "top", "gemeente") or k.startswith(("gewicht_", "afstand_"))}
    return redirect(url_for("locaties.locaties", **{**instellingen, "kavels": sleutel}), code=303)
