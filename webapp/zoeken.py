"""Finding an area by name, CBS code, address or postcode: ``GET /zoek?q=...``.

A wijkteam member knows their buurt by name ("Crabbehof") or code
("BU05050101"), or only by a client's address or postcode. Names and codes are
looked up in the kaart itself; text that reads as an address or postcode, and
matches no name, goes to PDOK's Locatieserver (``webapp.adressen``), whose answer
is placed in the kaart by buurtcode or by point. One match opens its
gebiedsprofiel; several are listed (with their level and gemeente, since buurt
names repeat across gemeenten); none says so, offers areas with a similar name
and a new search box. Without the Locatieserver (off, or unreachable) the search
still finds names and codes and says address search is unavailable.
"""

from __future__ import annotations

import difflib
import logging

import pandas as pd
from flask import Blueprint, current_app, redirect, render_template, request, url_for

from kaart.kaartbestand import Kaart
from webapp.adressen import LOCATIESERVER, WACHTTIJD, LocatieserverFout, gebied_van, lijkt_op_adres, zoek_adressen
from webapp.choropleth import NIVEAU_LABELS
from webapp.staat import staat

log = logging.getLogger(__name__)

bp = Blueprint("zoeken", __name__)

MAX_TREFFERS = 50
MAX_SUGGESTIES = 5


def zoek(kaart: Kaart, tekst: str) -> pd.DataFrame:
    """Areas whose code or name matches ``tekst`` (case-insensitive), best first.

    An exact code or name ranks above a name that starts with the text, which
    ranks above one that only contains it; within a rank, coarser levels first.
    """
    tekst = tekst.strip().lower()
    columns = ["code", "naam", "niveau", "gemeentenaam", "rang"]
    if not tekst:
        return pd.DataFrame(columns=columns)
    delen = []
    for volgorde, niveau in enumerate(kaart.niveaus):
        frame = kaart.gebieden[niveau]
        naam = frame["naam"].fillna("").astype(str).str.lower()
        code = frame.index.str.lower()
        rang = pd.Series(pd.NA, index=frame.index, dtype="Int64")
        rang[naam.str.contains(tekst, regex=False)] = 3
        rang[naam.str.startswith(tekst)] = 2
        rang[(naam == tekst) | (code == tekst)] = 1
        hits = frame.loc[rang.notna()]
        delen.append(pd.DataFrame({"code": hits.index, "naam": hits["naam"], "niveau": niveau,
                                   "gemeentenaam": hits.get("gemeentenaam", pd.Series("", index=hits.index)),
                                   "rang": rang[rang.notna()].astype(int) * 10 + volgorde}))
    result = pd.concat(delen, ignore_index=True) if delen else pd.DataFrame(columns=columns)
    return result.sort_values(["rang", "naam"]).reset_index(drop=True)


def lijken_op(kaart: Kaart, tekst: str) -> list[str]:
    """Area names close to ``tekst`` (a typing error): the suggestions of a search without results."""
    namen = {str(n).lower(): str(n) for frame in kaart.gebieden.values() for n in frame["naam"].dropna()}
    dichtbij = difflib.get_close_matches(tekst.strip().lower(), list(namen), n=MAX_SUGGESTIES, cutoff=0.6)
    return [namen[n] for n in dichtbij]


def adresgebieden(kaart: Kaart, tekst: str) -> tuple[list[tuple[str, str | None]], str | None]:
    """(per address or postcode the Locatieserver found, its name and the code of the kaart's area holding it
    (None: outside the kaart); None when it answered, else why not in Dutch)."""
    url = current_app.config.get("LOCATIESERVER_URL", LOCATIESERVER)
    if not url:
        return [], "Zoeken op adres of postcode staat in deze installatie uit."
    try:
        adressen = zoek_adressen(tekst, url, float(current_app.config.get("LOCATIESERVER_TIMEOUT", WACHTTIJD)))
    except LocatieserverFout as err:
        log.warning("Address search for %r falls back to names and codes: %s", tekst, err)
        return [], "Zoeken op adres of postcode kan nu niet: de adresservice van PDOK is niet bereikbaar."
    return [(a.weergavenaam, gebied_van(kaart, a)) for a in adressen], None


@bp.get("/zoek")
def zoeken():
    """One match: its profile; several: a list; none: a message, suggestions and a new box (HTTP 404)."""
    kaart = staat().kaart
    tekst = request.args.get("q", "")
    treffers = zoek(kaart, tekst)
    beste = treffers[treffers["rang"] // 10 == 1] if len(treffers) else treffers
    if len(treffers) == 1 or len(beste) == 1:
        return redirect(url_for("gebiedsprofiel.gebied", code=(beste if len(beste) == 1 else treffers)["code"].iloc[0]))
    adressen, adres_storing = [], None
    if not len(beste) and lijkt_op_adres(tekst):
        adressen, adres_storing = adresgebieden(kaart, tekst)
        codes = list(dict.fromkeys(code for _, code in adressen if code))
        if len(codes) == 1 and not len(treffers):
            return redirect(url_for("gebiedsprofiel.gebied", code=codes[0]))
    gevonden = len(treffers) or any(code for _, code in adressen)
    status = 200 if gevonden or not tekst.strip() else 404
    rijen = [(r.code, r.naam, NIVEAU_LABELS[r.niveau], r.gemeentenaam if r.niveau != "gemeente" else "")
             for r in treffers.head(MAX_TREFFERS).itertuples()]
    return render_template(
        "zoek.html", kaart=kaart, tekst=tekst, rijen=rijen, totaal=len(treffers),
        adressen=[(naam, code, _naam(kaart, code)) for naam, code in adressen[:MAX_TREFFERS]],
        adres_gezocht=lijkt_op_adres(tekst) and not len(beste), adres_storing=adres_storing,
        suggesties=[] if gevonden else lijken_op(kaart, tekst)), status


def _naam(kaart: Kaart, code: str | None) -> str | None:
    """The name and level of the area ``code`` ("buurt Centrum"), or None."""
    if code is None:
        return None
    for niveau in kaart.niveaus:
        if code in kaart.gebieden[niveau].index:
            return f"{NIVEAU_LABELS[niveau].lower()} {kaart.gebieden[niveau].at[code, 'naam']}"
    return None
