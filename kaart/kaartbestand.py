"""The built kaart: one GeoPackage per region that QGIS opens and the web app serves.

Layers ``gemeente``, ``wijk`` and ``buurt`` hold the canonical area frame per
level (geometry in EPSG:28992); ``metadata`` holds sources, table ids, year,
build time, attribution and licence as key/value rows; ``koppeling`` lists
every code that did not match between statistics and geometry; ``controle``
lists official figures next to the sum of the areas below them. Later issues
add layers (``voorzieningen``, ...) through ``extra``.

The metadata's ``formaat_versie`` says which layout the file has; :func:`read_kaart`
reads only :data:`FORMAT_VERSION` and names the fix for any other (rebuild it), so
the web app never shows a kaart it would misread.

A kaart is written to a temporary file beside the target and renamed over it,
so an interrupted build never leaves a half-written kaart behind. The
temporary file's name carries the writing process's id: a build that was
killed before it could clean up (SIGKILL, power loss) leaves a file that the
next write into the same folder recognises as stale and removes, while the
temporary file of a build still running beside it is left alone.

The file passes PDOK's GeoPackage validator: no empty feature layers, one
geometry type per layer (polygons always as MULTIPOLYGON), and polygon rings
oriented as the GeoPackage standard recommends (exterior counter-clockwise).
"""

from __future__ import annotations

import glob
import json
import logging
import os
import re
import signal
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from kaart.codes import NIVEAUS
from kaart.crs import RD_NEW
from kaart.errors import InputError
from kaart.indicatoren import Catalogus, uit_kaart

FORMAT_VERSION = 2
"""The layout of the file; :func:`read_kaart` refuses any other. 2: the ``indicatoren`` table carries each
indicator's whole definition and the metadata its themes (``themas``), so the web app shows a kaart with the
definitions it was built with."""
ATTRIBUTIE = "Bron: CBS, Kadaster"
LICENTIE = "CC BY 4.0 (CBS en Kadaster, wijk- en buurtkaart en Kerncijfers wijken en buurten)"
OUD_TIJDELIJK = 3600
"""Seconds after which a temporary file whose name carries no process id (older versions) counts as stale."""

log = logging.getLogger(__name__)


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
    def niveaus(self) -> list[str]:
        """The levels the kaart has, from coarse to fine."""
        return [n for n in NIVEAUS if n in self.gebieden]

    def niveau(self, niveau: str) -> gpd.GeoDataFrame:
        """The area frame of a level; an InputError naming the levels there are when the kaart lacks it."""
        if niveau not in self.gebieden:
            raise InputError(f"Het niveau ‘{niveau}’ bestaat niet in deze kaart.",
                             f"Kies uit: {', '.join(self.niveaus)}.", parameter="niveau")
        return self.gebieden[niveau]

    @property
    def regio(self) -> gpd.GeoDataFrame | None:
        """The region as one area (one row: the layer the drukpunt analysis wrote), or None when it has none."""
        laag = self.extra.get("regio")
        return laag if laag is not None and len(laag) else None

    @property
    def bronvermelding(self) -> str:
        """The source line every shown figure carries, e.g. "Bron: CBS, KWB 2023"."""
        return self.metadata.get("bronvermelding") or f"{ATTRIBUTIE}, {self.jaar}"

    @property
    def voorzieningen_bronvermelding(self) -> str:
        """The source line of figures computed from the facility layer, naming its imports."""
        bronnen = [b["bron"] for b in self.metadata.get("voorzieningen", [])]
        return f"Bron: voorzieningenlaag ({', '.join(bronnen)})" if bronnen else "Bron: voorzieningenlaag"

    @cached_property
    def catalogus(self) -> Catalogus:
        """The indicator definitions this kaart was built with (its ``indicatoren`` table), read once."""
        return uit_kaart(self.tabellen.get("indicatoren"), self.metadata.get("themas", {}))


def write_kaart(kaart: Kaart, path: str | os.PathLike) -> Path:
    """Write a kaart as one GeoPackage, atomically (temporary file, then rename).

    Stale temporary files of earlier builds of the same kaart that died are
    removed first. A SIGTERM during the write (a stopped service, ``kill``)
    ends the write through the normal clean-up, so nothing is left behind.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}-{os.getpid()}-", suffix=".tmp.gpkg", dir=path.parent)
    os.close(fd)
    os.unlink(tmp_name)  # GDAL wants to create the file itself
    tmp = Path(tmp_name)
    try:
        with _sigterm_as_exit():
            _write_layers(kaart, tmp)
            os.replace(tmp, path)
    finally:
        for leftover in _with_sidecars(tmp):
            leftover.unlink(missing_ok=True)
    return path


def _write_layers(kaart: Kaart, tmp: Path) -> None:
    for niveau in NIVEAUS:
        frame = kaart.gebieden.get(niveau)
        if frame is not None:
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


def _write_layer(frame: gpd.GeoDataFrame, path: Path, layer: str) -> None:
    """One feature layer, typed and oriented; an empty one is left out (an optional layer is then absent)."""
    if frame.empty:
        log.debug("layer %s has no features and is not written", layer)
        return
    geometry = frame.geometry.values
    present = geometry[~shapely.is_missing(geometry)]
    polygonal = len(present) and bool(
        np.isin(shapely.get_type_id(present), [shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON]).all())
    if polygonal:
        frame = frame.set_geometry(shapely.orient_polygons(geometry, exterior_cw=False))
    # Polygon layers are always MULTIPOLYGON, so a layer's type does not depend on its data (regio, gebieden).
    pyogrio.write_dataframe(frame, path, layer=layer, driver="GPKG", promote_to_multi=True if polygonal else None)


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove the temporary files of earlier writes of ``path`` whose process is gone; return what was removed.

    A temporary file is stale when the process id in its name no longer runs,
    or, for a name without a process id (written by an older version), when it
    is older than ``OUD_TIJDELIJK`` seconds. A live build's file is never touched.
    """
    name = re.compile(rf"\.{re.escape(path.stem)}-(?:(?P<pid>\d+)-)?[a-z0-9_]+\.tmp\.gpkg(?:-journal|-wal|-shm)?")
    removed = []
    for candidate in path.parent.glob(f".{glob.escape(path.stem)}-*.tmp.gpkg*"):
        match = name.fullmatch(candidate.name)
        if match is None:
            continue
        if match["pid"] is not None:
            stale = not _running(int(match["pid"]))
        else:
            stale = time.time() - candidate.stat().st_mtime > OUD_TIJDELIJK
        if stale:
            candidate.unlink(missing_ok=True)
            removed.append(candidate)
    if removed:
        log.info("removed %d temporary files of earlier, interrupted builds: %s", len(removed),
                 ", ".join(p.name for p in removed))
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def _with_sidecars(tmp: Path) -> list[Path]:
    return [tmp, *(tmp.with_name(tmp.name + suffix) for suffix in ("-journal", "-wal", "-shm"))]


@contextmanager
def _sigterm_as_exit():
    """While active (main thread only), SIGTERM raises SystemExit, so ``finally`` removes the temporary file.

    Python's default SIGTERM ends the process without unwinding: a build
    stopped by a service manager or ``kill`` would leave its temporary file.
    A handler someone else installed is left as it is.
    """
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return

    def exit_(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, exit_)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _as_text_safe(frame: pd.DataFrame) -> pd.DataFrame:
    # An empty frame still needs typed columns for GDAL to create the table.
    if len(frame):
        return frame
    return pd.DataFrame({c: pd.Series(dtype="string") for c in frame.columns})


class FormatVersionError(InputError):
    """A kaart written in another format version than this program reads; ``versie`` is the file's."""

    def __init__(self, problem: str, fix: str, versie: object):
        super().__init__(problem, fix, parameter="kaart")
        self.versie = versie


def read_kaart(path: str | os.PathLike) -> Kaart:
    """Read a kaart written by :func:`write_kaart`.

    Raises
    ------
    InputError
        When the file is missing or is not a kaart; the message names the fix.
    FormatVersionError
        When the kaart was written in another format version (an older one: rebuild it).
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"Er is geen kaart op {path}.", "Bouw er een.", parameter="kaart")
    try:
        listed = pyogrio.list_layers(path)
        layers = {name for name, _ in listed}
        spatial = {name for name, kind in listed if kind is not None}
    except Exception as err:  # GDAL raises several types for unreadable files
        raise InputError(f"{path} is geen leesbaar GeoPackage ({err}).", "Bouw de kaart opnieuw.",
                         parameter="kaart") from err
    if "metadata" not in layers or not layers & set(NIVEAUS):
        raise InputError(f"{path} is een GeoPackage maar geen kaart (zonder metadata of gebiedslagen).",
                         "Bouw een kaart.", parameter="kaart")
    rows = pyogrio.read_dataframe(path, layer="metadata")
    metadata = {k: json.loads(v) for k, v in zip(rows["sleutel"], rows["waarde"])}
    versie = metadata.get("formaat_versie")
    if versie != FORMAT_VERSION:
        nieuwer = isinstance(versie, int) and versie > FORMAT_VERSION
        raise FormatVersionError(
            f"{path} is een kaart in een {'nieuwere' if nieuwer else 'oudere'} indeling (versie {versie}; "
            f"dit programma leest versie {FORMAT_VERSION}).",
            "Werk het programma bij, of bouw de kaart opnieuw." if nieuwer else "Bouw de kaart opnieuw.",
            versie=versie)
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
