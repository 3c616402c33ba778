"""What the scheduler finds due, each item claimed in its own transaction.

Queries use indexed columns (phase deadline, nudge time, next invitation time), so a tick with
nothing due costs a few index look-ups however many sets there are. On PostgreSQL the rows are
claimed with FOR UPDATE SKIP LOCKED, so two clock processes never handle the same item.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db import session_scope
from bot.domain.states import PostKind, PresentationStatus, SetStatus
from bot.models import LearningSet, Presentation, Round
from bot.services.contributions import waiting_questioners
from bot.services.invitations import invite_next
from bot.services.outbox import enqueue_post
from bot.services.rounds import advance_phase

MAX_ITEMS_PER_TICK = 1000  # a bound, so one tick can never run forever
# Presentations advanced per transaction: one commit (and one claim query) for several advances.
# Small, so a delivery thread waiting for SQLite's writer line is never held up for long.
ADVANCE_BATCH = 5


def _drain(factory: sessionmaker[Session], step: Callable[[Session], bool]) -> int:
    done = 0
    for _ in range(MAX_ITEMS_PER_TICK):
        with session_scope(factory) as session:
            if not step(session):
                break
        done += 1
    return done


def _due_presentations(limit: int):  # type: ignore[no-untyped-def]
    # Built once per batch size, with the instant a bound parameter (see advance_due_phases).
    return (
        select(Presentation, LearningSet)
        .join(LearningSet, LearningSet.id == Presentation.set_id)
        .where(
            Presentation.status == PresentationStatus.OPEN,
            Presentation.phase_deadline <= bindparam("now"),
            LearningSet.status == SetStatus.ACTIVE,
        )
        .order_by(Presentation.phase_deadline)
        .limit(limit)
        # NO KEY UPDATE (PostgreSQL): replies and acknowledgements inserted meanwhile take KEY SHARE
        # locks for their foreign keys and need not wait for the whole batch; it still excludes
        # their context reads' FOR NO KEY UPDATE, so a scheduled and an early advance never race.
        .with_for_update(skip_locked=True, key_share=True, of=Presentation)
    )


_DUE_PRESENTATIONS = {n: _due_presentations(n) for n in (1, ADVANCE_BATCH)}


def advance_due_phases(factory: sessionmaker[Session], now: datetime) -> int:
    """Advance every open presentation whose phase deadline has passed, one phase each.

    Up to ADVANCE_BATCH presentations (with their sets, in one query) per transaction. When a
    batch fails, it is done again one presentation per transaction, so the ones before the
    failing presentation are still advanced and the failure is raised as before.
    """
    done = 0
    batch = ADVANCE_BATCH
    while done < MAX_ITEMS_PER_TICK:
        try:
            with session_scope(factory) as session:
                claimed = session.execute(_DUE_PRESENTATIONS[batch], {"now": now}).all()
                for presentation, learning_set in claimed[: MAX_ITEMS_PER_TICK - done]:
                    advance_phase(session, learning_set, presentation, now=now, on_schedule=True)
        except Exception:
            if batch == 1:
                raise
            batch = 1
            continue
        if not claimed:
            break
        done += min(len(claimed), MAX_ITEMS_PER_TICK - done)
    return done


def send_due_nudges(factory: sessionmaker[Session], now: datetime) -> int:
    """Halfway through P1/P3, one friendly nudge to each questioner who is still quiet."""
    nudged = 0

    def step(session: Session) -> bool:
        nonlocal nudged
        round_ = session.scalars(
            select(Round)
            .where(Round.nudge_due_at <= now, Round.nudged_at.is_(None), Round.closed_at.is_(None))
            .order_by(Round.nudge_due_at)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if round_ is None:
            return False
        round_.nudged_at = now
        round_.nudge_due_at = None  # keep ix_round_nudge_due_at to pending nudges (else every tick walks all history)
        presentation = session.get(Presentation, round_.presentation_id)
        learning_set = session.get(LearningSet, presentation.set_id) if presentation else None
        if presentation is None or learning_set is None or presentation.status != PresentationStatus.OPEN:
            return True
        if learning_set.status != SetStatus.ACTIVE:
            return True
        for user_id in waiting_questioners(session, presentation):
            nudged += enqueue_post(
                session,
                work_key=f"nudge:{presentation.id}:{round_.phase}:{user_id}",
                team_id=learning_set.team_id,
                kind=PostKind.EPHEMERAL,
                channel_id=presentation.channel_id,
                user_id=user_id,
                thread_ts=presentation.root_ts,
                template="nudge",
                data={"phase": round_.phase, "title": presentation.title, "closes_at": round_.closes_at.isoformat() if round_.closes_at else None},
                now=now,
            )
        return True

    _drain(factory, step)
    return nudged


def invite_presenters(factory: sessionmaker[Session], now: datetime) -> int:
    invited = 0

    def step(session: Session) -> bool:
        nonlocal invited
        learning_set = session.scalars(
            select(LearningSet)
            .where(LearningSet.next_invite_at <= now, LearningSet.status == SetStatus.ACTIVE)
            .order_by(LearningSet.next_invite_at)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if learning_set is None:
            return False
        invited += invite_next(session, learning_set, now=now) is not None
        return True

    _drain(factory, step)
    return invited




def follow_up_actions(factory: sessionmaker[Session], now: datetime) -> int:
    """Action reminders (3 working days before, on the day), then roll over once or lapse."""
    from bot.models import Action
    from bot.services.actions import follow_up

    def step(session: Session) -> bool:
        action = session.scalars(
            select(Action)
            .where(Action.next_reminder_at <= now)
            .order_by(Action.next_reminder_at)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if action is None:
            return False
        follow_up(session, action, now=now)
        return True

    return _drain(factory, step)
