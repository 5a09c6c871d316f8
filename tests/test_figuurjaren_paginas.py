"""Every page and download says which year a figure is from (issue #17, parts 3 and 4), over real HTTP on the
demo of several years, whose buurten lack income in the newest table and take it from the year before.

The expected years come from ``kaart.reeksen.jaar_van`` (what the build recorded), not from the pages' own
lookup (``kaart.figuurjaren``), so a page that put the year on the wrong cell fails here.
"""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
import requests
from _browser import wijs_aan
from test_browser import ClosedNetworkPage, _open_buurt, _screen_point
from test_cli import run

from kaart import reeksen
from kaart.profielen import profiel

INKOMEN = "ind_gemiddeld_inkomen"


def _get(url: str, **params) -> requests.Response:
    response = requests.get(url, params=params, timeout=60)
    assert response.status_code == 200, response.text[:500]
    return response


@pytest.fixture(scope="module")
def jaren(demo_kaart) -> pd.Series:
    """Per buurt the year of its average income, as the build recorded it."""
    return reeksen.jaar_van(demo_kaart, "buurt", INKOMEN)


@pytest.fixture(scope="module")
def oud_en_nieuw(demo_kaart, jaren) -> tuple[str, str, int]:
    """A buurt whose income is from an older year, an area (a buurt if there is one, else a wijk) whose income
    is the kaart's own, and that older year."""
    ouder = jaren[jaren < demo_kaart.jaar]
    assert len(ouder), "the demo should have buurten whose income is from an older year"
    buurten = demo_kaart.gebieden["buurt"]
    oud = next(c for c in ouder.index if pd.notna(buurten.at[c, INKOMEN]))
    eigen = [c for c in jaren.index[jaren == demo_kaart.jaar] if pd.notna(buurten.at[c, INKOMEN])]
    if not eigen:
        wijken = reeksen.jaar_van(demo_kaart, "wijk", INKOMEN)
        eigen = list(wijken.index[wijken == demo_kaart.jaar])
    return oud, eigen[0], int(ouder[oud])


def _rij(html: str, label: str) -> str:
    """The HTML of the table row of indicator ``label`` (the first one on the page)."""
    return re.search(rf"<span class=\"label\">{re.escape(label)}</span>(.*?)</tr>", html, re.S).group(1)


def _cellen(rij: str) -> list[str]:
    return re.findall(r"<td class=\"[^\"]*\">(.*?)</td>", rij, re.S)


def test_the_profile_says_the_year_beside_an_older_figure_and_in_its_source_line(site, demo_kaart, oud_en_nieuw):
    oud, nieuw, jaar = oud_en_nieuw
    label = demo_kaart.catalogus["gemiddeld_inkomen"].label
    html = _get(f"{site}/gebied/{oud}").text
    gebied = _cellen(_rij(html, label))[0]
    assert f"(cijfer van {jaar})" in gebied
    assert re.search(rf"<p class=\"bron jaren\">Cijfers van {demo_kaart.jaar};[^<]*{jaar}[^<]*gemiddeld inkomen", html)
    assert re.search(rf"<footer class=\"voet\">[^<]*deels cijfers van {jaar}", html)
    # A figure of the kaart's own year carries no note: said once, in the source line.
    assert "cijfer van" not in _cellen(_rij(html, demo_kaart.catalogus["aandeel_65plus"].label))[0]
    eigen = _get(f"{site}/gebied/{nieuw}").text
    assert "cijfer van" not in _cellen(_rij(eigen, label))[0]


def test_the_ranking_says_which_scores_weigh_an_older_figure(site, demo_kaart, jaren):
    p = profiel("algemeen")
    gewogen = [f"ind_{i}" for i, g in p.gewichten.items() if g > 0]
    verwacht = pd.concat([reeksen.jaar_van(demo_kaart, "buurt", k) for k in gewogen], axis=1).min(axis=1)
    html = _get(f"{site}/drukpunten", niveau="buurt", profiel="algemeen").text
    rijen = re.findall(r'<th scope="row"><a href="/gebied/(\w+)">.*?</th>\s*<td>(.*?)</td>(.*?)</tr>', html, re.S)
    assert rijen
    for code, score, rest in rijen:
        if verwacht[code] < demo_kaart.jaar:
            assert f"(met cijfers van {verwacht[code]})" in score, code
        else:
            assert "cijfers van" not in score, code
        # A reason naming the income of an older year says so.
        redenen = re.search(r'<td class="redenen">(.*?)</td>', rest, re.S).group(1)
        naam = demo_kaart.catalogus["gemiddeld_inkomen"].label
        if naam in redenen:
            na = redenen.split(naam)[1].split("(")[0]  # the value and what follows it, up to its references
            assert (f"cijfer van {jaren[code]}" in na) == (jaren[code] < demo_kaart.jaar)
    assert any(verwacht[c] < demo_kaart.jaar for c, _, _ in rijen), "no ranked buurt weighs an older figure"
    assert re.search(rf"Cijfers van {demo_kaart.jaar}; waar {demo_kaart.jaar} een cijfer nog niet heeft", html)

    lijst = pd.read_csv(io.BytesIO(_get(f"{site}/drukpunten.csv", niveau="buurt", profiel="algemeen").content),
                        sep=";", decimal=",", encoding="utf-8-sig", index_col="code")
    assert lijst["drukpuntscore_jaar"].dropna().astype(int).to_dict() == \
        verwacht.reindex(lijst.index)[lijst["drukpuntscore"].notna()].astype(int).to_dict()
    assert "‘…_jaar’" in lijst["jaar_per_cijfer"].iloc[0]


def test_the_comparison_marks_the_older_figure_only(site, demo_kaart, oud_en_nieuw):
    oud, nieuw, jaar = oud_en_nieuw
    label = demo_kaart.catalogus["gemiddeld_inkomen"].label
    html = _get(f"{site}/vergelijk", codes=f"{oud},{nieuw}").text
    cellen = _cellen(_rij(html, label))
    assert f"(cijfer van {jaar})" in cellen[0] and "cijfer van" not in cellen[1]
    assert f"staat dat van {jaar}" in html

    tabel = pd.read_csv(io.BytesIO(_get(f"{site}/vergelijk.csv", codes=f"{oud},{nieuw}").content), sep=";",
                        decimal=",", encoding="utf-8-sig", index_col="indicator")
    kolom = next(k for k in tabel.columns if k.endswith(f"({oud}) (jaar)"))
    assert tabel.at[label, kolom] == jaar
    assert tabel.at[demo_kaart.catalogus["aandeel_65plus"].label, kolom] == demo_kaart.jaar
    assert not any(k.endswith(f"({nieuw}) (jaar)") for k in tabel.columns)


def test_the_map_csv_carries_the_year_of_each_figure(site, demo_kaart, jaren):
    label = demo_kaart.catalogus["gemiddeld_inkomen"].label
    data = pd.read_csv(io.BytesIO(_get(f"{site}/export.csv", niveau="buurt", indicator=INKOMEN).content), sep=";",
                       decimal=",", encoding="utf-8-sig", index_col="code")
    jaar = data[f"{label} (jaar)"]
    heeft = data[label].notna()
    assert jaar[heeft].astype(int).to_dict() == jaren[heeft.index[heeft]].to_dict()
    assert jaar.isna().equals(~heeft)
    assert set(jaar.dropna().astype(int)) >= {int(jaren.min())}
    assert "naast een cijfer" in data["jaar_per_cijfer"].iloc[0]
    # A figure of the kaart's year everywhere gets no year column: the file's jaar says it.
    inwoners = pd.read_csv(io.BytesIO(_get(f"{site}/export.csv", niveau="buurt", indicator="inwoners").content),
                           sep=";", decimal=",", encoding="utf-8-sig")
    assert not any("(jaar)" in k for k in inwoners.columns) and "jaar_per_cijfer" not in inwoners
    # The wijken kept their own income: all of the kaart's year, said once.
    wijken = pd.read_csv(io.BytesIO(_get(f"{site}/export.csv", niveau="wijk", indicator=INKOMEN).content),
                         sep=";", decimal=",", encoding="utf-8-sig")
    assert (f"{label} (jaar)" in wijken) == (reeksen.jaar_van(demo_kaart, "wijk", INKOMEN) != demo_kaart.jaar).any()


def test_the_map_says_the_year_in_the_tooltip_settings_and_the_legend(site, demo_kaart, jaren):
    html = _get(f"{site}/", niveau="buurt", indicator=INKOMEN).text
    ouder = jaren[(jaren < demo_kaart.jaar) & demo_kaart.gebieden["buurt"][INKOMEN].notna()]
    for code, jaar in ouder.items():
        assert f'"{code}": "cijfer van {jaar}"' in html
    eigen = jaren.index[jaren == demo_kaart.jaar]
    assert not any(f'"{code}": "cijfer van' in html for code in eigen)
    for jaar, n in ouder.value_counts().items():
        assert f"{n} van de " in html and f"gebieden: cijfer van {jaar}" in html


def test_kaart_info_lists_the_years_and_the_filled_figures(demo_kaart, demo_kaart_pad):
    result = run("info", demo_kaart_pad)
    assert result.returncode == 0, result.stderr
    assert f"Jaren: {', '.join(map(str, reeksen.jaren(demo_kaart)))}" in result.stdout
    gevuld = demo_kaart.tabellen[reeksen.AANGEVULD]
    for (niveau, kolom, jaar), n in gevuld.groupby(["niveau", "kolom", "jaar"]).size().items():
        assert f"  {niveau} {kolom}: {n}× uit {jaar}" in result.stdout



@pytest.mark.browser
def test_the_tooltip_and_legend_say_the_year_in_chromium(chromium, site, demo_kaart, jaren):
    pagina = ClosedNetworkPage(chromium)
    try:
        buurt, punt = _open_buurt(demo_kaart)
        page = pagina.open(f"{site}/?niveau=buurt&indicator={INKOMEN}")
        wijs_aan(page, *_screen_point(page, punt))
        tooltip = page.locator(".leaflet-tooltip")
        tooltip.wait_for(state="visible")
        jaar = jaren[buurt.name]
        assert jaar < demo_kaart.jaar  # the demo's buurten take their income from the year before
        assert f"(cijfer van {jaar})" in tooltip.inner_text()
        assert f"cijfer van {jaar}" in page.locator(".legenda-geen-gegevens .bron").inner_text()
        assert pagina.errors == []
    finally:
        pagina.context.close()
