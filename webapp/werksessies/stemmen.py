"""Prioritering with dots: each participant spends at most the werksessie's number of dots on
drukpunten (CBS codes) and annotations, and the ranking counts them.

The limit holds on the server, inside the write transaction that changes a
participant's dots (on SQLite a BEGIN IMMEDIATE one, so two tabs of the same
participant cannot both spend the last dot).
"""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.werksessies.annotaties import haal, ziet
from webapp.errors import Weigering
from webapp.werksessies import fasen, velden
from webapp.werksessies.model import CATEGORIEEN, Annotatie, Deelnemer, Stem, Werksessie

DOELEN = ("drukpunt", "annotatie")


def besteed(session: Session, deelnemer: Deelnemer) -> dict[tuple[str, str], int]:
    """The participant's dots per target."""
    return {(s.doel_soort, s.doel): s.aantal
            for s in session.scalars(select(Stem).where(Stem.deelnemer_id == deelnemer.id))}


def stem(session: Session, werksessie: Werksessie, deelnemer: Deelnemer, doel_soort: str, doel: str, aantal: object,
         drukpunten: set[str]) -> dict:
    """Put ``aantal`` of the participant's dots on one target (0 takes them off); returns what is left."""
    if deelnemer.rol == "lezer":
        raise Weigering("Met een leeslink kunt u niet stemmen.", 403)
    fasen.vereis_open(werksessie, deelnemer, "stemmen")
    if not isinstance(doel_soort, str) or doel_soort not in DOELEN:
        raise Weigering("Stem op een drukpunt of op een annotatie.")
    aantal = velden.heel(aantal, "aantal stippen", 0, 50)
    if isinstance(doel, int) and not isinstance(doel, bool):
        doel = str(doel)
    doel = velden.tekst(doel, "doel", 40)
    if doel_soort == "drukpunt" and doel not in drukpunten:
        raise Weigering(f"‘{doel}’ is geen drukpunt in deze kaart.", 404)
    if doel_soort == "annotatie" and not ziet(haal(session, werksessie, deelnemer, doel), deelnemer):
        raise Weigering("Deze annotatie bestaat niet (meer) in deze werksessie.", 404)
    huidig = besteed(session, deelnemer)
    elders = sum(n for key, n in huidig.items() if key != (doel_soort, doel))
    if elders + aantal > werksessie.stippen:
        raise Weigering(budget_melding(werksessie.stippen, elders, huidig.get((doel_soort, doel), 0)), 409)
    bestaand = session.scalar(select(Stem).where(Stem.deelnemer_id == deelnemer.id, Stem.doel_soort == doel_soort,
                                                 Stem.doel == doel))
    if aantal == 0 and bestaand is not None:
        session.delete(bestaand)
    elif bestaand is not None:
        bestaand.aantal = aantal
    elif aantal:
        session.add(Stem(werksessie_id=werksessie.id, deelnemer_id=deelnemer.id, doel_soort=doel_soort, doel=doel,
                         aantal=aantal))
    werksessie.revisie += 1
    return {"over": werksessie.stippen - elders - aantal, "stippen": werksessie.stippen}


def budget_melding(stippen: int, elders: int, hier: int) -> str:
    """Why one more dot cannot go here, and what to do: in the words of someone holding the dots."""
    over = stippen - elders - hier
    if over <= 0:
        return (f"U heeft al uw {stippen} stippen verdeeld. Haal een stip weg bij een ander doel om hier "
                "een stip te zetten.")
    return f"U heeft nog {over} {'stip' if over == 1 else 'stippen'} over; meer kan hier niet."


def label(tekst: str, lengte: int = 160) -> str:
    """A text for a list: whole when it fits; else its first sentences up to ``lengte`` characters, or cut
    at a word boundary with an ellipsis when even the first sentence is longer."""
    if len(tekst) <= lengte:
        return tekst
    zinnen = re.findall(r"[^.!?]+[.!?]+(?:\s+|$)", tekst[:lengte + 1])
    if zinnen and len(zinnen[0]) >= 20:
        return "".join(zinnen).strip() + " …"
    kort = tekst[:lengte].rsplit(None, 1)[0] if " " in tekst[:lengte] else tekst[:lengte]
    return kort.rstrip(" ,.;:") + "…"


def ranglijst(session: Session, werksessie: Werksessie, deelnemer: Deelnemer, namen: dict[str, str]) -> list[dict]:
    """Targets by their number of dots, most first, with a label; annotations the participant may not see
    are left out."""
    rows = session.execute(select(Stem.doel_soort, Stem.doel, func.sum(Stem.aantal), func.count(Stem.id))
                           .where(Stem.werksessie_id == werksessie.id)
                           .group_by(Stem.doel_soort, Stem.doel)).all()
    mijn = besteed(session, deelnemer)
    result = []
    for soort, doel, totaal, stemmers in rows:
        if soort == "annotatie":
            annotatie = session.get(Annotatie, velden.rij_id(doel))
            if annotatie is None or not ziet(annotatie, deelnemer):
                continue
            tekst = f"{CATEGORIEEN.get(annotatie.categorie, annotatie.categorie)}: {label(annotatie.tekst)}"
        else:
            tekst = namen.get(doel, doel)
        result.append({"doel_soort": soort, "doel": doel, "label": tekst, "stippen": int(totaal),
                       "deelnemers": int(stemmers), "mijn": mijn.get((soort, doel), 0)})
    return sorted(result, key=lambda r: (-r["stippen"], r["label"]))
