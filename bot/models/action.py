"""An action the presenter commits to, and its report: no action without learning."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain.states import ActionStatus
from bot.models.base import Base, SlackId, UTCDateTime


class Action(Base):
    __tablename__ = "action"
    __table_args__ = (
        Index("ix_action_status_due_on", "status", "due_on"),  # the scheduler's follow-up query
        # App Home's open actions of a member, soonest due first; owner_id leads, so it also serves
        # the owner-only lookups (privacy) that ix_action_owner_id served before migration 0007.
        Index("ix_action_owner_id_status_due_on", "owner_id", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    presentation_id: Mapped[int] = mapped_column(ForeignKey("presentation.id", ondelete="CASCADE"))
    owner_id: Mapped[str] = mapped_column(SlackId())
    text: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=ActionStatus.OPEN)
    report: Mapped[str | None] = mapped_column(Text)  # what I did, what happened, what I learned
    rollovers: Mapped[int] = mapped_column(Integer, default=0)
    # Follow-up: 0 = remind 3 working days before, 1 = remind on the day, 2 = roll over or lapse.
    reminder_stage: Mapped[int] = mapped_column(Integer, default=0)
    next_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    message_ts: Mapped[str | None] = mapped_column(SlackId())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
