"""Read model of running and queued presentations, for `/als status` and the thread-status shortcut."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select, union
from sqlalchemy.orm import Session

from bot.domain.enums import Phase, Role
from bot.domain.states import PresentationStatus
from bot.models import Acknowledgement, Contribution, Presentation, RoleAssignment

SHOWN = (PresentationStatus.STARTING, PresentationStatus.OPEN, PresentationStatus.PAUSED, PresentationStatus.QUEUED)


@dataclass(frozen=True)
class PresentationLine:
    presentation_id: int
    title: str
    presenter_id: str
    status: PresentationStatus
    phase: Phase | None
    deadline: datetime | None
    roles: dict[Role, list[str]]
    engaged: frozenset[str]  # posted in this phase or acknowledged
    channel_id: str
    root_ts: str | None


# Built once with bound parameters (:set_id): composing statements costs more CPU than running them.
_SHOWN_IN_SET = (Presentation.set_id == bindparam("set_id")) & Presentation.status.in_(SHOWN)
_PRESENTATIONS = (
    select(Presentation.id, Presentation.title, Presentation.presenter_id, Presentation.status, Presentation.phase,
           Presentation.phase_deadline, Presentation.channel_id, Presentation.root_ts)
    .where(_SHOWN_IN_SET)
    .order_by(Presentation.id)
)
_ROLES = (
    select(RoleAssignment.presentation_id, RoleAssignment.user_id, RoleAssignment.role)
    .join(Presentation, Presentation.id == RoleAssignment.presentation_id)
    .where(_SHOWN_IN_SET)
    .order_by(RoleAssignment.id)
)
# Who posted (not deleted) or acknowledged in each presentation's current phase.
_ENGAGED = union(
    select(Contribution.presentation_id, Contribution.user_id)
    .join(Presentation, Presentation.id == Contribution.presentation_id)
    .where(_SHOWN_IN_SET, Contribution.phase == Presentation.phase, Contribution.deleted_at.is_(None)),
    select(Acknowledgement.presentation_id, Acknowledgement.user_id)
    .join(Presentation, Presentation.id == Acknowledgement.presentation_id)
    .where(_SHOWN_IN_SET, Acknowledgement.phase == Presentation.phase),
)


def presentation_lines(session: Session, set_id: int) -> list[PresentationLine]:
    """Running and queued presentations of a set, in three statements however many there are."""
    params = {"set_id": set_id}
    rows = session.execute(_PRESENTATIONS, params).all()
    if not rows:
        return []
    roles: dict[int, dict[Role, list[str]]] = {row.id: {role: [] for role in Role} for row in rows}
    for presentation_id, user_id, role in session.execute(_ROLES, params):
        roles[presentation_id][Role(role)].append(user_id)
    engaged: dict[int, set[str]] = {row.id: set() for row in rows}
    for presentation_id, user_id in session.execute(_ENGAGED, params):
        engaged[presentation_id].add(user_id)
    return [
        PresentationLine(
            presentation_id=row.id,
            title=row.title,
            presenter_id=row.presenter_id,
            status=PresentationStatus(row.status),
            phase=Phase(row.phase) if row.phase is not None else None,
            deadline=row.phase_deadline,
            roles=roles[row.id],
            engaged=frozenset(engaged[row.id]) if row.phase is not None else frozenset(),
            channel_id=row.channel_id,
            root_ts=row.root_ts,
        )
        for row in rows
    ]
