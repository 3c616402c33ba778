"""Presentation listeners: the intake modal, thread replies, acknowledgements, facilitator
controls and "you're up next" invitations."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.db import read_scope, session_scope
from bot.domain.intake import validate_intake
from bot.errors import UserFacingError
from bot.models import Invitation, LearningSet, Presentation
from bot.runtime import Runtime
from bot.services.contributions import (
    acknowledge,
    delete_reply,
    edit_reply,
    find_presentation_by_root,
    record_reply,
)
from bot.services.events import first_delivery
from bot.services.invitations import pass_invitation
from bot.services.members import find_membership
from bot.services.presentations import submit_presentation
from bot.services.rounds import (
    advance_by_facilitator,
    close_by_facilitator,
    extend_phase,
    pause_presentation,
    resume_presentation,
)
from bot.services.sets import find_set
from bot.services.status import summarise_set
from bot.services.users import find_user
from bot.slack.after_ack import in_turn
from bot.slack.blocks.plain import info_modal
from bot.slack.blocks.presentation import present_modal
from bot.slack.blocks.status import status_blocks
from bot.slack.delivery import deliver_soon, submitted_text
from bot.slack.ids import ActionId, CallbackId, PresentBlock
from bot.slack.listeners.guard import guarded

logger = logging.getLogger(__name__)

ControlAction = Callable[..., object]
CONTROLS: dict[str, tuple[ControlAction, str]] = {
    ActionId.CONTROL_ADVANCE: (advance_by_facilitator, "moved the presentation to the next phase"),
    ActionId.CONTROL_EXTEND: (extend_phase, "extended this phase by one working day"),
    ActionId.CONTROL_PAUSE: (pause_presentation, "paused the presentation"),
    ActionId.CONTROL_RESUME: (resume_presentation, "resumed the presentation"),
    ActionId.CONTROL_CLOSE: (close_by_facilitator, "closed the presentation"),
}


def _id_from(action: dict[str, Any]) -> int:
    value = str(action.get("value") or "")
    if not (value.isdecimal() and len(value) <= 9):  # an id: ASCII-safe and within INTEGER
        raise UserFacingError("That button is out of date.")
    return int(value)


def _is_channel_message(event: dict[str, Any]) -> bool:
    """Messages in channels (not DMs): thread replies and their edits and deletions."""
    return event.get("channel_type") in ("channel", "group")


def register_thread_replies(app: App, runtime: Runtime) -> None:
    """Thread replies (and their edits and deletions): the most frequent request (see bot/slack/app.py)."""

    @app.event("message", matchers=[_is_channel_message])
    @in_turn
    def handle_event_channel_message(body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
        subtype = event.get("subtype")
        channel_id = event.get("channel") or ""
        now = runtime.now()
        if subtype in ("message_changed", "message_deleted"):
            with session_scope(runtime.session_factory) as session:
                # A redelivered old edit must not overwrite a newer one: edits are deduplicated by event id.
                if not first_delivery(session, event_id=body.get("event_id"), team_id=context.team_id, now=now):
                    return
                if subtype == "message_changed":
                    message = event.get("message") or {}
                    if message.get("ts") and isinstance(message.get("text"), str):
                        edit_reply(session, channel_id=channel_id, ts=message["ts"], text=message["text"], now=now)
                elif event.get("deleted_ts"):
                    delete_reply(session, channel_id=channel_id, ts=event["deleted_ts"], now=now)
            return
        if subtype not in (None, "thread_broadcast") or event.get("bot_id"):
            return  # joins, topics, files, other apps' posts
        thread_ts, ts, user_id = event.get("thread_ts"), event.get("ts"), event.get("user")
        if not thread_ts or not ts or thread_ts == ts or not user_id or not isinstance(event.get("text"), str):
            return  # not a thread reply: nothing to record, no database work
        # No event receipt: record_reply's unique (channel, ts) key already makes a redelivery a no-op.
        with session_scope(runtime.session_factory) as session:
            outcome = record_reply(
                session, channel_id=channel_id, thread_ts=thread_ts, ts=ts, user_id=user_id, text=event["text"], now=now
            )
        if outcome is not None and (outcome.problems or outcome.advanced_to is not None):
            deliver_soon(runtime)


def register_read_button(app: App, runtime: Runtime) -> None:
    """The "I've read it" button on every presentation."""

    @app.action(ActionId.ACK_READ)
    @guarded
    def handle_action_ack_read(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
        ack()
        with session_scope(runtime.session_factory) as session:
            outcome = acknowledge(session, presentation_id=_id_from(action), team_id=context.team_id,
                                  user_id=body["user"]["id"], via="button", now=runtime.now())
        if outcome is None:
            raise UserFacingError(GONE)
        respond(
            text="Thanks: noted that you've read it." if outcome.recorded else "Already noted (or you're not an active member of this set).",
            response_type="ephemeral", replace_original=False,
        )
        if outcome.advanced_to is not None:
            deliver_soon(runtime)  # the next phase's prompt


def register(app: App, runtime: Runtime) -> None:
    @app.view(CallbackId.PRESENT_MODAL)
    @guarded
    def handle_view_present(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        values = view.get("state", {}).get("values", {})

        def value(block: PresentBlock) -> str | None:
            return ((values.get(block) or {}).get(block) or {}).get("value")

        intake, errors = validate_intake(
            title=value(PresentBlock.TITLE), situation=value(PresentBlock.SITUATION), tried=value(PresentBlock.TRIED),
            question_to_set=value(PresentBlock.QUESTION), success=value(PresentBlock.SUCCESS),
        )
        if intake is None:
            ack(response_action="errors", errors=errors)
            return
        try:
            channel_id = str(json.loads(view.get("private_metadata") or "{}")["channel_id"])
        except (ValueError, KeyError, TypeError):
            ack(response_action="errors", errors={PresentBlock.TITLE: "This form is out of date: run /als present again."})
            return
        user_id = body["user"]["id"]
        now = runtime.now()
        with session_scope(runtime.session_factory) as session:
            learning_set = find_set(session, team_id=context.team_id or "", channel_id=channel_id)
            if learning_set is None:
                ack(response_action="errors", errors={PresentBlock.TITLE: "This channel no longer has a set."})
                return
            try:
                result = submit_presentation(
                    session, learning_set, presenter_id=user_id, intake=intake, now=now, request_key=f"view:{view.get('id')}"
                )
            except UserFacingError as error:
                ack(response_action="errors", errors={PresentBlock.TITLE: str(error)})
                return
        ack()
        client.chat_postEphemeral(channel=channel_id, user=user_id, text=submitted_text(result))
        if result.root_post_queued:
            deliver_soon(runtime)

    @app.event("reaction_added")
    @in_turn
    def handle_event_reaction_added(event: dict[str, Any], context: BoltContext) -> None:
        item = event.get("item") or {}
        if event.get("reaction") != "eyes" or item.get("type") != "message" or not event.get("user"):
            return
        with session_scope(runtime.session_factory) as session:
            presentation = find_presentation_by_root(session, channel_id=item.get("channel", ""), root_ts=item.get("ts", ""))
            if presentation is None:
                return
            outcome = acknowledge(session, presentation_id=presentation.id, team_id=context.team_id, user_id=event["user"],
                                  via="reaction", now=runtime.now())
        if outcome is not None and outcome.advanced_to is not None:
            deliver_soon(runtime)  # the next phase's prompt

    def control(action_id: str) -> None:
        operation, verb = CONTROLS[action_id]

        @app.action(action_id)
        @guarded
        def handle_action_control(
            ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond
        ) -> None:
            ack()
            user_id = body["user"]["id"]
            with session_scope(runtime.session_factory) as session:
                presentation = _presentation(session, _id_from(action), context)
                learning_set = session.get(LearningSet, presentation.set_id)
                operation(session, learning_set, presentation, user_id=user_id, now=runtime.now())
                channel_id, root_ts = presentation.channel_id, presentation.root_ts
            client.chat_postMessage(channel=channel_id, thread_ts=root_ts, text=f"<@{user_id}> {verb}.")
            deliver_soon(runtime)

    for action_id in CONTROLS:
        control(action_id)

    @app.shortcut(CallbackId.THREAD_STATUS_SHORTCUT)
    @guarded
    def handle_shortcut_thread_status(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        """Inside a thread, where /als cannot run: the status of the set and its presentations."""
        ack()
        message = body.get("message") or {}
        channel_id = (body.get("channel") or {}).get("id") or ""
        with read_scope(runtime.session_factory) as session:
            presentation = find_presentation_by_root(
                session, channel_id=channel_id, root_ts=str(message.get("thread_ts") or message.get("ts") or "")
            )
            learning_set = find_set(session, team_id=context.team_id or "", channel_id=channel_id)
            membership = find_membership(session, learning_set, body["user"]["id"]) if learning_set else None
            if learning_set is None or membership is None:
                raise UserFacingError("This shortcut works on messages in a learning set's channel, for its members.")
            viewer = find_user(session, team_id=learning_set.team_id, user_id=body["user"]["id"])
            blocks = status_blocks(summarise_set(session, learning_set), viewer.timezone if viewer else None)
            title = "Presentation status" if presentation else "Set status"
        client.views_open(trigger_id=body["trigger_id"], view=info_modal(title, blocks))

    @app.action(ActionId.INVITE_PASS)
    @guarded
    def handle_action_invite_pass(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        with session_scope(runtime.session_factory) as session:
            pass_invitation(session, _id_from(action), user_id=body["user"]["id"], now=runtime.now())
        respond(text="No problem: I'll ask the next person.", response_type="ephemeral", replace_original=False)
        deliver_soon(runtime)

    @app.action(ActionId.INVITE_PRESENT)
    @guarded
    def handle_action_invite_present(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        with session_scope(runtime.session_factory) as session:
            invitation = session.get(Invitation, _id_from(action))
            learning_set = session.get(LearningSet, invitation.set_id) if invitation else None
            if learning_set is None:
                raise UserFacingError("That invitation is out of date.")
            channel_id = learning_set.channel_id
        client.views_open(trigger_id=body["trigger_id"], view=present_modal(channel_id))


def _same_team(session: Session, presentation: Presentation, context: BoltContext) -> bool:
    learning_set = session.get(LearningSet, presentation.set_id)
    return learning_set is not None and (not context.team_id or learning_set.team_id == context.team_id)


GONE = "That presentation no longer exists."


def _presentation(session: Session, presentation_id: int, context: BoltContext) -> Presentation:
    presentation = session.get(Presentation, presentation_id)
    if presentation is None or not _same_team(session, presentation, context):
        raise UserFacingError(GONE)
    return presentation
