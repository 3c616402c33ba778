"""Exactly-once bookkeeping: inbound events seen, and outbound posts claimed, posted, recorded."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain.states import PostStatus
from bot.models.base import Base, SlackId, UTCDateTime


class ProcessedEvent(Base):
    """An Events API `event_id` already handled; Slack redelivers on timeouts."""

    __tablename__ = "processed_event"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[str | None] = mapped_column(SlackId())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class OutboundPost(Base):
    """One scheduled post, keyed by what it is for ("phase:12:3"), so it happens once.

    The scheduler claims the row atomically, posts, then records the ts: a repeated tick finds
    it posted, a failed post is retried after `next_attempt_at`, two schedulers never both claim.
    """

    __tablename__ = "outbound_post"
    __table_args__ = (Index("ix_outbound_post_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    work_key: Mapped[str] = mapped_column(String(200), unique=True)
    team_id: Mapped[str] = mapped_column(SlackId())
    channel_id: Mapped[str | None] = mapped_column(SlackId())
    status: Mapped[str] = mapped_column(String(16), default=PostStatus.CLAIMED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    posted_ts: Mapped[str | None] = mapped_column(SlackId())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
