"""What every response carries for its safety: the security headers, and a session cookie that lasts no
longer than it must.

The pages serve their own scripts and styles, so the Content-Security-Policy
allows scripts only from the app itself or with this response's nonce (the
map page's generated folium code, which :func:`met_nonce` marks), and nothing
may frame a page (clickjacking a facilitator's buttons). Style attributes stay
allowed (``style-src-attr``): folium and the bar charts set widths inline, and
an attribute cannot run code. Images may come from the basemap's tile hosts.

``KAART_BASIS_URL`` (e.g. ``https://kaart.gemeente.nl``) says where the app is
reached behind a reverse proxy: links are built from it, not from a request's
Host header; a request for another host name is refused; and with https the cookie is
Secure. The session cookie lives until the latest end of the werksessies it
names (:class:`Sessiekoekje`), never longer than ``PERMANENT_SESSION_LIFETIME``
(default 14 days, renewed by each visit).
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request, url_for
from flask.sessions import SecureCookieSessionInterface
from markupsafe import Markup

from webapp.errors import Fout
from webapp.ondergrond import ONDERGROND

SESSIE_TOT = "tot"
"""Session key: the moment (ISO) after which no werksessie in the cookie is open any more."""


def nonce() -> str:
    """This response's nonce for the scripts and style elements the app itself generated."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def met_nonce(html: str) -> Markup:
    """Generated markup (folium's map) with this response's nonce on each of its script and style elements."""
    return Markup(re.sub(r"<(script|style)(?=[\s>])", lambda m: f'<{m.group(1)} nonce="{nonce()}"', html))


def _tegelbronnen() -> str:
    return " ".join(sorted({f"{urlsplit(laag.url).scheme}://{urlsplit(laag.url).netloc}" for laag in ONDERGROND}))


def _beleid() -> str:
    return "; ".join([
        "default-src 'self'", f"script-src 'self' 'nonce-{nonce()}'", f"style-src 'self' 'nonce-{nonce()}'",
        "style-src-attr 'unsafe-inline'", f"img-src 'self' data: {_tegelbronnen()}", "font-src 'self' data:",
        "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'",
        "frame-ancestors 'none'"])


def extern(endpoint: str, **waarden) -> str:
    """An absolute URL for a link people receive (werksessie links, QR codes): from ``KAART_BASIS_URL`` when
    set, so a forged Host header cannot make the app hand out links to somewhere else."""
    basis = current_app.config.get("KAART_BASIS_URL")
    if not basis:
        return url_for(endpoint, _external=True, **waarden)
    return basis.rstrip("/") + url_for(endpoint, **waarden)


class Sessiekoekje(SecureCookieSessionInterface):
    """The signed session cookie, expiring with the werksessies it names (at most the configured lifetime)."""

    def get_expiration_time(self, app, session):
        standaard = super().get_expiration_time(app, session)
        tot = session.get(SESSIE_TOT)
        if standaard is None or not tot:
            return standaard
        einde = datetime.fromisoformat(tot).astimezone(standaard.tzinfo)
        return min(standaard, einde)


def register(app: Flask) -> None:
    """Headers on every response, the nonce for templates, the cookie's settings."""
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", timedelta(days=14))
    if app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(days=31):  # Flask's default: too long for a workshop
        app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(days=14)
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    basis = app.config.get("KAART_BASIS_URL")
    if basis:
        deel = urlsplit(basis)
        app.config["PREFERRED_URL_SCHEME"] = deel.scheme
        app.config["SESSION_COOKIE_SECURE"] = deel.scheme == "https"

        @app.before_request
        def _alleen_eigen_host():
            """A request for another host name (a forged Host header) is refused, in Dutch."""
            if request.host.split(":")[0].lower() != deel.hostname:
                raise Fout(f"Deze kaart is alleen bereikbaar via {deel.netloc}.", 400)
    app.session_interface = Sessiekoekje()
    app.jinja_env.globals.update(csp_nonce=nonce)
    app.jinja_env.filters["met_nonce"] = met_nonce

    @app.after_request
    def _kopregels(response):
        response.headers.setdefault("Content-Security-Policy", _beleid())
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
