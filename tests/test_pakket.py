"""The project as a package: its wheel, installed outside the checkout, builds the demo and serves a working map page.

The wheel is built from a copy of what git holds (as a fresh clone has it) plus
the installed front-end packages, and installed into a new virtual
environment. To stay fast the environment borrows the test interpreter's
installed dependencies (a path file, like ``--system-site-packages``) and the
wheel goes in with ``--no-deps``; the checkout itself is on no path there,
which the test checks, so every definition file and asset must come from the
wheel.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from test_webapp import _asset_urls

from webapp.assets import missing_assets

CHECKOUT = Path(__file__).resolve().parents[1]


def _run(*args, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=600, **kwargs)
    assert result.returncode == 0, f"{' '.join(map(str, args))}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def _source_copy(target: Path) -> Path:
    """What a fresh clone holds (tracked and new, not ignored files), plus the front-end packages ``make assets`` installs."""
    if missing_assets():
        pytest.fail(f"the front-end packages are not installed ({', '.join(missing_assets())}): run make assets")
    listed = _run("git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", cwd=CHECKOUT).stdout
    for name in filter(None, listed.split("\0")):
        if (CHECKOUT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(CHECKOUT / name, target / name)
    shutil.copytree(CHECKOUT / "webapp" / "node_modules", target / "webapp" / "node_modules", symlinks=True)
    return target


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A virtual environment outside the checkout with the project's wheel installed; its bin folder."""
    root = tmp_path_factory.mktemp("pakket")
    source = _source_copy(root / "bron")
    build = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--verbose", "-w", root / "dist", source)
    warnings = [line for line in build.stdout.splitlines() + build.stderr.splitlines()
                if re.search(r"deprecat|SetuptoolsWarning|BuildBackendWarning", line, re.IGNORECASE)]
    assert warnings == [], "the build warns:\n" + "\n".join(warnings)
    [wheel] = (root / "dist").glob("maatschappelijke_kaart-*.whl")
    venv = root / "venv"
    _run(sys.executable, "-m", "venv", venv)
    bin_ = venv / "bin"
    python = bin_ / "python"
    purelib = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    borrowed = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (purelib / "_geleend.pth").write_text("\n".join(borrowed) + "\n")  # dependencies only: no .pth runs from there
    _run(python, "-m", "pip", "install", "--no-deps", "--ignore-installed", "--no-index", wheel)
    return bin_


def test_the_installed_package_is_the_wheels_not_the_checkouts(installed, tmp_path):
    where = json.loads(_run(installed / "python", "-c",
                            "import json, kaart, commando, layers, webapp, webapp.assets as a;"
                            "print(json.dumps([kaart.__file__, commando.__file__, layers.__file__, webapp.__file__,"
                            " a.missing_assets()]))",
                            cwd=tmp_path).stdout)
    venv = installed.parent.resolve()
    assert all(Path(p).resolve().is_relative_to(venv) for p in where[:4]), where
    assert where[4] == []  # every file the pages load is in the wheel


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_installed_kaart_builds_the_demo_and_serves_a_map_page_whose_files_load(installed, tmp_path, demo_kaart):
    kaart = installed / "kaart"
    demo = tmp_path / "demo.gpkg"
    build = _run(kaart, "demo", "--alleen-bouwen", "-o", demo, cwd=tmp_path)
    buurten = len(demo_kaart.gebieden["buurt"])
    assert f"{buurten} buurten" in build.stdout and demo.is_file()

    port = _free_port()
    server = subprocess.Popen([kaart, "serve", demo, "--port", str(port)], cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stderr.read()
            try:
                page = requests.get(base, timeout=30)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "the server did not answer within a minute"
                time.sleep(0.2)
        assert page.status_code == 200
        urls = _asset_urls(page.text)
        assert any("leaflet.js" in u for u in urls) and any(u.endswith(".css") for u in urls)
        assert not [u for u in urls if u.startswith(("http://", "https://", "//"))]  # nothing from a CDN
        failed = {}
        for url in map(lambda u: urljoin(base, u), urls):
            response = requests.get(url, timeout=30)
            if response.status_code != 200 or not response.content:
                failed[url] = response.status_code
            elif url.endswith(".css"):  # the images a stylesheet draws with (Leaflet's layer and marker icons)
                for ref in re.findall(r"url\(['\"]?([^'\")#][^'\")]*)['\"]?\)", response.text):
                    image = requests.get(urljoin(url, ref), timeout=30)
                    if image.status_code != 200:
                        failed[image.url] = image.status_code
        assert failed == {}
        areas = requests.get(urljoin(base, "api/v1/gebieden/buurt"), timeout=30)
        assert areas.status_code == 200 and len(areas.json()["features"]) == buurten  # the areas the map draws
    finally:
        server.terminate()
        server.wait(timeout=30)
