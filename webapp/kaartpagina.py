"""The kaart page: one indicator at one level on the map, chosen with two selects.

``GET /?niveau=wijk&indicator=pct_65plus``. Without parameters it shows
the drukpunt score per buurt (or at the finest level the kaart has): what the tool is for; a kaart without
the analysis opens on inwoners. A level or indicator
the kaart does not have is a 400 with a Dutch message.

A kaart of several years adds two selects: ``jaar`` shows that year's figures on today's areas
(``?jaar=2021``), ``sinds`` the change since a year (``?sinds=2020``: newest minus 2020; with ``jaar``,
that year minus ``sinds``), read and checked by :mod:`webapp.tijdkeuze`. Only the indicators with figures
in the years shown are offered.
"""

from __future__ import annotations

import pandas as pd
from flask import Blueprint, render_template, request

from kaart import reeksen, verandering
from kaart.export import csv_bytes, jaarkolom, met_herkomst, met_jaren
from kaart.getallen import weergave
from kaart.kaartbestand import Kaart
from kaart.variabelen import kaartbaar, keuzelijst, variabelen
from webapp.choropleth import NIVEAU_LABELS
from webapp.download import download
from webapp.errors import InvalidChoice
from webapp.staat import staat
from webapp.tijdkeuze import Tijd, getoond, tijdkeuze

bp = Blueprint("kaartpagina", __name__)

DEFAULT_INDICATOREN = ("drukpuntscore", "inwoners")
"""What the map opens on: the first of these the level has."""


@bp.get("/")
def index():
    """The kaart page for the ``niveau``, ``indicator``, ``jaar`` and ``sinds`` query parameters."""
    toestand = staat()
    kaart = toestand.kaart
    tijd = tijdkeuze(kaart, request.args)
    niveau, indicator = choice(kaart, request.args.get("niveau"), request.args.get("indicator"), tijd)
    catalogus = toestand.variabelen
    jaren = reeksen.jaren(kaart)
    return render_template(
        "kaart.html",
        kaart=kaart,
        kaartbeeld=toestand.kaartbeelden.get(niveau, indicator, tijd),
        niveau=niveau,
        indicator=indicator,
        niveaus=[(n, NIVEAU_LABELS[n]) for n in kaart.niveaus],
        indicatoren=[(naam, catalogus[naam].label, catalogus[naam].groep)
                     for naam in keuzelijst(getoond(kaart, niveau, tijd), kaart.catalogus)],
        ontbrekende_bestanden=toestand.ontbrekende_bestanden,
        gebiedsnamen=toestand.gebiedsnamen,
        jaren=jaren if len(jaren) > 1 else [],
        tijd=tijd,
        tijdargs={} if tijd.is_nu(kaart) else {"jaar": tijd.jaar, **({"sinds": tijd.sinds} if tijd.sinds else {})},
        tabel=tabel(kaart, niveau, indicator, tijd),
    )


TABEL_MAX = 3000
"""Up to this many areas the page shows the map's values as a table too; beyond, the CSV export has them."""


def selectie(kaart: Kaart, niveau: str, indicator: str) -> pd.DataFrame:
    """What the map shows, as a table: every area of the level with its name, gemeente and value."""
    frame = kaart.gebieden[niveau]
    kolommen = ["naam"] + (["gemeentenaam"] if niveau != "gemeente" else []) + [indicator]
    return frame[kolommen].rename_axis("code")


def tabel(kaart: Kaart, niveau: str, indicator: str, tijd: Tijd | None = None
          ) -> list[tuple[str, str, str, str]] | None:
    """The table view's rows (code, name, gemeente, formatted value: of the year shown, or the change), or
    None when there are too many."""
    rijen = selectie(kaart, niveau, indicator)
    if len(rijen) > TABEL_MAX:
        return None
    kolom = variabelen(kaart.catalogus)[indicator]
    if tijd is None or tijd.is_nu(kaart):
        teksten = [weergave(v, kolom.eenheid) for v in rijen[indicator]]
    elif tijd.verandering:
        verschil = verandering.verschil(kaart, niveau, indicator, tijd.sinds, tijd.jaar, kolom.eenheid)
        teksten = [verandering.verschiltekst(r.verschil, kolom.eenheid, r.status)
                   for r in verschil.reindex(rijen.index).itertuples()]
    else:
        waarden = staat().in_jaar(tijd.jaar).gebieden[niveau][indicator].reindex(rijen.index)
        teksten = [weergave(v, kolom.eenheid) for v in waarden]
    return [(code, r["naam"], r.get("gemeentenaam", ""), tekst)
            for (code, r), tekst in zip(rijen.iterrows(), teksten)]


@bp.get("/export.csv")
def export_csv():
    """What the map shows (level, indicator, year or change of the query), as an Excel-friendly CSV download."""
    kaart = staat().kaart
    tijd = tijdkeuze(kaart, request.args)
    niveau, indicator = choice(kaart, request.args.get("niveau"), request.args.get("indicator"), tijd)
    kolom = variabelen(kaart.catalogus)[indicator]
    data = selectie(kaart, niveau, indicator).drop(columns=indicator)
    naam, jaren = f"{niveau}-{indicator}", None
    if tijd.verandering:
        verschil = verandering.verschil(kaart, niveau, indicator, tijd.sinds, tijd.jaar, kolom.eenheid)
        eenheid = verandering.verschileenheid(kolom.eenheid)
        data[f"{kolom.label} {tijd.sinds}"] = verschil["van"]
        data[f"{kolom.label} {tijd.jaar}"] = verschil["tot"]
        data[f"verschil {tijd.sinds}-{tijd.jaar} ({eenheid})" if eenheid else f"verschil {tijd.sinds}-{tijd.jaar}"] = \
            verschil["verschil"]
        data["status verschil"] = verschil["status"]
        jaar, naam = f"{tijd.sinds} en {tijd.jaar}", f"{naam}-{tijd.sinds}-{tijd.jaar}"
    else:
        toen = kaart if tijd.is_nu(kaart) else staat().in_jaar(tijd.jaar)
        data[kolom.label] = toen.gebieden[niveau][indicator]
        jaar = tijd.jaar
        naam += "" if tijd.is_nu(kaart) else f"-{tijd.jaar}"
        if tijd.is_nu(kaart):  # beside the figure when some are from an older year (the newest table lacked them)
            jaren = staat().figuurjaren.jaren(niveau, indicator)
            data = met_jaren(data, {kolom.label: jaren}).rename(columns={jaarkolom(kolom.label): jaarkolom(kolom.label)})
    bron = kaart.voorzieningen_bronvermelding if kolom.uit_voorzieningenlaag else kaart.bronvermelding
    data = met_herkomst(data, bron, jaar, bool(kaart.metadata.get("fictief")), jaren is not None, niveau=niveau,
                        eenheid=kolom.eenheid)
    return download(csv_bytes(data), "text/csv", f"{naam}.csv")


SUGGESTIES_MAX = 3000
"""Up to this many areas, the search box suggests their names (a region); beyond, it only searches."""


def gebiedsnamen(kaart: Kaart) -> list[str]:
    """The distinct area names the search box suggests, sorted; none for a national kaart."""
    namen = sorted({str(n) for frame in kaart.gebieden.values() for n in frame["naam"].dropna()})
    return namen if len(namen) <= SUGGESTIES_MAX else []


def choice(kaart: Kaart, niveau: str | None, indicator: str | None, tijd: Tijd | None = None) -> tuple[str, str]:
    """The level and indicator to show: the requested ones, checked, or the defaults; with ``tijd``, one with
    figures in the year shown (and for a change, in the year since too).

    Raises
    ------
    InvalidChoice
        When the kaart has no such level, or no such numeric indicator at that level (in those years).
    """
    niveaus = kaart.niveaus
    niveau = niveau or ("buurt" if "buurt" in niveaus else niveaus[-1])
    if niveau not in niveaus:
        raise InvalidChoice(f"Het niveau ‘{niveau}’ bestaat niet in deze kaart. Kies uit: {', '.join(niveaus)}.")
    beschikbaar = kaartbaar(getoond(kaart, niveau, tijd), kaart.catalogus)
    jaren = "" if tijd is None or tijd.is_nu(kaart) else (
        f" in zowel {tijd.sinds} als {tijd.jaar}" if tijd.verandering else f" van {tijd.jaar}")
    if not beschikbaar:
        raise InvalidChoice(f"Op het niveau {niveau} heeft deze kaart geen cijfers{jaren} om te tonen.")
    indicator = indicator or next((i for i in DEFAULT_INDICATOREN if i in beschikbaar), beschikbaar[0])
    if indicator not in beschikbaar:
        if jaren and indicator in kaartbaar(kaart.gebieden[niveau], kaart.catalogus):
            raise InvalidChoice(f"Van ‘{variabelen(kaart.catalogus)[indicator].label}’ heeft deze kaart geen "
                                f"cijfers{jaren}. Kies een andere indicator of een ander jaar.")
        raise InvalidChoice(f"De indicator ‘{indicator}’ bestaat niet op het niveau {niveau}. "
                            "Kies een indicator uit de lijst op de kaartpagina.")
    return niveau, indicator
