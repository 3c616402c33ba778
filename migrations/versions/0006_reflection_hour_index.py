"""reflection hour index

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 21:23:32.351509
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('learning_set', schema=None) as batch_op:
        batch_op.create_index('ix_learning_set_status_reflection', ['status', 'reflection_weekday', 'reflection_hour'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('learning_set', schema=None) as batch_op:
        batch_op.drop_index('ix_learning_set_status_reflection')
