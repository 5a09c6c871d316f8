"""The document of an inrichtingsplan: one version as the text a council adopts, as a page, a PDF and a DOCX.

The version is read ONCE into a plain structure (:class:`Document`: sections with headings, paragraphs,
tables of text rows and an optional map), and every format is drawn from that structure: the page
(``plan_document.html``), the PDF (that page through WeasyPrint, :func:`webapp.pdf.als_pdf`) and the Word
file (:func:`als_docx`, python-docx). So the three never disagree: a figure, a role or an afspraak in one is
in all three, written the same way. Everything in the structure is already Dutch display text (dates through
:func:`kaart.datums.datum`, figures as the gebiedsprofiel writes them), so a renderer only lays it out.

The order is the order of the decision document: status, voorfase, the gebied (its kaart and key figures),
the ervaringen, the priorities, the afspraken with the uitvoeringsagenda, the role matrix, the governance and
the planning; for a regional plan last the regional agreement (:mod:`webapp.plannen.regionaal`).
"""

from __future__ import annotations

import io
import json
from datetime import date
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import geopandas as gpd
import pandas as pd
from markupsafe import Markup
from shapely.geometry import shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from kaart.datums import datum
from kaart.drukpunten import VOETNOOT
from kaart.figuurjaren import Figuurjaren
from kaart.getallen import getal, kort, met_teken
from kaart.kaartbestand import Kaart
from kaart.verdeelsleutel import REGIOSOORTEN
from webapp.choropleth import NIVEAU_LABELS
from webapp.errors import UnknownArea, Weigering
from webapp.gebiedskaart import ervaringenkaart, gebiedskaart
from webapp.gebiedsprofiel import niveau_van, regels
from webapp.plannen.model import (
    DOMEINEN,
    FASEN_PLAN,
    NIVEAUS_PARTIJ,
    NIVEAUS_TAFEL,
    SOORTEN_TAFEL,
    STATUS_FASE,
    Fase,
    Planversie,
)
from webapp.plannen import regionaal
from webapp.plannen.regels import WAAR_INDELINGEN, wie
from webapp.werksessies import afspraken as afspraken_
from webapp.werksessies.afspraken import Gebieden
from webapp.werksessies.model import (
    CATEGORIE_KLEUREN,
    CATEGORIEEN,
    ROLLEN_PARTIJ,
    STATUS_AFSPRAAK,
    Annotatie,
    Deelnemer,
    Werksessie,
)
from webapp.werksessies.stemmen import ranglijst

MAX_GEBIEDEN = 5
"""Areas of a plan that get their own kaart and key figures in the document; the others are named."""
REFERENTIES = ("gebied", "gemeente", "regio", "nederland")


@dataclass(frozen=True)
class Alinea:
    """A paragraph, optionally led by a label in bold ("Doel")."""

    tekst: str
    label: str = ""
    soort: ClassVar[str] = "alinea"


@dataclass(frozen=True)
class Tabel:
    """A table of text: column heads and rows; the first cell of each row names the row."""

    kolommen: list[str]
    rijen: list[list[str]]
    bijschrift: str = ""
    klasse: str = ""
    """An extra class for the page's table ("rolmatrix"); the Word file ignores it."""
    soort: ClassVar[str] = "tabel"


@dataclass(frozen=True)
class Kaartbeeld:
    """A map as inline SVG with its caption; the Word file, which cannot hold the SVG, gives the caption."""

    svg: Markup
    bijschrift: str
    soort: ClassVar[str] = "kaart"


@dataclass(frozen=True)
class Tijdlijn:
    """The dated phases as bars on one scale (``links`` and ``breedte`` in percent of the whole span), their
    milestones as marks; the page draws it, the Word file gives it as a table of the phases and their dates."""

    periode: str
    fasen: list[dict]
    """Per phase: ``naam``, ``periode``, ``status``, ``links``, ``breedte`` and ``mijlpalen`` (``plek``,
    ``datum``, ``omschrijving``)."""
    soort: ClassVar[str] = "tijdlijn"


Blok = Alinea | Tabel | Kaartbeeld | Tijdlijn


@dataclass
class Sectie:
    kop: str
    anker: str
    """The section's id on the page (a link target)."""
    blokken: list[Blok] = field(default_factory=list)
    subsecties: list[Sectie] = field(default_factory=list)


@dataclass
class Document:
    titel: str
    secties: list[Sectie]
    bron: str
    """The kaart's source line, for the foot of the document."""
    fictief: bool = False
    """The kaart is the fictitious demo: the page says so in its banner, the Word file at its top."""


def document(s: Session, versie: Planversie, kaart: Kaart, gebieden: Gebieden, figuurjaren: Figuurjaren) -> Document:
    """The document of one plan version, read in the open session ``s``; a regional plan's closes with its
    regional agreement (shares, bods and realisation per gemeente), which the local work feeds."""
    werksessies = _werksessies(s, versie)
    secties = [_status(versie, gebieden), _voorfase(versie), _gebied(versie, kaart, figuurjaren),
               _ervaringen(s, versie, kaart, werksessies, gebieden), _prioriteiten(s, werksessies, gebieden),
               _afspraken(werksessies, gebieden), _rollen(versie), _governance(versie),
               _planning(versie, gebieden, werksessies)]
    if versie.soort == "regio":
        secties.append(_regionaal(versie, kaart))
    return Document(titel=versie.titel, secties=secties, bron=kaart.bronvermelding,
                    fictief=bool(kaart.metadata.get("fictief")))


def _statuszin(versie: Planversie) -> str:
    """The version and its status in one sentence: concept, or vastgesteld by which tafel on which date."""
    if versie.status == "vastgesteld":
        door = versie.vastgesteld_door.naam if versie.vastgesteld_door else "een tafel"
        return f"Versie {versie.versie}, vastgesteld door {door} op {datum(versie.vastgesteld_op)}."
    return f"Versie {versie.versie}, concept: nog niet vastgesteld."


def _werksessies(s: Session, versie: Planversie) -> list[Werksessie]:
    """The werksessies linked to the version's phases, each once, in the order of the phases."""
    ids = dict.fromkeys(sessie.werksessie_id for fase in _op_volgorde(versie.fasen) for sessie in fase.sessies)
    gevonden = {w.id: w for w in s.scalars(select(Werksessie).where(Werksessie.id.in_(ids)))} if ids else {}
    return [gevonden[i] for i in ids if i in gevonden]


def _op_volgorde(fasen: Sequence[Fase]) -> list[Fase]:
    """Phases in the plan's order (voorfase first), whatever order they were described in."""
    volgorde = list(FASEN_PLAN)
    return sorted(fasen, key=lambda f: volgorde.index(f.fase))


def _namen(codes: Sequence[str], gebieden: Gebieden) -> str:
    return ", ".join(gebieden.namen.get(c, c) for c in codes)


def _status(versie: Planversie, gebieden: Gebieden) -> Sectie:
    soort = "Regio" if versie.soort == "regio" else "Gebied"
    namen = _namen([g.code for g in versie.gebieden], gebieden)
    if versie.getekend:
        namen = f"{versie.gebiedsnaam}: {namen}"
    elif versie.indeling_naam:
        namen = f"{versie.indeling_naam} ({REGIOSOORTEN.get(versie.indeling_soort, '')}): {namen}"
    return Sectie("Status", "status", [Alinea(_statuszin(versie)), Alinea(namen, soort)])


def _voorfase(versie: Planversie) -> Sectie:
    return Sectie("Voorfase", "voorfase", [
        Alinea(getattr(versie, veld) or "—", label) for veld, label in
        (("doel", "Doel"), ("opzet", "Opzet"), ("verwachtingen", "Verwachtingen"),
         ("initiatiefnemers", "Initiatiefnemers"))])


def _gebied(versie: Planversie, kaart: Kaart, fj: Figuurjaren) -> Sectie:
    """The kaart and key figures of each of the plan's areas, up to :data:`MAX_GEBIEDEN`.

    Per area, not summed: a council adopts the plan for these areas and compares each with its gemeente, the
    region and the Netherlands; the figures of a set of buurten cannot honestly be averaged here (a ratio
    must be recomputed from summed counts, which only the kaart's build does), and one area's figures would
    speak for all. A drawn kern of many buurten would make the document a book, so beyond the first
    :data:`MAX_GEBIEDEN` areas the others are named, with the way to their gebiedsprofiel."""
    codes = [g.code for g in versie.gebieden]
    sectie = Sectie("Het gebied", "gebied", [Alinea(
        "Per gebied de kaart met de gebieden eromheen en de kerncijfers naast de gemeente, de regio en "
        "Nederland, met de bron en het jaar van elk cijfer.")])
    for code in codes[:MAX_GEBIEDEN]:
        try:
            niveau = niveau_van(kaart, code)
        except UnknownArea:  # a kaart built later without this area: the plan still reads
            continue
        sectie.subsecties.append(_gebiedsprofiel(kaart, fj, niveau, code))
    if len(codes) > MAX_GEBIEDEN:
        rest = [str(kaart.gebieden[n].at[c, "naam"]) for c in codes[MAX_GEBIEDEN:]
                for n in kaart.gebieden if c in kaart.gebieden[n].index]
        sectie.blokken.append(Alinea(f"De kerncijfers van {', '.join(rest)} staan in hun gebiedsprofiel op de "
                                     "kaart.", "Verder"))
    return sectie


def _gebiedsprofiel(kaart: Kaart, fj: Figuurjaren, niveau: str, code: str) -> Sectie:
    """One area: its map (with the drukpunten among its neighbours named), its drukpunt score and its
    indicators against its references, as the gebiedsprofiel gives them (:func:`webapp.gebiedsprofiel.regels`)."""
    frame = kaart.gebieden[niveau]
    rij = frame.loc[code]
    naam = str(rij["naam"])
    sectie = Sectie(f"{naam} ({NIVEAU_LABELS[niveau].lower()})", f"gebied-{code.lower()}")
    beeld = gebiedskaart(kaart, niveau, code)
    if beeld is not None:
        drukpunt = frame["drukpunt"].fillna(False).astype(bool) if "drukpunt" in frame else None
        buren = [n for c, n in beeld.buren if drukpunt is not None and drukpunt.get(c, False)]
        bijschrift = f"{naam} (donker) en de gebieden ernaast"
        if beeld.buren:
            bijschrift += f": {', '.join(n for _, n in beeld.buren)}"
        bijschrift += "." + (f" Drukpunt{'en' if len(buren) > 1 else ''} ernaast: {', '.join(buren)}." if buren else "")
        sectie.blokken.append(Kaartbeeld(beeld.svg, bijschrift + " Bron van de grenzen: "
                                         + kaart.bronvermelding.replace("Bron: ", "") + "."))
    score = rij.get("drukpuntscore")
    if score is not None and pd.notna(score):
        is_drukpunt = bool(rij.get("drukpunt")) if pd.notna(rij.get("drukpunt")) else False
        tekst = (f"{met_teken(score)} (0 is het midden van de regio, {kort(kaart.metadata.get('drempel', 1))} of "
                 f"hoger is een drukpunt). {'Dit gebied is een drukpunt.' if is_drukpunt else 'Dit gebied is geen drukpunt.'}")
        redenen = rij.get("drukpunt_redenen")
        if isinstance(redenen, str) and redenen:
            tekst += f" {redenen}"
        sectie.blokken.append(Alinea(tekst + f" {kaart.bronvermelding}.", "Drukpuntscore"))
    koppen = {"gebied": naam, "gemeente": rij.get("gemeentenaam") if niveau != "gemeente" else None,
              "regio": "Regio", "nederland": "Nederland" if "nederland" in kaart.tabellen else None}
    refs = [r for r in REFERENTIES if koppen[r]]
    lijsten = regels(kaart, rij, fj)
    for thema, lijst in lijsten.items():
        gedeeld = _gedeelde_herkomst(lijst, refs)
        sectie.blokken.append(Tabel(
            ["Indicator", *(str(koppen[r]) for r in refs), "Bron"],
            [[r.label, *(_cijfer(r, ref, ref not in gedeeld) for ref in refs), r.bron.removeprefix("Bron: ")]
             for r in lijst], thema, "cijfers"))
        if gedeeld:
            sectie.blokken.append(Alinea("; ".join(f"{koppen[ref]}: {label}" for ref, label in gedeeld.items())
                                         + ".", "Cijfers in deze tabel"))
    if any(r.afgeleid for lijst in lijsten.values() for r in lijst):
        sectie.blokken.append(Alinea(f"{VOETNOOT}: de bron geeft hier alleen het percentage; het aantal is daaruit "
                                     "en uit de noemer berekend."))
    return sectie


def _gedeelde_herkomst(lijst, refs: Sequence[str]) -> dict[str, str]:
    """Per reference whose every figure in the table is made the same way ("herberekend uit opgetelde
    buurten"), that label: said once under the table instead of in every cell."""
    gedeeld = {}
    for ref in refs:
        labels = {r.herkomst.get(ref) for r in lijst if ref in r.waarden}
        if len(labels) == 1 and None not in labels:
            gedeeld[ref] = labels.pop()
    return gedeeld


def _cijfer(regel, ref: str, herkomst: bool = True) -> str:
    """A figure as the gebiedsprofiel writes it (with its star when derived from a percentage), with what it is
    when not CBS's own (unless ``herkomst`` is off: the table says it once) and its year when older than the
    kaart's."""
    waarde = regel.waarden.get(ref)
    if waarde is None:
        return "onbekend"
    if ref == "gebied" and regel.afgeleid:
        waarde += "*"  # as the gebiedsprofiel marks it; the footnote (VOETNOOT) follows the tables
    extra = [regel.herkomst[ref]] if herkomst and ref in regel.herkomst else []
    if ref in regel.jaren:
        extra.append(f"cijfer van {regel.jaren[ref]}")
    return waarde + (f" ({'; '.join(extra)})" if extra else "")


def _ervaringen(s: Session, versie: Planversie, kaart: Kaart, werksessies: list[Werksessie],
                gebieden: Gebieden) -> Sectie:
    """The annotations of the linked werksessies on a map and by category: only the approved, undeleted ones
    (what a reader of the werksessie sees), without the display names people typed (a council document names
    no one)."""
    sectie = Sectie("Ervaringen", "ervaringen")
    titels = {w.id: w.titel for w in werksessies}
    annotaties = s.scalars(select(Annotatie).where(
        Annotatie.werksessie_id.in_(titels), Annotatie.verwijderd.is_(False), Annotatie.status == "zichtbaar")
        .order_by(Annotatie.id)).all() if titels else []
    annotaties = [a for c in CATEGORIEEN for a in annotaties if a.categorie == c]  # numbered by category
    nummers = {a.id: str(i) for i, a in enumerate(annotaties, 1)}
    beeld = _ervaringenkaart(kaart, versie, annotaties, nummers) if annotaties else None
    if beeld is not None:
        sectie.blokken.append(beeld)
    for categorie, label in CATEGORIEEN.items():
        rijen = [[nummers[a.id], a.tekst, _namen([c for c in a.buurten.split(",") if c], gebieden) or "—",
                  titels[a.werksessie_id]] for a in annotaties if a.categorie == categorie]
        if rijen:
            sectie.blokken.append(Tabel(["Nr.", "Ervaring", "Waar", "Werksessie"], rijen, f"{label} ({len(rijen)})"))
    if not annotaties:
        sectie.blokken.append(Alinea("Nog geen ervaringen: de werksessies van het plan hebben nog geen annotaties."))
    return sectie


def _ervaringenkaart(kaart: Kaart, versie: Planversie, annotaties: list[Annotatie],
                     nummers: dict[int, str]) -> Kaartbeeld | None:
    """The plan's areas with the ervaringen drawn on them in their category's colour, numbered as in the tables."""
    crs = kaart.gebieden[list(kaart.gebieden)[-1]].crs
    vormen = gpd.GeoSeries([shape(json.loads(a.geometrie)) for a in annotaties], crs="EPSG:4326").to_crs(crs)
    gebieden = [frame.geometry[g.code] for g in versie.gebieden for frame in kaart.gebieden.values()
                if g.code in frame.index]
    svg = ervaringenkaart(kaart, gebieden, [(v, CATEGORIE_KLEUREN.get(a.categorie, "#333333"), nummers[a.id])
                                            for v, a in zip(vormen, annotaties)])
    if svg is None:
        return None
    legenda = ", ".join(f"{CATEGORIEEN[c].lower()}" for c in CATEGORIEEN if any(a.categorie == c for a in annotaties))
    return Kaartbeeld(svg, f"Het gebied van het plan (omlijnd) met wat deelnemers tekenden ({legenda}), elk met het "
                           "nummer uit de tabellen hieronder. Bron van de grenzen: "
                           + kaart.bronvermelding.replace("Bron: ", "") + ".")


def _buitenstaander(werksessie: Werksessie) -> Deelnemer:
    """A reader of the werksessie who spent no dots and wrote nothing (never saved): the document shows the
    ranking as the werksessie's reader link shows it, whoever reads the plan."""
    return Deelnemer(id=0, werksessie_id=werksessie.id, rol="lezer")


def _prioriteiten(s: Session, werksessies: list[Werksessie], gebieden: Gebieden) -> Sectie:
    """The dot ranking of each linked werksessie that has dots (each werksessie has its own budget of dots,
    so rankings are not added up)."""
    sectie = Sectie("Prioriteiten", "prioriteiten")
    for w in werksessies:
        lijst = ranglijst(s, w, _buitenstaander(w), gebieden.namen)
        if lijst:
            sectie.blokken.append(Tabel(
                ["Rang", "Drukpunt of ervaring", "Stippen", "Deelnemers"],
                [[str(i), r["label"], str(r["stippen"]), str(r["deelnemers"])] for i, r in enumerate(lijst, 1)],
                f"{w.titel}: {w.stippen} stippen per deelnemer"))
    if not sectie.blokken:
        sectie.blokken.append(Alinea("Nog geen prioriteiten: in de werksessies van het plan zijn nog geen stippen "
                                     "gezet."))
    return sectie


def _afspraken(werksessies: list[Werksessie], gebieden: Gebieden) -> Sectie:
    """The afspraken of the linked werksessies by date: the uitvoeringsagenda, each SMART (wat, wie, wanneer, a
    target on an indicator) with its baseline and progress as the werksessie's monitor gives them."""
    alle = sorted((a for w in werksessies for a in w.afspraken), key=lambda a: (a.wanneer, a.id))
    sectie = Sectie("Afspraken en uitvoeringsagenda", "afspraken")
    if not alle:
        sectie.blokken.append(Alinea("Nog geen afspraken: die worden gemaakt in een werksessie van de fase "
                                     "afspraken."))
        return sectie
    rijen = []
    for a in alle:
        m = afspraken_.monitorregel(a, gebieden)
        doel = f"{m.indicator}: {m.basis or 'basis onbekend'} naar {m.doel}" if m.doel else (m.indicator or "—")
        wie_ = ", ".join(f"{p['partij']} ({ROLLEN_PARTIJ.get(p['rol'], p['rol']).lower()})"
                         for p in json.loads(a.wie))
        voortgang = f"{m.status}: {m.regel}" if m.status else m.regel
        rijen.append([a.wat, m.gebied, wie_, datum(a.wanneer), doel, voortgang,
                      STATUS_AFSPRAAK.get(a.status, a.status)])
    sectie.blokken.append(Tabel(["Wat", "Gebied", "Wie", "Wanneer", "Doel op indicator", "Voortgang", "Status"],
                                rijen, f"{len(rijen)} afspra{'ak' if len(rijen) == 1 else 'ken'}, op datum",
                                "afsprakentabel"))
    return sectie


def _rollen(versie: Planversie) -> Sectie:
    """The parties and the role matrix: per party its role in each phase."""
    sectie = Sectie("Partijen en rollen", "rollen")
    if not versie.partijen:
        sectie.blokken.append(Alinea("Nog geen partijen."))
        return sectie
    sectie.blokken.append(Tabel(["Organisatie", "Domein", "Niveau", "Functie"], [
        [p.naam, DOMEINEN[p.domein], NIVEAUS_PARTIJ[p.niveau], p.functie or "—"] for p in versie.partijen],
        "Partijen"))
    rollen = {(p.id, r.fase): r.rol for p in versie.partijen for r in p.rollen}
    sectie.blokken.append(Tabel(["Partij", *FASEN_PLAN.values()], [
        [p.naam, *(ROLLEN_PARTIJ[rollen[p.id, f]] if (p.id, f) in rollen else "—" for f in FASEN_PLAN)]
        for p in versie.partijen], "Rol per fase: adviseren, co-creëren of meebeslissen", "rolmatrix"))
    return sectie


def _governance(versie: Planversie) -> Sectie:
    sectie = Sectie("Governance", "governance")
    if not versie.tafels:
        sectie.blokken.append(Alinea("Nog geen tafels."))
        return sectie
    sectie.blokken.append(Tabel(["Tafel", "Soort en niveau", "Leden", "Besluit over", "Hoe vaak"], [
        [t.naam, f"{SOORTEN_TAFEL[t.soort]}, {NIVEAUS_TAFEL[t.niveau].lower()}",
         ", ".join(lid.partij.naam for lid in t.leden) or "—", t.besluit or "—", t.frequentie or "—"]
        for t in versie.tafels], "De tafels, hun leden en wat zij besluiten"))
    return sectie


def _wanneer(fase: Fase) -> str:
    if fase.begin and fase.einde:
        return f"{datum(fase.begin)} tot en met {datum(fase.einde)}"
    if fase.begin:
        return f"vanaf {datum(fase.begin)}"
    return f"tot en met {datum(fase.einde)}" if fase.einde else "—"


def tijdlijn(versie: Planversie) -> Tijdlijn | None:
    """The timeline of a version's phases that have a start and an end (None when none has), shared by the plan
    page and the document."""
    gedateerd = [f for f in versie.fasen if f.begin and f.einde]
    if not gedateerd:
        return None
    begin = min(f.begin for f in gedateerd)
    einde = max(f.einde for f in gedateerd)
    dagen = max((einde - begin).days, 1)

    def plek(dag: date) -> float:
        return round(100 * (dag - begin).days / dagen, 2)

    return Tijdlijn(f"{datum(begin)} tot en met {datum(einde)}", [
        {"naam": FASEN_PLAN[f.fase], "periode": _wanneer(f), "links": plek(f.begin),
         "breedte": max(plek(f.einde) - plek(f.begin), 1), "status": STATUS_FASE[f.status],
         "mijlpalen": [{"plek": plek(m.datum), "datum": datum(m.datum), "omschrijving": m.omschrijving}
                       for m in f.mijlpalen]}
        for f in _op_volgorde(gedateerd)])


def _planning(versie: Planversie, gebieden: Gebieden, werksessies: list[Werksessie]) -> Sectie:
    """Each described phase with its six questions (WIE from the role matrix) and werksessies; the milestones."""
    sectie = Sectie("Planning", "planning")
    titels = {w.id: f"{w.titel} ({datum(w.begin)})" for w in werksessies}
    fasen = _op_volgorde(versie.fasen)
    balken = tijdlijn(versie)
    if balken is not None:
        sectie.blokken.append(balken)
    for f in fasen:
        waar = _namen([c for c in f.waar.split(",") if c], gebieden) or "het gebied van het plan"
        if f.waar_indeling:
            waar += f", {WAAR_INDELINGEN.get(f.waar_indeling, f.waar_indeling)}"
        wie_ = ", ".join(f"{p.naam} ({ROLLEN_PARTIJ[rol].lower()})" for p, rol in wie(versie, f.fase)) or "—"
        sessies = ", ".join(titels[s.werksessie_id] for s in f.sessies if s.werksessie_id in titels) or "—"
        sectie.subsecties.append(Sectie(
            f"{FASEN_PLAN[f.fase]} — {STATUS_FASE[f.status].lower()}", f"fase-{f.fase}", [Tabel(
                ["Vraag", "Antwoord"],
                [["Wat", f.wat or "—"], ["Wie", wie_], ["Hoe", f.hoe or "—"], ["Waarom", f.waarom or "—"],
                 ["Waar", waar], ["Wanneer", _wanneer(f)], ["Werksessies", sessies]])]))
    mijlpalen = sorted((m.datum, FASEN_PLAN[f.fase], m.omschrijving) for f in fasen for m in f.mijlpalen)
    if mijlpalen:
        sectie.blokken.append(Tabel(["Datum", "Fase", "Mijlpaal"],
                                    [[datum(d), fase, tekst] for d, fase, tekst in mijlpalen], "Mijlpalen"))
    if not fasen:
        sectie.blokken.append(Alinea("Nog geen fasen beschreven."))
    return sectie


# --- the Word file ----------------------------------------------------------------------------------------------


def als_docx(doc: Document) -> bytes:
    """The document as a Word file: headings, paragraphs and real Word tables (a header row that repeats on
    every page). A map is given by its caption: Word cannot hold the SVG, and the area's figures follow it
    as tables."""
    from docx import Document as Word

    word = Word()
    word.core_properties.title = doc.titel
    word.add_heading(doc.titel, 0)
    if doc.fictief:
        word.add_paragraph().add_run("Fictieve voorbeeldregio — geen echte gegevens.").bold = True
    for sectie in doc.secties:
        _word_sectie(word, sectie, 1)
    word.add_paragraph(doc.bron)
    uit = io.BytesIO()
    word.save(uit)
    return uit.getvalue()


def _word_sectie(word, sectie: Sectie, niveau: int) -> None:
    word.add_heading(sectie.kop, niveau)
    for blok in sectie.blokken:
        if isinstance(blok, Alinea):
            alinea = word.add_paragraph()
            if blok.label:
                alinea.add_run(f"{blok.label}: ").bold = True
            alinea.add_run(blok.tekst)
        elif isinstance(blok, Tabel):
            _word_tabel(word, blok)
        elif isinstance(blok, Tijdlijn):
            _word_tabel(word, Tabel(["Fase", "Periode", "Status"],
                                    [[f["naam"], f["periode"], f["status"]] for f in blok.fasen],
                                    f"Tijdlijn: {blok.periode}"))
        else:
            word.add_paragraph().add_run(f"Kaart: {blok.bijschrift} De kaart zelf staat op de pagina en in de "
                                         "PDF van dit plan.").italic = True
    for sub in sectie.subsecties:
        _word_sectie(word, sub, min(niveau + 1, 9))


def _word_tabel(word, tabel: Tabel) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    if tabel.bijschrift:
        word.add_paragraph().add_run(tabel.bijschrift).bold = True
    tab = word.add_table(rows=1, cols=len(tabel.kolommen))
    tab.style = "Table Grid"
    kop = tab.rows[0]
    herhaal = OxmlElement("w:tblHeader")  # the header row repeats on every page the table runs over
    herhaal.set(qn("w:val"), "true")
    kop._tr.get_or_add_trPr().append(herhaal)
    for cel, tekst in zip(kop.cells, tabel.kolommen):
        cel.paragraphs[0].add_run(tekst).bold = True
    for rij in tabel.rijen:
        cellen = tab.add_row().cells
        for i, (cel, tekst) in enumerate(zip(cellen, rij)):
            run = cel.paragraphs[0].add_run(tekst)
            run.bold = i == 0
    word.add_paragraph()


def _regionaal(versie: Planversie, kaart: Kaart) -> Sectie:
    """The regional agreement: per gemeente its share from the verdeelsleutel, its bod and what is realised,
    with the gaps; the region per year; the bod per woonproduct; the candidate sites; how it was shared."""
    sectie = Sectie("Regionale afspraak", "regionaal")
    try:
        o = regionaal.overzicht(versie, kaart)
    except Weigering as err:
        sectie.blokken.append(Alinea(err.melding))
        return sectie
    if o is None:
        sectie.blokken.append(Alinea("Nog geen verdeelsleutel: de regio heeft nog niet vastgelegd hoeveel woningen "
                                     "zij per jaar verdeelt."))
        return sectie
    periode = f"{o.jaren[0]} tot en met {o.jaren[-1]}" if len(o.jaren) > 1 else str(o.jaren[0])
    correctie = f" met correctie voor bestaande zorgdruk ({kort(o.correctie)})" if o.correctie > 0 else ""
    sectie.blokken.append(Alinea(f"{getal(o.aantal)} woningen per jaar, {periode}, verdeeld naar "
                                 f"{o.basis}{correctie}."))
    koppen = ["Aandeel", "Bod", "Gereed", "In voorbereiding", "Tekort in bod", "Nog te realiseren"]

    def cijfers(st: regionaal.Stand) -> list[str]:
        return [getal(st.bod), getal(st.gereed), getal(st.in_voorbereiding), regionaal.gat(st.tekort_in_bod),
                regionaal.gat(st.nog_te_realiseren)]

    sectie.blokken.append(Tabel(
        ["Gemeente", *koppen],
        [[g.naam, f"{getal(g.totaal.aandeel)} ({getal(g.percentage, 1)}%)", *cijfers(g.totaal)] for g in o.gemeenten]
        + [["Totaal", getal(o.totaal.aandeel), *cijfers(o.totaal)]],
        f"Aandeel, bod en realisatie per gemeente, {periode} (woningen)", "regiotabel"))
    sectie.blokken.append(Tabel(["Jaar", *koppen], [[str(j), getal(o.per_jaar[j].aandeel), *cijfers(o.per_jaar[j])]
                                                   for j in o.jaren], "De regio per jaar (woningen)", "regiotabel"))
    sectie.blokken.append(Tabel(
        ["Gemeente", *o.woonproducten.values()],
        [[g.naam, *(getal(g.totaal.bod_per_product[c]) for c in o.woonproducten)] for g in o.gemeenten]
        + [["Totaal", *(getal(o.totaal.bod_per_product[c]) for c in o.woonproducten)]],
        "Bod per woonproduct (woningen of plekken)", "regiotabel"))
    if o.kandidaten:
        sectie.blokken.append(Tabel(["Gemeente", "Jaar", "Bod", "Locatie"], [
            [k.gemeente, str(k.jaar), f"{getal(k.aantal)} × {k.woonproduct}", k.locatie] for k in o.kandidaten],
            "Kandidaat-locaties"))
    sectie.blokken.append(Alinea("Tekort in bod is het aandeel min het bod, nog te realiseren het aandeel min wat "
                                 "gereed is; meer geboden of gereed dan het aandeel staat er als ‘meer’."))
    sectie.blokken.append(Alinea(o.formule, "Zo is verdeeld"))
    sectie.blokken.append(Alinea(f"{o.basis}, {o.bron.removeprefix('Bron: ')}.", "Bron van de basis"))
    return sectie
