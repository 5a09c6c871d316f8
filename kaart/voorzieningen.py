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

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

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


ZORGDRUK_LOCATIES = "zorgdruk_locaties"
ZORGDRUK_PLAATSEN = "zorgdruk_plaatsen"


def kolomdefinities() -> dict[str, dict]:
    """The canonical columns the facility join produces, in ``kolommen.toml``'s terms.

    Read by ``kaart.kolommen`` so these columns aggregate like every other
    (counts summed, distances weighted by inhabitants) and indicators can use them.
    """
    result = {}
    for cat in categorieen().values():
        result[cat.aantal_kolom] = {"label": f"Aantal {cat.meervoud}", "soort": "aantal", "eenheid": cat.meervoud}
        result[cat.afstand_kolom] = {"label": f"Afstand tot {cat.label[0].lower()}{cat.label[1:]}",
                                     "soort": "gemiddelde", "noemer": "inwoners", "eenheid": "m"}
    result[ZORGDRUK_LOCATIES] = {"label": "Locaties bijzondere woonvormen en opvang", "soort": "aantal",
                                 "eenheid": "locaties"}
    result[ZORGDRUK_PLAATSEN] = {"label": "Plaatsen in bijzondere woonvormen en opvang", "soort": "aantal",
                                 "eenheid": "plaatsen"}
    return result


def tellingen(punten: gpd.GeoDataFrame, gebieden: gpd.GeoDataFrame) -> pd.DataFrame:
    """Facilities per area and category (``vz_<categorie>``), plus the zorgdruk totals.

    One spatial index over the areas answers which area holds each point; a
    point on a shared border counts once, in the first area found. Only
    categories that occur in ``punten`` get a column: an area without any is 0,
    but a category nobody imported is unknown, not 0.
    """
    areas = gebieden[gebieden.geometry.notna() & ~gebieden.geometry.is_empty]
    out = pd.DataFrame(index=gebieden.index)
    if punten.empty or areas.empty:
        return out
    tree = shapely.STRtree(areas.geometry.values)
    point_idx, area_idx = tree.query(punten.geometry.values, predicate="within")
    point_idx, first = np.unique(point_idx, return_index=True)
    area_idx = area_idx[first]
    cats = punten["categorie"].to_numpy()[point_idx]
    present = [c for c in categorieen().values() if (punten["categorie"] == c.naam).any()]
    for cat in present:
        hits = area_idx[cats == cat.naam]
        counts = np.bincount(hits, minlength=len(areas)).astype(float)
        out[cat.aantal_kolom] = pd.Series(counts, index=areas.index).reindex(gebieden.index)
    zorgdruk = [c.naam for c in present if c.zorgdruk]
    if zorgdruk:
        mask = np.isin(cats, zorgdruk)
        out[ZORGDRUK_LOCATIES] = pd.Series(np.bincount(area_idx[mask], minlength=len(areas)).astype(float),
                                           index=areas.index).reindex(gebieden.index)
        plaatsen = punten["plaatsen"].to_numpy(dtype=float)[point_idx] if "plaatsen" in punten else \
            np.full(len(point_idx), np.nan)
        known = np.bincount(area_idx[mask], weights=np.nan_to_num(plaatsen[mask]), minlength=len(areas))
        unknown = np.bincount(area_idx[mask], weights=np.isnan(plaatsen[mask]).astype(float), minlength=len(areas))
        # Places are summed where every location says how many it has; otherwise the total is unknown.
        out[ZORGDRUK_PLAATSEN] = pd.Series(np.where(unknown > 0, np.nan, known), index=areas.index) \
            .reindex(gebieden.index)
    return out


def afstanden(punten: gpd.GeoDataFrame, buurten: gpd.GeoDataFrame) -> pd.DataFrame:
    """Metres from each buurt to the nearest facility of each category present (``vz_<categorie>_afstand_m``).

    Measured from a point inside the buurt (its representative point: a
    centroid can fall outside a crescent-shaped buurt), straight-line in RD New.
    """
    out = pd.DataFrame(index=buurten.index)
    shaped = buurten.geometry.notna() & ~buurten.geometry.is_empty
    if punten.empty or not shaped.any():
        return out
    origins = buurten.geometry[shaped].representative_point().values
    for cat in categorieen().values():
        points = punten.geometry[punten["categorie"] == cat.naam].values
        if not len(points):
            continue
        tree = shapely.STRtree(points)
        (origin_idx, _), distance = tree.query_nearest(origins, return_distance=True, all_matches=False)
        metres = pd.Series(np.nan, index=buurten.index)
        metres[buurten.index[shaped][origin_idx]] = np.round(distance)
        out[cat.afstand_kolom] = metres
    return out


def koppel(gebieden: dict[str, gpd.GeoDataFrame], punten: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    """The levels with the facility columns added (old ones replaced).

    Counts are joined at every level directly (a point in a wijk counts even
    where the wijk's buurten are missing); distances are measured per buurt and
    become inhabitant-weighted means above it.
    """
    from kaart.gebieden import aggregate

    punten = punten.to_crs("EPSG:28992")
    result = {}
    buurt_afstanden = None
    for niveau in ("buurt", "wijk", "gemeente"):
        if niveau not in gebieden:
            continue
        frame = gebieden[niveau]
        frame = frame.drop(columns=[c for c in frame.columns if c.startswith("vz_") or c.startswith("zorgdruk_")])
        frame = frame.join(tellingen(punten, frame))
        if niveau == "buurt":
            buurt_afstanden = afstanden(punten, frame)
            frame = frame.join(buurt_afstanden)
        elif buurt_afstanden is not None and len(buurt_afstanden.columns):
            parent = "wijkcode" if niveau == "wijk" else "gemeentecode"
            buurten = gebieden["buurt"][[parent, "inwoners", "water"]].join(buurt_afstanden)
            frame = frame.join(aggregate(buurten.reset_index(), parent)[list(buurt_afstanden.columns)])
        result[niveau] = frame
    return {n: result.get(n, f) for n, f in gebieden.items()}
