"""Shared set-up for presentation scenarios: a set made through the services, time under control."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.db import session_scope
from bot.domain.enums import Pace
from bot.domain.set_settings import DEFAULT_WORKING_DAYS, SetSettings
from bot.runtime import Runtime
from bot.services.sets import ChannelFacts, create_set
from tests.support.bot_driver import BotDriver
from tests.support.fake_slack import FakeSlack

CHANNEL = "C0ALS"
MEMBERS = ["U1", "U2", "U3", "U4", "U5", "U6"]


def make_set(bot: BotDriver, now: datetime, *, members: list[str] = MEMBERS, pace: Pace = Pace.STANDARD,
             tz: str = "Europe/London", max_concurrent: int = 1) -> int:
    for user in members:
        bot.fake.add_user(user, tz=tz)
    bot.fake.add_channel(CHANNEL, members=members)
    settings = SetSettings("Leaders", pace, tz, DEFAULT_WORKING_DAYS, 4, 15, max_concurrent)
    with session_scope(bot.runtime.session_factory) as session:
        learning_set = create_set(
            session, team_id=bot.team_id, enterprise_id=None, channel=ChannelFacts(CHANNEL, True, False),
            created_by=members[0], settings=settings, member_ids=members, now=now,
        )
        return learning_set.id


def posts(fake: FakeSlack, *, thread_ts: str | None = None) -> list[dict[str, Any]]:
    """chat.postMessage calls into the set's channel (optionally one thread), as sent."""
    found = []
    for call in fake.calls_to("chat.postMessage"):
        if call.param("channel") != CHANNEL:
            continue
        if thread_ts is not None and call.param("thread_ts") != thread_ts:
            continue
        blocks = call.param("blocks")
        found.append({"text": call.param("text"), "thread_ts": call.param("thread_ts"),
                      "blocks": json.dumps(blocks) if blocks is not None else ""})
    return found


def root_ts(fake: FakeSlack, index: int = -1) -> str:
    """The ts of a presentation's root message (the last one by default)."""
    roots = [m for m in fake.messages(CHANNEL) if not m.get("thread_ts") and "new problem" in str(m.get("text"))]
    assert roots, "no root message was posted"
    return str(roots[index]["ts"])


def reply(bot: BotDriver, user: str, text: str, *, thread_ts: str, ts: str | None = None) -> str:
    ts = ts or bot.fake.add_message(CHANNEL, user=user, text=text, thread_ts=thread_ts)
    bot.event({"type": "message", "channel": CHANNEL, "channel_type": "group", "user": user, "text": text,
               "ts": ts, "thread_ts": thread_ts, "event_ts": ts})
    return ts


def tick(runtime: Runtime, now: datetime) -> str:
    from bot.scheduler.tick import run_tick

    return run_tick(runtime, now).line()
