"""Maatschappelijke kaart: the engine.

Builds the canonical area frame of a region (gemeenten, wijken, buurten with
their CBS figures and geometry in EPSG:28992) and writes it as one GeoPackage.
This package knows neither Flask nor folium: the web app in ``webapp`` and the
source adapters in ``layers`` and the command in ``commando`` depend on it,
never the other way round (``tests/test_lagen.py``).
"""

__version__ = "0.1.0"
