"""The installed ``kaart`` command, run as a user runs it: output, exit codes, no tracebacks, no partial files."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

from kaart.kaartbestand import read_kaart

KAART = shutil.which("kaart", path=str(Path(sys.executable).parent)) or "kaart"
# Every request goes to a closed local port: nothing can reach the internet, and "no network" is what we test.
NO_NETWORK = {"http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
              "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": "",
              # osmnx looks the Overpass host up before it connects: let that be a name that needs no DNS.
              "KAART_OVERPASS_URL": "http://127.0.0.1:9/api"}


def run(*args, cwd=None):
    env = {**os.environ, **NO_NETWORK}
    return subprocess.run([KAART, *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


def assert_clean_failure(result):
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.strip().splitlines()[-1].startswith("fout:")


@pytest.fixture(scope="module")
def demo_gebouwd(tmp_path_factory) -> Path:
    """The demo kaart built once by ``kaart demo --alleen-bouwen`` for the tests of this module that use one."""
    kaart = tmp_path_factory.mktemp("cli-demo") / "demo.gpkg"
    assert run("demo", "--alleen-bouwen", "-o", kaart).returncode == 0
    return kaart


@pytest.fixture
def demo_gpkg(tmp_path, demo_gebouwd) -> Path:
    """A copy of ``demo_gebouwd`` as demo.gpkg in the test's ``tmp_path``, for the test to read or change."""
    return Path(shutil.copyfile(demo_gebouwd, tmp_path / "demo.gpkg"))


def test_build_from_real_files_then_info(shared_file, tmp_path):
    out = tmp_path / "drechtsteden.gpkg"
    result = run("build", "-b", shared_file("drechtsteden_2023/buurten_2023_drechtsteden.geojson"),
                 "-b", shared_file("nl_gemeenten_2023/gemeenten_2023_kwb_simplified.geojson"),
                 "-g", "Dordrecht,GM0642", "-o", out)
    assert result.returncode == 0, result.stderr
    assert "[1/2]" in result.stderr and "2 gemeenten" in result.stdout
    assert {"gemeente", "wijk", "buurt", "metadata"} <= {name for name, _ in pyogrio.list_layers(out)}
    kaart = read_kaart(out)
    assert kaart.metadata["gemeenten"] == ["GM0505", "GM0642"]
    assert kaart.metadata["bronvermelding"] == "Bron: CBS, KWB 2023"
    assert len(kaart.gebieden["buurt"]) == 133 + 92
    info = run("info", out)
    assert info.returncode == 0
    assert "officieel 121.434, som 121.430, verschil +4" in info.stdout


def test_demo_builds_without_serving(tmp_path, demo_kaart):
    result = run("demo", "--alleen-bouwen", "-o", tmp_path / "demo.gpkg")
    assert result.returncode == 0, result.stderr
    aantal = {n: len(f) for n, f in demo_kaart.gebieden.items()}
    assert f"{aantal['gemeente']} gemeenten, {aantal['wijk']} wijken, {aantal['buurt']} buurten" in result.stdout
    assert "FICTIEF" in run("info", tmp_path / "demo.gpkg").stdout


def test_unknown_gemeente_names_the_nearest(shared_file, tmp_path):
    result = run("build", "-b", shared_file("drechtsteden_2023/buurten_2023_drechtsteden.geojson"),
                 "-g", "Dordrect", "-o", tmp_path / "x.gpkg")
    assert_clean_failure(result)
    assert "Dordrecht" in result.stderr
    assert not (tmp_path / "x.gpkg").exists()


@pytest.mark.parametrize("args, expected", [
    (["build", "-g", "GM0505", "--jaar", "2016"], "--tabel ID"),
    (["build", "-g", "GM0505", "--jaar", "2020"], "wijkenbuurten_2020.gpkg"),
    (["build", "-b", "geen-bestand.gpkg", "--odata", "v4"], "--bron bestanden"),
    (["build", "-g", "GM0505"], "--jaar"),
    (["build", "--jaar", "2023"], "--gemeente"),
    (["build", "-g", "GM05O5", "--jaar", "2023"], "GM0505"),
    (["build", "--bron", "bestanden"], "--bestand"),
    (["build", "-b", "geen-bestand.gpkg"], "not found"),
    (["info", "geen-kaart.gpkg"], "kaart build"),
    (["serve", "geen-kaart.gpkg"], "kaart build"),
])
def test_bad_input_gets_one_line_with_the_fix(args, expected, tmp_path):
    result = run(*args, cwd=tmp_path)
    assert_clean_failure(result)
    assert expected in result.stderr
    assert not list(tmp_path.rglob("*.gpkg"))


def test_unreadable_file_and_file_without_codes(tmp_path):
    broken = tmp_path / "kapot.gpkg"
    broken.write_bytes(b"SQLite format 3\x00 but not really")
    assert_clean_failure(result := run("build", "-b", broken, cwd=tmp_path))
    assert "Cannot read" in result.stderr
    no_codes = tmp_path / "tabel.csv"
    no_codes.write_text("naam;inwoners\nErgens;100\n", encoding="utf-8")
    assert_clean_failure(result := run("build", "-b", no_codes, "--jaar", "2023", cwd=tmp_path))
    assert "geen kolom met CBS-gebiedscodes" in result.stderr


def test_no_network_is_a_clear_error_and_writes_nothing(tmp_path):
    result = run("build", "-g", "GM0505", "--jaar", "2023", "-o", tmp_path / "x.gpkg")
    assert_clean_failure(result)
    assert "Could not reach CBS" in result.stderr and "--bron bestanden" in result.stderr
    assert not list(tmp_path.iterdir())


def test_drukpunten_ranks_with_reasons_and_writes_excel_csv(tmp_path, demo_gpkg):
    kaart = demo_gpkg
    result = run("drukpunten", kaart, "--top", "5", "--csv", tmp_path / "lijst.csv")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "profiel 'Algemeen beeld'" in lines[0] and "FICTIEF" in lines[0]
    # The demo carries every indicator of the default profile: no warning, the ranking comes first.
    assert "Let op" not in result.stdout
    assert lines[1].lstrip().startswith("1.") and "DRUKPUNT" in lines[1]
    assert "(gemeente " in lines[2] and ", regio " in lines[2]
    raw = (tmp_path / "lijst.csv").read_bytes()
    assert raw.startswith("\ufeff".encode()) and b";drukpuntscore;" in raw.splitlines()[0]
    other = run("drukpunten", kaart, "--profiel", "ouderen-langer-thuis", "--niveau", "wijk", "--top", "3")
    assert "Ouderen langer thuis" in other.stdout and other.stdout.count("\n") >= 4


def test_drukpunten_bad_profile_is_a_clear_error(tmp_path, demo_gpkg):
    kaart = demo_gpkg
    assert_clean_failure(result := run("drukpunten", kaart, "--profiel", "onbekend"))
    assert "gezinnen" in result.stderr
    assert_clean_failure(result := run("drukpunten", kaart, "--gewicht", "bevolkingsdichtheid=2"))
    assert "neutraal" in result.stderr
    assert_clean_failure(result := run("drukpunten", kaart, "--gewicht", "wmo_per_1000"))
    assert "INDICATOR=GEWICHT" in result.stderr


def test_drukpunten_with_user_set_weights_ranks_differently(tmp_path, demo_gpkg):
    kaart = demo_gpkg
    assert run("drukpunten", kaart, "--profiel", "gezinnen", "--csv", tmp_path / "a.csv").returncode == 0
    weighted = run("drukpunten", kaart, "--profiel", "gezinnen", "--gewicht", "jeugdzorg_per_1000=0",
                   "--gewicht", "aandeel_65plus=6", "--csv", tmp_path / "b.csv")
    assert weighted.returncode == 0, weighted.stderr
    assert "Gezinnen, met eigen gewichten" in weighted.stdout
    assert "weegt 0" in weighted.stdout and "weegt 6" in weighted.stdout
    a = pd.read_csv(tmp_path / "a.csv", sep=";", encoding="utf-8-sig", index_col=0)
    b = pd.read_csv(tmp_path / "b.csv", sep=";", encoding="utf-8-sig", index_col=0)
    assert list(a.index[:5]) != list(b.index[:5])
    old = b.index[b["redenen"].fillna("").str.contains("65 jaar")]
    assert len(old) and not b["redenen"].fillna("").str.contains("Jeugdzorg").any()


def test_without_gemeente_the_region_is_where_the_finest_level_is(shared_file, tmp_path):
    out = tmp_path / "d.gpkg"
    result = run("build", "-b", shared_file("drechtsteden_2023/buurten_2023_drechtsteden.geojson"),
                 "-b", shared_file("nl_gemeenten_2023/gemeenten_2023_kwb_simplified.geojson"), "-o", out)
    assert result.returncode == 0, result.stderr
    assert "7 gemeenten, 51 wijken, 358 buurten" in result.stdout
    # The 2023 file carries only demographic figures: the build says the default profile cannot score.
    assert "Let op: de bron mist voor profiel 'algemeen'" in result.stdout and "geen enkel gebied" in result.stdout
    assert "bevolking (100%)" in result.stdout
    # The ranking says so too, and which profiles the source can carry.
    lines = run("drukpunten", out, "--top", "1").stdout.splitlines()
    assert lines[1].startswith("Let op: de bron mist voor profiel 'algemeen'") and "van het gewicht" in lines[1]
    assert lines[2].startswith("Profielen die deze bron wel kan dragen:") and "bevolking (100%)" in lines[2]
    info = run("info", out).stdout
    assert "Nederland als referentie: opgeteld uit 342 gemeenten" in info
    assert "Drukpunten (profiel algemeen)" in info


def test_voorzieningen_import_reports_bad_lines_and_loads_the_rest(tmp_path, demo_gpkg):
    kaart_pad = demo_gpkg
    before = len(read_kaart(kaart_pad).extra["voorzieningen"])
    lijst = tmp_path / "apotheken.csv"
    # The demo region lies in the Markermeer, around 5.2 E, 52.55 N.
    lijst.write_text("naam,lat,lon\nApotheek Oost (fictief),52.55,5.22\nZonder plek,,\nIn de zee,40.0,2.0\n"
                     "Apotheek Maastricht,50.85,5.69\n", encoding="utf-8")
    result = run("voorzieningen", "import", kaart_pad, lijst, "--categorie", "apotheek")
    assert result.returncode == 0, result.stderr
    assert "regel 3: geen (leesbare) coördinaten" in result.stderr
    assert "regel 4: coördinaten buiten Nederland" in result.stderr
    assert "2 regels niet geladen" in result.stdout
    assert "regel 5: Apotheek Maastricht, 1" in result.stdout  # some 190 km away: reported, not loaded
    kaart = read_kaart(kaart_pad)
    assert len(kaart.extra["voorzieningen"]) == before + 1
    assert "Apotheek Oost (fictief)" in set(kaart.extra["voorzieningen"]["naam"])
    assert "voorzieningen" in run("info", kaart_pad).stdout


def test_voorzieningen_import_of_a_bad_file_changes_nothing(tmp_path, demo_gpkg):
    kaart_pad = demo_gpkg
    original = kaart_pad.read_bytes()
    lijst = tmp_path / "lijst.csv"
    lijst.write_text("naam,plaats\nA,Dordrecht\n", encoding="utf-8")
    for args in (["voorzieningen", "import", kaart_pad, lijst, "--categorie", "huisarts"],
                 ["voorzieningen", "import", kaart_pad, tmp_path / "bestaat-niet.csv"],
                 ["voorzieningen", "import", kaart_pad, lijst, "--categorie", "kapper"],
                 ["voorzieningen", "import", kaart_pad, lijst, "--kolommen", "naam"]):
        assert_clean_failure(run(*args))
    assert kaart_pad.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.gpkg", "lijst.csv"]


def test_voorzieningen_osm_without_network_is_a_clear_error(tmp_path, demo_gpkg):
    kaart_pad = demo_gpkg
    original = kaart_pad.read_bytes()
    result = run("voorzieningen", "osm", kaart_pad)
    assert_clean_failure(result)
    assert "OpenStreetMap" in result.stderr
    assert kaart_pad.read_bytes() == original


ZWAAR = ("esda", "libpysal")
"""PySAL's packages: a second to import, needed only where the analysis runs (a build)."""


def _zwaar_na(code: str, zwaar: tuple[str, ...] = ZWAAR) -> list[str]:
    """The heavy packages (of ``zwaar``) a fresh interpreter has imported after running ``code``."""
    script = f"import sys\n{code}\nprint('zwaar:' + ','.join(m for m in {zwaar!r} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                            env={**os.environ, **NO_NETWORK})
    assert result.returncode == 0, result.stderr
    return [m for m in result.stdout.splitlines()[-1].removeprefix("zwaar:").split(",") if m]


def test_help_and_serving_do_not_import_pysal(demo_gebouwd, tmp_path):
    """``kaart --help`` and a served kaart (start-up and its first page) leave PySAL unimported;
    the build that needs it does import it, so the check can fail."""
    assert _zwaar_na("sys.argv = ['kaart', '--help']\nfrom commando.cli import main\n"
                     "try:\n    main()\nexcept SystemExit:\n    pass") == []
    assert _zwaar_na(f"from webapp import create_app\n"
                     f"app = create_app({{'KAART_PAD': {str(demo_gebouwd)!r}}}, instance_path={str(tmp_path)!r})\n"
                     f"assert app.test_client().get('/').status_code == 200") == []
    assert _zwaar_na("from layers.demo import build_demo\nbuild_demo()") == list(ZWAAR)


def test_the_app_starts_without_the_class_breaks_and_the_first_map_loads_them(demo_gebouwd, tmp_path):
    """mapclassify (with scipy.stats and scikit-learn, 0.7 s of every start-up) is imported by the first map
    that needs class breaks, not by the app's start."""
    app = (f"from webapp import create_app\n"
           f"app = create_app({{'KAART_PAD': {str(demo_gebouwd)!r}, 'LOCATIEZOEKER_VOORBEREIDEN': False}}, "
           f"instance_path={str(tmp_path)!r})\n")
    assert _zwaar_na(app, ("mapclassify",)) == []
    assert _zwaar_na(app + "assert app.test_client().get('/').status_code == 200", ("mapclassify",)) == ["mapclassify"]
