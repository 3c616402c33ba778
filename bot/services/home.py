"""Read model for a member's App Home."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.domain.states import MemberState
from bot.services.sets import sets_of_user


@dataclass(frozen=True)
class HomeSet:
    set_id: int
    name: str
    channel_id: str
    state: MemberState
    agreed: bool
    paused: bool


@dataclass(frozen=True)
class HomeView:
    user_id: str
    sets: list[HomeSet]


def home_for(session: Session, *, team_id: str, user_id: str) -> HomeView:
    rows = sets_of_user(session, team_id=team_id, user_id=user_id)
    return HomeView(
        user_id=user_id,
        sets=[
            HomeSet(
                set_id=s.id,
                name=s.name,
                channel_id=s.channel_id,
                state=MemberState(m.state),
                agreed=m.agreed_at is not None,
                paused=s.status == "paused",
            )
            for s, m in rows
        ],
    )
