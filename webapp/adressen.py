"""The buurt of an address or postcode, through PDOK's Locatieserver.

A wijkteam member knows a client's address ("Lijsterstraat 20, Amersfoort") or
postcode, not the CBS code of the buurt. PDOK's Locatieserver (the ``free``
endpoint, Solr JSON) turns it into a point and, for a real address, the CBS
buurtcode. The kaart may hold other codes than the Locatieserver knows (another
year's indeling, or the fictitious demo region), so an address whose buurtcode
is not in the kaart is placed by its point: the finest area of the kaart that
covers it.

The lookup is online and optional. Settings:

``LOCATIESERVER_URL``
    The ``free`` endpoint (default PDOK's, :data:`LOCATIESERVER`); empty turns
    address search off, for a deployment without internet access.
``LOCATIESERVER_TIMEOUT``
    Seconds to wait for an answer (default :data:`WACHTTIJD`).

Any failure (no network, a timeout, an error status, an answer of another shape)
is logged and raised as :class:`LocatieserverFout`; the search page then falls
back to names and codes and says address search is unavailable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import geopandas as gpd
import requests
import shapely
from shapely.geometry import Point

from kaart.kaartbestand import Kaart

LOCATIESERVER = "https://api.pdok.nl/bzk/locatieserver/search/v3_1/free"
WACHTTIJD = 3.0
"""Seconds: a search page should not hang on a slow service; the fallback is always there."""
VELDEN = "weergavenaam,type,postcode,buurtcode,wijkcode,gemeentecode,centroide_ll"
"""The fields asked for (``fl``): the default field list of ``free`` lacks the buurtcode."""
SOORTEN = "type:(adres OR postcode)"
RIJEN = 10

_POSTCODE = re.compile(r"^\s*\d{4}\s*(?:[a-zA-Z]{2})?\s*$")
_ADRES = re.compile(r"[^\W\d_]{2,}.*\s\d|\d.*\s[^\W\d_]{2,}")
"""A word and a number apart (a street and house number, a postcode and a place)."""


class LocatieserverFout(Exception):
    """The Locatieserver gave no usable answer (off, unreachable, too slow, or an answer of another shape)."""


@dataclass(frozen=True)
class Adres:
    """One answer of the Locatieserver: what it is called, what it is, its buurt and its point."""

    weergavenaam: str
    soort: str
    """``adres`` or ``postcode``."""
    buurtcode: str | None
    punt: Point | None
    """WGS84 (lon, lat), from ``centroide_ll``."""


def lijkt_op_adres(tekst: str) -> bool:
    """Whether ``tekst`` reads as an address or a postcode (worth asking the Locatieserver)."""
    return bool(_POSTCODE.match(tekst) or _ADRES.search(tekst.strip()))


def is_postcode(tekst: str) -> bool:
    """Whether ``tekst`` is a postcode: four digits, with or without its two letters."""
    return bool(_POSTCODE.match(tekst))


def zoek_adressen(tekst: str, url: str | None = LOCATIESERVER, wachttijd: float = WACHTTIJD) -> list[Adres]:
    """The Locatieserver's addresses and postcodes for ``tekst``, best first.

    Raises
    ------
    LocatieserverFout
        When address search is off (``url`` empty) or the service gives no usable answer.
    """
    if not url:
        raise LocatieserverFout("address search is off (LOCATIESERVER_URL is empty)")
    params = {"q": tekst.strip(), "fq": SOORTEN, "fl": VELDEN, "rows": RIJEN}
    try:
        antwoord = requests.get(url, params=params, timeout=wachttijd)
        antwoord.raise_for_status()
        docs = antwoord.json()["response"]["docs"]
        return [_adres(doc) for doc in docs if doc.get("weergavenaam")]
    except (requests.RequestException, ValueError, KeyError, TypeError, AttributeError) as err:
        raise LocatieserverFout(f"the Locatieserver at {url} gave no usable answer: {err!r}") from err


def _adres(doc: dict) -> Adres:
    buurtcode = doc.get("buurtcode")
    return Adres(weergavenaam=str(doc["weergavenaam"]), soort=str(doc.get("type", "")),
                 buurtcode=buurtcode if isinstance(buurtcode, str) else None, punt=_punt(doc.get("centroide_ll")))


def _punt(wkt) -> Point | None:
    """``"POINT(5.40168265 52.16646193)"`` as a point; anything else as None."""
    try:
        punt = shapely.from_wkt(wkt)
    except (shapely.errors.GEOSException, TypeError, ValueError):
        return None
    return punt if isinstance(punt, Point) and not punt.is_empty else None


def gebied_van(kaart: Kaart, adres: Adres) -> str | None:
    """The code of the kaart's area that holds ``adres``: its buurt by code, else the finest area covering
    its point; None when it lies outside the kaart."""
    buurten = kaart.gebieden.get("buurt")
    if adres.buurtcode and buurten is not None and adres.buurtcode in buurten.index:
        return adres.buurtcode
    if adres.punt is None:
        return None
    for niveau in reversed(kaart.niveaus):
        frame = kaart.gebieden[niveau]
        punt = gpd.GeoSeries([adres.punt], crs="EPSG:4326").to_crs(frame.crs).iloc[0]
        geraakt = frame.sindex.query(punt, predicate="covered_by")
        if len(geraakt):
            return str(frame.index[min(geraakt)])
    return None
