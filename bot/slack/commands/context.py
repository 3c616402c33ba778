"""What a subcommand handler receives: the parsed command, the Slack payload and the runtime."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.domain.commands import Command
from bot.runtime import Runtime


@dataclass(frozen=True)
class CommandContext:
    command: Command
    payload: dict[str, Any]  # Slack's slash-command fields
    ack: Ack
    respond: Respond
    client: WebClient
    runtime: Runtime

    @property
    def user_id(self) -> str:
        return str(self.payload["user_id"])

    @property
    def channel_id(self) -> str:
        return str(self.payload.get("channel_id") or "")

    @property
    def team_id(self) -> str:
        return str(self.payload.get("team_id") or "")
