"""Presenting a problem: submit, queue, start after the root message is posted, assign roles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from bot.db import insert_once
from bot.domain.enums import Pace, Phase, Role
from bot.domain.intake import Intake
from bot.domain.rotation import NotEnoughMembers, PastPresentation, assign_roles
from bot.domain.set_settings import MIN_TO_PRESENT, decode_working_days
from bot.domain.states import InvitationStatus, MemberState, PresentationStatus, SetStatus
from bot.errors import UserFacingError
from bot.models import Invitation, LearningSet, Membership, Presentation, RoleAssignment
from bot.services.after_post import after_post
from bot.services.outbox import enqueue_post
from bot.services.rounds import open_phase

RUNNING = (PresentationStatus.STARTING, PresentationStatus.OPEN, PresentationStatus.PAUSED)


@dataclass(frozen=True)
class SubmitResult:
    presentation_id: int
    queued_position: int | None  # None when it starts now
    duplicate: bool = False

    @property
    def root_post_queued(self) -> bool:
        """This submission queued the root message (a queued or repeated one queued nothing)."""
        return self.queued_position is None and not self.duplicate


def root_key(presentation_id: int) -> str:
    return f"root:{presentation_id}"


def roles_key(presentation_id: int) -> str:
    return f"roles:{presentation_id}"


def available_member_ids(session: Session, learning_set: LearningSet) -> list[str]:
    """Active (not away, not observer) members in join order: the rotation's stable order."""
    return list(
        session.scalars(
            select(Membership.user_id)
            .where(Membership.set_id == learning_set.id, Membership.state == MemberState.ACTIVE)
            .order_by(Membership.joined_at, Membership.id)
        )
    )


# Built once with bound parameters (composing statements costs more CPU than running them).
_MEMBER_STATES = (
    select(Membership.user_id, Membership.state).where(Membership.set_id == bindparam("set_id"))
)
_SLOTS = select(
    func.count(Presentation.id).filter(Presentation.status.in_(RUNNING)),
    func.count(Presentation.id).filter(Presentation.status == PresentationStatus.QUEUED,
                                       Presentation.id <= bindparam("presentation_id")),
).where(Presentation.set_id == bindparam("set_id"))


def submit_presentation(
    session: Session,
    learning_set: LearningSet,
    *,
    presenter_id: str,
    intake: Intake,
    now: datetime,
    request_key: str | None = None,
) -> SubmitResult:
    """Record a presentation; start it when the set has a free slot, else queue it.

    A double-click or a redelivery (same request_key) is caught by the key's unique index
    and answered with the first one."""
    if learning_set.status != SetStatus.ACTIVE:
        raise UserFacingError("This set is paused, so it can't take a presentation right now.")
    states: dict[str, str] = {user: state for user, state in session.execute(_MEMBER_STATES, {"set_id": learning_set.id})}
    state = states.get(presenter_id)
    if state is None or state in (MemberState.LEFT, MemberState.OBSERVER):
        raise UserFacingError("Only active members of this set can present. `/als join` takes a seat.")
    if state == MemberState.AWAY:
        raise UserFacingError("You're marked away. `/als back` first, then present.")
    if sum(1 for s in states.values() if s == MemberState.ACTIVE) < MIN_TO_PRESENT:
        raise UserFacingError(
            f"A presentation needs at least {MIN_TO_PRESENT} available members "
            "(presenter, facilitator and a questioner). Invite more colleagues to the channel."
        )
    inserted = insert_once(
        session,
        Presentation.__table__,  # type: ignore[arg-type]
        dict(
            set_id=learning_set.id, presenter_id=presenter_id, title=intake.title, situation=intake.situation,
            tried=intake.tried or None, question_to_set=intake.question_to_set or None, success=intake.success or None,
            status=PresentationStatus.QUEUED, channel_id=learning_set.channel_id, request_key=request_key,
            extensions_used=0, created_at=now,
        ),
        unique=("request_key",),
    )
    if inserted is None:
        existing = session.scalars(select(Presentation.id).where(Presentation.request_key == request_key)).one()
        return SubmitResult(existing, None, duplicate=True)
    presentation_id = inserted[0]
    _accept_invitation(session, learning_set, presenter_id, now)
    learning_set.next_invite_at = None  # someone is presenting: no invitation needed
    running, position = session.execute(_SLOTS, {"set_id": learning_set.id, "presentation_id": presentation_id}).one()
    if running < learning_set.max_concurrent:
        presentation = session.get(Presentation, presentation_id)
        assert presentation is not None
        start_presentation(session, learning_set, presentation, now=now)
        return SubmitResult(presentation_id, None)
    return SubmitResult(presentation_id, int(position or 1))


def _accept_invitation(session: Session, learning_set: LearningSet, user_id: str, now: datetime) -> None:
    for invitation in session.scalars(
        select(Invitation).where(Invitation.set_id == learning_set.id, Invitation.status == InvitationStatus.PENDING)
    ):
        invitation.status = InvitationStatus.ACCEPTED if invitation.user_id == user_id else InvitationStatus.EXPIRED
        invitation.responded_at = now


def start_presentation(session: Session, learning_set: LearningSet, presentation: Presentation, *, now: datetime) -> None:
    """Queue the root message; roles and P0 follow once Slack gives us its ts."""
    presentation.status = PresentationStatus.STARTING
    enqueue_post(
        session,
        work_key=root_key(presentation.id),
        team_id=learning_set.team_id,
        channel_id=learning_set.channel_id,
        template="presentation_root",
        data=root_data(session, presentation),
        after_post="presentation_root",
        subject_id=presentation.id,
        now=now,
    )


def root_data(session: Session, presentation: Presentation) -> dict[str, object]:
    from bot.services.actions_report import reports_for_opening  # the learning loop, when present

    return {
        "presentation_id": presentation.id,
        "presenter_id": presentation.presenter_id,
        "title": presentation.title,
        "situation": presentation.situation,
        "tried": presentation.tried or "",
        "question_to_set": presentation.question_to_set or "",
        "success": presentation.success or "",
        "reports": reports_for_opening(session, presentation.set_id, before_id=presentation.id),
    }


def history(session: Session, learning_set: LearningSet, *, before_id: int | None = None) -> list[PastPresentation]:
    """Past presentations of the set, oldest first, with who held which role."""
    query = (
        select(Presentation.id, Presentation.presenter_id)
        .where(Presentation.set_id == learning_set.id, Presentation.started_at.is_not(None))
        .order_by(Presentation.started_at, Presentation.id)
    )
    if before_id is not None:
        query = query.where(Presentation.id != before_id)
    rows = session.execute(query).all()
    roles: dict[int, dict[str, str]] = {}
    for pid, user_id, role in session.execute(
        select(RoleAssignment.presentation_id, RoleAssignment.user_id, RoleAssignment.role).where(
            RoleAssignment.presentation_id.in_([r[0] for r in rows]),
            RoleAssignment.role.in_([Role.FACILITATOR, Role.REFLECTOR]),
        )
    ):
        roles.setdefault(pid, {})[role] = user_id
    return [
        PastPresentation(presenter, roles.get(pid, {}).get(Role.FACILITATOR), roles.get(pid, {}).get(Role.REFLECTOR))
        for pid, presenter in rows
    ]


@after_post("presentation_root")
def begin_presentation(session: Session, presentation_id: int, root_ts: str, now: datetime) -> None:
    """The root message is in the channel: assign roles, open P0 and post the roles in the thread."""
    presentation = session.get(Presentation, presentation_id)
    if presentation is None or presentation.root_ts is not None:
        return  # already begun (a repeated delivery hook)
    learning_set = session.get(LearningSet, presentation.set_id)
    assert learning_set is not None
    presentation.root_ts = root_ts
    presentation.started_at = now
    presentation.status = PresentationStatus.OPEN
    available = available_member_ids(session, learning_set)
    if presentation.presenter_id not in available:
        available.append(presentation.presenter_id)
    try:
        roles = assign_roles(presentation.presenter_id, available, history(session, learning_set, before_id=presentation.id))
    except NotEnoughMembers:
        # Members left between submit and start: run with the presenter as facilitator rather than lose it.
        roles = None
    assignments = [(presentation.presenter_id, Role.PRESENTER)]
    if roles is not None:
        assignments.append((roles.facilitator, Role.FACILITATOR))
        assignments.append((roles.reflector, Role.REFLECTOR))
        assignments += [(q, Role.QUESTIONER) for q in roles.questioners]
    for user_id, role in dict.fromkeys(assignments):
        session.add(RoleAssignment(presentation_id=presentation.id, user_id=user_id, role=role))
    session.flush()
    open_phase(session, learning_set, presentation, Phase.P0, opened_at=now, now=now)


def pace_of(learning_set: LearningSet) -> tuple[Pace, str, frozenset[int]]:
    return Pace(learning_set.pace), learning_set.timezone, decode_working_days(learning_set.working_days)
