"""The Dutch on every page is what a council reads: no indicator ids, module paths, ISO dates or doubled units.

Every HTML page of the route table (as measured in test_schermen.py), and the pages with settings changed,
is fetched from the real server; its visible text (no scripts, styles or attribute values) is scanned.
"""

from __future__ import annotations

import html
import re

import pytest
import requests
from test_schermen import PAGINAS

from kaart.variabelen import variabelen

EXTRA = ["/drukpunten?gewicht_wmo_per_1000=3", "/drukpunten?niveau=gemeente", "/?niveau=wijk&indicator=drukpuntscore",
         "/gebied/BU99010001", "/locaties?profiel=skaeve_huse"]

MODULEPAD = re.compile(r"\b(kaart|layers|webapp|commando|tests)\.[a-z_]{3,}")
ISODATUM = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def zichtbare_tekst(pagina: str) -> str:
    """The text a reader sees: tags, scripts, styles and comments removed, entities decoded."""
    pagina = re.sub(r"(?s)<(script|style|template)\b.*?</\1>|<!--.*?-->", " ", pagina)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", pagina)))


@pytest.mark.parametrize("path", [p for _, p in PAGINAS] + EXTRA)
def test_a_page_speaks_to_people_not_to_developers(site, demo_kaart, path):
    response = requests.get(site + path, timeout=60)
    assert response.headers["Content-Type"].startswith("text/html")
    tekst = zichtbare_tekst(response.text)
    ids = sorted(n for n in variabelen(demo_kaart.catalogus) if "_" in n and re.search(rf"\b{n}\b", tekst))
    assert ids == [], f"indicator ids on {path}"
    assert MODULEPAD.findall(tekst) == [], f"module paths on {path}"
    assert ISODATUM.findall(tekst) == [], f"ISO dates on {path}"
    assert "x 1.000 euro" not in tekst and not re.search(r"\d,\d m\b", tekst)
    doubled = [f"{v.label} ({v.eenheid})" for v in variabelen(demo_kaart.catalogus).values()
               if v.eenheid and v.eenheid.lower() in v.label.lower() and f"{v.label} ({v.eenheid})" in tekst]
    assert doubled == [], f"a unit said twice on {path}"
    assert tekst.count("Fictieve voorbeeldregio") <= 1, f"the fictitious notice twice on {path}"
