"""Bodies compressed once: a cached response body kept with its gzip form and its ETag.

Flask-Compress compresses every response on its way out. For the API's cached GeoJSON of a whole level that
was most of the server's time per request (150 of 174 ms for the national buurten), spent again on every
request for the same bytes. A body that goes into a cache is compressed once, when it is made, and sent as
is to every client that accepts gzip; its Content-Encoding is then set, so Flask-Compress leaves it alone.
Bodies made for one request only (a view's box) are not worth this and keep going through Flask-Compress.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass

from flask import Response, current_app, request


@dataclass(frozen=True)
class Gecomprimeerd:
    """A body gzipped, with the strong ETag of its bytes. Only the gzip form is kept (a third of the size in
    memory); the rare client that refuses gzip gets it unpacked on each request."""

    gz: bytes
    etag: str

    @classmethod
    def van(cls, ruw: bytes) -> Gecomprimeerd:
        niveau = current_app.config.get("COMPRESS_LEVEL", 6)
        return cls(gzip.compress(ruw, compresslevel=niveau, mtime=0), hashlib.sha256(ruw).hexdigest()[:32])


def antwoord(body: Gecomprimeerd, mimetype: str) -> Response:
    """The response for ``body``: gzipped when the client accepts gzip, each encoding with its own ETag (as
    Flask-Compress marks them), answered 304 when the client's copy is current."""
    ingepakt = request.accept_encodings["gzip"] > 0
    response = current_app.response_class(body.gz if ingepakt else gzip.decompress(body.gz), mimetype=mimetype)
    response.vary.add("Accept-Encoding")
    if ingepakt:
        response.headers["Content-Encoding"] = "gzip"
    response.set_etag(f"{body.etag}:gzip" if ingepakt else body.etag)
    return response
