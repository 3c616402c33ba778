"""A learning set (one per channel per workspace), its members and its presenter invitations."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.domain.states import InvitationStatus, MemberState, SetStatus
from bot.models.base import Base, SlackId, UTCDateTime


class LearningSet(Base):
    __tablename__ = "learning_set"
    __table_args__ = (
        UniqueConstraint("team_id", "channel_id"),
        # The weekly reflection step's first, cheap question: is any set's reflection hour near?
        Index("ix_learning_set_status_reflection", "status", "reflection_weekday", "reflection_hour"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId())
    enterprise_id: Mapped[str | None] = mapped_column(SlackId())
    channel_id: Mapped[str] = mapped_column(SlackId())
    name: Mapped[str] = mapped_column(String(80))
    pace: Mapped[str] = mapped_column(String(16), default="standard")
    timezone: Mapped[str] = mapped_column(String(64))  # IANA name
    working_days: Mapped[str] = mapped_column(String(32), default="0,1,2,3,4")  # date.weekday() numbers
    reflection_weekday: Mapped[int] = mapped_column(Integer, default=4)
    reflection_hour: Mapped[int] = mapped_column(Integer, default=15)
    max_concurrent: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default=SetStatus.ACTIVE)
    paused_reason: Mapped[str | None] = mapped_column(String(200))
    is_private: Mapped[bool] = mapped_column(Boolean, default=True)
    is_ext_shared: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(SlackId())
    welcome_ts: Mapped[str | None] = mapped_column(SlackId())
    # When to invite the next presenter ("you're up next"); NULL while one runs or is invited.
    next_invite_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    memberships: Mapped[list[Membership]] = relationship(back_populates="learning_set", order_by="Membership.id")


class Membership(Base):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("set_id", "user_id"), Index("ix_membership_user_id", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("learning_set.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(SlackId())
    state: Mapped[str] = mapped_column(String(16), default=MemberState.ACTIVE)
    away_until: Mapped[date | None] = mapped_column(Date)
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # ground rules
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    learning_set: Mapped[LearningSet] = relationship(back_populates="memberships")


class Invitation(Base):
    """"You're up next": the scheduler invites the least recent presenter; they may pass."""

    __tablename__ = "invitation"
    __table_args__ = (Index("ix_invitation_set_id_status", "set_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("learning_set.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(SlackId())
    status: Mapped[str] = mapped_column(String(16), default=InvitationStatus.PENDING)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)  # silence counts as a pass
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
