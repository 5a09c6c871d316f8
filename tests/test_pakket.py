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
from html.parser import HTMLParser
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urljoin
from urllib.request import urlopen

import pytest

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
                            "import json, kaart, layers, webapp, webapp.assets as a;"
                            "print(json.dumps([kaart.__file__, layers.__file__, webapp.__file__, a.missing_assets()]))",
                            cwd=tmp_path).stdout)
    venv = installed.parent.resolve()
    assert all(Path(p).resolve().is_relative_to(venv) for p in where[:3]), where
    assert where[3] == []  # every file the pages load is in the wheel


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except HTTPError as err:
        return err.code, b""


def test_the_installed_kaart_builds_the_demo_and_serves_a_map_page_whose_files_load(installed, tmp_path):
    kaart = installed / "kaart"
    demo = tmp_path / "demo.gpkg"
    build = _run(kaart, "demo", "--alleen-bouwen", "-o", demo, cwd=tmp_path)
    assert "61 buurten" in build.stdout and demo.is_file()

    port = _free_port()
    server = subprocess.Popen([kaart, "serve", demo, "--port", str(port)], cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stderr.read()
            try:
                status, page = _get(base)
                break
            except URLError:
                assert time.monotonic() < deadline, "the server did not answer within a minute"
                time.sleep(0.2)
        assert status == 200
        links = _Links()
        links.feed(page.decode("utf-8"))
        assert any("leaflet.js" in u for u in links.urls) and any(u.endswith(".css") for u in links.urls)
        assert not [u for u in links.urls if u.startswith(("http://", "https://", "//"))]  # nothing from a CDN
        failed = {}
        for url in links.urls:
            status, body = _get(urljoin(base, url))
            if status != 200 or not body:
                failed[url] = status
            elif url.endswith(".css"):  # the images a stylesheet draws with (Leaflet's layer and marker icons)
                for ref in re.findall(rb"url\(['\"]?([^'\")#][^'\")]*)['\"]?\)", body):
                    image = urljoin(urljoin(base, url), ref.decode())
                    if _get(image)[0] != 200:
                        failed[image] = _get(image)[0]
        assert failed == {}
        status, body = _get(urljoin(base, "api/v1/gebieden/buurt"))
        assert status == 200 and len(json.loads(body)["features"]) == 61  # the areas the map draws
    finally:
        server.terminate()
        server.wait(timeout=30)
