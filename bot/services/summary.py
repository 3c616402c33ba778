"""What the close (P6) summary says: who took part, how much, and the actions."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain.enums import Phase, Role
from bot.models import Action, Acknowledgement, Contribution, OutboundPost, Presentation
from bot.services.rounds import roles_of


def summary_data(session: Session, presentation: Presentation) -> dict[str, object]:
    counts: dict[str, dict[str, int]] = {}
    for phase, kind, n in session.execute(
        select(Contribution.phase, Contribution.kind, func.count(Contribution.id))
        .where(Contribution.presentation_id == presentation.id, Contribution.deleted_at.is_(None))
        .group_by(Contribution.phase, Contribution.kind)
    ):
        counts.setdefault(str(phase), {})[kind] = int(n)
    posters = set(
        session.scalars(
            select(Contribution.user_id).where(
                Contribution.presentation_id == presentation.id, Contribution.deleted_at.is_(None)
            )
        )
    )
    acked = set(session.scalars(select(Acknowledgement.user_id).where(Acknowledgement.presentation_id == presentation.id)))
    roles = roles_of(session, presentation.id)
    actions = [
        {"owner": a.owner_id, "text": a.text, "due_on": a.due_on.isoformat(), "status": a.status}
        for a in session.scalars(select(Action).where(Action.presentation_id == presentation.id).order_by(Action.id))
    ]
    links = [{"label": "The problem", "channel": presentation.channel_id, "ts": presentation.root_ts}]
    for phase, ts in session.execute(
        select(OutboundPost.work_key, OutboundPost.posted_ts).where(
            OutboundPost.work_key.like(f"prompt:{presentation.id}:%"), OutboundPost.posted_ts.is_not(None)
        )
    ):
        number = int(phase.rsplit(":", 1)[1])
        if number < int(Phase.P6):
            links.append({"label": Phase(number).title, "channel": presentation.channel_id, "ts": ts, "order": number})
    links.sort(key=lambda link: link.get("order", -1))
    return {
        "links": [{k: v for k, v in link.items() if k != "order"} for link in links if link["ts"]],
        "title": presentation.title,
        "roles": {role.value: users for role, users in roles.items()},
        "participants": sorted(posters | acked | set(roles[Role.PRESENTER])),
        "counts": counts,
        "actions": actions,
    }
