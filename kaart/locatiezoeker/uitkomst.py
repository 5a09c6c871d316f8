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


@dataclass
class Uitkomst:
    """The scored candidates under one set of weights and buffers."""

    woonvorm: Woonvorm
    metingen: Metingen
    score: np.ndarray
    """Per candidate: its score 0-1, NaN where excluded or outside the region."""
    uitgesloten: dict[str, np.ndarray]
    """Per exclusion id: which candidates it excludes."""
    waardering: dict[str, np.ndarray]
    """Per preference id: each remaining candidate's value 0-1."""
    lijst: gpd.GeoDataFrame
    """The ranked candidates (areas of cells, or sites) with their figures and reasons."""
    overzicht: pd.DataFrame
    """Per exclusion: hectares (or sites) it removes, and those only it removes."""
    over: np.ndarray | None = None
    """Per candidate: in the region and outside every exclusion (it may still lack a score)."""
    melding: str | None = None
    waarschuwingen: list[str] = field(default_factory=list)

    @property
    def overgebleven(self) -> float:
        """Hectares (or sites) left after the exclusions."""
        return int(self.over.sum()) * self.metingen.per_kandidaat

    @property
    def is_raster(self) -> bool:
        return self.metingen.raster is not None
