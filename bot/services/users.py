"""What the bot remembers about Slack users: time zone, DM channel, deleted flag."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.models import SlackUser

PROFILE_MAX_AGE = timedelta(days=7)  # user_change events keep it fresh; this bounds drift


# Built once with bound parameters, like find_set's: looked up on many requests.
_USER = select(SlackUser).where(SlackUser.team_id == bindparam("team_id"), SlackUser.user_id == bindparam("user_id"))


def find_user(session: Session, *, team_id: str, user_id: str) -> SlackUser | None:
    return session.scalars(_USER, {"team_id": team_id, "user_id": user_id}).one_or_none()


def _find_or_add(session: Session, *, team_id: str, user_id: str) -> SlackUser:
    user = find_user(session, team_id=team_id, user_id=user_id)
    if user is not None:
        return user
    try:
        with session.begin_nested():
            user = SlackUser(team_id=team_id, user_id=user_id)
            session.add(user)
            session.flush()
        return user
    except IntegrityError:  # a concurrent request (another worker) added this user first
        return session.scalars(
            select(SlackUser).where(SlackUser.team_id == team_id, SlackUser.user_id == user_id)
        ).one()


def remember_user(
    session: Session, *, team_id: str, user_id: str, timezone: str | None, is_deleted: bool, now: datetime
) -> SlackUser:
    user = _find_or_add(session, team_id=team_id, user_id=user_id)
    user.timezone = timezone or None
    user.is_deleted = is_deleted
    user.refreshed_at = now
    session.flush()
    return user


def is_fresh(user: SlackUser | None, now: datetime) -> bool:
    return user is not None and user.refreshed_at is not None and now - user.refreshed_at < PROFILE_MAX_AGE


def cached_dm_channel(session: Session, *, team_id: str, user_id: str) -> str | None:
    user = find_user(session, team_id=team_id, user_id=user_id)
    return user.dm_channel_id if user else None


def remember_dm_channel(session: Session, *, team_id: str, user_id: str, channel_id: str) -> None:
    """DM channel ids never change: open once (conversations.open is Tier 3), reuse forever."""
    user = _find_or_add(session, team_id=team_id, user_id=user_id)
    user.dm_channel_id = channel_id
    session.flush()
