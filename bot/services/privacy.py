"""`/als forget me`: erase a member's reflections and anonymise what they contributed."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.domain.states import ActionStatus
from bot.models import (
    Acknowledgement,
    Action,
    Contribution,
    Invitation,
    LearningSet,
    Membership,
    Presentation,
    Reflection,
    RoleAssignment,
    SlackUser,
)

FORMER_PREFIX = "former-"  # shown as "former member"; unique per person so records stay distinct


def is_former(user_id: str) -> bool:
    return user_id.startswith(FORMER_PREFIX)


@dataclass(frozen=True)
class Forgotten:
    reflections: int
    contributions: int
    actions: int


def forget_member(session: Session, *, team_id: str, user_id: str) -> Forgotten:
    """Delete the member's reflections and cached profile; replace their id everywhere else.

    Their words in threads stay with the set (Slack keeps the messages; the set's learning does
    not disappear), but nothing stored here ties them to the person any more.
    """
    alias = FORMER_PREFIX + secrets.token_hex(6)
    set_ids = select(LearningSet.id).where(LearningSet.team_id == team_id)
    presentation_ids = select(Presentation.id).where(Presentation.set_id.in_(set_ids))
    reflections = session.execute(
        delete(Reflection).where(Reflection.team_id == team_id, Reflection.user_id == user_id)
    ).rowcount
    session.execute(delete(SlackUser).where(SlackUser.team_id == team_id, SlackUser.user_id == user_id))
    session.execute(delete(Membership).where(Membership.set_id.in_(set_ids), Membership.user_id == user_id))
    contributions = session.execute(
        update(Contribution)
        .where(Contribution.presentation_id.in_(presentation_ids), Contribution.user_id == user_id)
        .values(user_id=alias)
    ).rowcount
    session.execute(
        update(Action)
        .where(Action.presentation_id.in_(presentation_ids), Action.owner_id == user_id, Action.status == ActionStatus.OPEN)
        .values(status=ActionStatus.DROPPED, next_reminder_at=None)
    )
    actions = session.execute(
        update(Action).where(Action.presentation_id.in_(presentation_ids), Action.owner_id == user_id).values(owner_id=alias)
    ).rowcount
    for model, column in (
        (Acknowledgement, Acknowledgement.user_id),
        (RoleAssignment, RoleAssignment.user_id),
    ):
        session.execute(update(model).where(model.presentation_id.in_(presentation_ids), column == user_id).values(user_id=alias))
    session.execute(update(Presentation).where(Presentation.set_id.in_(set_ids), Presentation.presenter_id == user_id).values(presenter_id=alias))
    session.execute(update(Invitation).where(Invitation.set_id.in_(set_ids), Invitation.user_id == user_id).values(user_id=alias))
    session.flush()
    return Forgotten(reflections=int(reflections or 0), contributions=int(contributions or 0), actions=int(actions or 0))
