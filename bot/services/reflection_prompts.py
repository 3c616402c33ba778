"""Who is due a weekly reflection prompt at an instant: one indexed query, cheap when nobody is.

Rules (see also `bot.domain.reflection_windows`):
- Eligible: active members (or away members whose away date has passed) of active sets; not
  opted out, not snoozed for that week, not deleted. Paused sets count for nothing.
- Time: the set's reflection weekday and hour on the member's own wall clock (Slack time zone,
  cached on SlackUser; the set's zone when unknown).
- A member of several sets gets one prompt a week: the first of their sets' reflection times that
  week wins (the work key is per member and week, so later ones find it taken).
- Not for a week's time that passed before the member joined, nor more than a day late.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, false, func, literal, or_, select
from sqlalchemy.orm import Session

from bot.domain.reflection_schedule import reflection_due_at
from bot.domain.reflection_windows import STALE_AFTER, DueWindow, HourSpan, coarse_spans, due_windows, is_due
from bot.domain.states import MemberState, SetStatus
from bot.models import LearningSet, Membership, OutboundPost, SlackUser

logger = logging.getLogger(__name__)

KEY_PREFIX = "reflection"


def prompt_key(team_id: str, user_id: str, week_start: date) -> str:
    """The outbox work key of a member's prompt for a week: one per member and week, whatever the sets."""
    return f"{KEY_PREFIX}:{team_id}:{user_id}:{week_start.isoformat()}"


@dataclass(frozen=True)
class DuePrompt:
    team_id: str
    user_id: str
    week_start: date
    due_at: datetime
    set_id: int  # the set whose reflection time this is
    timezone: str

    @property
    def work_key(self) -> str:
        return prompt_key(self.team_id, self.user_id, self.week_start)


_EFFECTIVE_TZ = func.coalesce(SlackUser.timezone, LearningSet.timezone)


def _in_spans(spans: tuple[HourSpan, ...]) -> ColumnElement[bool]:
    # (weekday = d AND hour BETWEEN a AND b) OR ...: a range scan on an index over
    # (status, reflection_weekday, reflection_hour), when there is one.
    return or_(
        *(
            and_(LearningSet.reflection_weekday == s.weekday, LearningSet.reflection_hour.between(s.first_hour, s.last_hour))
            for s in spans
        )
    )


def _eligible(query):  # type: ignore[no-untyped-def]
    return (
        query.select_from(Membership)
        .join(LearningSet, LearningSet.id == Membership.set_id)
        .outerjoin(SlackUser, and_(SlackUser.team_id == LearningSet.team_id, SlackUser.user_id == Membership.user_id))
        .where(
            LearningSet.status == SetStatus.ACTIVE,
            Membership.state.in_([MemberState.ACTIVE, MemberState.AWAY]),
            SlackUser.reflections_opt_out.is_not(True),
            SlackUser.is_deleted.is_not(True),
        )
    )


def _window_clause(tz: str, window: DueWindow) -> ColumnElement[bool]:
    key = literal(f"{KEY_PREFIX}:") + LearningSet.team_id + ":" + Membership.user_id + f":{window.week_start.isoformat()}"
    return and_(
        _EFFECTIVE_TZ == tz,
        _in_spans(window.spans),
        or_(SlackUser.reflections_snoozed_until.is_(None), SlackUser.reflections_snoozed_until < window.week_start),
        or_(Membership.state == MemberState.ACTIVE, Membership.away_until < window.local_today),
        ~exists().where(OutboundPost.work_key == key),  # not prompted yet: a unique-index probe
    )


def anything_possibly_due(session: Session, now: datetime, late: timedelta = STALE_AFTER) -> bool:
    """One small query: does any active set have a reflection time that can be due anywhere now?"""
    query = select(LearningSet.id).where(LearningSet.status == SetStatus.ACTIVE, _in_spans(coarse_spans(now, late)))
    return session.scalars(query.limit(1)).first() is not None


def due_prompts(session: Session, now: datetime, late: timedelta = STALE_AFTER) -> list[DuePrompt]:
    """The prompts to send at `now`, at most one per member (and week), none already queued."""
    if not anything_possibly_due(session, now, late):
        return []
    coarse = _in_spans(coarse_spans(now, late))
    zones = session.scalars(_eligible(select(_EFFECTIVE_TZ).distinct()).where(coarse)).all()
    windows: dict[str, tuple[DueWindow, ...]] = {}
    for tz in zones:
        try:
            windows[tz] = due_windows(now, tz, late)
        except ValueError:
            logger.warning("unknown time zone %r: reflection prompts skipped for its members", tz)
    clauses = [_window_clause(tz, w) for tz, ws in windows.items() for w in ws]
    if not clauses:
        return []
    rows = session.execute(
        _eligible(
            select(
                LearningSet.team_id,
                Membership.user_id,
                Membership.joined_at,
                LearningSet.id,
                LearningSet.reflection_weekday,
                LearningSet.reflection_hour,
                _EFFECTIVE_TZ,
            )
        )
        .where(coarse, or_(false(), *clauses))
        .order_by(LearningSet.created_at, LearningSet.id)
    ).all()
    chosen: dict[tuple[str, str, date], DuePrompt] = {}
    for team_id, user_id, joined_at, set_id, weekday, hour, tz in rows:
        window = next(w for w in windows[tz] if w.contains(weekday, hour))
        due_at = reflection_due_at(window.week_start, weekday=weekday, hour=hour, tz=tz)
        if not is_due(due_at, now, late) or joined_at > due_at:
            continue
        slot = (team_id, user_id, window.week_start)
        current = chosen.get(slot)
        if current is None or due_at < current.due_at:  # the first reflection time of the week wins
            chosen[slot] = DuePrompt(team_id, user_id, window.week_start, due_at, set_id, tz)
    return sorted(chosen.values(), key=lambda p: (p.due_at, p.team_id, p.user_id))
