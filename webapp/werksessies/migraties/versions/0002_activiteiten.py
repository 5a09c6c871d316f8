"""Open activities per werksessie: the phase opens its own, the facilitator opens or closes each.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("werksessie", schema=None) as batch_op:
        batch_op.add_column(sa.Column("activiteiten", sa.String(length=60), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("werksessie", schema=None) as batch_op:
        batch_op.drop_column("activiteiten")
