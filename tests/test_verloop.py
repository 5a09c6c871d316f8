"""Each indicator's course on the gebiedsprofiel: the area, its gemeente, the region and the Netherlands, over
HTTP and in Chromium at a phone's width and on paper.

The site serves the multi-year demo (2020-2023) with a national row for every year added here: the fictitious
demo has none, and a real kaart has CBS's. The Netherlands' numbers on the page are compared with those rows,
the gemeente's with its series, the region's newest with the region the profile shows today.
"""

from __future__ import annotations

import copy
import re

import pandas as pd
import pytest
import requests
from _browser import gesloten_pagina

from kaart import reeksen
from kaart.getallen import weergave
from kaart.jaargangen import NEDERLAND
from kaart.kaartbestand import write_kaart
from kaart.variabelen import variabelen

REFERENTIES = ["gebied", "gemeente", "regio", "nederland"]
TELEFOON = {"width": 390, "height": 844}
PAPIER = {"width": 680, "height": 960}
"""An A4 page's printable width (210 mm less 15 mm margins) in CSS pixels."""


def _landelijk(kaart, jaar: int) -> pd.DataFrame:
    """A made-up national row of ``jaar``: every indicator 1.1 times the first gemeente's of that year."""
    gemeente = kaart.gebieden["gemeente"].index[0]
    if jaar == kaart.jaar:
        waarden = kaart.gebieden["gemeente"].loc[gemeente, [ind.kolom for ind in kaart.catalogus]]
    else:
        tabel = reeksen.reeksen(kaart)
        deel = tabel[(tabel["niveau"] == "gemeente") & (tabel["code"] == gemeente) & (tabel["jaar"] == jaar)]
        waarden = deel.set_index("kolom")["waarde"].reindex([ind.kolom for ind in kaart.catalogus])
    return (pd.to_numeric(waarden, errors="coerce") * 1.1).round(2).to_frame(NEDERLAND[1]).T


@pytest.fixture(scope="module")
def kaart(demo_kaart):
    """The multi-year demo with a national row per year: older years in the series, the own year as a table."""
    kaart = copy.deepcopy(demo_kaart)
    for jaar in reeksen.jaren(kaart):
        if jaar != kaart.jaar:
            reeksen.voeg_toe(kaart, NEDERLAND[0], jaar, _landelijk(kaart, jaar))
    kaart.tabellen["nederland"] = _landelijk(kaart, kaart.jaar).rename_axis("code").reset_index().assign(
        cijfers="officieel")
    return kaart


@pytest.fixture(scope="module")
def demo_kaart_pad(kaart, tmp_path_factory):
    """What ``site`` serves in this module: ``kaart``."""
    return write_kaart(kaart, tmp_path_factory.mktemp("verloop") / "jaren.gpkg")


@pytest.fixture(scope="module")
def buurt(kaart) -> str:
    """A buurt with inhabitants, in a gemeente."""
    buurten = kaart.gebieden["buurt"]
    return buurten.index[buurten["inwoners"].fillna(0) > 500][0]


def _verlopen(html: str) -> dict[str, str]:
    """Indicator label -> its course (the figure with the chart and the numbers table), as served."""
    figuren = re.findall(r'<figure class="verloop">(.*?)</figure>', html, re.S)
    return {re.search(r"<caption>(.*?), \d{4}–\d{4}</caption>", f).group(1): f for f in figuren}


def test_a_buurts_profile_shows_four_series_over_the_same_years(site, kaart, buurt):
    antwoord = requests.get(f"{site}/gebied/{buurt}", timeout=120)
    assert antwoord.status_code == 200
    verlopen = _verlopen(antwoord.text)
    assert len(verlopen) > 5
    jaren = [str(j) for j in reeksen.jaren(kaart)]
    gemeente = kaart.gebieden["buurt"].at[buurt, "gemeentecode"]
    vars_ = variabelen(kaart.catalogus)
    gezien = 0
    for ind in kaart.catalogus:
        blok = verlopen.get(ind.label)
        if blok is None:
            continue
        heads = re.findall(r'<th scope="col" class="(\w+)">', blok)
        assert heads == REFERENTIES, ind.label
        rijen = re.findall(r'<tr><th scope="row">(\d{4})</th>\s*(.*?)</tr>', blok, re.S)
        assert [j for j, _ in rijen] == jaren, ind.label  # the same years for all four
        cellen = {int(j): [re.sub(r"\s*<span.*", "", c, flags=re.S) for c in re.findall(r"<td>(.*?)</td>", r, re.S)]
                  for j, r in rijen}
        assert all(len(c) == 4 for c in cellen.values())
        eenheid = vars_[ind.kolom].eenheid
        for jaar, waarde in reeksen.reeks(kaart, "gemeente", gemeente, ind.kolom)["waarde"].items():
            assert cellen[jaar][1] == weergave(waarde, eenheid, ind.label), (ind.label, jaar)
        for jaar in reeksen.jaren(kaart):
            landelijk = _landelijk(kaart, jaar).at[NEDERLAND[1], ind.kolom]
            assert cellen[jaar][3] == ("" if pd.isna(landelijk) else weergave(landelijk, eenheid, ind.label))
        regio = kaart.regio.iloc[0][ind.kolom]
        if reeksen.jaar_van(kaart, "gemeente", ind.kolom).eq(kaart.jaar).all() and pd.notna(regio):
            assert cellen[kaart.jaar][2] == weergave(regio, eenheid, ind.label), ind.label
            assert all(c[2] for c in cellen.values()), ind.label  # the region has every year
            assert set(re.findall(r'<polyline class="(\w+)"', blok)) == set(REFERENTIES)
            gezien += 1
    assert gezien > 5


def _maten(page) -> list[dict]:
    """Per course on the page: the chart's and the numbers box's edges, and the box's own widths."""
    return page.locator("figure.verloop").evaluate_all("""figuren => figuren.map(f => {
        const svg = f.querySelector('svg.verloop').getBoundingClientRect();
        const doos = f.querySelector('.verloopcijfers'), rand = doos.getBoundingClientRect();
        const tabel = f.querySelector('table.verlooptabel').getBoundingClientRect();
        return {svg: [svg.left, svg.right], doos: [rand.left, rand.right], tabel: [tabel.left, tabel.right],
                breed: doos.scrollWidth,
                zicht: doos.clientWidth, stalen: f.querySelectorAll('thead svg.lijnstaal').length};
    })""")


@pytest.mark.browser
def test_the_courses_fit_a_phone_and_a_printed_page(chromium, site, buurt):
    context, page, fouten = gesloten_pagina(chromium, TELEFOON)
    try:
        page.goto(f"{site}/gebied/{buurt}", timeout=120_000)
        assert page.evaluate("document.documentElement.scrollWidth") <= TELEFOON["width"]
        maten = _maten(page)
        assert len(maten) > 5
        for maat in maten:
            assert maat["stalen"] == 4  # the legend: a sample of each line in the column heads
            for links, rechts in (maat["svg"], maat["doos"]):
                assert 0 <= links and rechts <= TELEFOON["width"], maat  # the chart and the numbers on screen
        # A table wider than the phone scrolls in its own box, which a keyboard can reach.
        assert page.locator(".verloopcijfers").first.get_attribute("tabindex") == "0"
        page.set_viewport_size(PAPIER)
        page.emulate_media(media="print")
        for maat in _maten(page):  # paper cannot scroll: the whole table shows, on the page
            assert maat["breed"] <= maat["zicht"], maat
            for links, rechts in (maat["svg"], maat["tabel"]):
                assert 0 <= links and rechts <= PAPIER["width"], maat
        assert fouten == []
    finally:
        context.close()
