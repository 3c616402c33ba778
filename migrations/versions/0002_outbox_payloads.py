"""outbox payloads: posts are recorded with the state change that needs them

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 20:44:47.972612
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbound_post", schema=None) as batch_op:
        # Server defaults fill rows written by 0001-era code; the models always set both.
        batch_op.add_column(sa.Column("kind", sa.String(length=16), nullable=False, server_default="message"))
        batch_op.add_column(sa.Column("user_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("thread_ts", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("payload", sa.Text(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("after_post", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("subject_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbound_post", schema=None) as batch_op:
        batch_op.drop_column("subject_id")
        batch_op.drop_column("after_post")
        batch_op.drop_column("payload")
        batch_op.drop_column("thread_ts")
        batch_op.drop_column("user_id")
        batch_op.drop_column("kind")
