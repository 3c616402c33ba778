"""`/als present [text]`."""

from __future__ import annotations

import logging

from bot.db import read_scope, session_scope
from bot.domain.intake import intake_from_text
from bot.errors import UserFacingError
from bot.services.presentations import submit_presentation
from bot.services.sets import require_set
from bot.slack.blocks.presentation import present_modal
from bot.slack.commands.context import CommandContext
from bot.slack.delivery import deliver_soon, submitted_text

logger = logging.getLogger(__name__)


def run_present(ctx: CommandContext) -> None:
    """With text: present it directly. Without: open the intake modal."""
    if not ctx.command.argument:
        with read_scope(ctx.runtime.session_factory) as session:
            require_set(session, team_id=ctx.team_id, channel_id=ctx.channel_id)
        ctx.ack()
        ctx.client.views_open(trigger_id=ctx.payload["trigger_id"], view=present_modal(ctx.channel_id))
        return
    intake, errors = intake_from_text(ctx.command.argument)
    if intake is None:
        raise UserFacingError(" ".join(errors.values()))
    # Like the other commands that write: ack first, since the write may wait its turn at the
    # database; the answer follows through the response_url.
    ctx.ack()
    now = ctx.runtime.now()
    with session_scope(ctx.runtime.session_factory) as session:
        learning_set = require_set(session, team_id=ctx.team_id, channel_id=ctx.channel_id)
        result = submit_presentation(
            session, learning_set, presenter_id=ctx.user_id, intake=intake, now=now,
            request_key=f"cmd:{ctx.payload.get('trigger_id')}",
        )
    if result.root_post_queued:
        deliver_soon(ctx.runtime)
    try:
        ctx.reply(submitted_text(result))
    except Exception:  # recorded all the same: the guard's "nothing was changed" would be untrue
        logger.warning("presentation %s recorded, but the answer to its presenter failed", result.presentation_id, exc_info=True)
