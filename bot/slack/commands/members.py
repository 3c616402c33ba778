"""`/als join`, `leave`, `away until <date>` and `back`."""

from __future__ import annotations

from bot.db import session_scope
from bot.domain.dates import DateParseError, local_today, parse_user_date
from bot.domain.set_settings import MAX_ACTIVE_MEMBERS
from bot.errors import UserFacingError
from bot.services.members import join_set, leave_set, mark_away, mark_back
from bot.services.sets import require_set
from bot.services.users import find_user, is_fresh, remember_user
from bot.slack.commands.context import CommandContext
from bot.slack.directory import SlackDirectory


def run_join(ctx: CommandContext) -> None:
    ctx.ack()
    directory = SlackDirectory(ctx.client, bot_user_id=ctx.bot_user_id)
    if ctx.user_id not in directory.member_ids(ctx.channel_id):
        raise UserFacingError("Join this channel first: the set's members are the channel's members.")
    now = ctx.runtime.now()
    with session_scope(ctx.runtime.session_factory) as session:
        learning_set = require_set(session, team_id=ctx.team_id, channel_id=ctx.channel_id)
        outcome = join_set(session, learning_set, ctx.user_id, now=now).outcome
    ctx.reply(
        {
            "joined": "You're an active member of the set now. Please read and agree to the pinned ground rules.",
            "already_active": "You're already an active member of this set.",
            "back_from_away": "Welcome back: you're active in the set again.",
            "full": f"The set is full ({MAX_ACTIVE_MEMBERS} active members), so you stay an observer: you can "
            "read everything but take no roles. Ask again when someone leaves.",
        }[outcome]
    )


def run_leave(ctx: CommandContext) -> None:
    ctx.ack()
    with session_scope(ctx.runtime.session_factory) as session:
        learning_set = require_set(session, team_id=ctx.team_id, channel_id=ctx.channel_id)
        leave_set(session, learning_set, ctx.user_id, now=ctx.runtime.now())
    ctx.reply(
        "You've left the set's active seats and are now an observer: you can still read along. "
        "`/als join` brings you back."
    )


def run_away(ctx: CommandContext) -> None:
    ctx.ack()
    text = ctx.command.argument
    if text.lower().startswith("until"):
        text = text[len("until") :].strip()
    if not text:
        raise UserFacingError("Tell me until when, e.g. `/als away until 2027-01-10` or `/als away until next monday`.")
    timezone = _user_timezone(ctx)
    now = ctx.runtime.now()
    today = local_today(now, timezone)
    try:
        until = parse_user_date(text, today=today)
    except DateParseError as error:
        raise UserFacingError(str(error)) from None
    with session_scope(ctx.runtime.session_factory) as session:
        learning_set = require_set(session, team_id=ctx.team_id, channel_id=ctx.channel_id)
        mark_away(session, learning_set, ctx.user_id, until=until, today=today, now=now)
    ctx.reply(
        f"You're away until {until:%A %d %B %Y}: no roles, prompts or nudges until then. "
        "`/als back` if you return early."
    )


def run_back(ctx: CommandContext) -> None:
    ctx.ack()
    with session_scope(ctx.runtime.session_factory) as session:
        learning_set = require_set(session, team_id=ctx.team_id, channel_id=ctx.channel_id)
        mark_back(session, learning_set, ctx.user_id, now=ctx.runtime.now())
    ctx.reply("Welcome back: you're active in the set again.")


def _user_timezone(ctx: CommandContext) -> str:
    """The member's Slack time zone, from the cache when fresh, else users.info."""
    now = ctx.runtime.now()
    with session_scope(ctx.runtime.session_factory) as session:
        cached = find_user(session, team_id=ctx.team_id, user_id=ctx.user_id)
        if is_fresh(cached, now) and cached is not None and cached.timezone:
            return cached.timezone
    facts = SlackDirectory(ctx.client, bot_user_id=ctx.bot_user_id).user(ctx.user_id)
    timezone = (facts.timezone if facts else None) or "UTC"
    with session_scope(ctx.runtime.session_factory) as session:
        remember_user(
            session,
            team_id=ctx.team_id,
            user_id=ctx.user_id,
            timezone=timezone,
            is_deleted=bool(facts and facts.is_deleted),
            now=now,
        )
    return timezone
