"""The `/als` slash command: parse, then route to the subcommand's handler."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.domain.commands import CommandError, parse_command
from bot.errors import UserFacingError
from bot.runtime import Runtime
from bot.slack.listeners.guard import guarded
from bot.slack.blocks.help import help_blocks, help_text
from bot.slack.commands.context import CommandContext
from bot.slack.commands.help import run_help
from bot.slack.commands.members import run_away, run_back, run_join, run_leave
from bot.slack.commands.presentations import run_present
from bot.slack.commands.privacy import run_export, run_forget
from bot.slack.commands.sets import run_setup, run_status

logger = logging.getLogger(__name__)

Handler = Callable[[CommandContext], None]

ROUTES: dict[str, Handler] = {
    "help": run_help,
    "setup": run_setup,
    "status": run_status,
    "join": run_join,
    "leave": run_leave,
    "away": run_away,
    "back": run_back,
    "present": run_present,
    "export": run_export,
    "forget": run_forget,
}


def register(app: App, runtime: Runtime) -> None:
    @app.command("/als")
    @guarded
    def handle_command_als(
        ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
    ) -> None:
        try:
            parsed = parse_command(command.get("text"))
        except CommandError as error:
            ack(text=help_text(str(error)), blocks=help_blocks(str(error)))
            return
        logger.info("command /als %s from %s in %s", parsed.name, command.get("user_id"), command.get("channel_id"))
        ctx = CommandContext(parsed, command, ack, respond, client, runtime, context.bot_user_id)
        try:
            ROUTES[parsed.name](ctx)
        except UserFacingError as error:
            # A refusal the user caused: answer in the ack if it is still open, else ephemerally.
            if ack.response is None:
                ack(text=str(error))
            else:
                ctx.reply(str(error))
