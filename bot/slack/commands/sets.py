"""`/als setup` and `/als status`."""

from __future__ import annotations

from bot.db import read_scope, session_scope
from bot.domain.enums import Pace
from bot.domain.set_settings import (
    DEFAULT_REFLECTION_HOUR,
    DEFAULT_REFLECTION_WEEKDAY,
    DEFAULT_WORKING_DAYS,
    SetSettings,
    is_time_zone,
)
from bot.domain.states import MemberState
from bot.errors import UserFacingError
from bot.services.members import find_membership
from bot.services.sets import confidentiality_warnings, find_set, require_set, settings_of
from bot.services.status import summarise_set
from bot.services.users import find_user
from bot.slack.blocks.setup import SetupMetadata, setup_modal
from bot.slack.blocks.status import status_blocks, status_text
from bot.slack.commands.context import CommandContext
from bot.slack.directory import SlackDirectory

NEEDS_A_CHANNEL = (
    "A learning set lives in a channel, not a direct message. Create a private channel, "
    "invite the set's members and me, then run `/als setup` there."
)


def invite_me_text(bot_user_id: str | None) -> str:
    me = f"<@{bot_user_id}>" if bot_user_id else "the ALS bot"
    return (
        f"I'm not in this channel yet, so I can't run a set here. Invite me with `/invite @{me}`"
        if not bot_user_id
        else f"I'm not in this channel yet, so I can't run a set here. Invite me with `/invite` {me}, "
        "then run `/als setup` again."
    )


def _defaults(timezone: str | None) -> SetSettings:
    return SetSettings(
        name="",
        pace=Pace.STANDARD,
        timezone=timezone if timezone and is_time_zone(timezone) else "UTC",
        working_days=DEFAULT_WORKING_DAYS,
        reflection_weekday=DEFAULT_REFLECTION_WEEKDAY,
        reflection_hour=DEFAULT_REFLECTION_HOUR,
        max_concurrent=1,
    )


def run_setup(ctx: CommandContext) -> None:
    """Open the setup modal (or the settings modal when the channel already has a set)."""
    ctx.ack()
    if ctx.in_direct_message:
        ctx.reply(NEEDS_A_CHANNEL)
        return
    directory = SlackDirectory(ctx.client, bot_user_id=ctx.bot_user_id)
    channel = directory.channel(ctx.channel_id)
    if channel is None:
        ctx.reply(invite_me_text(ctx.bot_user_id))
        return
    warnings = confidentiality_warnings(channel)
    if warnings and ctx.runtime.settings.refuse_public_channels:
        ctx.reply(
            " ".join(warnings) + " This workspace keeps sets in private, unshared channels: "
            "create a private channel and run `/als setup` there."
        )
        return
    with session_scope(ctx.runtime.session_factory) as session:
        existing = find_set(session, team_id=ctx.team_id, channel_id=ctx.channel_id)
        if existing is not None:
            membership = find_membership(session, existing, ctx.user_id)
            if membership is None or membership.state == MemberState.LEFT:
                raise UserFacingError("Only the set's members can change its settings.")
            initial = settings_of(existing)
            set_id: int | None = existing.id
        else:
            user = directory.user(ctx.user_id)
            initial = _defaults(user.timezone if user else None)
            set_id = None
    metadata = SetupMetadata(ctx.channel_id, set_id, channel.is_private, channel.is_ext_shared)
    ctx.client.views_open(trigger_id=ctx.payload["trigger_id"], view=setup_modal(initial, metadata, warnings))


def run_status(ctx: CommandContext) -> None:
    """From the database alone (the viewer's time zone from the cache). Acked first, answered
    through the response_url: its seven reads wait on a busy database server (PostgreSQL on the
    same cores, under load), and the ack must not."""
    ctx.ack()
    with read_scope(ctx.runtime.session_factory) as session:
        summary = summarise_set(session, require_set(session, team_id=ctx.team_id, channel_id=ctx.channel_id))
        viewer = find_user(session, team_id=ctx.team_id, user_id=ctx.user_id)
        viewer_tz = viewer.timezone if viewer and viewer.timezone else None
    ctx.reply(status_text(summary), blocks=status_blocks(summary, viewer_tz))
