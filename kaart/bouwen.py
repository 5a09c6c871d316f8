"""Build a region's kaart from loaded sources: select, join, assemble, describe.

The adapters in ``layers`` fetch and normalise; this module only combines
what they hand over, so the same steps run for CBS + PDOK, for local files and
for tests.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone

import geopandas as gpd
import pandas as pd
import shapely

from kaart.codes import BUITENLAND
from kaart.errors import InputError
from kaart.gebieden import assemble
from kaart.herkomst import met_indicatoren
from kaart.herkomstkolommen import GEOMETRIE, OPGETELD, lijst
from kaart.kaartbestand import ATTRIBUTIE, LICENTIE, Kaart
from kaart.kolommen import statistic_columns
from kaart.koppelen import DUBBEL_FOUT, GEEN_GEOMETRIE, GEEN_STATISTIEKEN, combine, join
from kaart.normaliseren import IDENTITY, NIET_GEPLAATST, in_regio

log = logging.getLogger(__name__)


@dataclass
class Bron:
    """One loaded source: canonical rows, and whether they carry statistics and/or geometry.

    ``alleen_geometrie`` marks a geometry source whose own attributes should not
    count as statistics (PDOK's features repeat KWB figures; CBS is the source of
    record for those, and a code CBS lacks must show up as unmatched).
    """

    rijen: pd.DataFrame
    info: dict
    alleen_geometrie: bool = False
    niet_geplaatst: pd.DataFrame | None = None
    """Rows of the source that could not be placed (no valid code), as koppeling lines."""

    @property
    def heeft_statistieken(self) -> bool:
        return not self.alleen_geometrie and bool(statistic_columns(self.rijen))

    @property
    def heeft_geometrie(self) -> bool:
        if not isinstance(self.rijen, gpd.GeoDataFrame):
            return False
        vormen = self.rijen.geometry.values
        return bool((~shapely.is_missing(vormen) & ~shapely.is_empty(vormen)).any())


NATIONAAL = 300
"""A source with at least this many gemeenten of the year covers the country: the
national reference is computed from it when CBS's own national row is not given."""


def build_kaart(bronnen: list[Bron], *, gemeenten: list[str], jaar: int, titel: str, bron: str,
                profiel: str | None = None, gebouwd_op: datetime | None = None,
                nederland: pd.Series | None = None, dubbel: str = DUBBEL_FOUT) -> Kaart:
    """Combine sources into the kaart of the gemeenten ``gemeenten`` for ``jaar``.

    Rows outside the region are left out (they are not the region's); rows of
    another year are left out and listed in the koppeling table, as are codes
    that have statistics but no geometry or the other way round, rows that
    could not be placed (an invalid code) and, under the ``eerste`` rule,
    conflicting duplicates. A code whose geometry was dissolved from its areas,
    or whose figures were summed from them, is placed and not listed. The
    drukpunt analysis (indicators, scores, clusters) is built in with ``profiel``.
    ``nederland`` holds CBS's national figures (canonical names); without it,
    a source that covers every gemeente provides them.

    Raises
    ------
    InputError
        When no source has statistics or geometry for the region and year, when
        the kaart would carry no statistic at all (naming the years the
        statistics are of), or when duplicates conflict under the ``fout`` rule.
    """
    from kaart.drukpunten import verrijk  # only a build needs the analysis, whose PySAL import takes seconds

    nederland_bron = "CBS (landelijke rij van de KWB-tabel)" if nederland is not None else None
    if nederland is None:
        nederland, nederland_bron = _national(bronnen, jaar)
    stats, stat_names, geos, other_year, stat_years = [], [], [], [], {}
    for b in bronnen:
        rows = b.rijen[b.rijen["gemeentecode"].isin(gemeenten)]
        wrong_year = rows["jaar"].notna() & (rows["jaar"] != jaar)
        if wrong_year.any():
            other_year.append(rows.loc[wrong_year, ["code", "niveau", "jaar"]].assign(
                probleem=f"ander jaar dan {jaar} ({b.info.get('bron')})"))
            log.warning("%s: %d rows are of another year than %d and are left out", b.info.get("bron"),
                        int(wrong_year.sum()), jaar)
            if b.heeft_statistieken:
                stat_years[b.info.get("bron")] = sorted(int(j) for j in rows.loc[wrong_year, "jaar"].unique())
        rows = rows.loc[~wrong_year]
        if b.heeft_statistieken:
            stats.append(pd.DataFrame(rows).drop(columns="geometry", errors="ignore"))
            stat_names.append(str(b.info.get("bron")))
        if b.heeft_geometrie:
            geos.append(rows)
    statistieken, dubbelen = combine(stats, stat_names, dubbel)
    if statistieken.empty and not any(len(g) for g in geos):
        raise InputError(
            f"De bronnen hebben geen rijen voor gemeente(n) {', '.join(gemeenten)} in {jaar}.",
            "Vergelijk de gemeentecodes en het jaar met de gegevens.", parameter="jaar",
        )
    if not any(len(g) for g in geos):
        raise InputError("Geen bron heeft geometrie voor de regio.",
                         "Voeg een bestand met wijk- of buurtgrenzen toe, of haal ze bij PDOK met de bron cbs.",
                         parameter="bron", waarde="cbs")
    vormen = [gpd.GeoDataFrame(g[[c for c in IDENTITY if c in g] + ["geometry"]], geometry="geometry",
                               crs=g.crs).to_crs("EPSG:28992") for g in geos if len(g)]
    geometrie = gpd.GeoDataFrame(combine(vormen)[0], geometry="geometry", crs="EPSG:28992")
    rows, koppeling = join(statistieken, geometrie)
    gebieden, controle = assemble(rows)
    _refuse_without_statistics(gebieden, jaar, stat_years)
    koppeling = pd.concat([_placed_removed(koppeling, gebieden), dubbelen, *other_year,
                           *(in_regio(b.niet_geplaatst, gemeenten) for b in bronnen if b.niet_geplaatst is not None)],
                          ignore_index=True)[NIET_GEPLAATST]
    for probleem, group in koppeling.groupby("probleem"):
        log.warning("%d codes: %s: %s", len(group), probleem, ", ".join(group["code"].dropna().astype(str).head(10)))
    namen = gebieden["gemeente"]["naam"].dropna().tolist() if "gemeente" in gebieden else gemeenten
    metadata = {
        "titel": titel,
        "regio": ", ".join(namen),
        "gemeenten": list(gemeenten),
        "jaar": jaar,
        "bron": bron,
        "bronnen": [b.info for b in bronnen],
        "bronvermelding": f"Bron: CBS, KWB {jaar}",
        "attributie": ATTRIBUTIE,
        "licentie": LICENTIE,
        "fictief": False,
        "gebouwd_op": (gebouwd_op or datetime.now(timezone.utc)).isoformat(timespec="seconds"),
        "aantallen": {niveau: len(frame) for niveau, frame in gebieden.items()},
        "dubbel": dubbel,
    }
    kaart = Kaart(gebieden=gebieden, metadata=metadata, koppeling=koppeling, controle=controle)
    if nederland is not None:
        kaart.tabellen["nederland"] = nederland.to_frame().T.rename_axis("code").reset_index()
        kaart.metadata["nederland_bron"] = nederland_bron
    verrijk(kaart, profiel)
    for frame in kaart.gebieden.values():
        frame["herberekend"] = met_indicatoren(frame)
    return kaart


def _refuse_without_statistics(gebieden: dict[str, gpd.GeoDataFrame], jaar: int, stat_years: dict[str, list[int]]) -> None:
    """A kaart without a single statistic is no kaart: refuse it, naming the years the statistics are of."""
    if any(frame[statistic_columns(frame)].notna().any().any() for frame in gebieden.values()):
        return
    if stat_years:
        jaren = sorted({j for js in stat_years.values() for j in js})
        raise InputError(
            f"Geen statistieken van {jaar} voor de regio: de statistieken in de bestanden zijn van "
            + "; ".join(f"{', '.join(map(str, js))} ({b})" for b, js in stat_years.items()) + ".",
            f"Bouw de kaart van het jaar van de statistieken, {jaren[-1]}, of voeg statistieken van {jaar} toe.",
            parameter="jaar", waarde=jaren[-1])
    raise InputError(f"Geen bron heeft statistieken voor de regio in {jaar}: de kaart zou geen enkel cijfer tonen.",
                     "Voeg een bestand met KWB-cijfers toe (een CSV, GeoPackage of GeoJSON met bijvoorbeeld "
                     "aantalInwoners).")


def _placed_removed(koppeling: pd.DataFrame, gebieden: dict[str, gpd.GeoDataFrame]) -> pd.DataFrame:
    """The join's unmatched codes without those the assembly placed after all: a code whose geometry
    was dissolved from its areas has geometry, one whose figures were summed from them has statistics."""
    dissolved, summed = set(), set()
    for frame in gebieden.values():
        dissolved |= {c for c, o in zip(frame.index, frame["opgeteld"]) if GEOMETRIE in lijst(o)}
        summed |= set(frame.index[frame["cijfers"] == OPGETELD])
    keep = ~(((koppeling["probleem"] == GEEN_GEOMETRIE) & koppeling["code"].isin(dissolved))
             | ((koppeling["probleem"] == GEEN_STATISTIEKEN) & koppeling["code"].isin(summed)))
    return koppeling[keep]


def _national(bronnen: list[Bron], jaar: int) -> tuple[pd.Series | None, str | None]:
    """National figures summed from a source that has (nearly) every gemeente of the year, and where from."""
    from kaart.gebieden import aggregate

    for b in bronnen:
        if not b.heeft_statistieken:
            continue
        rows = pd.DataFrame(b.rijen).drop(columns="geometry", errors="ignore")
        rows = rows[(rows["niveau"] == "gemeente") & (rows["jaar"] == jaar) & (rows["code"] != BUITENLAND)]
        if rows["code"].nunique() >= NATIONAAL:
            log.info("national reference computed from the %d gemeenten in %s", rows["code"].nunique(),
                     b.info.get("bron"))
            row = aggregate(rows.assign(land="NL00"), "land").iloc[0].astype(object)
            row["cijfers"] = OPGETELD  # its ratios are recomputed: CBS's own figures are not there
            return row.rename("NL00"), f"opgeteld uit {rows['code'].nunique()} gemeenten in {b.info.get('bron')}"
    return None, None
