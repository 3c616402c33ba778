"""A member's private weekly learning log: store replies, snooze or opt out, share only on request.

Services take a session and `now`, flush but never commit, and never call Slack.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain.reflection_schedule import week_start as local_week_start
from bot.domain.reflection_windows import reply_week, snoozed_until
from bot.domain.states import ActionStatus, MemberState, SetStatus
from bot.errors import UserFacingError
from bot.models import Action, LearningSet, Membership, OutboundPost, Presentation, Reflection, SlackUser
from bot.services.after_post import after_post
from bot.services.outbox import enqueue_post
from bot.services.reflection_prompts import prompt_key
from bot.services.users import find_user, remember_user

SHARED_HOOK = "reflection_shared"
MAX_TEXT = 20_000  # a long week, but bounded: the entry lives in one Text column and one message


@dataclass(frozen=True)
class OpenAction:
    text: str
    due_on: date


@dataclass(frozen=True)
class SetChoice:
    set_id: int
    name: str
    channel_id: str


@dataclass(frozen=True)
class SavedReflection:
    reflection_id: int
    week_start: date
    created: bool  # False: added to the week's entry
    shared: bool


@dataclass(frozen=True)
class SharePlan:
    """A validated request to share one entry into one set's channel."""

    reflection_id: int
    team_id: str
    user_id: str
    set_id: int
    channel_id: str
    week_start: date
    text: str

    @property
    def work_key(self) -> str:
        return f"reflection-share:{self.reflection_id}"


@dataclass(frozen=True)
class RecentReflection:
    week_start: date
    preview: str
    shared_channel_id: str | None


@dataclass(frozen=True)
class ReflectionHome:
    opted_out: bool = False
    snoozed_until: date | None = None
    recent: list[RecentReflection] = field(default_factory=list)


# ---------------------------------------------------------------- who, when


def member_timezone(session: Session, *, team_id: str, user_id: str) -> str:
    """The member's Slack time zone; else their earliest set's; else UTC."""
    user = find_user(session, team_id=team_id, user_id=user_id)
    if user is not None and user.timezone:
        return user.timezone
    tz = session.scalars(
        select(LearningSet.timezone)
        .join(Membership, Membership.set_id == LearningSet.id)
        .where(LearningSet.team_id == team_id, Membership.user_id == user_id)
        .order_by(LearningSet.created_at, LearningSet.id)
        .limit(1)
    ).first()
    return tz or "UTC"


def is_member_anywhere(session: Session, *, team_id: str, user_id: str) -> bool:
    """In at least one set of the workspace (any state but left): only they keep a learning log."""
    return (
        session.scalars(
            select(Membership.id)
            .join(LearningSet, LearningSet.id == Membership.set_id)
            .where(LearningSet.team_id == team_id, Membership.user_id == user_id, Membership.state != MemberState.LEFT)
            .limit(1)
        ).first()
        is not None
    )


def _prompted_at(session: Session, key: str) -> datetime | None:
    return session.scalars(select(OutboundPost.created_at).where(OutboundPost.work_key == key)).first()


def week_for_reply(session: Session, *, team_id: str, user_id: str, now: datetime) -> date:
    """The week a DM reply belongs to (see `reply_week`): two unique-key lookups, no scans."""
    current = local_week_start(now, member_timezone(session, team_id=team_id, user_id=user_id))
    previous = current - timedelta(days=7)
    return reply_week(
        current,
        prompted_this_week=_prompted_at(session, prompt_key(team_id, user_id, current)) is not None,
        last_week_prompted_at=_prompted_at(session, prompt_key(team_id, user_id, previous)),
        now_utc=now,
    )


def current_week(session: Session, *, team_id: str, user_id: str, now: datetime) -> date:
    return local_week_start(now, member_timezone(session, team_id=team_id, user_id=user_id))


# ---------------------------------------------------------------- the log


def find_reflection(session: Session, *, team_id: str, user_id: str, week_start: date) -> Reflection | None:
    return session.scalars(
        select(Reflection).where(
            Reflection.team_id == team_id, Reflection.user_id == user_id, Reflection.week_start == week_start
        )
    ).one_or_none()


def add_to_reflection(
    session: Session, *, team_id: str, user_id: str, week_start: date, text: str, now: datetime
) -> SavedReflection:
    """Store `text` as the member's entry for the week, or add it to the entry they already have."""
    text = text.strip()
    if not text:
        raise UserFacingError("There was nothing to save: write a few words about your week.")
    reflection = find_reflection(session, team_id=team_id, user_id=user_id, week_start=week_start)
    created = reflection is None
    if reflection is None:
        reflection = Reflection(team_id=team_id, user_id=user_id, week_start=week_start, text="", created_at=now, updated_at=now)
        try:
            with session.begin_nested():  # two replies at once: the second one extends the first's row
                session.add(reflection)
                session.flush()
        except IntegrityError:
            created = False
            reflection = find_reflection(session, team_id=team_id, user_id=user_id, week_start=week_start)
            assert reflection is not None
    reflection.text = (f"{reflection.text}\n\n{text}" if reflection.text else text)[:MAX_TEXT]
    reflection.updated_at = now
    session.flush()
    return SavedReflection(reflection.id, week_start, created, reflection.shared_set_id is not None)


def own_reflection(session: Session, *, team_id: str, user_id: str, reflection_id: int) -> Reflection:
    reflection = session.get(Reflection, reflection_id)
    if reflection is None or reflection.team_id != team_id or reflection.user_id != user_id:
        raise UserFacingError("That entry is no longer in your learning log.")
    return reflection


# ---------------------------------------------------------------- preferences


def _user_row(session: Session, team_id: str, user_id: str) -> SlackUser:
    user = find_user(session, team_id=team_id, user_id=user_id)
    if user is None:
        user = SlackUser(team_id=team_id, user_id=user_id)
        session.add(user)
    return user


def snooze_reflections(session: Session, *, team_id: str, user_id: str, week_start: date) -> date:
    """Skip next week's prompt (snoozing in week `week_start`); returns the last day skipped."""
    user = _user_row(session, team_id, user_id)
    user.reflections_snoozed_until = snoozed_until(week_start)
    session.flush()
    return user.reflections_snoozed_until


def set_reflections_opt_out(session: Session, *, team_id: str, user_id: str, opt_out: bool) -> None:
    """Stop (or resume) the weekly prompts; resuming also lifts a snooze."""
    user = _user_row(session, team_id, user_id)
    user.reflections_opt_out = opt_out
    if not opt_out:
        user.reflections_snoozed_until = None
    session.flush()


def refresh_profile(
    session: Session, *, team_id: str, user_id: str, timezone: str | None, is_deleted: bool, now: datetime
) -> bool:
    """A `user_change`: refresh the cached zone and deleted flag of people we know; True if stored."""
    if find_user(session, team_id=team_id, user_id=user_id) is None and not is_member_anywhere(
        session, team_id=team_id, user_id=user_id
    ):
        return False  # a stranger's profile change: nothing to keep
    remember_user(session, team_id=team_id, user_id=user_id, timezone=timezone, is_deleted=is_deleted, now=now)
    return True


# ---------------------------------------------------------------- actions in the prompt


def open_actions_of(
    session: Session, owners: Collection[tuple[str, str]], *, chunk: int = 500
) -> dict[tuple[str, str], list[OpenAction]]:
    """Open actions per (team, owner), soonest due first (by the owner index, in chunks)."""
    result: dict[tuple[str, str], list[OpenAction]] = defaultdict(list)
    wanted = set(owners)
    user_ids = sorted({user for _, user in wanted})
    for start in range(0, len(user_ids), chunk):
        rows = session.execute(
            select(LearningSet.team_id, Action.owner_id, Action.text, Action.due_on)
            .join(Presentation, Presentation.id == Action.presentation_id)
            .join(LearningSet, LearningSet.id == Presentation.set_id)
            .where(Action.owner_id.in_(user_ids[start : start + chunk]), Action.status == ActionStatus.OPEN)
            .order_by(Action.due_on, Action.id)
        )
        for team_id, owner_id, text, due_on in rows:
            if (team_id, owner_id) in wanted:
                result[(team_id, owner_id)].append(OpenAction(text, due_on))
    return result


# ---------------------------------------------------------------- sharing


def share_choices(session: Session, *, team_id: str, user_id: str) -> list[SetChoice]:
    """The active sets the member belongs to (observers included: they are in the channel)."""
    rows = session.execute(
        select(LearningSet.id, LearningSet.name, LearningSet.channel_id)
        .join(Membership, Membership.set_id == LearningSet.id)
        .where(
            LearningSet.team_id == team_id,
            LearningSet.status == SetStatus.ACTIVE,
            Membership.user_id == user_id,
            Membership.state != MemberState.LEFT,
        )
        .order_by(LearningSet.created_at, LearningSet.id)
    )
    return [SetChoice(set_id, name, channel_id) for set_id, name, channel_id in rows]


def plan_share(session: Session, *, team_id: str, user_id: str, reflection_id: int, set_id: int | None) -> SharePlan:
    """Check that the member may share this entry into that set (or their only set)."""
    reflection = own_reflection(session, team_id=team_id, user_id=user_id, reflection_id=reflection_id)
    if reflection.shared_set_id is not None:
        shared_in = session.get(LearningSet, reflection.shared_set_id)
        where = f" with {shared_in.name}" if shared_in else ""
        raise UserFacingError(f"You've already shared this entry{where}.")
    choices = share_choices(session, team_id=team_id, user_id=user_id)
    if not choices:
        raise UserFacingError("You're not in an active learning set, so there is nowhere to share this entry.")
    choice = next((c for c in choices if c.set_id == set_id), None) if set_id is not None else None
    if choice is None:
        if set_id is not None or len(choices) > 1:
            raise UserFacingError("Choose one of your sets to share this entry with.")
        choice = choices[0]
    return SharePlan(reflection.id, team_id, user_id, choice.set_id, choice.channel_id, reflection.week_start, reflection.text)


def record_share(
    session: Session, plan: SharePlan, *, text: str, blocks: list[dict[str, Any]], now: datetime
) -> str:
    """Queue the post into the set's channel with the entry marked shared; returns the work key."""
    reflection = own_reflection(session, team_id=plan.team_id, user_id=plan.user_id, reflection_id=plan.reflection_id)
    if reflection.shared_set_id is not None:
        raise UserFacingError("You've already shared this entry.")
    reflection.shared_set_id = plan.set_id
    enqueue_post(
        session,
        work_key=plan.work_key,
        team_id=plan.team_id,
        channel_id=plan.channel_id,
        text=text,
        blocks=blocks,
        after_post=SHARED_HOOK,
        subject_id=plan.reflection_id,
        now=now,
    )
    session.flush()
    return plan.work_key


@after_post(SHARED_HOOK)
def _record_shared_ts(session: Session, reflection_id: int, ts: str, now: datetime) -> None:
    reflection = session.get(Reflection, reflection_id)
    if reflection is not None:  # forgotten meanwhile ("forget me"): nothing to record
        reflection.shared_ts = ts


# ---------------------------------------------------------------- App Home


_RECENT = (
    select(Reflection.week_start, Reflection.text, LearningSet.channel_id)
    .outerjoin(LearningSet, LearningSet.id == Reflection.shared_set_id)
    .where(Reflection.team_id == bindparam("team_id"), Reflection.user_id == bindparam("user_id"))
    .order_by(Reflection.week_start.desc())
    .limit(bindparam("limit"))
)  # built once: App Home reads it on every tab open


def recent_reflections(session: Session, *, team_id: str, user_id: str, limit: int = 3) -> list[RecentReflection]:
    """The member's last entries, newest first (by the unique (team, user, week) index)."""
    rows = session.connection().execute(_RECENT, {"team_id": team_id, "user_id": user_id, "limit": limit})
    return [RecentReflection(week, text, channel) for week, text, channel in rows]
