"""Geometry from PDOK's "CBS Wijken en Buurten" OGC API Features, gemeente by gemeente.

PDOK publishes each year's CBS Wijk- en buurtkaart as an OGC API Features
service with the collections ``gemeenten``, ``wijken`` and ``buurten``
(``PDOK_DATASETS`` says which years, and where that was verified). Its server
(PDOK's gokoala) answers HTTP 400 to any query parameter it does not know; it
knows those of OGC API Features parts 1 and 2 plus the property filters a
collection is configured with, and no documentation of these collections lists one.
So the adapter sends only ``f``, ``limit``, ``crs``, ``bbox`` and ``bbox-crs``
(the ``rel="next"`` links add PDOK's own ``cursor``):

1. the whole ``gemeenten`` collection (a few hundred features, at most
   ``PAGINA`` a page), from which the requested gemeenten are kept;
2. per gemeente, the ``wijken`` and ``buurten`` in its bounding box (in RD New,
   ``bbox-crs``), of which only the areas whose code belongs to the gemeente are kept.

Coordinates are asked for in RD New (EPSG:28992, ``crs``), so nothing is
reprojected here; coordinates outside RD New are refused. PDOK can serve one
area as several features (a gemeente's land and water parts): they are
dissolved into one area, never first-wins (``dissolved``). Properties are
camelCase up to 2023 and snake_case from 2024 on; ``kaart.kolommen`` reads both.

A year PDOK does not serve is an :class:`kaart.errors.InputError` that names
the alternative: CBS's Wijk- en buurtkaart GeoPackage of that year, loaded as a
file. Failures of the service become :class:`kaart.errors.NetworkError` (PDOK
unreachable) or :class:`kaart.errors.SourceError` (PDOK answered, but not with
what we need; a 400 names the request that was refused).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timezone

import geopandas as gpd
import pandas as pd
import requests
import shapely

from kaart import __version__, codes
from kaart.errors import InputError, SourceError
from kaart.normaliseren import Normalisatie, normalise
from layers._http import RETRY_FIX, http_errors

log = logging.getLogger(__name__)

CRS_URI = "http://www.opengis.net/def/crs/EPSG/0/28992"
PAGINA = 1000
"""Features per page: PDOK's maximum (a larger ``limit`` is cut to it), so most gemeenten come in one request."""
TIMEOUT = (10, 60)
USER_AGENT = f"maatschappelijke-kaart/{__version__} python-requests/{requests.__version__}"
# RD New's area of use (EPSG:28992), with a margin: coordinates outside it are not RD.
_RD_BOUNDS = (-10_000, 280_000, 310_000, 640_000)


@dataclass(frozen=True)
class PdokDataset:
    """Where PDOK serves the areas of one year: the API's base URL and the collection per level."""

    jaar: int
    url: str
    collecties: dict[str, str]


def _jaarlijks(jaar: int) -> PdokDataset:
    return PdokDataset(jaar, f"https://api.pdok.nl/cbs/wijken-en-buurten-{jaar}/ogc/v1",
                       {"gemeente": "gemeenten", "wijk": "wijken", "buurt": "buurten"})


# The one place that says where PDOK serves which year, with what verified each entry.
# PDOK's page of this dataset's APIs (https://www.pdok.nl/ogc-apis/-/article/cbs-wijken-en-buurten)
# lists exactly "CBS Wijken en Buurten 2025", "2024", "2023" and "Historisch"
# (https://api.pdok.nl/cbs/wijken-en-buurten-historisch/ogc/v1). The historic API's
# collection names and parameters are documented nowhere we could read, so years before
# 2023 are not offered: ``dataset`` names CBS's GeoPackage of such a year instead.
PDOK_DATASETS: dict[int, PdokDataset] = {
    # Listed on PDOK's page; its URL and the collections gemeenten, wijken and buurten (camelCase
    # properties) as in the real export in ../shared/data/drechtsteden_2023 (PROVENANCE.md section 1).
    2023: _jaarlijks(2023),
    # Listed on PDOK's page (whose link for 2024 points at the 2025 API, a slip of that page); the URL
    # wijken-en-buurten-2024/ogc/v1 with gemeenten, wijken and buurten is the one public clients call
    # (tests/fixtures/pdok/README.md, "Which years PDOK serves").
    2024: _jaarlijks(2024),
    # Listed on PDOK's page with this URL; collections gemeenten, wijken and buurten in public clients.
    2025: _jaarlijks(2025),
}


def dataset(jaar: int) -> PdokDataset:
    """PDOK's wijken-en-buurten API for ``jaar``.

    Raises
    ------
    InputError
        For a year not in ``PDOK_DATASETS``; the message names the years there
        are and how to build that year from CBS's GeoPackage instead.
    """
    try:
        return PDOK_DATASETS[jaar]
    except KeyError:
        raise InputError(
            f"PDOK serves no wijken en buurten geometry for {jaar} that this version can read "
            f"(it reads {', '.join(map(str, PDOK_DATASETS))}).",
            bestand_fix(jaar),
        ) from None


def bestand_fix(jaar: int) -> str:
    """The way round PDOK for a year: CBS's own Wijk- en buurtkaart, loaded as a file."""
    return (f"Download CBS's Wijk- en buurtkaart {jaar} (GeoPackage, cbs.nl) and build from it: "
            f"kaart build --bron bestanden --bestand wijkenbuurten_{jaar}.gpkg --jaar {jaar} --gemeente ...")


def load_geometrie(jaar: int, gemeentecodes: list[str],
                   niveaus: tuple[str, ...] = ("gemeente", "wijk", "buurt")) -> tuple[gpd.GeoDataFrame, Normalisatie, dict]:
    """The boundaries of the gemeenten and of their wijken and buurten in ``jaar``, as canonical rows.

    Parameters
    ----------
    jaar
        The year; it selects PDOK's API (``PDOK_DATASETS``).
    gemeentecodes
        Gemeente codes (``GM0505``, ``0505``, ``505``); validated before any request.
    niveaus
        The levels to return: ``gemeente``, ``wijk`` and/or ``buurt``. The
        gemeenten are always fetched: their extent bounds the other requests.

    Returns
    -------
    (rows, normalisatie, info)
        A GeoDataFrame in EPSG:28992 with the canonical identity columns (and the
        statistics PDOK repeats), one row per code; what normalising did; and the
        source description for the kaart's metadata (``samengevoegd`` lists the
        codes PDOK sent as several features, with their number).

    Raises
    ------
    InputError
        For a year PDOK does not serve, an unknown level, a malformed code, or a
        gemeente PDOK has no areas for.
    NetworkError, SourceError
        When PDOK cannot be reached or answers unexpectedly.
    """
    bron = dataset(jaar)
    onbekend = [n for n in niveaus if n not in bron.collecties]
    if onbekend or not niveaus:
        raise InputError(f"Unknown level(s): {', '.join(map(repr, onbekend)) or 'none given'}.",
                         f"Choose from {', '.join(codes.NIVEAUS)}.")
    gevraagd = list(dict.fromkeys(codes.gemeente(c) for c in gemeentecodes))
    if not gevraagd:
        raise InputError("No gemeente given.", "Name at least one gemeente code, e.g. GM0505.")
    label = f"PDOK wijken en buurten {jaar}"

    parts, reports, samengevoegd = [], [], {}
    with requests.Session() as session:
        session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/geo+json, application/json"})
        gemeenten = _level(session, bron, "gemeente", [{}], gevraagd, label)
        present = set() if gemeenten is None else set(gemeenten[0]["code"])
        if missing := [c for c in gevraagd if c not in present]:
            raise _no_areas(missing, jaar)
        vakken = [_bbox(code, geometry) for code, geometry in zip(gemeenten[0]["code"], gemeenten[0].geometry)]
        for niveau in niveaus:
            found = gemeenten if niveau == "gemeente" else _level(session, bron, niveau, vakken, gevraagd, label)
            if found is None:
                continue
            rows, report, merged = found
            parts.append(rows)
            reports.append(report)
            samengevoegd.update(merged)
    rows = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs="EPSG:28992")
    _check_rd(rows, bron)
    info = {
        "bron": f"PDOK CBS Wijken en Buurten {jaar}",
        "jaar": jaar,
        "url": bron.url,
        "collecties": [bron.collecties[n] for n in niveaus],
        "opgehaald": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "rijen": len(rows),
        "samengevoegd": samengevoegd,
    }
    return rows, _merged(label, reports), info


def _no_areas(missing: list[str], jaar: int) -> InputError:
    return InputError(f"PDOK has no areas of {', '.join(missing)} for {jaar}.",
                      f"Check that the gemeente existed in {jaar}: gemeenten merge and their codes change.")


def _bbox(code: str, geometry) -> dict[str, str]:
    """The query that asks for what lies in a gemeente's bounding box, in RD New, rounded outward to metres."""
    if geometry is None or geometry.is_empty:
        raise SourceError(f"PDOK sent gemeente {code} without a geometry, so its wijken and buurten cannot be found.",
                          RETRY_FIX)
    minx, miny, maxx, maxy = geometry.bounds
    return {"bbox": f"{math.floor(minx)},{math.floor(miny)},{math.ceil(maxx)},{math.ceil(maxy)}",
            "bbox-crs": CRS_URI}


def _level(session: requests.Session, bron: PdokDataset, niveau: str, queries: list[dict], gevraagd: list[str],
           label: str) -> tuple[gpd.GeoDataFrame, Normalisatie, dict[str, int]] | None:
    """One level's areas of the requested gemeenten, one row per code; ``None`` when PDOK has none.

    Each query (a bounding box, or nothing for the whole collection) is fetched
    page by page; a feature that several boxes return is kept once (by its id).
    """
    features: dict[str, dict] = {}
    for extra in queries:
        for feature in _features(session, bron, niveau, extra):
            features.setdefault(str(feature.get("id", len(features))), feature)
    if not features:
        return None
    frame = gpd.GeoDataFrame.from_features(list(features.values()), crs="EPSG:28992")
    rows, report = normalise(frame, bron=f"{label}: {bron.collecties[niveau]}", jaar=bron.jaar)
    elsewhere = ~rows["gemeentecode"].isin(gevraagd)
    log.debug("%s: %d %s areas of other gemeenten in the bounding boxes left out", label, int(elsewhere.sum()), niveau)
    rows = rows.loc[~elsewhere].reset_index(drop=True)
    if rows.empty:
        return None
    rows, merged = dissolved(rows, label)
    return rows, report, merged


def dissolved(rows: gpd.GeoDataFrame, label: str) -> tuple[gpd.GeoDataFrame, dict[str, int]]:
    """One row per code: the features PDOK sent for one area (a gemeente's land and water parts) as one.

    The geometry is the union of the parts (a MultiPolygon when they were). Any other value is the one the parts
    agree on, missing values aside (CBS gives a water part sentinels, which are
    missing by now); where they differ, the land parts' value holds. An area is
    water only when every part is.

    Returns
    -------
    (rows, samengevoegd)
        The rows in their first-seen order, and per dissolved code the number of parts.

    Raises
    ------
    SourceError
        When the land parts of one code disagree on a value: which one is right
        cannot be told.
    """
    counts = rows["code"].value_counts()
    several = counts[counts > 1]
    if several.empty:
        return rows, {}
    log.info("%s: %d areas came as several features and were dissolved: %s", label, len(several),
             ", ".join(f"{code} ({n})" for code, n in several.items()))
    out = rows.drop_duplicates("code").set_index("code")
    for code in several.index:
        part = rows[rows["code"] == code]
        land = part[~part["water"].fillna(False).astype(bool)]
        for column in (c for c in rows.columns if c not in ("code", "geometry", "water")):
            out.at[code, column] = _agreed(code, column, part[column], land[column], label)
        out.at[code, "water"] = bool(part["water"].fillna(False).all())
        union = shapely.union_all(part.geometry.values)
        if union.geom_type == "Polygon" and (part.geom_type == "MultiPolygon").any():
            union = shapely.MultiPolygon([union])  # keep the layer's one geometry type
        out.at[code, "geometry"] = union
    return out.reset_index()[rows.columns], {str(code): int(n) for code, n in several.items()}


def _agreed(code: str, column: str, values: pd.Series, land: pd.Series, label: str):
    """The value the parts of one area agree on, else the land parts'; missing when no part has one."""
    for candidates in (values, land):
        distinct = candidates.dropna().unique()
        if len(distinct) <= 1:
            return distinct[0] if len(distinct) else pd.NA
    raise SourceError(f"{label}: {code} came as {len(values)} features whose {column} differ "
                      f"({', '.join(map(str, values.dropna().unique()))}).",
                      "Build from CBS's own figures (they are used before PDOK's), or from a file with --bron bestanden.")


def _features(session: requests.Session, bron: PdokDataset, niveau: str, extra: dict) -> list[dict]:
    """All features of one collection for one query, following the ``next`` links page by page."""
    url: str | None = f"{bron.url}/collections/{bron.collecties[niveau]}/items"
    params: dict | None = {"f": "json", "limit": PAGINA, "crs": CRS_URI, **extra}
    features: list[dict] = []
    seen: set[str] = set()
    while url is not None:
        page = _get_page(session, bron, url, params)
        features.extend(page["features"])
        url = next((link.get("href") for link in page.get("links") or [] if link.get("rel") == "next"), None)
        params = None  # a next link carries every parameter itself
        if url in seen:
            raise SourceError(f"PDOK's paging loops ({url}).", RETRY_FIX)
        if url is not None:
            seen.add(url)
    return features


def _get_page(session: requests.Session, bron: PdokDataset, url: str, params: dict | None) -> dict:
    """One page, checked to be a GeoJSON FeatureCollection; requests' errors become the project's."""
    sent = requests.Request("GET", url, params=params).prepare().url or url
    not_served = (f"PDOK does not (or no longer) serve this collection of {bron.jaar} at {bron.url}. "
                  f"{bestand_fix(bron.jaar)}")
    with http_errors("PDOK", "api.pdok.nl", sent, TIMEOUT[1], fix_404=not_served):
        response = session.get(sent, timeout=TIMEOUT)
        if response.status_code != 400:
            response.raise_for_status()
            page = response.json()
    if response.status_code == 400:
        raise SourceError(f"PDOK refused the request {sent} (HTTP 400: {_problem(response)}).",
                          "PDOK's API has changed what it accepts: update the query in layers/pdok.py "
                          f"(see {bron.url}/api), or build from files with --bron bestanden.")
    if not (isinstance(page, dict) and page.get("type") == "FeatureCollection" and isinstance(page.get("features"), list)):
        raise SourceError(f"PDOK's answer for {response.url} is not a GeoJSON FeatureCollection.",
                          RETRY_FIX)
    return page


def _problem(response: requests.Response) -> str:
    """What PDOK says is wrong: the ``detail`` of its problem document (RFC 7807), else the start of the body."""
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    return str(detail or response.text[:200].strip() or response.reason)


def _check_rd(rows: gpd.GeoDataFrame, bron: PdokDataset) -> None:
    """Refuse coordinates that are not RD New: a server ignoring ``crs`` would send longitude/latitude."""
    if rows.geometry.isna().all():
        return
    minx, miny, maxx, maxy = rows.total_bounds
    lo_x, lo_y, hi_x, hi_y = _RD_BOUNDS
    if not (lo_x <= minx and maxx <= hi_x and lo_y <= miny and maxy <= hi_y):
        raise SourceError(f"PDOK ({bron.url}) sent coordinates outside RD New (EPSG:28992): "
                          f"{minx:.1f}, {miny:.1f} - {maxx:.1f}, {maxy:.1f}.",
                          "The API may not support the crs parameter; check PDOK_DATASETS in layers/pdok.py.")


def _merged(bron: str, reports: list[Normalisatie]) -> Normalisatie:
    """One report for the levels that were normalised one by one (each has its own code column)."""
    merged = Normalisatie(bron=bron)
    for report in reports:
        merged.rijen += report.rijen
        merged.kolommen.update(report.kolommen)
        merged.niet_herkend = sorted(set(merged.niet_herkend) | set(report.niet_herkend))
        merged.ongeldige_codes = sorted(set(merged.ongeldige_codes) | set(report.ongeldige_codes))
        for kolom, n in report.onleesbare_getallen.items():
            merged.onleesbare_getallen[kolom] = merged.onleesbare_getallen.get(kolom, 0) + n
        merged.gerepareerde_geometrieen += report.gerepareerde_geometrieen
    return merged
