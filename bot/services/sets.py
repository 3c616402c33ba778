"""Creating, finding and changing learning sets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain.calendar import boundaries_after
from bot.domain.enums import Pace
from bot.domain.set_settings import MAX_ACTIVE_MEMBERS, SetSettings, decode_working_days, encode_working_days
from bot.domain.states import MemberState, SetStatus
from bot.errors import UserFacingError
from bot.models import LearningSet, Membership


@dataclass(frozen=True)
class ChannelFacts:
    """What Slack says about the channel a set lives in."""

    channel_id: str
    is_private: bool
    is_ext_shared: bool


# Built once with bound parameters: every command looks its set up, and composing the statement
# per call cost more Python time than SQLite takes to run it.
_SET_IN_CHANNEL = select(LearningSet).where(
    LearningSet.team_id == bindparam("team_id"), LearningSet.channel_id == bindparam("channel_id")
)


def find_set(session: Session, *, team_id: str, channel_id: str) -> LearningSet | None:
    return session.scalars(_SET_IN_CHANNEL, {"team_id": team_id, "channel_id": channel_id}).one_or_none()


def get_set(session: Session, set_id: int) -> LearningSet | None:
    return session.get(LearningSet, set_id)


def require_set(session: Session, *, team_id: str, channel_id: str) -> LearningSet:
    learning_set = find_set(session, team_id=team_id, channel_id=channel_id)
    if learning_set is None:
        raise UserFacingError("There is no learning set in this channel yet. Start one with `/als setup`.")
    return learning_set


def confidentiality_warnings(channel: ChannelFacts) -> list[str]:
    """Why this channel is a risky home for a set's confidential work, if it is."""
    warnings = []
    if not channel.is_private:
        warnings.append("This is a public channel: anyone in the workspace can read what the set writes.")
    if channel.is_ext_shared:
        warnings.append("This channel is shared with another organisation.")
    return warnings


def settings_of(learning_set: LearningSet) -> SetSettings:
    """The set's settings as the domain sees them."""
    return SetSettings(
        name=learning_set.name,
        pace=Pace(learning_set.pace),
        timezone=learning_set.timezone,
        working_days=decode_working_days(learning_set.working_days),
        reflection_weekday=learning_set.reflection_weekday,
        reflection_hour=learning_set.reflection_hour,
        max_concurrent=learning_set.max_concurrent,
    )


def _apply(learning_set: LearningSet, settings: SetSettings) -> None:
    learning_set.name = settings.name
    learning_set.pace = settings.pace.value
    learning_set.timezone = settings.timezone
    learning_set.working_days = encode_working_days(settings.working_days)
    learning_set.reflection_weekday = settings.reflection_weekday
    learning_set.reflection_hour = settings.reflection_hour
    learning_set.max_concurrent = settings.max_concurrent


def create_set(
    session: Session,
    *,
    team_id: str,
    enterprise_id: str | None,
    channel: ChannelFacts,
    created_by: str,
    settings: SetSettings,
    member_ids: Sequence[str],
    now: datetime,
) -> LearningSet:
    """Create the set with the channel's human members; members past the seventh become observers.

    The creator is placed first so they are never the one left out.
    """
    learning_set = LearningSet(
        team_id=team_id,
        enterprise_id=enterprise_id,
        channel_id=channel.channel_id,
        created_by=created_by,
        is_private=channel.is_private,
        is_ext_shared=channel.is_ext_shared,
        status=SetStatus.ACTIVE,
        created_at=now,
        updated_at=now,
    )
    _apply(learning_set, settings)
    # Give members a working day to agree to the ground rules before inviting the first presenter.
    learning_set.next_invite_at = boundaries_after(
        now, 2, tz=settings.timezone, working_days=settings.working_days
    )
    ordered = [created_by] if created_by in member_ids else []
    ordered += [m for m in dict.fromkeys(member_ids) if m != created_by]
    for position, user_id in enumerate(ordered):
        state = MemberState.ACTIVE if position < MAX_ACTIVE_MEMBERS else MemberState.OBSERVER
        learning_set.memberships.append(Membership(user_id=user_id, state=state, joined_at=now, updated_at=now))
    session.add(learning_set)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise UserFacingError("This channel already has a learning set. Use `/als status` to see it.") from None
    return learning_set


def update_settings(learning_set: LearningSet, settings: SetSettings, *, now: datetime) -> LearningSet:
    _apply(learning_set, settings)
    learning_set.updated_at = now
    return learning_set


def record_welcome(learning_set: LearningSet, ts: str) -> None:
    learning_set.welcome_ts = ts


def pause_set(learning_set: LearningSet, reason: str, *, now: datetime) -> bool:
    """Pause a set the bot can no longer serve; True when this call paused it (tell people once)."""
    if learning_set.status == SetStatus.PAUSED:
        return False
    learning_set.status = SetStatus.PAUSED
    learning_set.paused_reason = reason
    learning_set.updated_at = now
    return True

