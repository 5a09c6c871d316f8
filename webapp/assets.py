"""Every JavaScript and CSS file a page uses, served by the app itself.

folium and branca point their pages at CDNs (jsDelivr, cdnjs, code.jquery.com,
...). Municipal networks often block those, and then a folium page draws no map
at all (``L is not defined``). So the front-end packages come from the npm
registry at set-up (``webapp/package.json``, installed by ``make assets``, which
runs ``npm ci --prefix webapp``) and the app serves them under ``/vendor/``.

:data:`VENDOR` is the one table from each CDN URL folium, branca and the folium
plugins we use load to the file under ``webapp/node_modules`` that replaces it.
URLs of assets our pages do not need map to ``None`` and are dropped rather than
vendored. :func:`localize` rewrites a rendered figure's links through that table
and fails loudly on any URL it does not know, so a folium upgrade that adds a CDN
asset breaks the tests instead of silently loading from the internet.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from branca.element import CssLink, Element, Figure, JavascriptLink
from flask import Blueprint, abort, current_app, send_from_directory

from webapp import ondergrond

NODE_MODULES = Path(__file__).with_name("node_modules")
INSTALL_COMMAND = "make assets (npm ci --prefix webapp)"


@dataclass(frozen=True)
class Asset:
    """One file of an npm package, as installed under ``node_modules``."""

    package: str
    path: str

    @property
    def filename(self) -> str:
        """The path below ``node_modules`` (and below ``/vendor/``)."""
        return f"{self.package}/{self.path}"


VENDOR: dict[str, Asset | None] = {
    # folium.Map
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": Asset("leaflet", "dist/leaflet.js"),
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css": Asset("leaflet", "dist/leaflet.css"),
    # folium.Popup wraps its content in $(`...`).
    "https://code.jquery.com/jquery-3.7.1.min.js": Asset("jquery", "dist/jquery.min.js"),
    # Bootstrap and the icon fonts serve folium.Icon (awesome markers), which our pages do not use.
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": None,
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css": None,
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": None,
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css": None,
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js": None,
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css": None,
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css": None,
    # folium.plugins.MarkerCluster
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/leaflet.markercluster.js":
        Asset("leaflet.markercluster", "dist/leaflet.markercluster.js"),
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.css":
        Asset("leaflet.markercluster", "dist/MarkerCluster.css"),
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.Default.css":
        Asset("leaflet.markercluster", "dist/MarkerCluster.Default.css"),
    # branca.colormap legends draw with d3 version 3.
    "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js": Asset("d3", "d3.min.js"),
}

EIGEN: tuple[Asset, ...] = (
    Asset("leaflet-draw", "dist/leaflet.draw.js"),  # the werksessie page's drawing tools (not through folium)
    Asset("leaflet-draw", "dist/leaflet.draw.css"),
)
"""Files our own templates load from ``/vendor/`` besides the ones folium's figures need."""

PACKAGES = frozenset(asset.package for asset in (*VENDOR.values(), *EIGEN) if asset)


class UnknownAssetError(RuntimeError):
    """A page would load a file from the internet that :data:`VENDOR` does not map."""


def missing_assets(node_modules: str | os.PathLike = NODE_MODULES) -> list[str]:
    """The files of :data:`VENDOR` that are not installed, as paths below ``node_modules``."""
    return sorted({a.filename for a in (*VENDOR.values(), *EIGEN) if a and not Path(node_modules, a.filename).is_file()})


def localize(figure: Figure, asset_url: Callable[[str], str]) -> None:
    """Point every asset link of a rendered figure at the app's own copy.

    Call it after ``figure.render()`` and before rendering the header: only then
    is every link in place. folium's elements add their ``default_js`` and
    ``default_css`` to the figure header during render, and branca's colormaps
    add d3 straight to the header, past any ``default_js``, so the links in the
    rendered tree are the one place every asset passes through.

    Parameters
    ----------
    figure
        The map's root, already rendered.
    asset_url
        Turns a path below ``node_modules`` into the URL the app serves it at.

    Raises
    ------
    UnknownAssetError
        When a link points at an http(s) URL that :data:`VENDOR` does not list;
        the message names every such URL.
    """
    unknown = []
    for parent, name, link in list(_links(figure)):
        if not link.url.startswith(("http://", "https://")):
            continue
        if link.url not in VENDOR:
            unknown.append(link.url)
        elif (asset := VENDOR[link.url]) is None:
            del parent._children[name]
        else:
            link.url = asset_url(asset.filename)
    if unknown:
        raise UnknownAssetError(
            "The map would load these files from the internet: " + ", ".join(sorted(set(unknown)))
            + ". Map each to a file of an npm package in webapp/assets.py (VENDOR), or to None if the"
            " pages do not need it, and add the package to webapp/package.json."
        )


def _links(element: Element, seen: set[int] | None = None) -> Iterator[tuple[Element, str, JavascriptLink | CssLink]]:
    """Every JavaScript and CSS link below ``element``, with its parent and name there."""
    seen = set() if seen is None else seen
    if id(element) in seen:
        return
    seen.add(id(element))
    for name, child in element._children.items():
        if isinstance(child, (JavascriptLink, CssLink)):
            yield element, name, child
        else:
            yield from _links(child, seen)
    # Figures, Divs and Popups keep header/html/script parts outside their children.
    for part in ("header", "html", "script"):
        if isinstance(child := getattr(element, part, None), Element):
            yield from _links(child, seen)


bp = Blueprint("assets", __name__)
bp.add_app_template_global(ondergrond.als_data, "ondergrond")  # for templates/_kaarten.html


@bp.get("/vendor/<path:filename>")
def vendor(filename: str):
    """Serve a file of one of the npm packages in :data:`VENDOR`, and nothing else below node_modules."""
    parts = filename.split("/")
    package = "/".join(parts[:2]) if filename.startswith("@") else parts[0]
    if package not in PACKAGES:
        abort(404)
    return send_from_directory(current_app.config["NODE_MODULES"], filename)
