"""The scored candidates under one set of weights and buffers: what scoring makes and explaining reads.

Apart from both, so that :mod:`.scoren` can put the reasons of :mod:`.verklaren`
in its ranked list while the reasons read the scores, without a circle.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from kaart.locatiezoeker.meten import Metingen
from kaart.woonvormen import Woonvorm


@dataclass(frozen=True)
class Regel:
    """One row of a candidate's table: a criterion, the candidate's value on it, its score and its weight."""

    criterium: str
    rol: str
    """``uitsluiting`` or ``voorkeur``."""
    waarde: str
    score: str
    """``voldoet``/``valt af`` for an exclusion, 0-1 for a preference, ``telt niet mee`` without data."""
    gewicht: str
    """The weight of a preference, the limit of an exclusion (``niet binnen 300 m``)."""
    valt_af: bool = False


@dataclass
class Uitkomst:
    """The scored candidates under one set of weights and buffers, in the region or one gemeente of it.

    Scores are always those of the whole region, so a gemeente's candidates are
    the region's candidates in that gemeente: choosing a gemeente selects, it
    does not rescore.
    """

    woonvorm: Woonvorm
    metingen: Metingen
    score: np.ndarray
    """Per candidate: its score 0-1, NaN where excluded or outside the region."""
    uitgesloten: dict[str, np.ndarray]
    """Per exclusion id: which candidates it excludes."""
    waardering: dict[str, np.ndarray]
    """Per preference id: each remaining candidate's value 0-1."""
    lijst: gpd.GeoDataFrame
    """The ranked candidates (plots of cells sized to the woonvorm, or sites) with their figures and reasons."""
    overzicht: pd.DataFrame
    """Per exclusion: hectares (or sites) it removes where searched, and those only it removes."""
    over: np.ndarray | None = None
    """Per candidate: in the region and outside every exclusion (it may still lack a score)."""
    binnen: np.ndarray | None = None
    """Per candidate: in the gemeente searched (all, for the whole region)."""
    gemeente: str | None = None
    gemeentenaam: str | None = None
    gevraagd: int = 10
    tabellen: list[list[Regel]] = field(default_factory=list)
    """Per row of ``lijst``: the candidate's table, criterion by criterion."""
    gebieden: gpd.GeoSeries | None = None
    """Per row of ``lijst`` (grid only): the candidate area the plot was chosen in, as context."""
    melding: str | None = None
    """Why no candidate qualifies."""
    tekort: str | None = None
    """Why fewer candidates qualify than were asked."""
    waarschuwingen: list[str] = field(default_factory=list)

    @property
    def gezocht(self) -> float:
        """Hectares (or sites) on land where searched: the region, or the gemeente."""
        return int((self.metingen.kandidaten["in_regio"].to_numpy(dtype=bool) & self.binnen).sum()) \
            * self.metingen.per_kandidaat

    @property
    def overgebleven(self) -> float:
        """Hectares (or sites) left after the exclusions, where searched."""
        return int((self.over & self.binnen).sum()) * self.metingen.per_kandidaat

    @property
    def is_raster(self) -> bool:
        return self.metingen.raster is not None
