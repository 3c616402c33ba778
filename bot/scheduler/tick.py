"""One pass of the scheduled work due at an instant.

The database says what is due; each step is idempotent, so running the same tick twice (or in
two processes) does the work once. `python -m bot tick --at` and the clock process both call
`run_tick`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Connection, delete, event
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from bot.db import session_scope
from bot.models import ProcessedEvent
from bot.runtime import Runtime
from bot.scheduler.reflections import send_weekly_reflections
from bot.services.outbox import CLAIM_BATCH, POSTS_QUEUED
from bot.services.due_work import advance_due_phases, follow_up_actions, invite_presenters, send_due_nudges

if TYPE_CHECKING:
    from bot.slack.poster import DeliveryReport

logger = logging.getLogger(__name__)

MAX_POSTS_PER_TICK = 1000  # a bound, so one tick can never run forever (the next tick sends the rest)
EVENT_RECEIPT_RETENTION = timedelta(days=7)  # Slack stops redelivering after a few hours at most
HANDOVER_WAIT = 0.05  # seconds a step waits at most for the delivery thread to take the writer line


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

    _add_delivery(summary, Poster(runtime).deliver_due(now, limit=MAX_POSTS_PER_TICK))


def advance_presentations(runtime: Runtime, now: datetime, summary: TickSummary) -> None:
    summary.add("phases advanced", advance_due_phases(runtime.session_factory, now))


def nudge_quiet_questioners(runtime: Runtime, now: datetime, summary: TickSummary) -> None:
    summary.add("nudges", send_due_nudges(runtime.session_factory, now))


def follow_up_on_actions(runtime: Runtime, now: datetime, summary: TickSummary) -> None:
    summary.add("action follow-ups", follow_up_actions(runtime.session_factory, now))


def invite_next_presenters(runtime: Runtime, now: datetime, summary: TickSummary) -> None:
    summary.add("presenter invitations", invite_presenters(runtime.session_factory, now))


# Order matters: state-changing steps enqueue posts in this order; delivery sends them (see run_tick).
PRODUCING_STEPS: list[Step] = [
    prune_event_receipts,
    advance_presentations,
    nudge_quiet_questioners,
    invite_next_presenters,
    follow_up_on_actions,
    send_weekly_reflections,
]
STEPS: list[Step] = [*PRODUCING_STEPS, deliver_posts]  # what one tick does, in effect


def run_tick(runtime: Runtime, now: datetime) -> TickSummary:
    """Run every step for `now`; one failing step is logged and does not stop the others.

    Delivery overlaps the producing steps: once a step has queued a post, a delivery thread sends
    (paced, so mostly waiting for Slack's limits) while the steps go on queuing, and it keeps
    claiming until the steps are done and nothing is left. A tick that queues nothing starts no
    thread and delivers what is pending (retries, leftovers) at the end, as before.
    """
    summary = TickSummary(at=now)
    with OverlappedDelivery(runtime, now, summary) as delivery:
        for step in PRODUCING_STEPS:
            _run_step(step, delivery.runtime, now, summary)
    return summary


def _run_step(step: Step, runtime: Runtime, now: datetime, summary: TickSummary) -> None:
    try:
        step(runtime, now, summary)
    except Exception:
        summary.failures += 1
        logger.exception("tick step %s failed at %s", step.__name__, now.isoformat())


class OverlappedDelivery:
    """`deliver_posts` for one tick, in a thread started by the first post a step queues.

    `runtime` is the tick's runtime: its sessions tell this object when they commit a queued post
    (`enqueue_post` flags the session). Sessions other than the tick's are left alone. Without that
    signal (a post written some other way) nothing is lost: the final pass after the steps sends
    it. On SQLite the two threads' transactions take turns on bot.db's writer line.

    Measured against a serial tick (steps, then delivery), bench goal 4 on 2 shared cores, 1,000
    round prompts (phase advances) with windows /20: 10.3 s overlapped vs 11.4 s serial (floor
    10.0 s): the advances run while the posts wait for their slots. With windows /60 the two were
    alike (4.4-4.9 s, floor 3.33 s): there the delivery alone cannot keep a 3.3 ms slot.
    """

    def __init__(self, runtime: Runtime, now: datetime, summary: TickSummary) -> None:
        self._now = now
        self._summary = summary
        self.runtime = replace(runtime, session_factory=_tick_sessions(runtime.session_factory, self))
        self._wake = threading.Event()
        self._producing = True
        self._thread: threading.Thread | None = None
        self._queued = 0  # posts committed by the tick's sessions
        self._delivered: DeliveryReport | None = None  # the thread's, added to the summary after it ends
        self._error: BaseException | None = None
        # Hand-over of SQLite's writer line (see transaction_ended): set while the delivery thread
        # waits to begin a transaction, and once it has begun one.
        self._delivery_waits = threading.Event()
        self._delivery_began = threading.Event()

    def __enter__(self) -> OverlappedDelivery:
        return self

    def __exit__(self, *exc: object) -> None:
        self._producing = False
        if self._thread is None:
            _run_step(deliver_posts, self.runtime, self._now, self._summary)  # nothing queued meanwhile
            return
        self._wake.set()
        self._thread.join()
        if self._delivered is not None:
            _add_delivery(self._summary, self._delivered)
        if self._error is not None:
            self._summary.failures += 1
            logger.error("tick step deliver_posts failed at %s", self._now.isoformat(), exc_info=self._error)

    def post_queued(self, count: int = 1) -> None:
        """A tick session committed `count` new posts (called in that session's thread: a step's, or
        the delivery thread's own when an after-post hook queues a follow-up). The count only times
        wake-ups; a lost increment delays a post to the next wake or the final pass, never loses it."""
        if self._producing and self._thread is None:
            self._thread = threading.Thread(target=self._deliver, name="tick-delivery", daemon=True)
            self._thread.start()
        before, self._queued = self._queued, self._queued + count
        # Once caught up, the thread waits for a batch's worth: one claim per batch, not per post.
        if before // CLAIM_BATCH != self._queued // CLAIM_BATCH or before == 0:
            self._wake.set()

    def transaction_starting(self) -> None:
        """A tick session is about to begin its transaction (before it queues for the writer line)."""
        if threading.current_thread() is self._thread:
            self._delivery_began.clear()
            self._delivery_waits.set()

    def transaction_began(self) -> None:
        self._not_waiting()

    def transaction_over(self) -> None:
        """A transaction ended, perhaps one that never reached the database: not waiting either."""
        self._not_waiting()

    def _not_waiting(self) -> None:
        if threading.current_thread() is self._thread:
            self._delivery_waits.clear()
            self._delivery_began.set()

    def transaction_ended(self) -> None:
        """A step's transaction ended. If the delivery thread is waiting to record or claim, let it
        begin before the step starts its next transaction: the writer line is not a fair lock, and
        a step that commits and begins again at once would take it back nearly every time, holding
        up paced posts (their records waited seconds in all for the phase advances)."""
        if threading.current_thread() is not self._thread and self._delivery_waits.is_set():
            self._delivery_began.wait(HANDOVER_WAIT)

    def _deliver(self) -> None:
        from bot.slack.poster import DeliveryReport, Poster  # the tick is the edge that may talk to Slack

        poster = Poster(self.runtime)
        total = self._delivered = DeliveryReport()
        try:
            while total.handled < MAX_POSTS_PER_TICK:
                self._wake.clear()
                last_pass = not self._producing  # read before claiming: a later post wakes us again
                report = poster.deliver_due(self._now, limit=MAX_POSTS_PER_TICK - total.handled)
                total.add(report)
                if report.handled == 0:
                    if last_pass:
                        break
                    self._wake.wait()
        except BaseException as error:  # reported by __exit__ in the tick's own thread
            self._error = error


_TICK = "als_tick"  # session.info key: the tick's OverlappedDelivery


class _TickSession(Session):
    """A session of one tick's threads (see the listeners below)."""


def _tick_sessions(factory: sessionmaker[Session], delivery: OverlappedDelivery) -> sessionmaker[Session]:
    """The tick's session factory: the runtime's settings, and commits of queued posts reported."""
    kw = dict(factory.kw)
    kw["info"] = {**kw.get("info", {}), _TICK: delivery}
    return sessionmaker(class_=_TickSession, **kw)


@event.listens_for(_TickSession, "after_commit")
def _announce_queued_posts(session: Session) -> None:
    # enqueue_post flags its transaction; the rows are visible to the delivery thread from now on.
    delivery: OverlappedDelivery = session.info[_TICK]
    queued = session.info.pop(POSTS_QUEUED, 0)
    if queued:
        delivery.post_queued(queued)
    delivery.transaction_ended()


@event.listens_for(_TickSession, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info[_TICK].transaction_ended()


@event.listens_for(_TickSession, "after_transaction_create")
def _transaction_starting(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the session's own transaction, not a savepoint
        session.info[_TICK].transaction_starting()


@event.listens_for(_TickSession, "after_begin")
def _transaction_began(session: Session, transaction: SessionTransaction, connection: Connection) -> None:
    session.info[_TICK].transaction_began()


@event.listens_for(_TickSession, "after_transaction_end")
def _transaction_over(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # one that never reached the database must not leave "waiting" set
        session.info[_TICK].transaction_over()


def _add_delivery(summary: TickSummary, report: DeliveryReport) -> None:
    summary.add("posts delivered", report.posted)
    summary.add("posts to retry", report.failed)
    summary.add("posts given up", report.abandoned)
