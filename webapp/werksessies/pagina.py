"""The werksessie pages and their JSON endpoints.

Pages: ``/werksessies/nieuw`` (create, then the links), ``/w/<token>`` (open a
link: a session cookie, then a redirect to the clean ``/werksessies/<id>``),
``/werksessies/<id>`` (the map, drawing tools, dots, ranking and afspraken),
``/werksessies/importeer``. JSON under ``/werksessies/<id>/api/``: annotations
(poll with ``?sinds=``), votes, ranking, afspraken, settings, links. Exports:
``/werksessies/<id>/export.gpkg|.geojson``, ``afspraken.csv``.

Every state-changing request needs the CSRF token (a form field, or the
``X-CSRFToken`` header from the page's meta tag); writes are rate-limited per
participant; bodies are capped (``MAX_CONTENT_LENGTH``, 256 KB; an import may
send ``MAX_IMPORT``). Each change is one short write transaction.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import select
from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from kaart.export import csv_bytes
from webapp import organisatiecode
from webapp.download import download
from webapp.kopregels import SESSIE_TOT, extern
from webapp.staat import staat
from webapp.werksessies import afspraken as afspraken_
from webapp.werksessies import annotaties as annotaties_
from webapp.werksessies import stemmen as stemmen_
from webapp.werksessies import fasen, velden
from webapp.errors import Weigering
from webapp.werksessies.model import (
    CATEGORIE_KLEUREN,
    CATEGORIEEN,
    FASEN,
    ROLLEN,
    ROLLEN_PARTIJ,
    STATUS_AFSPRAAK,
    Deelnemer,
    Toegang,
    Werksessie,
)
from webapp.werksessies.toegang import (
    token_hash,
    bezoeker,
    maak_werksessie,
    nu,
    open_link,
    verloopt,
    vereis_facilitator,
    vervang,
)
from webapp.werksessies.uitnodiging import WAT_DE_ROL_MAG, qr_svg
from webapp.werksessies.uitwisseling import (
    importeer,
    naar_geojson,
    naar_geopackage,
    pakket,
    uit_bestand,
)

bp = Blueprint("werksessies", __name__)
beheer = Blueprint("werksessiebeheer", __name__)
"""Creating and importing: rate-limited per address, more strictly than the writes inside a werksessie."""

MAX_IMPORT = 20 * 2**20


@beheer.before_app_request
def _importgrens():
    """An import may send ``MAX_IMPORT``: set before anything reads the body (the CSRF check reads the form
    first, under the general cap, and a werksessie's own export of 30 x 20 annotations is larger)."""
    if request.endpoint == "werksessiebeheer.importeren" and request.method == "POST":
        request.max_content_length = MAX_IMPORT


def _omgeving():
    """The app's werksessie context (see ``webapp.werksessies.init_app``)."""
    return staat().werksessies


def sleutel() -> str:
    """Rate-limit key: the participant when known (thirty people behind one municipal address
    each get their own budget), else the address."""
    ws = (request.view_args or {}).get("ws")
    deelnemer = _sessies().get(str(ws)) if ws is not None else None
    return f"deelnemer:{ws}:{deelnemer}" if deelnemer else f"adres:{request.remote_addr}"


def _sessies() -> dict:
    return session.get("werksessies", {})


def _onthoud(deelnemer: Deelnemer, werksessie: Werksessie) -> None:
    """Keep the participant in the signed cookie, which then lasts until this werksessie's links expire
    (or a later one's it also names)."""
    sessies = dict(_sessies())
    sessies[str(deelnemer.werksessie_id)] = deelnemer.id
    session["werksessies"] = sessies
    tot = verloopt(werksessie).astimezone().isoformat()
    session[SESSIE_TOT] = max(tot, session.get(SESSIE_TOT) or tot)
    session.permanent = True


def _laad(s, ws: int) -> tuple[Werksessie, Deelnemer]:
    werksessie = s.get(Werksessie, ws) if velden.rij_id(ws) is not None else None
    if werksessie is None:
        raise Weigering("Deze werksessie bestaat niet.", 404)
    return werksessie, bezoeker(s, ws, _sessies().get(str(ws)))


def _json() -> dict:
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # nested thousands deep: no form the page sends
        data = None
    if not isinstance(data, dict):
        raise Weigering("Stuur de gegevens als een JSON-object.")
    return data


# --- creating, opening, importing ------------------------------------------------------------------------------


@beheer.route("/werksessies/nieuw", methods=["GET", "POST"])
def nieuw():
    omgeving = _omgeving()
    fout, status = None, 200
    if request.method == "POST":
        try:
            organisatiecode.vereis()
            with omgeving.opslag.schrijf() as s:
                werksessie, links = maak_werksessie(
                    s, request.form.get("titel", ""), omgeving.regio, request.form.get("fase", ""),
                    _datum(request.form.get("begin")), _datum(request.form.get("einde")),
                    stippen=_heel(request.form.get("stippen", "5")), moderatie="moderatie" in request.form,
                    alleen_eigen="alleen_eigen" in request.form, lezerslink="lezerslink" in request.form,
                    bewaartermijn_dagen=_heel(request.form.get("bewaartermijn_dagen", "90")))
                facilitator = open_link(s, links["facilitator"])
            _onthoud(facilitator, werksessie)
            return _links_pagina(werksessie, links, 201)
        except Weigering as err:
            fout, status = err.melding, err.status
    vandaag = date.today()
    return render_template("werksessie_nieuw.html", kaart=omgeving.kaart, fasen=FASEN, fout=fout,
                           vandaag=vandaag.isoformat(), form=request.form,
                           organisatiecode=organisatiecode.gevraagd()), status


def _links_pagina(werksessie: Werksessie, links: dict[str, str], status: int = 200, ingetrokken: int | None = None):
    """The links with copy buttons and QR codes; printed, one invitation per link."""
    uitnodigingen = []
    for rol, token in links.items():
        url = extern("werksessies.open_", token=token)
        uitnodigingen.append({"rol": rol, "url": url, "wat": WAT_DE_ROL_MAG[rol],
                              "qr": qr_svg(url, f"QR-code van de link voor {ROLLEN[rol].lower()}")})
    response = current_app.make_response((render_template(
        "werksessie_links.html", kaart=_omgeving().kaart, werksessie=werksessie, uitnodigingen=uitnodigingen,
        rollen=ROLLEN, ingetrokken=ingetrokken), status))
    response.headers["Cache-Control"] = "no-store"  # the links exist only on this page; no cache keeps them
    return response


def _datum(value: str | None) -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        raise Weigering("Geef een begin- en einddatum (jjjj-mm-dd).") from None


def _heel(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Weigering(f"‘{value}’ is geen heel getal.") from None


def _bekend(s, token: str) -> int | None:
    """The participant this browser already is in the werksessie of ``token`` (None when none)."""
    toegang = s.scalar(select(Toegang).where(Toegang.token_hash == token_hash(token)))
    return _sessies().get(str(toegang.werksessie_id)) if toegang is not None else None


@bp.get("/w/<token>")
def open_(token: str):
    """Exchange a link's token for a session cookie, then go to the clean URL."""
    with _omgeving().opslag.schrijf() as s:
        deelnemer = open_link(s, token, _bekend(s, token))
        werksessie = s.get(Werksessie, deelnemer.werksessie_id)
    _onthoud(deelnemer, werksessie)
    response = redirect(url_for("werksessies.werksessie", ws=deelnemer.werksessie_id), 303)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@beheer.route("/werksessies/importeer", methods=["GET", "POST"])
def importeren():
    omgeving = _omgeving()
    fout, status = None, 200
    if request.method == "POST":
        bestand = request.files.get("bestand")
        try:
            organisatiecode.vereis()
            if bestand is None or not bestand.filename:
                raise Weigering("Kies een bestand: een GeoPackage of GeoJSON die een werksessie exporteerde.")
            inhoud = uit_bestand(bestand.read())
            with omgeving.opslag.schrijf() as s:
                werksessie, links = importeer(s, inhoud, omgeving.index, omgeving.gebieden)
                facilitator = open_link(s, links["facilitator"])
            _onthoud(facilitator, werksessie)
            return _links_pagina(werksessie, links, 201)
        except Weigering as err:
            fout, status = err.melding, err.status
    return render_template("werksessie_import.html", kaart=omgeving.kaart, fout=fout,
                           organisatiecode=organisatiecode.gevraagd()), status


# --- the werksessie page -----------------------------------------------------------------------------------------


@bp.get("/werksessies/<int:ws>")
def werksessie(ws: int):
    omgeving = _omgeving()
    with omgeving.opslag.lees() as s:
        werksessie, deelnemer = _laad(s, ws)
    response = current_app.make_response(render_template(
        "werksessie.html", kaart=omgeving.kaart, werksessie=werksessie, deelnemer=deelnemer, fasen=FASEN,
        rollen=ROLLEN, categorieen=CATEGORIEEN, rollen_partij=ROLLEN_PARTIJ, status_afspraak=STATUS_AFSPRAAK,
        indicatoren=[(id_, label) for id_, (label, _) in omgeving.gebieden.indicatoren.items()],
        instellingen={"ws": ws, "rol": deelnemer.rol, "grens": omgeving.grens_wgs84,
                      "drukpunten": omgeving.drukpunten_geojson(), "categorieen": CATEGORIEEN,
                      "kleuren": CATEGORIE_KLEUREN, "fase": werksessie.fase,
                      "rollen_partij": {k: v.lower() for k, v in ROLLEN_PARTIJ.items()},
                      "status_afspraak": STATUS_AFSPRAAK,
                      "stippen": werksessie.stippen}))
    response.headers["Referrer-Policy"] = "same-origin"
    return response


@bp.get("/werksessies/<int:ws>/api/kaartlagen")
def kaartlagen(ws: int):
    """The region's outline and the boundaries and names of its areas (the same for every werksessie)."""
    omgeving = _omgeving()
    with omgeving.opslag.lees() as s:
        _laad(s, ws)
    response = current_app.response_class(omgeving.kaartlagen(), mimetype="application/json")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.get("/werksessies/<int:ws>/api/annotaties")
def annotaties(ws: int):
    sinds = velden.heel(request.args.get("sinds", "0"), "sinds", 0, velden.GROOTSTE_ID)
    with _omgeving().opslag.lees() as s:
        werksessie, deelnemer = _laad(s, ws)
        return jsonify(annotaties_.sinds(s, werksessie, deelnemer, sinds))


def _schrijf(ws: int, actie):
    """Run ``actie(session, werksessie, deelnemer)`` in one write transaction; its result as JSON."""
    with _omgeving().opslag.schrijf() as s:
        werksessie, deelnemer = _laad(s, ws)
        return actie(s, werksessie, deelnemer)


@bp.post("/werksessies/<int:ws>/api/annotaties")
def plaats(ws: int):
    data = _json()
    return _schrijf(ws, lambda s, w, d: (jsonify(annotaties_.als_json(
        w, annotaties_.plaats(s, w, d, data, _omgeving().index), d)), 201))


@bp.route("/werksessies/<int:ws>/api/annotaties/<int:aid>", methods=["PATCH", "DELETE"])
def annotatie(ws: int, aid: int):
    if request.method == "DELETE":
        return _schrijf(ws, lambda s, w, d: jsonify(annotaties_.als_json(w, annotaties_.verwijder(s, w, d, aid), d)))
    data = _json()
    return _schrijf(ws, lambda s, w, d: jsonify(annotaties_.als_json(
        w, annotaties_.wijzig(s, w, d, aid, data, _omgeving().index), d)))


@bp.post("/werksessies/<int:ws>/api/annotaties/<int:aid>/herstel")
def herstel(ws: int, aid: int):
    return _schrijf(ws, lambda s, w, d: jsonify(annotaties_.als_json(w, annotaties_.herstel(s, w, d, aid), d)))


@bp.post("/werksessies/<int:ws>/api/annotaties/<int:aid>/status")
def status(ws: int, aid: int):
    data = _json()
    return _schrijf(ws, lambda s, w, d: jsonify(annotaties_.als_json(
        w, annotaties_.modereer(s, w, d, aid, data.get("status")), d)))


@bp.get("/werksessies/<int:ws>/api/annotaties/<int:aid>/geschiedenis")
def geschiedenis(ws: int, aid: int):
    with _omgeving().opslag.lees() as s:
        werksessie, deelnemer = _laad(s, ws)
        return jsonify(annotaties_.geschiedenis(s, werksessie, deelnemer, aid))


@bp.put("/werksessies/<int:ws>/api/stemmen")
def stem(ws: int):
    data = _json()
    return _schrijf(ws, lambda s, w, d: jsonify(stemmen_.stem(
        s, w, d, data.get("doel_soort"), data.get("doel", ""), data.get("aantal"), set(_omgeving().drukpunten))))


@bp.get("/werksessies/<int:ws>/api/ranglijst")
def ranglijst(ws: int):
    with _omgeving().opslag.lees() as s:
        werksessie, deelnemer = _laad(s, ws)
        besteed = sum(stemmen_.besteed(s, deelnemer).values())
        return jsonify({"ranglijst": stemmen_.ranglijst(s, werksessie, deelnemer, _omgeving().gebieden.namen),
                        "over": werksessie.stippen - besteed, "stippen": werksessie.stippen})


@bp.route("/werksessies/<int:ws>/api/afspraken", methods=["GET", "POST"])
def afspraken(ws: int):
    omgeving = _omgeving()
    if request.method == "POST":
        data = _json()
        return _schrijf(ws, lambda s, w, d: (jsonify(afspraken_.als_json(
            afspraken_.leg_vast(s, w, d, data, omgeving.gebieden), omgeving.gebieden)), 201))
    with omgeving.opslag.lees() as s:
        werksessie, _ = _laad(s, ws)
        return jsonify([afspraken_.als_json(a, omgeving.gebieden) for a in werksessie.afspraken])


@bp.patch("/werksessies/<int:ws>/api/afspraken/<int:afid>")
def afspraak_status(ws: int, afid: int):
    data = _json()
    return _schrijf(ws, lambda s, w, d: jsonify(afspraken_.als_json(
        afspraken_.zet_status(s, w, d, afid, data.get("status")), _omgeving().gebieden)))


@bp.post("/werksessies/<int:ws>/api/instellingen")
def instellingen(ws: int):
    data = _json()

    def actie(s, werksessie, deelnemer):
        vereis_facilitator(deelnemer)
        if "fase" in data:
            fasen.zet_fase(werksessie, data["fase"])
        if "open" in data:
            fasen.zet_open(werksessie, data["open"])
        for veld in ("moderatie", "alleen_eigen"):
            if veld in data:
                setattr(werksessie, veld, bool(data[veld]))
        if "stippen" in data:
            werksessie.stippen = velden.heel(data["stippen"], "stippen per deelnemer", 0, 50)
        werksessie.revisie += 1
        return jsonify({**{k: getattr(werksessie, k) for k in ("moderatie", "alleen_eigen")},
                        **fasen.als_json(werksessie)})

    return _schrijf(ws, actie)


@bp.post("/werksessies/<int:ws>/links/<rol>")
def vervang_link(ws: int, rol: str):
    """Revoke every link of a role and show its new one (with QR code and invitation): a form on the page."""
    with _omgeving().opslag.schrijf() as s:
        werksessie, deelnemer = _laad(s, ws)
        token, ingetrokken = vervang(s, werksessie, deelnemer, rol)
    return _links_pagina(werksessie, {rol: token}, ingetrokken=ingetrokken)


@bp.post("/werksessies/<int:ws>/api/wis-tekst")
def wis_tekst(ws: int):
    def actie(s, werksessie, deelnemer):
        vereis_facilitator(deelnemer)
        return jsonify({"gewist": annotaties_.wis_tekst(s, werksessie, nu())})

    return _schrijf(ws, actie)


# --- exports ---------------------------------------------------------------------------------------------------


def _export(ws: int) -> tuple[Werksessie, dict]:
    with _omgeving().opslag.lees() as s:
        werksessie, deelnemer = _laad(s, ws)
        vereis_facilitator(deelnemer)
        return werksessie, pakket(s, werksessie)


@bp.get("/werksessies/<int:ws>/export.gpkg")
def export_gpkg(ws: int):
    werksessie, p = _export(ws)
    return download(naar_geopackage(p), "application/geopackage+sqlite3", f"werksessie-{ws}.gpkg")


@bp.get("/werksessies/<int:ws>/export.geojson")
def export_geojson(ws: int):
    werksessie, p = _export(ws)
    return download(naar_geojson(p), "application/geo+json", f"werksessie-{ws}.geojson")


@bp.get("/werksessies/<int:ws>/monitor")
def monitor(ws: int):
    """Every afspraak with a target held against the kaart's later years: baseline, each later year, the
    target and the status with its rule; ``?gebied=`` (a code) for the afspraken of one area."""
    omgeving = _omgeving()
    gebied = (request.args.get("gebied") or "").strip().upper() or None
    with omgeving.opslag.lees() as s:
        werksessie, _ = _laad(s, ws)
        afspraken = [a for a in werksessie.afspraken if gebied is None or a.gebied == gebied]
        rijen = [afspraken_.monitorregel(a, omgeving.gebieden) for a in afspraken]
        titel = werksessie.titel
    if gebied and gebied not in omgeving.gebieden.namen:
        raise Weigering(f"‘{gebied}’ is geen gebied van deze kaart. Open de monitor zonder gebied voor alle "
                        "afspraken.", 404)
    return render_template("werksessie_monitor.html", kaart=omgeving.kaart, ws=ws, titel=titel, rijen=rijen,
                           gebied=gebied, gebiedsnaam=omgeving.gebieden.namen.get(gebied or "", ""))


def _voortgangskolommen(v: dict | None) -> dict:
    """The monitor's columns of the CSV: the newest year and value held against the baseline, status, rule."""
    if v is None:
        return {}
    nieuwste = v["later"][-1] if v["later"] else {}
    return {"nieuwste jaar": nieuwste.get("jaar"), "nieuwste waarde": nieuwste.get("waarde"),
            "voortgang": v["status"], "regel": v["regel"]}


@bp.get("/werksessies/<int:ws>/afspraken.csv")
def afspraken_csv(ws: int):
    """The afspraken as an Excel-friendly CSV, for the decision document."""
    omgeving = _omgeving()
    with omgeving.opslag.lees() as s:
        werksessie, _ = _laad(s, ws)
        rijen = [afspraken_.als_json(a, omgeving.gebieden) for a in werksessie.afspraken]
    tabel = pd.DataFrame([{
        "gebied": r["gebied"], "gebiedsnaam": r["gebiedsnaam"], "wat": r["wat"],
        "wie": ", ".join(f"{p['partij']} ({ROLLEN_PARTIJ[p['rol']].lower()})" for p in r["wie"]),
        "wanneer": r["wanneer_tekst"], "indicator": omgeving.gebieden.indicatoren.get(r["indicator"], ("",))[0],
        "huidige waarde": r["huidige_waarde"], "basisjaar": r["basisjaar"],
        "doelwaarde": r["doelwaarde"], "doeljaar": r["doeljaar"], "status": STATUS_AFSPRAAK[r["status"]],
        **_voortgangskolommen(r["voortgang"]),
    } for r in rijen], columns=["gebied", "gebiedsnaam", "wat", "wie", "wanneer", "indicator", "huidige waarde",
                                "basisjaar", "doelwaarde", "doeljaar", "status", "nieuwste jaar", "nieuwste waarde",
                                "voortgang", "regel"])
    return download(csv_bytes(tabel.set_index("gebied")), "text/csv", f"afspraken-werksessie-{ws}.csv")
