"""What happens to a workspace's sets when the bot loses access to it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import LearningSet
from bot.services.sets import pause_set


def pause_workspace_sets(
    session: Session, *, team_id: str | None, enterprise_id: str | None, reason: str, now: datetime
) -> list[int]:
    """Pause every set of a workspace (or, for an org-wide install, of the org); ids paused by this call.

    The sets and their history stay: a reinstall finds them, and a member can resume them.
    """
    query = select(LearningSet).order_by(LearningSet.id)
    if team_id:
        query = query.where(LearningSet.team_id == team_id)
    elif enterprise_id:
        query = query.where(LearningSet.enterprise_id == enterprise_id)
    else:
        return []
    return [learning_set.id for learning_set in session.scalars(query) if pause_set(learning_set, reason, now=now)]
