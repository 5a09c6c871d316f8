"""werksessies, links, deelnemers, annotaties, wijzigingen, stemmen, afspraken

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 05:06:51.491522

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0001'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('werksessie',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('titel', sa.String(length=200), nullable=False),
    sa.Column('regio', sa.String(length=200), nullable=False),
    sa.Column('fase', sa.String(length=40), nullable=False),
    sa.Column('begin', sa.Date(), nullable=False),
    sa.Column('einde', sa.Date(), nullable=False),
    sa.Column('moderatie', sa.Boolean(), nullable=False),
    sa.Column('alleen_eigen', sa.Boolean(), nullable=False),
    sa.Column('stippen', sa.Integer(), nullable=False),
    sa.Column('bewaartermijn_dagen', sa.Integer(), nullable=False),
    sa.Column('revisie', sa.Integer(), nullable=False),
    sa.Column('aangemaakt', sa.DateTime(), nullable=False),
    sa.Column('tekst_gewist', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_werksessie'))
    )
    op.create_table('afspraak',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('werksessie_id', sa.Integer(), nullable=False),
    sa.Column('gebied', sa.String(length=20), nullable=False),
    sa.Column('wat', sa.Text(), nullable=False),
    sa.Column('wie', sa.Text(), nullable=False),
    sa.Column('wanneer', sa.Date(), nullable=False),
    sa.Column('indicator', sa.String(length=80), nullable=False),
    sa.Column('huidige_waarde', sa.Float(), nullable=True),
    sa.Column('doelwaarde', sa.Float(), nullable=True),
    sa.Column('doeljaar', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('aangemaakt', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['werksessie_id'], ['werksessie.id'], name=op.f('fk_afspraak_werksessie_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_afspraak'))
    )
    with op.batch_alter_table('afspraak', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_afspraak_werksessie_id'), ['werksessie_id'], unique=False)

    op.create_table('toegang',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('werksessie_id', sa.Integer(), nullable=False),
    sa.Column('rol', sa.String(length=20), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('verloopt', sa.DateTime(), nullable=False),
    sa.Column('ingetrokken', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['werksessie_id'], ['werksessie.id'], name=op.f('fk_toegang_werksessie_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_toegang')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_toegang_token_hash'))
    )
    with op.batch_alter_table('toegang', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_toegang_werksessie_id'), ['werksessie_id'], unique=False)

    op.create_table('deelnemer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('werksessie_id', sa.Integer(), nullable=False),
    sa.Column('toegang_id', sa.Integer(), nullable=True),
    sa.Column('rol', sa.String(length=20), nullable=False),
    sa.Column('aangemaakt', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['toegang_id'], ['toegang.id'], name=op.f('fk_deelnemer_toegang_id'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['werksessie_id'], ['werksessie.id'], name=op.f('fk_deelnemer_werksessie_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deelnemer'))
    )
    with op.batch_alter_table('deelnemer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deelnemer_werksessie_id'), ['werksessie_id'], unique=False)

    op.create_table('annotatie',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('werksessie_id', sa.Integer(), nullable=False),
    sa.Column('auteur_id', sa.Integer(), nullable=True),
    sa.Column('categorie', sa.String(length=20), nullable=False),
    sa.Column('tekst', sa.Text(), nullable=False),
    sa.Column('naam', sa.String(length=80), nullable=False),
    sa.Column('geometrie', sa.Text(), nullable=False),
    sa.Column('soort', sa.String(length=20), nullable=False),
    sa.Column('minx', sa.Float(), nullable=False),
    sa.Column('miny', sa.Float(), nullable=False),
    sa.Column('maxx', sa.Float(), nullable=False),
    sa.Column('maxy', sa.Float(), nullable=False),
    sa.Column('buurten', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('verwijderd', sa.Boolean(), nullable=False),
    sa.Column('revisie', sa.Integer(), nullable=False),
    sa.Column('aangemaakt', sa.DateTime(), nullable=False),
    sa.Column('gewijzigd', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['auteur_id'], ['deelnemer.id'], name=op.f('fk_annotatie_auteur_id'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['werksessie_id'], ['werksessie.id'], name=op.f('fk_annotatie_werksessie_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annotatie'))
    )
    with op.batch_alter_table('annotatie', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annotatie_revisie'), ['revisie'], unique=False)
        batch_op.create_index(batch_op.f('ix_annotatie_werksessie_id'), ['werksessie_id'], unique=False)

    op.create_table('stem',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('werksessie_id', sa.Integer(), nullable=False),
    sa.Column('deelnemer_id', sa.Integer(), nullable=False),
    sa.Column('doel_soort', sa.String(length=20), nullable=False),
    sa.Column('doel', sa.String(length=40), nullable=False),
    sa.Column('aantal', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['deelnemer_id'], ['deelnemer.id'], name=op.f('fk_stem_deelnemer_id'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['werksessie_id'], ['werksessie.id'], name=op.f('fk_stem_werksessie_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stem')),
    sa.UniqueConstraint('deelnemer_id', 'doel_soort', 'doel', name=op.f('uq_stem_deelnemer_id'))
    )
    with op.batch_alter_table('stem', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stem_werksessie_id'), ['werksessie_id'], unique=False)

    op.create_table('wijziging',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('annotatie_id', sa.Integer(), nullable=False),
    sa.Column('deelnemer_id', sa.Integer(), nullable=True),
    sa.Column('rol', sa.String(length=20), nullable=False),
    sa.Column('actie', sa.String(length=20), nullable=False),
    sa.Column('voor', sa.Text(), nullable=False),
    sa.Column('na', sa.Text(), nullable=False),
    sa.Column('tijd', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['annotatie_id'], ['annotatie.id'], name=op.f('fk_wijziging_annotatie_id'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['deelnemer_id'], ['deelnemer.id'], name=op.f('fk_wijziging_deelnemer_id'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wijziging'))
    )
    with op.batch_alter_table('wijziging', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wijziging_annotatie_id'), ['annotatie_id'], unique=False)



def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('wijziging', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wijziging_annotatie_id'))

    op.drop_table('wijziging')
    with op.batch_alter_table('stem', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stem_werksessie_id'))

    op.drop_table('stem')
    with op.batch_alter_table('annotatie', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annotatie_werksessie_id'))
        batch_op.drop_index(batch_op.f('ix_annotatie_revisie'))

    op.drop_table('annotatie')
    with op.batch_alter_table('deelnemer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deelnemer_werksessie_id'))

    op.drop_table('deelnemer')
    with op.batch_alter_table('toegang', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_toegang_werksessie_id'))

    op.drop_table('toegang')
    with op.batch_alter_table('afspraak', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_afspraak_werksessie_id'))

    op.drop_table('afspraak')
    op.drop_table('werksessie')
