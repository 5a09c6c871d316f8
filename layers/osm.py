"""Facility points (voorzieningen) from OpenStreetMap, through the Overpass API.

When the user is online and has no list of their own, OpenStreetMap is the
quickest source of a region's doctors, pharmacies, community centres, schools
and bus stops. The OSM tags that mean each category are data, the ``osm`` lists
in ``kaart/definities/voorzieningen.toml``; this adapter asks Overpass (through osmnx)
for exactly those tags inside the region, gives every element the first
category of the vocabulary whose tag it carries, and returns the kaart's
facility layer: points in EPSG:28992 with ``naam``, ``categorie``, ``adres``,
``bron`` and ``osm_id``. Buildings and other areas become a point inside them.

osmnx is configured for a tool that runs unattended (no cache on disk, no
console output, no waiting on Overpass's status page, a timeout) only for the
duration of one call, and an Overpass answer that is an error is refused
before osmnx reads it: osmnx would otherwise sleep 55 seconds and retry for as
long as Overpass answers 429 or 504. Every failure becomes a
:class:`kaart.errors.NetworkError` or :class:`kaart.errors.SourceError`.

The tests (``tests/test_osm.py``) run the real osmnx request and parsing
against a recorded Overpass answer; none reaches the network.
"""

from __future__ import annotations

import logging
import math
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import geopandas as gpd
import osmnx as ox
import pandas as pd
import requests
import shapely
from osmnx._errors import InsufficientResponseError

from kaart import __version__
from kaart.categorieen import Categorie, categorie_van, categorieen
from kaart.errors import InputError, SourceError
from layers._http import http_errors

log = logging.getLogger(__name__)

DIENST = "OpenStreetMap (Overpass)"
BRON = "OpenStreetMap"
KOLOMMEN = ["naam", "categorie", "adres", "bron", "osm_id", "geometry"]
"""The columns of the layer ``load_osm`` returns, also when it is empty."""
NO_NETWORK_FIX = "Check the network connection, or import a file of facilities with `kaart voorzieningen import`."
RETRY_FIX = "Try again later, or import a file of facilities with `kaart voorzieningen import`."
UNFINISHED_FIX = ("Try again later or ask for fewer categories (--categorie), "
                  "or import a file of facilities with `kaart voorzieningen import`.")

OVERPASS_URL_ENV = "KAART_OVERPASS_URL"
OVERPASS_URL = ox.settings.overpass_url
"""Overpass's public instance (osmnx's default); ``KAART_OVERPASS_URL`` points at another."""

QUERY_MARGIN_M = 100
"""The polygon sent to Overpass is the region grown by this much and simplified by a quarter of it: a detailed
border would otherwise be repeated in the query three times per tag. Points are clipped to the exact region."""
_RD_BOUNDS = (-10_000, 280_000, 310_000, 640_000)
"""RD New's area of use (EPSG:28992), with a margin: a region outside it is not in RD."""

_OSMNX_LOCK = threading.Lock()
"""osmnx's settings are module globals: one query at a time may change them."""


class _UnusableAnswer(Exception):
    """Overpass answered 200, but not with a finished JSON result (raised in the response hook)."""


def load_osm(gebied: shapely.Geometry, categorieen: list[str] | None = None, *,
             timeout: float = 180) -> gpd.GeoDataFrame:
    """The facilities OpenStreetMap knows inside ``gebied``, one point each, in the project's categories.

    Parameters
    ----------
    gebied
        The region, a (Multi)Polygon in EPSG:28992 (RD New).
    categorieen
        The categories to ask for (ids such as ``"apotheek"``, or a label or alias
        ``kaart.categorieen.categorie_van`` knows); ``None`` asks for every
        category with OSM tags. Categories without OSM tags are skipped.
    timeout
        Seconds Overpass may spend on the query and the client waits for it.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``naam`` (OSM ``name``, else "<label> (zonder naam)"),
        ``categorie`` (the vocabulary id), ``adres`` (street, house number and
        city as far as tagged, else NA), ``bron`` ("OpenStreetMap"), ``osm_id``
        ("node/123", "way/456") and point geometry in EPSG:28992, only inside
        ``gebied``. An element carrying the tags of several of the asked
        categories gets the first in vocabulary order. Empty (with these
        columns) when OSM has nothing.

    Raises
    ------
    InputError
        For an unknown category, a request in which no category has OSM tags, a
        ``gebied`` that is not a polygon in RD New, or a timeout that is not positive.
    NetworkError
        When Overpass cannot be reached or does not answer in time.
    SourceError
        When Overpass answers with an HTTP error, or with no usable result.
    """
    gekozen = _kies(categorieen)
    _check_input(gebied, timeout)
    tags = _tags(gekozen)
    query_polygon = _query_polygon(gebied)
    wat = f"facilities in {len(gekozen)} {'category' if len(gekozen) == 1 else 'categories'}"
    seconds = math.ceil(timeout)  # Overpass's [timeout:N] takes whole seconds
    with _osmnx_settings(seconds), _overpass_errors(wat, seconds):
        try:
            features = ox.features.features_from_polygon(query_polygon, tags)
        except InsufficientResponseError:
            # osmnx raises it when nothing matched; its other causes (a 200 that is not a JSON object)
            # were refused by _check_answer already, so here it only means an empty result.
            features = None
    if features is None or features.empty:
        log.info("OpenStreetMap has no facilities of %s in the region", ", ".join(c.naam for c in gekozen))
        return _leeg()
    punten = _punten(features, gekozen, gebied)
    log.info("OpenStreetMap: %d facilities in %d categories", len(punten), punten["categorie"].nunique())
    return punten


def _kies(namen: list[str] | None) -> list[Categorie]:
    """The asked categories that have OSM tags, in vocabulary order; unknown names are an InputError."""
    vocabulaire = categorieen()
    if namen is None:
        gekozen = list(vocabulaire.values())
    else:
        ids = {naam: categorie_van(naam) for naam in namen}
        onbekend = [naam for naam, cat in ids.items() if cat is None]
        if onbekend:
            raise InputError(f"Unknown categorie {', '.join(repr(n) for n in onbekend)}.",
                             f"Choose from: {', '.join(c.naam for c in vocabulaire.values() if c.osm)}.")
        gekozen = [cat for cat in vocabulaire.values() if cat.naam in ids.values()]
    zonder = [cat.naam for cat in gekozen if not cat.osm]
    if zonder:
        log.info("Categories without OpenStreetMap tags skipped: %s", ", ".join(zonder))
    gekozen = [cat for cat in gekozen if cat.osm]
    if not gekozen:
        raise InputError(f"OpenStreetMap has no tags for {', '.join(zonder)}.",
                         "Import these facilities from a file with `kaart voorzieningen import`.")
    return gekozen


def _check_input(gebied: object, timeout: float) -> None:
    """Refuse what cannot be queried, every problem in one message."""
    problemen = []
    if not isinstance(gebied, shapely.Polygon | shapely.MultiPolygon) or gebied.is_empty:
        problemen.append(f"the region must be a non-empty (Multi)Polygon, not {type(gebied).__name__}")
    else:
        minx, miny, maxx, maxy = gebied.bounds
        lo_x, lo_y, hi_x, hi_y = _RD_BOUNDS
        if not (lo_x <= minx and maxx <= hi_x and lo_y <= miny and maxy <= hi_y):
            problemen.append(f"the region ({minx:.1f}, {miny:.1f} - {maxx:.1f}, {maxy:.1f}) is not in RD New "
                             "(EPSG:28992)")
    if isinstance(timeout, bool) or not (isinstance(timeout, int | float) and 0 < timeout < math.inf):
        problemen.append(f"the timeout must be a positive number of seconds, not {timeout!r}")
    if problemen:
        raise InputError(f"Cannot query OpenStreetMap: {'; '.join(problemen)}.",
                         "Pass the region's outline in EPSG:28992 and a timeout in seconds.")


def _tags(gekozen: list[Categorie]) -> dict[str, list[str]]:
    """The osmnx ``tags`` argument: every key with its values, in vocabulary order, without repeats."""
    tags: dict[str, list[str]] = {}
    for cat in gekozen:
        for key, value in cat.osm:
            if value not in tags.setdefault(key, []):
                tags[key].append(value)
    return tags


def _query_polygon(gebied: shapely.Geometry) -> shapely.Geometry:
    """The region grown by ``QUERY_MARGIN_M`` and simplified, in EPSG:4326 for Overpass."""
    ruim = gebied.buffer(QUERY_MARGIN_M).simplify(QUERY_MARGIN_M / 4)
    polygon = gpd.GeoSeries([ruim], crs="EPSG:28992").to_crs("EPSG:4326").iloc[0]
    return polygon if polygon.is_valid else shapely.make_valid(polygon)


def _punten(features: gpd.GeoDataFrame, gekozen: list[Categorie], gebied: shapely.Geometry) -> gpd.GeoDataFrame:
    """osmnx's features (indexed by element and id, a column per tag) as the facility layer."""
    features = features.assign(categorie=_categorie(features, gekozen))
    features = features[features["categorie"].notna()]
    punten = features.geometry.to_crs("EPSG:28992").representative_point()
    shapely.prepare(gebied)
    binnen = shapely.intersects(gebied, punten.values)
    features, punten = features[binnen], punten[binnen]
    if features.empty:
        return _leeg()
    labels = {cat.naam: cat.label for cat in gekozen}
    namen = _tag(features, "name")
    namen = namen.fillna(features["categorie"].map(labels) + " (zonder naam)").astype("string")
    element = features.index.get_level_values("element").astype(str)
    ids = features.index.get_level_values("id").astype(str)
    return gpd.GeoDataFrame({
        "naam": namen.to_numpy(),
        "categorie": features["categorie"].to_numpy(dtype=object),
        "adres": _adres(features).to_numpy(),
        "bron": BRON,
        "osm_id": element + "/" + ids,
    }, geometry=punten.to_numpy(), crs="EPSG:28992")


def _categorie(features: pd.DataFrame, gekozen: list[Categorie]) -> pd.Series:
    """Per element the first asked category (vocabulary order) whose key=value tag it carries, else NA."""
    result = pd.Series(pd.NA, index=features.index, dtype=object)
    for cat in gekozen:
        for key, value in cat.osm:
            if key in features:
                result[result.isna() & (features[key] == value)] = cat.naam
    return result


def _tag(features: pd.DataFrame, key: str) -> pd.Series:
    """A tag's values as trimmed strings, NA where absent or blank."""
    if key not in features:
        return pd.Series(pd.NA, index=features.index, dtype="string")
    values = features[key].astype("string").str.strip()
    return values.mask(values == "")


def _adres(features: pd.DataFrame) -> pd.Series:
    """"Street 12, City" from the ``addr:*`` tags an element has; NA when it has none."""
    delen = zip(_tag(features, "addr:street"), _tag(features, "addr:housenumber"), _tag(features, "addr:city"),
                strict=True)

    def samen(straat: Any, nummer: Any, plaats: Any) -> str | None:
        eerste = " ".join(d for d in (straat, nummer) if not pd.isna(d))
        return ", ".join(d for d in (eerste, plaats) if not pd.isna(d) and d) or None

    return pd.Series([samen(*d) for d in delen], index=features.index, dtype="string")


def _leeg() -> gpd.GeoDataFrame:
    """The facility layer without rows."""
    return gpd.GeoDataFrame({kolom: pd.Series(dtype="string" if kolom in ("naam", "adres") else object)
                             for kolom in KOLOMMEN if kolom != "geometry"},
                            geometry=gpd.GeoSeries([], crs="EPSG:28992"), crs="EPSG:28992")


def _check_answer(response: requests.Response, *args: Any, **kwargs: Any) -> None:
    """requests response hook on the Overpass request: refuse an error before osmnx reads it.

    osmnx sleeps 55 seconds and retries, without limit, while Overpass answers
    429 or 504, and treats other error statuses with a JSON body as data. An
    HTTP error is raised here as ``requests.HTTPError`` (the user is told to
    try again later); a 200 that is not JSON, or whose ``remark`` says the
    query failed on the server (Overpass's timeout or memory limit, which
    leaves a partial or empty result), as ``_UnusableAnswer``.
    """
    response.raise_for_status()
    try:
        answer = response.json()
    except ValueError as err:
        kind = response.headers.get("Content-Type", "unknown content type")
        raise _UnusableAnswer(f"{DIENST} answered with something other than JSON ({kind}).") from err
    if not (isinstance(answer, dict) and isinstance(answer.get("elements"), list)):
        raise _UnusableAnswer(f"{DIENST} answered JSON without a list of elements.")
    remark = answer.get("remark")
    if isinstance(remark, str) and "error" in remark.lower():
        raise _UnusableAnswer(f"{DIENST} could not finish the query: {remark.strip()}")


@contextmanager
def _osmnx_settings(timeout: int) -> Iterator[None]:
    """osmnx configured for an unattended tool for the duration of one query, then restored.

    No cache on disk (a server must not fill ./cache), no logging to the
    console or to ./logs, no request to Overpass's status page before the query
    (and so no waiting for a slot), no DNS-over-HTTPS lookup at Google, a
    timeout on both the client and the Overpass server, our user agent, and
    ``_check_answer`` on every response. osmnx pins the Overpass host to one IP
    address by replacing ``socket.getaddrinfo`` process-wide; that is undone too.
    A lock keeps two queries from mixing their settings; other osmnx users in
    the same process would see ours while a query runs.
    """
    hooks = dict(ox.settings.requests_kwargs.get("hooks") or {})
    bestaand = hooks.get("response") or []
    hooks["response"] = [*(bestaand if isinstance(bestaand, list) else [bestaand]), _check_answer]
    nieuw = {
        "use_cache": False,
        "cache_only_mode": False,
        "log_console": False,
        "log_file": False,
        "overpass_rate_limit": False,
        "doh_url_template": None,
        "requests_timeout": timeout,
        "requests_kwargs": {**ox.settings.requests_kwargs, "hooks": hooks},
        "http_user_agent": f"maatschappelijke-kaart/{__version__} (osmnx/{ox.__version__})",
        # An organisation's own Overpass instance (or, in tests, a closed local port).
        "overpass_url": os.environ.get(OVERPASS_URL_ENV, OVERPASS_URL),
    }
    with _OSMNX_LOCK:
        oud = {naam: getattr(ox.settings, naam) for naam in nieuw}
        getaddrinfo = socket.getaddrinfo
        try:
            for naam, waarde in nieuw.items():
                setattr(ox.settings, naam, waarde)
            yield
        finally:
            socket.getaddrinfo = getaddrinfo
            for naam, waarde in oud.items():
                setattr(ox.settings, naam, waarde)


@contextmanager
def _overpass_errors(wat: str, timeout: int) -> Iterator[None]:
    """Overpass's failures in the user's terms: ``layers._http``'s translation, with OSM's fixes."""
    host = urlsplit(ox.settings.overpass_url).hostname or ox.settings.overpass_url
    try:
        with http_errors(DIENST, host, wat, timeout, no_network_fix=NO_NETWORK_FIX, retry_fix=RETRY_FIX):
            yield
    except _UnusableAnswer as err:
        raise SourceError(str(err), UNFINISHED_FIX) from err
