"""Actions: the presenter's commitments, their follow-up, and their reports.

No action without learning: each action is reminded 3 working days before it is due and on the
day, its report goes back into the presentation's thread, and an unreported action rolls over
once (by one cycle of the set's pace) and then lapses.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from bot.domain.calendar import add_working_days, boundaries_after, local_moment, zone
from bot.domain.enums import Pace, Phase, Role
from bot.domain.set_settings import decode_working_days
from bot.domain.states import ActionStatus, PostKind, PresentationStatus
from bot.errors import UserFacingError
from bot.models import Action, LearningSet, Presentation
from bot.services.outbox import enqueue_post
from bot.services.rounds import roles_of

MAX_ACTIONS = 3
MAX_ACTION_TEXT = 500
REMINDER_TIME = time(9, 0)  # reminders go out at 09:00 in the set's time zone
REMIND_BEFORE_DAYS = 3
CYCLE_DAYS = {Pace.SPRINT: 5, Pace.STANDARD: 10, Pace.RELAXED: 15}  # one presentation's length
REPORTABLE = (ActionStatus.DONE, ActionStatus.PARTLY, ActionStatus.NOT_DONE, ActionStatus.CHANGED)


def _calendar(learning_set: LearningSet) -> tuple[str, frozenset[int]]:
    return learning_set.timezone, decode_working_days(learning_set.working_days)


def default_due_date(learning_set: LearningSet, now: datetime) -> date:
    """One cycle of the set's pace from now: by then the next presentation has started."""
    tz, days = _calendar(learning_set)
    moment = add_working_days(now, CYCLE_DAYS[Pace(learning_set.pace)], tz=tz, working_days=days)
    return moment.astimezone(zone(tz)).date()


def _working_days_before(due_on: date, count: int, working_days: frozenset[int]) -> date:
    day = due_on
    while count > 0:
        day -= timedelta(days=1)
        if day.weekday() in working_days:
            count -= 1
    return day


def _schedule(action: Action, learning_set: LearningSet, now: datetime) -> None:
    """Set the next follow-up instant for the action's current stage (skipping ones already past)."""
    tz, days = _calendar(learning_set)
    due_at = local_moment(action.due_on, REMINDER_TIME, zone(tz))
    stages = {
        0: local_moment(_working_days_before(action.due_on, REMIND_BEFORE_DAYS, days), REMINDER_TIME, zone(tz)),
        1: due_at,
        2: boundaries_after(due_at, 2, tz=tz, working_days=days),  # a working day to report
    }
    if action.reminder_stage == 0 and stages[0] < now:
        action.reminder_stage = 1  # due in under 3 working days: the "before" reminder is moot
    action.next_reminder_at = stages[action.reminder_stage]


def _set_of(session: Session, presentation: Presentation) -> LearningSet:
    learning_set = session.get(LearningSet, presentation.set_id)
    assert learning_set is not None
    return learning_set


def _check_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise UserFacingError("Describe the action.")
    if len(text) > MAX_ACTION_TEXT:
        raise UserFacingError(f"Keep an action to {MAX_ACTION_TEXT} characters.")
    return text


def add_action(
    session: Session, presentation: Presentation, *, user_id: str, text: str, due_on: date | None, now: datetime
) -> Action:
    """The presenter commits to an action (1-3 per presentation) during P4 or later."""
    learning_set = _set_of(session, presentation)
    if user_id not in roles_of(session, presentation.id)[Role.PRESENTER]:
        raise UserFacingError("Only the presenter adds actions to their presentation.")
    if presentation.status not in (PresentationStatus.OPEN, PresentationStatus.PAUSED) or (presentation.phase or 0) < Phase.P4:
        raise UserFacingError("Actions are added from the \"reflect and commit\" phase on, while the presentation runs.")
    count = session.scalar(
        select(func.count(Action.id)).where(Action.presentation_id == presentation.id, Action.status != ActionStatus.DROPPED)
    )
    if (count or 0) >= MAX_ACTIONS:
        raise UserFacingError(f"A presentation has at most {MAX_ACTIONS} actions: edit or drop one first.")
    today = now.astimezone(zone(learning_set.timezone)).date()
    due_on = due_on or default_due_date(learning_set, now)
    if due_on <= today:
        raise UserFacingError("Pick a due date after today.")
    action = Action(
        presentation_id=presentation.id, owner_id=user_id, text=_check_text(text), due_on=due_on,
        status=ActionStatus.OPEN, rollovers=0, reminder_stage=0, created_at=now,
    )
    session.add(action)
    session.flush()
    _schedule(action, learning_set, now)
    _post_in_thread(session, learning_set, presentation, action, key=f"action:{action.id}", template="action_posted", now=now)
    return action


def _owned(session: Session, action_id: int, user_id: str) -> tuple[Action, Presentation, LearningSet]:
    action = session.get(Action, action_id)
    if action is None:
        raise UserFacingError("That action no longer exists.")
    if action.owner_id != user_id:
        raise UserFacingError("Only the action's owner can change or report it.")
    presentation = session.get(Presentation, action.presentation_id)
    assert presentation is not None
    return action, presentation, _set_of(session, presentation)


def edit_action(session: Session, action_id: int, *, user_id: str, text: str, due_on: date, now: datetime) -> Action:
    action, presentation, learning_set = _owned(session, action_id, user_id)
    if action.status != ActionStatus.OPEN:
        raise UserFacingError("Only open actions can be edited.")
    action.text, action.due_on, action.reminder_stage = _check_text(text), due_on, 0
    _schedule(action, learning_set, now)
    session.flush()
    return action


def drop_action(session: Session, action_id: int, *, user_id: str, now: datetime) -> Action:
    action, _, _ = _owned(session, action_id, user_id)
    if action.status != ActionStatus.OPEN:
        raise UserFacingError("Only open actions can be dropped.")
    action.status, action.next_reminder_at = ActionStatus.DROPPED, None
    session.flush()
    return action


def report_action(
    session: Session, action_id: int, *, user_id: str, status: ActionStatus, report: str, now: datetime
) -> Action:
    """Record what happened and what was learned; the report goes back into the thread."""
    if status not in REPORTABLE:
        raise UserFacingError("Choose done, partly, not done or changed.")
    action, presentation, learning_set = _owned(session, action_id, user_id)
    if action.status not in (ActionStatus.OPEN, *REPORTABLE):
        raise UserFacingError("This action is closed.")
    report = (report or "").strip()
    if not report:
        raise UserFacingError("Tell the set what you did, what happened and what you learned.")
    action.status, action.report, action.reported_at, action.next_reminder_at = status, report[:3000], now, None
    session.flush()
    _post_in_thread(
        session, learning_set, presentation, action, key=f"action-report:{action.id}:{now.isoformat()}",
        template="action_report", now=now,
    )
    return action


def _post_in_thread(
    session: Session, learning_set: LearningSet, presentation: Presentation, action: Action, *, key: str, template: str, now: datetime
) -> None:
    enqueue_post(
        session, work_key=key, team_id=learning_set.team_id, channel_id=presentation.channel_id,
        thread_ts=presentation.root_ts, template=template, data=action_data(action, presentation), now=now,
    )


def action_data(action: Action, presentation: Presentation) -> dict[str, object]:
    return _action_dict(action.id, action.owner_id, action.text, action.due_on, action.status, action.report,
                        presentation.title, action.rollovers)


def _action_dict(action_id: int, owner: str, text: str, due_on: date, status: str, report: str | None, title: str,
                 rollovers: int) -> dict[str, object]:
    """The one shape of an action for templates and App Home."""
    return {
        "action_id": action_id, "owner": owner, "text": text, "due_on": due_on.isoformat(), "status": status,
        "report": report or "", "title": title, "rollovers": rollovers,
    }


def follow_up(session: Session, action: Action, *, now: datetime) -> str:
    """Do the action's due follow-up step; returns what was done (for the tick's summary)."""
    presentation = session.get(Presentation, action.presentation_id)
    assert presentation is not None
    learning_set = _set_of(session, presentation)
    stage = action.reminder_stage
    if action.status != ActionStatus.OPEN:
        action.next_reminder_at = None
        return "closed"
    if stage in (0, 1):
        enqueue_post(
            session, work_key=f"action-reminder:{action.id}:{action.rollovers}:{stage}", team_id=learning_set.team_id,
            kind=PostKind.DM, user_id=action.owner_id, template="action_reminder",
            data={**action_data(action, presentation), "due_today": stage == 1}, now=now,
        )
        action.reminder_stage = stage + 1
        _schedule(action, learning_set, now)
        return "reminder"
    if action.rollovers == 0:  # unreported: one more cycle, then it lapses
        action.rollovers, action.reminder_stage = 1, 0
        action.due_on = default_due_date(learning_set, now)
        _schedule(action, learning_set, now)
        return "rolled over"
    action.status, action.next_reminder_at = ActionStatus.LAPSED, None
    return "lapsed"


# Built once, columns only (App Home reads it on every tab open). Only the open ones, in due order,
# so ix_action_owner_id_status_due_on answers it (owner and status equal, due_on then the id/rowid
# already in order, no sort) without reading the member's done/lapsed history, which only grows.
# Two equalities on that index beat the one of ix_action_status_due_on, which would walk every
# open action of every workspace.
_OPEN_ACTIONS_OF_OWNER = (
    select(
        Action.id, Action.owner_id, Action.text, Action.due_on, Action.status, Action.report, Presentation.title,
        Action.rollovers,
    )
    .join(Presentation, Presentation.id == Action.presentation_id)
    .join(LearningSet, LearningSet.id == Presentation.set_id)
    .where(
        Action.owner_id == bindparam("user_id"),
        Action.status == ActionStatus.OPEN,
        LearningSet.team_id == bindparam("team_id"),
    )
    .order_by(Action.due_on, Action.id)
    .limit(bindparam("limit"))
)


def open_actions_of(session: Session, *, team_id: str, user_id: str, limit: int = 10) -> list[dict[str, object]]:
    """The member's open actions, soonest due first, shaped like `action_data` (for App Home)."""
    rows = session.connection().execute(_OPEN_ACTIONS_OF_OWNER, {"team_id": team_id, "user_id": user_id, "limit": limit})
    return [_action_dict(*row) for row in rows]
