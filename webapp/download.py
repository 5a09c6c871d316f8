"""A file download: every CSV, GeoJSON and GeoPackage the app hands out goes through :func:`download`."""

from __future__ import annotations

from flask import Response, current_app


def download(data: bytes, mimetype: str, naam: str) -> Response:
    """``data`` as an attachment called ``naam``."""
    response = current_app.response_class(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{naam}"'
    return response
