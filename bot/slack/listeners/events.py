"""Events API: channel membership, the bot's own removal, and App Home."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.db import session_scope
from bot.domain.set_settings import MAX_ACTIVE_MEMBERS
from bot.runtime import Runtime
from bot.services.events import first_delivery
from bot.services.members import join_set, mark_left_channel
from bot.services.set_health import pause_for_lost_channel
from bot.services.sets import find_set
from bot.services.users import remember_user
from bot.slack.after_ack import in_turn
from bot.slack.delivery import deliver_soon
from bot.slack.directory import SlackDirectory
from bot.slack.home_publisher import refresh_home

logger = logging.getLogger(__name__)


def register(app: App, runtime: Runtime) -> None:
    @app.event("member_joined_channel")
    @in_turn
    def handle_event_member_joined(body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        user_id, channel_id = event.get("user"), event.get("channel")
        if not user_id or not channel_id or user_id == context.bot_user_id:
            return
        facts = SlackDirectory(client, bot_user_id=context.bot_user_id).user(user_id)
        if facts is None or not facts.is_human:
            return
        with session_scope(runtime.session_factory) as session:
            if not first_delivery(session, event_id=body.get("event_id"), team_id=context.team_id, now=runtime.now()):
                return
            learning_set = find_set(session, team_id=context.team_id or "", channel_id=channel_id)
            if learning_set is None:
                return
            outcome = join_set(session, learning_set, user_id, now=runtime.now()).outcome
            # Cache their time zone now: weekly reflections go out at their local hour.
            remember_user(
                session, team_id=learning_set.team_id, user_id=user_id, timezone=facts.timezone,
                is_deleted=False, now=runtime.now(),
            )
        if outcome == "full":
            text = (
                f"Welcome! This channel's learning set is full ({MAX_ACTIVE_MEMBERS} active members), so you're an "
                "observer: you can read along but take no roles. `/als join` when a seat frees up."
            )
        elif outcome == "joined":
            text = "Welcome to the learning set! Please read the pinned ground rules and press \"I agree\"."
        else:
            return
        client.chat_postEphemeral(channel=channel_id, user=user_id, text=text)

    @app.event("member_left_channel")
    @in_turn
    def handle_event_member_left(body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
        user_id, channel_id = event.get("user"), event.get("channel")
        if not user_id or not channel_id:
            return
        with session_scope(runtime.session_factory) as session:
            if not first_delivery(session, event_id=body.get("event_id"), team_id=context.team_id, now=runtime.now()):
                return
            learning_set = find_set(session, team_id=context.team_id or "", channel_id=channel_id)
            if learning_set is not None:
                mark_left_channel(session, learning_set, user_id, now=runtime.now())

    @app.event("channel_left")
    @in_turn
    def handle_event_channel_left(event: dict[str, Any], context: BoltContext) -> None:
        """The bot was removed from a channel: pause its set rather than fail on every post."""
        channel_id = event.get("channel")
        with session_scope(runtime.session_factory) as session:
            paused = pause_for_lost_channel(
                session, team_id=context.team_id or "", channel_id=channel_id or "", reason="I was removed from the channel", now=runtime.now()
            )
        if paused is not None:
            logger.warning("set %s paused: bot removed from %s", paused, channel_id)
            deliver_soon(runtime)


def register_app_home(app: App, runtime: Runtime) -> None:
    """App Home, read on every tab open and published when it differs from the view Slack shows."""

    @app.event("app_home_opened")
    @in_turn
    def handle_event_app_home_opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if event.get("tab", "home") != "home":
            return
        user_id = event.get("user")
        if not user_id:
            return
        # `view`: the Home Slack shows now (absent before the first publish; an object, see event_shapes)
        refresh_home(runtime, client, team_id=context.team_id or "", user_id=user_id, shown=event.get("view"))
