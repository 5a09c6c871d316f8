"""The gebiedsprofiel page over real HTTP: figures against their references, family, facilities, errors."""

from __future__ import annotations

import copy
import re

import pandas as pd
import requests
from _server import running

from kaart import reeksen
from kaart.getallen import weergave
from kaart.indicatoren import catalogus
from kaart.kaartbestand import write_kaart
from webapp import create_app


def _page(url: str, status: int = 200) -> str:
    response = requests.get(url, timeout=60)
    assert response.status_code == status
    return response.text


def _rows(html: str) -> dict[str, list[str]]:
    """Indicator label -> the numbers in its row, as the page writes them."""
    rows = {}
    for match in re.finditer(r"<span class=\"label\">(.*?)</span>(.*?)</tr>", html, re.S):
        rows[match.group(1)] = re.findall(r"<span class=\"getal[^\"]*\">(.*?)</span>", match.group(2))
    return rows


def test_a_buurt_against_its_gemeente_and_the_region(site, demo_kaart):
    buurten = demo_kaart.gebieden["buurt"]
    code = buurten.index[buurten["drukpunt"].astype(bool)][0]
    buurt = buurten.loc[code]
    html = _page(f"{site}/gebied/{code}")
    assert buurt["naam"] in html and code in html
    rows = _rows(html)
    ind = catalogus()["aandeel_65plus"]
    gemeente = demo_kaart.gebieden["gemeente"].loc[buurt["gemeentecode"]]
    regio = demo_kaart.extra["regio"].iloc[0]
    expected = [f"{v:.1f}%".replace(".", ",") for v in (buurt[ind.kolom], gemeente[ind.kolom], regio[ind.kolom])]
    assert rows[ind.label] == expected
    # The drukpunt and why, in words.
    assert "Dit gebied is een drukpunt." in html
    assert buurt["drukpunt_redenen"].split(";")[0].replace("%", "") in html.replace("%", "")
    # Every figure carries its source and year.
    assert html.count('<span class="bron">Bron: ') == len(rows)
    gebouwd = demo_kaart.metadata["gebouwd_op"][:4]
    assert f'<span class="bron">{demo_kaart.voorzieningen_bronvermelding}, {gebouwd}</span>' in html
    # No national figures known for the demo: no column for them.
    assert "<th scope=\"col\">Nederland</th>" not in html


def test_parents_and_children_link_to_their_profiles(site, demo_kaart):
    buurt = demo_kaart.gebieden["buurt"].iloc[0]
    html = _page(f"{site}/gebied/{buurt.name}")
    assert f'href="/gebied/{buurt["wijkcode"]}"' in html and f'href="/gebied/{buurt["gemeentecode"]}"' in html
    wijk_html = _page(f"{site}/gebied/{buurt['wijkcode']}")
    buurten = demo_kaart.gebieden["buurt"]
    kinderen = buurten.index[buurten["wijkcode"] == buurt["wijkcode"]]
    assert all(f'href="/gebied/{k}"' in wijk_html for k in kinderen)
    gemeente_html = _page(f"{site}/gebied/{buurt['gemeentecode']}")
    wijken = demo_kaart.gebieden["wijk"]
    assert all(f'href="/gebied/{w}"' in gemeente_html
               for w in wijken.index[wijken["gemeentecode"] == buurt["gemeentecode"]])


def test_facilities_in_the_area_and_the_distance_to_the_nearest(site, demo_kaart):
    punten = demo_kaart.extra["voorzieningen"]
    punt = punten[punten["categorie"] == "huisarts"].iloc[0]
    buurten = demo_kaart.gebieden["buurt"]
    code = buurten.index[buurten.geometry.covers(punt.geometry)][0]
    html = _page(f"{site}/gebied/{code}")
    assert punt["naam"] in html
    assert "<th scope=\"row\">Huisartsenpraktijk</th><td>" in html


def test_an_unknown_code_is_a_dutch_404(site):
    html = _page(f"{site}/gebied/BU00000000", 404)
    assert "Er is geen gebied met code ‘BU00000000’" in html
    assert "Traceback" not in html


def test_names_on_the_profile_are_escaped(tmp_path, demo_eenjarig):
    kaart = copy.deepcopy(demo_eenjarig)
    buurten = kaart.gebieden["buurt"]
    code = buurten.index[0]
    buurten.loc[code, "naam"] = "<script>alert(1)</script>"
    kaart.extra["voorzieningen"].loc[0, "naam"] = "<img src=x onerror=alert(2)>"
    with running(create_app({"KAART_PAD": write_kaart(kaart, tmp_path / "k.gpkg")},
                            instance_path=tmp_path / "instance")) as url:
        html = _page(f"{url}/gebied/{code}") + _page(f"{url}/gebied/{buurten.at[code, 'wijkcode']}")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "<img src=x" not in html


def test_the_page_has_a_print_stylesheet(site):
    css = _page(f"{site}/static/kaart.css")
    assert "@media print" in css and "size: A4" in css


def test_values_from_percentages_and_missing_profile_indicators_are_said(shared_file, tmp_path):
    """Real 2023 buurten give the 65+ share as a percentage only: the page stars it and explains the star;
    the default profile's housing and income indicators are not in that file, and the page says so."""
    from kaart.bouwen import Bron, build_kaart
    from layers.bestanden import load_bestand

    lagen = load_bestand(shared_file("drechtsteden_2023/buurten_2023_drechtsteden.geojson"), jaar=2023)
    kaart = build_kaart([Bron(l.rijen, l.info) for l in lagen], gemeenten=["GM0505"], jaar=2023,
                        titel="Dordrecht", bron="bestanden")
    pad = write_kaart(kaart, tmp_path / "dordrecht.gpkg")
    buurten = kaart.gebieden["buurt"]
    code = buurten.index[buurten["ind_aandeel_65plus"].notna()][0]
    with running(create_app({"KAART_PAD": pad}, instance_path=tmp_path / "instance")) as url:
        html = _page(f"{url}/gebied/{code}")
    rows = _rows(html)
    assert rows[catalogus()["aandeel_65plus"].label][0].endswith('<abbr title="afgeleid uit een percentage">*</abbr>')
    assert "* afgeleid uit een percentage: de bron geeft hier alleen het percentage" in html
    assert "Corporatiewoningen" in html.split('class="ontbrekend"')[1].split("</p>")[0]


def test_the_map_shows_the_area_and_names_its_neighbours(site, demo_kaart):
    buurten = demo_kaart.gebieden["buurt"]
    code = buurten.index[0]
    html = _page(f"{site}/gebied/{code}")
    svg = html.split('<svg class="gebiedskaart"')[1].split("</svg>")[0]
    assert svg.count('<path class="gebied"') == 1
    buren = buurten.index[(buurten.geometry.distance(buurten.geometry[code]) <= 1.0) & (buurten.index != code)]
    assert len(buren) > 0
    for buur in buren:
        assert f">{buurten.at[buur, 'naam']}</text>" in svg
    assert "bron van de grenzen" in html.lower().split("<figcaption>")[1]
    assert html.count("Fictieve voorbeeldregio") == 1  # the banner says it, on paper too; the caption not again


def test_the_pdf_is_a_download_with_a_dutch_name_and_the_area_in_it(site, demo_kaart):
    import io

    from pypdf import PdfReader

    wijk = demo_kaart.gebieden["wijk"].iloc[0]
    response = requests.get(f"{site}/gebied/{wijk.name}.pdf", timeout=120)
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert f"Gebiedsprofiel {wijk['naam']} (wijk).pdf" in response.headers["Content-Disposition"]
    tekst = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert wijk["naam"] in tekst and wijk.name in tekst


def test_the_pdf_of_an_unknown_code_is_a_dutch_404(site):
    html = _page(f"{site}/gebied/BU00000000.pdf", 404)
    assert "Er is geen gebied met code ‘BU00000000’" in html and "Traceback" not in html


def test_the_page_buttons_use_a_script_file_not_an_inline_handler(site, demo_kaart):
    html = _page(f"{site}/gebied/{demo_kaart.gebieden['buurt'].index[0]}")
    assert '<script src="/static/afdrukken.js"></script>' in html and "onclick" not in html
    assert 'href="/gebied/' in html and '.pdf" download>PDF downloaden</a>' in html
    assert "window.print" in _page(f"{site}/static/afdrukken.js")


def test_a_kaart_of_several_years_shows_each_indicators_course(demo_eenjarig, tmp_path):
    """Two earlier years of the share of 65+ for every wijk and gemeente, one wijk's first year estimated."""
    kaart = copy.deepcopy(demo_eenjarig)
    wijk = "WK990101"
    for niveau in ("wijk", "gemeente"):
        cijfers = kaart.gebieden[niveau][["ind_aandeel_65plus"]].astype(float)
        status = pd.DataFrame("officieel", index=cijfers.index, columns=cijfers.columns)
        if niveau == "wijk":
            status.loc[wijk] = "geschat (grenswijziging)"
        reeksen.voeg_toe(kaart, niveau, 2019, cijfers * 0.9, status)
        reeksen.voeg_toe(kaart, niveau, 2021, cijfers * 0.95)
    app = create_app({"KAART_PAD": write_kaart(kaart, tmp_path / "jaren.gpkg"), "LOCATIESERVER_URL": ""},
                     instance_path=tmp_path / "instance")
    with running(app) as url:
        html = _page(f"{url}/gebied/{wijk}")
        enkel = _page(f"{url}/gebied/BU99010001")
    tabel = re.search(r'<table class="verlooptabel">.*?</table>', html, re.S).group(0)
    rijen = re.findall(r'<tr><th scope="row">(\d{4})</th>\s*(.*?)</tr>', tabel, re.S)
    assert [jaar for jaar, _ in rijen] == ["2019", "2021", str(kaart.jaar)]
    label = catalogus()["aandeel_65plus"].label
    waarde = kaart.gebieden["wijk"].at[wijk, "ind_aandeel_65plus"]
    gemeente = kaart.gebieden["gemeente"].at[kaart.gebieden["wijk"].at[wijk, "gemeentecode"], "ind_aandeel_65plus"]
    eerste = re.findall(r"<td>(.*?)</td>", rijen[0][1])
    assert eerste[0].startswith(weergave(waarde * 0.9, "%", label)) and "(geschat, grenswijziging)" in eerste[0]
    assert eerste[1] == weergave(gemeente * 0.9, "%", label)
    assert re.findall(r"<td>(.*?)</td>", rijen[2][1]) == [weergave(waarde, "%", label), weergave(gemeente, "%", label)]
    assert html.count('<svg class="verloop"') == 1 and "<circle" in html  # only this indicator has a course
    # A buurt has no earlier years here: no course, no empty chart.
    assert 'class="verloop"' not in enkel
