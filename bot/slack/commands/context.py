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
    bot_user_id: str | None = None

    @property
    def user_id(self) -> str:
        return str(self.payload["user_id"])

    @property
    def channel_id(self) -> str:
        return str(self.payload.get("channel_id") or "")

    @property
    def team_id(self) -> str:
        return str(self.payload.get("team_id") or "")

    @property
    def enterprise_id(self) -> str | None:
        return self.payload.get("enterprise_id") or None

    @property
    def in_direct_message(self) -> bool:
        """Slash commands from a DM or group DM: no channel to hold a set."""
        name = str(self.payload.get("channel_name") or "")
        return self.channel_id.startswith("D") or name == "directmessage" or name.startswith("mpdm-")

    def reply(self, text: str, blocks: list | None = None) -> None:  # type: ignore[type-arg]
        """An ephemeral answer after the ack, through the command's response_url."""
        self.respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
