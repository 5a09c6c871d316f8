"""The built kaart: one GeoPackage per region that QGIS opens and the web app serves.

Layers ``gemeente``, ``wijk`` and ``buurt`` hold the canonical area frame per
level (geometry in EPSG:28992); ``metadata`` holds sources, table ids, year,
build time, attribution and licence as key/value rows; ``koppeling`` lists
every code that did not match between statistics and geometry; ``controle``
lists official figures next to the sum of the areas below them. Later issues
add layers (``voorzieningen``, ...) through ``extra``.

A kaart is written to a temporary file beside the target and renamed over it,
so an interrupted build never leaves a half-written kaart behind.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from kaart.codes import NIVEAUS
from kaart.errors import InputError

RD_NEW = "EPSG:28992"
FORMAT_VERSION = 1
ATTRIBUTIE = "Bron: CBS, Kadaster"
LICENTIE = "CC BY 4.0 (CBS en Kadaster, wijk- en buurtkaart en Kerncijfers wijken en buurten)"


@dataclass
class Kaart:
    """A region's maatschappelijke kaart in memory.

    ``gebieden`` maps a level (gemeente, wijk, buurt) to its area frame, indexed
    by CBS code. ``extra`` holds further layers by name.
    """

    gebieden: dict[str, gpd.GeoDataFrame]
    metadata: dict[str, Any]
    koppeling: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["code", "niveau", "probleem"]))
    controle: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            columns=["code", "niveau", "kolom", "officieel", "som_onderliggend", "verschil"]
        )
    )
    extra: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    tabellen: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def jaar(self) -> int:
        return int(self.metadata["jaar"])

    @property
    def bronvermelding(self) -> str:
        """The source line every shown figure carries, e.g. "Bron: CBS, KWB 2023"."""
        return self.metadata.get("bronvermelding") or f"{ATTRIBUTIE}, {self.jaar}"

    @property
    def voorzieningen_bronvermelding(self) -> str:
        """The source line of figures computed from the facility layer, naming its imports."""
        bronnen = [b["bron"] for b in self.metadata.get("voorzieningen", [])]
        return f"Bron: voorzieningenlaag ({', '.join(bronnen)})" if bronnen else "Bron: voorzieningenlaag"


def write_kaart(kaart: Kaart, path: str | os.PathLike) -> Path:
    """Write a kaart as one GeoPackage, atomically (temporary file, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp.gpkg", dir=path.parent)
    os.close(fd)
    os.unlink(tmp_name)  # GDAL wants to create the file itself
    tmp = Path(tmp_name)
    try:
        for niveau in NIVEAUS:
            frame = kaart.gebieden.get(niveau)
            if frame is None:
                continue
            _write_layer(frame.to_crs(RD_NEW).reset_index(), tmp, niveau)
        for name, layer in kaart.extra.items():
            _write_layer(layer.to_crs(RD_NEW).reset_index(drop=True), tmp, name)
        meta = dict(kaart.metadata, formaat_versie=FORMAT_VERSION)
        meta.setdefault("attributie", ATTRIBUTIE)
        meta.setdefault("licentie", LICENTIE)
        rows = pd.DataFrame(
            {"sleutel": list(meta), "waarde": [json.dumps(v, ensure_ascii=False, default=str) for v in meta.values()]}
        )
        pyogrio.write_dataframe(rows, tmp, layer="metadata")
        tables = {"koppeling": kaart.koppeling, "controle": kaart.controle, **kaart.tabellen}
        for name, table in tables.items():
            pyogrio.write_dataframe(_as_text_safe(table), tmp, layer=name)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def _write_layer(frame: gpd.GeoDataFrame, path: Path, layer: str) -> None:
    pyogrio.write_dataframe(frame, path, layer=layer, driver="GPKG", promote_to_multi=layer in NIVEAUS)


def _as_text_safe(frame: pd.DataFrame) -> pd.DataFrame:
    # An empty frame still needs typed columns for GDAL to create the table.
    if len(frame):
        return frame
    return pd.DataFrame({c: pd.Series(dtype="string") for c in frame.columns})


def read_kaart(path: str | os.PathLike) -> Kaart:
    """Read a kaart written by :func:`write_kaart`.

    Raises
    ------
    InputError
        When the file is missing or is not a kaart; the message names the fix.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"No kaart at {path}.", "Build one with 'kaart build' or 'kaart demo'.")
    try:
        listed = pyogrio.list_layers(path)
        layers = {name for name, _ in listed}
        spatial = {name for name, kind in listed if kind is not None}
    except Exception as err:  # GDAL raises several types for unreadable files
        raise InputError(f"{path} is not a readable GeoPackage ({err}).", "Rebuild it with 'kaart build'.") from err
    if "metadata" not in layers or not layers & set(NIVEAUS):
        raise InputError(f"{path} is a GeoPackage but not a kaart (no metadata or area layers).",
                         "Build a kaart with 'kaart build'.")
    rows = pyogrio.read_dataframe(path, layer="metadata")
    metadata = {k: json.loads(v) for k, v in zip(rows["sleutel"], rows["waarde"])}
    gebieden = {}
    for niveau in NIVEAUS:
        if niveau in layers:
            gebieden[niveau] = gpd.read_file(path, layer=niveau, engine="pyogrio").set_index("code")
    extra = {name: gpd.read_file(path, layer=name, engine="pyogrio") for name in sorted(spatial - set(NIVEAUS))}
    tables = {name: pyogrio.read_dataframe(path, layer=name) for name in sorted(layers - spatial - {"metadata"})}
    kaart = Kaart(gebieden=gebieden, metadata=metadata, extra=extra)
    for name in ("koppeling", "controle"):
        if name in tables:
            setattr(kaart, name, tables.pop(name))
    kaart.tabellen = tables
    return kaart
