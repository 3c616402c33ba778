"""What the bot caches about a Slack user in one workspace: time zone, DM channel, preferences."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, SlackId, UTCDateTime


class SlackUser(Base):
    __tablename__ = "slack_user"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId())
    user_id: Mapped[str] = mapped_column(SlackId())
    timezone: Mapped[str | None] = mapped_column(String(64))  # IANA name from users.info
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    dm_channel_id: Mapped[str | None] = mapped_column(SlackId())  # conversations.open, once
    reflections_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)
    reflections_snoozed_until: Mapped[date | None] = mapped_column(Date)
    refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
