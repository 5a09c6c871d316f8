"""What CBS's OData v3 and v4 feeds have in common: paging, URLs of a safe length, and topics.

Both feeds page their answers (v3 ``odata.nextLink``, v4 ``@odata.nextLink``),
both reset a request whose URL is too long, and both describe a table's
statistics as topics in nested groups. The version modules (``layers.cbs`` for
v3, ``layers.cbs_v4``) differ only in their URLs and answer shapes; the way a
topic becomes a canonical column is decided here, once.

A topic is matched to a canonical column of ``kaart/definities/kolommen.toml`` by its CBS
stem: the v3 key without its numeric suffix (``AantalInwoners_5`` ->
``AantalInwoners``), which CBS derives from the topic's title, so a v4 measure
gets the same stem from its title (:func:`stam`). A stem that occurs more than
once in a table (2024: ``BuitenEuropa`` under "Herkomstland", "Geboren in
Nederland" and "Geboren buiten Nederland") is matched only through an alias
that names its group (``Herkomstland/BuitenEuropa``), never by its position.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import requests

from kaart import __version__
from kaart.errors import SourceError
from kaart.kolommen import canonical_name
from layers._http import RETRY_FIX, http_errors

log = logging.getLogger(__name__)

MAX_URL = 2000
"""Characters a request URL may have: CBS resets longer ones (the Drechtsteden's filter alone took 2,320)."""
TIMEOUT = (10, 120)
"""Seconds to connect and to wait for data: the feeds answer big tables slowly, but not forever."""
MAX_PAGINAS = 1000
"""Pages one query may take; more means the paging loops."""
USER_AGENT = f"maatschappelijke-kaart/{__version__} python-requests/{requests.__version__}"
_SUFFIX = re.compile(r"_\d+$")


@dataclass(frozen=True)
class Onderwerp:
    """One statistic of a table: what to ask for, what CBS calls it, and where it sits.

    ``sleutel`` is the v3 key (``AantalInwoners_5``) or the v4 measure code;
    ``stam`` the CBS stem that ``kaart/definities/kolommen.toml`` knows (``AantalInwoners``);
    ``groepen`` the titles of the topic groups around it, innermost first.
    """

    sleutel: str
    stam: str
    titel: str
    groepen: tuple[str, ...] = ()
    eenheid: str = ""


@dataclass
class Metadata:
    """What a build needs to know of one table: its topics and the columns they become."""

    tabel: str
    onderwerpen: list[Onderwerp]
    kolommen: dict[str, str] = field(default_factory=dict)
    """Topic key -> canonical column, for the topics the engine knows."""


def stam(titel: str) -> str:
    """CBS's key stem for a title: ``"65 jaar of ouder"`` -> ``k_65JaarOfOuder``.

    CBS writes each word with a capital (the rest as it is), drops accents and
    every character that is not a letter or digit, and puts ``k_`` before a stem
    that would start with a digit. A v4 measure has no such key, only its title.
    """
    ascii_ = unicodedata.normalize("NFKD", titel).encode("ascii", "ignore").decode()
    woorden = re.findall(r"[A-Za-z0-9]+", ascii_)
    tekst = "".join(w[0].upper() + w[1:] for w in woorden)
    return f"k_{tekst}" if tekst[:1].isdigit() else tekst


def key_stam(key: str) -> str:
    """The stem of a v3 key: the key without its table-specific numeric suffix."""
    return _SUFFIX.sub("", key)


def groepen(groups: dict, parent, *, titel: str = "Title", ouder: str = "ParentID") -> tuple[str, ...]:
    """The titles of a topic's groups, innermost first (v3 TopicGroups and v4 MeasureGroups alike).

    A repeated stem (``BuitenEuropa_19``, ``_22``, ``_24``) is told apart by
    these titles; the walk stops after 20 levels, so a cyclic answer cannot hang it.
    """
    keten: list[str] = []
    while parent in groups and len(keten) < 20:
        keten.append(str(groups[parent].get(titel, "")).strip())
        parent = groups[parent].get(ouder)
    return tuple(keten)


def kolommen(onderwerpen: list[Onderwerp]) -> dict[str, str]:
    """Which canonical column each topic becomes (the first topic wins when two become one column).

    A unique stem is looked up as it is; a stem that occurs several times is
    looked up only with the stem of one of its groups before it
    (``Herkomstland/BuitenEuropa``), innermost group first.
    """
    tellingen: dict[str, int] = {}
    for o in onderwerpen:
        tellingen[o.stam.lower()] = tellingen.get(o.stam.lower(), 0) + 1
    gevonden: dict[str, str] = {}
    for o in onderwerpen:
        kandidaten = [f"{stam(g)}/{o.stam}" for g in o.groepen]
        if tellingen[o.stam.lower()] == 1:
            kandidaten.append(o.stam)
        naam = next((n for n in map(canonical_name, kandidaten) if n), None)
        if naam and naam not in gevonden.values():
            gevonden[o.sleutel] = naam
    return gevonden


def sessie() -> requests.Session:
    """A session that names the project to CBS, for all requests of one build."""
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    return session


def prepared_url(url: str, params: dict | None) -> str:
    """The URL exactly as requests will send it (encoded), to measure its length."""
    return requests.Request("GET", url, params=params).prepare().url


def splits(url: str, params: dict, delen: list[str], render: Callable[[list[str]], dict],
           limit: int = MAX_URL) -> list[dict]:
    """Split ``delen`` (filter terms, selected columns) over as few requests as fit in ``limit`` characters.

    ``render`` turns a group of parts into the query parameters that carry
    them; ``params`` are the parameters every request has. Greedy: each request
    takes parts until one more would make its URL too long.

    Raises
    ------
    SourceError
        When a single part does not fit (the table's keys are longer than any URL CBS takes).
    """
    groepen: list[list[str]] = []
    for deel in delen:
        if groepen and len(prepared_url(url, {**params, **render(groepen[-1] + [deel])})) <= limit:
            groepen[-1].append(deel)
            continue
        if len(prepared_url(url, {**params, **render([deel])})) > limit:
            raise SourceError(f"A CBS request for {deel!r} would be longer than {limit} characters.",
                              "Report this: the table's keys do not fit in a request CBS accepts.")
        groepen.append([deel])
    return [{**params, **render(g)} for g in groepen]


def pages(session: requests.Session, url: str, params: dict | None, *, volgende: str,
          wat: str) -> Iterator[dict]:
    """The rows of an OData query, page by page, following the feed's next links.

    Parameters
    ----------
    volgende
        The key of the next link: ``odata.nextLink`` (v3) or ``@odata.nextLink`` (v4).
    wat
        What is asked for, named in messages ("table 85984NED").
    """
    gezien: set[str] = set()
    for _ in range(MAX_PAGINAS):
        page = get_json(session, url, params, wat)
        rows = page.get("value") if isinstance(page, dict) else None
        if not isinstance(rows, list):
            raise SourceError(f"CBS's answer for {wat} has no list of rows ('value').", RETRY_FIX)
        yield from rows
        url, params = page.get(volgende), None  # a next link carries every parameter itself
        if url is None:
            return
        if url in gezien:
            raise SourceError(f"CBS's paging loops for {wat} ({url}).", RETRY_FIX)
        gezien.add(url)
    raise SourceError(f"CBS sent more than {MAX_PAGINAS} pages for {wat}.", RETRY_FIX)


def get_json(session: requests.Session, url: str, params: dict | None, wat: str):
    """One answer as JSON; requests' and CBS's failures become the project's errors (layers._http)."""
    with http_errors("CBS", requests.utils.urlparse(url).hostname or url, wat, TIMEOUT[1],
                     fix_404="Check the table id: pass a published one with --tabel ID."):
        response = session.get(url, params=params, timeout=TIMEOUT)
        response.raise_for_status()
        return response.json()
