"""Follow-ups that need a just-posted message's ts (e.g. a presentation's root message).

The poster runs them in the transaction that records the ts; they may enqueue more posts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

AfterPost = Callable[[Session, int, str, datetime], None]

_HOOKS: dict[str, AfterPost] = {}


def after_post(name: str) -> Callable[[AfterPost], AfterPost]:
    """Register a follow-up under `name` (stored on the outbox row)."""

    def decorate(function: AfterPost) -> AfterPost:
        _HOOKS[name] = function
        return function

    return decorate


def run_after_post(session: Session, name: str, subject_id: int, ts: str, now: datetime) -> None:
    _HOOKS[name](session, subject_id, ts, now)
