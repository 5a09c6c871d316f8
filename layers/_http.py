"""What a web source's failures mean to the user: one translation for CBS, PDOK and later sources.

``requests`` raises timeouts, refused connections, HTTP errors and parse
errors; the user needs to know the cause, because the fix differs: no network
(check the connection), the service down or overloaded (5xx, no answer: try
again later), the thing asked for not published (404/410: check the id or the
year), or the request refused (400 and other 4xx but 429, "too many requests",
which is a busy service: the message shows what was sent, so the request can be
corrected or reported). Each becomes one line with its fix.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qsl, unquote, urlsplit

import requests

from kaart.errors import NetworkError, SourceError

NO_NETWORK_FIX = "Check the network connection, or build from files with --bron bestanden."
RETRY_FIX = "Try again later, or build from files with --bron bestanden."
REFUSED_FIX = "Check what was asked for (id, year, codes); if it is right, report this message."
NOT_FOUND_FIX = "Check the id and the year."
SHOWN = 300
"""Characters of a refused URL that a message shows; a split filter can be long."""


class NotPublished(SourceError):
    """The service answered that what was asked for does not exist (HTTP 404 or 410)."""


@contextmanager
def http_errors(dienst: str, host: str, wat: str, wachttijd: float, fix_404: str | None = None, *,
                no_network_fix: str = NO_NETWORK_FIX, retry_fix: str = RETRY_FIX) -> Iterator[None]:
    """Turn what ``requests`` (or a client built on it) raises into NetworkError, NotPublished or SourceError.

    Parameters
    ----------
    dienst, host
        The service's name and host, as the user knows them ("CBS", "opendata.cbs.nl").
    wat
        What was asked for ("table 85618NED", a URL), named in the message.
    wachttijd
        The read timeout in seconds, named when it runs out.
    fix_404
        The fix to name when the service says the thing does not exist.
    no_network_fix, retry_fix
        The fixes to name when there is no network, or when the service is down
        or answered something unusable (by default: work offline from files).
    """
    try:
        yield
    except requests.Timeout as err:
        raise NetworkError(f"Could not reach {dienst} ({host}): no answer within {wachttijd:g} seconds, "
                           "so the service is down or overloaded.", retry_fix) from err
    except requests.ConnectionError as err:
        raise NetworkError(f"Could not reach {dienst} ({host}): no network connection, or the host cannot be "
                           f"reached ({type(err).__name__}).", no_network_fix) from err
    except requests.HTTPError as err:
        # A client may re-raise a new HTTPError without the response; the original is then its cause.
        response = err.response if err.response is not None else getattr(err.__cause__, "response", None)
        raise http_error(dienst, wat, response, fix_404 or NOT_FOUND_FIX, retry_fix, str(err)) from err
    except (requests.RequestException, ValueError, KeyError, TypeError) as err:
        raise SourceError(f"{dienst} sent an unexpected answer for {wat} ({type(err).__name__}: {err}).",
                          retry_fix) from err


def http_error(dienst: str, wat: str, response: requests.Response | None, fix_404: str, retry_fix: str,
               fallback: str = "") -> SourceError:
    """The error for an HTTP error answer, by its cause; the service's own reason is quoted when it gives one."""
    if response is None:
        return SourceError(f"{dienst} answered {fallback} for {wat}.", retry_fix)
    status = f"HTTP {response.status_code} {response.reason or ''}".strip()
    reden = _reason(response)
    said = f" ({reden})" if reden else ""
    if response.status_code in (404, 410):
        return NotPublished(f"{dienst} answered {status} for {wat}: it is not published there{said}.", fix_404)
    if 400 <= response.status_code < 500 and response.status_code != 429:  # 429: busy, like a 5xx
        return SourceError(f"{dienst} answered {status} for {wat}: it refused the request{said}; "
                           f"sent: {sent(response)}", REFUSED_FIX)
    return SourceError(f"{dienst} answered {status} for {wat}: the service is down or failing{said}.", retry_fix)


def sent(response: requests.Response) -> str:
    """The URL of a request as a person reads it: decoded, the filter first, without the format parameter,
    cut when long (a ``$select`` of many columns says little)."""
    parts = urlsplit(response.request.url if response.request is not None else response.url or "")
    params = sorted(((k, v) for k, v in parse_qsl(parts.query) if k != "$format"), key=lambda kv: kv[0] != "$filter")
    url = f"{parts.scheme}://{parts.netloc}{unquote(parts.path)}"
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params)
    return url if len(url) <= SHOWN else url[:SHOWN] + "…"


def _reason(response: requests.Response) -> str:
    """The reason an OData service gives in its error body (``odata.error`` in v3, ``error`` in v4), if any."""
    try:
        body = response.json()
    except (ValueError, json.JSONDecodeError):
        return ""
    error = (body.get("odata.error") or body.get("error")) if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return ""
    message = error.get("message")
    if isinstance(message, dict):
        message = message.get("value")
    return str(message).strip() if message else ""
