"""Inbound event de-duplication: Slack redelivers events it thinks failed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.models import ProcessedEvent


def first_delivery(session: Session, *, event_id: str | None, team_id: str | None, now: datetime) -> bool:
    """Record `event_id` in this transaction; False when it was handled already.

    The receipt commits with the handler's own writes, so a failed handler leaves no receipt and
    Slack's retry is processed; a concurrent duplicate fails on the primary key.
    """
    if not event_id:
        return True  # no id to key on (Socket Mode replays keep it; tests may omit it)
    if session.get(ProcessedEvent, event_id) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(ProcessedEvent(event_id=event_id, team_id=team_id, received_at=now))
            session.flush()
    except IntegrityError:
        return False
    return True
