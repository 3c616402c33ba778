"""Button clicks."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

from bot.db import read_scope, session_scope
from bot.errors import UserFacingError
from bot.runtime import Runtime
from bot.slack.listeners.guard import guarded
from bot.services.members import agree_to_ground_rules, find_membership
from bot.services.privacy import forget_member
from bot.services.sets import get_set
from bot.services.status import summarise_set
from bot.slack.blocks.help import help_blocks
from bot.slack.blocks.home import ABOUT
from bot.slack.blocks.plain import info_modal
from bot.slack.blocks.status import status_blocks
from bot.slack.ids import ActionId


def _set_id(action: dict[str, Any]) -> int:
    value = str(action.get("value") or "")
    if not (value.isdecimal() and len(value) <= 9):  # an id: ASCII-safe and within INTEGER
        raise UserFacingError("That button is out of date. Run `/als status` in the set's channel.")
    return int(value)


def register(app: App, runtime: Runtime) -> None:
    @app.action(ActionId.AGREE_GROUND_RULES)
    @guarded
    def handle_action_agree(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
        ack()
        user_id = body["user"]["id"]
        with session_scope(runtime.session_factory) as session:
            learning_set = get_set(session, _set_id(action))
            if learning_set is None or learning_set.team_id != (context.team_id or learning_set.team_id):
                raise UserFacingError("That set no longer exists.")
            first_time = agree_to_ground_rules(session, learning_set, user_id, now=runtime.now())
        respond(
            text="Thank you: your agreement to the ground rules is recorded." if first_time else "You've already agreed. Thank you!",
            response_type="ephemeral",
            replace_original=False,
        )

    @app.action(ActionId.HOME_STATUS)
    @guarded
    def handle_action_home_status(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond
    ) -> None:
        ack()
        user_id = body["user"]["id"]
        with read_scope(runtime.session_factory) as session:
            learning_set = get_set(session, _set_id(action))
            if learning_set is None or learning_set.team_id != context.team_id or find_membership(session, learning_set, user_id) is None:
                raise UserFacingError("You can only see the status of sets you belong to.")
            blocks = status_blocks(summarise_set(session, learning_set))
        client.views_open(trigger_id=body["trigger_id"], view=info_modal("Set status", blocks))

    @app.action(ActionId.FORGET_CONFIRM)
    @guarded
    def handle_action_forget_confirm(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
        ack()
        with session_scope(runtime.session_factory) as session:
            done = forget_member(session, team_id=context.team_id or "", user_id=body["user"]["id"])
        respond(
            text=f"Done: {done.reflections} reflection(s) erased; {done.contributions} contribution(s) and "
            f"{done.actions} action(s) now say \"former member\".",
            response_type="ephemeral", replace_original=True,
        )

    @app.action(ActionId.HOME_HELP)
    @guarded
    def handle_action_home_help(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        blocks = [SectionBlock(text=MarkdownTextObject(text=ABOUT)), *help_blocks()]
        client.views_open(trigger_id=body["trigger_id"], view=View(type="modal", title="How it works", close="Close", blocks=blocks))
