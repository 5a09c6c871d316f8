"""A room of sixty in one werksessie, against the server as ``kaart serve`` runs it.

The demo kaart is served by ``kaart serve`` in its own process (waitress with
``webapp.serve.SERVERINSTELLINGEN``). Simulated participants arrive one after
another while the others keep working, each with the page's own connection
pattern: open the link (a cookie, a redirect), load the page and its scripts
and styles on up to six keep-alive connections, then poll ``annotaties?sinds=``
every two seconds, fetch the ranking and the afspraken when the revision
changed, and now and then draw an annotation. Their connections stay open in
between, as a browser's do.

Figures: p50/p95/p99 of page loads (link to last asset) and of writes,
failures, and lost writes (an annotation the server acknowledged that is not
in the werksessie at the end). The baseline is one participant alone, in the
same run; the ratios say what sixty cost. Targets: new arrivals under 2 s,
0 lost writes. Asserts nothing. Run: ``.venv/bin/python benchmarks/werksessie.py
[--deelnemers 60] [--seconden 60]``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter

WORTEL = Path(__file__).resolve().parents[1]
KAART = WORTEL / ".venv" / "bin" / "kaart"
POLL_S = 2.0
DOEL_LADEN_S = 2.0


def _vrije_poort() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _sessie() -> requests.Session:
    """A browser's connections to one host: six, kept alive."""
    s = requests.Session()
    s.mount("http://", HTTPAdapter(pool_connections=1, pool_maxsize=6))
    return s


def _csrf(html: str) -> str:
    return re.search(r'name="(?:csrf-token|csrf_token)" (?:content|value)="([^"]+)"', html).group(1)


class Meting:
    def __init__(self):
        self.laden: list[float] = []
        self.schrijven: list[float] = []
        self.fouten: list[str] = []
        self.bevestigd: set[int] = set()
        self.slot = threading.Lock()

    def fout(self, wat: str) -> None:
        with self.slot:
            self.fouten.append(wat)


def deelnemer(url: str, link: str, tot: float, meting: Meting, midden: tuple[float, float]) -> None:
    """One participant from opening the link until ``tot``."""
    s = _sessie()
    begin = time.perf_counter()
    try:
        pagina = s.get(link, timeout=60)
        pagina.raise_for_status()
        bestanden = re.findall(r'(?:src|href)="(/(?:vendor|static)/[^"]+)"', pagina.text)
        with ThreadPoolExecutor(6) as pool:
            for r in pool.map(lambda pad: s.get(url + pad, timeout=60), bestanden):
                r.raise_for_status()
    except (requests.RequestException, AttributeError) as err:
        meting.fout(f"laden: {err}")
        return
    with meting.slot:
        meting.laden.append(time.perf_counter() - begin)
    ws = pagina.url.rsplit("/", 1)[1]
    api = f"{url}/werksessies/{ws}/api/"
    headers = {"X-CSRFToken": _csrf(pagina.text)}
    revisie, rng = 0, random.Random()
    while time.perf_counter() < tot:
        time.sleep(POLL_S * rng.uniform(0.9, 1.1))
        try:
            r = s.get(f"{api}annotaties?sinds={revisie}", timeout=60)
            r.raise_for_status()
            if r.json()["revisie"] != revisie:
                revisie = r.json()["revisie"]
                for pad in ("ranglijst", "afspraken"):
                    s.get(api + pad, timeout=60).raise_for_status()
            if rng.random() < 0.15:
                lon, lat = midden[0] + rng.uniform(-0.01, 0.01), midden[1] + rng.uniform(-0.01, 0.01)
                start = time.perf_counter()
                w = s.post(api + "annotaties", headers=headers, timeout=60, json={
                    "geometrie": {"type": "Point", "coordinates": [lon, lat]}, "categorie": "signaal",
                    "tekst": "Hier mist een bankje"})
                w.raise_for_status()
                with meting.slot:
                    meting.schrijven.append(time.perf_counter() - start)
                    meting.bevestigd.add(w.json()["id"])
        except requests.RequestException as err:
            meting.fout(f"werken: {err}")


def kamer(url: str, aantal: int, seconden: float) -> tuple[Meting, int]:
    """A new werksessie, ``aantal`` participants arriving over the first half of ``seconden``."""
    f = _sessie()
    form = f.get(f"{url}/werksessies/nieuw", timeout=60).text
    antwoord = f.post(f"{url}/werksessies/nieuw", timeout=60, data={
        "csrf_token": _csrf(form), "titel": "Benchmark", "fase": "ervaringsgegevens",
        "begin": date.today().isoformat(), "einde": (date.today() + timedelta(days=1)).isoformat(),
        "stippen": "5", "alleen_eigen": "on"})
    link = re.search(r'id="link-deelnemer"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*id="link-deelnemer"',
                     antwoord.text)
    link = link.group(1) or link.group(2)
    ws = int(re.search(r'href="/werksessies/(\d+)"', antwoord.text).group(1))
    cfg = json.loads(re.search(r'id="werksessie-instellingen" type="application/json">(.*?)</script>',
                               f.get(f"{url}/werksessies/{ws}", timeout=60).text, re.S).group(1))
    s, w, n, e = cfg["grens"]
    midden = ((w + e) / 2, (s + n) / 2)
    meting = Meting()
    tot = time.perf_counter() + seconden
    draden = []
    for i in range(aantal):
        draad = threading.Thread(target=deelnemer, args=(url, link, tot, meting, midden), daemon=True)
        draad.start()
        draden.append(draad)
        time.sleep(seconden / 2 / aantal)
    for draad in draden:
        draad.join(timeout=seconden + 120)
    opgeslagen = {a["id"] for a in f.get(f"{url}/werksessies/{ws}/api/annotaties?sinds=0", timeout=60)
                  .json()["annotaties"]}
    return meting, len(meting.bevestigd - opgeslagen)


def _p(waarden: list[float], q: float) -> float:
    if not waarden:
        return float("nan")
    if len(waarden) == 1:
        return waarden[0]
    return statistics.quantiles(waarden, n=100, method="inclusive")[q - 1]


def verslag(naam: str, meting: Meting, verloren: int) -> dict:
    cijfers = {f"{soort} p{q}": _p(getallen, q) for soort, getallen in (("laden", meting.laden),
                                                                         ("schrijven", meting.schrijven))
               for q in (50, 95, 99)}
    print(f"{naam}: {len(meting.laden)} pagina's geladen, {len(meting.schrijven)} schrijfacties, "
          f"{len(meting.fouten)} fouten, {verloren} verloren schrijfacties")
    for sleutel, waarde in cijfers.items():
        print(f"  {sleutel:14s} {waarde * 1000:8.0f} ms")
    for fout in meting.fouten[:5]:
        print("  fout:", fout)
    return cijfers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deelnemers", type=int, default=60)
    parser.add_argument("--seconden", type=float, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kamer-") as map_:
        pad = Path(map_) / "demo.gpkg"
        subprocess.run([str(KAART), "demo", "--uit", str(pad), "--alleen-bouwen"], check=True, capture_output=True)
        poort = _vrije_poort()
        server = subprocess.Popen([str(KAART), "serve", str(pad), "--port", str(poort)], cwd=map_,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        url = f"http://127.0.0.1:{poort}"
        try:
            for _ in range(300):
                try:
                    requests.get(url + "/werksessies/nieuw", timeout=2)
                    break
                except requests.ConnectionError:
                    time.sleep(0.2)
            basis = verslag("Eén deelnemer (basislijn)", *kamer(url, 1, min(20.0, args.seconden)))
            meting, verloren = kamer(url, args.deelnemers, args.seconden)
            vol = verslag(f"{args.deelnemers} deelnemers", meting, verloren)
            for sleutel in ("laden p95", "schrijven p95"):
                print(f"  verhouding {sleutel}: {vol[sleutel] / basis[sleutel]:.1f}x de basislijn")
            haalt = vol["laden p99"] < DOEL_LADEN_S and verloren == 0 and not meting.fouten
            print(f"Doel (nieuwe deelnemers binnen {DOEL_LADEN_S:.0f} s, 0 verloren, 0 fouten): "
                  f"{'gehaald' if haalt else 'NIET gehaald'}")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
