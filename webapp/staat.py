"""What the web app keeps per app, in one typed object: the kaart it serves and everything made from it once.

:func:`webapp.create_app` makes it and attaches it (:func:`zet`); every view reaches it through
:func:`staat`. One kaart file means one app and one state, so every cache in it (all
:class:`webapp.bewaard.Bewaard`) belongs to that kaart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from flask import Flask, current_app

from kaart import reeksen
from kaart.figuurjaren import Figuurjaren
from kaart.indicatoren import Catalogus
from kaart.kaartbestand import Kaart
from kaart.referentiereeksen import Reeksen, referentiereeksen
from kaart.variabelen import Variabele, variabelen
from webapp.bewaard import Bewaard

if TYPE_CHECKING:
    from webapp.api import Geometrieen
    from webapp.choropleth import MapCache
    from webapp.locaties import Zoeker
    from webapp.werksessies import Omgeving

SLEUTEL = "maatschappelijke_kaart"
"""The one key of ``app.extensions`` the app uses."""
RANGLIJSTEN_BEWAARD = 32
"""Rankings kept (least recently used dropped): a session's worth of weightings."""
VERDELINGEN_BEWAARD = 32
"""Distributions of the verdeelsleutel kept, likewise."""
ANTWOORDEN_BEWAARD = 64
"""Serialised area responses of the API kept (least recently used dropped): the map asks the same ones again."""
PDFS_BEWAARD = 16
"""Gebiedsprofielen as PDF kept: rendering one takes seconds, and a wijkteam downloads the same areas again."""


@dataclass
class Staat:
    """The kaart, what pages show of it (its own catalogue, the search box's names) and the app's caches."""

    kaart: Kaart
    kaartbeelden: MapCache
    """The kaart page's rendered maps per (niveau, indicator)."""
    geometrie: Geometrieen
    """The API's simplified geometry per (niveau, zoom)."""
    gebiedsnamen: list[str]
    ontbrekende_bestanden: list[str]
    """Front-end packages that are not installed (the map page says so)."""
    locatiezoeker: Zoeker
    werksessies: Omgeving | None = None
    """Set by ``webapp.werksessies.init_app``."""
    ranglijsten: Bewaard = field(default_factory=lambda: Bewaard(RANGLIJSTEN_BEWAARD))
    verdelingen: Bewaard = field(default_factory=lambda: Bewaard(VERDELINGEN_BEWAARD))
    api_antwoorden: Bewaard = field(default_factory=lambda: Bewaard(ANTWOORDEN_BEWAARD))
    pdfs: Bewaard = field(default_factory=lambda: Bewaard(PDFS_BEWAARD))
    jaarkaarten: Bewaard = field(default_factory=lambda: Bewaard(None))
    """The kaart as it was in each of its years (``kaart.reeksen.in_jaar``): a bounded set, made once each."""

    def in_jaar(self, jaar: int) -> Kaart:
        """The kaart with the figures of ``jaar`` on today's areas (a year the kaart holds)."""
        return self.jaarkaarten(jaar, lambda: reeksen.in_jaar(self.kaart, jaar))

    @cached_property
    def referentiereeksen(self) -> dict[str, Reeksen]:
        """The region's and the Netherlands' series (``kaart.referentiereeksen``): every gemeente summed for every
        year, so made once, at the first profile that shows a course, not per request."""
        return referentiereeksen(self.kaart)

    @property
    def catalogus(self) -> Catalogus:
        """The indicators as the kaart was built with them (see ``Kaart.catalogus``), not today's definitions."""
        return self.kaart.catalogus

    @cached_property
    def figuurjaren(self) -> Figuurjaren:
        """Which year each figure is from, for every page and download (made on first use, then kept)."""
        return Figuurjaren(self.kaart)

    @property
    def variabelen(self) -> dict[str, Variabele]:
        """Every mappable column with the label, unit and group the kaart's own catalogue gives it."""
        return variabelen(self.kaart.catalogus)


def zet(app: Flask, waarde: Staat) -> Staat:
    """Attach ``waarde`` to ``app`` as its state."""
    app.extensions[SLEUTEL] = waarde
    return waarde


def staat(app: Flask | None = None) -> Staat:
    """The state of ``app`` (by default the app of the current request)."""
    return (app or current_app).extensions[SLEUTEL]
