"""Bring a source table in any known KWB schema to the canonical row shape.

Every loader (CBS OData, PDOK, local files) ends here, so the rest of the
engine sees one naming: ``code`` (CBS code, padding stripped), ``niveau``,
``naam``, ``gemeentecode``, ``gemeentenaam``, ``wijkcode``, ``jaar``, ``water``
and the canonical statistics of ``kolommen.toml`` as floats with every CBS
sentinel turned into NA. A GeoDataFrame keeps its geometry.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from kaart import codes
from kaart.errors import InputError
from kaart.kolommen import schema, statistics_mapping
from kaart.waarden import to_number

log = logging.getLogger(__name__)

IDENTITY = ["code", "niveau", "naam", "gemeentecode", "gemeentenaam", "wijkcode", "jaar", "water"]
NIET_GEPLAATST = ["code", "niveau", "jaar", "probleem"]


@dataclass
class Normalisatie:
    """What normalising a source did, for the build report."""

    bron: str
    rijen: int = 0
    kolommen: dict[str, str] = field(default_factory=dict)
    niet_herkend: list[str] = field(default_factory=list)
    ongeldige_codes: list[str] = field(default_factory=list)
    onleesbare_getallen: dict[str, int] = field(default_factory=dict)
    gerepareerde_geometrieen: int = 0
    vervallen_geometrieen: list[str] = field(default_factory=list)
    """Codes whose geometry was lost: empty in the source, or collapsed (no area left) while being repaired.
    Each is also a line of ``niet_geplaatst``, so the build lists it in ``koppeling`` with its reason."""
    niet_geplaatst: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=NIET_GEPLAATST))
    """Rows that cannot be placed (no valid code), as koppeling lines: code, niveau, jaar, probleem."""
    jaar_uit_bestand: bool = True
    """False when the table names no year and every row was given the year asked for (``--jaar``)."""


def _find(columns: list[str], candidates) -> str | None:
    """The first candidate present, case-insensitive; CBS OData's numeric suffixes (Codering_3) ignored."""
    lower = {re.sub(r"_\d+$", "", str(c).lower()): c for c in reversed(columns)}
    lower.update({str(c).lower(): c for c in columns})
    for candidate in candidates:
        if candidate.lower() in lower:
            return lower[candidate.lower()]
    return None


def _codes_and_names(frame: pd.DataFrame, columns: list[str], pairs
                     ) -> tuple[pd.Series, pd.Series, list[str], pd.DataFrame]:
    """Per row, the code of its finest code column, and the name paired with it.

    A buurt file has buurtcode, wijkcode and gemeentecode: each row is its
    buurt. A file mixing levels (gemeente rows without a buurtcode) gives each
    row the finest code it has, so no level's rows are lost. A row whose finest
    non-empty code is not a valid code cannot be placed: it is never read as a
    row of its wijk or gemeente (that would put one buurt's figures on its whole
    wijk), but returned in the last frame (``code``, ``kolom``, ``niveau``).
    """
    code = pd.Series(None, index=frame.index, dtype=object)
    naam = pd.Series(None, index=frame.index, dtype=object)
    ongeldig = pd.DataFrame({"code": None, "kolom": None, "niveau": None}, index=frame.index, dtype=object)
    used: list[str] = []
    for code_candidate, naam_candidate in pairs:
        found = _find(columns, [code_candidate])
        if found is None or found in used:
            continue
        cleaned = frame[found].map(codes.clean)
        valid = cleaned.map(codes.is_valid).astype(bool)
        if not valid.any() or valid[cleaned.notna()].mean() <= 0.5:
            continue
        used.append(found)
        open_ = code.isna() & ongeldig["code"].isna()
        take = valid & open_
        code[take] = cleaned[take]
        naam_col = _find(columns, [naam_candidate])
        if naam_col is not None:
            naam[take] = frame.loc[take, naam_col]
        bad = cleaned.notna() & ~valid & open_
        if bad.any():
            ongeldig.loc[bad, ["code", "kolom"]] = pd.DataFrame({"code": cleaned[bad], "kolom": found})
            ongeldig.loc[bad, "niveau"] = cleaned[valid].map(codes.niveau).mode().iat[0]
    return code, naam, used, ongeldig


def _unplaced(ongeldig: pd.DataFrame, jaar: pd.Series, bron: str, eerste_kolom: str) -> pd.DataFrame:
    """Koppeling lines for rows without a valid code: the invalid code and its column, or that none was given."""
    probleem = [f"ongeldige code '{c}' in kolom {k} ({bron})" if isinstance(c, str)
                else f"geen code in kolom {eerste_kolom} of een grovere codekolom ({bron})"
                for c, k in zip(ongeldig["code"], ongeldig["kolom"])]
    return pd.DataFrame({"code": ongeldig["code"].values, "niveau": ongeldig["niveau"].values,
                         "jaar": jaar.values, "probleem": probleem}, columns=NIET_GEPLAATST)


def normalise(frame: pd.DataFrame, bron: str, jaar: int | None = None) -> tuple[pd.DataFrame, Normalisatie]:
    """Rename, clean and classify the rows of one source table.

    Parameters
    ----------
    frame
        A table in any schema ``kolommen.toml`` knows; a GeoDataFrame keeps its geometry.
    bron
        The source's name, used in messages ("buurten_2023.geojson", "CBS 85618NED").
    jaar
        The year, when the table has no ``jaar`` column.

    Raises
    ------
    InputError
        When no column holds CBS codes, or no year is known.
    """
    s = schema()
    report = Normalisatie(bron=bron, rijen=len(frame))
    columns = [str(c) for c in frame.columns]
    code_series, naam_series, used, ongeldig = _codes_and_names(frame, columns, s.code_paren)
    if not used:
        raise InputError(
            f"{bron}: geen kolom met CBS-gebiedscodes (GM0505, WK050501, BU05050101) gevonden "
            f"tussen {', '.join(columns[:12])}{'…' if len(columns) > 12 else ''}.",
            "Geef een bestand met een kolom buurtcode, wijkcode, gemeentecode, statcode of code.",
        )

    out = pd.DataFrame(index=frame.index)
    out["code"] = code_series
    jaar_col = _find(columns, s.jaar)
    if jaar_col is not None:
        out["jaar"] = pd.to_numeric(frame[jaar_col], errors="coerce").astype("Int64")
        report.jaar_uit_bestand = bool(out["jaar"].notna().any())
        if jaar is not None:
            out["jaar"] = out["jaar"].fillna(jaar)
    elif jaar is not None:
        out["jaar"] = pd.array([jaar] * len(out), dtype="Int64")
        report.jaar_uit_bestand = False
    else:
        raise InputError(f"{bron}: de tabel heeft geen kolom ‘jaar’.", "Geef het jaar van de gegevens.", parameter="jaar")

    valid = out["code"].notna()
    report.niet_geplaatst = _unplaced(ongeldig[~valid], out.loc[~valid, "jaar"], bron, used[0])
    report.ongeldige_codes = sorted(ongeldig["code"].dropna().unique())
    if (~valid).any():
        log.warning("%s: %d rows without a valid CBS code cannot be placed: %s", bron, (~valid).sum(),
                    ", ".join(report.ongeldige_codes[:10]))
    frame, out, naam_series = frame.loc[valid], out.loc[valid], naam_series.loc[valid]

    out["niveau"] = out["code"].map(codes.niveau)
    out["naam"] = naam_series.astype("string").str.strip()
    out["gemeentecode"] = out["code"].map(codes.gemeentecode)
    gemeentenaam_col = _find(columns, s.gemeentenaam)
    out["gemeentenaam"] = frame[gemeentenaam_col].astype("string").str.strip() if gemeentenaam_col else pd.NA
    out.loc[out["niveau"] == "gemeente", "gemeentenaam"] = out["gemeentenaam"].fillna(out["naam"])
    out["wijkcode"] = out["code"].map(codes.wijkcode)
    out = out[["code", "niveau", "naam", "gemeentecode", "gemeentenaam", "wijkcode", "jaar"]]

    water_col = _find(columns, s.water)
    if water_col is not None:
        out["water"] = frame[water_col].astype("string").str.strip().str.upper().isin(["JA", "J", "TRUE", "1"])
    else:
        out["water"] = pd.array([pd.NA] * len(out), dtype="boolean")  # unknown: another source may know

    mapping = statistics_mapping([c for c in frame.columns if c not in set(used) | {"geometry"}])
    report.kolommen = dict(mapping)
    identity_sources = set(used) | {gemeentenaam_col, jaar_col, water_col, "geometry"}
    identity_sources |= {_find(columns, [n]) for _, n in s.code_paren}
    report.niet_herkend = [c for c in columns if c not in mapping and c not in identity_sources]
    for source, target in mapping.items():
        numbers, unparsed = to_number(frame[source])
        out[target] = numbers
        if unparsed:
            report.onleesbare_getallen[target] = unparsed
            log.warning("%s: %d cells of %s are not numbers; they are treated as missing", bron, unparsed, source)

    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry is not None:
        reparatie = repaired(frame.geometry.values)
        report.gerepareerde_geometrieen = reparatie.gerepareerd
        if reparatie.gerepareerd:
            log.info("%s: %d invalid geometries repaired", bron, reparatie.gerepareerd)
        _report_lost_geometry(report, out, reparatie)
        out = gpd.GeoDataFrame(out, geometry=reparatie.geometrie, crs=frame.crs)
    return out.reset_index(drop=True), report


def in_regio(lines: pd.DataFrame, gemeenten: list[str]) -> pd.DataFrame:
    """The koppeling lines of a source that concern a region: a valid code of one of its gemeenten, or a
    code that cannot tell where it belongs (a national file's lines of other gemeenten are not the region's)."""
    valid = lines["code"].map(codes.is_valid).astype(bool)
    return lines[~valid | lines["code"].where(valid).map(codes.gemeentecode, na_action="ignore").isin(gemeenten)]


LEEG_IN_BRON = "geometrie leeg in de bron"
VERVALLEN_BIJ_REPARATIE = "geometrie ongeldig: verviel bij reparatie"


class Reparatie(NamedTuple):
    """What :func:`repaired` did: the geometry, how many were repaired, and which were lost (positions)."""

    geometrie: np.ndarray
    gerepareerd: int
    leeg: np.ndarray
    """Positions of geometries that were empty to begin with."""
    vervallen: np.ndarray
    """Positions of invalid geometries that collapsed while being repaired (no area left)."""


def repaired(geometry: np.ndarray) -> Reparatie:
    """Make invalid polygons valid (simplified sources have self-intersections), and empty ones missing.

    GEOS's "structure" method keeps the polygonal structure and drops collapsed
    parts, so a repaired buurt stays a (multi)polygon that unions cleanly. A
    polygon that collapses as a whole (coarse quantisation turns a small buurt
    into a line) has no area left to keep: it becomes missing, and its
    position is returned so the caller can say so. The other repairs save
    none of them: on the national 2014 buurt layer "linework" and
    ``buffer(0)`` leave the same 730 of 1,344 invalid buurten without area.
    """
    geometry = np.asarray(geometry, dtype=object).copy()
    leeg = shapely.is_empty(geometry)
    geometry[leeg] = None
    invalid = ~shapely.is_valid(geometry) & ~shapely.is_missing(geometry)
    if invalid.any():
        geometry[invalid] = shapely.make_valid(geometry[invalid], method="structure", keep_collapsed=False)
    vervallen = invalid & shapely.is_empty(geometry)
    geometry[vervallen] = None
    return Reparatie(geometry, int(invalid.sum()), np.flatnonzero(leeg), np.flatnonzero(vervallen))


def _report_lost_geometry(report: Normalisatie, out: pd.DataFrame, reparatie: Reparatie) -> None:
    """Name the codes whose geometry was lost, in the log and as koppeling lines with the reason."""
    lines = []
    for reden, positions in ((LEEG_IN_BRON, reparatie.leeg), (VERVALLEN_BIJ_REPARATIE, reparatie.vervallen)):
        if not len(positions):
            continue
        rows = out.iloc[positions]
        log.warning("%s: %d areas have no geometry (%s): %s", report.bron, len(rows), reden,
                    ", ".join(rows["code"].head(10)) + (" …" if len(rows) > 10 else ""))
        lines.append(rows[["code", "niveau", "jaar"]].assign(probleem=f"{reden} ({report.bron})"))
    if lines:
        lost = pd.concat(lines, ignore_index=True)
        report.vervallen_geometrieen = sorted(lost["code"])
        report.niet_geplaatst = pd.concat([f for f in (report.niet_geplaatst, lost) if len(f)],
                                          ignore_index=True)[NIET_GEPLAATST]
