"""Figures over the years: every value of a kaart with its year, on today's areas, and how it got there.

A kaart's area layers hold one picture, the newest. Users compare years first
(CBS in uw buurt, Leefbaarometer, Waar staat je gemeente), and an afspraak with a
target means nothing without the years after it. The series live beside the
areas in one long table, ``reeksen``, a row per (niveau, code, jaar, kolom): a
plain table in the kaart's GeoPackage, which QGIS and any SQL reader open as
they are. Codes are today's (the newest year's areas); ``status`` says whether
the value is CBS's own for that area (``officieel``), the same area under its
old code (``officieel (hercodeerd)``), a sum of merged gemeenten
(``opgeteld (herindeling)``) or redistributed over a changed boundary
(``geschat (grenswijziging)``): ``kaart.harmonisatie`` decides which, this
module keeps it and answers the questions pages ask.

CBS fills a KWB table over three years: income and energy reach buurt level a
year or more after the table appears. :func:`nieuwste` gives per area the
newest year that has a figure, so a page never shows an empty cell where last
year's figure exists, and says which year that is.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from kaart.categorieen import VOORZIENINGKOLOMMEN
from kaart.errors import InputError
from kaart.indicatoren import PREFIX
from kaart.kaartbestand import Kaart

TABEL = "reeksen"
"""The name of the table in the kaart (``Kaart.tabellen``)."""
KOLOMMEN = ["niveau", "code", "jaar", "kolom", "waarde", "status"]
OFFICIEEL = "officieel"
AANGEVULD = "aangevuld"
"""The kaart table of figures of the kaart's own areas taken from an older year (niveau, code, kolom, jaar):
the newest table lacked them (``kaart.jaargangen.vul_aan``)."""
SLEUTEL = ["niveau", "code", "jaar", "kolom"]


def reeksen(kaart: Kaart) -> pd.DataFrame:
    """The kaart's series as a typed long table (empty, with its columns, when the kaart holds one year only)."""
    tabel = kaart.tabellen.get(TABEL)
    if tabel is None or not len(tabel):
        return pd.DataFrame({k: pd.Series(dtype="int64" if k == "jaar" else "float64" if k == "waarde" else "object")
                             for k in KOLOMMEN})
    tabel = tabel[KOLOMMEN].copy()
    tabel["jaar"] = tabel["jaar"].astype("int64")
    tabel["waarde"] = pd.to_numeric(tabel["waarde"], errors="coerce")
    return tabel


def voeg_toe(kaart: Kaart, niveau: str, jaar: int, waarden: pd.DataFrame, status: pd.DataFrame | None = None) -> int:
    """Keep ``waarden`` (today's codes as index, a column per kolom) as the figures of ``jaar``, each with its
    ``status`` (same shape; ``officieel`` where none is given). A year already kept for the same cells is
    replaced, never doubled. Missing values are not kept: a missing year is a gap, not a zero.
    Returns the number of values kept."""
    if status is not None and (not status.index.equals(waarden.index) or list(status.columns) != list(waarden.columns)):
        raise InputError(f"De status van {jaar} past niet bij de cijfers ({niveau}).",
                         "Geef per cijfer een status, met dezelfde codes en kolommen.")
    lang = waarden.rename_axis("code").reset_index().melt(id_vars="code", var_name="kolom", value_name="waarde")
    if status is None:
        lang["status"] = OFFICIEEL
    else:
        soort = status.rename_axis("code").reset_index().melt(id_vars="code", var_name="kolom", value_name="status")
        lang = lang.merge(soort, on=["code", "kolom"], how="left")
        if lang["status"].isna().any():
            raise InputError(f"Niet elk cijfer van {jaar} heeft een status ({niveau}).",
                             "Geef per cijfer een status.")
    lang["waarde"] = pd.to_numeric(lang["waarde"], errors="coerce")
    lang = lang[lang["waarde"].notna()].assign(niveau=niveau, jaar=int(jaar))[KOLOMMEN]
    oud = reeksen(kaart)
    vervangen = oud.set_index(SLEUTEL).index.isin(lang.set_index(SLEUTEL).index)
    delen = [d for d in (oud[~vervangen], lang) if len(d)]
    kaart.tabellen[TABEL] = (pd.concat(delen, ignore_index=True) if delen else lang).sort_values(SLEUTEL,
                                                                                               ignore_index=True)
    return len(lang)


def jaren(kaart: Kaart) -> list[int]:
    """The years the kaart has figures of, oldest first (the kaart's own year included)."""
    return sorted(set(reeksen(kaart)["jaar"].astype(int)) | {kaart.jaar})


def reeks(kaart: Kaart, niveau: str, code: str, kolom: str) -> pd.DataFrame:
    """One area's series of one figure (as :func:`van_gebied`): a row per year (index ``jaar``) with ``waarde``
    and ``status``; no rows when it has no figure."""
    leeg = pd.DataFrame({"waarde": pd.Series(dtype="float64"), "status": pd.Series(dtype="object")},
                        index=pd.Index([], name="jaar", dtype="int64"))
    return van_gebied(kaart, niveau, code, [kolom]).get(kolom, leeg)


def nieuwste(kaart: Kaart, niveau: str, kolom: str, tot: int | None = None) -> pd.DataFrame:
    """Per area of ``niveau`` the newest figure of ``kolom`` (up to year ``tot``): ``waarde``, ``jaar`` and
    ``status``, indexed by code. Where the newest table lacks the figure for an area, the year before is used,
    and ``jaar`` says so."""
    tabel = reeksen(kaart)
    deel = tabel[(tabel["niveau"] == niveau) & (tabel["kolom"] == kolom)]
    if tot is not None:
        deel = deel[deel["jaar"] <= tot]
    deel = deel.sort_values("jaar").drop_duplicates("code", keep="last")
    return deel.set_index("code")[["waarde", "jaar", "status"]]


def van_gebied(kaart: Kaart, niveau: str, code: str, kolommen: list[str]) -> dict[str, pd.DataFrame]:
    """Per kolom the series of one area (as :func:`reeks`), with the area layer's own figure as the kaart's
    year where the series does not hold that year: a kaart of one year answers with a series of one.
    Kolommen without any figure are left out."""
    tabel = reeksen(kaart)
    eigen = tabel[(tabel["niveau"] == niveau) & (tabel["code"] == code)]
    rij = kaart.gebieden[niveau].loc[code]
    uit = {}
    for kolom in kolommen:
        reeks_ = eigen[eigen["kolom"] == kolom].set_index("jaar")[["waarde", "status"]]
        huidig = pd.to_numeric(pd.Series([rij.get(kolom)]), errors="coerce").iloc[0]
        if kaart.jaar not in reeks_.index and pd.notna(huidig) and jaar_van(kaart, niveau, kolom).get(code) == kaart.jaar:
            reeks_ = pd.concat([reeks_, pd.DataFrame({"waarde": [float(huidig)], "status": [OFFICIEEL]},
                                                     index=pd.Index([kaart.jaar], name="jaar"))])
        if len(reeks_):
            uit[kolom] = reeks_.sort_index()
    return uit


def in_jaar(kaart: Kaart, jaar: int) -> Kaart:
    """The kaart as it was in ``jaar``: today's areas, every figure (numeric column) holding that year's
    value and missing where that year has none. Never today's value in a past year's cell: a past score
    made of today's figures would be neither year's. The facility columns are the exception: the kaart knows
    only today's facilities, and leaving them out would score a past year on other indicators than today.
    The kaart's own year is the kaart itself."""
    if jaar == kaart.jaar:
        return kaart
    tabel = reeksen(kaart)
    tabel = tabel[tabel["jaar"] == jaar]
    if tabel.empty:
        raise InputError(f"De kaart heeft geen cijfers van {jaar}.",
                         f"Kies een van de jaren {', '.join(map(str, jaren(kaart)))}.", parameter="jaar")
    gebieden = {}
    for niveau, frame in kaart.gebieden.items():
        deel = tabel[tabel["niveau"] == niveau].pivot(index="code", columns="kolom", values="waarde")
        cijfers = [k for k in frame.select_dtypes("number").columns
                   if not k.startswith(VOORZIENINGKOLOMMEN) and k != "jaar"]
        toen = deel.reindex(index=frame.index, columns=cijfers).astype("float64")
        frame = pd.concat([frame.drop(columns=cijfers), toen], axis=1)[list(frame.columns)]
        if "jaar" in frame:  # the areas' year column says which year their figures are of
            frame["jaar"] = jaar
        gebieden[niveau] = frame
    # the region layer holds today's region figures: that year's region is made again from its own areas
    extra = {naam: laag for naam, laag in kaart.extra.items() if naam != "regio"}
    return replace(kaart, gebieden=gebieden, extra=extra, metadata={**kaart.metadata, "jaar": jaar})


def jaar_van(kaart: Kaart, niveau: str, kolom: str) -> pd.Series:
    """Per area of ``niveau`` the year its figure of ``kolom`` in the layer is from: the kaart's year, or the
    older year it was filled from where the newest table lacked it. An indicator is as old as the oldest
    figure it is computed from."""
    frame = kaart.gebieden[niveau]
    jaren_ = pd.Series(kaart.jaar, index=frame.index, dtype="int64")
    tabel = kaart.tabellen.get(AANGEVULD)
    if tabel is None or not len(tabel):
        return jaren_
    deel = tabel[tabel["niveau"] == niveau]
    ind = kaart.catalogus.indicatoren.get(kolom.removeprefix(PREFIX)) if kolom.startswith(PREFIX) else None
    bronnen = ind.bronnen() if ind is not None else [kolom]
    deel = deel[deel["kolom"].isin(bronnen)]
    if len(deel):
        oudste = deel.groupby("code")["jaar"].min().astype("int64")
        jaren_.loc[oudste.index.intersection(jaren_.index)] = oudste
    return jaren_
