"""action follow-up

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 21:18:02.029451
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminder_stage', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('next_reminder_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_action_next_reminder_at'), ['next_reminder_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_next_reminder_at'))
        batch_op.drop_column('next_reminder_at')
        batch_op.drop_column('reminder_stage')
