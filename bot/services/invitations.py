""""You're up next": invite the member who presented least recently; passing moves it on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.calendar import boundaries_after
from bot.domain.rotation import next_presenter
from bot.domain.set_settings import MIN_TO_PRESENT, decode_working_days
from bot.domain.states import InvitationStatus, SetStatus
from bot.errors import UserFacingError
from bot.models import Invitation, LearningSet, Presentation
from bot.services.outbox import enqueue_post

INVITATION_HALF_DAYS = 4  # two working days to answer; silence counts as a pass


def invite_key(invitation_id: int) -> str:
    return f"invite:{invitation_id}"


def _passed_since_last_start(session: Session, learning_set: LearningSet) -> set[str]:
    last_start = session.scalar(
        select(Presentation.created_at).where(Presentation.set_id == learning_set.id).order_by(Presentation.created_at.desc()).limit(1)
    )
    query = select(Invitation.user_id).where(
        Invitation.set_id == learning_set.id,
        Invitation.status.in_([InvitationStatus.PASSED, InvitationStatus.EXPIRED]),
    )
    if last_start is not None:
        query = query.where(Invitation.created_at >= last_start)
    return set(session.scalars(query))


def invite_next(session: Session, learning_set: LearningSet, *, now: datetime) -> Invitation | None:
    """Invite the next presenter of an idle set, or decide there is nobody left to ask."""
    from bot.services.presentations import RUNNING, available_member_ids, history

    learning_set.next_invite_at = None
    if learning_set.status != SetStatus.ACTIVE:
        return None
    busy = session.scalars(
        select(Presentation.id).where(
            Presentation.set_id == learning_set.id,
            Presentation.status.in_([*RUNNING, "queued"]),
        )
    ).first()
    if busy is not None:
        return None
    pending = session.scalars(
        select(Invitation).where(Invitation.set_id == learning_set.id, Invitation.status == InvitationStatus.PENDING)
    ).all()
    for invitation in pending:
        if invitation.expires_at is not None and invitation.expires_at <= now:
            invitation.status, invitation.responded_at = InvitationStatus.EXPIRED, now
        else:
            learning_set.next_invite_at = invitation.expires_at
            return None  # still waiting for an answer
    available = available_member_ids(session, learning_set)
    if len(available) < MIN_TO_PRESENT:
        return None
    user_id = next_presenter(available, history(session, learning_set), passed=_passed_since_last_start(session, learning_set))
    if user_id is None:
        return None  # everyone passed: wait until someone presents of their own accord
    expires_at = boundaries_after(
        now, INVITATION_HALF_DAYS, tz=learning_set.timezone, working_days=decode_working_days(learning_set.working_days)
    )
    invitation = Invitation(
        set_id=learning_set.id, user_id=user_id, status=InvitationStatus.PENDING, created_at=now, expires_at=expires_at
    )
    session.add(invitation)
    session.flush()
    learning_set.next_invite_at = expires_at
    enqueue_post(
        session,
        work_key=invite_key(invitation.id),
        team_id=learning_set.team_id,
        channel_id=learning_set.channel_id,
        template="invitation",
        data={"invitation_id": invitation.id, "user_id": user_id, "expires_at": expires_at.isoformat(), "timezone": learning_set.timezone},
        now=now,
    )
    return invitation


def pass_invitation(session: Session, invitation_id: int, *, user_id: str, now: datetime) -> Invitation | None:
    """The invited member passes; the next member is invited at once. Returns the new invitation."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.user_id != user_id:
        raise UserFacingError("This invitation is for someone else.")
    if invitation.status != InvitationStatus.PENDING:
        raise UserFacingError("This invitation has already been answered.")
    invitation.status, invitation.responded_at = InvitationStatus.PASSED, now
    session.flush()
    learning_set = session.get(LearningSet, invitation.set_id)
    return invite_next(session, learning_set, now=now) if learning_set else None
