"""Read models for `/als status` and App Home: plain data, no ORM objects leak to builders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.set_settings import MIN_ACTIVE_MEMBERS, SetSettings
from bot.domain.states import MemberState
from bot.models import LearningSet, Membership
from bot.services.presentation_status import PresentationLine, presentation_lines
from bot.services.sets import settings_of


@dataclass(frozen=True)
class MemberLine:
    user_id: str
    state: MemberState
    away_until: date | None
    agreed: bool


@dataclass(frozen=True)
class SetSummary:
    set_id: int
    channel_id: str
    settings: SetSettings
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
        channel_id=learning_set.channel_id,
        settings=settings_of(learning_set),
        paused_reason=learning_set.paused_reason if learning_set.status == "paused" else None,
        members=members,
        presentations=presentation_lines(session, learning_set.id),
    )
