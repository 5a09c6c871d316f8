"""The year of an afspraak's baseline value, so later years of the kaart can be held against it.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("afspraak", schema=None) as batch_op:
        batch_op.add_column(sa.Column("basisjaar", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("afspraak", schema=None) as batch_op:
        batch_op.drop_column("basisjaar")
