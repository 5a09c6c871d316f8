"""The online build source ``cbs``: the figures from CBS's KWB table of each year, the outlines from PDOK.

The request is checked before anything goes over the network (a year, at least one gemeente, a
well-formed code, a table CBS has for every year of a range, outlines PDOK has for the newest year);
then CBS's list of gemeenten turns names into codes and only the region's rows are fetched. For a
range of years (``--jaar 2022-2023``) each older year is read from its own table over the gemeenten
that make up today's region then (a merged gemeente by its predecessors, ``layers/gemeentefusies.toml``),
with its national row and, where PDOK serves that year, its outlines (an older year may go without:
its areas are then matched by code). CBS's ``indelingswijziging`` of every later table tells the
harmonisation which codes kept their code but not their boundary.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kaart import codes as cbs_codes
from kaart.bouwen import Bron, Jaargang
from kaart.errors import InputError
from kaart.regio import resolve_gemeenten
from layers import _odata, cbs, pdok
from layers.bouwbronnen import Bouwbron, Invoer, LetOp, Stap, Vraag, registreer
from layers.cbs import INDELINGSWIJZIGING
from layers.regio_indelingen import fusiecodes, opgeheven, splitscodes

GRENS_GEWIJZIGD = 3
"""CBS's ``indelingswijziging`` for an area whose boundary changed since the year before."""


@dataclass
class _Jaar:
    """What was fetched of one year: its sources, its national row, and CBS's change code per area."""

    bronnen: list[Bron]
    nederland: pd.Series | None
    wijziging: pd.Series


def stappen(vraag: Vraag) -> int:
    """The steps :func:`lees` reports: three for the newest year (gemeenten, figures, outlines), and per
    older year of a range two, or three where PDOK has that year's outlines."""
    if vraag.jaar is None or vraag.vanaf is None:
        return 3
    return 3 + sum(3 if j in pdok.PDOK_DATASETS else 2 for j in range(vraag.vanaf, vraag.jaar))


def lees(vraag: Vraag, stap: Stap, let_op: LetOp) -> Invoer:
    """The region's KWB figures from CBS and its wijk and buurt outlines from PDOK, for each year asked."""
    if vraag.bestanden:
        raise InputError("--bestand is only used with --bron bestanden.", "Add --bron bestanden.")
    if vraag.jaar is None:
        raise InputError("--jaar is required with --bron cbs.", "Give the year, e.g. --jaar 2023.")
    if not vraag.gemeenten:
        raise InputError("No gemeente given.", "Name at least one with --gemeente (code or name).")
    for value in vraag.gemeenten:  # a malformed code is refused before anything goes over the network
        if value.upper().startswith("GM") or value.isdigit():
            cbs_codes.gemeente(value)
    jaar = vraag.jaar
    sessie = _odata.sessie()
    # Every year's table is known (and --tabel, the newest year's, well-formed) before the first request.
    try:
        ouder = {j: cbs.Kwb(j, odata=vraag.odata, session=sessie) for j in range(vraag.vanaf or jaar, jaar)}
    except InputError as err:
        raise InputError(err.problem, f"Start the range at {min(cbs.KWB_TABELLEN)} or later; --tabel names the "
                         "table of the newest year only.") from None
    kwb = cbs.Kwb(jaar, tabel=vraag.tabel, odata=vraag.odata, session=sessie)
    pdok.dataset(jaar)  # so does a year PDOK has no geometry for, before anything is downloaded
    stap(f"Gemeenten van {jaar} opvragen bij CBS ({kwb.tabel})")
    bekend = kwb.gemeenten()
    codes = resolve_gemeenten(vraag.gemeenten, bekend, opgeheven(jaar))
    nieuwste = _jaar(kwb, codes, stap)
    gelezen = {j: _jaar(k, _toen(k, codes, jaar, let_op, stap), stap) for j, k in ouder.items()}
    alle = {**gelezen, jaar: nieuwste}
    eerdere = {j: Jaargang(_met_grenswijziging(g.bronnen, j, alle), g.nederland,
                           fusies=fusiecodes(j, jaar), splitsingen=splitscodes(j, jaar))
               for j, g in gelezen.items()}
    return Invoer(nieuwste.bronnen, bekend, codes, jaar, nieuwste.nederland, eerdere=eerdere)


def _toen(kwb: cbs.Kwb, vandaag: list[str], jaar: int, let_op: LetOp, stap: Stap) -> list[str]:
    """The gemeenten of ``kwb``'s year that make up today's region: today's codes that existed then, the
    gemeenten merged into them since, and those split over them; a gemeente of today with none is said."""
    stap(f"Gemeenten van {kwb.jaar} opvragen bij CBS ({kwb.tabel})")
    fusies, splitsingen = fusiecodes(kwb.jaar, jaar), splitscodes(kwb.jaar, jaar)
    toen = [c for c in kwb.gemeenten()["code"]
            if fusies.get(c, c) in vandaag or set(vandaag) & set(splitsingen.get(c, ()))]
    gedekt = {fusies.get(c, c) for c in toen} | {d for c in toen for d in splitsingen.get(c, ())}
    if not toen:
        raise InputError(f"CBS table {kwb.tabel} ({kwb.jaar}) has none of the gemeenten {', '.join(vandaag)}, "
                         "nor a gemeente merged into them since (layers/gemeentefusies.toml).",
                         f"Start the range after {kwb.jaar}, or add the merger to layers/gemeentefusies.toml.")
    if ontbreekt := [c for c in vandaag if c not in gedekt]:
        let_op(f"Let op: {', '.join(ontbreekt)} staat niet in de tabel van {kwb.jaar} en er is geen herindeling "
               f"bekend; de reeks van {kwb.jaar} mist die gemeente.")
    return toen


def _jaar(kwb: cbs.Kwb, codes: list[str], stap: Stap) -> _Jaar:
    """One year's figures of the gemeenten ``codes``, its national row and, where PDOK has the year, outlines
    (required for the newest year, whose PDOK year was checked before any request)."""
    stap(f"Kerncijfers wijken en buurten {kwb.jaar} ophalen ({kwb.tabel}, OData {kwb.versie})")
    statistieken, _, stats_info = kwb.statistieken(codes)
    wijziging = (statistieken.pop(INDELINGSWIJZIGING) if INDELINGSWIJZIGING in statistieken
                 else pd.Series(np.nan, index=statistieken.index))
    bronnen = [Bron(statistieken, stats_info)]
    nederland = kwb.nederland()
    if kwb.jaar in pdok.PDOK_DATASETS:
        stap(f"Wijk- en buurtgrenzen van {kwb.jaar} ophalen bij PDOK")
        geometrie, _, geo_info = pdok.load_geometrie(kwb.jaar, codes)
        bronnen.append(Bron(geometrie, geo_info, alleen_geometrie=True))
    return _Jaar(bronnen, nederland, pd.Series(wijziging.to_numpy(), index=statistieken["code"].to_numpy()))


def _met_grenswijziging(bronnen: list[Bron], jaar: int, gelezen: dict[int, _Jaar]) -> list[Bron]:
    """``jaar``'s figures with, per code, whether its boundary changed by the newest year: CBS marks a change
    in the table of the year after it, on that year's code, so a code is changed (3) when any later table
    of the range marks it 3, and unchanged (1) when every later table has it and marks it 1."""
    later = pd.concat([g.wijziging.rename(j) for j, g in gelezen.items() if j > jaar], axis=1)
    gewijzigd = later.eq(GRENS_GEWIJZIGD).any(axis=1)
    ongewijzigd = later.eq(1).all(axis=1)
    sinds = pd.Series(np.where(gewijzigd, GRENS_GEWIJZIGD, np.where(ongewijzigd, 1, np.nan)), index=later.index)
    cijfers = bronnen[0]
    rijen = cijfers.rijen.assign(**{INDELINGSWIJZIGING: cijfers.rijen["code"].map(sinds)})
    return [Bron(rijen, cijfers.info), *bronnen[1:]]


registreer(Bouwbron("cbs", "CBS OData + PDOK (online)", stappen=stappen, lees=lees, standaard=True))
