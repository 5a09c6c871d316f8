"""Every response carries the security headers; every page runs under the strict policy without a single
violation in a real browser; behind a proxy the links come from the configured base URL, not the Host
header; the session cookie ends with the werksessie."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import requests
from _server import running
from test_werksessies import deelnemer, maak_app, nieuwe_werksessie


def test_every_response_carries_the_security_headers(site):
    for pad in ("/", "/drukpunten", "/api/indicatoren", "/static/kaart.css", "/bestaat-niet"):
        headers = requests.get(site + pad, timeout=30).headers
        beleid = dict(deel.strip().split(" ", 1) for deel in headers["Content-Security-Policy"].split(";"))
        assert beleid["frame-ancestors"] == "'none'" and beleid["object-src"] == "'none'", pad
        assert "unsafe" not in beleid["script-src"] and "unsafe" not in beleid["style-src"], pad
        assert re.fullmatch(r"'self' 'nonce-[\w-]+'", beleid["script-src"]), pad
        assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff", pad


def test_the_nonce_is_new_for_every_response_and_marks_the_map_page_scripts(site):
    eerste, tweede = requests.get(site + "/", timeout=60), requests.get(site + "/", timeout=60)
    nonces = [re.search(r"'nonce-([\w-]+)'", r.headers["Content-Security-Policy"]).group(1) for r in (eerste, tweede)]
    assert nonces[0] != nonces[1]
    inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")([^>]*)>", eerste.text)
    assert inline and all(f'nonce="{nonces[0]}"' in attrs for attrs in inline)


PAGINAS = ["/", "/?niveau=buurt&indicator=drukpuntscore", "/drukpunten", "/vergelijk", "/zoek?q=a", "/locaties",
           "/verdeelsleutel", "/werksessies/nieuw"]


def test_every_page_runs_under_the_policy_without_a_violation(chromium, site, demo_kaart):
    code = demo_kaart.gebieden["buurt"].index[3]
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url else route.abort())
    page = context.new_page()
    meldingen: list[str] = []
    page.on("console", lambda m: meldingen.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda err: meldingen.append(str(err)))
    for pad in PAGINAS + [f"/gebied/{code}"]:
        page.goto(site + pad, wait_until="networkidle")
        if page.locator(".leaflet-container").count():
            page.wait_for_selector(".leaflet-container path, .leaflet-container .leaflet-marker-icon", timeout=15_000)
    assert meldingen == []
    context.close()


def test_the_werksessie_page_runs_under_the_policy(chromium, demo_kaart_pad, tmp_path):
    with running(maak_app(demo_kaart_pad, tmp_path / "csp.sqlite")) as url:
        _, ws, links = nieuwe_werksessie(url)
        context = chromium.new_context(viewport={"width": 390, "height": 844})
        context.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url else route.abort())
        page = context.new_page()
        meldingen: list[str] = []
        page.on("console", lambda m: meldingen.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto(links["deelnemer"], wait_until="networkidle")
        page.wait_for_selector(".leaflet-tooltip.gebiedsnaam", state="attached")  # the areas drew
        assert meldingen == []
        context.close()


def test_behind_a_proxy_links_come_from_the_base_url_and_the_cookie_is_secure(demo_kaart_pad, tmp_path):
    app = maak_app(demo_kaart_pad, tmp_path / "proxy.sqlite", KAART_BASIS_URL="https://kaart.gemeente.example")
    with running(app) as url:
        vreemd = requests.get(url + "/werksessies/nieuw", headers={"Host": "aanvaller.example"}, timeout=30)
        assert vreemd.status_code == 400
        s = requests.Session()
        s.headers["Host"] = "kaart.gemeente.example"
        form = s.get(url + "/werksessies/nieuw", timeout=30)
        assert form.status_code == 200
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        einde = date.today() + timedelta(days=3)
        koekje = form.headers["Set-Cookie"].split(";")[0]  # Secure: requests would not send it back over http
        made = s.post(url + "/werksessies/nieuw", timeout=30, headers={"Cookie": koekje},
                      data={"csrf_token": csrf, "titel": "Achter de proxy", "fase": "ervaringsgegevens",
                            "begin": date.today().isoformat(), "einde": einde.isoformat(), "stippen": "3"})
        assert made.status_code == 201, made.text[:300]
        links = re.findall(r'value="(http[^"]+/w/[^"]+)"', made.text)
        assert links and all(link.startswith("https://kaart.gemeente.example/w/") for link in links)
        koekje = made.headers["Set-Cookie"]
        assert "Secure" in koekje and "HttpOnly" in koekje and "SameSite=Lax" in koekje


def test_the_session_cookie_ends_with_the_werksessie(demo_kaart_pad, tmp_path):
    with running(maak_app(demo_kaart_pad, tmp_path / "koekje.sqlite")) as url:
        _, ws, links = nieuwe_werksessie(url)  # ends in seven days
        b = requests.Session()
        response = b.get(links["deelnemer"], allow_redirects=False, timeout=30)
        verloopt = parsedate_to_datetime(re.search(r"Expires=([^;]+)", response.headers["Set-Cookie"]).group(1))
        einde = datetime.combine(date.today() + timedelta(days=8), datetime.min.time()).astimezone(timezone.utc)
        assert abs((verloopt - einde).total_seconds()) < 2
        assert deelnemer(url, links["deelnemer"], ws) is not None
