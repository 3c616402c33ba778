"""A member's private weekly learning log entry; shared into a set only when they ask."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, SlackId, UTCDateTime


class Reflection(Base):
    __tablename__ = "reflection"
    __table_args__ = (UniqueConstraint("team_id", "user_id", "week_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId())
    user_id: Mapped[str] = mapped_column(SlackId())
    week_start: Mapped[date] = mapped_column(Date)  # Monday of the member's local week
    text: Mapped[str] = mapped_column(Text, default="")
    shared_set_id: Mapped[int | None] = mapped_column(ForeignKey("learning_set.id", ondelete="SET NULL"))
    shared_ts: Mapped[str | None] = mapped_column(SlackId())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
