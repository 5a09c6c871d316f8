"""The rules of a werksessie hold on every path, over real HTTP: who may do what (a permission matrix over
every endpoint, another werksessie's ids included), phases that open and close activities, budgets per
person, and no input whatever (fuzzed) that makes the server answer 5xx."""

from __future__ import annotations

import json

import pytest
from _server import running
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_werksessies import Browser, deelnemer, maak_app, midden, nieuwe_werksessie, vlak

ROLLEN = ("F", "D1", "D2", "L", "N", "X")
"""Facilitator, the author (a participant), another participant, a reader, no cookie at all, and the
facilitator of ANOTHER werksessie."""


@pytest.fixture(scope="module")
def kamer(demo_kaart_pad, tmp_path_factory):
    """A werksessie with 'alleen eigen' off (the case that was open) and an annotation of each kind."""
    folder = tmp_path_factory.mktemp("regels")
    with running(maak_app(demo_kaart_pad, folder / "r.sqlite", WERKSESSIE_SCHRIJFLIMIET="10000 per minute",
                          WERKSESSIE_OPENLIMIET="10000 per hour")) as url:
        f, ws, links = nieuwe_werksessie(url)
        assert f.api("POST", ws, "instellingen", {"alleen_eigen": False}).json()["alleen_eigen"] is False
        d1, d2 = deelnemer(url, links["deelnemer"], ws), deelnemer(url, links["deelnemer"], ws)
        lezer = deelnemer(url, links["lezer"], ws)
        niemand = Browser(url)
        niemand.pagina("/werksessies/nieuw")  # a CSRF token, so what is refused is the access, not the form
        x, ander, _ = nieuwe_werksessie(url)
        lon, lat = midden(d1, ws)

        def plaats(door, tekst):
            response = door.api("POST", ws, "annotaties", {"geometrie": vlak(lon, lat), "categorie": "zorg",
                                                            "tekst": tekst})
            assert response.status_code == 201, response.text
            return response.json()["id"]

        ids = {"zichtbaar": plaats(d1, "Zichtbaar"), "verborgen": plaats(d1, "Wordt verborgen")}
        assert f.api("POST", ws, f"annotaties/{ids['verborgen']}/status", {"status": "verborgen"}).ok
        f.api("POST", ws, "instellingen", {"moderatie": True})
        ids["wacht"] = plaats(d1, "Wacht op goedkeuring")
        f.api("POST", ws, "instellingen", {"moderatie": False, "open": {"stemmen": True, "afspraken": True}})
        ids["ander"] = x.api("POST", ander, "annotaties", {"geometrie": vlak(lon, lat), "categorie": "kans",
                                                           "tekst": "Van een andere werksessie"}).json()["id"]
        yield {"url": url, "ws": ws, "ander": ander, "ids": ids,
               "wie": dict(zip(ROLLEN, (f, d1, d2, lezer, niemand, x)))}


def _verzoek(kamer, rol, methode, pad, body=None, ws=None):
    b = kamer["wie"][rol]
    ws = kamer["ws"] if ws is None else ws
    if pad.startswith("/"):
        headers = {"X-CSRFToken": b.csrf} if methode != "GET" else {}
        return b.s.request(methode, kamer["url"] + pad.format(ws=ws), headers=headers, timeout=30).status_code
    return b.api(methode, ws, pad.format(**kamer["ids"]), body).status_code


AFSPRAAK = {"gebied": "GM9901", "wat": "Plan", "wanneer": "2027-01-01",
            "wie": [{"partij": "Corporatie", "rol": "adviseren"}]}

MATRIX = [
    # (what, method, path or API path, body): expected status for F, D1 (author), D2, L, N, X
    ("de pagina", "GET", "/werksessies/{ws}", None, (200, 200, 200, 200, 403, 403)),
    ("de annotaties", "GET", "annotaties", None, (200, 200, 200, 200, 403, 403)),
    ("een zichtbare lezen", "PATCH", "annotaties/{zichtbaar}", {}, (200, 200, 200, 403, 403, 403)),
    ("een zichtbare wijzigen", "PATCH", "annotaties/{zichtbaar}", {"tekst": "Anders"},
     (200, 200, 200, 403, 403, 403)),
    ("een verborgen lezen", "PATCH", "annotaties/{verborgen}", {}, (200, 200, 404, 404, 403, 403)),
    ("een verborgen wijzigen", "PATCH", "annotaties/{verborgen}", {"tekst": "Overschreven"},
     (200, 200, 404, 404, 403, 403)),
    ("een wachtende wijzigen", "PATCH", "annotaties/{wacht}", {"tekst": "Overschreven"},
     (200, 200, 404, 404, 403, 403)),
    ("een verborgen verwijderen", "DELETE", "annotaties/{verborgen}", None, (200, 200, 404, 404, 403, 403)),
    ("een verborgen terugzetten", "POST", "annotaties/{verborgen}/herstel", None, (200, 200, 404, 404, 403, 403)),
    ("een wachtende verwijderen", "DELETE", "annotaties/{wacht}", None, (200, 200, 404, 404, 403, 403)),
    ("een wachtende terugzetten", "POST", "annotaties/{wacht}/herstel", None, (200, 200, 404, 404, 403, 403)),
    ("geschiedenis van een zichtbare", "GET", "annotaties/{zichtbaar}/geschiedenis", None,
     (200, 200, 403, 403, 403, 403)),
    ("geschiedenis van een verborgen", "GET", "annotaties/{verborgen}/geschiedenis", None,
     (200, 200, 404, 404, 403, 403)),
    ("modereren", "POST", "annotaties/{zichtbaar}/status", {"status": "zichtbaar"}, (200, 403, 403, 403, 403, 403)),
    ("stip op een zichtbare", "PUT", "stemmen", {"doel_soort": "annotatie", "doel": "{zichtbaar}", "aantal": 1},
     (200, 200, 200, 403, 403, 403)),
    ("stip op een verborgen", "PUT", "stemmen", {"doel_soort": "annotatie", "doel": "{verborgen}", "aantal": 0},
     (200, 200, 404, 403, 403, 403)),
    ("stip op een wachtende", "PUT", "stemmen", {"doel_soort": "annotatie", "doel": "{wacht}", "aantal": 0},
     (200, 200, 404, 403, 403, 403)),
    ("de ranglijst", "GET", "ranglijst", None, (200, 200, 200, 200, 403, 403)),
    ("de afspraken", "GET", "afspraken", None, (200, 200, 200, 200, 403, 403)),
    ("een afspraak vastleggen", "POST", "afspraken", AFSPRAAK, (201, 403, 403, 403, 403, 403)),
    ("de instellingen", "POST", "instellingen", {"stippen": 3}, (200, 403, 403, 403, 403, 403)),
    ("de GeoPackage", "GET", "/werksessies/{ws}/export.gpkg", None, (200, 403, 403, 403, 403, 403)),
    ("de GeoJSON", "GET", "/werksessies/{ws}/export.geojson", None, (200, 403, 403, 403, 403, 403)),
    ("de afspraken als CSV", "GET", "/werksessies/{ws}/afspraken.csv", None, (200, 200, 200, 200, 403, 403)),
    ("de tekst wissen", "POST", "wis-tekst", None, (200, 403, 403, 403, 403, 403)),
]
"""The facilitator's own wipe would empty every text the other cells look at: it has its own test below."""


@pytest.mark.parametrize("wat, methode, pad, body, verwacht", MATRIX, ids=[m[0] for m in MATRIX])
def test_permission_matrix(kamer, wat, methode, pad, body, verwacht):
    if body is not None:
        body = json.loads(json.dumps(body).replace('"{zichtbaar}"', f'"{kamer["ids"]["zichtbaar"]}"')
                          .replace('"{verborgen}"', f'"{kamer["ids"]["verborgen"]}"')
                          .replace('"{wacht}"', f'"{kamer["ids"]["wacht"]}"'))
    volgorde = [r for r in ROLLEN if r != "F"] + ([] if wat == "de tekst wissen" else ["F"])  # refused ones first
    gekregen = {rol: _verzoek(kamer, rol, methode, pad, body) for rol in volgorde}
    assert gekregen == {rol: v for rol, v in zip(ROLLEN, verwacht) if rol in volgorde}


def test_ids_of_another_werksessie_name_nothing(kamer):
    """The facilitator of werksessie B reaches A's annotations through B's own URLs: nothing there."""
    ander, aid = kamer["ander"], kamer["ids"]["zichtbaar"]
    for methode, pad, body in [("PATCH", f"annotaties/{aid}", {"tekst": "x"}), ("DELETE", f"annotaties/{aid}", None),
                               ("POST", f"annotaties/{aid}/herstel", None), ("GET", f"annotaties/{aid}/geschiedenis", None),
                               ("POST", f"annotaties/{aid}/status", {"status": "verborgen"}),
                               ("PUT", "stemmen", {"doel_soort": "annotatie", "doel": str(aid), "aantal": 1})]:
        assert _verzoek(kamer, "X", methode, pad, body, ws=ander) == 404, (methode, pad)
    # and A's facilitator reaches B's annotation through A's URLs no better
    assert _verzoek(kamer, "F", "PATCH", f"annotaties/{kamer['ids']['ander']}", {"tekst": "x"}) == 404


def test_hidden_text_never_reaches_another_participant(kamer):
    d2 = kamer["wie"]["D2"]
    alles = json.dumps(d2.api("GET", kamer["ws"], "annotaties?sinds=0").json()) + \
        json.dumps(d2.api("GET", kamer["ws"], "ranglijst").json())
    assert "Wordt verborgen" not in alles and "Wacht op goedkeuring" not in alles and "Overschreven" not in alles


def test_the_facilitator_may_wipe_the_text(demo_kaart_pad, tmp_path):
    with running(maak_app(demo_kaart_pad, tmp_path / "w.sqlite")) as url:
        f, ws, _ = nieuwe_werksessie(url)
        assert f.api("POST", ws, "wis-tekst").status_code == 200


# --- phases ----------------------------------------------------------------------------------------------------


def test_each_phase_opens_what_it_is_for_and_every_page_sees_the_change(demo_kaart_pad, tmp_path):
    with running(maak_app(demo_kaart_pad, tmp_path / "f.sqlite")) as url:
        f, ws, links = nieuwe_werksessie(url)
        a = deelnemer(url, links["deelnemer"], ws)
        lon, lat = midden(a, ws)
        poll = a.api("GET", ws, "annotaties?sinds=0").json()
        assert poll["werksessie"]["open"] == ["tekenen"] and poll["werksessie"]["fase"] == "ervaringsgegevens"
        aid = a.api("POST", ws, "annotaties", {"geometrie": vlak(lon, lat), "categorie": "kans",
                                               "tekst": "Leeg pand"}).json()["id"]
        stem = {"doel_soort": "annotatie", "doel": str(aid), "aantal": 1}
        refused = a.api("PUT", ws, "stemmen", stem)
        assert refused.status_code == 409 and "gesloten" in refused.json()["fout"]["melding"]
        revisie = a.api("GET", ws, "annotaties?sinds=0").json()["revisie"]

        assert f.api("POST", ws, "instellingen", {"fase": "prioritering"}).json()["open"] == ["stemmen"]
        changed = a.api("GET", ws, f"annotaties?sinds={revisie}").json()
        assert changed["revisie"] > revisie and changed["werksessie"]["fase_label"] == "Waarderen en prioriteren"
        assert a.api("PUT", ws, "stemmen", stem).status_code == 200
        assert a.api("PATCH", ws, f"annotaties/{aid}", {"tekst": "Later"}).status_code == 409
        assert f.api("PATCH", ws, f"annotaties/{aid}", {"tekst": "De facilitator mag"}).status_code == 200

        assert f.api("POST", ws, "instellingen", {"open": {"tekenen": True}}).json()["open"] == ["tekenen", "stemmen"]
        assert a.api("PATCH", ws, f"annotaties/{aid}", {"tekst": "Nu wel"}).status_code == 200
        bad = f.api("POST", ws, "instellingen", {"open": {"dansen": True}})
        assert bad.status_code == 400 and "tekenen" in bad.json()["fout"]["melding"]


# --- one participant, one budget -------------------------------------------------------------------------------


def test_reopening_the_link_gives_the_same_participant_and_budget(demo_kaart_pad, tmp_path):
    with running(maak_app(demo_kaart_pad, tmp_path / "b.sqlite")) as url:
        f, ws, links = nieuwe_werksessie(url, fase="prioritering")  # three dots each
        a = deelnemer(url, links["deelnemer"], ws)
        drukpunt = json.loads(a.pagina(f"/werksessies/{ws}").text.split(
            'id="werksessie-instellingen" type="application/json">')[1].split("</script>")[0])["drukpunten"]
        code = drukpunt["features"][0]["properties"]["code"]
        assert a.api("PUT", ws, "stemmen", {"doel_soort": "drukpunt", "doel": code, "aantal": 3}).status_code == 200
        for _ in range(3):  # opening the link again in the same browser
            assert a.s.get(links["deelnemer"], timeout=30).status_code == 200
        a.pagina(f"/werksessies/{ws}")
        ranking = a.api("GET", ws, "ranglijst").json()
        assert ranking["over"] == 0 and ranking["ranglijst"][0]["stippen"] == 3
        refused = a.api("PUT", ws, "stemmen", {"doel_soort": "drukpunt", "doel": code, "aantal": 4})
        assert refused.status_code == 409 and "al uw 3 stippen" in refused.json()["fout"]["melding"]


def test_opening_links_is_rate_limited_per_address(demo_kaart_pad, tmp_path):
    with running(maak_app(demo_kaart_pad, tmp_path / "o.sqlite", WERKSESSIE_OPENLIMIET="5 per hour")) as url:
        _, ws, links = nieuwe_werksessie(url)  # the creator's own opening does not count: it is no link
        codes = [Browser(url).s.get(links["deelnemer"], timeout=30, allow_redirects=False).status_code
                 for _ in range(7)]
        assert codes == [303] * 5 + [429] * 2


# --- fuzzing ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def doelwit(demo_kaart_pad, tmp_path_factory):
    """A participant and the facilitator of one werksessie with every activity open, for the fuzz test."""
    folder = tmp_path_factory.mktemp("fuzz")
    with running(maak_app(demo_kaart_pad, folder / "z.sqlite", WERKSESSIE_SCHRIJFLIMIET="100000 per minute")) as url:
        f, ws, links = nieuwe_werksessie(url)
        f.api("POST", ws, "instellingen", {"open": {"tekenen": True, "stemmen": True, "afspraken": True}})
        a = deelnemer(url, links["deelnemer"], ws)
        lon, lat = midden(a, ws)
        aid = a.api("POST", ws, "annotaties", {"geometrie": vlak(lon, lat), "categorie": "kans",
                                               "tekst": "Doelwit"}).json()["id"]
        yield {"url": url, "ws": ws, "f": f, "a": a, "aid": aid}


tekst = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()), max_size=30)
waarde = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | tekst,
                      lambda binnen: st.lists(binnen, max_size=4) | st.dictionaries(tekst, binnen, max_size=4),
                      max_leaves=12)
VELDEN = ["geometrie", "categorie", "tekst", "naam", "status", "doel_soort", "doel", "aantal", "gebied", "wat",
          "wie", "wanneer", "indicator", "doelwaarde", "doeljaar", "fase", "open", "stippen", "moderatie"]
lichaam = st.dictionaries(st.sampled_from(VELDEN), waarde, max_size=8) | waarde
EINDPUNTEN = [("POST", "annotaties"), ("PATCH", "annotaties/{aid}"), ("DELETE", "annotaties/{id}"),
              ("POST", "annotaties/{id}/herstel"), ("POST", "annotaties/{id}/status"),
              ("GET", "annotaties/{id}/geschiedenis"), ("PUT", "stemmen"), ("POST", "afspraken"),
              ("PATCH", "afspraken/{id}"), ("POST", "instellingen"), ("GET", "annotaties?sinds={id}")]
ids = st.sampled_from(["{aid}"]) | st.integers(min_value=0, max_value=10**25).map(str) | \
    st.sampled_from(["-1", "9" * 20, "abc", "1e9"])


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(eindpunt=st.sampled_from(EINDPUNTEN), body=lichaam, id_=ids, als_facilitator=st.booleans())
def test_no_input_makes_a_5xx(doelwit, eindpunt, body, id_, als_facilitator):
    methode, pad = eindpunt
    b = doelwit["f"] if als_facilitator else doelwit["a"]
    pad = pad.replace("{aid}", str(doelwit["aid"])).replace("{id}", id_.replace("{aid}", str(doelwit["aid"])))
    response = b.s.request(methode, f"{doelwit['url']}/werksessies/{doelwit['ws']}/api/{pad}",
                           data=json.dumps(body), timeout=30,
                           headers={"X-CSRFToken": b.csrf, "Content-Type": "application/json"})
    assert response.status_code < 500, (methode, pad, body, response.text[:300])
    response.json()  # and whatever came back is valid JSON
    assert b.api("GET", doelwit["ws"], "afspraken").json() is not None


SCHADELIJK = [
    ("POST", "annotaties", '{"geometrie": {"type": "Point"}, "categorie": "kans", "tekst": "x"}'),
    ("POST", "annotaties", '{"geometrie": ["Point"], "categorie": ["kans"], "tekst": ["x"]}'),
    ("POST", "annotaties", "[" * 100_000 + "]" * 100_000),
    ("POST", "annotaties", '{"geometrie": null, "categorie": "kans", "tekst": "\\ud800"}'),
    ("PATCH", "annotaties/" + "9" * 20, '{"tekst": "x"}'),
    ("PUT", "stemmen", '{"doel_soort": "annotatie", "doel": "' + "7" * 5000 + '", "aantal": 1}'),
    ("PUT", "stemmen", '{"doel_soort": "drukpunt", "doel": ["BU1"], "aantal": 1e999}'),
    ("POST", "afspraken", '{"gebied": "GM9901", "wat": "x", "wanneer": "2027-01-01", "doelwaarde": 1e999, '
                          '"wie": [{"partij": "A", "rol": "adviseren"}]}'),
    ("POST", "afspraken", '{"gebied": "GM9901", "wat": "x", "wanneer": "2027-01-01", "doelwaarde": "1e999", '
                          '"wie": [{"partij": "A", "rol": ["adviseren"]}]}'),
    ("POST", "instellingen", '{"fase": ["afspraken"], "stippen": true}'),
    ("GET", "annotaties?sinds=" + "9" * 30, ""),
]


@pytest.mark.parametrize("methode, pad, tekst", SCHADELIJK, ids=range(len(SCHADELIJK)))
def test_the_inputs_that_gave_500s_get_a_dutch_400(doelwit, methode, pad, tekst):
    b = doelwit["f"]
    response = b.s.request(methode, f"{doelwit['url']}/werksessies/{doelwit['ws']}/api/{pad}", data=tekst.encode(),
                           headers={"X-CSRFToken": b.csrf, "Content-Type": "application/json"}, timeout=60)
    assert 400 <= response.status_code < 500 and response.json()["fout"]["melding"], response.text[:300]
    afspraken = b.api("GET", doelwit["ws"], "afspraken")
    assert afspraken.status_code == 200 and all(a["doelwaarde"] is None or abs(a["doelwaarde"]) < 1e300
                                                for a in afspraken.json())


def test_a_ranking_label_ends_at_a_sentence_or_a_word_never_mid_word():
    from webapp.werksessies.stemmen import label

    kort = "Een bankje bij de bushalte."
    assert label(kort) == kort
    lang = "De stoep is te smal voor een rollator. " * 3 + "En 's avonds is het er donker en stil, " * 5
    assert label(lang) == ("De stoep is te smal voor een rollator. " * 3).strip() + " …"
    woorden = "woord " * 60
    assert label(woorden).endswith("woord…") and len(label(woorden)) <= 161
