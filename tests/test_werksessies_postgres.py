"""The werksessie database on a real PostgreSQL server: the schema is portable, not just SQLite's.

The test starts a throwaway PostgreSQL cluster from Debian's packages
(/usr/lib/postgresql/*/bin) in a temporary folder, listening only on a Unix
socket there, runs the migrations, and takes a werksessie through placing,
voting, an afspraak and an export/import round trip. As root (CI) the server
runs as the ``postgres`` user, since PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest

from webapp.werksessies import afspraken, annotaties, stemmen
from webapp.werksessies.afspraken import Gebieden
from webapp.werksessies.geometrie import Gebiedsindex
from webapp.werksessies.opslag import Opslag, verschillen
from webapp.werksessies.toegang import maak_werksessie, open_link
from webapp.werksessies.uitwisseling import importeer, naar_geopackage, pakket, uit_bestand


def _bin() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(found[-1]) if found else None


def _als_eigenaar(args: list[str], folder) -> list[str]:
    if os.geteuid() != 0:
        return args
    shutil.chown(folder, "postgres", "postgres")
    return ["runuser", "-u", "postgres", "--", *args]


@pytest.fixture(scope="module")
def postgres():
    folder = _bin()
    if folder is None:
        reason = "PostgreSQL is not installed (apt-get install postgresql) for the portability test"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    # Not below pytest's temporary folder: that is private to root, and the server runs as postgres.
    with tempfile.TemporaryDirectory(prefix="kaart-pg-") as name:
        yield from _server(folder, Path(name))


def _server(folder: str, root: Path):
    os.chmod(root, 0o755)
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    for path in (root, sock):
        _als_eigenaar([], path)
    subprocess.run(_als_eigenaar([f"{folder}/initdb", "-D", str(data), "-U", "kaart", "--auth=trust", "-E", "UTF8"],
                                 root), check=True, capture_output=True)
    subprocess.run(_als_eigenaar([f"{folder}/pg_ctl", "-D", str(data), "-w", "-l", str(root / "log"),
                                  "-o", f"-k {sock} -c listen_addresses=''", "start"], root),
                   check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://kaart@/postgres?host={sock}"
    finally:
        subprocess.run(_als_eigenaar([f"{folder}/pg_ctl", "-D", str(data), "-m", "immediate", "stop"], root),
                       capture_output=True)


def test_a_werksessie_lives_on_postgresql_as_on_sqlite(postgres, demo_kaart):
    opslag = Opslag(postgres)
    assert opslag.engine.dialect.name == "postgresql"
    assert verschillen(opslag.engine) == []
    buurten = demo_kaart.gebieden["buurt"]
    index = Gebiedsindex(buurten, demo_kaart.extra["regio"].geometry.iloc[0])
    centre = buurten.to_crs("EPSG:4326").geometry.iloc[10].representative_point()
    gebieden = Gebieden({buurten.index[10]: "buurt"}, {}, lambda code, ind: None)
    with opslag.schrijf() as s:
        werksessie, links = maak_werksessie(s, "Op PostgreSQL", "Voorbeeldregio", "prioritering", date.today(),
                                            date.today() + timedelta(days=1), stippen=2)
        deelnemer = open_link(s, links["deelnemer"])
        facilitator = open_link(s, links["facilitator"])
        annotatie = annotaties.plaats(s, werksessie, facilitator, {  # in prioritering only the facilitator draws
            "geometrie": {"type": "Point", "coordinates": [centre.x, centre.y]}, "categorie": "kans",
            "tekst": "Lege winkel, ruimte voor een huiskamer"}, index)
        stemmen.stem(s, werksessie, deelnemer, "annotatie", str(annotatie.id), 2, set())
        afspraken.leg_vast(s, werksessie, facilitator, {"gebied": buurten.index[10], "wat": "Huiskamer openen",
                                                        "wie": [{"partij": "Welzijn", "rol": "co-creeren"}],
                                                        "wanneer": "2027-03-01"},
                           Gebieden({buurten.index[10]: "buurt"}, {}, lambda code, ind: None))
        ws_id = werksessie.id
    with opslag.schrijf() as s:
        with pytest.raises(annotaties.Weigering, match="stippen"):
            stemmen.stem(s, s.get(type(werksessie), ws_id), s.get(type(deelnemer), deelnemer.id), "drukpunt",
                         buurten.index[0], 1, {buurten.index[0]})
    with opslag.lees() as s:
        export = naar_geopackage(pakket(s, s.get(type(werksessie), ws_id)))
    with opslag.schrijf() as s:
        kopie, _ = importeer(s, uit_bestand(export), index, gebieden)
        kopie_id = kopie.id
    with opslag.lees() as s:
        terug = pakket(s, s.get(type(werksessie), kopie_id))
    assert [a["tekst"] for a in terug["annotaties"]] == ["Lege winkel, ruimte voor een huiskamer"]
    assert [(v["doel_soort"], v["aantal"]) for v in terug["stemmen"]] == [("annotatie", 2)]
    assert [a["wat"] for a in terug["afspraken"]] == ["Huiskamer openen"]
    assert [w["actie"] for w in terug["wijzigingen"]] == ["aangemaakt"]
