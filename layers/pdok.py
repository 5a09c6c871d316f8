"""Geometry from PDOK's "CBS Wijken en Buurten" OGC API Features, one gemeente at a time.

PDOK serves the CBS area boundaries of a year as GeoJSON pages (at most
``PAGINA`` features each, linked by ``rel="next"``). We ask for RD New
(EPSG:28992) directly, so no reprojection happens here, and for one gemeente
per request through the ``gemeentecode`` query parameter; codes are validated
before they go into a URL.

Every failure becomes a :class:`kaart.errors.NetworkError` (PDOK unreachable)
or :class:`kaart.errors.SourceError` (PDOK answered, but not with what we need).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone

import geopandas as gpd
import pandas as pd
import requests

from kaart import __version__, codes
from kaart.errors import InputError, SourceError
from kaart.normaliseren import Normalisatie, normalise
from layers._http import RETRY_FIX, http_errors

log = logging.getLogger(__name__)

CRS_URI = "http://www.opengis.net/def/crs/EPSG/0/28992"
PAGINA = 1000
"""Features per page: PDOK's maximum, so a gemeente's buurten usually come in one request."""
TIMEOUT = (10, 60)
USER_AGENT = f"maatschappelijke-kaart/{__version__} python-requests/{requests.__version__}"
# RD New's area of use (EPSG:28992), with a margin: coordinates outside it are not RD.
_RD_BOUNDS = (-10_000, 280_000, 310_000, 640_000)


@dataclass(frozen=True)
class PdokDataset:
    """Where PDOK serves the areas of one year: the API's base URL and the collection per level."""

    url: str
    collecties: dict[str, str]


def _jaarlijks(jaar: int) -> PdokDataset:
    return PdokDataset(f"https://api.pdok.nl/cbs/wijken-en-buurten-{jaar}/ogc/v1",
                       {"gemeente": "gemeenten", "wijk": "wijken", "buurt": "buurten"})


def _historisch(jaar: int) -> PdokDataset:
    return PdokDataset("https://api.pdok.nl/cbs/wijken-en-buurten-historisch/ogc/v1",
                       {"gemeente": f"gemeenten_{jaar}", "wijk": f"wijken_{jaar}", "buurt": f"buurten_{jaar}"})


# The one place that says where PDOK serves which year. PDOK lists an API per year from
# 2023 on (wijken-en-buurten-2023, -2024, -2025); earlier years are in one "historisch"
# API. The collection names there (``buurten_2022`` ...) and whether it supports the
# ``gemeentecode`` filter and the EPSG:28992 output have NOT been checked against the live
# service: verify with <url>/collections before relying on 2019-2022. A wrong name shows
# up as an HTTP 404 SourceError naming the URL, never as silently wrong data.
PDOK_DATASETS: dict[int, PdokDataset] = {
    **{jaar: _historisch(jaar) for jaar in (2019, 2020, 2021, 2022)},
    **{jaar: _jaarlijks(jaar) for jaar in (2023, 2024, 2025)},
}


def dataset(jaar: int) -> PdokDataset:
    """PDOK's wijken-en-buurten API for ``jaar``.

    Raises
    ------
    InputError
        For a year not in ``PDOK_DATASETS``; the message names the years there are.
    """
    try:
        return PDOK_DATASETS[jaar]
    except KeyError:
        raise InputError(
            f"No PDOK wijken en buurten geometry for {jaar}.",
            f"Choose one of the years {', '.join(map(str, PDOK_DATASETS))}.",
        ) from None


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
        The levels to fetch: ``gemeente``, ``wijk`` and/or ``buurt``.

    Returns
    -------
    (rows, normalisatie, info)
        A GeoDataFrame in EPSG:28992 with the canonical identity columns (and the
        statistics PDOK repeats), what normalising did, and the source
        description for the kaart's metadata.

    Raises
    ------
    InputError
        For an unsupported year or level, a malformed code, or a gemeente PDOK has no areas for.
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

    parts, reports = [], []
    with requests.Session() as session:
        session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/geo+json, application/json"})
        for niveau in niveaus:
            features = [f for code in gevraagd for f in _features(session, bron, niveau, code)]
            if not features:
                continue
            frame = gpd.GeoDataFrame.from_features(features, crs="EPSG:28992")
            rows, report = normalise(frame, bron=f"{label}: {bron.collecties[niveau]}", jaar=jaar)
            parts.append(rows)
            reports.append(report)
    if not parts:
        raise _no_areas(gevraagd, jaar)
    rows = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs="EPSG:28992")
    # The server filters on gemeentecode; should it ever ignore the parameter, other regions stay out here.
    in_region = rows["gemeentecode"].isin(gevraagd)
    if not in_region.all():
        log.warning("%s: %d areas outside the requested gemeenten left out", label, int((~in_region).sum()))
        rows = rows.loc[in_region].reset_index(drop=True)
    missing = [c for c in gevraagd if c not in set(rows["gemeentecode"])]
    if missing:
        raise _no_areas(missing, jaar)
    _check_rd(rows, bron)
    info = {
        "bron": f"PDOK CBS Wijken en Buurten {jaar}",
        "jaar": jaar,
        "url": bron.url,
        "collecties": [bron.collecties[n] for n in niveaus],
        "opgehaald": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "rijen": len(rows),
    }
    return rows, _merged(label, reports), info


def _no_areas(missing: list[str], jaar: int) -> InputError:
    return InputError(f"PDOK has no areas of {', '.join(missing)} for {jaar}.",
                      f"Check that the gemeente existed in {jaar}: gemeenten merge and their codes change.")


def _features(session: requests.Session, bron: PdokDataset, niveau: str, gemeentecode: str) -> list[dict]:
    """All features of one collection for one gemeente, following the ``next`` links page by page."""
    url: str | None = f"{bron.url}/collections/{bron.collecties[niveau]}/items"
    params: dict | None = {"f": "json", "limit": PAGINA, "crs": CRS_URI, "gemeentecode": codes.gemeente(gemeentecode)}
    features: list[dict] = []
    seen: set[str] = set()
    while url is not None:
        page = _get_page(session, url, params)
        features.extend(page["features"])
        url = next((link.get("href") for link in page.get("links") or [] if link.get("rel") == "next"), None)
        params = None  # a next link carries every parameter itself
        if url in seen:
            raise SourceError(f"PDOK's paging loops ({url}).", RETRY_FIX)
        if url is not None:
            seen.add(url)
    return features


def _get_page(session: requests.Session, url: str, params: dict | None) -> dict:
    """One page, checked to be a GeoJSON FeatureCollection; requests' errors become the project's."""
    with http_errors("PDOK", "api.pdok.nl", url, TIMEOUT[1]):
        response = session.get(url, params=params, timeout=TIMEOUT)
        response.raise_for_status()
        page = response.json()
    if not (isinstance(page, dict) and page.get("type") == "FeatureCollection" and isinstance(page.get("features"), list)):
        raise SourceError(f"PDOK's answer for {response.url} is not a GeoJSON FeatureCollection.",
                          RETRY_FIX)
    return page


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
