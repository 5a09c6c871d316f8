"""The map page at national scale: our page (areas fetched from the API) against the naive folium page.

A kaart of about 15,000 buurten (the national 2014 layer from ../shared/data,
with generated figures, see benchmarks/drukpunten.py) is served by the real app
(waitress, compression on). Headless chromium loads, on a closed network (only
127.0.0.1 answers, so no basemap tiles):

- the naive page: ``folium.Choropleth`` with the whole level's GeoJSON inlined,
  its Leaflet served locally as ours is;
- our page: ``/?niveau=buurt&indicator=drukpuntscore``, on its first visit (the
  server builds the page's map once; the geometry for the opening zoom is
  simplified in the background at start-up) and again (cached).

Figures: bytes transferred (compressed, as on the wire), and the time until the
map is drawn: for ours when the layer reports its areas added and a frame
painted (``window.kaartGetekend``), for the naive page when its last area path
exists, both from the start of navigation. Also the bytes of one gemeente's
buurten from the API. Prints ratios and a verdict against the targets (2 MB,
2 s, 300 KB); asserts nothing. Run: ``.venv/bin/python benchmarks/kaartpagina.py``.
"""

from __future__ import annotations

import gzip
import sys
import tempfile
import time
from pathlib import Path

import folium
from flask import Flask
import requests
from drukpunten import buurten, gemeenten

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from _server import running  # noqa: E402  (the tests' real-server helper)

from kaart.drukpunten import verrijk  # noqa: E402
from kaart.kaartbestand import Kaart, write_kaart  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.choropleth import render_parts  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
DOEL_BYTES, DOEL_SECONDEN, DOEL_GEMEENTE = 2 * 2**20, 2.0, 300 * 1024


def kaart_van_nederland() -> Kaart:
    frame = buurten()
    kaart = Kaart(gebieden={"gemeente": gemeenten(frame), "buurt": frame},
                  metadata={"titel": "Nederland (gegenereerd)", "jaar": 2014, "bron": "benchmark", "fictief": True})
    verrijk(kaart)
    return kaart


def naive_page(kaart: Kaart, vendor: str) -> str:
    """What the issue calls the naive approach: folium.Choropleth with every buurt inlined, its Leaflet from
    ``vendor`` (the app's own copy, as for our page)."""
    frame = kaart.gebieden["buurt"].to_crs("EPSG:4326").reset_index()[["code", "drukpuntscore", "geometry"]]
    m = folium.Map(location=[52.2, 5.3], zoom_start=8, tiles=None)
    folium.Choropleth(frame.to_json(), data=frame, columns=["code", "drukpuntscore"], key_on="feature.properties.code",
                      fill_color="YlOrRd", legend_name="Drukpuntscore").add_to(m)
    parts = render_parts(m, lambda path: f"{vendor}/vendor/{path}")
    return (f"<!doctype html><html><head>{parts.header}</head><body>{parts.html}"
            f"<script>{parts.script}</script></body></html>")


def load(page, url: str, ready: str) -> tuple[int, float, int]:
    """(bytes on the wire, seconds until ``ready`` holds, DOM nodes alive) for one navigation.

    The nodes are Chromium's own count (``Performance.getMetrics``), detached ones included: a tooltip built
    for every area at load counts though none is shown."""
    sizes = []
    page.on("requestfinished", lambda r: sizes.append(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]))
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    page.goto(url, wait_until="commit")
    page.wait_for_function(ready, timeout=120_000, polling=50)
    drawn = page.evaluate("() => window.kaartGetekend || performance.now()") / 1000
    page.wait_for_load_state("networkidle")
    nodes = next(m["value"] for m in cdp.send("Performance.getMetrics")["metrics"] if m["name"] == "Nodes")
    return sum(sizes), drawn, int(nodes)


def main() -> None:
    from playwright.sync_api import sync_playwright

    start = time.perf_counter()
    kaart = kaart_van_nederland()
    n = len(kaart.gebieden["buurt"])
    # The naive page draws a path only for the areas with a shape (the 2014 layer lacks some).
    getekend = int((kaart.gebieden["buurt"].geometry.notna() & ~kaart.gebieden["buurt"].geometry.is_empty).sum())
    print(f"{n} buurten; kaart built and analysed in {time.perf_counter() - start:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        pad = write_kaart(kaart, Path(tmp) / "nederland.gpkg")
        app = create_app({"KAART_PAD": pad, "WERKSESSIE_DB": f"sqlite:///{tmp}/w.sqlite"})
        # The naive page on a plain server of its own: the app's Content-Security-Policy would refuse its
        # inline scripts and styles, and then it draws nothing.
        naief = Flask("naief")
        with running(app) as url, running(naief) as naive_url, sync_playwright() as pw:
            naive = naive_page(kaart, url)
            naief.add_url_rule("/naief", "naief", lambda: naive)
            browser = pw.chromium.launch(executable_path=CHROMIUM,
                                         args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])

            def measure(address: str, ready: str) -> tuple[int, float, int]:
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                context.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort())
                result = load(context.new_page(), address, ready)
                context.close()
                return result

            naive_bytes, naive_s, naive_nodes = measure(
                naive_url + "/naief", f"() => document.querySelectorAll('.leaflet-overlay-pane path').length >= {getekend - 50}")
            ours_cold = measure(url + "/?niveau=buurt&indicator=drukpuntscore", "() => window.kaartGetekend !== undefined")
            ours_bytes, ours_s, ours_nodes = measure(url + "/?niveau=buurt&indicator=drukpuntscore",
                                         "() => window.kaartGetekend !== undefined")
            browser.close()
            # The largest real gemeente (the copies that top the layer up to 15,000 share made-up GM9... codes).
            counts = kaart.gebieden["buurt"]["gemeentecode"].value_counts()
            gemeente = counts[~counts.index.str.startswith("GM9")].index[0]
            raw = requests.get(f"{url}/api/v1/gebieden/buurt?gemeente={gemeente}&indicator=drukpuntscore&zoom=13",
                               headers={"Accept-Encoding": "gzip"}, timeout=60, stream=True).raw.read()
            buurten_in = len(kaart.gebieden["buurt"].query("gemeentecode == @gemeente"))

    mb = 2**20
    print(f"{'naive folium.Choropleth, all inlined (baseline)':52s} {naive_bytes / mb:8.2f} MB  {naive_s:6.2f} s")
    print(f"{'ours, first visit (server builds the page)':52s} {ours_cold[0] / mb:8.2f} MB  {ours_cold[1]:6.2f} s"
          f"   {ours_cold[0] / naive_bytes:6.3f}x bytes  {ours_cold[1] / naive_s:6.3f}x time")
    print(f"{'ours, next visits (page and areas cached)':52s} {ours_bytes / mb:8.2f} MB  {ours_s:6.2f} s"
          f"   {ours_bytes / naive_bytes:6.3f}x bytes  {ours_s / naive_s:6.3f}x time")
    print(f"{'DOM nodes after the draw: naive / ours (next visit)':52s} {naive_nodes:>8,d}  / {ours_nodes:,d}"
          f"   {ours_nodes / naive_nodes:6.3f}x")
    print(f"{f'one gemeente ({gemeente}, {buurten_in} buurten) from the API, gzip':52s} {len(raw) / 1024:8.1f} KB"
          f"  ({len(gzip.decompress(raw)) / 1024:.0f} KB unpacked)")
    verdict = all([ours_bytes < DOEL_BYTES, ours_s < DOEL_SECONDEN, len(raw) < DOEL_GEMEENTE])
    print(f"targets (first load < 2 MB, drawn < 2 s, one gemeente < 300 KB): {'MET' if verdict else 'MISSED'}")


if __name__ == "__main__":
    main()
