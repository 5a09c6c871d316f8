"""The rules of an inrichtingsplan: every change to a plan goes through one function here (those of a regional
plan's agreement in :mod:`webapp.plannen.regionaal`, by the same pattern).

Each function takes the session of one write transaction (``Opslag.schrijf``), checks everything it was
given before it writes anything, and raises a :class:`Weigering` with a Dutch message naming the field and
the fix; the transaction then rolls back, so a refused change leaves nothing half-saved. The ``lees_*``
functions hold the checks of one record and are shared with the import, which is exactly as strict.

A vastgesteld version is a decision a council or tafel took: every change to it is refused (409) and
:func:`nieuwe_versie` makes the concept that carries the work on. Areas are checked against the kaart's
codes (``bekend``, the caller's set of the codes in the kaart), so a plan never names an area the kaart
cannot show.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kaart import codes
from kaart.datums import datum
from kaart.verdeelsleutel import REGIOSOORTEN as INDELINGEN
from webapp.errors import Weigering
from webapp.plannen.model import (
    AFSPRAAKVELDEN,
    DOMEINEN,
    FASEN_PLAN,
    NIVEAUS_PARTIJ,
    NIVEAUS_TAFEL,
    SOORTEN_PLAN,
    SOORTEN_TAFEL,
    STATUS_FASE,
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
from webapp.werksessies import velden
from webapp.werksessies.model import ROLLEN_PARTIJ, Werksessie
from webapp.werksessies.toegang import nu

MAX_TEKST = 4000
MAX_GEBIEDEN = 500
"""A drawn kern is a few dozen buurten; a region a few dozen gemeenten."""
MAX_MIJLPALEN = 50
WAAR_INDELINGEN = {"gemeente": "per gemeente", **INDELINGEN}
"""The divisions a phase can work in: per gemeente, or per region of one kind of regio-indeling."""
PLANVELDEN = ("titel", "soort", "getekend", "gebiedsnaam", "indeling_soort", "indeling_naam", "doel", "opzet",
              "verwachtingen", "initiatiefnemers")


def _opsomming(opties: dict[str, str]) -> str:
    return ", ".join(v.lower() for v in opties.values())


def _gebieden(waarde: object, bekend: Collection[str], veld: str, *, verplicht: bool) -> list[str]:
    """CBS codes as a list (duplicates dropped, order kept), each one an area of the kaart."""
    if waarde is None or waarde == "":
        waarde = []
    if isinstance(waarde, str):
        waarde = [deel for deel in waarde.split(",") if deel.strip()]
    if not isinstance(waarde, list) or not all(isinstance(c, str) for c in waarde):
        raise Weigering(f"Geef bij ‘{veld}’ een lijst van CBS-codes, zoals BU05050101.")
    gekozen = list(dict.fromkeys(c.strip().upper() for c in waarde))
    if verplicht and not gekozen:
        raise Weigering(f"Kies bij ‘{veld}’ ten minste één gebied van de kaart.")
    if len(gekozen) > MAX_GEBIEDEN:
        raise Weigering(f"Kies bij ‘{veld}’ hooguit {MAX_GEBIEDEN} gebieden.")
    for code in gekozen:
        if code not in bekend:
            raise Weigering(f"‘{code}’ is geen gebied van deze kaart ({veld}). Kies gebieden op de kaart.")
    return gekozen


def _niveau(code: str) -> str | None:
    return codes.niveau(code) if codes.is_valid(code) else None


def lees_plan(data: dict, bekend: Collection[str]) -> tuple[dict, list[str]]:
    """The checked columns of a plan version (``PLANVELDEN``) and its area codes.

    A gebied is one or more CBS areas, or (``getekend``) buurten that together make one named area such as
    a kern; a regio is two or more gemeenten, optionally following one regio-indeling."""
    soort = velden.keuze(data.get("soort"), SOORTEN_PLAN, "Kies of het plan een gebied of een regio geldt")
    kolommen = {"titel": velden.tekst(data.get("titel"), "titel", 200, verplicht=True,
                                      leeg="Geef het plan een titel."),
                "soort": soort, "getekend": bool(data.get("getekend")),
                "gebiedsnaam": velden.tekst(data.get("gebiedsnaam"), "naam van het gebied", 200),
                "indeling_soort": velden.tekst(data.get("indeling_soort"), "regio-indeling", 40),
                "indeling_naam": velden.tekst(data.get("indeling_naam"), "naam van de regio", 200)}
    for veld in ("doel", "opzet", "verwachtingen", "initiatiefnemers"):
        kolommen[veld] = velden.tekst(data.get(veld), veld, MAX_TEKST)
    gebieden = _gebieden(data.get("gebieden"), bekend, "gebieden", verplicht=True)
    if soort == "regio":
        if kolommen["getekend"]:
            raise Weigering("Een regio bestaat uit gemeenten, niet uit een getekend gebied.")
        if len(gebieden) < 2 or any(_niveau(c) != "gemeente" for c in gebieden):
            raise Weigering("Een regio bestaat uit twee of meer gemeenten. Kies de gemeenten van de regio.")
        if kolommen["indeling_soort"]:
            velden.keuze(kolommen["indeling_soort"], INDELINGEN, "Kies een regio-indeling")
        elif kolommen["indeling_naam"]:
            raise Weigering(f"Zeg bij de naam van de regio welke indeling het is: {_opsomming(INDELINGEN)}.")
    else:
        if kolommen["indeling_soort"] or kolommen["indeling_naam"]:
            raise Weigering("Een regio-indeling hoort bij een plan voor een regio, niet bij een gebied.")
        if kolommen["getekend"]:
            if any(_niveau(c) != "buurt" for c in gebieden):
                raise Weigering("Een getekend gebied bestaat uit buurten. Kies alleen buurten.")
            if not kolommen["gebiedsnaam"]:
                raise Weigering("Geef het getekende gebied een naam, zoals de naam van de kern.")
    return kolommen, gebieden


def lees_partij(data: dict) -> dict:
    """The checked columns of a party: an organisation and at most a function, never a person's name."""
    return {"naam": velden.tekst(data.get("naam"), "organisatie", 200, verplicht=True,
                                 leeg="Noem de organisatie van de partij."),
            "domein": velden.keuze(data.get("domein"), DOMEINEN, "Kies het domein van de partij"),
            "niveau": velden.keuze(data.get("niveau"), NIVEAUS_PARTIJ, "Kies het niveau van de partij"),
            "functie": velden.tekst(data.get("functie"), "functie", 200)}


def lees_rol(fase: object, rol: object) -> tuple[str, str]:
    """A phase and a party's role in it."""
    return (velden.keuze(fase, FASEN_PLAN, "Kies een fase"),
            velden.keuze(rol, ROLLEN_PARTIJ, "Kies een rol"))


def lees_tafel(data: dict, bekend: Collection[str]) -> dict:
    """The checked columns of a tafel (its members are checked against the version, in :func:`voeg_tafel_toe`)."""
    gebied = velden.tekst(data.get("gebied"), "gebied van de tafel", 20).upper()
    if gebied and gebied not in bekend:
        raise Weigering(f"‘{gebied}’ is geen gebied van deze kaart (gebied van de tafel).")
    return {"naam": velden.tekst(data.get("naam"), "naam", 200, verplicht=True, leeg="Geef de tafel een naam."),
            "soort": velden.keuze(data.get("soort"), SOORTEN_TAFEL, "Kies de soort tafel"),
            "niveau": velden.keuze(data.get("niveau"), NIVEAUS_TAFEL, "Kies het niveau van de tafel"),
            "besluit": velden.tekst(data.get("besluit"), "waarover de tafel besluit", MAX_TEKST),
            "frequentie": velden.tekst(data.get("frequentie"), "hoe vaak de tafel bijeenkomt", 80),
            "gebied": gebied}


def _dag_of_niets(waarde: object, veld: str) -> date | None:
    return None if waarde is None or waarde == "" else velden.dag(waarde, veld)


def lees_fase(data: dict, bekend: Collection[str]) -> tuple[dict, list[dict] | None]:
    """The checked columns of a phase and its milestones (None: not given, keep the ones it has).

    WANNEER holds together: the end on or after the start, and every milestone inside the phase."""
    kolommen = {"fase": velden.keuze(data.get("fase"), FASEN_PLAN, "Kies een fase"),
                "waar": ",".join(_gebieden(data.get("waar"), bekend, "waar", verplicht=False)),
                "waar_indeling": velden.tekst(data.get("waar_indeling"), "indeling", 40),
                "begin": _dag_of_niets(data.get("begin"), "begin"),
                "einde": _dag_of_niets(data.get("einde"), "einde"),
                "status": velden.keuze(data.get("status") or "gepland", STATUS_FASE, "Kies de status van de fase")}
    for veld in ("wat", "hoe", "waarom"):
        kolommen[veld] = velden.tekst(data.get(veld), veld, MAX_TEKST)
    if kolommen["waar_indeling"]:
        velden.keuze(kolommen["waar_indeling"], WAAR_INDELINGEN, "Kies de indeling waarin de fase werkt")
    if kolommen["begin"] and kolommen["einde"] and kolommen["einde"] < kolommen["begin"]:
        raise Weigering(f"De fase eindigt ({datum(kolommen['einde'])}) voor ze begint "
                        f"({datum(kolommen['begin'])}). Kies een einddatum op of na de begindatum.")
    mijlpalen = data.get("mijlpalen")
    if mijlpalen is None:
        return kolommen, None
    if not isinstance(mijlpalen, list) or len(mijlpalen) > MAX_MIJLPALEN \
            or not all(isinstance(m, dict) for m in mijlpalen):
        raise Weigering(f"Geef de mijlpalen als een lijst van hooguit {MAX_MIJLPALEN}, elk met een datum en een "
                        "omschrijving.")
    gelezen = sorted(({"datum": velden.dag(m.get("datum"), "datum van de mijlpaal"),
                       "omschrijving": velden.tekst(m.get("omschrijving"), "mijlpaal", 200, verplicht=True,
                                                    leeg="Beschrijf elke mijlpaal.")} for m in mijlpalen),
                     key=lambda m: m["datum"])
    for m in gelezen:
        controleer_mijlpaal(m["datum"], m["omschrijving"], kolommen["begin"], kolommen["einde"])
    return kolommen, gelezen


def controleer_mijlpaal(dag: date, omschrijving: str, begin: date | None, einde: date | None) -> None:
    """A Weigering when a milestone falls outside its phase's dates (an open end bounds nothing)."""
    if (begin and dag < begin) or (einde and dag > einde):
        periode = " tot en met ".join(datum(d) for d in (begin, einde) if d) if begin and einde else (
            f"vanaf {datum(begin)}" if begin else f"tot en met {datum(einde)}")
        raise Weigering(f"De mijlpaal ‘{omschrijving}’ ({datum(dag)}) valt buiten de fase ({periode}). "
                        "Verschuif de mijlpaal of de fase.")


def vereis_concept(versie: Planversie) -> None:
    """A Weigering (409) for any change to a vastgesteld version."""
    if versie.status == "vastgesteld":
        raise Weigering(f"Versie {versie.versie} van dit plan is vastgesteld op {datum(versie.vastgesteld_op)} en "
                        "verandert niet meer. Maak een nieuwe versie om verder te werken.", 409)


def gewijzigd(session: Session, versie: Planversie) -> Planversie:
    """Stamp the version as changed now (every rule ends here, also those of ``regionaal``)."""
    versie.gewijzigd = nu()
    session.flush()
    return versie


def maak_plan(session: Session, data: dict, bekend: Collection[str]) -> Planversie:
    """A new plan: its first version, a concept."""
    kolommen, gebieden = lees_plan(data, bekend)
    plan = Plan(aangemaakt=nu())
    versie = Planversie(plan=plan, versie=1, status="concept", aangemaakt=plan.aangemaakt,
                        gewijzigd=plan.aangemaakt, gebieden=[Plangebied(code=c) for c in gebieden], **kolommen)
    session.add(plan)
    session.flush()
    return versie


def huidige_velden(versie: Planversie) -> dict:
    """A version's own fields as :func:`lees_plan` takes them."""
    return {**{k: getattr(versie, k) for k in PLANVELDEN}, "gebieden": [g.code for g in versie.gebieden]}


def werk_bij(session: Session, versie: Planversie, data: dict, bekend: Collection[str]) -> Planversie:
    """Change a concept's title, area or voorfase: only the fields given, the others stay."""
    vereis_concept(versie)
    onbekend = set(data) - {*PLANVELDEN, "gebieden"}
    if onbekend:
        raise Weigering(f"Dit veld hoort niet bij een plan: {', '.join(sorted(onbekend))}.")
    kolommen, gebieden = lees_plan({**huidige_velden(versie), **data}, bekend)
    if kolommen["soort"] != "regio" and versie.regioafspraak is not None:
        raise Weigering("Dit plan heeft een regionale afspraak, en die hoort bij een regio. Houd het plan een regio.")
    weg = sorted({r.gemeente for r in [*versie.boden, *versie.realisaties]} - set(gebieden))
    if weg:
        raise Weigering(f"De regionale afspraak heeft boden of realisaties van {', '.join(weg)}. Haal die eerst "
                        "weg, of houd die gemeenten in de regio.")
    for k, v in kolommen.items():
        setattr(versie, k, v)
    if gebieden != [g.code for g in versie.gebieden]:
        versie.gebieden.clear()
        session.flush()  # the old rows go before new ones with the same code arrive
        versie.gebieden.extend(Plangebied(code=c) for c in gebieden)
    return gewijzigd(session, versie)


def voeg_partij_toe(session: Session, versie: Planversie, data: dict) -> Partij:
    vereis_concept(versie)
    partij = Partij(**lees_partij(data))
    versie.partijen.append(partij)
    gewijzigd(session, versie)
    return partij


def werk_partij_bij(session: Session, versie: Planversie, partij_id: object, data: dict) -> Partij:
    """Change a party's name, domain, level or function: only the fields given; its roles stay."""
    vereis_concept(versie)
    partij = _partij(versie, partij_id)
    huidig = {k: getattr(partij, k) for k in ("naam", "domein", "niveau", "functie")}
    for k, v in lees_partij({**huidig, **data}).items():
        setattr(partij, k, v)
    gewijzigd(session, versie)
    return partij


def verwijder_partij(session: Session, versie: Planversie, partij_id: object) -> None:
    """Take a party out of the plan, with its roles and its seats at the tafels."""
    vereis_concept(versie)
    partij = _partij(versie, partij_id)
    for tafel in versie.tafels:
        tafel.leden[:] = [lid for lid in tafel.leden if lid.partij_id != partij.id]
    versie.partijen.remove(partij)
    gewijzigd(session, versie)


def _partij(versie: Planversie, partij_id: object) -> Partij:
    rij = velden.rij_id(partij_id)
    partij = next((p for p in versie.partijen if p.id == rij), None)
    if partij is None:
        raise Weigering("Deze partij hoort niet bij dit plan. Kies een partij uit de lijst.", 404)
    return partij


def zet_rol(session: Session, versie: Planversie, partij_id: object, fase: object, rol: object) -> Partij:
    """A party's role in a phase; an empty ``rol`` takes it out of the phase."""
    vereis_concept(versie)
    partij = _partij(versie, partij_id)
    if rol is None or rol == "":
        fase = velden.keuze(fase, FASEN_PLAN, "Kies een fase")
        partij.rollen[:] = [r for r in partij.rollen if r.fase != fase]
    else:
        fase, rol = lees_rol(fase, rol)
        bestaand = next((r for r in partij.rollen if r.fase == fase), None)
        if bestaand is None:
            partij.rollen.append(Partijrol(fase=fase, rol=rol))
        else:
            bestaand.rol = rol
    gewijzigd(session, versie)
    return partij


def wie(versie: Planversie, fase: str) -> list[tuple[Partij, str]]:
    """A phase's WIE, read from the role matrix: each party with a role in it, and that role."""
    return [(p, r.rol) for p in versie.partijen for r in p.rollen if r.fase == fase]


def voeg_tafel_toe(session: Session, versie: Planversie, data: dict, bekend: Collection[str]) -> Tafel:
    """A tafel with its members (ids of this version's parties)."""
    vereis_concept(versie)
    kolommen = lees_tafel(data, bekend)
    leden = data.get("leden") or []
    if not isinstance(leden, list):
        raise Weigering("Geef de leden van de tafel als een lijst van partijen.")
    partijen = list(dict.fromkeys(_partij(versie, lid) for lid in leden))
    tafel = Tafel(leden=[Tafellid(partij=p) for p in partijen], **kolommen)
    versie.tafels.append(tafel)
    gewijzigd(session, versie)
    return tafel


def _tafel(versie: Planversie, tafel_id: object, melding: str) -> Tafel:
    rij = velden.rij_id(tafel_id)
    tafel = next((t for t in versie.tafels if t.id == rij), None)
    if tafel is None:
        raise Weigering(melding, 404)
    return tafel


def verwijder_tafel(session: Session, versie: Planversie, tafel_id: object) -> None:
    vereis_concept(versie)
    versie.tafels.remove(_tafel(versie, tafel_id, "Deze tafel hoort niet bij dit plan."))
    gewijzigd(session, versie)


def _fase(versie: Planversie, fase: str) -> Fase | None:
    return next((f for f in versie.fasen if f.fase == fase), None)


def zet_fase(session: Session, versie: Planversie, data: dict, bekend: Collection[str]) -> Fase:
    """Describe a phase (WAT, HOE, WAAROM, WAAR, WANNEER, status), new or again; its milestones are replaced
    when given, else kept and held against the new dates."""
    vereis_concept(versie)
    kolommen, mijlpalen = lees_fase(data, bekend)
    fase = _fase(versie, kolommen["fase"])
    if mijlpalen is None and fase is not None:
        for m in fase.mijlpalen:
            controleer_mijlpaal(m.datum, m.omschrijving, kolommen["begin"], kolommen["einde"])
    if fase is None:
        fase = Fase()
        versie.fasen.append(fase)
    for k, v in kolommen.items():
        setattr(fase, k, v)
    if mijlpalen is not None:
        fase.mijlpalen[:] = [Mijlpaal(**m) for m in mijlpalen]
    gewijzigd(session, versie)
    return fase


def koppel_werksessie(session: Session, versie: Planversie, fase: object, werksessie_id: object) -> Fase:
    """Record that a werksessie is held in a phase (linking it twice changes nothing); a phase not yet
    described is added, empty, so the werksessie need not wait for the text."""
    vereis_concept(versie)
    fase = velden.keuze(fase, FASEN_PLAN, "Kies een fase")
    rij = velden.rij_id(werksessie_id)
    if rij is None or session.get(Werksessie, rij) is None:
        raise Weigering("Deze werksessie bestaat niet. Kies een werksessie uit de lijst.", 404)
    rij_fase = _fase(versie, fase)
    if rij_fase is None:
        rij_fase = Fase(fase=fase, status="gepland")
        versie.fasen.append(rij_fase)
    if all(s.werksessie_id != rij for s in rij_fase.sessies):
        rij_fase.sessies.append(Fasesessie(werksessie_id=rij))
    gewijzigd(session, versie)
    return rij_fase


def ontkoppel_werksessie(session: Session, versie: Planversie, fase: object, werksessie_id: object) -> Fase:
    """Take a werksessie out of a phase (the werksessie itself stays as it is)."""
    vereis_concept(versie)
    fase = velden.keuze(fase, FASEN_PLAN, "Kies een fase")
    rij = velden.rij_id(werksessie_id)
    rij_fase = _fase(versie, fase)
    if rij_fase is None or all(s.werksessie_id != rij for s in rij_fase.sessies):
        raise Weigering(f"Deze werksessie hoort niet bij de fase {FASEN_PLAN[fase].lower()}.", 404)
    rij_fase.sessies[:] = [s for s in rij_fase.sessies if s.werksessie_id != rij]
    gewijzigd(session, versie)
    return rij_fase


def stel_vast(session: Session, versie: Planversie, tafel_id: object, op: object) -> Planversie:
    """Adopt a version: by one of its own tafels, on a day that has been (an adoption is a fact, not a plan)."""
    vereis_concept(versie)
    tafel = _tafel(versie, tafel_id, "Kies de tafel van dit plan die het vaststelt.")
    dag = velden.dag(op, "vastgesteld op")
    if dag > date.today():
        raise Weigering(f"De datum van vaststelling ({datum(dag)}) ligt in de toekomst. Stel het plan vast op of "
                        "na de dag van het besluit.")
    versie.status, versie.vastgesteld_door, versie.vastgesteld_op = "vastgesteld", tafel, dag
    return gewijzigd(session, versie)


def nieuwe_versie(session: Session, versie: Planversie) -> Planversie:
    """A new concept as a full copy of the newest version, once that one is vastgesteld."""
    if versie.status != "vastgesteld":
        raise Weigering(f"Versie {versie.versie} is nog een concept: werk die bij in plaats van een kopie te "
                        "maken.", 409)
    nieuwste = session.scalar(select(func.max(Planversie.versie)).where(Planversie.plan_id == versie.plan_id))
    if nieuwste != versie.versie:
        raise Weigering(f"Van dit plan bestaat al versie {nieuwste}. Werk verder vanuit die versie.", 409)
    kopie = kopieer(versie)
    kopie.versie, kopie.vorige_id = versie.versie + 1, versie.id
    versie.plan.versies.append(kopie)
    session.flush()
    return kopie


def kopieer(versie: Planversie) -> Planversie:
    """A concept copy of a version with everything below it, its parties' ids mapped onto the copies."""
    stempel = nu()
    kopie = Planversie(status="concept", aangemaakt=stempel, gewijzigd=stempel,
                       gebieden=[Plangebied(code=g.code) for g in versie.gebieden],
                       **{k: getattr(versie, k) for k in PLANVELDEN})
    partijen = {}
    for p in versie.partijen:
        partijen[p.id] = Partij(naam=p.naam, domein=p.domein, niveau=p.niveau, functie=p.functie,
                                rollen=[Partijrol(fase=r.fase, rol=r.rol) for r in p.rollen])
        kopie.partijen.append(partijen[p.id])
    for t in versie.tafels:
        kopie.tafels.append(Tafel(naam=t.naam, soort=t.soort, niveau=t.niveau, besluit=t.besluit,
                                  frequentie=t.frequentie, gebied=t.gebied,
                                  leden=[Tafellid(partij=partijen[lid.partij_id]) for lid in t.leden]))
    if versie.regioafspraak is not None:
        kopie.regioafspraak = Regioafspraak(**{k: getattr(versie.regioafspraak, k) for k in AFSPRAAKVELDEN})
    kopie.boden = [Bod(gemeente=b.gemeente, woonproduct=b.woonproduct, jaar=b.jaar, aantal=b.aantal,
                       locatie=b.locatie, lat=b.lat, lon=b.lon) for b in versie.boden]
    kopie.realisaties = [Realisatie(gemeente=r.gemeente, woonproduct=r.woonproduct, jaar=r.jaar, status=r.status,
                                    aantal=r.aantal) for r in versie.realisaties]
    for f in versie.fasen:
        kopie.fasen.append(Fase(
            fase=f.fase, wat=f.wat, hoe=f.hoe, waarom=f.waarom, waar=f.waar, waar_indeling=f.waar_indeling,
            begin=f.begin, einde=f.einde, status=f.status,
            mijlpalen=[Mijlpaal(datum=m.datum, omschrijving=m.omschrijving) for m in f.mijlpalen],
            sessies=[Fasesessie(werksessie_id=s.werksessie_id) for s in f.sessies]))
    return kopie
