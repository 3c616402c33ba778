"""Membership of a set: join, leave, away and back, ground rules, and re-sync with the channel."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.set_settings import MAX_ACTIVE_MEMBERS
from bot.domain.states import MemberState
from bot.errors import UserFacingError
from bot.models import LearningSet, Membership


@dataclass(frozen=True)
class JoinResult:
    membership: Membership
    outcome: str  # joined | already_active | full | back_from_away


@dataclass(frozen=True)
class ResyncResult:
    added: list[str]
    left: list[str]
    observers: list[str]  # added but refused an active seat because the set is full


def find_membership(session: Session, learning_set: LearningSet, user_id: str) -> Membership | None:
    return session.scalars(
        select(Membership).where(Membership.set_id == learning_set.id, Membership.user_id == user_id)
    ).one_or_none()


def active_count(session: Session, learning_set: LearningSet) -> int:
    """Members holding a seat: active and away (away members keep their seat)."""
    return len(
        session.scalars(
            select(Membership.id).where(
                Membership.set_id == learning_set.id,
                Membership.state.in_([MemberState.ACTIVE, MemberState.AWAY]),
            )
        ).all()
    )


def _seat(session: Session, learning_set: LearningSet, membership: Membership, now: datetime) -> str:
    if active_count(session, learning_set) >= MAX_ACTIVE_MEMBERS:
        membership.state = MemberState.OBSERVER
        membership.updated_at = now
        return "full"
    membership.state = MemberState.ACTIVE
    membership.away_until = None
    membership.updated_at = now
    return "joined"


def join_set(session: Session, learning_set: LearningSet, user_id: str, *, now: datetime) -> JoinResult:
    """Take an active seat if one is free; otherwise stay (or become) an observer."""
    membership = find_membership(session, learning_set, user_id)
    if membership is not None and membership.state == MemberState.ACTIVE:
        return JoinResult(membership, "already_active")
    if membership is not None and membership.state == MemberState.AWAY:
        membership.state, membership.away_until, membership.updated_at = MemberState.ACTIVE, None, now
        return JoinResult(membership, "back_from_away")
    if membership is None:
        membership = Membership(
            set_id=learning_set.id, user_id=user_id, state=MemberState.OBSERVER, joined_at=now, updated_at=now
        )
        session.add(membership)
        session.flush()
    outcome = _seat(session, learning_set, membership, now)
    session.flush()
    return JoinResult(membership, outcome)


def _require_member(session: Session, learning_set: LearningSet, user_id: str) -> Membership:
    membership = find_membership(session, learning_set, user_id)
    if membership is None or membership.state == MemberState.LEFT:
        raise UserFacingError("You are not a member of this set. Use `/als join` to join it.")
    return membership


def leave_set(session: Session, learning_set: LearningSet, user_id: str, *, now: datetime) -> Membership:
    """Give up the active seat; stay in the channel as an observer."""
    membership = _require_member(session, learning_set, user_id)
    if membership.state == MemberState.OBSERVER:
        raise UserFacingError("You are already an observer in this set.")
    membership.state, membership.away_until, membership.updated_at = MemberState.OBSERVER, None, now
    session.flush()
    return membership


def mark_away(
    session: Session, learning_set: LearningSet, user_id: str, *, until: date, today: date, now: datetime
) -> Membership:
    """Away until (and including) `until`: no roles, prompts or nudges meanwhile."""
    membership = _require_member(session, learning_set, user_id)
    if membership.state == MemberState.OBSERVER:
        raise UserFacingError("Observers have no roles or prompts, so there is nothing to be away from.")
    if until < today:
        raise UserFacingError(f"{until.isoformat()} is in the past. Give a date from today on.")
    membership.state, membership.away_until, membership.updated_at = MemberState.AWAY, until, now
    session.flush()
    return membership


def mark_back(session: Session, learning_set: LearningSet, user_id: str, *, now: datetime) -> Membership:
    membership = _require_member(session, learning_set, user_id)
    if membership.state != MemberState.AWAY:
        raise UserFacingError("You are not marked away in this set.")
    membership.state, membership.away_until, membership.updated_at = MemberState.ACTIVE, None, now
    session.flush()
    return membership


def mark_left_channel(session: Session, learning_set: LearningSet, user_id: str, *, now: datetime) -> bool:
    membership = find_membership(session, learning_set, user_id)
    if membership is None or membership.state == MemberState.LEFT:
        return False
    membership.state, membership.away_until, membership.updated_at = MemberState.LEFT, None, now
    session.flush()
    return True


def agree_to_ground_rules(session: Session, learning_set: LearningSet, user_id: str, *, now: datetime) -> bool:
    """Record the member's agreement; False when they had already agreed."""
    membership = _require_member(session, learning_set, user_id)
    if membership.agreed_at is not None:
        return False
    membership.agreed_at = now
    session.flush()
    return True


def return_from_away(session: Session, learning_set: LearningSet, *, today: date, now: datetime) -> list[str]:
    """Members whose away date has passed are active again."""
    returned = session.scalars(
        select(Membership).where(
            Membership.set_id == learning_set.id,
            Membership.state == MemberState.AWAY,
            Membership.away_until < today,
        )
    ).all()
    for membership in returned:
        membership.state, membership.away_until, membership.updated_at = MemberState.ACTIVE, None, now
    session.flush()
    return [m.user_id for m in returned]


def resync_members(
    session: Session, learning_set: LearningSet, channel_humans: Collection[str], *, now: datetime
) -> ResyncResult:
    """Repair drift between the channel's human members and the set's membership.

    People in the channel but not in the set join (as observers when the set is full); members
    no longer in the channel are marked left. Observers and away members keep their state.
    """
    humans = set(channel_humans)
    memberships = session.scalars(select(Membership).where(Membership.set_id == learning_set.id)).all()
    known = {m.user_id: m for m in memberships}
    added, observers, left = [], [], []
    for user_id in channel_humans:
        membership = known.get(user_id)
        if membership is None or membership.state == MemberState.LEFT:
            result = join_set(session, learning_set, user_id, now=now)
            (observers if result.outcome == "full" else added).append(user_id)
    for user_id, membership in known.items():
        if user_id not in humans and membership.state != MemberState.LEFT:
            mark_left_channel(session, learning_set, user_id, now=now)
            left.append(user_id)
    return ResyncResult(added=added, left=left, observers=observers)
