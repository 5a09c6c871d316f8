"""Write tables the way Dutch users open them: Excel-friendly CSV, written whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``;``-separated, decimal comma, UTF-8 with BOM: what Excel in Dutch opens as it should."""
    return frame.to_csv(sep=";", decimal=",", index=True, lineterminator="\r\n").encode("utf-8-sig")


def write_csv(frame: pd.DataFrame, path: str | os.PathLike) -> Path:
    """:func:`csv_bytes` written to ``path`` atomically (temporary file, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".csv.tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(csv_bytes(frame))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path
