"""presentation schedule

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 20:49:52.868283
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Acknowledging is per phase: "nothing to ask" in P1 says nothing about P3.
    with op.batch_alter_table("acknowledgement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phase", sa.Integer(), nullable=False, server_default="0"))
        batch_op.drop_constraint("uq_acknowledgement_presentation_id_user_id", type_="unique")
        batch_op.create_unique_constraint(
            "uq_acknowledgement_presentation_id_user_id_phase", ["presentation_id", "user_id", "phase"]
        )

    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_invitation_expires_at'), ['expires_at'], unique=False)

    with op.batch_alter_table('learning_set', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_invite_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_learning_set_next_invite_at'), ['next_invite_at'], unique=False)

    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nudge_due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('nudged_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_round_nudge_due_at'), ['nudge_due_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_nudge_due_at'))
        batch_op.drop_column('nudged_at')
        batch_op.drop_column('nudge_due_at')

    with op.batch_alter_table('learning_set', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_set_next_invite_at'))
        batch_op.drop_column('next_invite_at')

    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_expires_at'))
        batch_op.drop_column('expires_at')

    with op.batch_alter_table("acknowledgement", schema=None) as batch_op:
        batch_op.drop_constraint("uq_acknowledgement_presentation_id_user_id_phase", type_="unique")
        batch_op.create_unique_constraint("uq_acknowledgement_presentation_id_user_id", ["presentation_id", "user_id"])
        batch_op.drop_column("phase")
