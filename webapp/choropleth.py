"""The kaart page's map: one indicator at one level as a folium choropleth.

A map is built and rendered once per (niveau, indicator) by :class:`MapCache`
and kept for the life of the app: the kaart does not change while the app
runs, and building a map (classifying, simplifying, reprojecting, serialising
the GeoJSON) is far too slow to repeat on every request.

Geometry stays in EPSG:28992 until it goes out through :mod:`webapp.webgeometrie`
(the areas themselves come from the API; see static/gebieden.js). folium draws
what the page inlines (legend, facilities, drukpuntgebieden) and hands its map to
our own module, static/kaarten.js, for everything a page does with a map. folium
puts tooltip and popup text into the page as HTML, so every name from the data
is escaped here.
"""

from __future__ import annotations

import html
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.colormap import StepColormap
from branca.element import MacroElement
from folium.plugins import MarkerCluster
from jinja2 import Template

from kaart.categorieen import categorieen
from kaart import reeksen, verandering
from kaart.figuurjaren import Figuurjaren, jaarnoot
from kaart.getallen import GEEN_GEGEVENS, getal, met_teken, weergave
from kaart.kaartbestand import Kaart
from kaart.variabelen import Variabele, variabelen
from webapp import webgeometrie
from webapp.assets import localize
from webapp.bewaard import Bewaard
from webapp.ondergrond import ONDERGROND
from webapp.tijdkeuze import Tijd

NIVEAU_LABELS = {"gemeente": "Gemeente", "wijk": "Wijk", "buurt": "Buurt"}
COLOURS = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")  # ColorBrewer YlGnBu, 5 classes
NO_DATA_COLOUR = "#bdbdbd"
CLASSES = len(COLOURS)
# Pure-Python FisherJenks (mapclassify without numba) is quadratic: 3,000 values
# take about ten seconds here, a national buurt layer minutes. Above this many
# values the breaks come from evenly spaced quantiles of the values instead.
FISHER_JENKS_MAX = 300


@dataclass(frozen=True)
class MapParts:
    """A rendered map in the three parts a page of our own embeds.

    ``header`` goes in ``<head>`` (asset links, map styles), ``html`` where the
    map should appear, ``script`` (plain JavaScript) in a ``<script>`` at the end
    of ``<body>``.
    """

    header: str
    html: str
    script: str


@dataclass(frozen=True)
class Classes:
    """Class breaks of one indicator and how its legend shows them."""

    upper_bounds: list[float]
    legend_index: list[float]
    tick_labels: list[float]
    palette: tuple[str, ...] = COLOURS

    @cached_property
    def colours(self) -> list[str]:
        """One colour per class, spread over the whole palette when there are fewer classes than colours."""
        picks = np.linspace(0, len(self.palette) - 1, len(self.upper_bounds)).round().astype(int)
        return [self.palette[i] for i in picks]

    def colour(self, value: float) -> str:
        """The fill colour of a value; grey for a missing one."""
        if pd.isna(value):
            return NO_DATA_COLOUR
        return self.colours[int(np.searchsorted(self.upper_bounds, value, side="left"))]


def class_breaks(values: pd.Series, drempel: float | None = None) -> Classes | None:
    """Classes for the non-missing values, or ``None`` when every value is missing.

    ``drempel`` (the drukpunt threshold, for the drukpunt score) is made one of the breaks when it lies
    inside the values, so the legend shows where drukpunt starts; it replaces the break nearest to it.

    FisherJenks with five classes; with five or fewer distinct values (a class
    code such as stedelijkheid, or a tiny region) each value is its own class,
    because natural breaks and quantiles both merge or empty classes there.
    """
    y = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    if not len(y):
        return None
    distinct = np.unique(y)
    if len(distinct) <= CLASSES:
        # Each value its own class: legend edges halfway between values, a tick on each value.
        gap = float(np.diff(distinct).min()) if len(distinct) > 1 else 1.0
        edges = [distinct[0] - gap / 2, *((distinct[:-1] + distinct[1:]) / 2), distinct[-1] + gap / 2]
        return Classes(upper_bounds=[float(v) for v in distinct], legend_index=[float(e) for e in edges],
                       tick_labels=[float(v) for v in distinct])
    import mapclassify  # with scipy.stats and scikit-learn 0.7 s of every start-up; the first map pays it once

    sample = y if len(y) <= FISHER_JENKS_MAX else np.quantile(y, np.linspace(0, 1, FISHER_JENKS_MAX))
    with warnings.catch_warnings():
        # With the sample bounded, the pure-Python version is fast enough: no warning on every new map.
        warnings.filterwarnings("ignore", message="Numba not installed", category=UserWarning)
        bins = mapclassify.FisherJenks(sample, k=CLASSES).bins
    # Round the inner breaks to what a reader can tell apart; colours use the same rounded breaks.
    spread = float(y.max() - y.min())
    decimals = 0 if spread >= 100 else 1 if spread >= 10 else 2
    inner = sorted(b for b in {float(round(b, decimals)) for b in bins[:-1]} if b < y.max())
    if drempel is not None and y.min() < drempel < y.max() and drempel not in inner:
        if len(inner) >= CLASSES - 1:
            inner.remove(min(inner, key=lambda b: abs(b - drempel)))
        inner = sorted([*inner, float(drempel)])
    low, high = float(y.min()), float(y.max())
    return Classes(upper_bounds=[*inner, high], legend_index=[low, *inner, high],
                   tick_labels=[round(low, decimals), *inner, round(high, decimals)])


def escape_text(value: object) -> str:
    """Data text made safe for folium's tooltips and popups.

    Beyond HTML escaping: folium puts popup HTML inside a JavaScript template
    literal, where ``${`` would run code and a backslash could break the script.
    """
    text = html.escape("" if value is None or pd.isna(value) else str(value))
    return text.replace("$", "&#36;").replace("\\", "&#92;").replace("`", "&#96;")


class LegendBox(MacroElement):
    """A legend box of our own as a Leaflet control: the caller's (already escaped) HTML in a styled div.

    Used for the "geen gegevens" line under branca's legend and for the facility legend.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create("div", {{ (this.css_class ~ " leaflet-control")|tojson }});
            div.innerHTML = {{ this.html|tojson }};
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, html: str, css_class: str, position: str = "topright"):
        super().__init__()
        self._name = "LegendBox"
        self.html, self.css_class, self.position = html, css_class, position


def toelichting(bron: str, geen_gegevens: bool, drukpunten: bool, drukpuntgebieden: bool,
                drempel: float, geen_gegevens_tekst: str = GEEN_GEGEVENS, uitleg: tuple[str, ...] = ()) -> LegendBox:
    """The lines under branca's colour bar (same corner) that say what else the map draws and where its
    figures come from: what the colours mean (``uitleg``, a change map's), areas without a value (in the
    words ``geen_gegevens_tekst``), the drukpunt outline, the drukpuntgebied outline, the source.

    ``bron``, ``uitleg`` and ``geen_gegevens_tekst`` are plain text (escaped here); the rest is ours.
    """
    regels = [escape_text(u) for u in uitleg]
    if geen_gegevens:
        regels.append(f'<span class="vlak" style="background: {NO_DATA_COLOUR}"></span> '
                      f"{escape_text(geen_gegevens_tekst)}")
    if drukpunten:
        regels.append(f'<span class="vlak drukpuntrand"></span> dikke rand: drukpunt (score {getal(drempel, 1)} '
                      "of hoger)")
    if drukpuntgebieden:
        regels.append('<span class="vlak drukpuntgebied"></span> rode stippellijn: drukpuntgebied '
                      "(aangrenzende drukpunten)")
    regels.append(f'<span class="bron">{escape_text(bron)}</span>')
    return LegendBox("".join(f'<div class="regel">{r}</div>' for r in regels), "legenda-geen-gegevens")


class Kaartstand(MacroElement):
    """The map handed to ``Kaarten.stand`` (static/kaarten.js), which keeps its view in the address."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        Kaarten.stand({{ this._parent.get_name() }});
        {% endmacro %}
    """)


class MetricScale(MacroElement):
    """A scale bar in metres only (folium's ``control_scale`` adds miles too)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)


def build_map(kaart: Kaart, niveau: str, indicator: str, tijd: Tijd | None = None) -> folium.Map:
    """The choropleth of one indicator at one level, with legend, tooltips, basemaps and voorzieningen:
    the kaart's own figures, or with ``tijd`` another year's or the change since a year (see :class:`Kleuring`).

    ``niveau``, ``indicator`` and ``tijd`` must have been checked against the kaart.
    """
    kolom = variabelen(kaart.catalogus)[indicator]
    frame = kaart.gebieden[niveau]
    areas = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    drempel = float(kaart.metadata.get("drempel", 1.0))
    nu = tijd is None or tijd.is_nu(kaart)
    kleuring = (_kleuring_nu(kaart, niveau, indicator, areas, drempel) if nu
                else _kleuring_verandering(kaart, niveau, indicator, areas, tijd) if tijd.verandering
                else _kleuring_jaar(kaart, niveau, indicator, areas, tijd.jaar))
    classes = kleuring.classes

    # Fractional zoom so fitting the region to the window leaves no wide empty margins.
    m = folium.Map(tiles=None, zoom_snap=0.25, zoom_delta=0.5)
    MetricScale().add_to(m)
    for i, laag in enumerate(ONDERGROND):  # the first shown, the others to choose in the layer control
        folium.TileLayer(laag.url, attr=laag.attributie, name=laag.naam, max_zoom=laag.max_zoom,
                         max_native_zoom=laag.max_zoom, show=i == 0).add_to(m)

    # On today's map, beside a figure from an older year than the kaart's, in the tooltip and counted in the legend.
    ouder = Figuurjaren(kaart).jaren(niveau, indicator) if nu else None
    values = pd.to_numeric(areas[indicator], errors="coerce") if indicator in areas else pd.Series(dtype="float64")
    aantal = int(values.notna().sum())
    ouder = (pd.Series(dtype="int64") if ouder is None
             else ouder[(ouder != kaart.jaar) & values.reindex(ouder.index).notna()])
    jaren = {code: jaarnoot(indicator, int(j)) for code, j in ouder.items()}

    # The areas come from the API (see static/gebieden.js): the page carries only the legend's classes.
    groep = folium.FeatureGroup(name=escape_text(kolom.label)).add_to(m)
    GebiedenLaag(m, {
        "api": f"api/v1/gebieden/{niveau}", "niveau": niveau, "niveauLabel": NIVEAU_LABELS[niveau],
        "indicator": indicator, "label": kolom.label, "aantal": len(areas),
        "grenzen": classes.upper_bounds if classes else [], "kleuren": classes.colours if classes else [],
        "geenGegevens": NO_DATA_COLOUR, "startZoom": start_zoom(areas),
        "gemeenten": kleuring.gemeenten, "jaren": jaren, **kleuring.laag,
    }).add_to(groep)

    clusters = kaart.extra.get("drukpuntgebieden") if nu else None  # today's drukpunten: not another year's
    heeft_clusters = clusters is not None and len(clusters) > 0
    if classes:
        LegendaTeksten(kleuring.ticks, kleuring.met_teken).add_to(m)  # before the legend, whose axis reads them
        # The title in HTML above the bar, where a long label wraps (branca's caption is one SVG line).
        LegendBox(f"<strong>{escape_text(kleuring.titel)}</strong>", "legenda-titel").add_to(m)
        legend = StepColormap(classes.colours, index=classes.legend_index,
                              vmin=classes.legend_index[0], vmax=classes.legend_index[-1],
                              tick_labels=kleuring.ticks)
        # branca draws the bar in a fixed-width SVG: one that fits a phone beside the zoom buttons.
        legend.width = LEGENDA_BREEDTE
        legend.add_to(m)
    bron = kaart.voorzieningen_bronvermelding if kolom.uit_voorzieningenlaag else kaart.bronvermelding
    bron += "".join(f"; {n} van de {aantal} gebieden: {jaarnoot(indicator, int(j))}"
                    for j, n in ouder.value_counts().sort_index(ascending=False).items())
    drukpunten = nu and "drukpunt" in areas and bool(areas["drukpunt"].fillna(False).astype(bool).any())
    toelichting(bron, kleuring.ontbreekt, drukpunten, heeft_clusters, drempel, kleuring.geen_gegevens,
                kleuring.uitleg).add_to(m)

    if heeft_clusters:
        _add_drukpuntgebieden(m, clusters)

    voorzieningen = kaart.extra.get("voorzieningen")
    if voorzieningen is not None and len(voorzieningen):
        _add_voorzieningen(m, voorzieningen)

    folium.LayerControl(collapsed=True).add_to(m)  # an icon: open, it would cover a phone's map
    west, south, east, north = webgeometrie.grenzen(areas.geometry)
    m.fit_bounds([[south, west], [north, east]])
    Kaartstand().add_to(m)  # after fitting, so a view in the address wins
    return m


def _gemeentewaarden(kaart: Kaart, niveau: str, indicator: str) -> dict[str, str]:
    """The indicator's value per gemeente as Dutch text, for the tooltip's reference below gemeente level
    (a few hundred at most)."""
    gemeenten = kaart.gebieden.get("gemeente")
    if niveau == "gemeente" or gemeenten is None or indicator not in gemeenten:
        return {}
    kolom = variabelen(kaart.catalogus)[indicator]
    values = pd.to_numeric(gemeenten[indicator], errors="coerce").dropna()
    return {code: weergave(v, kolom.eenheid) for code, v in values.items()}


@dataclass(frozen=True)
class Kleuring:
    """What the areas are coloured by, and how the legend and tooltips say it.

    Three views: the kaart's own figures (:func:`_kleuring_nu`), another year's on today's areas
    (``?jaar=``, :func:`_kleuring_jaar`), and the change since a year (``?sinds=``,
    :func:`_kleuring_verandering`). On a kaart of several years the first two share one set of class breaks,
    computed over every year's figures (:func:`_alle_jaren`): a colour means the same value in every year,
    so flipping between years shows change, not a reshuffled legend.
    """

    classes: Classes | None
    titel: str
    ticks: list[float]
    ontbreekt: bool
    """Whether some area has no value (the grey legend line)."""
    gemeenten: dict[str, str]
    """The tooltip's gemeente reference, as text per gemeente code."""
    laag: dict = field(default_factory=dict)
    """Extra settings of static/gebieden.js: the year asked of the API, and for a change the year since."""
    geen_gegevens: str = GEEN_GEGEVENS
    uitleg: tuple[str, ...] = ()
    met_teken: bool = False
    """Tick texts signed (a change: +2, -2)."""


def _kleuring_nu(kaart: Kaart, niveau: str, indicator: str, areas: gpd.GeoDataFrame, drempel: float) -> Kleuring:
    kolom = variabelen(kaart.catalogus)[indicator]
    values = pd.to_numeric(areas[indicator], errors="coerce")
    houd = drempel if indicator == "drukpuntscore" else None
    classes = class_breaks(_alle_jaren(kaart, niveau, indicator, areas), houd)
    return Kleuring(classes, titel(kolom), uitgedund(classes.tick_labels, houd) if classes else [],
                    bool(values.isna().any()), _gemeentewaarden(kaart, niveau, indicator))


def _kleuring_jaar(kaart: Kaart, niveau: str, indicator: str, areas: gpd.GeoDataFrame, jaar: int) -> Kleuring:
    kolom = variabelen(kaart.catalogus)[indicator]
    toen = reeksen.in_jaar(kaart, jaar)
    values = pd.to_numeric(toen.gebieden[niveau][indicator], errors="coerce").reindex(areas.index)
    classes = class_breaks(_alle_jaren(kaart, niveau, indicator, areas))
    return Kleuring(classes, f"{titel(kolom)} in {jaar}", uitgedund(classes.tick_labels) if classes else [],
                    bool(values.isna().any()), _gemeentewaarden(toen, niveau, indicator), {"jaar": jaar})


def _alle_jaren(kaart: Kaart, niveau: str, indicator: str, areas: gpd.GeoDataFrame) -> pd.Series:
    """The values the classes are computed from: the layer's own, and on a kaart of several years every other
    year's figures of the same areas with them (the same pool whichever year is shown)."""
    delen = [pd.to_numeric(areas[indicator], errors="coerce")]
    for jaar in reeksen.jaren(kaart):
        if jaar != kaart.jaar:
            delen.append(verandering.jaarcijfers(kaart, niveau, indicator, jaar)["waarde"].reindex(areas.index))
    return pd.concat(delen, ignore_index=True)


# The change map (?sinds=): diverging classes centred on 0, red where the change means more pressure.
VERSCHIL_KLASSEN = 7
DRUK_KLEUREN = ("#2166ac", "#67a9cf", "#d1e5f0", "#f7f7f7", "#fddbc7", "#ef8a62", "#b2182b")
"""ColorBrewer RdBu, 7 classes, from blue (the strongest fall) through white (about the same) to red."""
NEUTRALE_KLEUREN = ("#542788", "#998ec3", "#d8daeb", "#f7f7f7", "#fee0b6", "#f1a340", "#b35806")
"""ColorBrewer PuOr, 7 classes, from purple (fall) to orange (rise): for a figure without a direction, where
red would say "worse" of a change that is neither."""


def _naar_boven(x: float) -> float:
    """``x`` (> 0) rounded up to two significant digits: 2,34 to 2,4, 1234 to 1300."""
    macht = 10.0 ** (np.floor(np.log10(x)) - 1)
    return round(float(np.ceil(x / macht * (1 - 1e-12)) * macht), 10)


def verschilklassen(values: pd.Series, richting: int) -> Classes | None:
    """Diverging classes of a change, symmetric around 0, or ``None`` when no area has one.

    Seven classes of equal width from ``-E`` to ``E`` (``E`` the largest change, rounded up: the strongest
    change gets the strongest colour), the middle one, around 0, for "about the same": a zero change is
    white, never a light red or blue. The legend names ``-E``, 0 and ``E``. ``richting`` (+1: a rise is
    more pressure, -1: a fall is, 0: neither; :func:`kaart.verandering.richting`) orients the palette so
    that red always means more pressure and blue less; without a direction purple is a fall, orange a rise.
    """
    y = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    if not len(y):
        return None
    buiten = _naar_boven(float(np.abs(y).max()) or 1.0)
    randen = [round((2 * i - VERSCHIL_KLASSEN) * buiten / VERSCHIL_KLASSEN, 10) for i in range(VERSCHIL_KLASSEN + 1)]
    palet = NEUTRALE_KLEUREN if richting == 0 else DRUK_KLEUREN if richting > 0 else DRUK_KLEUREN[::-1]
    return Classes(upper_bounds=randen[1:], legend_index=randen, tick_labels=[-buiten, 0.0, buiten], palette=palet)


def _kleuring_verandering(kaart: Kaart, niveau: str, indicator: str, areas: gpd.GeoDataFrame,
                          tijd: Tijd) -> Kleuring:
    kolom = variabelen(kaart.catalogus)[indicator]
    verschil = verandering.verschil(kaart, niveau, indicator, tijd.sinds, tijd.jaar, kolom.eenheid)
    values = verschil["verschil"].reindex(areas.index)
    richting = verandering.richting(kaart.catalogus, indicator)
    classes = verschilklassen(values, richting)
    eenheid = verandering.verschileenheid(kolom.eenheid)
    kop = f"{kolom.label}: verschil {tijd.sinds}–{tijd.jaar}"
    uitleg = "rood: meer druk, blauw: minder druk" if richting else "oranje: gestegen, paars: gedaald"
    gemeenten = {}
    if niveau != "gemeente" and "gemeente" in kaart.gebieden:
        per_gemeente = verandering.verschil(kaart, "gemeente", indicator, tijd.sinds, tijd.jaar, kolom.eenheid)
        gemeenten = {code: verandering.verschiltekst(r.verschil, kolom.eenheid, r.status)
                     for code, r in per_gemeente.dropna(subset=["verschil"]).iterrows()}
    return Kleuring(classes, _met_eenheid(kop, eenheid), classes.tick_labels if classes else [],
                    bool(values.isna().any()), gemeenten, {"jaar": tijd.jaar, "sinds": tijd.sinds},
                    verandering.GEEN_VERSCHIL, (uitleg,), True)


SCHERM_PX = 1000
"""The map's width in pixels that the start zoom is chosen for (a laptop; phones zoom out one step)."""


def start_zoom(areas: gpd.GeoDataFrame) -> int:
    """The web-map zoom at which the level's whole extent fits a map of about SCHERM_PX pixels, 5 to 18:
    the detail the areas are first fetched in."""
    minx, _, maxx, _ = gpd.GeoSeries([shapely.box(*areas.total_bounds)], crs=areas.crs).to_crs(
        webgeometrie.RD_NEW).total_bounds
    breedte = max(float(maxx - minx), 1.0)
    return int(np.clip(np.floor(np.log2(SCHERM_PX * webgeometrie.METRES_PER_PIXEL_Z0 / breedte)), 5, 18))


class GebiedenLaag(MacroElement):
    """The areas layer of the map: filled from the API by ``KaartGebieden.laag`` (static/gebieden.js)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        KaartGebieden.laag({{ this.kaart.get_name() }}, {{ this._parent.get_name() }}, {{ this.instellingen|tojson }});
        {% endmacro %}
    """)

    def __init__(self, kaart: folium.Map, instellingen: dict):
        super().__init__()
        self._name = "GebiedenLaag"
        self.kaart, self.instellingen = kaart, instellingen


class LegendaTeksten(MacroElement):
    """The legend ticks' Dutch text (``1.234``, ``7,6``), for static/d3-nl.js: branca's legend draws its ticks in
    the browser with d3, and the browser formats no number itself (see :mod:`kaart.getallen`)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        window.LegendaTeksten = {{ this.teksten|tojson }};
        {% endmacro %}
    """)

    def __init__(self, ticks: list[float], teken: bool = False):
        super().__init__()
        self._name = "LegendaTeksten"
        self.teksten = {_js_getal(v): met_teken(v, _decimalen(v)) if teken and v else getal(v, _decimalen(v))
                        for v in ticks}


def _decimalen(x: float) -> int:
    """The decimals a tick needs, up to two, so class breaks 7,6 and 8,4 do not both show as 8."""
    return next((d for d in (0, 1) if abs(x - round(x, d)) <= 1e-9), 2)


def _js_getal(x: float) -> str:
    """A number as JavaScript's ``String(x)`` writes it, the key the browser looks its tick text up by."""
    x = float(x)
    return str(int(x)) if x.is_integer() else repr(x)


LEGENDA_BREEDTE = 280
"""The colour bar's width in pixels: beside the zoom buttons on a 390 px phone."""


TICK_AFSTAND = 0.25
"""The least distance between two tick labels on the colour bar, as a share of its length: closer, they
would run into each other."""


def uitgedund(ticks: list[float], houd: float | None = None) -> list[float]:
    """The tick labels that fit the bar: both ends, ``houd`` (the drukpunt threshold) when it is one, and the
    inner breaks that keep TICK_AFSTAND from every label kept. The colours still show every class."""
    if len(ticks) < 3:
        return list(ticks)
    lo, hi = ticks[0], ticks[-1]
    span = (hi - lo) or 1.0
    vast = [lo, hi] + ([houd] if houd in ticks else [])
    gehouden = list(vast)
    for t in ticks[1:-1]:
        if t not in gehouden and all(abs(t - g) / span >= TICK_AFSTAND for g in gehouden):
            gehouden.append(t)
    return sorted(gehouden)


def titel(kolom: Variabele) -> str:
    """The legend's title: the label, with the unit once (not when the label already says it:
    "Aantal inwoners", not "Aantal inwoners (inwoners)")."""
    return _met_eenheid(kolom.label, kolom.eenheid)


def _met_eenheid(label: str, eenheid: str) -> str:
    eenheid = eenheid.strip()
    if not eenheid or eenheid.lower() in label.lower() or eenheid in ("aantal", "score"):
        return label
    return f"{label} ({eenheid})"


def _add_drukpuntgebieden(m: folium.Map, clusters: gpd.GeoDataFrame) -> None:
    """Clusters of adjacent drukpunten (Local Moran hot spots) as dashed outlines, on top of the colours."""
    data = gpd.GeoDataFrame(
        {"gebied": clusters["drukpuntgebied"].map(lambda n: f"Drukpuntgebied {int(n)}"),
         "uitleg": [escape_text(f"{n} aangrenzende gebieden met een hoge drukpuntscore ({g})")
                    for n, g in zip(clusters["gebieden"], clusters["gemeenten"])]},
        geometry=webgeometrie.web(clusters.geometry, webgeometrie.GEBIEDEN), index=clusters.index)
    folium.GeoJson(
        data.to_geo_dict(), name="Drukpuntgebieden (clusters)",
        style_function=lambda f: {"fill": False, "color": "#b2182b", "weight": 3.5, "dashArray": "8 6"},
        tooltip=folium.GeoJsonTooltip(fields=["gebied", "uitleg"], labels=False),
    ).add_to(m)


def _add_voorzieningen(m: folium.Map, punten: gpd.GeoDataFrame) -> None:
    """One clustered, toggleable layer per facility category, each marker the category's symbol.

    The symbols are drawn in HTML and CSS (the vocabulary's letters and
    colours), so no icon font or image has to come from anywhere.
    """
    punten = punten[punten.geometry.notna() & ~punten.geometry.is_empty].to_crs("EPSG:4326")
    labels = categorieen()
    aanwezig = [c for c in labels.values() if (punten["categorie"] == c.naam).any()]
    for cat in aanwezig:
        groep = punten[punten["categorie"] == cat.naam]
        cluster = MarkerCluster(
            name=escape_text(f"{cat.meervoud[0].upper()}{cat.meervoud[1:]} ({len(groep)})"),
            icon_create_function=_CLUSTER_ICON.replace("KLEUR", html.escape(cat.kleur)),
            options={"showCoverageOnHover": False, "maxClusterRadius": 40},
        ).add_to(m)
        icon = _symbool(cat)
        for punt in groep.itertuples():
            folium.Marker([punt.geometry.y, punt.geometry.x], icon=folium.DivIcon(**icon),
                          popup=folium.Popup(_popup(punt, cat), max_width=300),
                          tooltip=escape_text(getattr(punt, "naam", ""))).add_to(cluster)
    if aanwezig:
        # Every part is escaped: symbols come from _symbool, labels through escape_text, counts are integers.
        regels = "".join(f'<div class="regel">{_symbool(c)["html"]} {escape_text(c.label)} '
                         f'({int((punten["categorie"] == c.naam).sum())})</div>' for c in aanwezig)
        # Folded shut on a phone by static/kaarten.js, where it would cover the map.
        LegendBox(f'<details open class="inklapbaar"><summary>Voorzieningen</summary>{regels}</details>',
                  "legenda-voorzieningen", "bottomright").add_to(m)


_CLUSTER_ICON = """function (cluster) {
    return L.divIcon({html: '<span style="background:KLEUR">' + cluster.getChildCount() + '</span>',
                      className: 'vz-cluster', iconSize: [30, 30]});
}"""
"""A cluster of one category: its count on the category's colour."""


def _symbool(cat) -> dict:
    """The DivIcon arguments of a category's map symbol: its letters on its colour."""
    return {"html": f'<span class="vz-symbool" style="background:{html.escape(cat.kleur)}">'
                    f"{html.escape(cat.afkorting)}</span>",
            "icon_size": (24, 24), "icon_anchor": (12, 12), "class_name": f"vz-marker vz-{cat.naam}"}


def _popup(punt, cat) -> str:
    """A facility's popup: name, category, and places, address and source where known (all escaped)."""
    regels = [f"<strong>{escape_text(getattr(punt, 'naam', ''))}</strong>", escape_text(cat.label)]
    plaatsen = getattr(punt, "plaatsen", None)
    if plaatsen is not None and pd.notna(plaatsen):
        regels.append(f"{int(plaatsen)} plaatsen")
    for veld in ("adres", "bron"):
        waarde = getattr(punt, veld, None)
        if waarde is not None and pd.notna(waarde) and str(waarde).strip():
            regels.append(("Bron: " if veld == "bron" else "") + escape_text(waarde))
    return "<br>".join(regels)


def render_parts(m: folium.Map, asset_url: Callable[[str], str]) -> MapParts:
    """Render a map with every asset pointing at the app's own copy (see :func:`webapp.assets.localize`)."""
    root = m.get_root()
    root.render()
    localize(root, asset_url)
    # folium's viewport meta forbids zooming the page (WCAG 1.4.4); the page's own meta tag allows it.
    header = re.sub(r"<meta name=\"viewport\"[^>]*>", "", root.header.render())
    return MapParts(header=header, html=root.html.render(), script=root.script.render())


class MapCache:
    """Rendered maps per (niveau, indicator), each built on first request and then kept; maps of another year
    or of a change per (niveau, indicator, jaar, sinds), the most recent TIJDKAARTEN of them.

    ``builds`` counts the maps built, so tests can see that a second request
    reuses the first one's map. Two first requests for the same map build it
    once (see :class:`webapp.bewaard.Bewaard`).
    """

    def __init__(self, kaart: Kaart, asset_url: Callable[[str], str]):
        self._kaart = kaart
        self._asset_url = asset_url
        self._parts = Bewaard(None)  # a level's indicators are a bounded set
        self._tijd = Bewaard(TIJDKAARTEN)  # years times years times indicators: too many to keep all
        self.builds = 0

    def get(self, niveau: str, indicator: str, tijd: Tijd | None = None) -> MapParts:
        """The rendered map of ``indicator`` at ``niveau`` (both already checked against the kaart), of the
        year and change ``tijd`` asks (checked too; none: the kaart's own)."""
        if tijd is None or tijd.is_nu(self._kaart):
            return self._parts((niveau, indicator), lambda: self._build(niveau, indicator, None))
        return self._tijd((niveau, indicator, tijd), lambda: self._build(niveau, indicator, tijd))

    def _build(self, niveau: str, indicator: str, tijd: Tijd | None) -> MapParts:
        self.builds += 1
        return render_parts(build_map(self._kaart, niveau, indicator, tijd), self._asset_url)


TIJDKAARTEN = 48
"""Maps of another year or of a change kept (least recently used dropped)."""
