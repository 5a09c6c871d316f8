"""Links for a room: tokens that survive a mail program and a printout, a copy button and a QR code per
link, a printed invitation of one page per link, every role's link replaceable (the facilitator's too),
and werksessies started only with the organisation's code when the deployment asks for it."""

from __future__ import annotations

import re

import requests
from _server import running
from test_werksessies import Browser, deelnemer, maak_app, nieuwe_werksessie

from webapp.werksessies.uitnodiging import qr_svg

LINK = re.compile(r'value="(http[^"]+/w/([^"]+))"')


def test_tokens_read_well_and_each_link_has_a_copy_button_and_its_qr_code(demo_kaart_pad, tmp_path):
    with running(maak_app(demo_kaart_pad, tmp_path / "l.sqlite")) as url:
        f = Browser(url)
        f.pagina("/werksessies/nieuw")
        pagina = f.s.post(f"{url}/werksessies/nieuw", timeout=30, data={
            "csrf_token": f.csrf, "titel": "Wijkavond", "fase": "ervaringsgegevens", "begin": "2026-12-02",
            "einde": "2030-01-31", "stippen": "3", "lezerslink": "on"}).text
        links = LINK.findall(pagina)
        assert len(links) == 3 and all(re.fullmatch(r"[a-z2-7]{32}", token) for _, token in links)
        assert pagina.count('class="kopieer') == 3
        for (link, _), rol in zip(links, ("facilitator", "deelnemer", "lezer")):
            titel = {"facilitator": "facilitator", "deelnemer": "deelnemer", "lezer": "alleen lezen"}[rol]
            assert str(qr_svg(link, f"QR-code van de link voor {titel}")) in pagina
        assert "tot en met 31 januari 2030" in pagina and "2030-01-31" not in pagina.replace('value="2030-01-31"', "")


def test_the_invitation_prints_one_page_per_link(chromium, demo_kaart_pad, tmp_path):
    with running(maak_app(demo_kaart_pad, tmp_path / "p.sqlite")) as url:
        context = chromium.new_context()
        page = context.new_page()
        page.goto(f"{url}/werksessies/nieuw")
        page.fill("#titel", "Wijkavond Noord")
        page.check("#lezerslink")
        page.click("button[type=submit]")
        page.wait_for_selector(".uitnodiging svg.qr")
        pdf = page.pdf(format="A4")
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 3
        page.emulate_media(media="print")
        assert page.locator(".link-groot:visible").count() == 3 and page.locator("button:visible").count() == 0
        context.close()


def test_replacing_the_facilitator_link_locks_out_the_old_one_and_keeps_the_replacer(demo_kaart_pad, tmp_path):
    with running(maak_app(demo_kaart_pad, tmp_path / "f.sqlite")) as url:
        f, ws, links = nieuwe_werksessie(url)
        gelekt = deelnemer(url, links["facilitator"], ws)  # someone else with the leaked facilitator link
        assert gelekt.api("GET", ws, "annotaties").status_code == 200
        nieuw = f.s.post(f"{url}/werksessies/{ws}/links/facilitator", data={"csrf_token": f.csrf}, timeout=30)
        assert nieuw.status_code == 200
        assert gelekt.api("GET", ws, "annotaties").status_code == 403
        assert requests.get(links["facilitator"], timeout=30).status_code == 404
        assert f.api("POST", ws, "instellingen", {"stippen": 4}).status_code == 200  # the replacer stays in
        [(link, _)] = LINK.findall(nieuw.text)
        assert deelnemer(url, link, ws).api("POST", ws, "instellingen", {"stippen": 5}).status_code == 200
        a = deelnemer(url, links["deelnemer"], ws)
        refused = a.s.post(f"{url}/werksessies/{ws}/links/deelnemer", data={"csrf_token": a.csrf}, timeout=30)
        assert refused.status_code == 403 and "Alleen de facilitator" in refused.text


def test_the_organisation_code_guards_creating_and_importing_when_set(demo_kaart_pad, tmp_path):
    with running(maak_app(demo_kaart_pad, tmp_path / "o.sqlite", WERKSESSIE_ORGANISATIECODE="wijkteam-2027")) as url:
        b = Browser(url)
        form = b.pagina("/werksessies/nieuw").text
        assert 'name="organisatiecode"' in form
        velden = {"csrf_token": b.csrf, "titel": "Avond", "fase": "ervaringsgegevens", "begin": "2026-12-02",
                  "einde": "2030-01-01", "stippen": "3"}
        zonder = b.s.post(f"{url}/werksessies/nieuw", data=velden, timeout=30)
        assert zonder.status_code == 403 and "organisatiecode" in zonder.text
        fout = b.s.post(f"{url}/werksessies/nieuw", data={**velden, "organisatiecode": "raden"}, timeout=30)
        assert fout.status_code == 403
        assert b.s.post(f"{url}/werksessies/nieuw", data={**velden, "organisatiecode": "wijkteam-2027"},
                        timeout=30).status_code == 201
        b.pagina("/werksessies/importeer")
        importeer = b.s.post(f"{url}/werksessies/importeer", data={"csrf_token": b.csrf},
                             files={"bestand": ("x.geojson", b"{}")}, timeout=30)
        assert importeer.status_code == 403
    with running(maak_app(demo_kaart_pad, tmp_path / "z.sqlite")) as url:  # not set: anyone may, as before
        assert 'name="organisatiecode"' not in Browser(url).pagina("/werksessies/nieuw").text
        nieuwe_werksessie(url)
