"""`/als help`."""

from __future__ import annotations

from bot.slack.blocks.help import help_blocks, help_text
from bot.slack.commands.context import CommandContext


def run_help(ctx: CommandContext) -> None:
    """Answer in the ack itself: no Web API call, well within Slack's 3 seconds."""
    ctx.ack(text=help_text(), blocks=help_blocks())
