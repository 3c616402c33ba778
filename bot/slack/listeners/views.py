"""Modal submissions."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.db import session_scope
from bot.domain.set_settings import SetSettings, validate_settings
from bot.domain.states import MemberState
from bot.errors import UserFacingError
from bot.runtime import Runtime
from bot.slack.listeners.guard import guarded
from bot.services.members import find_membership
from bot.services.sets import (
    ChannelFacts,
    confidentiality_warnings,
    create_set,
    find_set,
    get_set,
    record_welcome,
    update_settings,
)
from bot.services.users import remember_user
from bot.slack.blocks.setup import SetupMetadata, welcome_blocks, welcome_text
from bot.slack.directory import SlackDirectory
from bot.slack.ids import CallbackId, SetupBlock

logger = logging.getLogger(__name__)


def read_setup_values(values: dict[str, dict[str, dict[str, Any]]]) -> dict[str, Any]:
    """The setup modal's state, tolerant of missing or malformed fields (validation reports them)."""

    def field(block: SetupBlock) -> dict[str, Any]:
        return (values.get(block) or {}).get(block) or {}

    def selected(block: SetupBlock) -> str | None:
        option = field(block).get("selected_option") or {}
        return option.get("value")

    def as_int(text: str | None) -> int | None:
        return int(text) if text is not None and text.lstrip("-").isdigit() else None

    days = frozenset(
        int(o["value"]) for o in field(SetupBlock.WORKING_DAYS).get("selected_options") or [] if str(o.get("value", "")).isdigit()
    )
    return {
        "name": field(SetupBlock.NAME).get("value"),
        "pace": selected(SetupBlock.PACE),
        "timezone": field(SetupBlock.TIMEZONE).get("value"),
        "working_days": days,
        "reflection_weekday": as_int(selected(SetupBlock.REFLECTION_WEEKDAY)),
        "reflection_hour": as_int(selected(SetupBlock.REFLECTION_HOUR)),
        "max_concurrent": as_int(selected(SetupBlock.MAX_CONCURRENT)),
    }


def register(app: App, runtime: Runtime) -> None:
    @app.view(CallbackId.SETUP_MODAL)
    @guarded
    def handle_view_setup(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        settings, errors = validate_settings(**read_setup_values(view.get("state", {}).get("values", {})))
        user_id = body["user"]["id"]
        team_id = context.team_id or body["user"].get("team_id") or ""
        try:
            metadata = SetupMetadata.decode(view.get("private_metadata") or "")
        except (ValueError, KeyError, TypeError):
            ack(response_action="errors", errors={SetupBlock.NAME: "This form is out of date: close it and run /als setup again."})
            return
        with session_scope(runtime.session_factory) as session:
            existing = find_set(session, team_id=team_id, channel_id=metadata.channel_id)
            if metadata.set_id is None and existing is not None:
                errors.setdefault(SetupBlock.NAME, "This channel already has a learning set; run /als setup to change it.")
            if existing is not None and metadata.set_id is not None:
                membership = find_membership(session, existing, user_id)
                if membership is None or membership.state == MemberState.LEFT:
                    errors.setdefault(SetupBlock.NAME, "Only the set's members can change its settings.")
        if errors or settings is None:
            ack(response_action="errors", errors=errors)
            return
        ack()
        if metadata.set_id is not None:
            _save_settings(runtime, client, metadata, settings, user_id)
        else:
            _create(runtime, client, context, metadata, settings, user_id, team_id, body)


def _save_settings(runtime: Runtime, client: WebClient, metadata: SetupMetadata, settings: SetSettings, user_id: str) -> None:
    with session_scope(runtime.session_factory) as session:
        learning_set = get_set(session, metadata.set_id or 0)
        if learning_set is None:
            return
        update_settings(learning_set, settings, now=runtime.now())
    client.chat_postMessage(
        channel=metadata.channel_id,
        text=f"<@{user_id}> updated the set's settings. `/als status` shows them.",
    )


def _create(
    runtime: Runtime,
    client: WebClient,
    context: BoltContext,
    metadata: SetupMetadata,
    settings: SetSettings,
    user_id: str,
    team_id: str,
    body: dict[str, Any],
) -> None:
    now = runtime.now()
    channel = ChannelFacts(metadata.channel_id, metadata.is_private, metadata.is_ext_shared)
    people = SlackDirectory(client, bot_user_id=context.bot_user_id).human_members(metadata.channel_id)
    member_ids = [p.user_id for p in people]
    try:
        with session_scope(runtime.session_factory) as session:
            learning_set = create_set(
                session,
                team_id=team_id,
                enterprise_id=context.enterprise_id,
                channel=channel,
                created_by=user_id,
                settings=settings,
                member_ids=member_ids,
                now=now,
            )
            for person in people:
                remember_user(
                    session, team_id=team_id, user_id=person.user_id, timezone=person.timezone, is_deleted=False, now=now
                )
            set_id, seated = learning_set.id, min(len(member_ids), 7)
    except UserFacingError as error:  # a second submit raced the first one
        client.chat_postEphemeral(channel=metadata.channel_id, user=user_id, text=str(error))
        return
    posted = client.chat_postMessage(
        channel=metadata.channel_id,
        text=welcome_text(settings),
        blocks=welcome_blocks(settings, set_id=set_id, members=seated, warnings=confidentiality_warnings(channel)),
    )
    ts = posted["ts"]
    with session_scope(runtime.session_factory) as session:
        learning_set = get_set(session, set_id)
        if learning_set is not None:
            record_welcome(learning_set, ts)
    client.pins_add(channel=metadata.channel_id, timestamp=ts)
    logger.info("set %s created in %s by %s with %s members", set_id, metadata.channel_id, user_id, len(member_ids))
