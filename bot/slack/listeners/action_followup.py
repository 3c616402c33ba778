"""Listeners for actions: add, edit, drop, and report (from the thread, the reminder DM or App Home)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.db import session_scope
from bot.domain.states import ActionStatus
from bot.errors import UserFacingError
from bot.models import Action, LearningSet, Presentation
from bot.runtime import Runtime
from bot.services.actions import add_action, default_due_date, drop_action, edit_action, report_action
from bot.slack.blocks.actions import STATUS_BUTTONS, action_modal, report_modal
from bot.slack.delivery import deliver_soon
from bot.slack.ids import ActionBlock, ActionId, CallbackId
from bot.slack.listeners.guard import guarded


def _number(value: object) -> int:
    text = str(value or "")
    if not (text.isdecimal() and len(text) <= 9):  # an id: within INTEGER
        raise UserFacingError("That button is out of date.")
    return int(text)


def _own_action(session: Session, value: object, user_id: str) -> Action:
    item = session.get(Action, _number(value))
    if item is None or item.owner_id != user_id:
        raise UserFacingError("Only the action's owner can change or report it.")
    return item


def _in_team(learning_set: LearningSet | None, context: BoltContext) -> LearningSet:
    if learning_set is None or (context.team_id and learning_set.team_id != context.team_id):
        raise UserFacingError("That presentation no longer exists.")
    return learning_set


def register(app: App, runtime: Runtime) -> None:
    @app.action(ActionId.ACTION_ADD)
    @guarded
    def handle_action_add(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond) -> None:
        ack()
        with session_scope(runtime.session_factory) as session:
            presentation = session.get(Presentation, _number(action.get("value")))
            learning_set = _in_team(session.get(LearningSet, presentation.set_id) if presentation else None, context)
            if presentation is None or body["user"]["id"] != presentation.presenter_id:
                raise UserFacingError("Only the presenter adds actions to their presentation.")
            due = default_due_date(learning_set, runtime.now())
        client.views_open(trigger_id=body["trigger_id"], view=action_modal(presentation_id=presentation.id, due_on=due))

    @app.action(ActionId.ACTION_EDIT)
    @guarded
    def handle_action_edit(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        with session_scope(runtime.session_factory) as session:
            item = _own_action(session, action.get("value"), body["user"]["id"])
            view = action_modal(presentation_id=item.presentation_id, due_on=item.due_on, action_id=item.id, text=item.text)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.action(ActionId.ACTION_DROP)
    @guarded
    def handle_action_drop(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        with session_scope(runtime.session_factory) as session:
            drop_action(session, _number(action.get("value")), user_id=body["user"]["id"], now=runtime.now())
        respond(text="Dropped: it won't be followed up.", response_type="ephemeral", replace_original=False)

    @app.view(CallbackId.ACTION_MODAL)
    @guarded
    def handle_view_action(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        values = view.get("state", {}).get("values", {})
        text = ((values.get(ActionBlock.TEXT) or {}).get(ActionBlock.TEXT) or {}).get("value") or ""
        picked = ((values.get(ActionBlock.DUE) or {}).get(ActionBlock.DUE) or {}).get("selected_date")
        try:
            due_on = date.fromisoformat(picked) if picked else None
            meta = json.loads(view.get("private_metadata") or "{}")
            presentation_id = int(meta["presentation_id"])
        except (ValueError, KeyError, TypeError):
            ack(response_action="errors", errors={ActionBlock.DUE: "Pick a date (this form may be out of date)."})
            return
        now, user_id = runtime.now(), body["user"]["id"]
        with session_scope(runtime.session_factory) as session:
            try:
                if meta.get("action_id"):
                    edit_action(session, int(meta["action_id"]), user_id=user_id, text=text, due_on=due_on or date.max, now=now)
                else:
                    presentation = session.get(Presentation, presentation_id)
                    if presentation is None:
                        raise UserFacingError("That presentation no longer exists.")
                    add_action(session, presentation, user_id=user_id, text=text, due_on=due_on, now=now)
            except UserFacingError as error:
                session.rollback()
                field = ActionBlock.DUE if "date" in str(error) else ActionBlock.TEXT
                ack(response_action="errors", errors={field: str(error)})
                return
        ack()
        deliver_soon(runtime)

    def status_button(action_id: str) -> None:
        status, _ = STATUS_BUTTONS[action_id]  # type: ignore[index]

        @app.action(action_id)
        @guarded
        def handle_action_status(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond) -> None:
            ack()
            with session_scope(runtime.session_factory) as session:
                item = _own_action(session, action.get("value"), body["user"]["id"])
                if item.status not in (ActionStatus.OPEN,):
                    raise UserFacingError("This action has already been reported or closed.")
                view = report_modal(action_id=item.id, status=status, text=item.text)
            client.views_open(trigger_id=body["trigger_id"], view=view)

    for button in STATUS_BUTTONS:
        status_button(button)

    @app.view(CallbackId.REPORT_MODAL)
    @guarded
    def handle_view_report(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        values = view.get("state", {}).get("values", {})
        report = ((values.get(ActionBlock.REPORT) or {}).get(ActionBlock.REPORT) or {}).get("value") or ""
        try:
            meta = json.loads(view.get("private_metadata") or "{}")
            action_id, status = int(meta["action_id"]), ActionStatus(meta["status"])
        except (ValueError, KeyError, TypeError):
            ack(response_action="errors", errors={ActionBlock.REPORT: "This form is out of date."})
            return
        with session_scope(runtime.session_factory) as session:
            try:
                report_action(session, action_id, user_id=body["user"]["id"], status=status, report=report, now=runtime.now())
            except UserFacingError as error:
                session.rollback()
                ack(response_action="errors", errors={ActionBlock.REPORT: str(error)})
                return
        ack()
        deliver_soon(runtime)
