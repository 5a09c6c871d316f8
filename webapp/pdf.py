"""A page of the app as a PDF, rendered on the server with WeasyPrint.

A wijkteam sends a gebiedsprofiel to a council as a file, not as a link to a
page that changes with the next build. WeasyPrint lays the page out with its
print style sheet (``@media print``, A4) as a browser would print it, without a
browser. It reads the page's style sheets from the app's own static folder and
fetches nothing else: no request leaves the server, and a page with a foreign
URL in it still renders (WeasyPrint logs the skipped resource).

WeasyPrint needs Pango (Debian: ``libpango-1.0-0``, ``libpangoft2-1.0-0``); it is
imported when the first PDF is asked for, so a server without Pango still serves
every page and answers a PDF request with a Dutch message.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path

from flask import current_app

from webapp.errors import Fout

log = logging.getLogger(__name__)


def als_pdf(html: str, basis_url: str) -> bytes:
    """``html`` (a page of this app, its links relative to ``basis_url``) as a PDF file in memory."""
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher, URLFetcherResponse
    except (ImportError, OSError) as err:
        log.error("WeasyPrint cannot run here (%s); install it and Pango to serve PDFs", err)
        raise Fout("Deze server kan geen PDF maken. Druk de pagina af met de knop ‘Afdrukken’.", 503) from err
    statisch = basis_url.rstrip("/") + current_app.static_url_path + "/"
    map_ = Path(current_app.static_folder).resolve()

    class Statisch(URLFetcher):
        """Serves the app's static files from disk and refuses every other URL."""

        def fetch(self, url, headers=None):
            if not url.startswith(statisch):
                raise ValueError(f"not one of the app's static files: {url}")
            pad = (map_ / url[len(statisch):].split("?")[0]).resolve()
            if map_ not in pad.parents or not pad.is_file():
                raise ValueError(f"no such static file: {url}")
            soort = mimetypes.guess_type(pad.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, pad.read_bytes(), {"Content-Type": soort})

    return HTML(string=html, base_url=basis_url, url_fetcher=Statisch()).write_pdf()
