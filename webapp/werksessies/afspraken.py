"""Afspraken: SMART agreements per area, recorded by the facilitator.

Wat (what), wie (parties, each with its role: adviseren, co-creëren,
meebeslissen, the rungs of participation the inrichtingsplan names), wanneer
(a date), a measurable target on an indicator of the kaart (its current value
taken from the kaart, a target value and year) and a status.
"""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy.orm import Session

from kaart.getallen import lees_getal
from webapp.errors import Weigering
from webapp.werksessies.model import (
    ROLLEN_PARTIJ,
    STATUS_AFSPRAAK,
    Afspraak,
    Deelnemer,
    Werksessie,
)
from webapp.werksessies.toegang import nu, vereis_facilitator


def _getal(data: dict, veld: str) -> float | None:
    waarde = data.get(veld)
    if waarde in (None, ""):
        return None
    try:
        return lees_getal(str(waarde))
    except ValueError:
        raise Weigering(f"‘{waarde}’ is geen getal ({veld}).") from None


def leg_vast(session: Session, werksessie: Werksessie, deelnemer: Deelnemer, data: dict,
             gebieden: dict[str, str], huidige_waarde) -> Afspraak:
    """Record an agreement. ``gebieden`` maps the kaart's codes to names; ``huidige_waarde(code, indicator)``
    gives an indicator's current value (None when unknown) or raises KeyError for an unknown indicator."""
    vereis_facilitator(deelnemer, "Alleen de facilitator legt afspraken vast.")
    gebied = str(data.get("gebied", "")).strip().upper()
    if gebied not in gebieden:
        raise Weigering(f"‘{gebied}’ is geen gebied in deze kaart. Geef de CBS-code, zoals BU05050101.")
    wat = str(data.get("wat", "")).strip()
    if not wat or len(wat) > 2000:
        raise Weigering("Beschrijf wat er wordt afgesproken (1 tot 2000 tekens).")
    wie = data.get("wie")
    if not isinstance(wie, list) or not 1 <= len(wie) <= 20 or not all(
            isinstance(p, dict) and str(p.get("partij", "")).strip() and p.get("rol") in ROLLEN_PARTIJ for p in wie):
        raise Weigering("Noem 1 tot 20 partijen, elk met een rol: " + ", ".join(ROLLEN_PARTIJ.values()).lower() + ".")
    try:
        wanneer = date.fromisoformat(str(data.get("wanneer", "")))
    except ValueError:
        raise Weigering("Geef bij ‘wanneer’ een datum (jjjj-mm-dd).") from None
    indicator = str(data.get("indicator") or "")
    huidig = None
    if indicator:
        try:
            huidig = huidige_waarde(gebied, indicator)
        except KeyError:
            raise Weigering(f"‘{indicator}’ is geen indicator van deze kaart.") from None
    doeljaar = _getal(data, "doeljaar")
    if doeljaar is not None and not (2000 <= doeljaar <= 2100 and doeljaar == int(doeljaar)):
        raise Weigering("Geef als doeljaar een jaartal, zoals 2030.")
    status = data.get("status") or "gepland"
    if status not in STATUS_AFSPRAAK:
        raise Weigering(f"Kies een status: {', '.join(STATUS_AFSPRAAK.values()).lower()}.")
    afspraak = Afspraak(werksessie_id=werksessie.id, gebied=gebied, wat=wat,
                        wie=json.dumps([{"partij": str(p["partij"]).strip()[:200], "rol": p["rol"]} for p in wie],
                                       ensure_ascii=False),
                        wanneer=wanneer, indicator=indicator, huidige_waarde=huidig,
                        doelwaarde=_getal(data, "doelwaarde"), doeljaar=None if doeljaar is None else int(doeljaar),
                        status=status, aangemaakt=nu())
    session.add(afspraak)
    werksessie.revisie += 1
    session.flush()
    return afspraak


def zet_status(session: Session, werksessie: Werksessie, deelnemer: Deelnemer, afspraak_id: int,
               status: str) -> Afspraak:
    vereis_facilitator(deelnemer, "Alleen de facilitator legt afspraken vast.")
    afspraak = session.get(Afspraak, afspraak_id)
    if afspraak is None or afspraak.werksessie_id != werksessie.id:
        raise Weigering("Deze afspraak bestaat niet in deze werksessie.", 404)
    if status not in STATUS_AFSPRAAK:
        raise Weigering(f"Kies een status: {', '.join(STATUS_AFSPRAAK.values()).lower()}.")
    afspraak.status = status
    werksessie.revisie += 1
    return afspraak


def als_json(afspraak: Afspraak, gebieden: dict[str, str]) -> dict:
    return {"id": afspraak.id, "gebied": afspraak.gebied, "gebiedsnaam": gebieden.get(afspraak.gebied, ""),
            "wat": afspraak.wat, "wie": json.loads(afspraak.wie), "wanneer": afspraak.wanneer.isoformat(),
            "indicator": afspraak.indicator, "huidige_waarde": afspraak.huidige_waarde,
            "doelwaarde": afspraak.doelwaarde, "doeljaar": afspraak.doeljaar, "status": afspraak.status}
