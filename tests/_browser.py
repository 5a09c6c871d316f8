"""A browser page on a closed network, for the browser tests: only the tests' own server (127.0.0.1) answers,
as on a municipal network that blocks CDNs; every page error is recorded. And pointing at the map as a hand
does (:func:`wijs_aan`)."""

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


def wijs_aan(page, x: float, y: float) -> None:
    """Point at ``(x, y)`` on the map as a hand does, once the map has drawn its areas: from a little way off,
    over the neighbours, into the spot. One jump onto an area right after its first path appeared missed the
    area's mouseover on a loaded machine, so its tooltip never opened."""
    page.wait_for_function("() => window.kaartGetekend !== undefined")
    page.mouse.move(x - 40, y - 40)
    page.mouse.move(x, y, steps=8)

