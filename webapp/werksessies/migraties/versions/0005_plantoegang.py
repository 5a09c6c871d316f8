"""The links into an inrichtingsplan: one row per link, holding only the SHA-256 of its token.

Revision ID: 0005_plantoegang
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_plantoegang"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('plantoegang',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('rol', sa.String(length=20), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('ingetrokken', sa.Boolean(), nullable=False),
    sa.Column('aangemaakt', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_plantoegang_plan_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plantoegang')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_plantoegang_token_hash'))
    )
    with op.batch_alter_table('plantoegang', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plantoegang_plan_id'), ['plan_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('plantoegang', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plantoegang_plan_id'))
    op.drop_table('plantoegang')
