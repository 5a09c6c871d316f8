"""Finding an area by name or code, over real HTTP."""

from __future__ import annotations

import pandas as pd
import requests

from webapp.zoeken import zoek


def _get(url, q):
    return requests.get(f"{url}/zoek", params={"q": q}, timeout=60, allow_redirects=False)


def test_a_code_opens_its_profile(site, demo_kaart):
    code = demo_kaart.gebieden["buurt"].index[3]
    response = _get(site, code.lower())
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/gebied/{code}")


def test_an_exact_name_opens_its_profile_even_when_others_contain_it(site, demo_kaart):
    namen = pd.concat([f["naam"] for f in demo_kaart.gebieden.values()])
    for naam in (namen[namen == "Centrum"].iloc[0], namen[~namen.duplicated(keep=False)].iloc[-1]):
        _check_exact(site, namen, naam)


def _check_exact(site, namen, naam):
    expected = namen.index[namen == naam]
    response = _get(site, naam.upper())
    if len(expected) == 1:
        assert response.status_code == 302 and response.headers["Location"].endswith(f"/gebied/{expected[0]}")
    else:  # the same name in several gemeenten: all of them listed
        assert all(code in response.text for code in expected)


def test_part_of_a_name_lists_every_match_with_its_gemeente(site, demo_kaart):
    buurten = demo_kaart.gebieden["buurt"]
    deel = "centrum"
    matches = buurten.index[buurten["naam"].str.lower().str.contains(deel)]
    assert len(matches) > 1
    response = _get(site, deel)
    assert response.status_code == 200
    for code in matches:
        assert f'href="/gebied/{code}"' in response.text
    assert "gemeente " + buurten.at[matches[0], "gemeentenaam"] in response.text


def test_ranking_puts_exact_before_prefix_before_contains(demo_kaart):
    treffers = zoek(demo_kaart, "centrum")
    rangen = (treffers["rang"] // 10).tolist()
    assert rangen == sorted(rangen)


def test_nothing_found_is_a_dutch_404_and_the_query_is_escaped(site):
    response = _get(site, "<b>Atlantis</b>")
    assert response.status_code == 404
    assert "Geen gemeente, wijk of buurt" in response.text
    assert "<b>Atlantis</b>" not in response.text and "&lt;b&gt;Atlantis" in response.text


def test_the_kaart_page_has_a_search_box_with_suggestions(site, demo_kaart):
    html = requests.get(site + "/", timeout=60).text
    assert 'role="search"' in html and 'name="q"' in html
    assert f'<option value="{demo_kaart.gebieden["buurt"]["naam"].iloc[0]}">' in html
