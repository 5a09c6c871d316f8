"""A whole werksessie as one file, GeoPackage or GeoJSON, and back: nothing is lost between machines.

Both formats carry the same package: the werksessie's settings, its
participants (anonymous numbers and roles), annotations (in WGS84, deleted and
hidden ones too, with their status), the history of every annotation, the
votes and the afspraken. Links are never exported: an import gets new ones.
Importing makes a new werksessie; ids are renumbered and every reference
(author, vote, history) follows.
"""

from __future__ import annotations

import json
import tempfile
from datetime import date, datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
from shapely.geometry import shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from kaart.getallen import getal
from webapp.errors import Weigering
from webapp.werksessies import afspraken, velden
from webapp.werksessies import annotaties as annotaties_
from webapp.werksessies.afspraken import Gebieden
from webapp.werksessies.geometrie import Gebiedsindex
from webapp.werksessies.model import (
    FASEN,
    ROLLEN,
    STATUS_ANNOTATIE,
    Afspraak,
    Annotatie,
    Deelnemer,
    Stem,
    Werksessie,
    Wijziging,
)
from webapp.werksessies.toegang import maak_werksessie

FORMAAT = "maatschappelijke-kaart/werksessie/1"
MAX_ANNOTATIES = 5000
INSTELLINGEN = ("titel", "regio", "fase", "begin", "einde", "moderatie", "alleen_eigen", "stippen",
                "bewaartermijn_dagen")
TABELLEN = {"deelnemers": ("id", "rol", "aangemaakt"),
            "wijzigingen": ("annotatie", "deelnemer", "rol", "actie", "voor", "na", "tijd"),
            "stemmen": ("deelnemer", "doel_soort", "doel", "aantal"),
            "afspraken": ("gebied", "wat", "wie", "wanneer", "indicator", "huidige_waarde", "basisjaar", "doelwaarde",
                          "doeljaar", "status", "aangemaakt")}
MAX_SNAPSHOT = 200_000
"""A history row holds an annotation's state as JSON: its text (2,000 characters), name and geometry."""
ANNOTATIE = ("id", "auteur", "categorie", "tekst", "naam", "status", "verwijderd", "aangemaakt", "gewijzigd")


def _tekst(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


def pakket(session: Session, werksessie: Werksessie) -> dict:
    """The werksessie as plain data (JSON-ready)."""
    ws = werksessie.id
    annotaties = session.scalars(select(Annotatie).where(Annotatie.werksessie_id == ws).order_by(Annotatie.id)).all()
    return {
        "formaat": FORMAAT,
        "werksessie": {k: _tekst(getattr(werksessie, k)) for k in INSTELLINGEN},
        "deelnemers": [{"id": d.id, "rol": d.rol, "aangemaakt": _tekst(d.aangemaakt)} for d in
                       session.scalars(select(Deelnemer).where(Deelnemer.werksessie_id == ws).order_by(Deelnemer.id))],
        "annotaties": [{"id": a.id, "auteur": a.auteur_id, "categorie": a.categorie, "tekst": a.tekst, "naam": a.naam,
                        "status": a.status, "verwijderd": a.verwijderd, "aangemaakt": _tekst(a.aangemaakt),
                        "gewijzigd": _tekst(a.gewijzigd), "geometrie": json.loads(a.geometrie)} for a in annotaties],
        "wijzigingen": [{"annotatie": w.annotatie_id, "deelnemer": w.deelnemer_id, "rol": w.rol, "actie": w.actie,
                         "voor": w.voor, "na": w.na, "tijd": _tekst(w.tijd)}
                        for a in annotaties for w in a.wijzigingen],
        "stemmen": [{"deelnemer": s.deelnemer_id, "doel_soort": s.doel_soort, "doel": s.doel, "aantal": s.aantal}
                    for s in session.scalars(select(Stem).where(Stem.werksessie_id == ws).order_by(Stem.id))],
        "afspraken": [{"gebied": a.gebied, "wat": a.wat, "wie": a.wie, "wanneer": _tekst(a.wanneer),
                       "indicator": a.indicator, "huidige_waarde": a.huidige_waarde, "basisjaar": a.basisjaar,
                       "doelwaarde": a.doelwaarde,
                       "doeljaar": a.doeljaar, "status": a.status, "aangemaakt": _tekst(a.aangemaakt)}
                      for a in session.scalars(select(Afspraak).where(Afspraak.werksessie_id == ws)
                                               .order_by(Afspraak.id))],
    }


def naar_geojson(p: dict) -> bytes:
    features = [{"type": "Feature", "geometry": a["geometrie"],
                 "properties": {k: a[k] for k in ANNOTATIE}} for a in p["annotaties"]]
    rest = {k: v for k, v in p.items() if k != "annotaties"}
    return json.dumps({"type": "FeatureCollection", **rest, "features": features}, ensure_ascii=False).encode()


def naar_geopackage(p: dict) -> bytes:
    with tempfile.TemporaryDirectory(prefix="werksessie-") as folder:
        path = Path(folder) / "werksessie.gpkg"
        rows = [{k: a[k] for k in ANNOTATIE} for a in p["annotaties"]]
        frame = gpd.GeoDataFrame(pd.DataFrame(rows, columns=list(ANNOTATIE)),
                                 geometry=[shape(a["geometrie"]) for a in p["annotaties"]], crs="EPSG:4326")
        frame.to_file(path, layer="annotaties", driver="GPKG", engine="pyogrio")
        instellingen = {"formaat": p["formaat"], **p["werksessie"]}
        pyogrio.write_dataframe(pd.DataFrame({"sleutel": list(instellingen),
                                              "waarde": [json.dumps(v) for v in instellingen.values()]}),
                                path, layer="werksessie")
        for naam, kolommen in TABELLEN.items():
            pyogrio.write_dataframe(pd.DataFrame(p[naam], columns=list(kolommen)), path, layer=naam)
        return path.read_bytes()


def uit_bestand(data: bytes) -> dict:
    """The package in a GeoPackage or GeoJSON file; a Weigering when it is neither, or not a werksessie."""
    if data[:16] == b"SQLite format 3\x00":
        return _uit_geopackage(data)
    try:
        collection = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise Weigering("Dit bestand is geen GeoPackage en geen GeoJSON. Kies een export van een werksessie.") from None
    if not isinstance(collection, dict) or collection.get("formaat") != FORMAAT:
        raise Weigering("Dit GeoJSON-bestand is geen export van een werksessie (het formaat ontbreekt).")
    p = {k: v for k, v in collection.items() if k not in ("type", "features")}
    p["annotaties"] = [{**f["properties"], "geometrie": f["geometry"]} for f in collection.get("features", [])]
    return p


def _uit_geopackage(data: bytes) -> dict:
    with tempfile.TemporaryDirectory(prefix="werksessie-") as folder:
        path = Path(folder) / "import.gpkg"
        path.write_bytes(data)
        try:
            layers = {name for name, _ in pyogrio.list_layers(path)}
            if not {"werksessie", "annotaties", *TABELLEN} <= layers:
                raise Weigering("Deze GeoPackage is geen export van een werksessie (lagen ontbreken).")
            settings = pyogrio.read_dataframe(path, layer="werksessie")
            instellingen = {k: json.loads(v) for k, v in zip(settings["sleutel"], settings["waarde"])}
            annotaties = gpd.read_file(path, layer="annotaties", engine="pyogrio").to_crs("EPSG:4326")
            p = {naam: [{k: _leeg(v) for k, v in r.items()} for r in
                        pyogrio.read_dataframe(path, layer=naam).to_dict("records")] for naam in TABELLEN}
        except Weigering:
            raise
        except Exception as err:  # GDAL raises several types for damaged files
            raise Weigering(f"De GeoPackage is niet te lezen ({err}).") from None
    if instellingen.pop("formaat", None) != FORMAAT:
        raise Weigering("Deze GeoPackage is geen export van een werksessie (het formaat ontbreekt).")
    p["formaat"] = FORMAAT
    p["werksessie"] = instellingen
    p["annotaties"] = [{**{k: _leeg(r[k]) for k in ANNOTATIE}, "geometrie": r["geometry"].__geo_interface__}
                       for r in annotaties.to_dict("records")]
    return p


def _leeg(value):
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else value


def _id(value) -> int | None:
    """A reference as read back from either format (GeoPackage gives floats where one may be missing)."""
    return velden.rij_id(_leeg(value))


def _record(soort: str, nummer: int, controle):
    """``controle()``'s result, or its refusal naming the record: "Annotatie 17: ..."."""
    try:
        return controle()
    except Weigering as err:
        raise Weigering(f"{soort} {nummer}: {err.melding}") from None


def importeer(session: Session, p: dict, index: Gebiedsindex, gebieden: Gebieden) -> tuple[Werksessie, dict[str, str]]:
    """A new werksessie from a package, with new links. Every record passes the checks the page's own
    requests pass (texts, choices, numbers, dates, geometry as if drawn, each participant's dot budget);
    the first bad one stops the whole import, named in the message."""
    if not isinstance(p.get("annotaties"), list) or len(p["annotaties"]) > MAX_ANNOTATIES:
        raise Weigering(f"Een werksessie kan hooguit {getal(MAX_ANNOTATIES)} annotaties hebben.")
    for naam in TABELLEN:
        if not isinstance(p.get(naam), list) or not all(isinstance(r, dict) for r in p[naam]):
            raise Weigering(f"Het bestand is geen volledige export van een werksessie (de tabel {naam} ontbreekt).")
    s = p.get("werksessie")
    if not isinstance(s, dict):
        raise Weigering("Het bestand is geen volledige export van een werksessie (de instellingen ontbreken).")
    werksessie, links = _record("De werksessie", 1, lambda: maak_werksessie(
        session, velden.tekst(s.get("titel"), "titel", 200, verplicht=True), velden.tekst(s.get("regio"), "regio", 200),
        velden.keuze(s.get("fase"), FASEN, "Kies een fase"), velden.dag(s.get("begin"), "begin"),
        velden.dag(s.get("einde"), "einde"), stippen=velden.heel(s.get("stippen"), "stippen", 0, 50),
        moderatie=bool(s.get("moderatie")), alleen_eigen=bool(s.get("alleen_eigen")),
        bewaartermijn_dagen=velden.heel(s.get("bewaartermijn_dagen"), "bewaartermijn", 1, 3650), verleden=True))
    deelnemers: dict[int | None, Deelnemer] = {}
    for nummer, d in enumerate(p["deelnemers"], 1):
        deelnemer = _record("Deelnemer", nummer, lambda: Deelnemer(
            werksessie_id=werksessie.id, rol=velden.keuze(d.get("rol"), ROLLEN, "Kies een rol"),
            aangemaakt=velden.tijdstip(d.get("aangemaakt"), "aangemaakt")))
        session.add(deelnemer)
        deelnemers[_id(d.get("id"))] = deelnemer
    session.flush()
    annotaties: dict[int | None, Annotatie] = {}
    for nummer, a in enumerate(p["annotaties"], 1):
        annotatie = _record("Annotatie", nummer, lambda: _annotatie(werksessie, a, deelnemers, index))
        session.add(annotatie)
        annotaties[_id(a.get("id"))] = annotatie
    session.flush()
    for nummer, w in enumerate(p["wijzigingen"], 1):
        session.add(_record("Wijziging", nummer, lambda: Wijziging(
            annotatie_id=_verwijzing(annotaties, w.get("annotatie"), "annotatie").id,
            deelnemer_id=getattr(deelnemers.get(_id(w.get("deelnemer"))), "id", None),
            rol=velden.keuze(w.get("rol"), ROLLEN, "Kies een rol"), actie=velden.tekst(w.get("actie"), "actie", 20),
            voor=velden.tekst(w.get("voor"), "voor", MAX_SNAPSHOT), na=velden.tekst(w.get("na"), "na", MAX_SNAPSHOT),
            tijd=velden.tijdstip(w.get("tijd"), "tijd"))))
    besteed: dict[int, int] = {}
    for nummer, v in enumerate(p["stemmen"], 1):
        stem = _record("Stem", nummer, lambda: _stem(werksessie, v, deelnemers, annotaties, besteed))
        session.add(stem)
    for nummer, a in enumerate(p["afspraken"], 1):
        session.add(_record("Afspraak", nummer, lambda: _afspraak(werksessie, a, gebieden)))
    werksessie.revisie += 1
    session.flush()
    return werksessie, links


def _verwijzing(rijen: dict, waarde, soort: str):
    rij = rijen.get(_id(waarde))
    if rij is None:
        raise Weigering(f"de {soort} waarnaar dit verwijst staat niet in het bestand.")
    return rij


def _annotatie(werksessie: Werksessie, a: dict, deelnemers: dict, index: Gebiedsindex) -> Annotatie:
    geometrie, soort, (minx, miny, maxx, maxy), buurten = index.controleer(a.get("geometrie"))
    werksessie.revisie += 1
    auteur = deelnemers.get(_id(a.get("auteur")))
    return Annotatie(werksessie_id=werksessie.id, auteur_id=auteur.id if auteur else None,
                     categorie=annotaties_.categorie(a.get("categorie")), tekst=annotaties_.tekst(a.get("tekst")),
                     naam=annotaties_.naam(a.get("naam")), geometrie=geometrie, soort=soort, minx=minx, miny=miny,
                     maxx=maxx, maxy=maxy, buurten=",".join(buurten),
                     status=velden.keuze(a.get("status"), STATUS_ANNOTATIE, "Kies een status"),
                     verwijderd=bool(a.get("verwijderd")), revisie=werksessie.revisie,
                     aangemaakt=velden.tijdstip(a.get("aangemaakt"), "aangemaakt"),
                     gewijzigd=velden.tijdstip(a.get("gewijzigd"), "gewijzigd"))


def _afspraak(werksessie: Werksessie, a: dict, gebieden: Gebieden) -> Afspraak:
    """An afspraak as recorded: its value at the time it was made stays, not today's."""
    velden_ = afspraken.lees(a, gebieden)
    vastgelegd = velden.getal_of_niets(_leeg(a.get("huidige_waarde")), "huidige waarde")
    if vastgelegd is not None:
        velden_["huidige_waarde"] = vastgelegd
        jaar = velden.getal_of_niets(_leeg(a.get("basisjaar")), "basisjaar")
        velden_["basisjaar"] = None if jaar is None else int(jaar)  # an export from before the baseline year
    return Afspraak(werksessie_id=werksessie.id, aangemaakt=velden.tijdstip(a.get("aangemaakt"), "aangemaakt"),
                    **velden_)


def _stem(werksessie: Werksessie, v: dict, deelnemers: dict, annotaties: dict, besteed: dict[int, int]) -> Stem:
    deelnemer = _verwijzing(deelnemers, v.get("deelnemer"), "deelnemer")
    doel_soort = velden.keuze(v.get("doel_soort"), {"drukpunt": "drukpunt", "annotatie": "annotatie"},
                              "Een stem geldt een drukpunt of een annotatie")
    doel = (str(_verwijzing(annotaties, v.get("doel"), "annotatie").id) if doel_soort == "annotatie"
            else velden.tekst(v.get("doel"), "doel", 40, verplicht=True))
    aantal = velden.heel(v.get("aantal"), "aantal stippen", 1, 50)
    besteed[deelnemer.id] = besteed.get(deelnemer.id, 0) + aantal
    if besteed[deelnemer.id] > werksessie.stippen:
        raise Weigering(f"deze deelnemer zet meer dan de {werksessie.stippen} stippen die elk heeft.")
    return Stem(werksessie_id=werksessie.id, deelnemer_id=deelnemer.id, doel_soort=doel_soort, doel=doel,
                aantal=aantal)
