"""Slack lookups the bot needs about channels and people, with the answers it may cache."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services.sets import ChannelFacts

logger = logging.getLogger(__name__)

MEMBERS_PAGE = 200


@dataclass(frozen=True)
class UserFacts:
    user_id: str
    timezone: str | None
    is_human: bool  # not a bot, not the app, not deleted
    is_deleted: bool


class SlackDirectory:
    """Reads channel and user facts through one workspace's Web API client."""

    def __init__(self, client: WebClient, *, bot_user_id: str | None) -> None:
        self._client = client
        self._bot_user_id = bot_user_id

    def channel(self, channel_id: str) -> ChannelFacts | None:
        """The channel's facts, or None when the bot cannot see it (not invited)."""
        try:
            info = self._client.conversations_info(channel=channel_id)["channel"]
        except SlackApiError as error:
            if error.response.get("error") in ("channel_not_found", "not_in_channel"):
                return None
            raise
        if info.get("is_member") is False or info.get("is_im"):
            return None
        return ChannelFacts(
            channel_id=channel_id,
            is_private=bool(info.get("is_private")),
            is_ext_shared=bool(info.get("is_ext_shared") or info.get("is_shared")),
        )

    def member_ids(self, channel_id: str) -> list[str]:
        ids: list[str] = []
        cursor = None
        while True:
            page = self._client.conversations_members(channel=channel_id, limit=MEMBERS_PAGE, cursor=cursor)
            ids.extend(page.get("members", []))
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return ids

    def user(self, user_id: str) -> UserFacts | None:
        try:
            info = self._client.users_info(user=user_id)["user"]
        except SlackApiError as error:
            if error.response.get("error") in ("user_not_found", "user_not_visible"):
                return None
            raise
        deleted = bool(info.get("deleted"))
        is_bot = bool(info.get("is_bot") or info.get("is_app_user")) or user_id in ("USLACKBOT", self._bot_user_id)
        return UserFacts(user_id=user_id, timezone=info.get("tz"), is_human=not (is_bot or deleted), is_deleted=deleted)

    def human_members(self, channel_id: str) -> list[UserFacts]:
        """The channel's people: bots, the app itself and deleted users left out."""
        people = []
        for user_id in self.member_ids(channel_id):
            if user_id == self._bot_user_id:
                continue
            facts = self.user(user_id)
            if facts is not None and facts.is_human:
                people.append(facts)
        return people
