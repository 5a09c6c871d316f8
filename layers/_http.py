"""What a web source's failures mean to the user: one translation for CBS, PDOK and later sources.

``requests`` raises timeouts, refused connections, HTTP errors and parse
errors; the user needs to know whether the service was unreachable (check the
network, or work offline from files) or answered with something unusable.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import requests

from kaart.errors import NetworkError, SourceError

NO_NETWORK_FIX = "Check the network connection, or build from files with --bron bestanden."
RETRY_FIX = "Try again later, or build from files with --bron bestanden."


@contextmanager
def http_errors(dienst: str, host: str, wat: str, wachttijd: float, fix_404: str | None = None, *,
                no_network_fix: str = NO_NETWORK_FIX, retry_fix: str = RETRY_FIX) -> Iterator[None]:
    """Turn what ``requests`` (or a client built on it) raises into NetworkError or SourceError.

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
        The fixes to name when the service is unreachable, or answered with an
        error or something unusable (by default: work offline from files).
    """
    try:
        yield
    except requests.Timeout as err:
        raise NetworkError(f"Could not reach {dienst} ({host}): no answer within {wachttijd:g} seconds.",
                           no_network_fix) from err
    except requests.ConnectionError as err:
        raise NetworkError(f"Could not reach {dienst} ({host}): the connection failed ({type(err).__name__}).",
                           no_network_fix) from err
    except requests.HTTPError as err:
        # A client may re-raise a new HTTPError without the response; the original is then its cause.
        response = err.response if err.response is not None else getattr(err.__cause__, "response", None)
        status = f"HTTP {response.status_code} {response.reason or ''}".strip() if response is not None else str(err)
        not_found = response is not None and response.status_code == 404
        fix = fix_404 if (not_found and fix_404) else f"{dienst} may be unavailable: {retry_fix[0].lower()}{retry_fix[1:]}"
        raise SourceError(f"{dienst} answered {status} for {wat}.", fix) from err
    except (requests.RequestException, ValueError, KeyError, TypeError) as err:
        raise SourceError(f"{dienst} sent an unexpected answer for {wat} ({type(err).__name__}: {err}).",
                          retry_fix) from err
