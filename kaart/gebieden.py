"""The canonical area frame: every gemeente, wijk and buurt of a region, per level.

Sources give rows at whatever levels they have. Here they become one frame per
level, indexed by CBS code, with parent codes and geometry in EPSG:28992:

- where CBS publishes a level (its own gemeente or wijk rows), those official
  figures are kept, and their difference from the sum of the areas below
  (CBS rounds buurt counts to 5) is recorded in a ``controle`` table; an
  official row without a geometry gets the outline dissolved from its areas;
- where a level is missing, it is built from the level below: counts summed,
  percentages and means recomputed from summed numerators and denominators
  (never averaged), densities from summed counts and land area, geometry
  dissolved;
- a row that carries no statistic at all (a gemeente file with geometry only)
  is not official: it keeps its geometry and name and gets the figures built
  from the level below, or, with nothing below, ``cijfers = geen``.

Each row says which it is in the ``cijfers`` column, and which of its columns
were summed or recomputed in ``opgeteld`` and ``herberekend`` (see
``kaart.herkomst``).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from kaart.codes import NIVEAUS
from kaart.crs import RD_NEW
from kaart.herkomstkolommen import GEEN, GEOMETRIE, OFFICIEEL, OPGETELD, lijst, tekst
from kaart.herkomstkolommen import KOLOMMEN as HERKOMST

from kaart.kolommen import Kolom, schema, statistic_columns
from kaart.normaliseren import repaired


_MEERVOUD = {"wijk": "wijken", "buurt": "buurten"}

GRID = 0.01
"""Precision (metres) of a dissolve the exact overlay cannot do: a robust overlay, far below any map's resolution."""

MIN_DEKKING = 0.9
"""A recomputed percentage or mean needs known values for at least this share
of the denominator below it; otherwise it is missing rather than biased by the
suppressed small areas."""

_PARENT_COLUMN = {"wijk": "wijkcode", "gemeente": "gemeentecode"}


def aggregate(children: pd.DataFrame, parent_column: str) -> pd.DataFrame:
    """Aggregate the statistics of ``children`` to the codes in ``parent_column``.

    Counts and areas are summed, and missing when a land area below misses them;
    a percentage or mean is recomputed as sum(value x denominator) /
    sum(denominator) over the children where both are known, when those cover
    at least ``MIN_DEKKING`` of the denominator and, for a percentage of a
    count the children have, when that count's sum is complete; a density is the summed
    numerator over the summed land area; classes are not aggregated.
    """
    kolommen = schema().kolommen
    groups = children.groupby(parent_column, sort=True)
    result = pd.DataFrame(index=pd.Index(sorted(children[parent_column].dropna().unique()), name="code"))
    present = statistic_columns(children)
    for naam in present:
        kolom: Kolom = kolommen[naam]
        if kolom.soort in ("aantal", "oppervlakte"):
            result[naam] = _complete_sum(children, parent_column, naam)
        elif kolom.soort in ("percentage", "gemiddelde") and kolom.noemer in children:
            result[naam] = _weighted(children, parent_column, naam, kolom.noemer)
            if kolom.teller in children and children[kolom.teller].notna().any():
                # The count itself is there below: where its sum is suppressed, so is its share.
                result[naam] = result[naam].where(_complete_sum(children, parent_column, kolom.teller).notna())
        elif kolom.soort == "dichtheid" and kolom.teller in children and "oppervlakte_land_ha" in children:
            teller = groups[kolom.teller].sum(min_count=1)
            land_km2 = groups["oppervlakte_land_ha"].sum(min_count=1) / 100
            result[naam] = (teller / land_km2.where(land_km2 > 0)).round(0)
        else:
            result[naam] = np.nan
    return result


def _complete_sum(children: pd.DataFrame, parent_column: str, naam: str) -> pd.Series:
    """Sum of a count, missing when any land area below is missing it (a suppressed
    cell stays suppressed up the hierarchy). Water-only areas have no figures and
    are left out of that check."""
    land = ~children["water"].fillna(False).astype(bool) if "water" in children else pd.Series(True, index=children.index)
    frame = pd.DataFrame({"parent": children[parent_column], "value": children[naam],
                          "gap": children[naam].isna() & land})
    groups = frame.groupby("parent", sort=True)
    return groups["value"].sum(min_count=1).where(~groups["gap"].any())


def _weighted(children: pd.DataFrame, parent_column: str, naam: str, noemer: str) -> pd.Series:
    value, weight = children[naam], children[noemer]
    known = value.notna() & weight.notna()
    frame = pd.DataFrame({
        "parent": children[parent_column],
        "product": (value * weight).where(known),
        "gewicht_bekend": weight.where(known),
        "gewicht": weight,
    })
    sums = frame.groupby("parent", sort=True).sum(min_count=1)
    dekking = sums["gewicht_bekend"] / sums["gewicht"]
    ratio = sums["product"] / sums["gewicht_bekend"].where(sums["gewicht_bekend"] > 0)
    return ratio.where(dekking >= MIN_DEKKING).round(1)


def assemble(rows: gpd.GeoDataFrame) -> tuple[dict[str, gpd.GeoDataFrame], pd.DataFrame]:
    """Build one frame per level from canonical rows of any levels.

    Parameters
    ----------
    rows
        Canonical rows (see ``kaart.normaliseren``) of one region and one year,
        codes unique per level, geometry in any CRS (made EPSG:28992 here).

    Returns
    -------
    (gebieden, controle)
        ``gebieden`` maps each level that has or can get rows to its frame,
        indexed by code; ``controle`` lists official counts next to the sum of
        the areas below them.
    """
    rows = rows.to_crs(RD_NEW) if rows.crs else rows.set_crs(RD_NEW)
    rows = rows.assign(geometry=repaired(rows.geometry.values)[0],  # reprojection can break validity again
                       water=rows["water"].fillna(False).astype(bool))
    frames: dict[str, gpd.GeoDataFrame] = {}
    stats = statistic_columns(rows)
    for niveau in NIVEAUS:
        level = rows[rows["niveau"] == niveau].set_index("code")
        leeg = level[stats].isna().all(axis=1) & ~level["water"] if stats else pd.Series(True, index=level.index)
        level = level.assign(cijfers=np.where(leeg, GEEN, OFFICIEEL), opgeteld_uit=None, opgeteld="", herberekend="")
        frames[niveau] = gpd.GeoDataFrame(level, geometry="geometry", crs=RD_NEW)

    controle: list[pd.DataFrame] = []
    for niveau in ("wijk", "gemeente"):
        source = _source_level(frames, niveau)
        if source is None:
            continue
        derived = _derive(frames[source], _PARENT_COLUMN[niveau], niveau, _MEERVOUD[source],
                          _delen(frames, source, _PARENT_COLUMN[niveau]))
        official = frames[niveau]
        if not official.empty:
            official = _without_figures_from_below(official, derived)
            controle.append(_compare(official[official["cijfers"] == OFFICIEEL], derived, niveau))
            official = _fill_geometry(official, derived, _MEERVOUD[source])
        missing = derived.index.difference(official.index)
        frames[niveau] = pd.concat([official, derived.loc[missing]]) if len(missing) else official
        frames[niveau] = gpd.GeoDataFrame(frames[niveau], geometry="geometry", crs=RD_NEW).sort_index()

    gebieden = {n: _order_columns(f) for n, f in frames.items() if not f.empty}
    table = pd.concat(controle, ignore_index=True) if controle else _empty_controle()
    return gebieden, table


def _without_figures_from_below(official: gpd.GeoDataFrame, derived: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Rows without any statistic take every figure (and its provenance) built from their areas below,
    keeping their own name and geometry."""
    take = official.index[(official["cijfers"] == GEEN) & official.index.isin(derived.index)]
    if not len(take):
        return official
    own, replacement = official.loc[take], derived.loc[take].copy()
    for column in ("naam", "gemeentenaam"):
        replacement[column] = own[column].where(own[column].notna(), replacement[column])
    has_shape = ~_shapeless(own.geometry)
    replacement.loc[has_shape, "geometry"] = own.geometry[has_shape].values
    replacement.loc[has_shape, "opgeteld"] = [tekst([k for k in lijst(o) if k != GEOMETRIE])
                                              for o in replacement.loc[has_shape, "opgeteld"]]
    return pd.concat([official.drop(take), replacement])


def _source_level(frames: dict[str, gpd.GeoDataFrame], niveau: str) -> str | None:
    """The level to build ``niveau`` from: the level just below when CBS published all of it,
    else the buurten, so figures are never aggregated from already rounded aggregates."""
    below = [n for n in ("wijk", "buurt") if NIVEAUS.index(n) > NIVEAUS.index(niveau) and not frames[n].empty]
    for n in below:
        if (frames[n]["cijfers"] == OFFICIEEL).all():
            return n
    return below[-1] if below else None


def _delen(frames: dict[str, gpd.GeoDataFrame], source: str, parent_column: str) -> tuple[gpd.GeoSeries, pd.Series]:
    """The parts to dissolve the outlines of ``parent_column`` from, with each part's parent code: the areas of
    ``source``, where a wijk whose outline was itself dissolved from its buurten stands in for them.

    The figures of gemeenten come from the buurten when CBS did not publish the wijken, but their outlines
    need not: a wijk's outline is its buurten's, so the gemeente comes out the same from a fifth of the parts
    (a national build dissolves 2,700 wijken, not 11,700 buurten, again).
    """
    child = frames[source]
    vormen, ouders = child.geometry, child[parent_column]
    wijken = frames["wijk"]
    if source != "buurt" or parent_column != "gemeentecode" or wijken.empty or "wijkcode" not in child:
        return vormen, ouders
    uit_buurten = wijken.index[[GEOMETRIE in lijst(o) and u == _MEERVOUD["buurt"]
                                for o, u in zip(wijken["opgeteld"], wijken["opgeteld_uit"])]]
    per_wijk = child.groupby("wijkcode")[parent_column].agg(["first", "nunique", "count", "size"])
    een_ouder = per_wijk.index[(per_wijk["nunique"] == 1) & (per_wijk["count"] == per_wijk["size"])]
    vervangen = uit_buurten.intersection(een_ouder)
    if not len(vervangen):
        return vormen, ouders
    blijft = ~child["wijkcode"].isin(vervangen).to_numpy()
    vormen = gpd.GeoSeries(np.concatenate([vormen.values[blijft], wijken.geometry.loc[vervangen].values]),
                           crs=child.crs)
    ouders = pd.Series(np.concatenate([ouders.to_numpy()[blijft], per_wijk.loc[vervangen, "first"].to_numpy()]))
    return vormen, ouders


def _derive(child: gpd.GeoDataFrame, parent_column: str, niveau: str, uit: str,
            delen: tuple[gpd.GeoSeries, pd.Series]) -> gpd.GeoDataFrame:
    """The level ``niveau`` built from ``child``: figures aggregated, outlines dissolved from ``delen``
    (:func:`_delen`: the parts with their parent codes)."""
    stats = aggregate(child.reset_index(), parent_column)
    opgeteld, herberekend = _provenance(stats)
    first = child.reset_index().groupby(parent_column, sort=True).first()
    stats["niveau"] = niveau
    stats["gemeentecode"] = [c if niveau == "gemeente" else "GM" + c[2:6] for c in stats.index]
    stats["gemeentenaam"] = first["gemeentenaam"].reindex(stats.index)
    stats["wijkcode"] = None
    stats["jaar"] = first["jaar"].reindex(stats.index)
    stats["water"] = child.groupby(parent_column)["water"].all().reindex(stats.index).astype(bool)
    if niveau == "gemeente":
        stats["naam"] = stats["gemeentenaam"]
    else:
        stats["naam"] = [f"Wijk {c[-2:]} ({g})" if isinstance(g, str) else f"Wijk {c}"
                         for c, g in zip(stats.index, stats["gemeentenaam"])]
    stats["cijfers"] = OPGETELD
    stats["opgeteld_uit"] = uit
    vormen, ouders = delen
    geometry = vormen.groupby(ouders.to_numpy()).agg(_dissolve)
    heeft_vorm = geometry.reindex(stats.index).map(lambda g: g is not None and not g.is_empty)
    stats["opgeteld"] = [tekst(o + [GEOMETRIE] * bool(v)) for o, v in zip(opgeteld, heeft_vorm)]
    stats["herberekend"] = [tekst(h) for h in herberekend]
    return gpd.GeoDataFrame(stats, geometry=geometry.reindex(stats.index).values, crs=RD_NEW)


def _provenance(stats: pd.DataFrame) -> tuple[list[list[str]], list[list[str]]]:
    """Per aggregated row, the columns with a summed value and those with a recomputed one."""
    kolommen = schema().kolommen
    present = statistic_columns(stats)
    summed = [k for k in present if kolommen[k].soort in ("aantal", "oppervlakte")]
    recomputed = [k for k in present if kolommen[k].soort in ("percentage", "gemiddelde", "dichtheid")]

    def bekend(namen: list[str]) -> list[list[str]]:  # row by row from one array: .at per cell took 1.5 s
        return [[k for k, b in zip(namen, rij) if b] for rij in stats[namen].notna().to_numpy()]

    return bekend(summed), bekend(recomputed)


def _dissolve(parts: gpd.GeoSeries):
    """The outline of the parts (:func:`omtrek`): a gemeente dissolved from its buurten has no seams either."""
    return omtrek(parts.dropna().values)


SPLEET_M = 1.0
"""A hole in a union narrower than this on average (twice its area over its perimeter) is a seam, not a place."""


def samen(vormen) -> shapely.Geometry:
    """The union of areas, by coverage union where they form a valid coverage.

    Areas that meet edge to edge on the same vertices (a topological source's buurten, the wijken dissolved
    from them) need no overlay: their union drops the shared edges, many times faster than the overlay that
    took a third of a national build. Other areas get the overlay on their own coordinates, so the shared
    borders of the outlines stay a coverage for the level above (an outline snapped to a grid no longer
    matches its neighbours' vertices, and every gemeente holding one would need the overlay again); only when
    that overlay fails on nearly coinciding edges, the overlay snapped to :data:`GRID`, which cannot.
    """
    vormen = np.asarray(vormen, dtype=object)
    vormen = vormen[~(shapely.is_missing(vormen) | shapely.is_empty(vormen))]
    vlak = np.isin(shapely.get_type_id(vormen), (3, 6))  # Polygon, MultiPolygon: what a coverage is made of
    if len(vormen) > 1 and vlak.all() and shapely.coverage_is_valid(vormen):
        return shapely.coverage_union_all(vormen)
    try:
        return shapely.union_all(vormen)
    except shapely.errors.GEOSException:
        return shapely.union_all(vormen, grid_size=GRID)


def omtrek(vormen) -> shapely.Geometry:
    """The outline of areas together: their union without the seams between them.

    Neighbouring areas whose shared border is drawn with different vertices
    (PDOK's generalised layers, a generated demo) leave zero-width slivers in a
    union. Each is an interior ring, which a map draws as a line straight across
    the region. Holes narrower than :data:`SPLEET_M` are closed; a real enclave
    (a gemeente outside the region, a lake) is wider and stays a hole.
    """
    unie = samen(vormen)
    if unie.is_empty:
        return unie
    delen = [unie] if unie.geom_type == "Polygon" else [g for g in getattr(unie, "geoms", []) if g.geom_type == "Polygon"]

    def echt(ring) -> bool:
        gat = shapely.Polygon(ring)
        return 2 * gat.area / max(gat.length, 1e-9) >= SPLEET_M

    heel = [shapely.Polygon(p.exterior, [r for r in p.interiors if echt(r)]) for p in delen]
    return heel[0] if len(heel) == 1 else shapely.MultiPolygon(heel)


def _fill_geometry(official: gpd.GeoDataFrame, derived: gpd.GeoDataFrame, uit: str) -> gpd.GeoDataFrame:
    """Rows without a geometry get the dissolved geometry of their areas, and say so in ``opgeteld``."""
    empty = _shapeless(official.geometry)
    fill = derived.geometry.reindex(official.index[empty])
    filled = ~_shapeless(fill)
    if filled.any():
        official = official.copy()
        codes = filled.index[filled]
        official.loc[codes, "geometry"] = fill[filled].values
        official.loc[codes, "opgeteld"] = [tekst(lijst(o) + [GEOMETRIE]) for o in official.loc[codes, "opgeteld"]]
        official.loc[codes, "opgeteld_uit"] = uit
    return official


def _shapeless(geometry: gpd.GeoSeries) -> pd.Series:
    """Per row, whether there is no outline (missing or empty)."""
    values = geometry.values
    return pd.Series(shapely.is_missing(values) | shapely.is_empty(values), index=geometry.index)


def _compare(official: pd.DataFrame, derived: pd.DataFrame, niveau: str) -> pd.DataFrame:
    kolommen = schema().kolommen
    parts = []
    for naam in statistic_columns(official):
        if kolommen[naam].soort != "aantal" or naam not in derived:
            continue
        both = pd.DataFrame({"officieel": official[naam], "som_onderliggend": derived[naam]}).dropna()
        if both.empty:
            continue
        both["verschil"] = both["officieel"] - both["som_onderliggend"]
        both["kolom"] = naam
        both["niveau"] = niveau
        parts.append(both.rename_axis("code").reset_index())
    columns = ["code", "niveau", "kolom", "officieel", "som_onderliggend", "verschil"]
    return pd.concat(parts, ignore_index=True)[columns] if parts else _empty_controle()


def _empty_controle() -> pd.DataFrame:
    return pd.DataFrame(columns=["code", "niveau", "kolom", "officieel", "som_onderliggend", "verschil"])


def _order_columns(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    identity = ["niveau", "naam", "gemeentecode", "gemeentenaam", "wijkcode", "jaar", "water", *HERKOMST]
    stats = statistic_columns(frame)
    rest = [c for c in frame.columns if c not in identity + stats + ["geometry"]]
    frame = frame[identity + stats + rest + ["geometry"]]
    frame.index.name = "code"
    return frame
