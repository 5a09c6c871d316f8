"""The gebiedsprofiel as a document: the PDF against the HTML page it is made from, and the map at national scale.

On the demo kaart, through the real app (waitress): the time of ``/gebied/<code>`` (the HTML page, the baseline)
and of ``/gebied/<code>.pdf`` (the same page laid out by WeasyPrint): per level the first PDF of an area
(rendered), the median of other areas' first PDFs, and the same PDF asked again (kept by the app); the ratio of a
rendered PDF to the HTML page. Then the server-drawn map (``webapp.gebiedskaart``) of one buurt among
about 15,000 (the national 2014 layer, see benchmarks/_buurten.py), against a plain point-in-polygon lookup on
the same frame. Prints figures and ratios; asserts nothing. Run: ``.venv/bin/python benchmarks/gebiedsprofiel.py``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests
from _buurten import buurtvormen

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from _server import running  # noqa: E402  (the tests' real-server helper)

from kaart.kaartbestand import Kaart, write_kaart  # noqa: E402
from layers.demo import build_demo  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.gebiedskaart import gebiedskaart  # noqa: E402

HERHALINGEN = 5


def _tijd(url: str) -> float:
    begin = time.perf_counter()
    antwoord = requests.get(url, timeout=120)
    antwoord.raise_for_status()
    return time.perf_counter() - begin


def pagina_en_pdf() -> None:
    kaart = build_demo()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"KAART_PAD": write_kaart(kaart, Path(tmp) / "demo.gpkg"), "LOCATIESERVER_URL": ""},
                         instance_path=Path(tmp) / "instance")
        with running(app) as url:
            for niveau in kaart.niveaus:
                codes = list(kaart.gebieden[niveau].index[:HERHALINGEN + 1])
                html = [_tijd(f"{url}/gebied/{code}") for code in codes]
                eerste = _tijd(f"{url}/gebied/{codes[0]}.pdf")
                pdf = [_tijd(f"{url}/gebied/{code}.pdf") for code in codes[1:]]
                weer = [_tijd(f"{url}/gebied/{code}.pdf") for code in codes[1:]]
                print(f"{niveau:9s} HTML {statistics.median(html) * 1000:7.0f} ms   PDF first {eerste:5.2f} s, "
                      f"other areas {statistics.median(pdf):5.2f} s, again {statistics.median(weer) * 1000:5.0f} ms   "
                      f"PDF/HTML {statistics.median(pdf) / statistics.median(html):5.1f}x")


def kaartje_landelijk(n: int = 15_000) -> None:
    frame = buurtvormen(n).set_index("code")
    frame["naam"] = frame.index
    kaart = Kaart(gebieden={"buurt": frame}, metadata={"jaar": 2014})
    codes = list(frame.index[:: max(1, len(frame) // HERHALINGEN)][:HERHALINGEN])
    frame.sindex  # built once, as a served kaart keeps it
    begin = time.perf_counter()
    for code in codes:
        gebiedskaart(kaart, "buurt", code)
    kaartje = (time.perf_counter() - begin) / len(codes)
    begin = time.perf_counter()
    for code in codes:
        frame.sindex.query(frame.geometry[code].representative_point(), predicate="covered_by")
    opzoeken = (time.perf_counter() - begin) / len(codes)
    print(f"map of one buurt among {len(frame):,}: {kaartje * 1000:.0f} ms; "
          f"point-in-polygon lookup {opzoeken * 1000:.2f} ms; ratio {kaartje / opzoeken:.0f}x")


if __name__ == "__main__":
    pagina_en_pdf()
    kaartje_landelijk()
