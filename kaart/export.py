"""Write tables the way Dutch users open them: Excel-friendly CSV, written whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd


def write_csv(frame: pd.DataFrame, path: str | os.PathLike) -> Path:
    """``;``-separated, decimal comma, UTF-8 with BOM (so Excel in Dutch reads it), atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".csv.tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as handle:
            frame.to_csv(handle, sep=";", decimal=",", index=True)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path
