"""Read model of running and queued presentations, for `/als status` and App Home."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.enums import Phase, Role
from bot.domain.states import PresentationStatus
from bot.models import Presentation
from bot.services.contributions import engaged_users
from bot.services.rounds import roles_of

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


def presentation_lines(session: Session, set_id: int, *, with_engagement: bool = True) -> list[PresentationLine]:
    """Running and queued presentations of a set; `engaged` (two queries each) only when asked."""
    lines = []
    for p in session.scalars(
        select(Presentation).where(Presentation.set_id == set_id, Presentation.status.in_(SHOWN)).order_by(Presentation.id)
    ):
        phase = Phase(p.phase) if p.phase is not None else None
        lines.append(
            PresentationLine(
                presentation_id=p.id,
                title=p.title,
                presenter_id=p.presenter_id,
                status=PresentationStatus(p.status),
                phase=phase,
                deadline=p.phase_deadline,
                roles=roles_of(session, p.id),
                engaged=frozenset(engaged_users(session, p, phase)) if with_engagement and phase is not None else frozenset(),
                channel_id=p.channel_id,
                root_ts=p.root_ts,
            )
        )
    return lines
