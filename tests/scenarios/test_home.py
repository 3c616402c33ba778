"""App Home over Bolt: every open publishes the member's current Home."""

from __future__ import annotations

import json

from bot.slack.ids import ActionId
from tests.scenarios.test_sets import CHANNEL, create_set
from tests.support.bot_driver import BotDriver


def open_home(bot: BotDriver, user: str) -> None:
    bot.event({"type": "app_home_opened", "user": user, "channel": f"D0{user}", "tab": "home"})


def publishes_to(bot: BotDriver, user: str) -> int:
    return sum(1 for c in bot.fake.calls_to("views.publish") if c.param("user_id") == user)


def test_every_open_publishes_the_current_home(bot: BotDriver) -> None:
    """No skipping of an unchanged view: another web worker may have published a different one
    since (bot/slack/home_publisher.py)."""
    create_set(bot)
    open_home(bot, "U2")
    open_home(bot, "U2")
    assert publishes_to(bot, "U2") == 2
    bot.command("away until 2099-01-10", user="U2", channel=CHANNEL)
    open_home(bot, "U2")
    assert publishes_to(bot, "U2") == 3
    assert "away" in json.dumps(bot.fake.home_view("U2"))
    bot.command("back", user="U2", channel=CHANNEL)
    open_home(bot, "U2")
    assert "away" not in json.dumps(bot.fake.home_view("U2"))
    open_home(bot, "U3")
    assert publishes_to(bot, "U3") == 1


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
