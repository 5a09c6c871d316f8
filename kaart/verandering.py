"""Change between two years: per area the difference of one figure, in words that say what it means.

Users compare years first (CBS in uw buurt, Leefbaarometer's "ontwikkeling"), and a change map answers
"where did it get worse" at a glance, which two maps side by side do not. The difference is the later year
minus the earlier one (``jaar − sinds``), both on today's areas (``kaart.reeksen``): positive means the
figure rose. A share's difference is in procentpunten (23% to 25% is +2 procentpunt, not +8.7%); every
other figure's in its own unit. An area without a figure in either year has no difference: missing, never
zero. A difference is as sure as the weaker of its two figures: one estimated over a changed boundary makes
an estimated difference (``status``), and every text of it says so.

A figure of the kaart's own year counts only where it is of that year: one the newest table lacked and an
older year filled in (``reeksen.jaar_van``) is not the newest year's, so it makes no difference.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kaart import reeksen
from kaart.getallen import getal, met_teken, weergave
from kaart.indicatoren import PREFIX, Catalogus
from kaart.kaartbestand import Kaart

PROCENTPUNT = "procentpunt"
AANDEEL_FACTOR = {"%": 1.0, "aandeel": 100.0}
"""The units of a share, with the factor that makes its difference procentpunten (an ``aandeel`` is 0 to 1)."""
GEEN_VERSCHIL = "geen cijfer in beide jaren"
"""What a page says of an area whose figure is missing in either year."""
ONZEKER = ("geschat", "opgeteld")
"""Status words that mark a figure as not CBS's own, weakest first: a difference takes the weakest of its two."""


def jaarcijfers(kaart: Kaart, niveau: str, kolom: str, jaar: int) -> pd.DataFrame:
    """Per area of ``niveau`` (indexed as the layer) the figure of ``kolom`` in ``jaar`` (``waarde``) and its
    ``status``; missing where that year has none. The kaart's own year is the layer's figure where the
    series does not hold it and the figure is of that year (not filled in from an older one)."""
    frame = kaart.gebieden[niveau]
    tabel = reeksen.reeksen(kaart)
    deel = tabel[(tabel["niveau"] == niveau) & (tabel["kolom"] == kolom) & (tabel["jaar"] == jaar)]
    uit = deel.set_index("code")[["waarde", "status"]].reindex(frame.index)
    uit["status"] = uit["status"].astype(object)
    if jaar == kaart.jaar and kolom in frame:
        eigen = pd.to_numeric(frame[kolom], errors="coerce")
        van_dit_jaar = reeksen.jaar_van(kaart, niveau, kolom) == kaart.jaar
        vul = uit["waarde"].isna() & eigen.notna() & van_dit_jaar
        uit.loc[vul, "waarde"] = eigen[vul]
        uit.loc[vul, "status"] = reeksen.OFFICIEEL
    return uit


def statussen(kaart: Kaart, niveau: str, jaar: int) -> pd.DataFrame:
    """Per area of ``niveau`` (rows, as the layer) and figure (columns) the status of its figure in ``jaar`` as
    the series keeps it, in one pass for every figure; missing where the series keeps none."""
    tabel = reeksen.reeksen(kaart)
    deel = tabel[(tabel["niveau"] == niveau) & (tabel["jaar"] == jaar)]
    return deel.pivot(index="code", columns="kolom", values="status").reindex(kaart.gebieden[niveau].index)


def factor(eenheid: str) -> float:
    """What a difference in ``eenheid`` is multiplied by to be in :func:`verschileenheid`."""
    return AANDEEL_FACTOR.get(eenheid, 1.0)


def verschileenheid(eenheid: str) -> str:
    """The unit of a difference of a figure in ``eenheid``: procentpunt for a share, else its own."""
    return PROCENTPUNT if eenheid in AANDEEL_FACTOR else eenheid


def zwakste(a: object, b: object) -> object:
    """The weaker of two statuses (estimated before summed before official); missing when either is."""
    if pd.isna(a) or pd.isna(b):
        return np.nan
    for woord in ONZEKER:
        for status in (a, b):
            if str(status).startswith(woord):
                return status
    return a


def verschil(kaart: Kaart, niveau: str, kolom: str, sinds: int, jaar: int, eenheid: str = "") -> pd.DataFrame:
    """Per area of ``niveau`` (indexed as the layer) the change of ``kolom`` from ``sinds`` to ``jaar``:
    ``verschil`` (``jaar − sinds``, in :func:`verschileenheid` of ``eenheid``), its ``status`` (the weaker of
    the two figures'), and the two figures ``van`` and ``tot`` with their statuses. Missing where either year
    has no figure."""
    van, tot = jaarcijfers(kaart, niveau, kolom, sinds), jaarcijfers(kaart, niveau, kolom, jaar)
    uit = pd.DataFrame({"verschil": (tot["waarde"] - van["waarde"]) * factor(eenheid),
                        "van": van["waarde"], "status_van": van["status"],
                        "tot": tot["waarde"], "status_tot": tot["status"]}, index=van.index)
    uit["status"] = [zwakste(a, b) for a, b in zip(uit["status_van"], uit["status_tot"])]
    uit["status"] = uit["status"].where(uit["verschil"].notna()).astype(object)
    return uit


def onzeker(status: object) -> str:
    """The word that marks a figure or difference as not CBS's own (``geschat``, ``opgeteld``), or ""."""
    return next((w for w in ONZEKER if isinstance(status, str) and status.startswith(w)), "")


def verschiltekst(waarde: float, eenheid: str, status: object = None) -> str:
    """A difference as a page writes it, signed, in the difference's unit (``+2,3 procentpunt``,
    ``-120 inwoners``, ``+€ 1.000``), marked ``(geschat)`` or ``(opgeteld)`` where it is; ``eenheid`` is the
    figure's own unit; :data:`GEEN_VERSCHIL` when missing."""
    if waarde is None or pd.isna(waarde):
        return GEEN_VERSCHIL
    v = float(waarde)
    teken = "+" if v > 0 else "-" if v < 0 else ""
    if eenheid in AANDEEL_FACTOR:
        tekst = f"{teken}{getal(abs(v), 1)} {PROCENTPUNT}"
    elif eenheid == "score":
        tekst = met_teken(v)
    elif eenheid == "klasse":
        tekst = f"{teken}{getal(abs(v), 0 if v.is_integer() else 1)} klasse"
    else:
        tekst = teken + weergave(abs(v), eenheid)
    woord = onzeker(status)
    return f"{tekst} ({woord})" if woord else tekst


def richting(catalogus: Catalogus, kolom: str) -> int:
    """+1 when a rise of ``kolom`` means more pressure, -1 when a fall does, 0 when the figure has no
    direction (a neutral indicator, a KWB statistic): which way a change map's red points."""
    ind = catalogus.indicatoren.get(kolom.removeprefix(PREFIX)) if kolom.startswith(PREFIX) else None
    return ind.teken if ind is not None and ind.telt_mee else 0

