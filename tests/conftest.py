"""Shared fixtures: the demo kaart, the real data in ../shared/data, and the fake CBS and PDOK services.

Tests that need ../shared/data skip with a reason where it is absent; under CI
(the CI environment variable set) they fail instead, because there it must be.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import responses
from _server import running
from fakes import serve_cbs, serve_pdok

from kaart.kaartbestand import write_kaart
from layers.demo import build_demo

SHARED_DATA = Path(os.environ.get("KAART_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


def _shared_file(relative: str) -> Path:
    path = SHARED_DATA / relative
    if not path.exists():
        reason = f"real data file {path} is absent (set KAART_SHARED_DATA to the shared/data folder)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def shared_file():
    """A function giving the path of a real data file, or a skip (a failure under CI) when it is absent."""
    return _shared_file


@pytest.fixture(scope="session")
def demo_kaart():
    """The Voorbeeldregio as an in-memory kaart, with its four years."""
    return build_demo()


@pytest.fixture(scope="session")
def demo_eenjarig():
    """The Voorbeeldregio of its newest year only, for tests that give a kaart years of their own."""
    return build_demo(eerdere_jaren=())


@pytest.fixture(scope="session")
def demo_kaart_pad(tmp_path_factory, demo_kaart) -> Path:
    """The Voorbeeldregio written as a kaart GeoPackage."""
    return write_kaart(demo_kaart, tmp_path_factory.mktemp("demo") / "voorbeeldregio.gpkg")


@pytest.fixture(scope="module")
def site_config() -> dict:
    """Settings for the app of ``site`` beyond the kaart; a test module that needs others overrides this fixture."""
    return {}


@pytest.fixture(scope="module")
def site_app(demo_kaart_pad, tmp_path_factory, site_config):
    """The web app on the Voorbeeldregio for one test module, on its own temporary instance folder (so its
    secret key and werksessie database land there, not in the checkout)."""
    from webapp import create_app

    return create_app({"KAART_PAD": demo_kaart_pad, **site_config}, instance_path=tmp_path_factory.mktemp("instance"))


@pytest.fixture(scope="module")
def site(site_app):
    """``site_app`` behind a real HTTP server (waitress) for one test module; its base URL."""
    with running(site_app) as url:
        yield url


@pytest.fixture
def http_mock():
    """The mocked HTTP layer of one test, shared by ``fake_cbs`` and ``fake_pdok``.

    It answers only the URLs registered on it and refuses every other with a
    ConnectionError, so no request reaches the internet.
    """
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


@pytest.fixture
def locatieserver(http_mock):
    """``http_mock`` for a test that talks to the app over HTTP while the app asks PDOK's Locatieserver: requests
    to 127.0.0.1 (the test's own server) pass, the Locatieserver answers what the test registers on it
    (tests/_locatieserver.py), everything else is refused."""
    http_mock.add_passthru("http://127.0.0.1")
    return http_mock


@pytest.fixture
def fake_cbs(http_mock):
    """The fake CBS Feed of 85618NED (tests/fakes.py) on ``http_mock``, which it returns."""
    return serve_cbs(http_mock)


@pytest.fixture
def fake_pdok(http_mock):
    """The fake 2023 PDOK API (tests/fakes.py) on ``http_mock``, which it returns."""
    return serve_pdok(http_mock)


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def chromium():
    """Debian's headless chromium through playwright (never ``playwright install``, which cannot download here);
    skips without it, or fails when the CI environment variable is set."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is absent: install Debian's chromium (apt-get install chromium) for the browser tests"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield browser
        browser.close()
