"""Write tables and areas the way users open them: Excel-friendly CSV, GeoJSON, GeoPackage; whole or not at all."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio


FORMULE_TEKENS = ("=", "+", "-", "@", "\t", "\r")
"""A text cell starting with one of these is a formula to Excel: names from uploaded files must stay text."""


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``;``-separated, decimal comma, UTF-8 with BOM: what Excel in Dutch opens as it should.

    Text that Excel would run as a formula (``=HYPERLINK(...)`` as a site's name) gets a leading
    apostrophe, the mark Excel itself uses for "this is text".
    """
    frame = frame.copy()
    for kolom in frame.columns:
        frame[kolom] = _als_tekst(frame[kolom])
    frame.index = pd.Index(_als_tekst(frame.index.to_series()), name=frame.index.name)  # the index too: a code
    return frame.to_csv(sep=";", decimal=",", index=True, lineterminator="\r\n").encode("utf-8-sig")


def jaarkolom(naam: str) -> str:
    """The column beside ``naam`` holding the year of each of its figures: ``<naam>_jaar`` (``<label> (jaar)``
    beside a column named by its Dutch label)."""
    return f"{naam}_jaar" if naam.isidentifier() else f"{naam} (jaar)"


def jaaruitleg(jaar: int) -> str:
    """What a download with year columns (:func:`met_jaren`) says about them in its metadata."""
    return (f"De cijfers zijn van {jaar}. Een kolom ‘…_jaar’ (of ‘… (jaar)’) naast een cijfer geeft per gebied "
            f"het jaar van dat cijfer; die staat er alleen bij cijfers die niet alle van {jaar} zijn: waar de "
            f"tabel van {jaar} een cijfer nog niet had, is dat van het nieuwste eerdere jaar genomen.")


def met_jaren(frame: pd.DataFrame, jaren: Mapping[str, pd.Series | None]) -> pd.DataFrame:
    """``frame`` with, right after each column of ``jaren`` that has years (not None), the year of each row's
    figure (:func:`jaarkolom`; missing where the row has no figure)."""
    frame = frame.copy()
    for kolom, jaar in jaren.items():
        if jaar is None or kolom not in frame:
            continue
        waarden = jaar.reindex(frame.index).astype("Int64").where(frame[kolom].notna())
        # Plain integers where every row has a figure: a GeoPackage stores a nullable column as real numbers
        waarden = waarden if waarden.isna().any() else waarden.astype("int64")
        frame.insert(frame.columns.get_loc(kolom) + 1, jaarkolom(kolom), waarden)
    return frame


def met_herkomst(frame: pd.DataFrame, bron: str, jaar: object, fictief: bool = False, jaarkolommen: bool = False,
                 **instellingen) -> pd.DataFrame:
    """``frame`` with where its figures come from in columns of their own (bron, jaar, each setting as
    ``instelling_<naam>``, and the fictitious-data label), so a downloaded CSV still says it once it is
    passed on, opened in Excel without the page beside it. ``jaarkolommen``: the frame has year columns
    (:func:`met_jaren`), explained in ``jaar_per_cijfer``."""
    extra = {"bron": bron, "jaar": jaar, **{f"instelling_{k}": v for k, v in instellingen.items()}}
    if jaarkolommen:
        extra["jaar_per_cijfer"] = jaaruitleg(int(jaar))
    if fictief:
        extra["fictief"] = "Fictieve voorbeeldregio — geen echte gegevens."
    return frame.assign(**extra)


def _als_tekst(waarden: pd.Series) -> pd.Series:
    """Values with a formula's first character marked as text; numbers and other types unchanged."""
    if not (waarden.dtype == object or pd.api.types.is_string_dtype(waarden)):
        return waarden
    formule = waarden.map(lambda v: isinstance(v, str) and v.startswith(FORMULE_TEKENS))
    return waarden.where(~formule, "'" + waarden.astype("string"))


def write_csv(frame: pd.DataFrame, path: str | os.PathLike) -> Path:
    """:func:`csv_bytes` written to ``path`` atomically."""
    return write_bytes(csv_bytes(frame), path)


def write_bytes(data: bytes, path: str | os.PathLike) -> Path:
    """``data`` written to ``path`` atomically (temporary file beside it, then rename): whole or not at all."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=f"{path.suffix}.tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def geojson_bytes(frame: gpd.GeoDataFrame, **kenmerken) -> bytes:
    """RFC 7946 GeoJSON in WGS84 longitude/latitude; ``kenmerken`` (source, year, a fictitious-data
    label) become members of the FeatureCollection, so they travel with the file."""
    collection = json.loads(frame.to_crs("EPSG:4326").reset_index().to_json(drop_id=True, na="null"))
    return json.dumps({"type": "FeatureCollection", **kenmerken, "features": collection["features"]},
                      ensure_ascii=False).encode("utf-8")


def geopackage_bytes(frame: gpd.GeoDataFrame, layer: str, **kenmerken) -> bytes:
    """One GeoPackage layer in RD New (EPSG:28992), the projection Dutch GIS users work in, and a
    table ``bron`` holding ``kenmerken`` (source, year, a fictitious-data label)."""
    with tempfile.TemporaryDirectory(prefix="kaart-export-") as folder:
        path = Path(folder) / f"{layer}.gpkg"
        frame.to_crs("EPSG:28992").reset_index().to_file(path, layer=layer, driver="GPKG", engine="pyogrio")
        bron = pd.DataFrame({"sleutel": list(kenmerken), "waarde": [str(v) for v in kenmerken.values()]})
        pyogrio.write_dataframe(bron, path, layer="bron")
        return path.read_bytes()
