"""Build a region's kaart from loaded sources: select, join, assemble, describe.

The adapters in ``layers`` fetch and normalise; this module only combines
what they hand over, so the same steps run for CBS + PDOK, for local files and
for tests.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

import geopandas as gpd
import pandas as pd
import shapely

from kaart import jaargangen
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


@dataclass(frozen=True)
class Jaargang:
    """One older year of a range of years: its loaded sources, CBS's national row when the source has one,
    and how that year's gemeenten became today's: merged (old code -> today's) and split (old code ->
    today's codes), from ``layers.regio_indelingen``."""

    bronnen: list[Bron]
    nederland: pd.Series | None = None
    fusies: Mapping[str, str] = field(default_factory=dict)
    splitsingen: Mapping[str, Sequence[str]] = field(default_factory=dict)


NATIONAAL = 300
"""A source with at least this many gemeenten of the year covers the country: the
national reference is computed from it when CBS's own national row is not given."""


def build_kaart(bronnen: list[Bron], *, gemeenten: list[str], jaar: int, titel: str, bron: str,
                profiel: str | None = None, gebouwd_op: datetime | None = None,
                nederland: pd.Series | None = None, dubbel: str = DUBBEL_FOUT,
                eerdere: Mapping[int, Jaargang] = {}, koppeltabel: Mapping[str, str] = {}) -> Kaart:
    """Combine sources into the kaart of the gemeenten ``gemeenten`` for ``jaar``.

    Rows outside the region are left out (they are not the region's); rows of
    another year are left out and listed in the koppeling table, as are codes
    that have statistics but no geometry or the other way round, rows that
    could not be placed (an invalid code) and, under the ``eerste`` rule,
    conflicting duplicates. A code whose geometry was dissolved from its areas,
    or whose figures were summed from them, is placed and not listed. The
    drukpunt analysis (indicators, scores, clusters) is built in with ``profiel``.
    ``nederland`` holds CBS's national figures (canonical names); without it,
    a source that covers every gemeente provides them. ``eerdere`` holds the sources of older years: each is
    assembled as this year is, brought onto this year's areas (``kaart.jaargangen``, with ``koppeltabel``
    mapping old codes to today's where a code changed) and kept in the kaart's series; a figure this year's
    table lacks is taken from the newest year that has it.

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
    gebieden, controle, koppeling = _samenstellen(bronnen, gemeenten, jaar, dubbel)
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
    for ouder, jaargang in sorted(eerdere.items()):
        _voeg_jaargang_toe(kaart, ouder, jaargang, koppeltabel, dubbel)
    if eerdere:
        jaargangen.vul_aan(kaart)
    verrijk(kaart, profiel)
    for frame in kaart.gebieden.values():
        frame["herberekend"] = met_indicatoren(frame)
    return kaart


def _samenstellen(bronnen: list[Bron], gemeenten: list[str], jaar: int, dubbel: str, geometrie_nodig: bool = True):
    """The region's rows of ``jaar`` from every source, joined and assembled into levels: (gebieden, controle,
    koppeling). An older year of a range may lack geometry (``geometrie_nodig`` False): its areas are then
    matched to today's by code only."""
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
    if geometrie_nodig and not any(len(g) for g in geos):
        raise InputError("Geen bron heeft geometrie voor de regio.",
                         "Voeg een bestand met wijk- of buurtgrenzen toe, of haal ze bij PDOK met de bron cbs.",
                         parameter="bron", waarde="cbs")
    vormen = [gpd.GeoDataFrame(g[[c for c in IDENTITY if c in g] + ["geometry"]], geometry="geometry",
                               crs=g.crs).to_crs("EPSG:28992") for g in geos if len(g)]
    geometrie = (gpd.GeoDataFrame(combine(vormen)[0], geometry="geometry", crs="EPSG:28992") if vormen else
                 gpd.GeoDataFrame({k: pd.Series(dtype=object) for k in IDENTITY}, geometry=[], crs="EPSG:28992"))
    rows, koppeling = join(statistieken, geometrie)
    gebieden, controle = assemble(rows)
    _refuse_without_statistics(gebieden, jaar, stat_years)
    koppeling = pd.concat([_placed_removed(koppeling, gebieden), dubbelen, *other_year,
                           *(in_regio(b.niet_geplaatst, gemeenten) for b in bronnen if b.niet_geplaatst is not None)],
                          ignore_index=True)[NIET_GEPLAATST]
    for probleem, group in koppeling.groupby("probleem"):  # an older year without outlines is expected
        log.log(logging.WARNING if geometrie_nodig else logging.INFO, "%d codes of %d: %s: %s", len(group), jaar,
                probleem, ", ".join(group["code"].dropna().astype(str).head(10)))
    return gebieden, controle, koppeling


def _voeg_jaargang_toe(kaart: Kaart, jaar: int, jaargang: Jaargang, koppeltabel: Mapping[str, str], dubbel: str) -> None:
    """Assemble an older year over the gemeenten that make up today's region then (merged and split ones
    included) and keep its figures on today's areas."""
    vandaag = set(kaart.metadata["gemeenten"])
    codes = {c for b in jaargang.bronnen for c in b.rijen["gemeentecode"].dropna().unique()}
    toen = sorted(c for c in codes if jaargang.fusies.get(c, c) in vandaag
                  or vandaag & set(jaargang.splitsingen.get(c, ())))
    if not toen:
        raise InputError(f"De bronnen van {jaar} hebben geen gemeente van de regio.",
                         f"Geef bestanden van {jaar} met de gemeenten {', '.join(sorted(vandaag))} (of hun "
                         "voorgangers).", parameter="jaar")
    gebieden, _, _ = _samenstellen(jaargang.bronnen, toen, jaar, dubbel, geometrie_nodig=False)
    kaart.metadata["bronnen"].extend(b.info for b in jaargang.bronnen)  # each year's table or file is named
    nederland = jaargang.nederland if jaargang.nederland is not None else _national(jaargang.bronnen, jaar)[0]
    jaargangen.voeg_jaar_toe(kaart, jaar, gebieden, nederland, fusies=jaargang.fusies,
                             splitsingen=jaargang.splitsingen, koppeltabel=koppeltabel)


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
