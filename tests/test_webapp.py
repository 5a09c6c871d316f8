"""The web app over real HTTP: the kaart page, its assets, its errors and its map cache.

The app runs in waitress (as in production) on a free local port; the tests talk
to it with requests. The demo kaart is the fictitious Voorbeeldregio.
"""

from __future__ import annotations

import copy
import json
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import folium
import numpy as np
import pandas as pd
import pytest
import requests
from _server import running
from folium.plugins import Draw

from kaart.errors import InputError
from kaart.getallen import weergave
from kaart.indicatoren import catalogus
from kaart.kaartbestand import write_kaart
from kaart.kolommen import schema
from webapp import create_app
from webapp.assets import PACKAGES, VENDOR, UnknownAssetError, missing_assets
from kaart.variabelen import variabelen
from webapp.choropleth import class_breaks, render_parts
from webapp.ondergrond import OSM, PDOK_GRIJS
from webapp.staat import staat

WEBAPP = Path(__file__).resolve().parents[1] / "webapp"


@pytest.fixture(scope="module")
def page(site) -> str:
    url = site
    response = requests.get(url + "/", timeout=60)
    assert response.status_code == 200
    return response.text


class _Assets(HTMLParser):
    """Collects the URLs of <script src> and <link href>."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])


def _asset_urls(html: str) -> list[str]:
    parser = _Assets()
    parser.feed(html)
    return parser.urls


def test_page_is_dutch(page):
    assert '<html lang="nl">' in page
    for text in ("Maatschappelijke kaart", "Niveau", "Indicator", "Tonen", "Aantal inwoners", "Buurt"):
        assert text in page
    assert "Fictieve voorbeeldregio — geen echte gegevens" in page
    assert "Bron: fictieve voorbeeldgegevens (2023)" in page


def test_page_shows_legend_source_and_basemap(page):
    # Text in the map script is JSON: non-ASCII and HTML specials as \u escapes.
    # The legend: title with its unit once (the label says it), the source below the bar.
    assert json.dumps("Bron: fictieve voorbeeldgegevens (2023)")[1:-1] in page
    assert "Aantal inwoners" in page and "Aantal inwoners (inwoners)" not in page
    assert PDOK_GRIJS in page
    assert '"Kaartgegevens \\u0026copy; Kadaster"' in page
    assert "geen gegevens" in page  # the water-only buurt has no figures


def test_every_script_and_stylesheet_is_local(page):
    assets = _asset_urls(page)
    assert any("leaflet.js" in a for a in assets) and any("leaflet.css" in a for a in assets)
    for asset in assets:
        parts = urlsplit(asset)
        assert not parts.netloc or parts.hostname == "127.0.0.1", asset
    # The tile URL templates are the one external resource; the OSM link is attribution text.
    external = {u.rstrip("\\") for u in re.findall(r"https?://[^\s\"'<>)\\]+", page)}
    assert external <= {PDOK_GRIJS, OSM, "https://www.openstreetmap.org/copyright"}


def test_every_asset_answers(site, page):
    url = site
    for asset in _asset_urls(page):
        response = requests.get(urljoin(url + "/", asset), timeout=10)
        assert response.status_code == 200, asset
        assert response.content


def test_leaflet_marker_images_are_served(site):
    # Leaflet finds its default marker icon relative to leaflet.css.
    url = site
    response = requests.get(url + "/vendor/leaflet/dist/images/marker-icon.png", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"


@pytest.mark.parametrize("path", ["/vendor/bootstrap/dist/css/bootstrap.min.css", "/vendor/.package-lock.json",
                                  "/vendor/leaflet/../../package.json", "/vendor/leaflet/dist/bestaat-niet.js"])
def test_vendor_serves_only_the_listed_packages(site, path):
    url = site
    response = requests.get(url + path, timeout=10)
    assert response.status_code == 404
    assert "Niet gevonden" in response.text


@pytest.mark.parametrize("query, fragment", [
    ("niveau=provincie", "Het niveau ‘provincie’ bestaat niet"),
    ("indicator=bestaat_niet", "De indicator ‘bestaat_niet’ bestaat niet op het niveau buurt"),
    ("indicator=naam", "De indicator ‘naam’ bestaat niet"),  # a column, but not a statistic
    ("niveau=gemeente&indicator=stedelijkheid", "bestaat niet op het niveau gemeente"),
])
def test_bad_choice_is_a_dutch_400(site, query, fragment):
    url = site
    response = requests.get(f"{url}/?{query}", timeout=10)
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Ongeldige keuze" in response.text
    assert fragment in response.text
    assert "Traceback" not in response.text


def test_bad_choice_is_escaped(site):
    url = site
    response = requests.get(url + "/", params={"indicator": "<script>alert(1)</script>"}, timeout=10)
    assert response.status_code == 400
    assert "<script>alert(1)" not in response.text
    assert "&lt;script&gt;alert(1)" in response.text


def test_unknown_page_is_a_dutch_404(site):
    url = site
    response = requests.get(url + "/bestaat-niet", timeout=10)
    assert response.status_code == 404
    assert "Deze pagina bestaat niet." in response.text


def test_every_level_and_indicator_is_offered(page):
    kolommen = schema().kolommen
    for label in ("Gemeente", "Wijk", "Buurt"):
        assert f">{label}</option>" in page
    for kolom in ("inwoners", "huishoudens"):
        assert f'<option value="{kolom}"' in page
        assert kolommen[kolom].label in page
    # A KWB share that an indicator shows as it is, is offered once: as the indicator.
    aandeel = next(i for i in catalogus() if i.percentage == "pct_65plus")
    assert f'<option value="{aandeel.kolom}"' in page and '<option value="pct_65plus"' not in page
    keuzelijst = page.split('<select name="indicator">')[1].split("</select>")[0]  # not the years' selects
    labels = re.findall(r'<option value="[^"]+"(?: selected)?>([^<]+)</option>', keuzelijst)
    assert len(labels) == len(set(labels)), [x for x in labels if labels.count(x) > 1]


def test_map_is_built_once_per_level_and_indicator(site, site_app):
    url, app = site, site_app
    maps = staat(app).kaartbeelden
    first = requests.get(url + "/?niveau=wijk&indicator=pct_65plus", timeout=60)
    builds = maps.builds
    second = requests.get(url + "/?niveau=wijk&indicator=pct_65plus", timeout=60)
    assert first.status_code == second.status_code == 200
    assert maps.builds == builds
    # The same rendered map, element ids included: it was not rebuilt.
    assert re.findall(r"map_[0-9a-f]{32}", first.text) == re.findall(r"map_[0-9a-f]{32}", second.text)
    requests.get(url + "/?niveau=gemeente&indicator=pct_65plus", timeout=60)
    assert maps.builds == builds + 1


def test_each_level_gets_every_area_from_the_api_not_inlined(site, demo_kaart):
    url = site
    for niveau, frame in demo_kaart.gebieden.items():
        html = requests.get(f"{url}/?niveau={niveau}&indicator=inwoners", timeout=60).text
        # No area geometry in the page, however big the kaart: the only shapes inlined are the
        # drukpuntgebieden outlines (a few dissolved groups, drawn over the areas), one each.
        assert html.count('"coordinates"') == len(demo_kaart.extra["drukpuntgebieden"])
        assert html.count('"gebied": "Drukpuntgebied ') == len(demo_kaart.extra["drukpuntgebieden"])
        layer = json.loads(re.search(r"KaartGebieden\.laag\(\w+, \w+, (\{.*?\})\);", html).group(1))
        assert layer["api"] == f"api/v1/gebieden/{niveau}" and layer["indicator"] == "inwoners"
        with_shape = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
        assert layer["aantal"] == len(with_shape)
        data = requests.get(f"{url}/{layer['api']}?indicator=inwoners&zoom={layer['startZoom']}", timeout=60).json()
        assert {f["id"] for f in data["features"] if f["geometry"]} == set(with_shape.index)


def test_names_are_escaped(tmp_path, demo_kaart):
    kaart = copy.deepcopy(demo_kaart)
    buurten = kaart.gebieden["buurt"]
    buurten.iloc[0, buurten.columns.get_loc("naam")] = '<script>alert("buurt")</script>'
    buurten.iloc[0, buurten.columns.get_loc("gemeentenaam")] = "<img src=x onerror=alert(2)>"
    voorzieningen = kaart.extra["voorzieningen"]
    voorzieningen.iloc[0, voorzieningen.columns.get_loc("naam")] = "<b>x</b>${alert(3)}`\\u"
    voorzieningen["adres"] = "<i>adres</i>"
    voorzieningen["bron"] = "<u>bron</u>.csv"
    with running(create_app({"KAART_PAD": write_kaart(kaart, tmp_path / "kwaad.gpkg")},
                            instance_path=tmp_path / "instance")) as url:
        page = requests.get(url + "/", timeout=60).text
    assert '<script>alert("buurt")' not in page
    assert "<img src=x" not in page
    assert "<b>x</b>" not in page and "${alert(3)}" not in page
    assert "<i>adres</i>" not in page and "<u>bron</u>" not in page and "&lt;i&gt;adres" in page
    # Escaped once: as HTML entities, inside JSON also with < > & as \u escapes. (The areas' names reach
    # the browser as JSON from the API and are set as text there: see test_browser.)
    assert "&lt;b&gt;x&lt;/b&gt;&#36;{alert(3)}&#96;&#92;u" in page


def test_figures_from_the_facility_layer_name_it_as_their_source(site):
    url = site
    html = requests.get(f"{url}/?niveau=buurt&indicator=ind_afstand_tot_huisarts_m", timeout=60).text
    assert "Bron: voorzieningenlaag (fictieve voorzieningen, gegenereerd met de voorbeeldregio)" in html
    html = requests.get(f"{url}/?niveau=buurt&indicator=inwoners", timeout=60).text
    assert "Bron: fictieve voorbeeldgegevens (2023)" in html and "voorzieningenlaag (" not in html


def test_missing_node_modules_says_run_make_assets(tmp_path, demo_kaart_pad, caplog):
    app = create_app({"KAART_PAD": demo_kaart_pad, "NODE_MODULES": str(tmp_path)}, instance_path=tmp_path / "instance")
    assert "make assets" in caplog.text
    with running(app) as url:
        response = requests.get(url + "/", timeout=60)
    assert response.status_code == 200
    assert "make assets" in response.text and "npm ci --prefix webapp" in response.text


def test_kaart_path_from_environment(monkeypatch, demo_kaart_pad, tmp_path):
    monkeypatch.setenv("KAART_PAD", str(demo_kaart_pad))
    app = create_app(instance_path=tmp_path)
    assert staat(app).kaart.metadata["fictief"] is True


def test_the_locatiezoeker_is_measured_at_start_up_unless_turned_off(demo_kaart_pad, tmp_path):
    """On (production's default), every woonvorm is measured in the background; off (most test apps), nothing
    is measured until a page asks."""
    from kaart.woonvormen import woonvormen

    def zoeker(aan: bool):
        app = create_app({"KAART_PAD": demo_kaart_pad, "LOCATIEZOEKER_VOORBEREIDEN": aan},
                         instance_path=tmp_path / str(aan))
        return staat(app).locatiezoeker

    def gemeten(z) -> list[str]:
        return [naam for naam in woonvormen() if (naam, None) in z.metingen]

    aan, uit = zoeker(True), zoeker(False)
    tot = time.monotonic() + 300
    while gemeten(aan) != list(woonvormen()) and time.monotonic() < tot:
        time.sleep(0.1)
    assert gemeten(aan) == list(woonvormen())
    assert gemeten(uit) == []


def test_no_kaart_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.delenv("KAART_PAD", raising=False)
    with pytest.raises(InputError, match="KAART_PAD"):
        create_app({"KAART_PAD": None}, instance_path=tmp_path)
    with pytest.raises(InputError, match="Er is geen kaart op"):
        create_app({"KAART_PAD": tmp_path / "bestaat-niet.gpkg"}, instance_path=tmp_path)


def test_front_end_packages_are_installed():
    assert missing_assets() == [], "run `make assets` (npm ci --prefix webapp)"


def test_package_json_pins_every_vendored_package():
    dependencies = json.loads((WEBAPP / "package.json").read_text())["dependencies"]
    assert PACKAGES <= set(dependencies)
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", version) for version in dependencies.values()), dependencies
    lock = json.loads((WEBAPP / "package-lock.json").read_text())["packages"]
    for package, version in dependencies.items():
        assert lock[f"node_modules/{package}"]["version"] == version


def test_every_cdn_asset_of_the_page_elements_is_in_the_table():
    # What folium and the plugins we use declare; branca's d3 is added at render time (covered by the page tests).
    declared = folium.Map.default_js + folium.Map.default_css
    declared += folium.plugins.MarkerCluster.default_js + folium.plugins.MarkerCluster.default_css
    assert {url for _, url in declared} <= set(VENDOR)


def test_unknown_cdn_asset_fails_loudly():
    m = folium.Map(tiles=None)
    Draw().add_to(m)  # leaflet.draw from cdnjs: not in the table
    with pytest.raises(UnknownAssetError, match="leaflet.draw"):
        render_parts(m, lambda path: f"/vendor/{path}")


@pytest.mark.parametrize("values, bounds", [
    ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5),
    ([1, 1, 2, 2, 3], 3),
    ([7, 7, np.nan], 1),
])
def test_class_breaks(values, bounds):
    classes = class_breaks(pd.Series(values, dtype=float))
    assert len(classes.upper_bounds) == len(classes.colours) == bounds
    assert classes.upper_bounds[-1] == np.nanmax(values)
    assert classes.colour(np.nan) == "#bdbdbd"
    assert len({classes.colour(v) for v in values if not np.isnan(v)}) == bounds


def test_class_breaks_without_values():
    assert class_breaks(pd.Series([np.nan, np.nan])) is None


def test_values_are_formatted_in_dutch():
    kolommen = schema().kolommen
    assert weergave(12345, kolommen["inwoners"].eenheid) == "12.345 inwoners"
    assert weergave(23.56, kolommen["pct_65plus"].eenheid) == "23,6%"
    assert weergave(412.0, kolommen["woz_gemiddeld"].eenheid) == "€ 412.000"
    assert weergave(np.nan, kolommen["inwoners"].eenheid) == "geen gegevens"


def test_the_table_view_lists_the_values_the_map_shows(site, demo_kaart):
    url = site
    html = requests.get(f"{url}/?niveau=wijk&indicator=pct_65plus", timeout=60).text
    tabel = html[html.index('<section class="tabelweergave"'):]
    wijken = demo_kaart.gebieden["wijk"]
    rows = re.findall(r"<tr><td>(\w+)</td>.*?<td class=\"waarde\">(.*?)</td></tr>", tabel)
    assert [code for code, _ in rows] == list(wijken.index)
    assert variabelen()["pct_65plus"].eenheid == "%"
    # Written out independently of the formatter: one decimal (also when whole, as in every other cell of the
    # column), a decimal comma, a % sign; the demo's percentages stay below 1.000, so no thousands dot.
    verwacht = ["geen gegevens" if pd.isna(v) else f"{v:.1f}".replace(".", ",") + "%" for v in wijken["pct_65plus"]]
    assert [waarde for _, waarde in rows] == verwacht
    # The map's tooltips format the same values in the browser: see test_browser.


def test_the_csv_export_is_what_the_map_shows_in_excel_dutch(site, demo_kaart):
    url = site
    response = requests.get(f"{url}/export.csv?niveau=buurt&indicator=pct_65plus", timeout=60)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert 'filename="buurt-pct_65plus.csv"' in response.headers["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.decode("utf-8-sig").splitlines()
    # The map's columns, then where the figures come from: a CSV passed on still says its source and year.
    assert lines[0] == ("code;naam;gemeentenaam;" + variabelen()["pct_65plus"].label
                        + ";bron;jaar;instelling_niveau;instelling_eenheid;fictief")
    assert lines[1].split(";")[4:6] == [demo_kaart.bronvermelding, str(demo_kaart.jaar)]
    buurten = demo_kaart.gebieden["buurt"]
    assert len(lines) == 1 + len(buurten)
    first = buurten.iloc[0]
    assert lines[1].split(";")[3] == ("" if pd.isna(first["pct_65plus"]) else f"{first['pct_65plus']}".replace(".", ","))
    bad = requests.get(f"{url}/export.csv?niveau=buurt&indicator=geluk", timeout=60)
    assert bad.status_code == 400 and "geluk" in bad.text
