"""Join statistics to geometry on CBS code and year, and say what did not match.

Statistics and geometry often come from different places (CBS OData and PDOK,
a CSV and a shapefile) and different vintages: a buurt renamed or split
between years has a code on one side only. Nothing is dropped silently: the
join keeps every row of both sides and lists each code that matched on one
side only in the ``koppeling`` table of the kaart.

The same area can also come twice (a gemeente in a buurt file's companion and
in a national file, or a gemeente's land and water parts as two rows). Rows
that agree, or fill each other's gaps, are merged; rows that give one area two
different values are a conflict: an error naming both rows, or, when the user
chooses ``eerste``, the first row's value kept and the conflict listed in
``koppeling``.
"""

from __future__ import annotations

import logging

import geopandas as gpd
import pandas as pd

from kaart.errors import InputError
from kaart.getallen import kort
from kaart.kolommen import statistic_columns
from kaart.normaliseren import IDENTITY

log = logging.getLogger(__name__)

GEEN_GEOMETRIE = "geen geometrie"
GEEN_STATISTIEKEN = "geen statistieken"
KEY = ["code", "jaar"]

DUBBEL_FOUT = "fout"
DUBBEL_EERSTE = "eerste"
DUBBEL_REGELS = (DUBBEL_FOUT, DUBBEL_EERSTE)
"""What to do with one area given two different values: refuse (default) or keep the first source's value."""

BRON = "_bron"
"""Column naming each stacked row's source while duplicates are compared."""
_GETOOND = 5
"""Conflicts named in an error message; the rest are counted."""


def combine(frames: list[pd.DataFrame], bronnen: list[str] | None = None,
            dubbel: str = DUBBEL_FOUT) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stack rows of several sources into one row per code and year.

    Where a code and year repeat, cells fill each other (a value beats a
    missing one); an area is water only when every row of it says so (CBS's
    gemeente tables give the water part of a gemeente its own row). Two
    different values for one statistic of one area are a conflict.

    Parameters
    ----------
    frames
        Canonical rows per source.
    bronnen
        The sources' names, as conflicts are reported (default: "bron 1", ...).
    dubbel
        ``"fout"``: a conflict is an error; ``"eerste"``: the first row's value is kept and
        the conflict is reported.

    Returns
    -------
    (rows, dubbelen)
        The combined rows, and one koppeling line (code, niveau, jaar, probleem) per
        conflicting statistic kept by the ``eerste`` rule.

    Raises
    ------
    InputError
        Under the ``fout`` rule, naming the conflicting rows (source, code, column, both values).
    """
    if dubbel not in DUBBEL_REGELS:
        raise InputError(f"Onbekende regel voor dubbele gebieden: ‘{dubbel}’.", f"Kies uit: {', '.join(DUBBEL_REGELS)}.",
                         parameter="dubbel")
    bronnen = bronnen or [f"bron {i + 1}" for i in range(len(frames))]
    gevuld = [(f, b) for f, b in zip(frames, bronnen) if len(f)]
    leeg = pd.DataFrame(columns=["code", "niveau", "jaar", "probleem"])
    if not gevuld:
        return pd.DataFrame(columns=IDENTITY), leeg
    stacked = pd.concat([f.assign(**{BRON: b}) for f, b in gevuld], ignore_index=True)
    if not stacked.duplicated(KEY).any():
        return stacked.drop(columns=BRON), leeg
    conflicten = _conflicts(stacked)
    if len(conflicten) and dubbel == DUBBEL_FOUT:
        raise InputError(
            f"{len(conflicten)} dubbele gebied(en) met verschillende waarden: " + "; ".join(
                _beschrijving(c) for c in conflicten.head(_GETOOND).itertuples())
            + (f"; en nog {len(conflicten) - _GETOOND}" if len(conflicten) > _GETOOND else "") + ".",
            "Verwijder een van de bestanden of rijen, of houd de waarden van het eerste bestand.",
            parameter="dubbel", waarde=DUBBEL_EERSTE)
    geometry = stacked.pop("geometry") if "geometry" in stacked else None
    water = stacked["water"].astype("boolean").groupby([stacked["code"], stacked["jaar"]], sort=False).all()
    merged = stacked.drop(columns=BRON).groupby(KEY, sort=False, dropna=False).first().reset_index()
    index = pd.MultiIndex.from_frame(merged[KEY])
    merged["water"] = water.reindex(index).values
    if geometry is not None:
        first_geometry = gpd.GeoSeries(geometry).groupby([stacked["code"], stacked["jaar"]], sort=False).first()
        merged["geometry"] = first_geometry.reindex(index).values
    dubbelen = pd.DataFrame({
        "code": conflicten["code"], "niveau": conflicten["niveau"], "jaar": conflicten["jaar"],
        "probleem": [f"dubbel met andere waarden, eerste gehouden: {c.kolom} {kort(c.waarde_a)} ({c.bron_a}) "
                     f"tegenover {kort(c.waarde_b)} ({c.bron_b})" for c in conflicten.itertuples()],
    }) if len(conflicten) else leeg
    for c in conflicten.itertuples():
        log.warning("duplicate with another value, first kept: %s", _beschrijving(c))
    return merged, dubbelen


def _conflicts(stacked: pd.DataFrame) -> pd.DataFrame:
    """Per area and statistic with two different known values: the first two rows that differ."""
    dup = stacked[stacked.duplicated(KEY, keep=False)]
    parts = []
    for kolom in statistic_columns(dup):
        known = dup.loc[dup[kolom].notna(), KEY + ["niveau", BRON, kolom]]
        known = known.assign(_waarde=known[kolom].astype(float).round(6))
        distinct = known.drop_duplicates(KEY + ["_waarde"])
        clash = distinct[distinct.duplicated(KEY, keep=False)]
        if clash.empty:
            continue
        first = clash.drop_duplicates(KEY, keep="first").set_index(KEY)
        second = clash[clash.duplicated(KEY, keep="first")].drop_duplicates(KEY).set_index(KEY)
        parts.append(pd.DataFrame({
            "niveau": first["niveau"], "kolom": kolom,
            "bron_a": first[BRON], "waarde_a": first["_waarde"],
            "bron_b": second[BRON].reindex(first.index), "waarde_b": second["_waarde"].reindex(first.index),
        }).reset_index())
    columns = ["code", "jaar", "niveau", "kolom", "bron_a", "waarde_a", "bron_b", "waarde_b"]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns].sort_values(["code", "kolom"], ignore_index=True)


def _beschrijving(c) -> str:
    return f"{c.code} ({c.jaar}) {c.kolom} is {kort(c.waarde_a)} in {c.bron_a} en {kort(c.waarde_b)} in {c.bron_b}"


def join(statistieken: pd.DataFrame, geometrie: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Outer-join statistics rows to geometry rows on (code, jaar).

    Returns
    -------
    (rows, koppeling)
        Every row of both sides (statistics-only rows without geometry,
        geometry-only rows without statistics), and a table with one line per
        code that matched on one side only: code, niveau, jaar, probleem.
    """
    crs = geometrie.crs
    stats = statistieken.drop(columns="geometry", errors="ignore")
    geo = pd.DataFrame(geometrie)[[c for c in IDENTITY if c in geometrie] + ["geometry"]]
    merged = stats.merge(geo, on=KEY, how="outer", suffixes=("", "_geo"), indicator=True)
    for column in IDENTITY:
        if f"{column}_geo" in merged:
            merged[column] = merged[column].where(merged[column].notna(), merged.pop(f"{column}_geo"))
    koppeling = pd.concat([
        merged.loc[merged["_merge"] == "left_only", ["code", "niveau", "jaar"]].assign(probleem=GEEN_GEOMETRIE),
        merged.loc[merged["_merge"] == "right_only", ["code", "niveau", "jaar"]].assign(probleem=GEEN_STATISTIEKEN),
    ], ignore_index=True)
    rows = gpd.GeoDataFrame(merged.drop(columns="_merge"), geometry="geometry", crs=crs)
    return rows, koppeling.sort_values(["probleem", "code"], ignore_index=True)
