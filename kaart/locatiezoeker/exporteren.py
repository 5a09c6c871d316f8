"""The ranked candidates as a file that says how it was made: profile, settings, source and the fictitious label.
"""

from __future__ import annotations

import pandas as pd

from kaart.errors import InputError
from kaart.export import csv_bytes, geojson_bytes, geopackage_bytes
from kaart.getallen import getal
from kaart.locatiezoeker.uitkomst import Uitkomst
from kaart.woonvormen import Woonvorm


def instellingen(w: Woonvorm) -> str:
    """The weights and buffers in force, in words: they travel with every export."""
    uit = ", ".join(f"{c.label.lower()} {getal(c.afstand_m, 0)} m" for c in w.uitsluitingen)
    voor = ", ".join(f"{c.label.lower()} {getal(c.gewicht, 1)}" for c in w.voorkeuren)
    return f"uitsluitingen: {uit}; gewichten: {voor}"


def beschrijving(u: Uitkomst) -> dict[str, str]:
    """What an export carries besides its rows: profile, settings, source, and the fictitious-data label."""
    m = u.metingen
    kenmerk = {"profiel": u.woonvorm.label, "instellingen": instellingen(u.woonvorm),
               "kandidaten": (f"kavels van {getal(u.woonvorm.min_oppervlakte_ha, 1)} ha uit vierkanten van 100 m "
                              "(CBS-raster, RD New), elk in een kandidaatgebied (kolommen gebied_...)")
               if u.is_raster else "opgegeven locaties",
               "bron": m.bronvermelding, "gemaakt_met": "maatschappelijke-kaart, locatiezoeker"}
    if u.gemeente:
        kenmerk["gemeente"] = f"{u.gemeentenaam} ({u.gemeente})"
    if m.fictief:
        kenmerk["fictief"] = "Fictieve voorbeeldregio: alle namen en cijfers zijn verzonnen."
    meldingen = [*u.waarschuwingen, *(t for t in (u.melding, u.tekort) if t)]
    if meldingen:
        kenmerk["waarschuwingen"] = " ".join(meldingen)
    return kenmerk


EXPORTSOORTEN = {"csv": "text/csv", "geojson": "application/geo+json", "gpkg": "application/geopackage+sqlite3"}


def exportbestand(u: Uitkomst, soort: str) -> bytes:
    """The ranked candidates as CSV (Excel), GeoJSON (WGS84) or GeoPackage (RD New), carrying :func:`beschrijving`."""
    if soort == "csv":
        # A CSV has no place for metadata: the settings go in columns, so a pasted table still says how it was made.
        tabel = pd.DataFrame(u.lijst.drop(columns="geometry"))
        if not u.is_raster:
            tabel["rang"] = tabel["rang"].astype("Int64")
            tabel["geschikt"] = tabel["geschikt"].map({True: "ja", False: "nee"})
        return csv_bytes(tabel.assign(**beschrijving(u)))
    if soort == "geojson":
        return geojson_bytes(u.lijst, **beschrijving(u))
    if soort == "gpkg":
        return geopackage_bytes(u.lijst, "kandidaten", **beschrijving(u))
    raise InputError(f"Onbekende exportsoort ‘{soort}’.", f"Kies een van: {', '.join(EXPORTSOORTEN)}.")
