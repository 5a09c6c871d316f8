"""Annotations on the map: placing, changing, deleting and restoring them, with their history, and
what each participant may see.

Every change raises the werksessie's revision and stamps the annotation with
it, so a page polling with ``sinds=<revision>`` gets exactly what changed. A
delete is a mark, not a removal, so it can be undone; every change is kept in
``Wijziging`` with the state before and after. With moderation on, a
participant's new annotation waits (visible to its author and the facilitator)
until the facilitator approves it.
"""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaart.datums import moment
from webapp.errors import Weigering
from webapp.werksessies import fasen, velden
from webapp.werksessies.geometrie import Gebiedsindex
from webapp.werksessies.model import (
    CATEGORIEEN,
    Annotatie,
    Deelnemer,
    Werksessie,
    Wijziging,
)
from webapp.werksessies.toegang import nu

MAX_TEKST = 2000
MAX_NAAM = 80


def _facilitator(deelnemer: Deelnemer) -> bool:
    return deelnemer.rol == "facilitator"


def ziet(annotatie: Annotatie, deelnemer: Deelnemer) -> bool:
    """Whether the participant sees the annotation: all for the facilitator, else the visible ones and their own."""
    return not annotatie.verwijderd and bereikbaar(annotatie, deelnemer)


def bereikbaar(annotatie: Annotatie, deelnemer: Deelnemer) -> bool:
    """Whether the participant may reach the annotation at all (read it, vote on it, change it if allowed):
    a hidden or waiting one only its author and the facilitator. For anyone else it does not exist."""
    return _facilitator(deelnemer) or annotatie.status == "zichtbaar" or annotatie.auteur_id == deelnemer.id


def mag_wijzigen(werksessie: Werksessie, annotatie: Annotatie, deelnemer: Deelnemer) -> bool:
    if _facilitator(deelnemer):
        return True
    if deelnemer.rol == "lezer" or not bereikbaar(annotatie, deelnemer):
        return False
    return annotatie.auteur_id == deelnemer.id or not werksessie.alleen_eigen


def als_json(werksessie: Werksessie, annotatie: Annotatie, deelnemer: Deelnemer) -> dict:
    return {"id": annotatie.id, "categorie": annotatie.categorie, "tekst": annotatie.tekst, "naam": annotatie.naam,
            "geometrie": json.loads(annotatie.geometrie), "soort": annotatie.soort,
            "buurten": [c for c in annotatie.buurten.split(",") if c], "status": annotatie.status,
            "eigen": annotatie.auteur_id == deelnemer.id, "mag_wijzigen": mag_wijzigen(werksessie, annotatie, deelnemer),
            "gewijzigd": annotatie.gewijzigd.isoformat(),
            "gewijzigd_tekst": moment(annotatie.gewijzigd), "revisie": annotatie.revisie}


def sinds(session: Session, werksessie: Werksessie, deelnemer: Deelnemer, revisie: int) -> dict:
    """What changed after ``revisie``: annotations to show, and ids to take off the map (``weg``)."""
    changed = session.scalars(select(Annotatie).where(Annotatie.werksessie_id == werksessie.id,
                                                      Annotatie.revisie > revisie).order_by(Annotatie.id))
    tonen, weg = [], []
    for annotatie in changed:
        if ziet(annotatie, deelnemer):
            tonen.append(als_json(werksessie, annotatie, deelnemer))
        else:
            weg.append(annotatie.id)
    return {"revisie": werksessie.revisie, "annotaties": tonen, "weg": weg, "werksessie": fasen.als_json(werksessie)}


def _snapshot(annotatie: Annotatie) -> str:
    return json.dumps({"categorie": annotatie.categorie, "tekst": annotatie.tekst, "naam": annotatie.naam,
                       "geometrie": annotatie.geometrie, "status": annotatie.status,
                       "verwijderd": annotatie.verwijderd}, ensure_ascii=False)


def _vastleggen(session: Session, werksessie: Werksessie, annotatie: Annotatie, deelnemer: Deelnemer, actie: str,
                voor: str) -> None:
    werksessie.revisie += 1
    annotatie.revisie = werksessie.revisie
    annotatie.gewijzigd = nu()
    session.add(Wijziging(annotatie=annotatie, deelnemer_id=deelnemer.id, rol=deelnemer.rol, actie=actie, voor=voor,
                          na=_snapshot(annotatie), tijd=annotatie.gewijzigd))


def tekst(waarde: object) -> str:
    """The explanation of an annotation (required)."""
    return velden.tekst(waarde, "toelichting", MAX_TEKST, verplicht=True, leeg="Schrijf een toelichting bij wat u tekende.")


def naam(waarde: object) -> str:
    """The optional display name of its author."""
    return velden.tekst(waarde, "naam", MAX_NAAM)


def categorie(waarde: object) -> str:
    return velden.keuze(waarde, CATEGORIEEN, "Kies een categorie")


def plaats(session: Session, werksessie: Werksessie, deelnemer: Deelnemer, data: dict,
           index: Gebiedsindex) -> Annotatie:
    """A new annotation from a drawn geometry, a category, a text and an optional display name."""
    if deelnemer.rol == "lezer":
        raise Weigering("Met een leeslink kunt u kijken, niet tekenen.", 403)
    fasen.vereis_open(werksessie, deelnemer, "tekenen")
    geometrie, soort, (minx, miny, maxx, maxy), buurten = index.controleer(data.get("geometrie"))
    annotatie = Annotatie(werksessie_id=werksessie.id, auteur_id=deelnemer.id, categorie=categorie(data.get("categorie")),
                          tekst=tekst(data.get("tekst")), naam=naam(data.get("naam")),
                          geometrie=geometrie, soort=soort, minx=minx, miny=miny, maxx=maxx, maxy=maxy,
                          buurten=",".join(buurten), aangemaakt=nu(), gewijzigd=nu(), revisie=0, verwijderd=False,
                          status="wacht" if werksessie.moderatie and not _facilitator(deelnemer) else "zichtbaar")
    session.add(annotatie)
    _vastleggen(session, werksessie, annotatie, deelnemer, "aangemaakt", "")
    session.flush()
    return annotatie


def haal(session: Session, werksessie: Werksessie, deelnemer: Deelnemer, annotatie_id: object) -> Annotatie:
    """The annotation, if it is in this werksessie and the participant may reach it; else a 404, the same
    answer as for an id that does not exist, so another's hidden annotation gives nothing away."""
    rij = velden.rij_id(annotatie_id)
    annotatie = session.get(Annotatie, rij) if rij is not None else None
    if annotatie is None or annotatie.werksessie_id != werksessie.id or not bereikbaar(annotatie, deelnemer):
        raise Weigering("Deze annotatie bestaat niet (meer) in deze werksessie.", 404)
    return annotatie


def _wijzigbaar(session, werksessie, deelnemer, annotatie_id) -> Annotatie:
    annotatie = haal(session, werksessie, deelnemer, annotatie_id)
    if not mag_wijzigen(werksessie, annotatie, deelnemer):
        raise Weigering("U kunt alleen uw eigen annotaties wijzigen.", 403)
    fasen.vereis_open(werksessie, deelnemer, "tekenen")
    return annotatie


def wijzig(session: Session, werksessie: Werksessie, deelnemer: Deelnemer, annotatie_id: int, data: dict,
           index: Gebiedsindex) -> Annotatie:
    """Change the text, category, display name or geometry of an annotation (the fields given)."""
    annotatie = _wijzigbaar(session, werksessie, deelnemer, annotatie_id)
    if annotatie.verwijderd:
        raise Weigering("Deze annotatie is verwijderd; zet haar eerst terug.", 409)
    voor = _snapshot(annotatie)
    if "categorie" in data:
        annotatie.categorie = categorie(data["categorie"])
    if "tekst" in data:
        annotatie.tekst = tekst(data["tekst"])
    if "naam" in data:
        annotatie.naam = naam(data["naam"])
    if "geometrie" in data:
        geometrie, soort, bounds, buurten = index.controleer(data["geometrie"])
        annotatie.geometrie, annotatie.soort, annotatie.buurten = geometrie, soort, ",".join(buurten)
        annotatie.minx, annotatie.miny, annotatie.maxx, annotatie.maxy = bounds
    _vastleggen(session, werksessie, annotatie, deelnemer, "gewijzigd", voor)
    return annotatie


def verwijder(session: Session, werksessie: Werksessie, deelnemer: Deelnemer, annotatie_id: int) -> Annotatie:
    """Mark an annotation deleted (kept, so the delete can be undone)."""
    return _markeer_verwijderd(session, werksessie, deelnemer, annotatie_id, True)


def herstel(session: Session, werksessie: Werksessie, deelnemer: Deelnemer, annotatie_id: int) -> Annotatie:
    """Undo a delete."""
    return _markeer_verwijderd(session, werksessie, deelnemer, annotatie_id, False)


def _markeer_verwijderd(session, werksessie, deelnemer, annotatie_id: int, verwijderd: bool) -> Annotatie:
    annotatie = _wijzigbaar(session, werksessie, deelnemer, annotatie_id)
    voor = _snapshot(annotatie)
    annotatie.verwijderd = verwijderd
    _vastleggen(session, werksessie, annotatie, deelnemer, "verwijderd" if verwijderd else "hersteld", voor)
    return annotatie


def modereer(session: Session, werksessie: Werksessie, deelnemer: Deelnemer, annotatie_id: int,
             status: str) -> Annotatie:
    """The facilitator approves or restores (``zichtbaar``) or hides (``verborgen``) an annotation."""
    if not _facilitator(deelnemer):
        raise Weigering("Alleen de facilitator kan annotaties goedkeuren of verbergen.", 403)
    if status not in ("zichtbaar", "verborgen"):
        raise Weigering("Kies zichtbaar of verborgen.")
    annotatie = haal(session, werksessie, deelnemer, annotatie_id)
    voor = _snapshot(annotatie)
    actie = {"verborgen": "verborgen", "zichtbaar": "goedgekeurd" if annotatie.status == "wacht" else "getoond"}
    annotatie.status = status
    _vastleggen(session, werksessie, annotatie, deelnemer, actie[status], voor)
    return annotatie


def geschiedenis(session: Session, werksessie: Werksessie, deelnemer: Deelnemer, annotatie_id: int) -> list[dict]:
    """Who changed what, when: for the facilitator and the annotation's author."""
    annotatie = haal(session, werksessie, deelnemer, annotatie_id)
    if not (_facilitator(deelnemer) or annotatie.auteur_id == deelnemer.id):
        raise Weigering("Alleen de auteur en de facilitator zien de geschiedenis van een annotatie.", 403)
    return [{"actie": w.actie, "door": "facilitator" if w.rol == "facilitator" else
             ("u" if w.deelnemer_id == deelnemer.id else "een deelnemer"),
             "tijd": w.tijd.isoformat(), "tijd_tekst": moment(w.tijd),
             "voor": json.loads(w.voor) if w.voor else None, "na": json.loads(w.na) if w.na else None}
            for w in annotatie.wijzigingen]


GEWIST = "[tekst verwijderd na de bewaartermijn]"


def wis_tekst(session: Session, werksessie: Werksessie, tijd) -> int:
    """Purge the free text of a werksessie (annotation texts, display names, their history); the
    drawings, categories, votes and afspraken stay. Returns how many annotations were purged."""
    gewist = 0
    for annotatie in session.scalars(select(Annotatie).where(Annotatie.werksessie_id == werksessie.id)):
        annotatie.tekst, annotatie.naam = GEWIST, ""
        for wijziging in annotatie.wijzigingen:
            wijziging.voor = wijziging.na = ""
        werksessie.revisie += 1
        annotatie.revisie = werksessie.revisie
        gewist += 1
    werksessie.tekst_gewist = tijd
    return gewist


def wis_verlopen(session: Session, vandaag) -> list[int]:
    """Purge the free text of every werksessie whose retention period (after its end date) has passed."""
    verlopen = [w for w in session.scalars(select(Werksessie).where(Werksessie.tekst_gewist.is_(None)))
                if w.einde + timedelta(days=w.bewaartermijn_dagen) < vandaag]
    for werksessie in verlopen:
        wis_tekst(session, werksessie, nu())
    return [w.id for w in verlopen]
