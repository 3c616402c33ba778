"""Thread replies become records; 👀 and "I've read" become acknowledgements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain.advice import check_reply, nudge_text
from bot.domain.enums import ContributionKind, Phase, Role
from bot.domain.phases import classify_reply, question_limit
from bot.domain.states import MemberState, PostKind, PresentationStatus
from bot.models import Acknowledgement, Contribution, LearningSet, Presentation
from bot.services.members import find_membership
from bot.services.outbox import enqueue_post
from bot.services.rounds import advance_phase, roles_of

EARLY_ADVANCE_PHASES = (Phase.P0, Phase.P1, Phase.P2, Phase.P3)


@dataclass(frozen=True)
class ReplyOutcome:
    contribution_id: int
    kind: ContributionKind
    problems: list[str]
    advanced_to: Phase | None


def find_presentation_by_root(session: Session, *, channel_id: str, root_ts: str) -> Presentation | None:
    return session.scalars(
        select(Presentation).where(Presentation.channel_id == channel_id, Presentation.root_ts == root_ts)
    ).one_or_none()


def record_reply(
    session: Session, *, channel_id: str, thread_ts: str, ts: str, user_id: str, text: str, now: datetime
) -> ReplyOutcome | None:
    """Record a thread reply once; None when it is not ours to record (not a presentation, a
    non-member, a closed presentation, or a redelivery)."""
    presentation = find_presentation_by_root(session, channel_id=channel_id, root_ts=thread_ts)
    if presentation is None or presentation.status not in (PresentationStatus.OPEN, PresentationStatus.PAUSED):
        return None
    learning_set = session.get(LearningSet, presentation.set_id)
    membership = find_membership(session, learning_set, user_id) if learning_set else None
    if learning_set is None or membership is None or membership.state in (MemberState.LEFT, MemberState.OBSERVER):
        return None
    phase = Phase(presentation.phase or 0)
    roles = roles_of(session, presentation.id)
    my_roles = {role for role, users in roles.items() if user_id in users}
    kind = classify_reply(phase, author_role_set=my_roles)
    problems: list[str] = []
    limit = question_limit(phase)
    if kind == ContributionKind.QUESTION and Role.QUESTIONER in my_roles and limit is not None:
        asked = _count(session, presentation.id, user_id, phase, ContributionKind.QUESTION)
        problems = [str(p) for p in check_reply(text, questions_so_far=asked, limit=limit)]
    contribution = Contribution(
        presentation_id=presentation.id,
        channel_id=channel_id,
        ts=ts,
        user_id=user_id,
        phase=int(phase),
        kind=kind,
        text=text,
        problems=",".join(problems) or None,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(contribution)
            session.flush()
    except IntegrityError:
        return None  # the same message delivered again
    if problems:
        from bot.domain.advice import ReplyProblem

        enqueue_post(
            session,
            work_key=f"advice:{channel_id}:{ts}",
            team_id=learning_set.team_id,
            kind=PostKind.EPHEMERAL,
            channel_id=channel_id,
            user_id=user_id,
            thread_ts=thread_ts,
            text=nudge_text([ReplyProblem(p) for p in problems]),
            now=now,
        )
    advanced = maybe_advance_early(session, learning_set, presentation, now=now)
    return ReplyOutcome(contribution.id, kind, problems, advanced)


def _count(session: Session, presentation_id: int, user_id: str, phase: Phase, kind: ContributionKind) -> int:
    return int(
        session.scalar(
            select(func.count(Contribution.id)).where(
                Contribution.presentation_id == presentation_id,
                Contribution.user_id == user_id,
                Contribution.phase == int(phase),
                Contribution.kind == kind,
                Contribution.deleted_at.is_(None),
            )
        )
        or 0
    )


def edit_reply(session: Session, *, channel_id: str, ts: str, text: str, now: datetime) -> bool:
    contribution = session.scalars(
        select(Contribution).where(Contribution.channel_id == channel_id, Contribution.ts == ts)
    ).one_or_none()
    if contribution is None:
        return False
    contribution.text, contribution.edited_at = text, now
    session.flush()
    return True


def delete_reply(session: Session, *, channel_id: str, ts: str, now: datetime) -> bool:
    contribution = session.scalars(
        select(Contribution).where(Contribution.channel_id == channel_id, Contribution.ts == ts)
    ).one_or_none()
    if contribution is None or contribution.deleted_at is not None:
        return False
    contribution.deleted_at, contribution.text = now, ""  # Slack deleted it: so do we
    session.flush()
    return True


def acknowledge(session: Session, presentation: Presentation, user_id: str, *, via: str, now: datetime) -> bool:
    """Record that a member has read and has nothing (more) to add in the current phase; False if
    not a member, not running, or already done."""
    learning_set = session.get(LearningSet, presentation.set_id)
    membership = find_membership(session, learning_set, user_id) if learning_set else None
    if learning_set is None or membership is None or membership.state in (MemberState.LEFT, MemberState.OBSERVER):
        return False
    if presentation.status != PresentationStatus.OPEN or presentation.phase is None:
        return False
    exists = session.scalars(
        select(Acknowledgement.id).where(
            Acknowledgement.presentation_id == presentation.id,
            Acknowledgement.user_id == user_id,
            Acknowledgement.phase == presentation.phase,
        )
    ).first()
    if exists is not None:
        return False
    try:
        with session.begin_nested():
            session.add(
                Acknowledgement(
                    presentation_id=presentation.id, user_id=user_id, phase=presentation.phase, via=via, created_at=now
                )
            )
            session.flush()
    except IntegrityError:
        return False
    maybe_advance_early(session, learning_set, presentation, now=now)
    return True


def engaged_users(session: Session, presentation: Presentation, phase: Phase) -> set[str]:
    """Who has posted in this phase, or acknowledged the presentation."""
    posted = set(
        session.scalars(
            select(Contribution.user_id).where(
                Contribution.presentation_id == presentation.id,
                Contribution.phase == int(phase),
                Contribution.deleted_at.is_(None),
            )
        )
    )
    acked = set(
        session.scalars(
            select(Acknowledgement.user_id).where(
                Acknowledgement.presentation_id == presentation.id, Acknowledgement.phase == int(phase)
            )
        )
    )
    return posted | acked


def waiting_questioners(session: Session, presentation: Presentation) -> list[str]:
    """Available questioners who have neither posted in this phase nor acknowledged."""
    from bot.services.presentations import available_member_ids

    learning_set = session.get(LearningSet, presentation.set_id)
    if learning_set is None or presentation.phase is None:
        return []
    available = set(available_member_ids(session, learning_set))
    engaged = engaged_users(session, presentation, Phase(presentation.phase))
    return [q for q in roles_of(session, presentation.id)[Role.QUESTIONER] if q in available and q not in engaged]


def maybe_advance_early(session: Session, learning_set: LearningSet, presentation: Presentation, *, now: datetime) -> Phase | None:
    """A questioning phase ends early once every available questioner has posted or acknowledged."""
    # Two last replies at once would both advance (and collide on the next round): one at a time.
    # FOR NO KEY UPDATE: it does not wait on the KEY SHARE locks that inserting replies takes.
    session.refresh(presentation, with_for_update={"key_share": True})
    if presentation.status != PresentationStatus.OPEN or presentation.phase is None:
        return None
    if Phase(presentation.phase) not in EARLY_ADVANCE_PHASES:
        return None
    if not roles_of(session, presentation.id)[Role.QUESTIONER] or waiting_questioners(session, presentation):
        return None
    if Phase(presentation.phase) != Phase.P0 and not _anyone_posted(session, presentation):
        return None
    return advance_phase(session, learning_set, presentation, now=now, on_schedule=False)


def _anyone_posted(session: Session, presentation: Presentation) -> bool:
    """Acknowledging alone never empties a questioning phase: someone must have asked something."""
    return (
        session.scalars(
            select(Contribution.id).where(
                Contribution.presentation_id == presentation.id,
                Contribution.phase == presentation.phase,
                Contribution.deleted_at.is_(None),
            )
        ).first()
        is not None
    )
