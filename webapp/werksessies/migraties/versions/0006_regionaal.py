"""The regional agreement of an inrichtingsplan: the verdeelsleutel settings of a version, the gemeenten's
bods per woonproduct and year, and their realisation.

Revision ID: 0006_regionaal
Revises: 0005_plantoegang
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_regionaal"
down_revision = "0005_plantoegang"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bod',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('versie_id', sa.Integer(), nullable=False),
    sa.Column('gemeente', sa.String(length=20), nullable=False),
    sa.Column('woonproduct', sa.String(length=40), nullable=False),
    sa.Column('jaar', sa.Integer(), nullable=False),
    sa.Column('aantal', sa.Integer(), nullable=False),
    sa.Column('locatie', sa.String(length=200), nullable=False),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['versie_id'], ['planversie.id'], name=op.f('fk_bod_versie_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bod')),
    sa.UniqueConstraint('versie_id', 'gemeente', 'woonproduct', 'jaar', name=op.f('uq_bod_versie_id'))
    )
    with op.batch_alter_table('bod', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bod_versie_id'), ['versie_id'], unique=False)

    op.create_table('realisatie',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('versie_id', sa.Integer(), nullable=False),
    sa.Column('gemeente', sa.String(length=20), nullable=False),
    sa.Column('woonproduct', sa.String(length=40), nullable=False),
    sa.Column('jaar', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('aantal', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['versie_id'], ['planversie.id'], name=op.f('fk_realisatie_versie_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_realisatie')),
    sa.UniqueConstraint('versie_id', 'gemeente', 'woonproduct', 'jaar', 'status', name=op.f('uq_realisatie_versie_id'))
    )
    with op.batch_alter_table('realisatie', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_realisatie_versie_id'), ['versie_id'], unique=False)

    op.create_table('regioafspraak',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('versie_id', sa.Integer(), nullable=False),
    sa.Column('aantal', sa.Integer(), nullable=False),
    sa.Column('jaren', sa.Integer(), nullable=False),
    sa.Column('eerste_jaar', sa.Integer(), nullable=False),
    sa.Column('basis', sa.String(length=40), nullable=False),
    sa.Column('correctie', sa.Float(), nullable=False),
    sa.Column('minimum', sa.String(length=2000), nullable=False),
    sa.Column('maximum', sa.String(length=2000), nullable=False),
    sa.ForeignKeyConstraint(['versie_id'], ['planversie.id'], name=op.f('fk_regioafspraak_versie_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_regioafspraak')),
    sa.UniqueConstraint('versie_id', name=op.f('uq_regioafspraak_versie_id'))
    )


def downgrade() -> None:
    op.drop_table('regioafspraak')
    with op.batch_alter_table('realisatie', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_realisatie_versie_id'))

    op.drop_table('realisatie')
    with op.batch_alter_table('bod', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bod_versie_id'))

    op.drop_table('bod')
