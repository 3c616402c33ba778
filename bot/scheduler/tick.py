"""One pass of the scheduled work due at an instant.

The database says what is due; each step is idempotent, so running the same tick twice (or in
two processes) does the work once. `python -m bot tick --at` and the clock process both call
`run_tick`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot.db import session_scope
from bot.models import ProcessedEvent
from bot.runtime import Runtime
from bot.scheduler.reflections import send_weekly_reflections
from bot.services.due_work import advance_due_phases, follow_up_actions, invite_presenters, send_due_nudges

logger = logging.getLogger(__name__)

EVENT_RECEIPT_RETENTION = timedelta(days=7)  # Slack stops redelivering after a few hours at most


@dataclass
class TickSummary:
    at: datetime
    counts: dict[str, int] = field(default_factory=dict)
    failures: int = 0

    def add(self, what: str, count: int) -> None:
        if count:
            self.counts[what] = self.counts.get(what, 0) + count

    def line(self) -> str:
        done = ", ".join(f"{n} {what}" for what, n in self.counts.items()) or "nothing due"
        failed = f"; {self.failures} step(s) failed, will retry" if self.failures else ""
        return f"tick at {self.at.isoformat()}: {done}{failed}"


Step = Callable[[Runtime, datetime, TickSummary], None]


def prune_event_receipts(runtime: Runtime, now: datetime, summary: TickSummary) -> None:
    """Forget event ids old enough that Slack can no longer redeliver them."""
    with session_scope(runtime.session_factory) as session:
        summary.add("old event receipts pruned", _prune(session, now - EVENT_RECEIPT_RETENTION))


def _prune(session: Session, before: datetime) -> int:
    result = session.execute(delete(ProcessedEvent).where(ProcessedEvent.received_at < before))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def deliver_posts(runtime: Runtime, now: datetime, summary: TickSummary) -> None:
    """Deliver every queued post that is due (new, retry time reached, or a stale claim)."""
    from bot.slack.poster import Poster  # the tick is the edge that may talk to Slack

    report = Poster(runtime).deliver_due(now)
    summary.add("posts delivered", report.posted)
    summary.add("posts to retry", report.failed)
    summary.add("posts given up", report.abandoned)


def advance_presentations(runtime: Runtime, now: datetime, summary: TickSummary) -> None:
    summary.add("phases advanced", advance_due_phases(runtime.session_factory, now))


def nudge_quiet_questioners(runtime: Runtime, now: datetime, summary: TickSummary) -> None:
    summary.add("nudges", send_due_nudges(runtime.session_factory, now))


def follow_up_on_actions(runtime: Runtime, now: datetime, summary: TickSummary) -> None:
    summary.add("action follow-ups", follow_up_actions(runtime.session_factory, now))


def invite_next_presenters(runtime: Runtime, now: datetime, summary: TickSummary) -> None:
    summary.add("presenter invitations", invite_presenters(runtime.session_factory, now))


# Order matters: state-changing steps enqueue posts; delivery runs last and sends them.
STEPS: list[Step] = [
    prune_event_receipts,
    advance_presentations,
    nudge_quiet_questioners,
    invite_next_presenters,
    follow_up_on_actions,
    send_weekly_reflections,
    deliver_posts,
]


def run_tick(runtime: Runtime, now: datetime) -> TickSummary:
    """Run every step for `now`; one failing step is logged and does not stop the others."""
    summary = TickSummary(at=now)
    for step in STEPS:
        try:
            step(runtime, now, summary)
        except Exception:
            summary.failures += 1
            logger.exception("tick step %s failed at %s", step.__name__, now.isoformat())
    return summary
