"""action owner status due index

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 14:40:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # App Home asks for a member's open actions in due order; the composite index answers it
    # without reading their done/lapsed history, and still serves owner_id-only lookups.
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.create_index('ix_action_owner_id_status_due_on', ['owner_id', 'status', 'due_on'], unique=False)
        batch_op.drop_index('ix_action_owner_id')


def downgrade() -> None:
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.create_index('ix_action_owner_id', ['owner_id'], unique=False)
        batch_op.drop_index('ix_action_owner_id_status_due_on')
