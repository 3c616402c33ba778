"""Thread replies become records; 👀 and "I've read" become acknowledgements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from bot.db import insert_once
from bot.domain.advice import ReplyProblem, check_reply, nudge_text
from bot.domain.enums import ContributionKind, Phase, Role
from bot.domain.phases import classify_reply, question_limit
from bot.domain.states import MemberState, PostKind, PresentationStatus
from bot.models import Acknowledgement, Contribution, LearningSet, Membership, Presentation, RoleAssignment
from bot.services.outbox import enqueue_post
from bot.services.rounds import advance_phase

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


@dataclass(frozen=True)
class _ReplyContext:
    """What recording one reply needs to know, read in one statement."""

    presentation_id: int
    set_id: int
    team_id: str
    status: str
    phase: Phase
    member_state: str | None
    roles: frozenset[Role]
    posted_in_phase: int  # the author's replies in this phase so far (not deleted)
    questions_in_phase: int


def _reply_context_query():  # type: ignore[no-untyped-def]
    """Built once (bound parameters :channel_id, :thread_ts, :user_id): composing a statement
    costs more Python time than SQLite takes to run it."""
    user_id = bindparam("user_id")
    mine = (Contribution.presentation_id == Presentation.id) & (Contribution.user_id == user_id) & (
        Contribution.phase == func.coalesce(Presentation.phase, 0)
    ) & Contribution.deleted_at.is_(None)
    posted = select(func.count(Contribution.id)).where(mine).scalar_subquery()
    questions = select(func.count(Contribution.id)).where(mine, Contribution.kind == ContributionKind.QUESTION).scalar_subquery()
    return (
        select(
            Presentation.id, Presentation.set_id, LearningSet.team_id, Presentation.status, Presentation.phase,
            Membership.state, RoleAssignment.role, posted, questions,
        )
        .join(LearningSet, LearningSet.id == Presentation.set_id)
        .outerjoin(Membership, (Membership.set_id == Presentation.set_id) & (Membership.user_id == user_id))
        .outerjoin(RoleAssignment, (RoleAssignment.presentation_id == Presentation.id) & (RoleAssignment.user_id == user_id))
        .where(Presentation.channel_id == bindparam("channel_id"), Presentation.root_ts == bindparam("thread_ts"))
        .with_for_update(key_share=True, of=Presentation)
    )


_REPLY_CONTEXT = _reply_context_query()


def _reply_context(session: Session, *, channel_id: str, thread_ts: str, user_id: str) -> _ReplyContext | None:
    """The presentation behind a thread, the author's membership, roles and replies so far.

    One statement instead of one per fact: a reply is the bot's most frequent write. On
    PostgreSQL it also locks the presentation row (FOR NO KEY UPDATE, which inserting replies'
    KEY SHARE locks do not wait on), so two last replies at once are checked for an early
    advance one after the other and never both advance or both miss it.
    """
    rows = session.execute(_REPLY_CONTEXT, {"channel_id": channel_id, "thread_ts": thread_ts, "user_id": user_id}).all()
    if not rows:
        return None
    first = rows[0]
    return _ReplyContext(
        presentation_id=first[0], set_id=first[1], team_id=first[2], status=first[3], phase=Phase(first[4] or 0),
        member_state=first[5], roles=frozenset(Role(row[6]) for row in rows if row[6] is not None),
        posted_in_phase=int(first[7] or 0), questions_in_phase=int(first[8] or 0),
    )


def record_reply(
    session: Session, *, channel_id: str, thread_ts: str, ts: str, user_id: str, text: str, now: datetime
) -> ReplyOutcome | None:
    """Record a thread reply once; None when it is not ours to record (not a presentation, a
    non-member, a closed presentation, or a redelivery).

    Redeliveries are caught by the contribution's own unique (channel, ts) key, so a reply
    needs no separate event receipt. A reply costs two statements: the context and the insert
    (which, for a questioner's first reply in a questioning phase, also checks for an early advance).
    """
    context = _reply_context(session, channel_id=channel_id, thread_ts=thread_ts, user_id=user_id)
    if context is None or context.status not in (PresentationStatus.OPEN, PresentationStatus.PAUSED):
        return None
    if context.member_state is None or context.member_state in (MemberState.LEFT, MemberState.OBSERVER):
        return None
    phase = context.phase
    kind = classify_reply(phase, author_role_set=context.roles)
    problems: list[str] = []
    limit = question_limit(phase)
    if kind == ContributionKind.QUESTION and Role.QUESTIONER in context.roles and limit is not None:
        problems = [str(p) for p in check_reply(text, questions_so_far=context.questions_in_phase, limit=limit)]
    # Only a questioner's first reply in a phase can be the one that completes it. On PostgreSQL
    # the insert also counts the other questioners still to engage (one round trip less); its
    # snapshot is taken after _reply_context locked the presentation, so it sees every reply
    # committed before ours. SQLite cannot qualify columns inside RETURNING: a statement of its own.
    could_complete = (
        Role.QUESTIONER in context.roles and context.posted_in_phase == 0
        and context.status == PresentationStatus.OPEN and phase in EARLY_ADVANCE_PHASES
    )
    count_in_insert = could_complete and session.get_bind().dialect.name == "postgresql"
    inserted = insert_once(
        session,
        Contribution.__table__,  # type: ignore[arg-type]
        dict(
            presentation_id=context.presentation_id, channel_id=channel_id, ts=ts, user_id=user_id, phase=int(phase),
            kind=kind, text=text, problems=",".join(problems) or None, created_at=now,
        ),
        unique=("channel_id", "ts"),
        also_return=(_OTHERS_WAITING,) if count_in_insert else (),
        params=_waiting_params(context.presentation_id, context.set_id, phase, author=user_id) if count_in_insert else None,
    )
    if inserted is None:
        return None  # the same message delivered again
    contribution_id = inserted[0]
    if problems:
        enqueue_post(
            session,
            work_key=f"advice:{channel_id}:{ts}",
            team_id=context.team_id,
            kind=PostKind.EPHEMERAL,
            channel_id=channel_id,
            user_id=user_id,
            thread_ts=thread_ts,
            text=nudge_text([ReplyProblem(p) for p in problems]),
            now=now,
        )
    advanced = None
    if could_complete and (inserted[1] if count_in_insert else _waiting_questioner_count(
            session, context.presentation_id, context.set_id, phase)) == 0:
        presentation = session.get(Presentation, context.presentation_id)
        learning_set = session.get(LearningSet, context.set_id)
        assert presentation is not None and learning_set is not None
        advanced = advance_phase(session, learning_set, presentation, now=now, on_schedule=False)
    return ReplyOutcome(contribution_id, kind, problems, advanced)


def _waiting_questioners(column, *, but_author: bool = False):  # type: ignore[no-untyped-def]
    """Available questioners who have neither posted (not deleted) nor acknowledged in the phase,
    as `column` (their ids, or a count), with bound parameters :w_presentation_id, :w_set_id,
    :w_phase and, with `but_author`, :w_author, who is left out. Built once, like _REPLY_CONTEXT:
    the one definition of "still to engage", for early advances and for nudges."""
    presentation_id, phase = bindparam("w_presentation_id"), bindparam("w_phase")
    posted = select(Contribution.id).where(
        Contribution.presentation_id == presentation_id, Contribution.user_id == RoleAssignment.user_id,
        Contribution.phase == phase, Contribution.deleted_at.is_(None),
    )
    acked = select(Acknowledgement.id).where(
        Acknowledgement.presentation_id == presentation_id, Acknowledgement.user_id == RoleAssignment.user_id,
        Acknowledgement.phase == phase,
    )
    query = (
        select(column)
        .join(Membership, (Membership.set_id == bindparam("w_set_id")) & (Membership.user_id == RoleAssignment.user_id))
        .where(
            RoleAssignment.presentation_id == presentation_id, RoleAssignment.role == Role.QUESTIONER,
            Membership.state == MemberState.ACTIVE, ~posted.exists(), ~acked.exists(),
        )
    )
    return query.where(RoleAssignment.user_id != bindparam("w_author")) if but_author else query


_WAITING_QUESTIONER_IDS = _waiting_questioners(RoleAssignment.user_id).order_by(RoleAssignment.id)
_WAITING_QUESTIONERS = _waiting_questioners(func.count(RoleAssignment.id))
_OTHERS_WAITING = _waiting_questioners(func.count(RoleAssignment.id), but_author=True).scalar_subquery()


def _waiting_params(presentation_id: int, set_id: int, phase: Phase, *, author: str | None = None) -> dict[str, object]:
    params: dict[str, object] = {"w_presentation_id": presentation_id, "w_set_id": set_id, "w_phase": int(phase)}
    if author is not None:
        params["w_author"] = author
    return params


def _waiting_questioner_count(session: Session, presentation_id: int, set_id: int, phase: Phase) -> int:
    return int(session.scalar(_WAITING_QUESTIONERS, _waiting_params(presentation_id, set_id, phase)) or 0)


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


@dataclass(frozen=True)
class AckOutcome:
    recorded: bool  # False: not an active member, not running, or already acknowledged in this phase
    advanced_to: Phase | None = None  # the phase it opened, when this was the last one awaited


def _ack_context_query():  # type: ignore[no-untyped-def]
    """Built once (bound :presentation_id, :user_id), like _REPLY_CONTEXT: the presentation, its
    set's team, the member's state and whether they question in it. On PostgreSQL it locks the
    presentation row, so two last acknowledgements at once are checked one after the other."""
    user_id = bindparam("user_id")
    return (
        select(Presentation.set_id, LearningSet.team_id, Presentation.status, Presentation.phase, Membership.state,
               RoleAssignment.id)
        .join(LearningSet, LearningSet.id == Presentation.set_id)
        .outerjoin(Membership, (Membership.set_id == Presentation.set_id) & (Membership.user_id == user_id))
        .outerjoin(RoleAssignment, (RoleAssignment.presentation_id == Presentation.id) & (RoleAssignment.user_id == user_id)
                   & (RoleAssignment.role == Role.QUESTIONER))
        .where(Presentation.id == bindparam("presentation_id"))
        .with_for_update(key_share=True, of=Presentation)
    )


_ACK_CONTEXT = _ack_context_query()


def acknowledge(
    session: Session, *, presentation_id: int, team_id: str | None, user_id: str, via: str, now: datetime
) -> AckOutcome | None:
    """Record that a member has read and has nothing (more) to add in the current phase; None when
    there is no such presentation in this team. Two statements (context, insert) for everyone but a
    questioner, whose acknowledgement may be the last one a questioning phase waits for."""
    row = session.execute(_ACK_CONTEXT, {"presentation_id": presentation_id, "user_id": user_id}).first()
    if row is None or (team_id and row.team_id != team_id):
        return None
    set_id, status, phase, member_state, questioner = row.set_id, row.status, row.phase, row.state, row.id is not None
    if member_state is None or member_state in (MemberState.LEFT, MemberState.OBSERVER):
        return AckOutcome(recorded=False)
    if status != PresentationStatus.OPEN or phase is None:
        return AckOutcome(recorded=False)
    inserted = insert_once(
        session,
        Acknowledgement.__table__,  # type: ignore[arg-type]
        dict(presentation_id=presentation_id, user_id=user_id, phase=phase, via=via, created_at=now),
        unique=("presentation_id", "user_id", "phase"),
    )
    if inserted is None:
        return AckOutcome(recorded=False)
    # Only questioners are awaited: anyone else's acknowledgement cannot complete a phase.
    if not questioner or Phase(phase) not in EARLY_ADVANCE_PHASES:
        return AckOutcome(recorded=True)
    if _waiting_questioner_count(session, presentation_id, set_id, Phase(phase)):
        return AckOutcome(recorded=True)
    presentation = session.get(Presentation, presentation_id)
    learning_set = session.get(LearningSet, set_id)
    assert presentation is not None and learning_set is not None
    # Acknowledging alone never empties a questioning phase: someone must have asked something.
    if phase != Phase.P0 and not _anyone_posted(session, presentation):
        return AckOutcome(recorded=True)
    return AckOutcome(True, advance_phase(session, learning_set, presentation, now=now, on_schedule=False))


def waiting_questioners(session: Session, presentation: Presentation) -> list[str]:
    """Available questioners who have neither posted in this phase nor acknowledged, in role order."""
    if presentation.phase is None:
        return []
    params = _waiting_params(presentation.id, presentation.set_id, Phase(presentation.phase))
    return list(session.scalars(_WAITING_QUESTIONER_IDS, params))


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
