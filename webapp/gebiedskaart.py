"""The small map of a gebiedsprofiel: the area and its neighbours as a static SVG, drawn on the server.

A profile is printed and sent as a PDF, where a JavaScript map would be blank; a
static picture drawn from the kaart's own geometry (shapely, in RD New) looks the
same on screen, on paper and in the PDF. The area is dark, the areas of the same
level that touch it are light with their names, the rest of the view is pale.
:func:`drukpuntenkaart` draws the ranking page's map the same way: the whole
level, its drukpunten dark and the ranked areas numbered; :func:`ervaringenkaart` draws a plan's areas with
what its werksessies drew on them, for the plan's document.
"""

from __future__ import annotations

from dataclasses import dataclass

import shapely
from markupsafe import Markup, escape
from shapely.geometry import box

from kaart.kaartbestand import Kaart

BREEDTE = 600
"""The SVG's width in its own units (it scales to the page; text sizes are in these units)."""
RAND = 0.35
"""The margin around the area, as a share of its larger side: enough to show the neighbours' edges (the view
is then widened or heightened to a landscape shape)."""
RAAK = 1.0
"""Metres: areas this close count as touching (boundaries of separate sources do not meet exactly)."""
VLAK = {"gebied": 'fill="#154273" fill-opacity="0.85" stroke="#0b2a4a" stroke-width="2.5"',
        "buur": 'fill="#dfe7f0" stroke="#5a6f86" stroke-width="1.2"',
        "overig": 'fill="#f3f3f3" stroke="#b5b5b5" stroke-width="0.8"'}
"""How each kind of area is drawn, as SVG presentation attributes (the same in a browser and in WeasyPrint)."""
TEKST = {"gebied": 'font-size="17" font-weight="700" fill="#ffffff"',
         "buur": 'font-size="13" fill="#1f2f40"'}
RANGTEKST = {"gebied": 'font-size="12" font-weight="700" fill="#ffffff"',
             "buur": 'font-size="12" font-weight="700" fill="#1f2f40"'}
"""The rank numbers of the drukpunten map: smaller than names, many areas are numbered."""


@dataclass(frozen=True)
class Gebiedskaart:
    """The map as SVG markup, and the names of the neighbours it shows (for the caption and a text list)."""

    svg: Markup
    buren: list[tuple[str, str]]
    """The touching areas of the same level as (code, name), by name."""


def gebiedskaart(kaart: Kaart, niveau: str, code: str) -> Gebiedskaart | None:
    """The map of area ``code`` at ``niveau`` with its neighbours; None when the area has no geometry."""
    frame = kaart.gebieden[niveau]
    vorm = frame.geometry.get(code)
    if vorm is None or vorm.is_empty:
        return None
    minx, miny, maxx, maxy = vorm.bounds
    rand = RAND * max(maxx - minx, maxy - miny, 1.0)
    breed, hoog = maxx - minx + 2 * rand, maxy - miny + 2 * rand
    # At most as tall as wide and at least 0.6 as tall: the map sits beside text, on a phone and on A4.
    extra_x, extra_y = max(0.0, hoog - breed) / 2, max(0.0, 0.6 * breed - hoog) / 2
    beeld = box(minx - rand - extra_x, miny - rand - extra_y, maxx + rand + extra_x, maxy + rand + extra_y)
    punt, schaal, hoogte = _projectie(beeld.bounds)
    in_beeld = frame[frame.geometry.notna() & frame.geometry.intersects(beeld)]
    raakt = in_beeld.geometry.distance(vorm) <= RAAK
    buren = sorted(((str(c), str(n)) for c, n, r in zip(in_beeld.index, in_beeld["naam"], raakt)
                    if r and c != code), key=lambda b: b[1])
    tolerantie = 1 / schaal  # one SVG unit: finer detail is invisible
    vlakken, namen = [], []
    for c, geom, naam, is_buur in zip(in_beeld.index, in_beeld.geometry, in_beeld["naam"], raakt):
        soort = "gebied" if c == code else "buur" if is_buur else "overig"
        deel = shapely.intersection(geom.simplify(tolerantie), beeld)
        if deel.is_empty:
            continue
        vlakken.append((soort, _pad(deel, punt), str(naam)))
        if soort != "overig":
            plek = deel.representative_point()
            namen.append((soort, punt(plek.x, plek.y).split(" "), str(naam)))
    # The area last, so its outline lies on top of its neighbours'.
    vlakken.sort(key=lambda v: v[0] == "gebied")
    delen = [f'<svg class="gebiedskaart" viewBox="0 0 {BREEDTE} {hoogte}" role="img" '
             f'aria-labelledby="gebiedskaart-titel" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="gebiedskaart-titel">Kaart van {escape(frame.at[code, "naam"])} en de gebieden eromheen'
             '</title>']
    for soort, pad, naam in vlakken:
        delen.append(f'<path class="{soort}" d="{pad}" {VLAK[soort]} fill-rule="evenodd"><title>{escape(naam)}</title></path>')
    for soort, (x, y), naam in namen:
        delen.append(f'<text class="{soort}" x="{x}" y="{y}" text-anchor="middle" {TEKST[soort]} '
                     f'font-family="sans-serif">{escape(naam)}</text>')
    delen.append("</svg>")
    return Gebiedskaart(svg=Markup("".join(delen)), buren=buren)


def drukpuntenkaart(kaart: Kaart, niveau: str, drukpunten: set[str], rangen: dict[str, int]) -> Markup:
    """The areas of ``niveau``: the ``drukpunten`` dark, the other ranked areas light, each area in
    ``rangen`` numbered with its rank, so the ranking's table and the map are read together."""
    frame = kaart.gebieden[niveau]
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    minx, miny, maxx, maxy = frame.total_bounds
    rand = 0.02 * max(maxx - minx, maxy - miny, 1.0)
    punt, schaal, hoogte = _projectie((minx - rand, miny - rand, maxx + rand, maxy + rand))
    tolerantie = 1 / schaal
    delen = [f'<svg class="gebiedskaart drukpuntenkaart" viewBox="0 0 {BREEDTE} {hoogte}" role="img" '
             f'aria-labelledby="drukpuntenkaart-titel" xmlns="http://www.w3.org/2000/svg">',
             '<title id="drukpuntenkaart-titel">Kaart van de drukpunten, met de rang van de hoogste scores</title>']
    nummers = []
    for code, geom, naam in zip(frame.index, frame.geometry, frame["naam"]):
        soort = "gebied" if code in drukpunten else "buur" if code in rangen else "overig"
        titel = f"{naam}: rang {rangen[code]}" if code in rangen else str(naam)
        delen.append(f'<path class="{soort}" d="{_pad(geom.simplify(tolerantie), punt)}" {VLAK[soort]} '
                     f'fill-rule="evenodd"><title>{escape(titel)}</title></path>')
        if code in rangen:
            plek = geom.representative_point()
            x, y = punt(plek.x, plek.y).split(" ")
            nummers.append(f'<text class="{soort}" x="{x}" y="{y}" text-anchor="middle" dominant-baseline="central" '
                           f'{RANGTEKST[soort]} font-family="sans-serif">{rangen[code]}</text>')
    delen += nummers + ["</svg>"]
    return Markup("".join(delen))


def ervaringenkaart(kaart: Kaart, gebieden: list[shapely.Geometry],
                    ervaringen: list[tuple[shapely.Geometry, str, str]]) -> Markup | None:
    """The areas of a plan (light, outlined) in the kaart's finest level, with what people drew in its
    werksessies on top: each drawing (point, line or area, in the kaart's CRS) in ``kleur`` and numbered with
    ``nummer`` as in the list beside it, given as (geometry, kleur, nummer). None without a drawing."""
    vormen = [v for v, _, _ in ervaringen if v is not None and not v.is_empty]
    if not vormen:
        return None
    frame = kaart.gebieden[list(kaart.gebieden)[-1]]
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    plan = shapely.union_all([g for g in gebieden if g is not None])
    minx, miny, maxx, maxy = shapely.union_all([plan, *vormen]).bounds
    rand = 0.1 * max(maxx - minx, maxy - miny, 200.0)
    beeld = box(minx - rand, miny - rand, maxx + rand, maxy + rand)
    punt, schaal, hoogte = _projectie(beeld.bounds)
    tolerantie = 1 / schaal
    delen = [f'<svg class="gebiedskaart ervaringenkaart" viewBox="0 0 {BREEDTE} {hoogte}" role="img" '
             'aria-labelledby="ervaringenkaart-titel" xmlns="http://www.w3.org/2000/svg">',
             '<title id="ervaringenkaart-titel">Kaart van de ervaringen uit de werksessies, genummerd als in de lijst'
             '</title>']
    for geom, naam in zip(frame.geometry, frame["naam"]):
        if geom.intersects(beeld):
            delen.append(f'<path class="overig" d="{_pad(shapely.intersection(geom.simplify(tolerantie), beeld), punt)}" '
                         f'{VLAK["overig"]} fill-rule="evenodd"><title>{escape(naam)}</title></path>')
    if not plan.is_empty:
        delen.append(f'<path class="buur" d="{_pad(plan.simplify(tolerantie), punt)}" {VLAK["buur"]} '
                     'fill-rule="evenodd"><title>Het gebied van het plan</title></path>')
    nummers = []
    for geom, kleur, nummer in ervaringen:
        if geom is None or geom.is_empty:
            continue
        if geom.geom_type == "Point":
            x, y = punt(geom.x, geom.y).split(" ")
            delen.append(f'<circle class="ervaring" cx="{x}" cy="{y}" r="7" fill="{kleur}" stroke="#fff" '
                         'stroke-width="1.5"/>')
        elif geom.geom_type == "LineString":
            lijn = "M" + " L".join(punt(x, y) for x, y in geom.coords)
            delen.append(f'<path class="ervaring" d="{lijn}" fill="none" stroke="{kleur}" stroke-width="4"/>')
        else:
            delen.append(f'<path class="ervaring" d="{_pad(geom, punt)}" fill="{kleur}" fill-opacity="0.35" '
                         f'stroke="{kleur}" stroke-width="2.5" fill-rule="evenodd"/>')
        links, _, rechts, boven = geom.bounds  # the number just above the drawing, not over it
        x, y = punt((links + rechts) / 2, boven).split(" ")
        nummers.append(f'<text x="{x}" y="{y}" dy="-9" text-anchor="middle" font-size="15" font-weight="700" '
                       f'fill="{kleur}" stroke="#fff" stroke-width="3" paint-order="stroke" '
                       f'font-family="sans-serif">{escape(nummer)}</text>')
    delen += nummers + ["</svg>"]
    return Markup("".join(delen))


def _projectie(bounds: tuple[float, float, float, float]):
    """From RD New to SVG units for a view of ``bounds``: the point function, the scale and the SVG's height."""
    x0, y0, x1, y1 = bounds
    schaal = BREEDTE / (x1 - x0)

    def punt(x: float, y: float) -> str:
        return f"{(x - x0) * schaal:.1f} {(y1 - y) * schaal:.1f}"

    return punt, schaal, round((y1 - y0) * schaal)


def _pad(geom, punt) -> str:
    """The SVG path of a (multi)polygon: each ring a closed subpath."""
    ringen = []
    for poly in getattr(geom, "geoms", [geom]):
        if poly.geom_type not in ("Polygon", "MultiPolygon"):
            continue
        for deel in getattr(poly, "geoms", [poly]):
            for ring in (deel.exterior, *deel.interiors):
                coords = list(ring.coords)
                ringen.append("M" + " L".join(punt(x, y) for x, y in coords) + " Z")
    return " ".join(ringen)
