"""Action reports that belong in the next presentation's opening message."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Action, Presentation


def reports_for_opening(session: Session, set_id: int, *, before_id: int) -> list[dict[str, str]]:
    """Reports on actions from this set's earlier presentations, given since the last one started."""
    last_start = session.scalar(
        select(Presentation.started_at)
        .where(Presentation.set_id == set_id, Presentation.id != before_id, Presentation.started_at.is_not(None))
        .order_by(Presentation.started_at.desc())
        .limit(1)
    )
    query = (
        select(Action)
        .join(Presentation, Presentation.id == Action.presentation_id)
        .where(Presentation.set_id == set_id, Action.reported_at.is_not(None))
        .order_by(Action.reported_at)
    )
    if last_start is not None:
        query = query.where(Action.reported_at >= last_start)
    return [
        {"owner": a.owner_id, "text": a.text, "status": a.status, "report": a.report or ""}
        for a in session.scalars(query.limit(10))
    ]
