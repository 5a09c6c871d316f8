"""The map page at national scale, measured as a visitor meets it: our page against the naive folium page.

The kaart: about 15,000 buurten, by default the generated detailed national
layer (``_detail.py``: a valid coverage, median 136 vertices per buurt, cached
outside the repository), with ``--grof`` the coarse 2014 layer as it is;
generated figures (``drukpunten.py``). Our app runs in a server process of its
own (``_nationaal.py``), started fresh where a measure needs a cold server.
Headless chromium, its network closed to everything but 127.0.0.1 by its
host resolver (no basemap tiles), with its HTTP cache on (no request routing,
which would turn the cache off).

Per repetition, in this order, so baseline and ours alternate:

- the naive page: ``folium.Choropleth`` with the whole level's GeoJSON inlined,
  from a plain server (the app's Content-Security-Policy refuses its inline
  scripts) with the same vendored Leaflet; drawn when its last area path
  exists; then the zoom into one gemeente (a redraw, nothing fetched);
- ours on a cold server: a new process, the page opened as soon as the server
  answers; then the first zoom into the gemeente (nothing cached for that
  zoom), then a pan-and-zoom session (zooms 9 to 16 around the gemeente, pans
  at 12), after which the server's resident memory is read;
- ours on the same server, now warm: a browser's first visit (empty cache),
  its zoom into the gemeente (cached on the server now), then a revisit in
  the same browser (its HTTP cache as the server's headers allow). One server
  per round: two at once do not fit beside the other work of a shared machine
  (``_nationaal.MAX_MIB`` stops a server that grows past it);
- the yardstick: a bare Leaflet page drawing on a canvas a GeoJSON of the same
  view with only code and class (our API's geometry for the opening zoom,
  gzipped), the least a GeoJSON map can send and draw. A yardstick, not a
  baseline: it has no legend, tooltips, popups or table.

Drawn: for ours when the layer reports its areas added and a frame painted
(``window.kaartGetekend``), from the start of navigation (cold: from the
process start) or from the zoom command. Bytes: what Chromium received over
the network (``encodedDataLength``: compressed, headers included, nothing for
what came from its cache). DOM nodes: Chromium's own count
(``Performance.getMetrics``, detached nodes included). Medians over the
repetitions, with the range; ratios against the naive page; a verdict against
the targets of issue 19. Asserts nothing. Run:
``.venv/bin/python benchmarks/kaartpagina.py [--grof] [--herhalingen 3]``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import statistics
import sys
import tempfile
from pathlib import Path

import folium
import numpy as np
import requests
from flask import Flask, Response

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from _server import running  # noqa: E402  (the tests' real-server helper, for the plain pages)

from _nationaal import kaart_van_nederland, server  # noqa: E402
from kaart.kaartbestand import Kaart  # noqa: E402
from webapp import assets  # noqa: E402
from webapp.choropleth import render_parts  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        # Only 127.0.0.1 resolves: no basemap tiles, nothing from the internet, and the HTTP cache stays on.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
PAGINA = "/?niveau=buurt&indicator=drukpuntscore"
GETEKEND = "() => window.kaartGetekend !== undefined"
# The Leaflet map object of a folium page (ours is one too): its global ``map_<id>``.
KAARTOBJECT = "Object.keys(window).filter(k => /^map_[0-9a-f]+$/.test(k)).map(k => window[k])[0]"
MB = 2**20
DOEL = {"eerste lading": 0.5 * MB, "warm": 1.5, "koud": 2.5, "zoom s": 0.5, "zoom bytes": 0.2 * MB,
        "opstart": 2.0, "rss": 600}


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


def maatstaf(api_body: bytes, vendor: str) -> tuple[str, bytes]:
    """The yardstick: a bare Leaflet page and its data, our API's features for the opening view with only code
    and class (five quantile classes of the score), gzipped once."""
    data = json.loads(api_body)
    scores = np.array([f["properties"].get("drukpuntscore") for f in data["features"]], dtype=float)
    grenzen = np.nanquantile(scores, [0.2, 0.4, 0.6, 0.8])
    features = [{"type": "Feature", "geometry": f["geometry"],
                 "properties": {"code": f["id"], "klasse": None if np.isnan(s) else int(np.searchsorted(grenzen, s))}}
                for f, s in zip(data["features"], scores)]
    body = gzip.compress(json.dumps({"type": "FeatureCollection", "features": features},
                                    separators=(",", ":")).encode(), 6)
    pagina = f"""<!doctype html><html><head><link rel="stylesheet" href="{vendor}/vendor/leaflet/dist/leaflet.css">
<script src="{vendor}/vendor/leaflet/dist/leaflet.js"></script><style>#k{{height:100vh}}</style></head>
<body style="margin:0"><div id="k"></div><script>
var map_0 = L.map("k", {{renderer: L.canvas({{padding: 0.2}})}}).setView([52.2, 5.3], 8);
var kleuren = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"];
fetch("klassen.geojson").then(r => r.json()).then(d => {{
  L.geoJSON(d, {{style: f => ({{fillColor: f.properties.klasse === null ? "#ccc" : kleuren[f.properties.klasse],
                              fillOpacity: 0.75, color: "#4d4d4d", weight: 0.6}})}}).addTo(map_0);
  requestAnimationFrame(() => {{ window.kaartGetekend = performance.now(); }});
}});
</script></body></html>"""
    return pagina, body


class Meter:
    """Bytes Chromium received over the network for one page, and its DOM node count, over CDP."""

    def __init__(self, page):
        self.page = page
        self.cdp = page.context.new_cdp_session(page)
        self.bytes = 0
        self.uit_cache = 0
        self.cdp.on("Network.loadingFinished", self._klaar)
        self.cdp.on("Network.requestServedFromCache", self._cache)
        self.cdp.send("Network.enable")
        self.cdp.send("Performance.enable")

    def _klaar(self, event):
        self.bytes += event["encodedDataLength"]

    def _cache(self, _event):
        self.uit_cache += 1

    def nodes(self) -> int:
        return int(next(m["value"] for m in self.cdp.send("Performance.getMetrics")["metrics"] if m["name"] == "Nodes"))


def laad(page, meter: Meter, url: str, klaar: str) -> tuple[int, float, int]:
    """(bytes, seconds from the navigation's start until ``klaar`` holds, DOM nodes) for one navigation."""
    meter.bytes = 0
    page.goto(url, wait_until="commit")
    page.wait_for_function(klaar, timeout=300_000, polling=50)
    getekend = page.evaluate("() => window.kaartGetekend || performance.now()") / 1000
    page.wait_for_load_state("networkidle")
    return meter.bytes, getekend, meter.nodes()


def zoom(page, meter: Meter, bounds: list[float], ons: bool) -> tuple[int, float]:
    """(bytes, seconds) from a jump to ``bounds`` (west, south, east, north) until the map is drawn again: for
    ours until the layer reports new areas drawn, for the naive page until the redraw after ``moveend``."""
    meter.bytes = 0
    west, south, east, north = bounds
    start = page.evaluate(f"""() => {{
        const map = {KAARTOBJECT};
        window.zoomKlaar = undefined; const vorige = window.kaartGetekend;
        map.once("moveend", () => requestAnimationFrame(() => {{ window.zoomKlaar = performance.now(); }}));
        window.zoomVorige = vorige; const t = performance.now();
        map.fitBounds([[{south}, {west}], [{north}, {east}]], {{animate: false}});
        return t; }}""")
    klaar = "() => window.kaartGetekend !== window.zoomVorige" if ons else "() => window.zoomKlaar !== undefined"
    page.wait_for_function(klaar, timeout=300_000, polling=20)
    einde = page.evaluate("() => window.kaartGetekend" if ons else "() => window.zoomKlaar")
    page.wait_for_load_state("networkidle")
    return meter.bytes, (einde - start) / 1000


def rondgang(page, bounds: list[float]) -> None:
    """A pan-and-zoom session: zooms 9 to 16 at the gemeente's centre, then pans at zoom 12; each step waits
    until the page fetched and drew what it needed."""
    lon, lat = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
    stappen = [(z, lat, lon) for z in range(9, 17)] + [(12, lat + dy, lon + dx) for dx, dy in
                                                       ((0.3, 0), (0.3, 0.2), (0, 0.2), (-0.3, 0), (0, -0.2))]
    for z, la, lo in stappen:
        page.evaluate(f"() => {{ {KAARTOBJECT}.setView([{la}, {lo}], {z}, {{animate: false}}); }}")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(100)


def mediaan(waarden: list[float]) -> str:
    return f"{statistics.median(waarden):.2f}"


def bereik(waarden: list[float], schaal: float = 1.0) -> str:
    return f"{min(waarden) / schaal:.2f}-{max(waarden) / schaal:.2f}"


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--grof", action="store_true", help="the coarse 2014 layer instead of the detailed one")
    parser.add_argument("--herhalingen", type=int, default=3)
    args = parser.parse_args()

    kaart, pad = kaart_van_nederland(detail=not args.grof)
    frame = kaart.gebieden["buurt"]
    getekend = int((frame.geometry.notna() & ~frame.geometry.is_empty).sum())
    print(f"{len(frame):,d} buurten ({'coarse 2014' if args.grof else 'detailed'} layer)")
    # The largest real gemeente (the copies that top the layer up carry made-up GM9... codes).
    counts = frame["gemeentecode"].value_counts()
    gemeente = counts[~counts.index.str.startswith("GM9")].index[0]
    bounds = list(frame[frame["gemeentecode"] == gemeente].to_crs("EPSG:4326").total_bounds)
    m: dict[str, list[float]] = {}

    def noteer(naam: str, waarde: float) -> None:
        m.setdefault(naam, []).append(waarde)

    # The naive page and the yardstick on a plain server that serves the same vendored Leaflet as the app.
    plain = Flask("naief")
    plain.config["NODE_MODULES"] = str(assets.NODE_MODULES)
    plain.register_blueprint(assets.bp)
    naive = naive_page(kaart, "")
    plain.add_url_rule("/naief", "naief", lambda: naive)
    maatstaven: list[tuple[str, bytes]] = []  # made from our API's answer in the first round
    plain.add_url_rule("/maatstaf", "maatstaf", lambda: maatstaven[0][0])
    plain.add_url_rule("/klassen.geojson", "klassen", lambda: Response(
        maatstaven[0][1], mimetype="application/geo+json", headers={"Content-Encoding": "gzip"}))
    print(f"naive page {len(naive.encode()) / MB:.1f} MB; zoom target: {gemeente} ({int(counts[gemeente])} buurten)")
    del kaart, frame
    with tempfile.TemporaryDirectory() as tmp, running(plain) as plain_url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)

        def context():
            ctx = browser.new_context(viewport={"width": 1280, "height": 900})
            page = ctx.new_page()
            return ctx, page, Meter(page)

        for ronde in range(args.herhalingen):
            ctx, page, meter = context()
            b, s, n = laad(page, meter, plain_url + "/naief",
                           f"() => document.querySelectorAll('.leaflet-overlay-pane path').length >= {getekend - 50}")
            noteer("naief bytes", b), noteer("naief s", s), noteer("naief nodes", n)
            b, s = zoom(page, meter, bounds, ons=False)
            noteer("naief zoom s", s)
            ctx.close()

            # One server process per round (two at once would not fit beside the other work on this machine):
            # cold first, then the same server warm.
            ctx, page, meter = context()  # ready before the server starts: its start is all that is timed
            try:
                with server(pad, Path(tmp)) as ons:
                    b, s, _ = laad(page, meter, ons.url + PAGINA, GETEKEND)
                    # From the process start: its start-up, then the page's own time from its navigation.
                    noteer("opstart s", ons.opgestart), noteer("koud s", ons.opgestart + s), noteer("koud bytes", b)
                    b, s = zoom(page, meter, bounds, ons=True)
                    noteer("eerste zoom bytes", b), noteer("eerste zoom s", s)
                    rondgang(page, bounds)
                    rss, piek = ons.geheugen()
                    noteer("rss", rss), noteer("rss piek", piek)
                    ctx.close()
                    if not maatstaven:
                        api = requests.get(ons.url + "/api/v1/gebieden/buurt?indicator=drukpuntscore&zoom=8",
                                           timeout=300)
                        maatstaven.append(maatstaf(api.content, ""))
                        print(f"yardstick data {len(maatstaven[0][1]) / 1024:.0f} KB gzip")

                    ctx, page, meter = context()
                    b, s, n = laad(page, meter, ons.url + PAGINA, GETEKEND)
                    noteer("warm bytes", b), noteer("warm s", s), noteer("ons nodes", n)
                    b, s = zoom(page, meter, bounds, ons=True)
                    noteer("warm zoom bytes", b), noteer("warm zoom s", s)
                    b, s, _ = laad(page, meter, ons.url + PAGINA, GETEKEND)
                    noteer("terug bytes", b), noteer("terug s", s), noteer("terug uit cache", meter.uit_cache)
                    ctx.close()
            except Exception as fout:  # a server stopped for its memory, a page that never drew: say so, go on
                print(f"round {ronde + 1}: ours failed: {type(fout).__name__}: {str(fout).splitlines()[0]}")
                ctx.close()
                if not maatstaven:
                    continue

            ctx, page, meter = context()
            b, s, n = laad(page, meter, plain_url + "/maatstaf", GETEKEND)
            noteer("maatstaf bytes", b), noteer("maatstaf s", s)
            ctx.close()
            print(f"round {ronde + 1}: " + ", ".join(
                f"{k} {v[-1] / MB:.3f} MB" if k.endswith("bytes") else f"{k} {v[-1]:.{0 if k.endswith('nodes') or k.startswith('rss') else 2}f}"
                for k, v in m.items()))
        browser.close()

    verslag(m, gemeente, args.herhalingen)


def verslag(m: dict[str, list[float]], gemeente: str, herhalingen: int) -> None:
    """Every figure as the median (and range) of the repetitions, with its ratio to the naive page, and the
    verdict against the targets."""
    for naam in ("warm bytes", "warm s", "terug bytes", "terug s", "terug uit cache", "koud bytes", "koud s",
                 "opstart s", "eerste zoom bytes", "eerste zoom s", "warm zoom bytes", "warm zoom s", "ons nodes",
                 "rss", "rss piek", "maatstaf bytes", "maatstaf s"):
        m.setdefault(naam, [math.nan])  # a measure that failed in every round reads nan
    nb, ns = statistics.median(m["naief bytes"]), statistics.median(m["naief s"])

    def regel(label: str, bytes_: str | None, sec: str | None, extra: str = "") -> None:
        tekst = f"{label:58s}"
        if bytes_:
            v = statistics.median(m[bytes_])
            tekst += f" {v / MB:8.3f} MB ({bereik(m[bytes_], MB)})  {v / nb:7.4f}x"
        else:
            tekst += " " * 37
        if sec:
            v = statistics.median(m[sec])
            tekst += f"  {v:6.2f} s ({bereik(m[sec])})  {v / ns:6.3f}x"
        print(tekst + extra)

    print(f"\nmedians of {herhalingen} interleaved rounds (range); ratios against the naive page")
    regel("naive folium.Choropleth, all inlined (baseline)", "naief bytes", "naief s")
    regel("yardstick: code and class only, gzip, bare canvas page", "maatstaf bytes", "maatstaf s")
    regel("ours, warm server, first visit (empty browser cache)", "warm bytes", "warm s")
    regel("ours, revisit with the browser's cache", "terug bytes", "terug s",
          f"  ({statistics.median(m['terug uit cache']):.0f} from its cache)")
    regel("ours, cold server: from process start to drawn", "koud bytes", "koud s")
    print(f"{'ours, cold server: start-up until it answers':58s} {' ' * 37}  {mediaan(m['opstart s']):>6s} s "
          f"({bereik(m['opstart s'])})")
    print(f"{'naive, zoom into ' + gemeente + ' (redraw, nothing fetched)':58s} {' ' * 37}  "
          f"{mediaan(m['naief zoom s']):>6s} s ({bereik(m['naief zoom s'])})")
    regel(f"ours, first zoom into {gemeente} on a fresh server", "eerste zoom bytes", None,
          f"  {mediaan(m['eerste zoom s']):>6s} s ({bereik(m['eerste zoom s'])})  "
          f"{statistics.median(m['eerste zoom s']) / statistics.median(m['naief zoom s']):6.3f}x the naive redraw")
    regel(f"ours, zoom into {gemeente} once the server has it", "warm zoom bytes", None,
          f"  {mediaan(m['warm zoom s']):>6s} s ({bereik(m['warm zoom s'])})")
    nn, on = statistics.median(m["naief nodes"]), statistics.median(m["ons nodes"])
    print(f"{'DOM nodes after the draw: naive / ours':58s} {nn:>10,.0f} / {on:,.0f}  {on / nn:6.3f}x")
    print(f"{'server RSS after a pan-and-zoom session (peak)':58s} {mediaan(m['rss']):>10s} MB "
          f"({bereik(m['rss'])}; peak {mediaan(m['rss piek'])} MB)")
    doelen = [("first load <= 0.5 MB", "warm bytes", "eerste lading"), ("drawn on a warm server < 1.5 s", "warm s", "warm"),
              ("drawn on a server just started < 2.5 s", "koud s", "koud"),
              ("first zoom into a gemeente < 0.5 s", "eerste zoom s", "zoom s"),
              ("first zoom into a gemeente < 0.2 MB", "eerste zoom bytes", "zoom bytes"),
              ("server start-up < 2 s", "opstart s", "opstart"), ("server RSS after a session < 600 MB", "rss", "rss")]

    def oordeel(naam: str, doel: str) -> str:
        v = statistics.median(m[naam])
        return "not measured" if math.isnan(v) else f"{v / DOEL[doel]:.2f}x the target, {'MET' if v <= DOEL[doel] else 'MISSED'}"

    print("targets of issue 19 (Done when):")
    for tekst, naam, doel in doelen:
        print(f"  {tekst}: {oordeel(naam, doel)}")


if __name__ == "__main__":
    main()
