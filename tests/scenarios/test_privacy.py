"""`/als export` and `/als forget me`: what is exported, what is forgotten, and who may ask."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import time_machine
from sqlalchemy import select

from bot.db import session_scope
from bot.models import Contribution, Membership, Reflection
from bot.slack.ids import ActionId
from tests.scenarios.presentation_helpers import CHANNEL, make_set, reply, root_ts
from tests.support.bot_driver import BotDriver, ack_json

MONDAY = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)


def seed(bot: BotDriver) -> str:
    make_set(bot, MONDAY - timedelta(days=3))
    bot.command("present Roadmap chaos\nPriorities change weekly.", user="U1", channel=CHANNEL)
    root = root_ts(bot.fake)
    bot.click(ActionId.CONTROL_ADVANCE, user="U1", value="1", channel_id=CHANNEL, message_ts=root)
    reply(bot, "U2", "What would a stable week look like?", thread_ts=root)
    reply(bot, "U1", "Two days without a new request.", thread_ts=root)
    with session_scope(bot.runtime.session_factory) as session:
        session.add(Reflection(team_id=bot.team_id, user_id="U2", week_start=date(2027, 1, 4), text="My private worry about my boss",
                               created_at=MONDAY, updated_at=MONDAY))
    return root


def exported(bot: BotDriver) -> str:
    uploads = bot.fake.uploads
    assert len(uploads) == 1
    return next(iter(uploads.values())).decode()


def test_export_goes_to_the_requester_by_dm_with_history_and_nothing_private(bot: BotDriver) -> None:
    with time_machine.travel(MONDAY, tick=False):
        seed(bot)
        bot.command("export", user="U3", channel=CHANNEL)
    markdown = exported(bot)
    assert "## Roadmap chaos" in markdown and "What would a stable week look like?" in markdown
    assert "Two days without a new request." in markdown and "### Clarifying questions" in markdown
    assert "private worry" not in markdown  # reflections never leave their owner's DM
    complete = bot.fake.last("files.completeUploadExternal")
    assert complete.param("channel_id") == bot.fake.dm_channel_id("U3")
    assert "sent the set's history" in bot.responses_for("U3")[-1]["text"]


def test_export_refuses_non_members(bot: BotDriver) -> None:
    with time_machine.travel(MONDAY, tick=False):
        seed(bot)
        bot.fake.add_user("U9")
        bot.command("export", user="U9", channel=CHANNEL)
    assert "Only the set's members" in bot.responses_for("U9")[-1]["text"]
    assert bot.fake.uploads == {}


def test_forget_me_asks_first_then_erases_and_anonymises(bot: BotDriver) -> None:
    with time_machine.travel(MONDAY, tick=False):
        root = seed(bot)
        body = ack_json(bot.command("forget me", user="U2", channel=CHANNEL))
        assert "can't be undone" in body["text"] and ActionId.FORGET_CONFIRM in json.dumps(body["blocks"])
        with session_scope(bot.runtime.session_factory) as session:
            assert session.scalars(select(Reflection)).all()  # nothing happens before the confirmation
        bot.click(ActionId.FORGET_CONFIRM, user="U2", value="me", channel_id=CHANNEL, message_ts=root, is_ephemeral=True)
        assert "1 reflection(s) erased" in bot.responses_for("U2")[-1]["text"]
        with session_scope(bot.runtime.session_factory) as session:
            assert session.scalars(select(Reflection)).all() == []
            authors = {c.user_id for c in session.scalars(select(Contribution))}
            assert "U2" not in authors and any(a.startswith("former-") for a in authors)
            assert "U2" not in set(session.scalars(select(Membership.user_id)))
        bot.command("export", user="U3", channel=CHANNEL)
    markdown = exported(bot)
    assert "former member" in markdown and "<@U2>" not in markdown


def test_forget_needs_the_word_me(bot: BotDriver) -> None:
    assert "/als forget me" in ack_json(bot.command("forget", user="U2", channel=CHANNEL))["text"]
