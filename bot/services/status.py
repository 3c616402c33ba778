"""Read models for `/als status` and App Home: plain data, no ORM objects leak to builders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.enums import Pace
from bot.domain.set_settings import MIN_ACTIVE_MEMBERS, decode_working_days
from bot.domain.states import MemberState
from bot.models import LearningSet, Membership
from bot.services.presentation_status import PresentationLine, presentation_lines


@dataclass(frozen=True)
class MemberLine:
    user_id: str
    state: MemberState
    away_until: date | None
    agreed: bool


@dataclass(frozen=True)
class SetSummary:
    set_id: int
    name: str
    channel_id: str
    pace: Pace
    timezone: str
    working_days: frozenset[int]
    reflection_weekday: int
    reflection_hour: int
    max_concurrent: int
    paused_reason: str | None
    members: list[MemberLine]
    presentations: list[PresentationLine] = field(default_factory=list)

    @property
    def seated(self) -> int:
        return sum(1 for m in self.members if m.state in (MemberState.ACTIVE, MemberState.AWAY))

    @property
    def available(self) -> int:
        return sum(1 for m in self.members if m.state == MemberState.ACTIVE)

    @property
    def below_minimum(self) -> bool:
        return self.seated < MIN_ACTIVE_MEMBERS


_STATE_ORDER = {MemberState.ACTIVE: 0, MemberState.AWAY: 1, MemberState.OBSERVER: 2}


def summarise_set(session: Session, learning_set: LearningSet) -> SetSummary:
    memberships = session.scalars(
        select(Membership)
        .where(Membership.set_id == learning_set.id, Membership.state != MemberState.LEFT)
        .order_by(Membership.joined_at, Membership.id)
    ).all()
    members = sorted(
        (MemberLine(m.user_id, MemberState(m.state), m.away_until, m.agreed_at is not None) for m in memberships),
        key=lambda line: _STATE_ORDER.get(line.state, 3),
    )
    return SetSummary(
        set_id=learning_set.id,
        name=learning_set.name,
        channel_id=learning_set.channel_id,
        pace=Pace(learning_set.pace),
        timezone=learning_set.timezone,
        working_days=decode_working_days(learning_set.working_days),
        reflection_weekday=learning_set.reflection_weekday,
        reflection_hour=learning_set.reflection_hour,
        max_concurrent=learning_set.max_concurrent,
        paused_reason=learning_set.paused_reason if learning_set.status == "paused" else None,
        members=members,
        presentations=presentation_lines(session, learning_set.id),
    )
