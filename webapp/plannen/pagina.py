"""The inrichtingsplan pages: start a plan, open its links, read and change it, export and import it.

Pages: ``/plannen/nieuw`` (create, then the owner's and reader's link, shown once), ``/p/<token>`` (open a
link: the role goes into the signed session, then a redirect to the clean ``/plannen/<id>``),
``/plannen/<id>`` (the plan; ``?versie=`` an older version), ``/plannen/<id>/export.json`` and
``/plannen/importeer``; ``/plannen/<id>/document`` (and ``.pdf``, ``.docx``): the version as the document a
council adopts (:mod:`webapp.plannen.document`). Every change is a form posted with the CSRF token to
``/plannen/<id>/<actie>``, runs one rule of :mod:`webapp.plannen.regels` (the regional agreement's of
:mod:`webapp.plannen.regionaal`) in one write transaction and redirects back; a refusal shows the rule's Dutch
message on the plan page with its status, the typed values kept and nothing saved.
"""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from sqlalchemy import select

from kaart.verdeelsleutel import BASISSEN, FICTIEF, REGIOSOORTEN
from webapp.download import download
from webapp import organisatiecode
from webapp.errors import Weigering
from webapp.kopregels import extern
from webapp.pdf import als_pdf
from webapp.plannen import document, regels, regionaal, uitwisseling
from webapp.plannen.model import (
    AFSPRAAKVELDEN,
    DOMEINEN,
    FASEN_PLAN,
    NIVEAUS_PARTIJ,
    NIVEAUS_TAFEL,
    ROLLEN_PLAN,
    SOORTEN_TAFEL,
    STATUS_FASE,
    STATUS_PLAN,
    STATUS_REALISATIE,
    WOONPRODUCTEN,
    Plan,
    Planversie,
)
from webapp.plannen.toegang import bezoeker, eerste_links, open_link, vereis_eigenaar, vervang
from webapp.staat import staat
from webapp.verdeling import JAREN_IN_TABEL
from webapp.werksessies import velden
from webapp.werksessies.model import ROLLEN_PARTIJ, Werksessie

bp = Blueprint("plannen", __name__)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

WAT_DE_LINK_MAG = {"eigenaar": "Met deze link leest en wijzigt u het plan en beheert u de links. Geef hem alleen "
                                "aan wie het plan mee opstelt.",
                   "lezer": "Met deze link leest u het plan, zonder iets te kunnen wijzigen."}


def _omgeving():
    return staat().werksessies


def _bekend() -> set[str]:
    return set(_omgeving().gebieden.namen)


def _plannen() -> dict:
    return session.get("plannen", {})


def _onthoud(plan_id: int, toegang_id: int) -> None:
    plannen = dict(_plannen())
    plannen[str(plan_id)] = toegang_id
    session["plannen"] = plannen
    session.permanent = True


def _velden(form, *namen: str) -> dict[str, str]:
    """The named fields of a posted form, empty where absent."""
    return {naam: form.get(naam, "") for naam in namen}


def _plangegevens(form) -> dict:
    """The plan's own fields from the new-plan form, as :func:`regels.lees_plan` takes them."""
    return {"titel": form.get("titel", ""), "soort": form.get("soort", ""), "getekend": bool(form.get("getekend")),
            "gebiedsnaam": form.get("gebiedsnaam", ""), "indeling_soort": form.get("indeling_soort", ""),
            "indeling_naam": form.get("indeling_naam", ""), "gebieden": form.getlist("gebieden"),
            **_velden(form, "doel", "opzet", "verwachtingen", "initiatiefnemers")}


def _links_pagina(plan_id: int, titel: str, links: dict[str, str], status: int = 200,
                  ingetrokken: int | None = None, werksessielinks: list[str] | None = None):
    """The plan's links, shown this once (the database holds only their hashes)."""
    response = current_app.make_response((render_template(
        "plan_links.html", kaart=_omgeving().kaart, plan_id=plan_id, titel=titel, rollen=ROLLEN_PLAN,
        links=[{"rol": rol, "url": extern("plannen.open_", token=token), "wat": WAT_DE_LINK_MAG[rol]}
               for rol, token in links.items()],
        ingetrokken=ingetrokken, werksessielinks=werksessielinks or []), status))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/plannen/nieuw", methods=["GET", "POST"])
def nieuw():
    omgeving = _omgeving()
    fout, status = None, 200
    if request.method == "POST":
        try:
            organisatiecode.vereis()
            with omgeving.opslag.schrijf() as s:
                versie = regels.maak_plan(s, _plangegevens(request.form), _bekend())
                links = eerste_links(s, versie.plan)
                eigenaar = open_link(s, links["eigenaar"])
                plan_id, titel = versie.plan_id, versie.titel
            _onthoud(plan_id, eigenaar.id)
            return _links_pagina(plan_id, titel, links, 201)
        except Weigering as err:
            fout, status = err.melding, err.status
    return render_template("plan_nieuw.html", kaart=omgeving.kaart, fout=fout, form=request.form,
                           gebieden=sorted(omgeving.gebieden.namen.items(), key=lambda kv: kv[0]),
                           indelingen=REGIOSOORTEN, organisatiecode=organisatiecode.gevraagd()), status


@bp.get("/p/<token>")
def open_(token: str):
    """Exchange a link's token for the role in the session cookie, then go to the clean URL."""
    with _omgeving().opslag.lees() as s:
        toegang = open_link(s, token)
    _onthoud(toegang.plan_id, toegang.id)
    response = redirect(url_for("plannen.plan", plan=toegang.plan_id), 303)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


def _laad(s, plan_id: int):
    plan = s.get(Plan, plan_id) if velden.rij_id(plan_id) is not None else None
    if plan is None:
        raise Weigering("Dit plan bestaat niet.", 404)
    return plan, bezoeker(s, plan_id, _plannen().get(str(plan_id)))


def _versie(plan: Plan) -> Planversie:
    """The version ``?versie=`` asks for, the newest without it."""
    nummer = velden.heel(request.args.get("versie", plan.versies[-1].versie), "versie", 1, 10**6)
    versie = next((v for v in plan.versies if v.versie == nummer), None)
    if versie is None:
        raise Weigering(f"Dit plan heeft geen versie {nummer}.", 404)
    return versie


def _toon(plan_id: int, fout: str | None = None, status: int = 200, actie: str = "", form=None):
    omgeving = _omgeving()
    with omgeving.opslag.lees() as s:
        plan, toegang = _laad(s, plan_id)
        versie = _versie(plan)
        werksessies = {w.id: w for w in s.scalars(select(Werksessie).order_by(Werksessie.begin)).all()}
        fasen = {f.fase: f for f in versie.fasen}
        wie = {fase: regels.wie(versie, fase) for fase in FASEN_PLAN}
        rollen = {(p.id, r.fase): r.rol for p in versie.partijen for r in p.rollen}
        overzicht, regiofout = None, None
        if versie.soort == "regio":
            try:
                overzicht = regionaal.overzicht(versie, omgeving.kaart)
            except Weigering as err:  # settings the kaart no longer supports: say so, show the rest
                regiofout = err.melding
        response = current_app.make_response((render_template(
            "plan.html", kaart=omgeving.kaart, plan=plan, versie=versie, nieuwste=versie is plan.versies[-1],
            eigenaar=toegang.rol == "eigenaar", fout=fout, actie=actie, form=form or {},
            fasen_plan=FASEN_PLAN, fasen=fasen, wie=wie, rollen=rollen, rollen_partij=ROLLEN_PARTIJ,
            domeinen=DOMEINEN, niveaus_partij=NIVEAUS_PARTIJ, soorten_tafel=SOORTEN_TAFEL,
            niveaus_tafel=NIVEAUS_TAFEL, status_fase=STATUS_FASE, status_plan=STATUS_PLAN,
            rollen_plan=ROLLEN_PLAN, werksessies=werksessies, indelingen=REGIOSOORTEN,
            gebiedsnamen=omgeving.gebieden.namen, tijdlijn=document.tijdlijn(versie), overzicht=overzicht,
            regiofout=regiofout, basissen=BASISSEN, woonproducten=WOONPRODUCTEN,
            status_realisatie=STATUS_REALISATIE, fictief=FICTIEF, jaren_in_tabel=JAREN_IN_TABEL, gat=regionaal.gat),
            status))
    response.headers["Referrer-Policy"] = "same-origin"
    return response


@bp.get("/plannen/<int:plan>")
def plan(plan: int):
    return _toon(plan)


def _mijlpalen(tekst: str) -> list[dict]:
    """Milestones typed one per line as ``jjjj-mm-dd omschrijving``."""
    mijlpalen = []
    for regel in (r.strip() for r in tekst.splitlines()):
        if not regel:
            continue
        dag, _, omschrijving = regel.partition(" ")
        mijlpalen.append({"datum": dag, "omschrijving": omschrijving.strip()})
    return mijlpalen


def _fasegegevens(form) -> dict:
    return {"fase": form.get("fase", ""), "wat": form.get("wat", ""), "hoe": form.get("hoe", ""),
            "waarom": form.get("waarom", ""), "waar": form.getlist("waar"),
            "waar_indeling": form.get("waar_indeling", ""), "begin": form.get("begin", ""),
            "einde": form.get("einde", ""), "status": form.get("status", ""),
            "mijlpalen": _mijlpalen(form.get("mijlpalen", ""))}


def _rollen(s, versie: Planversie, form) -> None:
    """The role matrix as posted: a cell ``rol:<partij>:<fase>`` per party and phase (empty: no role)."""
    for sleutel, rol in form.items():
        if sleutel.startswith("rol:"):
            _, partij, fase = sleutel.split(":", 2)
            regels.zet_rol(s, versie, partij, fase, rol)


ACTIES = {
    "voorfase": lambda s, v, f: regels.werk_bij(
        s, v, _velden(f, "titel", "doel", "opzet", "verwachtingen", "initiatiefnemers"), _bekend()),
    "partij": lambda s, v, f: regels.voeg_partij_toe(s, v, _velden(f, "naam", "domein", "niveau", "functie")),
    "partij-bij": lambda s, v, f: regels.werk_partij_bij(
        s, v, f.get("partij"), _velden(f, "naam", "domein", "niveau", "functie")),
    "partij-weg": lambda s, v, f: regels.verwijder_partij(s, v, f.get("partij")),
    "rollen": _rollen,
    "tafel": lambda s, v, f: regels.voeg_tafel_toe(
        s, v, {**_velden(f, "naam", "soort", "niveau", "besluit", "frequentie"), "leden": f.getlist("leden")},
        _bekend()),
    "tafel-weg": lambda s, v, f: regels.verwijder_tafel(s, v, f.get("tafel")),
    "fase": lambda s, v, f: regels.zet_fase(s, v, _fasegegevens(f), _bekend()),
    "koppel": lambda s, v, f: regels.koppel_werksessie(s, v, f.get("fase"), f.get("werksessie")),
    "ontkoppel": lambda s, v, f: regels.ontkoppel_werksessie(s, v, f.get("fase"), f.get("werksessie")),
    "vaststellen": lambda s, v, f: regels.stel_vast(s, v, f.get("tafel"), f.get("op", "")),
    "nieuwe-versie": lambda s, v, f: regels.nieuwe_versie(s, v),
    "verdeelsleutel": lambda s, v, f: regionaal.zet_verdeelsleutel(s, v, _velden(f, *AFSPRAAKVELDEN),
                                                                   _omgeving().kaart),
    "bod": lambda s, v, f: regionaal.zet_bod(
        s, v, _velden(f, "gemeente", "woonproduct", "jaar", "aantal", "locatie", "lat", "lon"), _omgeving().kaart),
    "realisatie": lambda s, v, f: regionaal.zet_realisatie(
        s, v, _velden(f, "gemeente", "woonproduct", "jaar", "status", "aantal")),
}
"""Each form of the plan page: the rule it runs on the newest version."""


@bp.post("/plannen/<int:plan>/<actie>")
def wijzig(plan: int, actie: str):
    if actie not in ACTIES:
        raise Weigering("Deze wijziging bestaat niet. Gebruik de formulieren op de pagina van het plan.", 404)
    try:
        with _omgeving().opslag.schrijf() as s:
            rij, toegang = _laad(s, plan)
            vereis_eigenaar(toegang)
            ACTIES[actie](s, rij.versies[-1], request.form)
    except Weigering as err:
        if err.status == 404 and actie not in ("partij-bij", "partij-weg", "tafel-weg", "koppel", "ontkoppel"):
            raise
        return _toon(plan, err.melding, err.status, actie, request.form)
    return redirect(url_for("plannen.plan", plan=plan) + f"#{actie}", 303)


@bp.post("/plannen/<int:plan>/links/<rol>")
def vervang_link(plan: int, rol: str):
    """Revoke every link of a role and show its new one."""
    with _omgeving().opslag.schrijf() as s:
        rij, toegang = _laad(s, plan)
        token, ingetrokken, nieuw_ = vervang(s, rij, toegang, rol)
        titel = rij.versies[-1].titel
    if rol == toegang.rol:
        _onthoud(plan, nieuw_.id)
    return _links_pagina(plan, titel, {rol: token}, ingetrokken=ingetrokken)


@bp.get("/plannen/<int:plan>/export.json")
def export(plan: int):
    with _omgeving().opslag.lees() as s:
        rij, _ = _laad(s, plan)
        inhoud = uitwisseling.naar_json(uitwisseling.pakket(s, rij))
    return download(inhoud, "application/json", f"inrichtingsplan-{plan}.json")


def _document(plan_id: int) -> tuple[Planversie, document.Document]:
    """The document of the version asked for, read in one session (a reader's link is enough)."""
    omgeving = _omgeving()
    with omgeving.opslag.lees() as s:
        plan, _ = _laad(s, plan_id)
        versie = _versie(plan)
        return versie, document.document(s, versie, omgeving.kaart, omgeving.gebieden, staat().figuurjaren)


def _documentpagina(plan_id: int, versie: Planversie, doc: document.Document, als_document: bool = False) -> str:
    return render_template("plan_document.html", kaart=_omgeving().kaart, plan_id=plan_id, versie=versie.versie,
                           doc=doc, als_document=als_document)


def _bestandsnaam(plan_id: int, versie: Planversie, extensie: str) -> str:
    return f"inrichtingsplan-{plan_id}-versie-{versie.versie}.{extensie}"


@bp.get("/plannen/<int:plan>/document")
def plandocument(plan: int):
    """The plan version as the document a council adopts, to read, print or download."""
    versie, doc = _document(plan)
    response = current_app.make_response(_documentpagina(plan, versie, doc))
    response.headers["Referrer-Policy"] = "same-origin"
    return response


@bp.get("/plannen/<int:plan>/document.pdf")
def plandocument_pdf(plan: int):
    """The document as an A4 PDF: its own page through WeasyPrint. Not kept: a concept and its werksessies
    change."""
    versie, doc = _document(plan)
    pdf = als_pdf(_documentpagina(plan, versie, doc, als_document=True), request.url_root)
    return download(pdf, "application/pdf", _bestandsnaam(plan, versie, "pdf"))


@bp.get("/plannen/<int:plan>/document.docx")
def plandocument_docx(plan: int):
    versie, doc = _document(plan)
    return download(document.als_docx(doc), DOCX, _bestandsnaam(plan, versie, "docx"))


@bp.route("/plannen/importeer", methods=["GET", "POST"])
def importeren():
    omgeving = _omgeving()
    fout, status = None, 200
    if request.method == "POST":
        bestand = request.files.get("bestand")
        try:
            organisatiecode.vereis()
            if bestand is None or not bestand.filename:
                raise Weigering("Kies een bestand: de JSON-export van een inrichtingsplan.")
            inhoud = uitwisseling.uit_bestand(bestand.read())
            with omgeving.opslag.schrijf() as s:
                rij, ws_links = uitwisseling.importeer(s, inhoud, _bekend(), omgeving.index, omgeving.gebieden,
                                                      omgeving.kaart)
                links = eerste_links(s, rij)
                eigenaar = open_link(s, links["eigenaar"])
                plan_id, titel = rij.id, rij.versies[-1].titel
            _onthoud(plan_id, eigenaar.id)
            return _links_pagina(plan_id, titel, links, 201, werksessielinks=[
                extern("werksessies.open_", token=w["facilitator"]) for w in ws_links])
        except Weigering as err:
            fout, status = err.melding, err.status
    return render_template("plan_import.html", kaart=omgeving.kaart, fout=fout,
                           organisatiecode=organisatiecode.gevraagd()), status
