"""A browser page on a closed network, for the browser tests: only the tests' own server (127.0.0.1) answers,
as on a municipal network that blocks CDNs; every page error is recorded."""

from __future__ import annotations

from urllib.parse import urlsplit


def gesloten_pagina(chromium, viewport: dict, **opties):
    """A new context and page of ``viewport`` (Dutch locale, ``opties`` for the context); returns
    (context, page, fouten), where ``fouten`` collects the page's JavaScript errors. Close the context after."""
    context = chromium.new_context(viewport=viewport, locale="nl-NL", **opties)
    context.route("**/*", lambda route: route.continue_() if urlsplit(route.request.url).hostname == "127.0.0.1"
                  else route.abort())
    page = context.new_page()
    fouten: list[str] = []
    page.on("pageerror", lambda err: fouten.append(str(err)))
    return context, page, fouten
