"""Inrichtingsplannen: the plan and its versions, areas, parties with their role per phase, tafels with their
members, phases with milestones and the werksessies held in them.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('aangemaakt', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan'))
    )
    op.create_table('planversie',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('versie', sa.Integer(), nullable=False),
    sa.Column('vorige_id', sa.Integer(), nullable=True),
    sa.Column('titel', sa.String(length=200), nullable=False),
    sa.Column('soort', sa.String(length=20), nullable=False),
    sa.Column('getekend', sa.Boolean(), nullable=False),
    sa.Column('gebiedsnaam', sa.String(length=200), nullable=False),
    sa.Column('indeling_soort', sa.String(length=40), nullable=False),
    sa.Column('indeling_naam', sa.String(length=200), nullable=False),
    sa.Column('doel', sa.Text(), nullable=False),
    sa.Column('opzet', sa.Text(), nullable=False),
    sa.Column('verwachtingen', sa.Text(), nullable=False),
    sa.Column('initiatiefnemers', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('vastgesteld_door_id', sa.Integer(), nullable=True),
    sa.Column('vastgesteld_op', sa.Date(), nullable=True),
    sa.Column('aangemaakt', sa.DateTime(), nullable=False),
    sa.Column('gewijzigd', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_planversie_plan_id'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['vorige_id'], ['planversie.id'], name=op.f('fk_planversie_vorige_id'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_planversie')),
    sa.UniqueConstraint('plan_id', 'versie', name=op.f('uq_planversie_plan_id'))
    )
    with op.batch_alter_table('planversie', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_planversie_plan_id'), ['plan_id'], unique=False)

    op.create_table('fase',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('versie_id', sa.Integer(), nullable=False),
    sa.Column('fase', sa.String(length=40), nullable=False),
    sa.Column('wat', sa.Text(), nullable=False),
    sa.Column('hoe', sa.Text(), nullable=False),
    sa.Column('waarom', sa.Text(), nullable=False),
    sa.Column('waar', sa.Text(), nullable=False),
    sa.Column('waar_indeling', sa.String(length=40), nullable=False),
    sa.Column('begin', sa.Date(), nullable=True),
    sa.Column('einde', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['versie_id'], ['planversie.id'], name=op.f('fk_fase_versie_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fase')),
    sa.UniqueConstraint('versie_id', 'fase', name=op.f('uq_fase_versie_id'))
    )
    with op.batch_alter_table('fase', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fase_versie_id'), ['versie_id'], unique=False)

    op.create_table('partij',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('versie_id', sa.Integer(), nullable=False),
    sa.Column('naam', sa.String(length=200), nullable=False),
    sa.Column('domein', sa.String(length=40), nullable=False),
    sa.Column('niveau', sa.String(length=20), nullable=False),
    sa.Column('functie', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['versie_id'], ['planversie.id'], name=op.f('fk_partij_versie_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partij'))
    )
    with op.batch_alter_table('partij', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partij_versie_id'), ['versie_id'], unique=False)

    op.create_table('plangebied',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('versie_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['versie_id'], ['planversie.id'], name=op.f('fk_plangebied_versie_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plangebied')),
    sa.UniqueConstraint('versie_id', 'code', name=op.f('uq_plangebied_versie_id'))
    )
    with op.batch_alter_table('plangebied', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plangebied_versie_id'), ['versie_id'], unique=False)

    op.create_table('tafel',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('versie_id', sa.Integer(), nullable=False),
    sa.Column('naam', sa.String(length=200), nullable=False),
    sa.Column('soort', sa.String(length=40), nullable=False),
    sa.Column('niveau', sa.String(length=20), nullable=False),
    sa.Column('besluit', sa.Text(), nullable=False),
    sa.Column('frequentie', sa.String(length=80), nullable=False),
    sa.Column('gebied', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['versie_id'], ['planversie.id'], name=op.f('fk_tafel_versie_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tafel'))
    )
    with op.batch_alter_table('tafel', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tafel_versie_id'), ['versie_id'], unique=False)
    # planversie and tafel point at each other: the adopting tafel's key comes once both exist
    with op.batch_alter_table('planversie', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_planversie_vastgesteld_door_id'), 'tafel',
                                    ['vastgesteld_door_id'], ['id'], ondelete='SET NULL')

    op.create_table('fasesessie',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fase_id', sa.Integer(), nullable=False),
    sa.Column('werksessie_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['fase_id'], ['fase.id'], name=op.f('fk_fasesessie_fase_id'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['werksessie_id'], ['werksessie.id'], name=op.f('fk_fasesessie_werksessie_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fasesessie')),
    sa.UniqueConstraint('fase_id', 'werksessie_id', name=op.f('uq_fasesessie_fase_id'))
    )
    with op.batch_alter_table('fasesessie', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fasesessie_fase_id'), ['fase_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fasesessie_werksessie_id'), ['werksessie_id'], unique=False)

    op.create_table('mijlpaal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fase_id', sa.Integer(), nullable=False),
    sa.Column('datum', sa.Date(), nullable=False),
    sa.Column('omschrijving', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['fase_id'], ['fase.id'], name=op.f('fk_mijlpaal_fase_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mijlpaal'))
    )
    with op.batch_alter_table('mijlpaal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mijlpaal_fase_id'), ['fase_id'], unique=False)

    op.create_table('partijrol',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partij_id', sa.Integer(), nullable=False),
    sa.Column('fase', sa.String(length=40), nullable=False),
    sa.Column('rol', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['partij_id'], ['partij.id'], name=op.f('fk_partijrol_partij_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partijrol')),
    sa.UniqueConstraint('partij_id', 'fase', name=op.f('uq_partijrol_partij_id'))
    )
    with op.batch_alter_table('partijrol', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partijrol_partij_id'), ['partij_id'], unique=False)

    op.create_table('tafellid',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tafel_id', sa.Integer(), nullable=False),
    sa.Column('partij_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['partij_id'], ['partij.id'], name=op.f('fk_tafellid_partij_id'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tafel_id'], ['tafel.id'], name=op.f('fk_tafellid_tafel_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tafellid')),
    sa.UniqueConstraint('tafel_id', 'partij_id', name=op.f('uq_tafellid_tafel_id'))
    )
    with op.batch_alter_table('tafellid', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tafellid_partij_id'), ['partij_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tafellid_tafel_id'), ['tafel_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('planversie', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_planversie_vastgesteld_door_id'), type_='foreignkey')
    with op.batch_alter_table('tafellid', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tafellid_tafel_id'))
        batch_op.drop_index(batch_op.f('ix_tafellid_partij_id'))

    op.drop_table('tafellid')
    with op.batch_alter_table('partijrol', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partijrol_partij_id'))

    op.drop_table('partijrol')
    with op.batch_alter_table('mijlpaal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mijlpaal_fase_id'))

    op.drop_table('mijlpaal')
    with op.batch_alter_table('fasesessie', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fasesessie_werksessie_id'))
        batch_op.drop_index(batch_op.f('ix_fasesessie_fase_id'))

    op.drop_table('fasesessie')
    with op.batch_alter_table('tafel', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tafel_versie_id'))

    op.drop_table('tafel')
    with op.batch_alter_table('plangebied', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plangebied_versie_id'))

    op.drop_table('plangebied')
    with op.batch_alter_table('partij', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partij_versie_id'))

    op.drop_table('partij')
    with op.batch_alter_table('fase', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fase_versie_id'))

    op.drop_table('fase')
    with op.batch_alter_table('planversie', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_planversie_plan_id'))

    op.drop_table('planversie')
    op.drop_table('plan')
