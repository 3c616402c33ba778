"""Tick step: queue each due member's weekly reflection DM, once per member and week.

The prompts go into the outbox in one transaction with key `reflection:{team}:{user}:{week}`;
`deliver_posts` (later in the same tick) sends them. A repeated or concurrent tick finds the keys
taken (the due query excludes them, and the unique key stops a racing writer).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from bot.db import session_scope
from bot.domain.states import PostKind
from bot.runtime import Runtime
from bot.services.outbox import enqueue_post
from bot.services.reflection_prompts import due_prompts
from bot.services.reflections import open_actions_of
from bot.slack.blocks.reflection import prompt_blocks, prompt_text

if TYPE_CHECKING:  # tick.py imports this module for its STEPS
    from bot.scheduler.tick import TickSummary

logger = logging.getLogger(__name__)


def send_weekly_reflections(runtime: Runtime, now: datetime, summary: TickSummary) -> None:
    """Queue the reflection prompts due at `now` (nothing due: one small query)."""
    with session_scope(runtime.session_factory) as session:
        prompts = due_prompts(session, now)
        if not prompts:
            return
        actions = open_actions_of(session, [(p.team_id, p.user_id) for p in prompts])
        queued = 0
        for prompt in prompts:
            blocks = prompt_blocks(prompt.week_start, actions.get((prompt.team_id, prompt.user_id), []))
            queued += enqueue_post(
                session,
                work_key=prompt.work_key,
                team_id=prompt.team_id,
                kind=PostKind.DM,
                user_id=prompt.user_id,
                text=prompt_text(prompt.week_start),
                blocks=[block.to_dict() for block in blocks],
                now=now,
            )
    logger.info("queued %s weekly reflection prompt(s) at %s", queued, now.isoformat())
    summary.add("reflection prompts queued", queued)
