"""The national kaart the map and load benchmarks serve, and the server they serve it from.

The kaart is the national buurt layer (the generated detailed one of
``_detail.py`` by default, or the coarse 2014 one) with the generated figures
of ``drukpunten.py``, analysed and written as the app reads it. The server is a
fresh Python process (``create_app`` and waitress with the production
settings, as ``kaart serve`` runs them, but with its instance folder and
werksessie database in a temporary folder), so a benchmark can time a truly
cold start, read the server's own memory from /proc and keep its CPU apart
from the browser's driver.
"""

from __future__ import annotations

import hashlib
import math
import os
import signal
import threading
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
from drukpunten import N, buurten, gemeenten

from _detail import CACHE, gedetailleerd
from kaart.drukpunten import verrijk
from kaart.kaartbestand import Kaart, read_kaart, write_kaart

REPO = Path(__file__).resolve().parents[1]
MAX_MIB = float(os.environ.get("KAART_BENCHMARK_MAX_MIB", 9000))
"""A server above this resident size is stopped (the machine is shared): its measures then fail, and the
benchmark says so."""
SERVER = """
import sys
from webapp import create_app
from webapp import serve
pad, map_, poort, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
app = create_app({"KAART_PAD": pad, "WERKSESSIE_DB": f"sqlite:///{map_}/w.sqlite"}, instance_path=map_)
if threads:
    serve.SERVERINSTELLINGEN = {**serve.SERVERINSTELLINGEN, "threads": threads}
serve.maak_server(app, port=poort).run()
"""


def kaart_van_nederland(detail: bool = True) -> tuple[Kaart, Path]:
    """The national kaart (buurten with generated figures and the gemeenten they sum to, analysed) and its
    file. Both come from the cache folder when the code that makes them is unchanged (the key hashes kaart/
    and these benchmark modules): analysing the detailed layer takes most of a minute."""
    bronnen = sorted((REPO / "kaart").rglob("*.py")) + [REPO / "benchmarks" / n for n in
                                                        ("_buurten.py", "_detail.py", "drukpunten.py", "_nationaal.py")]
    sleutel = hashlib.sha256(b"".join(p.read_bytes() for p in bronnen) + bytes([detail])).hexdigest()[:16]
    pad = CACHE / f"nederland_{'detail' if detail else 'grof'}_{sleutel}.gpkg"
    start = time.perf_counter()
    if pad.exists():
        kaart = read_kaart(pad)
        print(f"kaart read from the cache {pad} in {time.perf_counter() - start:.1f} s")
        return kaart, pad
    frame = buurten(gedetailleerd(N) if detail else None)
    kaart = Kaart(gebieden={"gemeente": gemeenten(frame), "buurt": frame},
                  metadata={"titel": "Nederland (gegenereerd)", "jaar": 2014, "bron": "benchmark", "fictief": True})
    verrijk(kaart)
    CACHE.mkdir(parents=True, exist_ok=True)
    for oud in CACHE.glob(f"nederland_{'detail' if detail else 'grof'}_*.gpkg"):
        oud.unlink()
    write_kaart(kaart, pad)
    print(f"kaart built, analysed and cached in {time.perf_counter() - start:.1f} s ({pad})")
    return kaart, pad


def vrije_poort() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    proces: subprocess.Popen
    gestart: float  # perf_counter when the process was started
    opgestart: float  # seconds from the start until the server first answered
    gestopt: bool = False  # stopped for passing MAX_MIB

    def geheugen(self) -> tuple[float, float]:
        """(resident now, peak resident) in MiB, from /proc; nan when the process has ended."""
        try:
            velden = dict(r.split(":", 1) for r in Path(f"/proc/{self.proces.pid}/status").read_text().splitlines())
            return tuple(int(velden[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM"))
        except (OSError, KeyError):
            return math.nan, math.nan

    def bewaak(self) -> None:
        """Stop the server when it passes MAX_MIB (checked every 0.2 s until it ends)."""
        while self.proces.poll() is None:
            try:
                if self.geheugen()[0] > MAX_MIB:
                    self.gestopt = True
                    print(f"the server passed {MAX_MIB:.0f} MiB resident and was stopped", file=sys.stderr)
                    self.proces.kill()
                    return
            except ValueError:
                return
            time.sleep(0.2)


@contextmanager
def server(pad: Path, map_: Path, threads: int = 0) -> Iterator[Server]:
    """A fresh server process for the kaart at ``pad`` (with ``threads``: that many waitress threads instead of
    the production setting); yields as soon as it answers an HTTP request (the indicator catalogue, the
    cheapest page that needs the kaart)."""
    if threading.current_thread() is threading.main_thread():  # a benchmark stopped with SIGTERM stops its server
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    poort = vrije_poort()
    url = f"http://127.0.0.1:{poort}"
    instance = map_ / f"instance-{poort}"
    instance.mkdir()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    gestart = time.perf_counter()
    proces = subprocess.Popen([sys.executable, "-c", SERVER, str(pad), str(instance), str(poort), str(threads)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            if proces.poll() is not None:
                raise RuntimeError(f"the server stopped at start-up (exit {proces.returncode})")
            try:
                requests.get(url + "/api/v1/indicatoren", timeout=60)
                break
            except requests.ConnectionError:
                time.sleep(0.02)
        s = Server(url, proces, gestart, time.perf_counter() - gestart)
        threading.Thread(target=s.bewaak, daemon=True).start()
        yield s
    finally:
        proces.terminate()
        try:
            proces.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proces.kill()
            proces.wait()
