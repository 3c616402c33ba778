"""When Slack takes something away from a set: its channel (bot removed, archived, deleted) or a
member (account deactivated). The set pauses or the member is skipped, and the set's creator is
told once, so the scheduler neither fails on every post nor retries for ever."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.states import MemberState, PostKind
from bot.models import LearningSet, Membership
from bot.services.members import mark_left_channel
from bot.services.outbox import enqueue_post
from bot.services.sets import find_set, pause_set

# Web API errors on a post into a set's channel that mean the bot has lost that channel.
LOST_CHANNEL_ERRORS = frozenset({"channel_not_found", "not_in_channel", "is_archived"})
REASONS = {
    "channel_not_found": "the channel was deleted or I can no longer see it",
    "not_in_channel": "I was removed from the channel",
    "is_archived": "the channel was archived",
}


def pause_for_lost_channel(session: Session, *, team_id: str, channel_id: str, reason: str, now: datetime) -> int | None:
    """Pause the channel's set; the set id when this call paused it (and queued the one notice)."""
    learning_set = find_set(session, team_id=team_id, channel_id=channel_id)
    if learning_set is None or not pause_set(learning_set, reason, now=now):
        return None
    enqueue_post(
        session,
        work_key=f"set-paused:{learning_set.id}:{now.isoformat()}",
        team_id=team_id,
        kind=PostKind.DM,
        user_id=learning_set.created_by,
        text=(
            f"I've paused the learning set in <#{channel_id}> because {reason}. Nothing is lost: its "
            "history stays, and no more prompts or nudges go out until it is set up there again."
        ),
        now=now,
    )
    return learning_set.id


def skip_deactivated_member(session: Session, *, team_id: str, user_id: str, now: datetime) -> int:
    """A deactivated account takes no more roles, prompts or nudges; the sets it was dropped from."""
    memberships = session.scalars(
        select(Membership)
        .join(LearningSet, LearningSet.id == Membership.set_id)
        .where(LearningSet.team_id == team_id, Membership.user_id == user_id, Membership.state != MemberState.LEFT)
    ).all()
    return sum(mark_left_channel(session, m.learning_set, user_id, now=now) for m in memberships)
