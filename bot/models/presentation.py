"""A presentation (one member's problem, a thread), its phase rounds, roles and acknowledgements."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.domain.states import PresentationStatus
from bot.models.base import Base, SlackId, UTCDateTime


class Presentation(Base):
    __tablename__ = "presentation"
    __table_args__ = (
        # The root message identifies a presentation; queued ones have no root yet (NULLs differ).
        UniqueConstraint("channel_id", "root_ts"),
        Index("ix_presentation_set_id_status", "set_id", "status"),
        # The scheduler's "what is due" query: open presentations by deadline.
        Index("ix_presentation_status_phase_deadline", "status", "phase_deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("learning_set.id", ondelete="CASCADE"))
    presenter_id: Mapped[str] = mapped_column(SlackId())
    title: Mapped[str] = mapped_column(String(150))
    situation: Mapped[str] = mapped_column(Text)
    tried: Mapped[str | None] = mapped_column(Text)
    question_to_set: Mapped[str | None] = mapped_column(Text)
    success: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=PresentationStatus.QUEUED)
    phase: Mapped[int | None] = mapped_column(Integer)  # 0..6 while open
    phase_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    extensions_used: Mapped[int] = mapped_column(Integer, default=0)
    channel_id: Mapped[str] = mapped_column(SlackId())
    root_ts: Mapped[str | None] = mapped_column(SlackId())
    request_key: Mapped[str | None] = mapped_column(String(64), unique=True)  # double-submit guard
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    rounds: Mapped[list[Round]] = relationship(order_by="Round.phase")
    roles: Mapped[list[RoleAssignment]] = relationship(order_by="RoleAssignment.id")


class Round(Base):
    """One phase of one presentation, as it actually ran."""

    __tablename__ = "round"
    __table_args__ = (UniqueConstraint("presentation_id", "phase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    presentation_id: Mapped[int] = mapped_column(ForeignKey("presentation.id", ondelete="CASCADE"))
    phase: Mapped[int] = mapped_column(Integer)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    prompt_ts: Mapped[str | None] = mapped_column(SlackId())
    # Questioning phases nudge quiet questioners once, halfway: the scheduler's query is on this.
    nudge_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    nudged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RoleAssignment(Base):
    __tablename__ = "role_assignment"
    __table_args__ = (
        UniqueConstraint("presentation_id", "role", "user_id"),
        Index("ix_role_assignment_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    presentation_id: Mapped[int] = mapped_column(ForeignKey("presentation.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(SlackId())
    role: Mapped[str] = mapped_column(String(16))


class Acknowledgement(Base):
    """A member has read and has nothing (more) to add in a phase (👀 on the root, or the button)."""

    __tablename__ = "acknowledgement"
    __table_args__ = (UniqueConstraint("presentation_id", "user_id", "phase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    presentation_id: Mapped[int] = mapped_column(ForeignKey("presentation.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(SlackId())
    phase: Mapped[int] = mapped_column(Integer, default=0)
    via: Mapped[str] = mapped_column(String(16))  # reaction | button
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
