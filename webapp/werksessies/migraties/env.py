"""Alembic's entry point: run the migrations on the connection the app hands over (see ``opslag.migreer``)."""

from alembic import context

from webapp.plannen import model as _plannen  # noqa: F401  (the plan tables are in the same metadata)
from webapp.werksessies.model import Basis

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Basis.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")  # SQLite alters tables by copying them
with context.begin_transaction():
    context.run_migrations()
