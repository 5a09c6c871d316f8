"""Afspraken: SMART agreements per area, recorded by the facilitator.

Wat (what), wie (parties, each with its role: adviseren, co-creëren,
meebeslissen, the rungs of participation the inrichtingsplan names), wanneer
(a date), a measurable target on an indicator of the kaart (its current value
taken from the kaart, a target value and year) and a status. :func:`lees`
checks every field, for the page and for an import alike; :func:`zin` says the
agreement as the sentence a council reads in its decision document.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from kaart.datums import datum
from kaart.getallen import weergave
from kaart.voortgang import Voortgang, voortgang
from webapp.errors import Weigering
from webapp.werksessies import velden
from webapp.werksessies.model import (
    ROLLEN_PARTIJ,
    STATUS_AFSPRAAK,
    Afspraak,
    Deelnemer,
    Werksessie,
)
from webapp.werksessies.toegang import nu, vereis_facilitator

MAX_WAT = 2000
MAX_PARTIJ = 200


@dataclass(frozen=True)
class Gebieden:
    """What an afspraak needs of the kaart: area names by code, the indicators it has values for (id ->
    (label, unit)), and an indicator's current value in an area (None when unknown)."""

    namen: dict[str, str]
    indicatoren: dict[str, tuple[str, str]]
    huidige_waarde: Callable[[str, str], float | None]
    basisjaar: int | None = None
    """The year of the kaart's figures: the baseline year of an afspraak made now."""
    reeks: Callable[[str, str], pd.DataFrame] | None = None
    """An indicator's series in an area (``kaart.reeksen.reeks``), to monitor an afspraak against."""

    def code(self, waarde: object) -> str:
        """The area's code from its code or its exact name as typed (a name two areas share is refused)."""
        tekst = velden.tekst(waarde, "gebied", 200, verplicht=True, leeg="Kies het gebied van de afspraak.")
        if tekst.upper() in self.namen:
            return tekst.upper()
        codes = [c for c, naam in self.namen.items() if naam.casefold() == tekst.casefold()]
        if len(codes) == 1:
            return codes[0]
        voorbeeld = next(iter(self.namen.values()), "")
        if codes:
            raise Weigering(f"Er zijn {len(codes)} gebieden met de naam ‘{tekst}’. Kies het gebied op de kaart.")
        raise Weigering(f"‘{tekst}’ is geen gebied van deze kaart. Kies het gebied op de kaart of zoek het op "
                        f"naam, zoals ‘{voorbeeld}’.")


def lees(data: dict, gebieden: Gebieden) -> dict:
    """The checked fields of an afspraak (the columns of :class:`Afspraak` except the ids and times)."""
    gebied = gebieden.code(data.get("gebied"))
    wat = velden.tekst(data.get("wat"), "wat", MAX_WAT, verplicht=True,
                       leeg="Beschrijf wat er wordt afgesproken.")
    wie = data.get("wie")
    if isinstance(wie, str):  # as an export stores it
        try:
            wie = json.loads(wie)
        except json.JSONDecodeError:
            wie = None
    rollen = ", ".join(ROLLEN_PARTIJ.values()).lower()
    if not isinstance(wie, list) or not 1 <= len(wie) <= 20 or not all(isinstance(p, dict) for p in wie):
        raise Weigering(f"Noem 1 tot 20 partijen, elk met een rol: {rollen}.")
    partijen = [{"partij": velden.tekst(p.get("partij"), "partij", MAX_PARTIJ, verplicht=True,
                                        leeg=f"Noem bij elke partij de naam en een rol: {rollen}."),
                 "rol": velden.keuze(p.get("rol"), ROLLEN_PARTIJ, "Geef alle partijen een rol")} for p in wie]
    indicator = velden.tekst(data.get("indicator"), "indicator", 80)
    if indicator and indicator not in gebieden.indicatoren:
        raise Weigering(f"‘{indicator}’ is geen indicator van deze kaart. Kies er een uit de lijst.")
    doeljaar = velden.getal_of_niets(data.get("doeljaar"), "doeljaar")
    if doeljaar is not None and not (2000 <= doeljaar <= 2100 and doeljaar == int(doeljaar)):
        raise Weigering("Geef als doeljaar een jaartal, zoals 2030.")
    return {"gebied": gebied, "wat": wat, "wie": json.dumps(partijen, ensure_ascii=False),
            "wanneer": velden.dag(data.get("wanneer"), "wanneer"), "indicator": indicator,
            "huidige_waarde": gebieden.huidige_waarde(gebied, indicator) if indicator else None,
            "basisjaar": gebieden.basisjaar if indicator else None,
            "doelwaarde": velden.getal_of_niets(data.get("doelwaarde"), "doelwaarde"),
            "doeljaar": None if doeljaar is None else int(doeljaar),
            "status": velden.keuze(data.get("status") or "gepland", STATUS_AFSPRAAK, "Kies een status")}


def leg_vast(session: Session, werksessie: Werksessie, deelnemer: Deelnemer, data: dict,
             gebieden: Gebieden) -> Afspraak:
    """Record an agreement."""
    vereis_facilitator(deelnemer, "Alleen de facilitator legt afspraken vast.")
    afspraak = Afspraak(werksessie_id=werksessie.id, aangemaakt=nu(), **lees(data, gebieden))
    session.add(afspraak)
    werksessie.revisie += 1
    session.flush()
    return afspraak


def zet_status(session: Session, werksessie: Werksessie, deelnemer: Deelnemer, afspraak_id: object,
               status: object) -> Afspraak:
    vereis_facilitator(deelnemer, "Alleen de facilitator legt afspraken vast.")
    rij = velden.rij_id(afspraak_id)
    afspraak = session.get(Afspraak, rij) if rij is not None else None
    if afspraak is None or afspraak.werksessie_id != werksessie.id:
        raise Weigering("Deze afspraak bestaat niet in deze werksessie.", 404)
    afspraak.status = velden.keuze(status, STATUS_AFSPRAAK, "Kies een status")
    werksessie.revisie += 1
    return afspraak


def _opsomming(delen: list[str]) -> str:
    return delen[0] if len(delen) == 1 else ", ".join(delen[:-1]) + " en " + delen[-1]


def zin(afspraak: Afspraak, gebieden: Gebieden) -> str:
    """The agreement as one sentence: "In De Weide: buurtkamer openen. Door Gemeente (meebeslissen) en
    Wijkteam (co-creëren), uiterlijk 1 maart 2027. Doel: Huishoudens met een laag inkomen van 22,6% naar
    18% in 2028. Status: gepland."."""
    gebied = gebieden.namen.get(afspraak.gebied, afspraak.gebied)
    wie = _opsomming([f"{p['partij']} ({ROLLEN_PARTIJ.get(p['rol'], p['rol']).lower()})"
                      for p in json.loads(afspraak.wie)])
    delen = [f"In {gebied}: {afspraak.wat.rstrip('.')}.", f"Door {wie}, uiterlijk {datum(afspraak.wanneer)}."]
    if afspraak.indicator:
        label, eenheid = gebieden.indicatoren.get(afspraak.indicator, (afspraak.indicator, ""))
        doel = f"Doel: {label[0].lower() + label[1:]}"
        if afspraak.huidige_waarde is not None:
            doel += f" van {weergave(afspraak.huidige_waarde, eenheid)}"
        if afspraak.doelwaarde is not None:
            doel += f" naar {weergave(afspraak.doelwaarde, eenheid)}"
        if afspraak.doeljaar:
            doel += f" in {afspraak.doeljaar}"
        delen.append(doel + ".")
    delen.append(f"Status: {STATUS_AFSPRAAK.get(afspraak.status, afspraak.status).lower()}.")
    return " ".join(delen)


def voortgang_van(afspraak: Afspraak, gebieden: Gebieden) -> Voortgang | None:
    """The afspraak held against the kaart's later years; None without a target on an indicator or a baseline."""
    if not (afspraak.indicator and afspraak.doelwaarde is not None and afspraak.huidige_waarde is not None
            and afspraak.basisjaar and gebieden.reeks and afspraak.indicator in gebieden.indicatoren):
        return None
    eenheid = gebieden.indicatoren[afspraak.indicator][1]
    return voortgang(afspraak.basisjaar, afspraak.huidige_waarde, afspraak.doelwaarde, afspraak.doeljaar,
                     gebieden.reeks(afspraak.gebied, afspraak.indicator), eenheid)


@dataclass(frozen=True)
class Monitorregel:
    """One afspraak on the monitor page, as its texts: the sentence, the baseline, the later years, the target,
    the status and its rule (None where the afspraak has no target on an indicator to hold it against)."""

    zin: str
    gebied: str
    indicator: str
    basis: str | None
    later: list[str]
    doel: str | None
    status: str | None
    regel: str | None


def monitorregel(afspraak: Afspraak, gebieden: Gebieden) -> Monitorregel:
    v = voortgang_van(afspraak, gebieden)
    label, eenheid = gebieden.indicatoren.get(afspraak.indicator, (afspraak.indicator, ""))
    gebied = gebieden.namen.get(afspraak.gebied, afspraak.gebied)
    if v is None:
        return Monitorregel(zin(afspraak, gebieden), gebied, label, None, [], None, None,
                            "Geen doel op een indicator met een basiscijfer: niet te volgen in de kaart.")
    later = [f"{jaar}: {weergave(w, eenheid)}" + ("" if st == "officieel" else f" ({st})") for jaar, w, st in v.later]
    doel = weergave(v.doelwaarde, eenheid) + (f" in {v.doeljaar}" if v.doeljaar else "")
    return Monitorregel(zin(afspraak, gebieden), gebied, label, f"{weergave(v.basiswaarde, eenheid)} ({v.basisjaar})",
                        later, doel, v.status, v.regel)


def als_json(afspraak: Afspraak, gebieden: Gebieden) -> dict:
    v = voortgang_van(afspraak, gebieden)
    return {"id": afspraak.id, "gebied": afspraak.gebied, "gebiedsnaam": gebieden.namen.get(afspraak.gebied, ""),
            "wat": afspraak.wat, "wie": json.loads(afspraak.wie), "wanneer": afspraak.wanneer.isoformat(),
            "wanneer_tekst": datum(afspraak.wanneer), "indicator": afspraak.indicator,
            "huidige_waarde": afspraak.huidige_waarde, "doelwaarde": afspraak.doelwaarde,
            "doeljaar": afspraak.doeljaar, "status": afspraak.status, "zin": zin(afspraak, gebieden),
            "basisjaar": afspraak.basisjaar,
            "voortgang": None if v is None else {"status": v.status, "regel": v.regel,
                                                 "later": [{"jaar": j, "waarde": w, "status": st}
                                                           for j, w, st in v.later]}}
