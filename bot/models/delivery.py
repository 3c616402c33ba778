"""Exactly-once bookkeeping: inbound events seen, and outbound posts claimed, posted, recorded."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain.states import PostKind, PostStatus
from bot.models.base import Base, SlackId, UTCDateTime


class ProcessedEvent(Base):
    """An Events API `event_id` already handled; Slack redelivers on timeouts."""

    __tablename__ = "processed_event"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[str | None] = mapped_column(SlackId())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class OutboundPost(Base):
    """One outbound post, keyed by what it is for ("prompt:12:3"), so it happens once.

    It is written in the same transaction as the state change that needs it (a transactional
    outbox). A deliverer claims the row atomically, posts, then records the ts: a repeated tick
    finds it posted, a failed post is retried after `next_attempt_at`, two processes never both
    claim it, and `after_post` names the follow-up that needs the ts (e.g. a root message).
    """

    __tablename__ = "outbound_post"
    __table_args__ = (Index("ix_outbound_post_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    work_key: Mapped[str] = mapped_column(String(200), unique=True)
    team_id: Mapped[str] = mapped_column(SlackId())
    kind: Mapped[str] = mapped_column(String(16), default=PostKind.MESSAGE)
    channel_id: Mapped[str | None] = mapped_column(SlackId())
    user_id: Mapped[str | None] = mapped_column(SlackId())  # ephemeral and DM recipient
    thread_ts: Mapped[str | None] = mapped_column(SlackId())
    payload: Mapped[str] = mapped_column(Text, default="{}")  # JSON: text, blocks
    after_post: Mapped[str | None] = mapped_column(String(32))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=PostStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    posted_ts: Mapped[str | None] = mapped_column(SlackId())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
