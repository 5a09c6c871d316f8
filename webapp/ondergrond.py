"""The basemap of every map of the app, defined once.

The tiles are the only thing a page loads from outside. folium's map page reads
:data:`ONDERGROND` to make its tile layers; the pages drawn by ``static/kaarten.js``
get the same definition as data (:func:`als_data`, in the script tag's
``data-ondergrond``), so a tile URL, attribution or maximum zoom is changed here only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Tegellaag:
    """A tile service: its name in the layer control, URL template, attribution (HTML) and deepest zoom."""

    naam: str
    url: str
    attributie: str
    max_zoom: int = 19


PDOK_GRIJS = "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/grijs/EPSG:3857/{z}/{x}/{y}.png"
OSM = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"

ONDERGROND = (
    Tegellaag("BRT-Achtergrondkaart grijs (PDOK)", PDOK_GRIJS, "Kaartgegevens &copy; Kadaster"),
    Tegellaag("OpenStreetMap", OSM,
              '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>-bijdragers'),
)
"""The basemap first, then the one a page falls back to (or offers beside it) when the first fails:
a network that blocks one often lets the other through."""


def als_data() -> list[dict]:
    """:data:`ONDERGROND` as the JSON ``static/kaarten.js`` reads (``naam``, ``url``, ``attributie``, ``max_zoom``)."""
    return [asdict(laag) for laag in ONDERGROND]
