"""The phase state machine P0-P6: open a phase (with its prompt), advance, extend, pause, close."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot.domain.enums import Pace, Phase, Role
from bot.domain.phases import MAX_EXTENSIONS, extend, phase_deadline, working_halfway
from bot.domain.set_settings import decode_working_days
from bot.domain.states import PresentationStatus, SetStatus
from bot.errors import UserFacingError
from bot.models import LearningSet, Presentation, RoleAssignment, Round
from bot.services.outbox import enqueue_post

NUDGED_PHASES = (Phase.P1, Phase.P3)


def prompt_key(presentation_id: int, phase: Phase) -> str:
    return f"prompt:{presentation_id}:{int(phase)}"


# Statements built once with bound parameters: every phase advance runs both, and composing them
# per call cost more Python time than SQLite takes to run them.
_ROLES = (
    select(RoleAssignment.user_id, RoleAssignment.role)
    .where(RoleAssignment.presentation_id == bindparam("presentation_id"))
    .order_by(RoleAssignment.id)
)
_CURRENT_ROUND = select(Round).where(Round.presentation_id == bindparam("presentation_id"), Round.phase == bindparam("phase"))


def roles_of(session: Session, presentation_id: int) -> dict[Role, list[str]]:
    roles: dict[Role, list[str]] = {role: [] for role in Role}
    for user_id, role in session.execute(_ROLES, {"presentation_id": presentation_id}):
        roles[Role(role)].append(user_id)
    return roles


def current_round(session: Session, presentation: Presentation) -> Round | None:
    if presentation.phase is None:
        return None
    return session.scalars(_CURRENT_ROUND, {"presentation_id": presentation.id, "phase": presentation.phase}).one_or_none()


def _calendar(learning_set: LearningSet) -> dict[str, object]:
    return {"tz": learning_set.timezone, "working_days": decode_working_days(learning_set.working_days)}


def open_phase(
    session: Session, learning_set: LearningSet, presentation: Presentation, phase: Phase, *, opened_at: datetime, now: datetime
) -> Round:
    """Open `phase` at `opened_at` with its full window, and queue its prompt in the thread."""
    pace = Pace(learning_set.pace)
    if phase == Phase.P6:
        closes_at = None
    else:
        closes_at = phase_deadline(opened_at, phase, pace=pace, **_calendar(learning_set))  # type: ignore[arg-type]
    round_ = Round(presentation_id=presentation.id, phase=int(phase), opened_at=opened_at, closes_at=closes_at)
    if phase in NUDGED_PHASES:
        round_.nudge_due_at = working_halfway(opened_at, phase, pace=pace, **_calendar(learning_set))  # type: ignore[arg-type]
    session.add(round_)
    presentation.phase = int(phase)
    presentation.phase_deadline = closes_at
    session.flush()
    roles = roles_of(session, presentation.id)
    enqueue_post(
        session,
        work_key=prompt_key(presentation.id, phase),
        team_id=learning_set.team_id,
        channel_id=presentation.channel_id,
        thread_ts=presentation.root_ts,
        template="phase_prompt",
        data=prompt_data(session, presentation, phase, roles, closes_at, learning_set),
        now=now,
    )
    return round_


def prompt_data(
    session: Session,
    presentation: Presentation,
    phase: Phase,
    roles: dict[Role, list[str]],
    closes_at: datetime | None,
    learning_set: LearningSet,
) -> dict[str, object]:
    data: dict[str, object] = {
        "presentation_id": presentation.id,
        "phase": int(phase),
        "presenter": roles[Role.PRESENTER][0] if roles[Role.PRESENTER] else presentation.presenter_id,
        "facilitator": (roles[Role.FACILITATOR] or [None])[0],
        "reflector": (roles[Role.REFLECTOR] or [None])[0],
        "questioners": roles[Role.QUESTIONER],
        "closes_at": closes_at.isoformat() if closes_at else None,
        "timezone": learning_set.timezone,
    }
    if phase == Phase.P6:
        from bot.services.summary import summary_data

        data["summary"] = summary_data(session, presentation)
    return data


def advance_phase(
    session: Session, learning_set: LearningSet, presentation: Presentation, *, now: datetime, on_schedule: bool
) -> Phase:
    """Close the current phase and open the next. On schedule, the next one opens at the old
    deadline (so windows stay on working-day boundaries however late the tick runs)."""
    if presentation.phase is None or presentation.status != PresentationStatus.OPEN:
        raise UserFacingError("This presentation is not running.")
    current = Phase(presentation.phase)
    opened_at = presentation.phase_deadline if on_schedule and presentation.phase_deadline else now
    round_ = current_round(session, presentation)
    if round_ is not None:
        round_.closed_at = opened_at
        round_.nudge_due_at = None  # a closed round nudges no one: out of the scheduler's index
    following = current.next
    assert following is not None
    if following == Phase.P6:
        close_presentation(session, learning_set, presentation, now=now, closed_at=opened_at)
    else:
        open_phase(session, learning_set, presentation, following, opened_at=opened_at, now=now)
    return following


def close_presentation(
    session: Session, learning_set: LearningSet, presentation: Presentation, *, now: datetime, closed_at: datetime | None = None
) -> None:
    """P6: post the summary, close, and let the next queued presentation start."""
    closed_at = closed_at or now
    round_ = current_round(session, presentation)
    if round_ is not None and round_.closed_at is None:
        round_.closed_at = closed_at
    open_phase(session, learning_set, presentation, Phase.P6, opened_at=closed_at, now=now)
    presentation.status = PresentationStatus.CLOSED
    presentation.closed_at = closed_at
    presentation.phase_deadline = None
    session.flush()
    start_next_queued(session, learning_set, now=now)


def start_next_queued(session: Session, learning_set: LearningSet, *, now: datetime) -> bool:
    from bot.services.presentations import RUNNING, start_presentation

    running = session.scalars(
        select(Presentation.id).where(Presentation.set_id == learning_set.id, Presentation.status.in_(RUNNING))
    ).all()
    if len(running) >= learning_set.max_concurrent:
        return False
    queued = session.scalars(
        select(Presentation)
        .where(Presentation.set_id == learning_set.id, Presentation.status == PresentationStatus.QUEUED)
        .order_by(Presentation.id)
        .limit(1)
    ).first()
    if queued is None:
        if not running:
            learning_set.next_invite_at = now  # nothing open or queued: invite the next presenter
        return False
    start_presentation(session, learning_set, queued, now=now)
    return True


def may_control(session: Session, learning_set: LearningSet, presentation: Presentation, user_id: str) -> bool:
    """Only the facilitator (or the set's creator) drives the process."""
    if user_id == learning_set.created_by:
        return True
    return user_id in roles_of(session, presentation.id)[Role.FACILITATOR]


def _require_control(session: Session, learning_set: LearningSet, presentation: Presentation, user_id: str) -> None:
    if not may_control(session, learning_set, presentation, user_id):
        raise UserFacingError("Only this presentation's facilitator (or the set's creator) can use these controls.")


def extend_phase(session: Session, learning_set: LearningSet, presentation: Presentation, *, user_id: str, now: datetime) -> datetime:
    _require_control(session, learning_set, presentation, user_id)
    if presentation.status != PresentationStatus.OPEN or presentation.phase_deadline is None:
        raise UserFacingError("Only a running phase can be extended.")
    if presentation.extensions_used >= MAX_EXTENSIONS:
        raise UserFacingError(f"This presentation has used its {MAX_EXTENSIONS} extensions.")
    deadline = extend(presentation.phase_deadline, **_calendar(learning_set))  # type: ignore[arg-type]
    presentation.phase_deadline = deadline
    presentation.extensions_used += 1
    round_ = current_round(session, presentation)
    if round_ is not None:
        round_.closes_at = deadline
    session.flush()
    return deadline


def pause_presentation(session: Session, learning_set: LearningSet, presentation: Presentation, *, user_id: str, now: datetime) -> None:
    _require_control(session, learning_set, presentation, user_id)
    if presentation.status != PresentationStatus.OPEN:
        raise UserFacingError("Only a running presentation can be paused.")
    presentation.status = PresentationStatus.PAUSED
    presentation.paused_at = now
    session.flush()


def resume_presentation(session: Session, learning_set: LearningSet, presentation: Presentation, *, user_id: str, now: datetime) -> None:
    """Resume with the time that was left when it was paused."""
    _require_control(session, learning_set, presentation, user_id)
    if presentation.status != PresentationStatus.PAUSED or presentation.paused_at is None:
        raise UserFacingError("This presentation is not paused.")
    shift = now - presentation.paused_at
    presentation.status = PresentationStatus.OPEN
    presentation.paused_at = None
    if presentation.phase_deadline is not None:
        presentation.phase_deadline += shift
    round_ = current_round(session, presentation)
    if round_ is not None:
        round_.closes_at = presentation.phase_deadline
        if round_.nudge_due_at is not None and round_.nudged_at is None:
            round_.nudge_due_at += shift
    session.flush()


def advance_by_facilitator(session: Session, learning_set: LearningSet, presentation: Presentation, *, user_id: str, now: datetime) -> Phase:
    _require_control(session, learning_set, presentation, user_id)
    return advance_phase(session, learning_set, presentation, now=now, on_schedule=False)


def close_by_facilitator(session: Session, learning_set: LearningSet, presentation: Presentation, *, user_id: str, now: datetime) -> None:
    _require_control(session, learning_set, presentation, user_id)
    if presentation.status not in (PresentationStatus.OPEN, PresentationStatus.PAUSED):
        raise UserFacingError("This presentation is not running.")
    presentation.status = PresentationStatus.OPEN
    close_presentation(session, learning_set, presentation, now=now)


def set_is_active(learning_set: LearningSet) -> bool:
    return learning_set.status == SetStatus.ACTIVE
