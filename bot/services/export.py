"""`/als export`: a set's history as Markdown, for its members. Never private reflections."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.enums import Phase
from bot.domain.states import MemberState
from bot.errors import UserFacingError
from bot.models import Action, Contribution, LearningSet, Presentation
from bot.services.members import find_membership
from bot.services.privacy import is_former

KIND_LABELS = {"question": "Q", "answer": "A", "restatement": "Restatement", "learning": "Learning", "synthesis": "Synthesis", "comment": "Comment"}


def _who(user_id: str) -> str:
    return "former member" if is_former(user_id) else f"<@{user_id}>"


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" for line in text.splitlines() or [""])


def export_markdown(session: Session, learning_set: LearningSet, *, requested_by: str, now: datetime) -> str:
    """The set's presentations, questions and answers, actions and reports, oldest first."""
    membership = find_membership(session, learning_set, requested_by)
    if membership is None or membership.state == MemberState.LEFT:
        raise UserFacingError("Only the set's members can export its history.")
    lines = [f"# {learning_set.name}: history", "", f"Exported {now:%Y-%m-%d %H:%M} UTC. Confidential to the set.", ""]
    presentations = session.scalars(
        select(Presentation).where(Presentation.set_id == learning_set.id, Presentation.started_at.is_not(None)).order_by(Presentation.started_at)
    ).all()
    if not presentations:
        lines.append("No presentations yet.")
    for p in presentations:
        lines += [f"## {p.title}", "", f"Presented by {_who(p.presenter_id)} on {p.started_at:%Y-%m-%d} ({p.status}).", "", _quote(p.situation), ""]
        for label, text in (("What I have tried", p.tried), ("My question to the set", p.question_to_set), ("What success looks like", p.success)):
            if text:
                lines += [f"**{label}**", "", _quote(text), ""]
        current = None
        for c in session.scalars(
            select(Contribution)
            .where(Contribution.presentation_id == p.id, Contribution.deleted_at.is_(None))
            .order_by(Contribution.phase, Contribution.ts)
        ):
            if c.phase != current:
                current = c.phase
                lines += [f"### {Phase(c.phase).title}", ""]
            lines.append(f"- **{KIND_LABELS.get(c.kind, c.kind)}** ({_who(c.user_id)}): {c.text}")
        actions = session.scalars(select(Action).where(Action.presentation_id == p.id).order_by(Action.id)).all()
        if actions:
            lines += ["", "### Actions", ""]
            for a in actions:
                lines.append(f"- {a.text} ({_who(a.owner_id)}, due {a.due_on:%Y-%m-%d}, {a.status.replace('_', ' ')})")
                if a.report:
                    lines.append(f"  - Report: {a.report}")
        lines.append("")
    return "\n".join(lines)
