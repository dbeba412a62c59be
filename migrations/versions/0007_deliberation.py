"""The deliberation's town-specific details, typed on page Rédiger: number, dates of the séance,
the convocation and the committees, councillors, the Bonus Territoires amount, a renewal's
previous deliberation, the recruitment of the chargé de coopération, the structures funded
through their Conventions d'Objectifs et de Financement, the signatories.

Revision ID: 0007_deliberation
Revises: 0006_follow_up
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0007_deliberation'
down_revision = '0006_follow_up'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('deliberation_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=50), nullable=True),
    sa.Column('session_date', sa.Date(), nullable=True),
    sa.Column('convocation_date', sa.Date(), nullable=True),
    sa.Column('councillors', sa.Integer(), nullable=True),
    sa.Column('present', sa.Integer(), nullable=True),
    sa.Column('bonus_cents', sa.BigInteger(), nullable=True),
    sa.Column('previous_deliberation_date', sa.Date(), nullable=True),
    sa.Column('previous_end_date', sa.Date(), nullable=True),
    sa.Column('themes_committee_date', sa.Date(), nullable=True),
    sa.Column('validation_committee_date', sa.Date(), nullable=True),
    sa.Column('recruitment', sa.Boolean(), nullable=False),
    sa.Column('funded_structures', sa.JSON(), nullable=False),
    sa.Column('mayor', sa.String(length=200), nullable=True),
    sa.Column('secretary', sa.String(length=200), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('bonus_cents IS NULL OR bonus_cents >= 0', name=op.f('ck_deliberation_settings_bonus_positive')),
    sa.CheckConstraint('councillors IS NULL OR councillors BETWEEN 1 AND 200', name=op.f('ck_deliberation_settings_councillors_range')),
    sa.CheckConstraint('present IS NULL OR present BETWEEN 0 AND 200', name=op.f('ck_deliberation_settings_present_range')),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], name=op.f('fk_deliberation_settings_workshop_id_workshop'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation_settings')),
    sa.UniqueConstraint('workshop_id', name=op.f('uq_deliberation_settings_workshop_id'))
    )


def downgrade() -> None:
    op.drop_table('deliberation_settings')
