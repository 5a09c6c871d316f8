"""What a werksessie's map shows so a room finds its way: the region's outline and the boundaries and
names of its gemeenten, wijken and buurten.

A participant looks for their own street before they draw, and learns where
the region ends before drawing outside it, not from an error afterwards (the
page checks every point against this outline while drawing). One JSON
document, made once per app on first use and then served from memory; shared
borders are simplified as a coverage so neighbours never gap.
"""

from __future__ import annotations

import json

import geopandas as gpd

from kaart.kaartbestand import Kaart
from webapp import webgeometrie

NAMEN = {"gemeente": "Gemeenten", "wijk": "Wijken", "buurt": "Buurten"}


def kaartlagen(kaart: Kaart, regio) -> bytes:
    """``{"regio": FeatureCollection, "niveaus": [{"niveau", "label", "gebieden": FeatureCollection}]}``;
    each area with ``code``, ``naam`` and (below gemeente) ``gemeentenaam``."""
    omtrek = webgeometrie.web(gpd.GeoSeries([regio], crs=kaart.gebieden[kaart.niveaus[0]].crs), webgeometrie.OMTREK)
    niveaus = []
    for niveau in kaart.niveaus:
        frame = kaart.gebieden[niveau]
        kolommen = [k for k in ("naam", "gemeentenaam") if k in frame and not (niveau == "gemeente" and k != "naam")]
        vorm = gpd.GeoDataFrame(frame[kolommen].astype(str),
                                geometry=webgeometrie.web(frame.geometry, webgeometrie.DRUKPUNTEN, dekking=True)
                                .reindex(frame.index)).reset_index()
        niveaus.append({"niveau": niveau, "label": NAMEN.get(niveau, niveau), "gebieden": vorm.__geo_interface__})
    return json.dumps({"regio": gpd.GeoDataFrame(geometry=omtrek).__geo_interface__, "niveaus": niveaus},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")
