"""Read model for a member's App Home: three statements, whatever the number of sets.

Home is refreshed on every tab open, after the ack, on the same CPU that acks the next request;
so the statements are built once with bound parameters (:team_id, :user_id), select only the
columns shown, and the member's running presentations come with their sets, not one query per set.
They run on the session's connection (plain rows, no ORM result handling): Home only reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from bot.domain.asks import what_it_asks
from bot.domain.calendar import local_time
from bot.domain.enums import Phase, Role
from bot.domain.states import MemberState, PresentationStatus
from bot.models import LearningSet, Membership, Presentation, RoleAssignment, SlackUser
from bot.services.actions import open_actions_of
from bot.services.reflections import ReflectionHome, recent_reflections


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


def _my_sets_query():  # type: ignore[no-untyped-def]
    """One row per (set, running presentation, role of mine in it), with the member's cached
    profile on every row; sets without a running presentation come once, with NULLs."""
    user_id = bindparam("user_id")
    running = and_(
        Presentation.set_id == LearningSet.id,
        Presentation.status == PresentationStatus.OPEN,
        Presentation.phase.is_not(None),
    )
    return (
        select(
            LearningSet.id, LearningSet.name, LearningSet.channel_id, LearningSet.status, LearningSet.timezone,
            Membership.state, Membership.agreed_at,
            Presentation.id, Presentation.title, Presentation.phase, Presentation.phase_deadline, RoleAssignment.role,
            SlackUser.timezone, SlackUser.reflections_opt_out, SlackUser.reflections_snoozed_until,
        )
        .join(Membership, Membership.set_id == LearningSet.id)
        .outerjoin(Presentation, running)
        .outerjoin(RoleAssignment, and_(RoleAssignment.presentation_id == Presentation.id, RoleAssignment.user_id == user_id))
        .outerjoin(SlackUser, and_(SlackUser.team_id == LearningSet.team_id, SlackUser.user_id == user_id))
        .where(LearningSet.team_id == bindparam("team_id"), Membership.user_id == user_id, Membership.state != MemberState.LEFT)
        .order_by(LearningSet.name, LearningSet.id, Presentation.id, RoleAssignment.id)
    )


_MY_SETS = _my_sets_query()


@dataclass
class _Running:
    title: str
    phase: Phase
    deadline: datetime | None
    roles: set[Role] = field(default_factory=set)


@dataclass
class _SetRow:
    set_id: int
    name: str
    channel_id: str
    status: str
    timezone: str
    state: str
    agreed: bool
    running: dict[int, _Running] = field(default_factory=dict)  # by presentation id, oldest first


def home_for(session: Session, *, team_id: str, user_id: str) -> HomeView:
    rows = session.connection().execute(_MY_SETS, {"team_id": team_id, "user_id": user_id}).all()
    if not rows:
        return HomeView(user_id=user_id, sets=[])  # a stranger: the empty state, nothing else to read
    sets: dict[int, _SetRow] = {}
    for set_id, name, channel_id, status, set_tz, state, agreed_at, p_id, title, phase, deadline, role, *_ in rows:
        s = sets.get(set_id)
        if s is None:
            s = sets[set_id] = _SetRow(set_id, name, channel_id, status, set_tz, state, agreed_at is not None)
        if p_id is not None:
            running = s.running.get(p_id)
            if running is None:
                running = s.running[p_id] = _Running(title, Phase(phase), deadline)
            if role is not None:
                running.roles.add(Role(role))
    my_tz, opted_out, snoozed_until = rows[0][-3:]
    return HomeView(
        user_id=user_id,
        reflections=_reflection_home(session, team_id, user_id, opted_out, snoozed_until),
        open_actions=open_actions_of(session, team_id=team_id, user_id=user_id),
        sets=[
            HomeSet(
                set_id=s.set_id,
                name=s.name,
                channel_id=s.channel_id,
                state=MemberState(s.state),
                agreed=s.agreed,
                paused=s.status == "paused",
                current=[_ask_line(p, timezone=my_tz or s.timezone) for p in s.running.values()],
            )
            for s in sets.values()
        ],
    )


def _reflection_home(session: Session, team_id: str, user_id: str, opted_out: bool | None, snoozed: date | None) -> ReflectionHome:
    return ReflectionHome(
        opted_out=bool(opted_out),
        snoozed_until=snoozed,
        recent=recent_reflections(session, team_id=team_id, user_id=user_id),
    )


def _ask_line(p: _Running, *, timezone: str) -> str:
    """The member's role in a running presentation, its phase, and what it asks of them now."""
    role_names = ", ".join(sorted(r.value for r in p.roles)) or "listener"
    deadline = f" (until {local_time(p.deadline, timezone)})" if p.deadline else ""
    return f"\u201c{p.title}\u201d: you're {role_names}; {p.phase.title}{deadline}. {what_it_asks(p.phase, p.roles)}"
