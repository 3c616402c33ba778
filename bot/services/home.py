"""Read model for a member's App Home."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from bot.domain.asks import what_it_asks
from bot.domain.calendar import local_time
from bot.domain.states import MemberState, PresentationStatus
from bot.services.presentation_status import presentation_lines
from bot.services.actions import open_actions_of
from bot.services.reflections import ReflectionHome, reflection_home
from bot.services.sets import sets_of_user


@dataclass(frozen=True)
class HomeSet:
    set_id: int
    name: str
    channel_id: str
    state: MemberState
    agreed: bool
    paused: bool
    current: list[str] = field(default_factory=list)  # per running presentation: my role and what it asks now


@dataclass(frozen=True)
class HomeView:
    user_id: str
    sets: list[HomeSet]
    reflections: ReflectionHome | None = None  # my last reflections and prompt preference
    open_actions: list[dict[str, object]] = field(default_factory=list)  # mine, with due dates


def home_for(session: Session, *, team_id: str, user_id: str) -> HomeView:
    rows = sets_of_user(session, team_id=team_id, user_id=user_id)
    timezone = _timezone(session, team_id, user_id) if rows else None
    return HomeView(
        user_id=user_id,
        reflections=reflection_home(session, team_id=team_id, user_id=user_id) if rows else None,
        open_actions=open_actions_of(session, team_id=team_id, user_id=user_id) if rows else [],
        sets=[
            HomeSet(
                set_id=s.id,
                name=s.name,
                channel_id=s.channel_id,
                state=MemberState(m.state),
                agreed=m.agreed_at is not None,
                paused=s.status == "paused",
                current=current_asks(session, s.id, user_id, timezone=timezone or s.timezone),
            )
            for s, m in rows
        ],
    )


def _timezone(session: Session, team_id: str, user_id: str) -> str | None:
    """The member's own time zone (cached from Slack), read once for all their sets."""
    from bot.services.users import find_user

    user = find_user(session, team_id=team_id, user_id=user_id)
    return user.timezone if user and user.timezone else None


def current_asks(session: Session, set_id: int, user_id: str, *, timezone: str) -> list[str]:
    """One line per running presentation: the member's role, the phase, and what it asks now."""
    lines = []
    for line in presentation_lines(session, set_id, with_engagement=False):  # Home shows no one's progress
        if line.phase is None or line.status != PresentationStatus.OPEN:
            continue
        mine = {role for role, users in line.roles.items() if user_id in users}
        role_names = ", ".join(sorted(r.value for r in mine)) or "listener"
        deadline = f" (until {local_time(line.deadline, timezone)})" if line.deadline else ""
        lines.append(
            f"\u201c{line.title}\u201d: you're {role_names}; {line.phase.title}{deadline}. {what_it_asks(line.phase, mine)}"
        )
    return lines
