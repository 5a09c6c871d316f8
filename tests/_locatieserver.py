"""The recorded-shape Locatieserver answers of tests/fixtures/locatieserver, placed in the demo where a test needs it.

The demo region is fictitious, so a real address lies outside it; :func:`antwoord_in` moves an answer's points
into a given area (see the fixture folder's README: the values are adapted, the shape is PDOK's).
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path

import geopandas as gpd

MAP = Path(__file__).parent / "fixtures" / "locatieserver"


@cache
def _gelezen(naam: str) -> dict:
    return json.loads((MAP / f"{naam}.json").read_text(encoding="utf-8"))


def antwoord(naam: str) -> dict:
    """The answer ``naam`` (``adres``, ``postcode``, ``leeg``) as recorded, a fresh copy."""
    return copy.deepcopy(_gelezen(naam))


def punt_in(frame: gpd.GeoDataFrame, code: str) -> str:
    """A WKT point (lon lat, WGS84) inside area ``code`` of ``frame``, as ``centroide_ll`` writes it."""
    punt = gpd.GeoSeries([frame.geometry[code].representative_point()], crs=frame.crs).to_crs(4326).iloc[0]
    return f"POINT({punt.x:.8f} {punt.y:.8f})"


def antwoord_in(naam: str, frame: gpd.GeoDataFrame, codes: list[str]) -> dict:
    """The answer ``naam`` with its i-th document's point moved inside area ``codes[i]``."""
    result = antwoord(naam)
    for doc, code in zip(result["response"]["docs"], codes, strict=True):
        doc["centroide_ll"] = punt_in(frame, code)
    return result
