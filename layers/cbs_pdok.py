"""The online build source ``cbs``: the figures from CBS's KWB table of the year, the outlines from PDOK.

The request is checked before anything goes over the network (a year, at least one gemeente, a
well-formed code, a table CBS and outlines PDOK has for the year); then CBS's list of gemeenten turns
names into codes and only the region's rows are fetched.
"""

from __future__ import annotations

from kaart import codes as cbs_codes
from kaart.bouwen import Bron
from kaart.errors import InputError
from kaart.regio import resolve_gemeenten
from layers import cbs, pdok
from layers.bouwbronnen import Bouwbron, Invoer, LetOp, Stap, Vraag, registreer
from layers.regio_indelingen import opgeheven


def lees(vraag: Vraag, stap: Stap, let_op: LetOp) -> Invoer:
    """The region's KWB figures from CBS and its wijk and buurt outlines from PDOK."""
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
    kwb = cbs.Kwb(jaar, tabel=vraag.tabel, odata=vraag.odata)  # an unknown year or a malformed id stops here
    pdok.dataset(jaar)  # so does a year PDOK has no geometry for, before anything is downloaded
    stap(f"Gemeenten van {jaar} opvragen bij CBS ({kwb.tabel})")
    bekend = kwb.gemeenten()
    codes = resolve_gemeenten(vraag.gemeenten, bekend, opgeheven(jaar))
    stap(f"Kerncijfers wijken en buurten {jaar} ophalen ({kwb.tabel}, OData {kwb.versie})")
    statistieken, _, stats_info = kwb.statistieken(codes)
    stap("Wijk- en buurtgrenzen ophalen bij PDOK")
    nederland = kwb.nederland()
    geometrie, _, geo_info = pdok.load_geometrie(jaar, codes)
    return Invoer([Bron(statistieken, stats_info), Bron(geometrie, geo_info, alleen_geometrie=True)],
                  bekend, codes, jaar, nederland)


registreer(Bouwbron("cbs", "CBS OData + PDOK (online)", stappen=3, lees=lees, standaard=True))
