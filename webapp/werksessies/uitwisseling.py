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

from webapp.errors import Weigering
from webapp.werksessies.geometrie import Gebiedsindex
from webapp.werksessies.model import (
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
            "afspraken": ("gebied", "wat", "wie", "wanneer", "indicator", "huidige_waarde", "doelwaarde", "doeljaar",
                          "status", "aangemaakt")}
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
                       "indicator": a.indicator, "huidige_waarde": a.huidige_waarde, "doelwaarde": a.doelwaarde,
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
    value = _leeg(value)
    return None if value is None else int(value)


def _tijd(value) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def importeer(session: Session, p: dict, index: Gebiedsindex) -> tuple[Werksessie, dict[str, str]]:
    """A new werksessie from a package, with new links; every geometry is checked as if drawn."""
    if len(p.get("annotaties", [])) > MAX_ANNOTATIES:
        raise Weigering(f"Een werksessie kan hooguit {MAX_ANNOTATIES} annotaties hebben.")
    try:
        s = p["werksessie"]
        werksessie, links = maak_werksessie(
            session, s["titel"], s["regio"], s["fase"], date.fromisoformat(s["begin"]), date.fromisoformat(s["einde"]),
            stippen=int(s["stippen"]), moderatie=bool(s["moderatie"]), alleen_eigen=bool(s["alleen_eigen"]),
            bewaartermijn_dagen=int(s["bewaartermijn_dagen"]), verleden=True)
        deelnemers = {}
        for d in p["deelnemers"]:
            deelnemer = Deelnemer(werksessie_id=werksessie.id, rol=d["rol"], aangemaakt=_tijd(d["aangemaakt"]))
            session.add(deelnemer)
            session.flush()
            deelnemers[_id(d["id"])] = deelnemer.id
        annotaties = {}
        for a in p["annotaties"]:
            try:
                geometrie, soort, (minx, miny, maxx, maxy), buurten = index.controleer(a["geometrie"])
            except Weigering as err:
                raise Weigering(f"Annotatie {a['id']}: {err.melding}") from None
            werksessie.revisie += 1
            annotatie = Annotatie(werksessie_id=werksessie.id, auteur_id=deelnemers.get(_id(a["auteur"])),
                                  categorie=a["categorie"], tekst=a["tekst"], naam=a["naam"] or "",
                                  geometrie=geometrie, soort=soort, minx=minx, miny=miny, maxx=maxx, maxy=maxy,
                                  buurten=",".join(buurten), status=a["status"], verwijderd=bool(a["verwijderd"]),
                                  revisie=werksessie.revisie, aangemaakt=_tijd(a["aangemaakt"]),
                                  gewijzigd=_tijd(a["gewijzigd"]))
            session.add(annotatie)
            session.flush()
            annotaties[_id(a["id"])] = annotatie.id
        for w in p["wijzigingen"]:
            session.add(Wijziging(annotatie_id=annotaties[_id(w["annotatie"])],
                                  deelnemer_id=deelnemers.get(_id(w["deelnemer"])),
                                  rol=w["rol"], actie=w["actie"], voor=w["voor"] or "", na=w["na"],
                                  tijd=_tijd(w["tijd"])))
        for v in p["stemmen"]:
            doel = str(annotaties[int(v["doel"])]) if v["doel_soort"] == "annotatie" else v["doel"]
            session.add(Stem(werksessie_id=werksessie.id, deelnemer_id=deelnemers[_id(v["deelnemer"])],
                             doel_soort=v["doel_soort"], doel=doel, aantal=int(v["aantal"])))
        for a in p["afspraken"]:
            session.add(Afspraak(werksessie_id=werksessie.id, gebied=a["gebied"], wat=a["wat"], wie=a["wie"],
                                 wanneer=date.fromisoformat(a["wanneer"]), indicator=a["indicator"] or "",
                                 huidige_waarde=_leeg(a["huidige_waarde"]), doelwaarde=_leeg(a["doelwaarde"]),
                                 doeljaar=_id(a["doeljaar"]),
                                 status=a["status"], aangemaakt=_tijd(a["aangemaakt"])))
        session.flush()
    except (KeyError, TypeError, ValueError) as err:
        raise Weigering(f"Het bestand is geen volledige export van een werksessie (ontbreekt of ongeldig: {err}).") \
            from None
    werksessie.revisie += 1
    return werksessie, links
