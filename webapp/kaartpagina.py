"""The kaart page: one indicator at one level on the map, chosen with two selects.

``GET /?niveau=wijk&indicator=pct_65plus``. Without parameters it shows
the drukpunt score per buurt (or at the finest level the kaart has): what the tool is for; a kaart without
the analysis opens on inwoners. A level or indicator
the kaart does not have is a 400 with a Dutch message.
"""

from __future__ import annotations

import pandas as pd
from flask import Blueprint, render_template, request

from kaart.export import csv_bytes, jaarkolom, met_herkomst, met_jaren
from kaart.getallen import weergave
from kaart.kaartbestand import Kaart
from kaart.variabelen import kaartbaar, keuzelijst, variabelen
from webapp.choropleth import NIVEAU_LABELS
from webapp.download import download
from webapp.errors import InvalidChoice
from webapp.staat import staat

bp = Blueprint("kaartpagina", __name__)

DEFAULT_INDICATOREN = ("drukpuntscore", "inwoners")
"""What the map opens on: the first of these the level has."""


@bp.get("/")
def index():
    """The kaart page for the ``niveau`` and ``indicator`` query parameters."""
    toestand = staat()
    kaart = toestand.kaart
    niveau, indicator = choice(kaart, request.args.get("niveau"), request.args.get("indicator"))
    catalogus = toestand.variabelen
    return render_template(
        "kaart.html",
        kaart=kaart,
        kaartbeeld=toestand.kaartbeelden.get(niveau, indicator),
        niveau=niveau,
        indicator=indicator,
        niveaus=[(n, NIVEAU_LABELS[n]) for n in kaart.niveaus],
        indicatoren=[(naam, catalogus[naam].label, catalogus[naam].groep)
                     for naam in keuzelijst(kaart.gebieden[niveau], kaart.catalogus)],
        ontbrekende_bestanden=toestand.ontbrekende_bestanden,
        gebiedsnamen=toestand.gebiedsnamen,

        tabel=tabel(kaart, niveau, indicator),
    )


TABEL_MAX = 3000
"""Up to this many areas the page shows the map's values as a table too; beyond, the CSV export has them."""


def selectie(kaart: Kaart, niveau: str, indicator: str) -> pd.DataFrame:
    """What the map shows, as a table: every area of the level with its name, gemeente and value."""
    frame = kaart.gebieden[niveau]
    kolommen = ["naam"] + (["gemeentenaam"] if niveau != "gemeente" else []) + [indicator]
    return frame[kolommen].rename_axis("code")


def tabel(kaart: Kaart, niveau: str, indicator: str) -> list[tuple[str, str, str, str]] | None:
    """The table view's rows (code, name, gemeente, formatted value), or None when there are too many."""
    rijen = selectie(kaart, niveau, indicator)
    if len(rijen) > TABEL_MAX:
        return None
    kolom = variabelen(kaart.catalogus)[indicator]
    return [(code, r["naam"], r.get("gemeentenaam", ""), weergave(r[indicator], kolom.eenheid))
            for code, r in rijen.iterrows()]


@bp.get("/export.csv")
def export_csv():
    """What the map shows (level and indicator of the query), as an Excel-friendly CSV download."""
    kaart = staat().kaart
    niveau, indicator = choice(kaart, request.args.get("niveau"), request.args.get("indicator"))
    kolom = variabelen(kaart.catalogus)[indicator]
    jaren = staat().figuurjaren.jaren(niveau, indicator)  # beside the figure when some are from an older year
    data = met_jaren(selectie(kaart, niveau, indicator), {indicator: jaren}).rename(
        columns={indicator: kolom.label, jaarkolom(indicator): jaarkolom(kolom.label)})
    bron = kaart.voorzieningen_bronvermelding if kolom.uit_voorzieningenlaag else kaart.bronvermelding
    data = met_herkomst(data, bron, kaart.jaar, bool(kaart.metadata.get("fictief")), jaren is not None,
                        niveau=niveau, eenheid=kolom.eenheid)
    return download(csv_bytes(data), "text/csv", f"{niveau}-{indicator}.csv")


SUGGESTIES_MAX = 3000
"""Up to this many areas, the search box suggests their names (a region); beyond, it only searches."""


def gebiedsnamen(kaart: Kaart) -> list[str]:
    """The distinct area names the search box suggests, sorted; none for a national kaart."""
    namen = sorted({str(n) for frame in kaart.gebieden.values() for n in frame["naam"].dropna()})
    return namen if len(namen) <= SUGGESTIES_MAX else []


def choice(kaart: Kaart, niveau: str | None, indicator: str | None) -> tuple[str, str]:
    """The level and indicator to show: the requested ones, checked, or the defaults.

    Raises
    ------
    InvalidChoice
        When the kaart has no such level, or no such numeric indicator at that level.
    """
    niveaus = kaart.niveaus
    niveau = niveau or ("buurt" if "buurt" in niveaus else niveaus[-1])
    if niveau not in niveaus:
        raise InvalidChoice(f"Het niveau ‘{niveau}’ bestaat niet in deze kaart. Kies uit: {', '.join(niveaus)}.")
    beschikbaar = kaartbaar(kaart.gebieden[niveau], kaart.catalogus)

    if not beschikbaar:
        raise InvalidChoice(f"Op het niveau {niveau} heeft deze kaart geen cijfers om te tonen.")
    indicator = indicator or next((i for i in DEFAULT_INDICATOREN if i in beschikbaar), beschikbaar[0])
    if indicator not in beschikbaar:
        raise InvalidChoice(f"De indicator ‘{indicator}’ bestaat niet op het niveau {niveau}. "
                            "Kies een indicator uit de lijst op de kaartpagina.")
    return niveau, indicator
