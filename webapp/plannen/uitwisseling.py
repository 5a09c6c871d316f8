"""A whole inrichtingsplan as one JSON file and back: every version, with the werksessies held in it.

The file carries each version as the rules read it (``regels.lees_*``, ``regionaal.lees_*``): its fields and
areas, its parties with their role per phase, its tafels, its phases with milestones, for a region its
verdeelsleutel settings, bods and realisations, and its status with the tafel that adopted it. Inside a
version, a tafel's members and the adopting tafel are named by their place in the version's lists (1 is the
first party); the werksessies are embedded once, each as the werksessies' own export package
(``webapp.werksessies.uitwisseling.pakket``), and a phase names them by their place in that list. Nothing
depends on database ids, so an export of an import equals the export it came from.

Importing makes a new plan with new werksessies (and their new links); every record passes the checks a
change through the rules passes, and the first bad one stops the whole import, named in the message.
Vastgesteld versions come back vastgesteld: the import carries a decision that was taken, it takes none.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy.orm import Session

from kaart.kaartbestand import Kaart
from webapp.errors import Weigering
from webapp.plannen import regels, regionaal
from webapp.plannen.model import (
    STATUS_PLAN,
    Bod,
    Fase,
    Fasesessie,
    Mijlpaal,
    Partij,
    Partijrol,
    Plan,
    Plangebied,
    Planversie,
    Realisatie,
    Regioafspraak,
    Tafel,
    Tafellid,
)
from webapp.werksessies import uitwisseling as werksessie_uitwisseling
from webapp.werksessies import velden
from webapp.werksessies.afspraken import Gebieden
from webapp.werksessies.geometrie import Gebiedsindex
from webapp.werksessies.model import Werksessie

FORMAAT = "maatschappelijke-kaart/inrichtingsplan/1"
MAX_VERSIES = 100
MAX_RIJEN = 500
"""Parties, tafels or werksessies in one file: far more than a plan has, few enough to check quickly."""


def _tekst(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


def pakket(session: Session, plan: Plan) -> dict:
    """The plan as plain data (JSON-ready)."""
    werksessies: list[int] = []
    for versie in plan.versies:
        for fase in versie.fasen:
            werksessies += [s.werksessie_id for s in fase.sessies if s.werksessie_id not in werksessies]
    nummers = {versie.id: versie.versie for versie in plan.versies}
    return {"formaat": FORMAAT, "aangemaakt": _tekst(plan.aangemaakt),
            "versies": [_versie(v, nummers, werksessies) for v in plan.versies],
            "werksessies": [werksessie_uitwisseling.pakket(session, session.get(Werksessie, ws))
                            for ws in werksessies]}


def _versie(versie: Planversie, nummers: dict[int, int], werksessies: list[int]) -> dict:
    partijen = [p.id for p in versie.partijen]
    tafels = [t.id for t in versie.tafels]
    return {
        "versie": versie.versie, "vorige": nummers.get(versie.vorige_id),
        **regels.huidige_velden(versie),
        "status": versie.status,
        "vastgesteld_door": tafels.index(versie.vastgesteld_door_id) + 1 if versie.vastgesteld_door_id else None,
        "vastgesteld_op": _tekst(versie.vastgesteld_op),
        "aangemaakt": _tekst(versie.aangemaakt), "gewijzigd": _tekst(versie.gewijzigd),
        "partijen": [{"naam": p.naam, "domein": p.domein, "niveau": p.niveau, "functie": p.functie,
                      "rollen": {r.fase: r.rol for r in p.rollen}} for p in versie.partijen],
        "tafels": [{"naam": t.naam, "soort": t.soort, "niveau": t.niveau, "besluit": t.besluit,
                    "frequentie": t.frequentie, "gebied": t.gebied,
                    "leden": [partijen.index(lid.partij_id) + 1 for lid in t.leden]} for t in versie.tafels],
        "fasen": [{"fase": f.fase, "wat": f.wat, "hoe": f.hoe, "waarom": f.waarom,
                   "waar": f.waar.split(",") if f.waar else [], "waar_indeling": f.waar_indeling,
                   "begin": _tekst(f.begin), "einde": _tekst(f.einde), "status": f.status,
                   "mijlpalen": [{"datum": _tekst(m.datum), "omschrijving": m.omschrijving} for m in f.mijlpalen],
                   "werksessies": [werksessies.index(s.werksessie_id) + 1 for s in f.sessies]}
                  for f in versie.fasen],
        "regioafspraak": regionaal.instellingen(versie),
        "boden": [{"gemeente": b.gemeente, "woonproduct": b.woonproduct, "jaar": b.jaar, "aantal": b.aantal,
                   "locatie": b.locatie, "lat": b.lat, "lon": b.lon} for b in versie.boden],
        "realisaties": [{"gemeente": r.gemeente, "woonproduct": r.woonproduct, "jaar": r.jaar, "status": r.status,
                         "aantal": r.aantal} for r in versie.realisaties],
    }


def naar_json(p: dict) -> bytes:
    return json.dumps(p, ensure_ascii=False, indent=1).encode()


def uit_bestand(data: bytes) -> dict:
    """The package in a JSON file; a Weigering when it is not JSON or not an inrichtingsplan."""
    try:
        p = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise Weigering("Dit bestand is geen JSON. Kies een export van een inrichtingsplan.") from None
    if not isinstance(p, dict) or p.get("formaat") != FORMAAT:
        raise Weigering("Dit bestand is geen export van een inrichtingsplan (het formaat ontbreekt).")
    return p


def _lijst(waarde: object, wat: str, maximum: int = MAX_RIJEN) -> list:
    if not isinstance(waarde, list) or len(waarde) > maximum:
        raise Weigering(f"Het bestand is geen volledige export van een inrichtingsplan ({wat} ontbreken of zijn "
                        f"meer dan {maximum}).")
    return waarde


class _Benoemd(Weigering):
    """A refusal that already names its record, so the version around it adds itself to the name only."""


def _benoemd(waar: str, controle):
    """``controle()``'s result, or its refusal naming the record: "Versie 2, partij 3: ..."."""
    try:
        return controle()
    except _Benoemd as err:
        raise _Benoemd(f"{waar}, {err.melding}", err.code) from None
    except Weigering as err:
        raise _Benoemd(f"{waar}: {err.melding}", err.code) from None


def _rijen(waarde: object, wat: str) -> list[dict]:
    rijen = _lijst(waarde, wat)
    if not all(isinstance(r, dict) for r in rijen):
        raise Weigering(f"Het bestand is geen volledige export van een inrichtingsplan ({wat} zijn geen records).")
    return rijen


def _plek(lijst: list, nummer: object, wat: str):
    """The record at place ``nummer`` (1 is the first) of ``lijst``."""
    rij = velden.rij_id(nummer)
    if rij is None or rij > len(lijst):
        raise Weigering(f"de {wat} waarnaar dit verwijst staat niet in het bestand.")
    return lijst[rij - 1]


def importeer(session: Session, p: dict, bekend: Collection[str], index: Gebiedsindex,
              gebieden: Gebieden, kaart: Kaart) -> tuple[Plan, list[dict[str, str]]]:
    """A new plan from a package, and the links of its new werksessies (in the package's order)."""
    versies = _rijen(p.get("versies"), "de versies")
    if not versies or len(versies) > MAX_VERSIES:
        raise Weigering(f"Een inrichtingsplan heeft 1 tot {MAX_VERSIES} versies.")
    werksessies, links = [], []
    for nummer, ws in enumerate(_rijen(p.get("werksessies"), "de werksessies"), 1):
        werksessie, ws_links = _benoemd(f"Werksessie {nummer}",
                                        lambda: werksessie_uitwisseling.importeer(session, ws, index, gebieden))
        werksessies.append(werksessie)
        links.append(ws_links)
    plan = Plan(aangemaakt=velden.tijdstip(p.get("aangemaakt"), "aangemaakt"))
    for nummer, v in enumerate(versies, 1):
        versie = _benoemd(f"Versie {nummer}", lambda: _versie_uit(v, nummer, len(versies), plan, bekend,
                                                                   werksessies, kaart))
        plan.versies.append(versie)
        session.add(plan)
        session.flush()
    return plan, links


def _versie_uit(v: dict, nummer: int, aantal: int, plan: Plan, bekend: Collection[str],
                werksessies: list[Werksessie], kaart: Kaart) -> Planversie:
    if v.get("versie") != nummer:
        raise Weigering(f"de versies lopen niet op van 1 tot {aantal}.")
    vorige = v.get("vorige")
    if vorige is not None and not (isinstance(vorige, int) and 1 <= vorige < nummer):
        raise Weigering("de vorige versie moet een eerdere versie van dit plan zijn.")
    status = velden.keuze(v.get("status"), STATUS_PLAN, "Kies de status van de versie")
    if status == "concept" and nummer < aantal:
        raise Weigering("een concept heeft geen latere versie; alleen de nieuwste versie kan een concept zijn.")
    kolommen, codes = regels.lees_plan(v, bekend)
    versie = Planversie(versie=nummer, status="concept", aangemaakt=velden.tijdstip(v.get("aangemaakt"), "aangemaakt"),
                        gewijzigd=velden.tijdstip(v.get("gewijzigd"), "gewijzigd"),
                        gebieden=[Plangebied(code=c) for c in codes], **kolommen)
    if vorige is not None:
        versie.vorige_id = plan.versies[vorige - 1].id
    for n, data in enumerate(_rijen(v.get("partijen"), "de partijen"), 1):
        versie.partijen.append(_benoemd(f"partij {n}", lambda: _partij_uit(data)))
    for n, data in enumerate(_rijen(v.get("tafels"), "de tafels"), 1):
        versie.tafels.append(_benoemd(f"tafel {n}", lambda: _tafel_uit(data, versie.partijen, bekend)))
    for n, data in enumerate(_rijen(v.get("fasen"), "de fasen"), 1):
        versie.fasen.append(_benoemd(f"fase {n}", lambda: _fase_uit(data, bekend, werksessies)))
    if len({f.fase for f in versie.fasen}) < len(versie.fasen):
        raise Weigering("een fase staat twee keer in de versie.")
    _regionaal_uit(v, versie, codes, kaart)
    if status == "vastgesteld":
        tafel = _plek(versie.tafels, v.get("vastgesteld_door"), "tafel die het plan vaststelde")
        op = velden.dag(v.get("vastgesteld_op"), "vastgesteld op")
        versie.status, versie.vastgesteld_op, versie.vastgesteld_door = status, op, tafel
    return versie


def _partij_uit(data: dict) -> Partij:
    rollen = data.get("rollen") or {}
    if not isinstance(rollen, dict):
        raise Weigering("geef de rollen per fase, zoals {\"kaart\": \"adviseren\"}.")
    return Partij(**regels.lees_partij(data),
                  rollen=[Partijrol(fase=f, rol=r) for f, r in (regels.lees_rol(*paar) for paar in rollen.items())])


def _tafel_uit(data: dict, partijen: list[Partij], bekend: Collection[str]) -> Tafel:
    leden = list(dict.fromkeys(_plek(partijen, n, "partij") for n in _lijst(data.get("leden") or [], "de leden")))
    return Tafel(**regels.lees_tafel(data, bekend), leden=[Tafellid(partij=p) for p in leden])


def _fase_uit(data: dict, bekend: Collection[str], werksessies: list[Werksessie]) -> Fase:
    kolommen, mijlpalen = regels.lees_fase(data, bekend)
    gekoppeld = list(dict.fromkeys(_plek(werksessies, n, "werksessie")
                                   for n in _lijst(data.get("werksessies") or [], "de werksessies")))
    return Fase(**kolommen, mijlpalen=[Mijlpaal(**m) for m in mijlpalen or []],
                sessies=[Fasesessie(werksessie_id=ws.id) for ws in gekoppeld])


def _regionaal_uit(v: dict, versie: Planversie, codes: list[str], kaart: Kaart) -> None:
    """The regional agreement, its bods and realisations, checked as :mod:`regionaal`'s rules check them."""
    afspraak = v.get("regioafspraak")
    boden, realisaties = _rijen(v.get("boden") or [], "de boden"), _rijen(v.get("realisaties") or [], "de realisaties")
    if afspraak is None and not boden and not realisaties:
        return
    if versie.soort != "regio":
        raise Weigering("een regionale afspraak hoort bij een plan voor een regio, niet bij een gebied.")
    if afspraak is not None:
        if not isinstance(afspraak, dict):
            raise Weigering("de regionale afspraak is geen record met de instellingen van de verdeelsleutel.")
        afspraak = _benoemd("regionale afspraak", lambda: regionaal.lees_afspraak(afspraak, codes, kaart))
        versie.regioafspraak = Regioafspraak(**afspraak)
    for soort, rijen, lees, doel, sleutel, wat in (
            (Bod, boden, lambda *rij: regionaal.lees_bod(*rij, kaart), versie.boden,
             ("gemeente", "woonproduct", "jaar"), "bod"),
            (Realisatie, realisaties, regionaal.lees_realisatie, versie.realisaties,
             ("gemeente", "woonproduct", "jaar", "status"), "realisatie")):
        gezien = set()
        for n, data in enumerate(rijen, 1):
            kolommen = _benoemd(f"{wat} {n}", lambda: _regionaal_rij(lees, data, codes, afspraak))
            if tuple(kolommen[k] for k in sleutel) in gezien:
                raise Weigering(f"{wat} {n} staat twee keer in de versie.")
            gezien.add(tuple(kolommen[k] for k in sleutel))
            doel.append(soort(**kolommen))


def _regionaal_rij(lees, data: dict, codes: list[str], afspraak: dict | None) -> dict:
    kolommen = lees(data, codes, afspraak)
    if not kolommen["aantal"]:
        raise Weigering("geef een aantal van 1 of meer (een export bevat geen lege rijen).")
    return kolommen
