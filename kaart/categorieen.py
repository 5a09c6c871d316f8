"""Facility categories (voorzieningen): the vocabulary of ``kaart/definities/voorzieningen.toml``.

What each category is called, how it is drawn, which OpenStreetMap tags and file names mean it, whether
it is existing care pressure, and the canonical columns the facility join makes of it. Apart from the
join (``kaart.voorzieningen``) so that the column definitions (``kaart.kolommen``), the indicators and
the provenance labels can read the categories without depending on the join and what it uses.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kaart import definities
from kaart.errors import DefinitieError

DEFINITIES = definities.MAP / "voorzieningen.toml"
VOORZIENINGKOLOMMEN = ("vz_", "zorgdruk_")
"""The prefixes of the columns the facility join makes: today's facilities, which have no series of their own."""


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
                raise DefinitieError(path, f"categorie {naam}", f"de OSM-tag ‘{tag}’ is geen sleutel=waarde.",
                                     "Schrijf hem als amenity=school.")
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


def zorgdruk_categorieen() -> list[str]:
    """The categories that are existing special housing or care locations (existing zorgdruk)."""
    return [c.naam for c in categorieen().values() if c.zorgdruk]


ZORGDRUK_LOCATIES = "zorgdruk_locaties"
ZORGDRUK_PLAATSEN = "zorgdruk_plaatsen"


def _midden_in_zin(label: str) -> str:
    """A category's label inside a sentence: "huisartsenpraktijk", but a name stays one ("Skaeve Huse",
    "Housing First"), as Dutch spelling wants."""
    woorden = label.split()
    if any(w[:1].isupper() for w in woorden[1:]):
        return label
    return label[:1].lower() + label[1:]


def kolomdefinities() -> dict[str, dict]:
    """The canonical columns the facility join produces, in ``kolommen.toml``'s terms.

    Read by ``kaart.kolommen`` so these columns aggregate like every other
    (counts summed, distances weighted by inhabitants) and indicators can use them.
    """
    result = {}
    for cat in categorieen().values():
        result[cat.aantal_kolom] = {"label": f"Aantal {cat.meervoud}", "soort": "aantal", "eenheid": cat.meervoud}
        result[cat.afstand_kolom] = {"label": f"Afstand tot {_midden_in_zin(cat.label)}",
                                     "soort": "gemiddelde", "noemer": "inwoners", "eenheid": "m"}
    result[ZORGDRUK_LOCATIES] = {"label": "Locaties bijzondere woonvormen en opvang", "soort": "aantal",
                                 "eenheid": "locaties"}
    result[ZORGDRUK_PLAATSEN] = {"label": "Plaatsen in bijzondere woonvormen en opvang", "soort": "aantal",
                                 "eenheid": "plaatsen"}
    return result
