"""Finding an area by name, code, address or postcode, over real HTTP (the Locatieserver on recorded answers)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import requests
from _locatieserver import antwoord, antwoord_in
from _server import running
from shapely import from_wkt

from webapp import create_app
from webapp.adressen import LOCATIESERVER, Adres, gebied_van, lijkt_op_adres
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


# --- By address and postcode, through the Locatieserver (recorded answers, tests/fixtures/locatieserver) ---

def _ls_calls(locatieserver) -> list:
    return [c for c in locatieserver.calls if c.request.url.startswith(LOCATIESERVER)]


def _ls_request(locatieserver):
    """The one request the app made to the Locatieserver, its parameters."""
    from urllib.parse import parse_qs, urlsplit

    (call,) = _ls_calls(locatieserver)
    return {k: v[0] for k, v in parse_qs(urlsplit(call.request.url).query).items()}


def test_an_address_opens_the_buurt_its_point_lies_in(site, demo_kaart, locatieserver):
    buurten = demo_kaart.gebieden["buurt"]
    code = buurten.index[len(buurten) // 2]
    locatieserver.get(LOCATIESERVER, json=antwoord_in("adres", buurten, [code]))
    response = _get(site, "Lijsterstraat 20 Amersfoort")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/gebied/{code}")
    params = _ls_request(locatieserver)
    assert params["q"] == "Lijsterstraat 20 Amersfoort" and params["fq"] == "type:(adres OR postcode)"
    assert "buurtcode" in params["fl"].split(",") and "centroide_ll" in params["fl"].split(",")


def test_an_address_whose_buurtcode_is_in_the_kaart_opens_it_by_code(demo_kaart):
    code = demo_kaart.gebieden["buurt"].index[0]
    assert gebied_van(demo_kaart, Adres("Ergens 1", "adres", code, None)) == code


def test_an_address_outside_the_kaart_is_said_in_dutch(site, demo_kaart, locatieserver):
    recorded = antwoord("adres")
    doc = recorded["response"]["docs"][0]
    punt = from_wkt(doc["centroide_ll"])
    buurten = demo_kaart.gebieden["buurt"]
    rd = gpd.GeoSeries([punt], crs=4326).to_crs(buurten.crs).iloc[0]
    assert not buurten.geometry.covers(rd).any() and doc["buurtcode"] not in buurten.index  # really outside
    locatieserver.get(LOCATIESERVER, json=recorded)
    response = _get(site, "Lijsterstraat 20 Amersfoort")
    assert response.status_code == 404
    assert f"{doc['weergavenaam']} <span class=\"soort\">ligt niet in deze kaart</span>" in response.text
    assert 'name="q"' in response.text


def test_a_postcode_lists_the_buurten_of_its_addresses(site, demo_kaart, locatieserver):
    buurten = demo_kaart.gebieden["buurt"]
    codes = [buurten.index[1], buurten.index[-1]]
    recorded = antwoord_in("postcode", buurten, codes)
    locatieserver.get(LOCATIESERVER, json=recorded)
    response = _get(site, "3815")
    assert response.status_code == 200
    for doc, code in zip(recorded["response"]["docs"], codes):
        assert f'<a href="/gebied/{code}">{doc["weergavenaam"]}</a>' in response.text
        assert f"ligt in buurt {buurten.at[code, 'naam']}" in response.text


def test_a_postcode_whose_addresses_lie_in_one_buurt_opens_it(site, demo_kaart, locatieserver):
    buurten = demo_kaart.gebieden["buurt"]
    code = buurten.index[2]
    locatieserver.get(LOCATIESERVER, json=antwoord_in("postcode", buurten, [code, code]))
    response = _get(site, "3815 DT")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/gebied/{code}")


def test_an_unreachable_locatieserver_falls_back_to_names_with_a_dutch_note(site, locatieserver):
    # locatieserver refuses every URL not registered on it with a ConnectionError: PDOK is unreachable.
    response = _get(site, "Lijsterstraat 20 Amersfoort")
    assert response.status_code == 404
    assert "de adresservice van PDOK is niet bereikbaar" in response.text and "Traceback" not in response.text


def test_an_answer_of_another_shape_falls_back_too(site, locatieserver):
    locatieserver.get(LOCATIESERVER, body="<html>Onderhoud</html>", status=200)
    response = _get(site, "Lijsterstraat 20 Amersfoort")
    assert response.status_code == 404 and "niet bereikbaar" in response.text


def test_a_name_is_found_without_asking_the_locatieserver(site, demo_kaart, locatieserver):
    code = demo_kaart.gebieden["buurt"].index[3]
    assert _get(site, code).status_code == 302
    assert _ls_calls(locatieserver) == []


def test_nothing_found_offers_a_new_box_and_names_like_it(site, demo_kaart, locatieserver):
    locatieserver.get(LOCATIESERVER, json=antwoord("leeg"))
    naam = demo_kaart.gebieden["buurt"]["naam"].iloc[0]
    response = _get(site, naam[:-1] + "x")
    assert response.status_code == 404
    assert 'role="search"' in response.text and f'value="{naam[:-1]}x"' in response.text
    assert "Bedoelt u:" in response.text and f">{naam}</a>" in response.text
    address = _get(site, "Nergensstraat 1")
    assert address.status_code == 404 and "geen adres of postcode met deze tekst gevonden" in address.text


def test_address_search_can_be_turned_off(demo_kaart_pad, tmp_path, locatieserver):
    app = create_app({"KAART_PAD": demo_kaart_pad, "LOCATIESERVER_URL": ""}, instance_path=tmp_path / "instance")
    with running(app) as url:
        response = _get(url, "Lijsterstraat 20 Amersfoort")
    assert response.status_code == 404 and "staat in deze installatie uit" in response.text
    assert _ls_calls(locatieserver) == []


def test_what_reads_as_an_address():
    assert all(map(lijkt_op_adres, ["Lijsterstraat 20", "3815DT", "3815 dt", "3815", "20 Lijsterstraat"]))
    assert not any(map(lijkt_op_adres, ["Crabbehof", "BU05050101", "Centrum-De Weide", ""]))
