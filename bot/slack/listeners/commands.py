"""The `/als` slash command: parse, then route to the subcommand's handler."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.domain.commands import CommandError, parse_command
from bot.runtime import Runtime
from bot.slack.blocks.help import help_blocks, help_text
from bot.slack.commands.context import CommandContext
from bot.slack.commands.help import run_help

logger = logging.getLogger(__name__)

Handler = Callable[[CommandContext], None]

ROUTES: dict[str, Handler] = {
    "help": run_help,
}


def register(app: App, runtime: Runtime) -> None:
    @app.command("/als")
    def handle_command_als(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        try:
            parsed = parse_command(command.get("text"))
        except CommandError as error:
            ack(text=help_text(str(error)), blocks=help_blocks(str(error)))
            return
        logger.info("command /als %s from %s in %s", parsed.name, command.get("user_id"), command.get("channel_id"))
        ROUTES[parsed.name](CommandContext(parsed, command, ack, respond, client, runtime))
