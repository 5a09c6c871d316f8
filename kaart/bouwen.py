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

from kaart.codes import BUITENLAND
from kaart.drukpunten import verrijk
from kaart.errors import InputError
from kaart.gebieden import assemble
from kaart.kaartbestand import ATTRIBUTIE, LICENTIE, Kaart
from kaart.kolommen import statistic_columns
from kaart.koppelen import combine, join

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

    @property
    def heeft_statistieken(self) -> bool:
        return not self.alleen_geometrie and bool(statistic_columns(self.rijen))

    @property
    def heeft_geometrie(self) -> bool:
        return isinstance(self.rijen, gpd.GeoDataFrame) and self.rijen.geometry.notna().any()


NATIONAAL = 300
"""A source with at least this many gemeenten of the year covers the country: the
national reference is computed from it when CBS's own national row is not given."""


def build_kaart(bronnen: list[Bron], *, gemeenten: list[str], jaar: int, titel: str, bron: str,
                profiel: str | None = None, nederland: pd.Series | None = None,
                gebouwd_op: datetime | None = None) -> Kaart:
    """Combine sources into the kaart of the gemeenten ``gemeenten`` for ``jaar``.

    Rows outside the region are left out (they are not the region's); rows of
    another year are left out and listed in the koppeling table, as are codes
    that have statistics but no geometry or the other way round. The drukpunt
    analysis (indicators, scores, clusters) is built in with ``profiel``.
    ``nederland`` holds CBS's national figures (canonical names); without it,
    a source that covers every gemeente provides them.

    Raises
    ------
    InputError
        When no source has statistics or geometry for the region and year.
    """
    nederland_bron = "CBS (landelijke rij van de KWB-tabel)" if nederland is not None else None
    if nederland is None:
        nederland, nederland_bron = _national(bronnen, jaar)
    stats, geos, other_year = [], [], []
    for b in bronnen:
        rows = b.rijen[b.rijen["gemeentecode"].isin(gemeenten)]
        wrong_year = rows["jaar"].notna() & (rows["jaar"] != jaar)
        if wrong_year.any():
            other_year.append(rows.loc[wrong_year, ["code", "niveau", "jaar"]].assign(
                probleem=f"ander jaar dan {jaar} ({b.info.get('bron')})"))
            log.warning("%s: %d rows are of another year than %d and are left out", b.info.get("bron"),
                        int(wrong_year.sum()), jaar)
        rows = rows.loc[~wrong_year]
        if b.heeft_statistieken:
            stats.append(pd.DataFrame(rows).drop(columns="geometry", errors="ignore"))
        if b.heeft_geometrie:
            geos.append(rows)
    statistieken = combine(stats)
    if statistieken.empty and not any(len(g) for g in geos):
        raise InputError(
            f"No rows for gemeente(n) {', '.join(gemeenten)} in {jaar} in the given sources.",
            "Check the gemeente codes and the year (--jaar) against the data.",
        )
    if not any(len(g) for g in geos):
        raise InputError("No source has geometry for the region.",
                         "Add a file with wijk/buurt geometry, or use --bron cbs to fetch it from PDOK.")
    geometrie = gpd.GeoDataFrame(combine([g.to_crs("EPSG:28992") for g in geos if len(g)]),
                                 geometry="geometry", crs="EPSG:28992")
    rows, koppeling = join(statistieken, geometrie)
    if other_year:
        koppeling = pd.concat([koppeling, *other_year], ignore_index=True)
    gebieden, controle = assemble(rows)
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
    }
    kaart = Kaart(gebieden=gebieden, metadata=metadata, koppeling=koppeling, controle=controle)
    if nederland is not None:
        kaart.tabellen["nederland"] = nederland.to_frame().T.rename_axis("code").reset_index()
        kaart.metadata["nederland_bron"] = nederland_bron
    verrijk(kaart, profiel)
    return kaart


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
            row = aggregate(rows.assign(land="NL00"), "land").iloc[0]
            return row.rename("NL00"), f"opgeteld uit {rows['code'].nunique()} gemeenten in {b.info.get('bron')}"
    return None, None
