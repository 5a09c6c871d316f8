"""The canonical statistics columns and the names they carry in each source schema.

The definitions live in ``kaart/definities/kolommen.toml``, so an analyst can
add a column or an alias without touching Python. This module reads them and
renames a source's columns to the one internal naming.

Names are compared without regard to case and underscores, so one alias
covers PDOK's camelCase of 2022-2023 (``aantalInwoners``), its snake_case from
2024 on and CBS's GeoPackages (``aantal_inwoners``), and CBS OData's keys
(``AantalInwoners_5``, whose numeric suffix is dropped when nothing else matches).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from kaart import definities
from kaart.categorieen import kolomdefinities
from kaart.errors import DefinitieError

SOORTEN = ("aantal", "percentage", "gemiddelde", "dichtheid", "oppervlakte", "klasse")
_ODATA_SUFFIX = re.compile(r"_\d+$")


@dataclass(frozen=True)
class Kolom:
    """One canonical statistics column: its name, Dutch label and how it aggregates."""

    naam: str
    label: str
    soort: str
    eenheid: str
    noemer: str | None = None
    teller: str | None = None
    aliassen: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Schema:
    """All canonical columns plus the identity-column candidates."""

    kolommen: dict[str, Kolom]
    code_paren: tuple[tuple[str, str], ...]
    gemeentenaam: tuple[str, ...]
    jaar: tuple[str, ...]
    water: tuple[str, ...]

    def alias_index(self) -> dict[str, str]:
        """Comparison key (``sleutel``) of every alias and canonical name -> canonical name.

        Raises
        ------
        DefinitieError
            When two columns have names with the same key: a source column would
            then be read as either, depending on the order of the definitions.
        """
        index: dict[str, str] = {}
        for kolom in self.kolommen.values():
            for naam in (kolom.naam, *kolom.aliassen):
                key = sleutel(naam)
                if index.setdefault(key, kolom.naam) != kolom.naam:
                    raise DefinitieError("kolommen.toml", f"kolom {kolom.naam}",
                                         f"alias ‘{naam}’ is ook een naam van kolom {index[key]} "
                                         f"(beide vergeleken als ‘{key}’).",
                                         "Geef elke naam aan één kolom.")
        return index


def sleutel(naam: str) -> str:
    """The form in which source names are compared: ``aantal_inwoners``, ``aantalInwoners`` -> ``aantalinwoners``."""
    return naam.lower().replace("_", "")


@cache
def schema(path: Path | None = None) -> Schema:
    """Read and check the column definitions (cached: the file is read once)."""
    path = path or definities.MAP / "kolommen.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    kolommen = {}
    for naam, spec in data["kolom"].items():
        kolom = Kolom(
            naam=naam,
            label=spec["label"],
            soort=spec["soort"],
            eenheid=spec.get("eenheid", ""),
            noemer=spec.get("noemer"),
            teller=spec.get("teller"),
            aliassen=tuple(spec.get("aliassen", ())),
        )
        if kolom.soort not in SOORTEN:
            raise DefinitieError(path, f"kolom {naam}", f"onbekende soort ‘{kolom.soort}’.",
                                 f"Kies een soort uit: {', '.join(SOORTEN)}.")
        if kolom.soort in ("percentage", "gemiddelde") and not kolom.noemer:
            raise DefinitieError(path, f"kolom {naam}", f"een {kolom.soort} heeft een noemer nodig.",
                                 "Noem de kolom waarover het gerekend is: noemer = \"...\".")
        if kolom.soort == "dichtheid" and not kolom.teller:
            raise DefinitieError(path, f"kolom {naam}", "een dichtheid heeft een teller nodig.",
                                 "Noem de kolom die geteld wordt: teller = \"...\".")
        kolommen[naam] = kolom
    for kolom in kolommen.values():
        for ref in (kolom.noemer, kolom.teller):
            if ref and ref not in kolommen:
                raise DefinitieError(path, f"kolom {kolom.naam}", f"verwijst naar de onbekende kolom ‘{ref}’.",
                                     "Noem een kolom die in het bestand staat.")
    for naam, spec in kolomdefinities().items():  # the facility join's columns, defined by the vocabulary
        kolommen[naam] = Kolom(naam=naam, label=spec["label"], soort=spec["soort"], eenheid=spec["eenheid"],
                               noemer=spec.get("noemer"))
    identiteit = data["sleutel"]
    checked = Schema(
        kolommen=kolommen,
        code_paren=tuple(tuple(p) for p in identiteit["code"]),
        gemeentenaam=tuple(identiteit["gemeentenaam"]),
        jaar=tuple(identiteit["jaar"]),
        water=tuple(identiteit["water"]),
    )
    checked.alias_index()  # refuse colliding names when the definitions are read, not when a file is
    return checked


def canonical_name(source_column: str) -> str | None:
    """The canonical column a source column maps to, or ``None``.

    The name as it is wins (compared by ``sleutel``: case and underscores
    ignored); otherwise a CBS OData key is tried without its numeric suffix
    (``AantalInwoners_5`` -> ``AantalInwoners``). A snake_case name that ends in
    a number (``percentage_bouwjaarklasse_tot_2000``) is thus found as it is.
    """
    index = schema().alias_index()
    found = index.get(sleutel(source_column))
    if found is None:
        stripped = _ODATA_SUFFIX.sub("", source_column)
        if stripped != source_column:
            found = index.get(sleutel(stripped))
    return found



def statistics_mapping(columns: list[str]) -> dict[str, str]:
    """Map the source columns that carry a known statistic to their canonical names.

    When two source columns map to one canonical column, the first one wins.
    """
    mapping: dict[str, str] = {}
    for column in columns:
        target = canonical_name(str(column))
        if target and target not in mapping.values():
            mapping[column] = target
    return mapping


def statistic_columns(frame: pd.DataFrame) -> list[str]:
    """The canonical statistics columns present in a frame, in definition order."""
    return [naam for naam in schema().kolommen if naam in frame.columns]
