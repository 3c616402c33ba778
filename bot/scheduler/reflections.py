"""Tick step: queue each due member's weekly reflection DM, once per member and week.

The prompts go into the outbox with key `reflection:{team}:{user}:{week}`, in committed chunks of
ENQUEUE_CHUNK, so the tick's delivery starts sending the first chunk while the rest are queued
(one transaction for 1,000 prompts held every DM back until the last was written). A repeated or
concurrent tick, or one after a crash between chunks, finds the keys taken (the due query
excludes them, and the unique key stops a racing writer) and queues only the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.db import read_scope, session_scope
from bot.domain.states import PostKind
from bot.runtime import Runtime
from bot.services.outbox import enqueue_post
from bot.services.reflection_prompts import DuePrompt, due_prompts
from bot.services.reflections import OpenAction, open_actions_of
from bot.slack.blocks.reflection import prompt_blocks, prompt_text

if TYPE_CHECKING:  # tick.py imports this module for its STEPS
    from bot.scheduler.tick import TickSummary

logger = logging.getLogger(__name__)

ENQUEUE_CHUNK = 100  # prompts per committed transaction
FIRST_CHUNK = 10  # the first is smaller: the tick's delivery starts on it (~50 ms sooner for 1,000)


def send_weekly_reflections(runtime: Runtime, now: datetime, summary: TickSummary) -> None:
    """Queue the reflection prompts due at `now` (nothing due: one small query)."""
    with read_scope(runtime.session_factory) as session:  # a read: no writer line on SQLite
        prompts = due_prompts(session, now)
        if not prompts:
            return
        actions = open_actions_of(session, [(p.team_id, p.user_id) for p in prompts])
    queued = 0
    try:
        first = min(FIRST_CHUNK, ENQUEUE_CHUNK)
        for start, end in [(0, first), *((at, at + ENQUEUE_CHUNK) for at in range(first, len(prompts), ENQUEUE_CHUNK))]:
            # Blocks are built before the transaction: SQLite's writer line (which the tick's
            # delivery thread needs to record each post) is held for the inserts only.
            posts = [_post(prompt, actions, now) for prompt in prompts[start:end]]
            with session_scope(runtime.session_factory) as session:
                chunk = sum(enqueue_post(session, **post) for post in posts)
            queued += chunk
    finally:
        summary.add("reflection prompts queued", queued)  # the chunks committed, even if a later one failed
    logger.info("queued %s weekly reflection prompt(s) at %s", queued, now.isoformat())


def _post(prompt: DuePrompt, actions: Mapping[tuple[str, str], list[OpenAction]], now: datetime) -> dict[str, Any]:
    """enqueue_post's arguments for one prompt."""
    blocks = prompt_blocks(prompt.week_start, actions.get((prompt.team_id, prompt.user_id), []))
    return {
        "work_key": prompt.work_key,
        "team_id": prompt.team_id,
        "kind": PostKind.DM,
        "user_id": prompt.user_id,
        "text": prompt_text(prompt.week_start),
        "blocks": [block.to_dict() for block in blocks],
        "now": now,
    }
