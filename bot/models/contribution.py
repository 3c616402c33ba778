"""A thread reply recorded as a question, answer, restatement, learning or synthesis."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, SlackId, UTCDateTime


class Contribution(Base):
    __tablename__ = "contribution"
    __table_args__ = (
        UniqueConstraint("channel_id", "ts"),  # one record per Slack message, however often delivered
        Index("ix_contribution_presentation_id_user_id", "presentation_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    presentation_id: Mapped[int] = mapped_column(ForeignKey("presentation.id", ondelete="CASCADE"))
    channel_id: Mapped[str] = mapped_column(SlackId())
    ts: Mapped[str] = mapped_column(SlackId())
    user_id: Mapped[str] = mapped_column(SlackId())
    phase: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    problems: Mapped[str | None] = mapped_column(String(100))  # advice check findings, comma-separated
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
