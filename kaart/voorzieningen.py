"""Facilities (voorzieningen): their categories, and how they join to areas.

The categories are data (``layers/voorzieningen.toml``). A facility layer is a
point GeoDataFrame in EPSG:28992 with at least ``naam`` and ``categorie``
(optionally ``plaatsen``, the number of places or homes, and ``bron``). This
module checks such layers and joins them to the area frame: counts per area
and category at every level, and for every buurt the distance to the nearest
facility of each category. Those columns are indicators the drukpunt engine
can use.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DEFINITIES = Path(__file__).resolve().parents[1] / "layers" / "voorzieningen.toml"


@dataclass(frozen=True)
class Categorie:
    """One facility category: Dutch label, map symbol, OSM tags and whether it is existing care pressure."""

    naam: str
    label: str
    meervoud: str
    afkorting: str
    kleur: str
    zorgdruk: bool
    osm: tuple[tuple[str, str], ...]
    aliassen: tuple[str, ...]

    @property
    def aantal_kolom(self) -> str:
        """Column with the number of facilities of this category in an area."""
        return f"vz_{self.naam}"

    @property
    def afstand_kolom(self) -> str:
        """Column with the distance (m) from a buurt to the nearest facility of this category."""
        return f"vz_{self.naam}_afstand_m"


@cache
def categorieen(path: Path = DEFINITIES) -> dict[str, Categorie]:
    """Read and check the category vocabulary (cached)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    result = {}
    for naam, spec in data["categorie"].items():
        tags = []
        for tag in spec.get("osm", []):
            key, sep, value = tag.partition("=")
            if not sep:
                raise ValueError(f"{path}: category {naam}: OSM tag {tag!r} is not key=value")
            tags.append((key, value))
        result[naam] = Categorie(naam=naam, label=spec["label"], meervoud=spec.get("meervoud", spec["label"]),
                                 afkorting=spec["afkorting"], kleur=spec["kleur"],
                                 zorgdruk=bool(spec.get("zorgdruk", False)), osm=tuple(tags),
                                 aliassen=tuple(a.lower() for a in spec.get("aliassen", ())))
    return result


def categorie_van(value: object) -> str | None:
    """The category a free-text value means (its id, label or an alias, case-insensitive), or ``None``."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().lower()
    for cat in categorieen().values():
        if text in (cat.naam, cat.label.lower(), cat.naam.replace("_", " "), *cat.aliassen):
            return cat.naam
    return None
