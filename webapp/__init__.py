"""The web app: the built kaart as maps in the browser.

:func:`create_app` is the application factory. It reads the kaart once, at
start-up, and every page works from that copy in memory; heavy work (a map per
level and indicator) is done once and cached, never on every request.

Settings:

``KAART_PAD``
    The built kaart (GeoPackage) to serve. Required.
``NODE_MODULES``
    Where ``npm ci --prefix webapp`` installed the front-end packages
    (default: ``webapp/node_modules``).
``KAART_FOUT``
    Set by the app, not by you: the error that keeps it from serving its kaart (another format version).
``KAART_BASIS_URL``
    Where the app is reached behind a reverse proxy (``https://kaart.gemeente.nl``): links, the
    accepted host name and the Secure cookie follow from it; see ``webapp.kopregels``.
``LOCATIESERVER_URL``, ``LOCATIESERVER_TIMEOUT``
    Search by address and postcode through PDOK's Locatieserver (empty URL: off); see ``webapp.adressen``.
``LOCATIEZOEKER_VOORBEREIDEN``
    Whether the app measures the locatiezoeker's candidate sites for every woonvorm in the background at
    start-up, so the first visit to ``/locaties`` finds its page ready (default: on). Off, the page
    measures what it shows on its first request; the outcome is the same. The tests turn it off for the
    many apps that never open that page (a few seconds of CPU each), see ``tests/conftest.py``.
``WERKSESSIE_DB``, ``SECRET_KEY``, ``WERKSESSIE_SCHRIJFLIMIET``, ``WERKSESSIE_AANMAAKLIMIET``,
``WERKSESSIE_OPENLIMIET``, ``WERKSESSIE_ORGANISATIECODE``
    The werksessie database and its safeguards; see ``webapp.werksessies``.

They come from, each overriding the one before: the defaults, ``config.py`` in
the instance folder, the ``KAART_PAD`` environment variable, and the mapping
passed to :func:`create_app`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import Any

from flask import Flask, request, url_for
from flask_compress import Compress

from kaart.datums import datum, moment
from kaart.errors import InputError
from kaart.getallen import getal, kort
from kaart.kaartbestand import FORMAT_VERSION, FormatVersionError, read_kaart
from webapp import (
    api,
    assets,
    errors,
    exports,
    gebiedsprofiel,
    kaartpagina,
    kopregels,
    locaties,
    ranglijst,
    staat,
    vergelijken,
    verdeling,
    werksessies,
    zoeken,
)
from webapp.choropleth import MapCache, start_zoom
from webapp.plannen import pagina as plan_pagina

STANDAARDEN: dict[str, Any] = {"KAART_PAD": None, "NODE_MODULES": str(assets.NODE_MODULES),
                               "LOCATIEZOEKER_VOORBEREIDEN": True}
"""The settings' defaults, the first of the sources :func:`create_app` reads (see the module's docstring)."""


def create_app(test_config: Mapping[str, Any] | None = None, instance_path: str | os.PathLike | None = None) -> Flask:
    """Create the web app for one built kaart.

    Parameters
    ----------
    test_config
        Configuration that overrides every other source, e.g.
        ``{"KAART_PAD": "data/demo/voorbeeldregio.gpkg"}``. ``kaart serve``
        passes the kaart this way too, so the instance file is read either way.
    instance_path
        The instance folder (``config.py``, the secret key, the default
        werksessie database); Flask's default, ``instance/`` beside the
        package, when not given. Tests give a temporary one, so they neither
        read a developer's settings nor write into the checkout.

    Raises
    ------
    InputError
        When no kaart is configured, or the file is missing or not a kaart.

    A kaart of another format version (built by an older version of the program) gives an app that answers
    every request with a Dutch page saying so and how to fix it; ``KAART_FOUT`` then holds the error, so
    ``kaart serve`` refuses to start it (see ``webapp.serve``).
    """
    instance = os.fspath(instance_path) if instance_path is not None else None
    app = Flask(__name__, instance_path=instance, instance_relative_config=True)
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals.update(getal=getal, kort=kort, datum=datum, moment=moment)  # as the engine writes them
    app.config.from_mapping(STANDAARDEN)
    app.config.from_pyfile("config.py", silent=True)
    if os.environ.get("KAART_PAD"):
        app.config["KAART_PAD"] = os.environ["KAART_PAD"]
    if test_config is not None:
        app.config.from_mapping(test_config)

    kopregels.register(app)
    if not app.config["KAART_PAD"]:
        raise InputError("No kaart to serve.",
                         "Set KAART_PAD to a built kaart (GeoPackage), or run 'kaart serve PAD' or 'kaart demo'.")
    try:
        kaart = read_kaart(app.config["KAART_PAD"])
    except FormatVersionError as err:
        return _kaart_van_ander_formaat(app, err)

    missing = assets.missing_assets(app.config["NODE_MODULES"])
    if missing:
        app.logger.error("The front-end packages are not installed in %s (missing %s): the map cannot draw. "
                         "Run %s.", app.config["NODE_MODULES"], ", ".join(missing), assets.INSTALL_COMMAND)

    app.register_blueprint(assets.bp)
    toestand = staat.zet(app, staat.Staat(
        kaart=kaart, kaartbeelden=MapCache(kaart, lambda path: url_for("assets.vendor", filename=path)),
        geometrie=api.Geometrieen(kaart), gebiedsnamen=kaartpagina.gebiedsnamen(kaart),
        ontbrekende_bestanden=missing, locatiezoeker=locaties.Zoeker(kaart)))
    # Simplify each level for the zoom its map opens at, in the background: the first visitor need not wait.
    threading.Thread(target=toestand.geometrie.voorbereid, args=(start_zoom,), daemon=True).start()
    # Likewise the locatiezoeker's measurements per woonvorm: the first visit finds its page ready.
    if app.config["LOCATIEZOEKER_VOORBEREIDEN"]:
        threading.Thread(target=toestand.locatiezoeker.voorbereid, daemon=True).start()
    app.register_blueprint(kaartpagina.bp)
    app.register_blueprint(gebiedsprofiel.bp)
    app.register_blueprint(zoeken.bp)
    app.register_blueprint(vergelijken.bp)
    app.register_blueprint(ranglijst.bp)
    app.register_blueprint(locaties.bp)
    app.register_blueprint(verdeling.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(api.bp)
    werksessies.init_app(app, kaart)
    app.register_blueprint(plan_pagina.bp)
    errors.register(app)
    # Pages with an inlined map and API GeoJSON shrink five- to tenfold: a municipal network notices.
    app.config.setdefault("COMPRESS_MIMETYPES", ["text/html", "text/css", "text/javascript", "application/javascript",
                                                 "application/json", "application/geo+json", "text/csv"])
    app.config.setdefault("COMPRESS_ALGORITHM", ["gzip", "deflate"])
    Compress(app)
    return app


def _kaart_van_ander_formaat(app: Flask, err: FormatVersionError) -> Flask:
    """An app that serves only the Dutch message that its kaart must be rebuilt (a 503 on every path)."""
    app.logger.error("%s", err)
    app.config["KAART_FOUT"] = err
    ouder = not isinstance(err.versie, int) or err.versie < FORMAT_VERSION
    oplossing = ("Bouw de kaart opnieuw met ‘kaart build’ (of ‘kaart demo’ voor de voorbeeldregio)." if ouder
                 else "Werk het programma bij, of bouw de kaart opnieuw met ‘kaart build’.")
    melding = (f"Deze kaart is gemaakt met een {'oudere' if ouder else 'nieuwere'} versie van het programma "
               f"(formaat {err.versie}; deze versie leest formaat {FORMAT_VERSION}) en kan zo niet worden getoond. "
               f"{oplossing}")

    @app.before_request
    def _weiger():
        if request.endpoint != "static":  # the page's own style sheet still loads
            raise errors.Fout(melding, 503)

    app.register_blueprint(kaartpagina.bp)  # the error page links to it
    errors.register(app)
    return app
