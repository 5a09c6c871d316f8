"""The werksessie database: engine, SQLite settings, migrations and short transactions.

SQLite by default (a file in the app's instance folder): WAL so the pages of
thirty participants read while one writes, ``synchronous=FULL`` so a written
annotation survives a power cut, foreign keys on, and every write transaction
started with ``BEGIN IMMEDIATE`` so two writers queue (``busy_timeout``)
instead of failing halfway. Any other SQLAlchemy URL (PostgreSQL) works
unchanged; the schema is portable.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from webapp.plannen import model as _plannen  # noqa: F401  (the plan tables share the metadata and migrations)
from webapp.werksessies.model import Basis

MIGRATIES = Path(__file__).with_name("migraties")
SCHRIJVEN = "schrijven"
"""Execution option marking a connection that will write (SQLite: BEGIN IMMEDIATE)."""


def maak_engine(url: str) -> Engine:
    """An engine for ``url``; for SQLite with the settings above."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": 10})

    @event.listens_for(engine, "connect")
    def _instellingen(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # the driver's own BEGIN would be deferred; ours is below
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=10000"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.get_execution_options().get(SCHRIJVEN)
                                   else "BEGIN")

    return engine


def migreer(engine: Engine) -> None:
    """Bring the schema to the newest migration (creates it in an empty database)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIES))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def verschillen(engine: Engine) -> list:
    """Differences between the migrated schema and the models (empty when they agree)."""
    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), Basis.metadata)


class Opslag:
    """The database of one app: read sessions and write transactions."""

    def __init__(self, url: str):
        self.engine = maak_engine(url)
        migreer(self.engine)
        self._lezen = sessionmaker(self.engine, expire_on_commit=False)
        self._schrijven = sessionmaker(self.engine.execution_options(**{SCHRIJVEN: True}), expire_on_commit=False)

    @contextmanager
    def lees(self) -> Iterator[Session]:
        """A session for reading: closing it ends the transaction without a commit, and the objects read
        stay usable (detached, attributes loaded) for the template that shows them."""
        with self._lezen() as session:
            yield session

    @contextmanager
    def schrijf(self) -> Iterator[Session]:
        """One write transaction: committed whole when the block ends, rolled back on any error."""
        with self._schrijven.begin() as session:
            yield session
