"""App Home over Bolt: every open reads the member's Home and publishes it when it changed."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.db import session_scope
from bot.models import LearningSet
from bot.slack.ids import ActionId
from tests.scenarios.test_sets import CHANNEL, create_set
from tests.support.bot_driver import BotDriver


def open_home(bot: BotDriver, user: str) -> None:
    """As Slack sends it: with the Home view the member sees now, once one was published."""
    event = {"type": "app_home_opened", "user": user, "channel": f"D0{user}", "tab": "home"}
    shown = bot.fake.home_view(user)
    bot.event(event if shown is None else {**event, "view": shown})


def publishes_to(bot: BotDriver, user: str) -> int:
    return sum(1 for c in bot.fake.calls_to("views.publish") if c.param("user_id") == user)


def test_every_change_is_published_even_back_to_an_earlier_home(bot: BotDriver) -> None:
    """Unchanged is judged against the view Slack sends with the event, not a process's memory:
    away, then back, publishes both (another web worker may have published in between)."""
    create_set(bot)
    open_home(bot, "U2")
    open_home(bot, "U2")
    assert publishes_to(bot, "U2") == 1  # the second open found its view already shown
    bot.command("away until 2099-01-10", user="U2", channel=CHANNEL)
    open_home(bot, "U2")
    assert publishes_to(bot, "U2") == 2
    assert "away" in json.dumps(bot.fake.home_view("U2"))
    bot.command("back", user="U2", channel=CHANNEL)
    open_home(bot, "U2")
    assert publishes_to(bot, "U2") == 3
    assert "away" not in json.dumps(bot.fake.home_view("U2"))
    open_home(bot, "U3")
    assert publishes_to(bot, "U3") == 1


def test_a_home_shown_without_the_bots_digest_is_published(bot: BotDriver) -> None:
    """A view from before digests (or anything else in private_metadata) is never taken as current."""
    create_set(bot)
    open_home(bot, "U2")
    shown = {**bot.fake.home_view("U2"), "private_metadata": ""}
    bot.event({"type": "app_home_opened", "user": "U2", "channel": "D0U2", "tab": "home", "view": shown})
    assert publishes_to(bot, "U2") == 2


def test_a_failed_publish_is_published_on_the_next_open(bot: BotDriver) -> None:
    create_set(bot)
    bot.fake.fail_next("views.publish", error="internal_error")
    open_home(bot, "U2")
    assert bot.fake.home_view("U2") is None
    open_home(bot, "U2")
    assert "Leaders' set" in json.dumps(bot.fake.home_view("U2"))


def test_resuming_prompts_from_home_publishes_the_new_home(bot: BotDriver) -> None:
    create_set(bot)
    bot.click(ActionId.REFLECTION_STOP, user="U2", value="2026-03-16", channel_id="D0U2", message_ts="1.1")
    open_home(bot, "U2")
    assert ActionId.HOME_REFLECTIONS_RESUME in json.dumps(bot.fake.home_view("U2"))
    bot.click(ActionId.HOME_REFLECTIONS_RESUME, user="U2", value="resume", view={"id": "VHOME", "type": "home"})
    assert ActionId.HOME_REFLECTIONS_RESUME not in json.dumps(bot.fake.home_view("U2"))


def test_set_status_from_home_opens_the_sets_status_in_a_modal(bot: BotDriver) -> None:
    create_set(bot)
    with session_scope(bot.runtime.session_factory) as session:
        set_id = session.scalars(select(LearningSet.id)).one()
    bot.click(ActionId.HOME_STATUS, user="U2", value=str(set_id), view={"id": "VHOME", "type": "home"})
    view = bot.fake.last("views.open").param("view")
    view = json.loads(view) if isinstance(view, str) else view
    assert view["type"] == "modal" and view["title"] == {"type": "plain_text", "text": "Set status"}
    assert "Leaders' set" in json.dumps(view["blocks"])
