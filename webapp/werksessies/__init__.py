"""Werksessies: professionals and residents annotate the map together, weigh the drukpunten with dots,
and record afspraken per area (phases 2, 3 and 4 of the maatschappelijk inrichtingsplan).

:func:`init_app` wires them into the web app: the database (``WERKSESSIE_DB``,
default SQLite in the instance folder, migrated at start-up), the secret key
that signs the participants' session cookies (``SECRET_KEY``, else a random one
kept in the instance folder), CSRF protection on every state-changing request
(Flask-WTF), rate limits (Flask-Limiter, counted in memory, so they restart
with the server): writes per participant (``WERKSESSIE_SCHRIJFLIMIET``),
creating and importing per address (``WERKSESSIE_AANMAAKLIMIET``), link
openings per address (``WERKSESSIE_OPENLIMIET``); creating and importing only
with the organisation's code when ``WERKSESSIE_ORGANISATIECODE`` is set; a
256 KB cap on request bodies (an import may send 20 MB); and the purge of free
text whose retention period has passed.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
from flask import Flask, request
from flask_limiter import Limiter
from flask_wtf.csrf import CSRFError, CSRFProtect

from kaart import reeksen
from kaart.kaartbestand import Kaart
from kaart.voorzieningen import regiovorm
from webapp import webgeometrie
from webapp.bewaard import Bewaard
from webapp.errors import Fout, antwoord
from webapp.staat import staat
from webapp.werksessies.afspraken import Gebieden
from webapp.werksessies.annotaties import wis_verlopen
from webapp.werksessies.geometrie import Gebiedsindex
from webapp.werksessies.kaartlagen import kaartlagen
from webapp.werksessies.opslag import Opslag
from webapp.werksessies.pagina import beheer, bp, sleutel

MAX_VERZOEK = 256 * 1024
SCHRIJFMETHODEN = ["POST", "PUT", "PATCH", "DELETE"]


@dataclass
class Omgeving:
    """What the werksessie views need of the app: the kaart, the database, the region's areas."""

    kaart: Kaart
    opslag: Opslag
    index: Gebiedsindex
    regio: str
    grens_wgs84: list[float]
    drukpunten: list[str]
    """The finest level's drukpunten (codes)."""
    gebieden: Gebieden
    omtrek: object
    """The region's outline (kaart CRS), for :meth:`kaartlagen`."""
    _gemaakt: Bewaard = field(default_factory=lambda: Bewaard(None))
    """What only a werksessie page needs, made on its first use and kept: a large kaart's app starts without
    waiting for it. A lock per value: the boundaries being made hold up no request for the drukpunten."""

    def kaartlagen(self) -> bytes:
        """The map's boundaries and names (see ``kaartlagen``)."""
        return self._gemaakt("kaartlagen", lambda: kaartlagen(self.kaart, self.omtrek))

    def drukpunten_geojson(self) -> dict:
        """The drukpunten as GeoJSON for the werksessie map, simplified for it."""
        return self._gemaakt("drukpunten", lambda: _drukpuntvormen(self.kaart, self.drukpunten))


def _drukpuntvormen(kaart: Kaart, drukpunten: list[str]) -> dict:
    gemarkeerd = kaart.gebieden[list(kaart.gebieden)[-1]].loc[drukpunten]
    vorm = gpd.GeoDataFrame(gemarkeerd[["naam", "gemeentenaam", "drukpuntscore"]],
                            geometry=webgeometrie.web(gemarkeerd.geometry, webgeometrie.DRUKPUNTEN)
                            .reindex(gemarkeerd.index)).reset_index()
    return vorm.__geo_interface__


def _huidige_waarde(kaart: Kaart):
    """An indicator's value for an area of the kaart, None when unknown."""
    def waarde(code: str, indicator: str) -> float | None:
        kolom = kaart.catalogus[indicator].kolom
        for frame in kaart.gebieden.values():
            if code in frame.index:
                value = frame.at[code, kolom] if kolom in frame else None
                return None if value is None or pd.isna(value) else float(value)
        return None
    return waarde


def _gebieden(kaart: Kaart) -> Gebieden:
    """The areas and the indicators an afspraak can name: only those with a value somewhere in the kaart."""
    namen = {code: str(naam) for frame in kaart.gebieden.values() for code, naam in frame["naam"].items()}
    indicatoren = {i.id: (i.label, i.eenheid) for i in kaart.catalogus
                   if any(i.kolom in frame and frame[i.kolom].notna().any() for frame in kaart.gebieden.values())}
    return Gebieden(namen=namen, indicatoren=indicatoren, huidige_waarde=_huidige_waarde(kaart),
                    basisjaar=kaart.jaar, reeks=_reeks(kaart))


def _reeks(kaart: Kaart):
    """An indicator's series in an area of the kaart (its level found from the code), for the monitor."""
    def reeks_(code: str, indicator: str) -> pd.DataFrame:
        niveau = next(n for n, frame in kaart.gebieden.items() if code in frame.index)
        return reeksen.reeks(kaart, niveau, code, kaart.catalogus[indicator].kolom)
    return reeks_


def _geheime_sleutel(app: Flask) -> str:
    """The configured SECRET_KEY, else a random one kept in the instance folder (so cookies survive a restart)."""
    path = Path(app.instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret_key-")
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    os.replace(tmp, path)
    return path.read_text().strip()


def _omgeving(kaart: Kaart, opslag: Opslag) -> Omgeving:
    fijnste = kaart.gebieden[list(kaart.gebieden)[-1]]
    regio = regiovorm(kaart)
    flagged = fijnste[fijnste["drukpunt"].fillna(False).astype(bool)] if "drukpunt" in fijnste else fijnste.iloc[:0]
    minx, miny, maxx, maxy = kaart.gebieden[list(kaart.gebieden)[0]].to_crs("EPSG:4326").total_bounds
    return Omgeving(kaart=kaart, opslag=opslag, index=Gebiedsindex(fijnste, regio),
                    regio=str(kaart.metadata.get("regio") or kaart.metadata.get("titel") or "Regio"),
                    grens_wgs84=[float(miny), float(minx), float(maxy), float(maxx)],
                    drukpunten=list(flagged.index),
                    gebieden=_gebieden(kaart), omtrek=regio)


def init_app(app: Flask, kaart: Kaart) -> None:
    app.config.setdefault("WERKSESSIE_DB", f"sqlite:///{Path(app.instance_path) / 'werksessies.sqlite'}")
    app.config.setdefault("WERKSESSIE_SCHRIJFLIMIET", "120 per minute")
    app.config.setdefault("WERKSESSIE_AANMAAKLIMIET", "20 per minute")
    # A room of 60 behind one municipal address opens its links within minutes, some twice.
    app.config.setdefault("WERKSESSIE_OPENLIMIET", "150 per hour")
    # Flask's own defaults for these are None, so setdefault would keep them.
    app.config["MAX_CONTENT_LENGTH"] = app.config.get("MAX_CONTENT_LENGTH") or MAX_VERZOEK
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _geheime_sleutel(app)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # a werksessie lasts longer than an hour
    if app.config["WERKSESSIE_DB"].startswith("sqlite:///"):
        Path(app.config["WERKSESSIE_DB"][len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    opslag = Opslag(app.config["WERKSESSIE_DB"])
    staat(app).werksessies = _omgeving(kaart, opslag)
    opgeschoond: list[date] = []

    @app.before_request
    def _bewaartermijn():
        """Purge expired free text at start-up and then once a day, so a server that runs for months keeps
        its promise to participants too."""
        if opgeschoond and opgeschoond[-1] == date.today():
            return
        with opslag.schrijf() as s:
            gewist = wis_verlopen(s, date.today())
        opgeschoond.append(date.today())
        if gewist:
            app.logger.info("Purged the free text of werksessies %s: their retention period has passed.", gewist)

    with app.app_context():
        _bewaartermijn()

    limiter = Limiter(key_func=sleutel, app=app, storage_uri="memory://", default_limits=[])
    limiter.limit(lambda: app.config["WERKSESSIE_SCHRIJFLIMIET"], methods=SCHRIJFMETHODEN)(bp)
    limiter.limit(lambda: app.config["WERKSESSIE_AANMAAKLIMIET"], methods=["POST"])(beheer)
    app.register_blueprint(beheer)
    app.register_blueprint(bp)
    # Opening a link makes a participant: per address, so nobody mints hundreds of dot budgets.
    app.view_functions["werksessies.open_"] = limiter.limit(
        lambda: app.config["WERKSESSIE_OPENLIMIET"], key_func=lambda: f"open:{request.remote_addr}")(
        app.view_functions["werksessies.open_"])
    CSRFProtect(app)  # after the blueprints: the import's size limit is set before the CSRF check reads the body
    app.register_error_handler(CSRFError, _csrf)


def _csrf(err: CSRFError):
    return antwoord(Fout("De beveiligingscode van het formulier ontbreekt of klopt niet. Laad de pagina opnieuw "
                         "en probeer het nog eens.", 400, "Formulier verlopen"))
