"""Prioritering with dots: each participant spends at most the werksessie's number of dots on
drukpunten (CBS codes) and annotations, and the ranking counts them.

The limit holds on the server, inside the write transaction that changes a
participant's dots (on SQLite a BEGIN IMMEDIATE one, so two tabs of the same
participant cannot both spend the last dot).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.werksessies.annotaties import haal, ziet
from webapp.errors import Weigering
from webapp.werksessies.model import Annotatie, Deelnemer, Stem, Werksessie

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
    if doel_soort not in DOELEN:
        raise Weigering("Stem op een drukpunt of op een annotatie.")
    if not isinstance(aantal, int) or isinstance(aantal, bool) or aantal < 0:
        raise Weigering("Het aantal stippen moet een heel getal van 0 of meer zijn.")
    doel = str(doel)
    if doel_soort == "drukpunt" and doel not in drukpunten:
        raise Weigering(f"‘{doel}’ is geen drukpunt in deze kaart.", 404)
    if doel_soort == "annotatie":
        if not doel.isdigit() or not ziet(haal(session, werksessie, int(doel)), deelnemer):
            raise Weigering("Deze annotatie bestaat niet (meer) in deze werksessie.", 404)
    huidig = besteed(session, deelnemer)
    elders = sum(n for key, n in huidig.items() if key != (doel_soort, doel))
    if elders + aantal > werksessie.stippen:
        raise Weigering(f"U heeft {werksessie.stippen} stippen; er zijn er nog {werksessie.stippen - elders} over "
                        "voor dit doel. Haal eerst stippen weg bij een ander doel.", 409)
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
            annotatie = session.get(Annotatie, int(doel))
            if annotatie is None or not ziet(annotatie, deelnemer):
                continue
            label = f"{annotatie.categorie.capitalize()}: {annotatie.tekst[:80]}"
        else:
            label = namen.get(doel, doel)
        result.append({"doel_soort": soort, "doel": doel, "label": label, "stippen": int(totaal),
                       "deelnemers": int(stemmers), "mijn": mijn.get((soort, doel), 0)})
    return sorted(result, key=lambda r: (-r["stippen"], r["label"]))
