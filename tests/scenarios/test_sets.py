"""Sets and members end to end: setup, membership sync, size rules, status, ground rules, App Home."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from bot.db import session_scope
from bot.models import LearningSet, Membership
from bot.slack.blocks.setup import SetupMetadata
from bot.slack.ids import ActionId, CallbackId
from tests.support.bot_driver import BotDriver, ack_json

CHANNEL = "C0SET"
SIX = ["U1", "U2", "U3", "U4", "U5", "U6"]


def setup_values(name: str = "Leaders' set", *, tz: str = "Europe/London", pace: str = "standard",
                 days: tuple[int, ...] = (0, 1, 2, 3, 4), weekday: str = "4", hour: str = "15",
                 concurrent: str = "1") -> dict[str, Any]:
    return {
        "name": {"name": {"type": "plain_text_input", "value": name}},
        "pace": {"pace": {"type": "static_select", "selected_option": {"value": pace}}},
        "timezone": {"timezone": {"type": "plain_text_input", "value": tz}},
        "working_days": {"working_days": {"type": "checkboxes", "selected_options": [{"value": str(d)} for d in days]}},
        "reflection_weekday": {"reflection_weekday": {"type": "static_select", "selected_option": {"value": weekday}}},
        "reflection_hour": {"reflection_hour": {"type": "static_select", "selected_option": {"value": hour}}},
        "max_concurrent": {"max_concurrent": {"type": "radio_buttons", "selected_option": {"value": concurrent}}},
    }


def make_channel(bot: BotDriver, members: list[str], channel: str = CHANNEL, **flags: Any) -> None:
    for user in members:
        bot.fake.add_user(user, tz="America/New_York" if user == "U1" else "Europe/London")
    bot.fake.add_user("UOTHERBOT", is_bot=True)
    bot.fake.add_user("UGONE", deleted=True)
    bot.fake.add_channel(channel, members=[*members, "UOTHERBOT", "UGONE"], **flags)


def create_set(bot: BotDriver, members: list[str] = SIX, channel: str = CHANNEL, **values: Any) -> None:
    make_channel(bot, members, channel)
    bot.command("setup", user=members[0], channel=channel)
    view = bot.fake.last("views.open").param("view")
    view = json.loads(view) if isinstance(view, str) else view
    response = bot.submit(CallbackId.SETUP_MODAL, setup_values(**values), user=members[0],
                          private_metadata=view["private_metadata"])
    assert response.status == 200 and not ack_json(response).get("errors"), ack_json(response)


def memberships(bot: BotDriver) -> dict[str, str]:
    with session_scope(bot.runtime.session_factory) as session:
        rows = session.scalars(select(Membership).order_by(Membership.id)).all()
        return {m.user_id: m.state for m in rows}


def joined(bot: BotDriver, user: str, channel: str = CHANNEL) -> None:
    bot.fake.add_user(user)
    bot.fake.add_member(channel, user)
    bot.event({"type": "member_joined_channel", "user": user, "channel": channel, "channel_type": "G", "team": bot.team_id})


def status_text(bot: BotDriver, user: str = "U1") -> str:
    return bot.answer("status", user=user, channel=CHANNEL)["text"]


def test_setup_opens_a_modal_defaulting_to_the_users_time_zone(bot: BotDriver) -> None:
    make_channel(bot, SIX)
    bot.command("setup", user="U1", channel=CHANNEL)
    view = json.loads(bot.fake.last("views.open").param("view")) if isinstance(bot.fake.last("views.open").param("view"), str) else bot.fake.last("views.open").param("view")
    assert view["callback_id"] == CallbackId.SETUP_MODAL
    timezone_block = next(b for b in view["blocks"] if b.get("block_id") == "timezone")
    assert timezone_block["element"]["initial_value"] == "America/New_York"
    assert SetupMetadata.decode(view["private_metadata"]).set_id is None


def test_the_whole_set_lifecycle(bot: BotDriver) -> None:
    create_set(bot)
    # Six humans; the other bot and the deleted user are left out.
    assert memberships(bot) == {u: "active" for u in SIX}
    welcome = bot.fake.last("chat.postMessage")
    assert welcome.param("channel") == CHANNEL and "ground rules" in welcome.param("text").lower()
    assert ActionId.AGREE_GROUND_RULES in json.dumps(welcome.param("blocks"))
    assert "best with 4-7" not in json.dumps(welcome.param("blocks"))  # six is enough: no size warning
    with session_scope(bot.runtime.session_factory) as session:
        learning_set = session.scalars(select(LearningSet)).one()
        assert learning_set.timezone == "Europe/London"
        assert learning_set.welcome_ts is not None
        assert (CHANNEL, learning_set.welcome_ts) in bot.fake.pins

    text = status_text(bot)
    for user in SIX:
        assert f"<@{user}> (active)" in text

    joined(bot, "U7")
    assert memberships(bot)["U7"] == "active"
    joined(bot, "U8")
    assert memberships(bot)["U8"] == "observer"
    refusal = bot.fake.last("chat.postEphemeral")
    assert refusal.param("user") == "U8" and "full" in refusal.param("text")

    bot.command("leave", user="U2", channel=CHANNEL)
    assert memberships(bot)["U2"] == "observer"
    assert "observer" in bot.responses_for("U2")[-1]["text"]
    bot.command("join", user="U8", channel=CHANNEL)  # a seat is free again
    assert memberships(bot)["U8"] == "active"

    bot.command("away until 2099-01-10", user="U3", channel=CHANNEL)
    assert memberships(bot)["U3"] == "away"
    assert "<@U3> (away until 2099-01-10)" in status_text(bot)
    bot.command("back", user="U3", channel=CHANNEL)
    assert memberships(bot)["U3"] == "active"

    bot.event({"type": "member_left_channel", "user": "U4", "channel": CHANNEL, "channel_type": "G", "team": bot.team_id})
    assert memberships(bot)["U4"] == "left"
    assert "<@U4>" not in status_text(bot)


def test_agreeing_to_the_ground_rules_is_recorded_and_shown(bot: BotDriver) -> None:
    create_set(bot)
    welcome = bot.fake.last("chat.postMessage")
    blocks = welcome.param("blocks")
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    value = next(e["value"] for b in blocks if b["type"] == "actions" for e in b["elements"])
    with session_scope(bot.runtime.session_factory) as session:
        ts = session.scalars(select(LearningSet.welcome_ts)).one()
    for _ in range(2):
        bot.click(ActionId.AGREE_GROUND_RULES, user="U2", value=value, channel_id=CHANNEL, message_ts=ts)
    answers = [r["text"] for r in bot.responses_for("U2")]
    assert "recorded" in answers[0] and "already agreed" in answers[1]
    blocks = json.dumps(bot.answer("status", user="U1", channel=CHANNEL)["blocks"])
    assert blocks.count(":white_check_mark: agreed") == 1


def test_small_set_warns_in_the_welcome(bot: BotDriver) -> None:
    create_set(bot, members=["U1", "U2", "U3"])
    assert "best with 4-7" in json.dumps(bot.fake.last("chat.postMessage").param("blocks"))


def test_public_channel_warns_in_modal_and_welcome(bot: BotDriver) -> None:
    make_channel(bot, SIX, is_private=False)
    bot.command("setup", user="U1", channel=CHANNEL)
    view = bot.fake.last("views.open").param("view")
    view = json.loads(view) if isinstance(view, str) else view
    assert "public channel" in json.dumps(view["blocks"])
    bot.submit(CallbackId.SETUP_MODAL, setup_values(), user="U1", private_metadata=view["private_metadata"])
    assert "public channel" in json.dumps(bot.fake.last("chat.postMessage").param("blocks"))


def test_public_channel_refused_when_configured(bot: BotDriver) -> None:
    from dataclasses import replace

    object.__setattr__(bot.runtime, "settings", replace(bot.runtime.settings, refuse_public_channels=True))
    make_channel(bot, SIX, is_ext_shared=True)
    bot.command("setup", user="U1", channel=CHANNEL)
    assert bot.fake.calls_to("views.open") == []
    assert "shared with another organisation" in bot.responses_for("U1")[-1]["text"]


def test_setup_in_a_dm_explains_a_set_needs_a_channel(bot: BotDriver) -> None:
    bot.command("setup", user="U1", channel="D0DM")
    assert "lives in a channel" in bot.responses_for("U1")[-1]["text"]
    assert bot.fake.calls_to("views.open") == []


def test_setup_where_the_bot_is_not_invited_says_how(bot: BotDriver) -> None:
    make_channel(bot, SIX, bot_is_member=False)
    bot.command("setup", user="U1", channel=CHANNEL)
    assert "/invite" in bot.responses_for("U1")[-1]["text"]
    assert bot.fake.calls_to("views.open") == []
    with session_scope(bot.runtime.session_factory) as session:
        assert session.scalars(select(LearningSet)).all() == []


def test_second_set_in_the_same_channel_opens_settings_instead(bot: BotDriver) -> None:
    create_set(bot)
    bot.command("setup", user="U2", channel=CHANNEL)
    view = bot.fake.last("views.open").param("view")
    view = json.loads(view) if isinstance(view, str) else view
    metadata = SetupMetadata.decode(view["private_metadata"])
    assert metadata.set_id is not None
    bot.submit(CallbackId.SETUP_MODAL, setup_values("Renamed", pace="sprint"), user="U2", private_metadata=view["private_metadata"])
    with session_scope(bot.runtime.session_factory) as session:
        sets = session.scalars(select(LearningSet)).all()
        assert [(s.name, s.pace) for s in sets] == [("Renamed", "sprint")]
    # A stale "create" form for the same channel is refused in the modal.
    stale = SetupMetadata(CHANNEL, None, True, False).encode()
    response = bot.submit(CallbackId.SETUP_MODAL, setup_values("Another"), user="U3", private_metadata=stale)
    assert "already has a learning set" in ack_json(response)["errors"]["name"]


def test_non_member_cannot_change_settings(bot: BotDriver) -> None:
    create_set(bot)
    bot.fake.add_user("U9")
    response = bot.command("setup", user="U9", channel=CHANNEL)
    assert "Only the set's members" in ack_json(response).get("text", "") + json.dumps(bot.responses_for("U9"))


def test_modal_validation_errors_come_back_in_the_modal(bot: BotDriver) -> None:
    make_channel(bot, SIX)
    metadata = SetupMetadata(CHANNEL, None, True, False).encode()
    response = bot.submit(CallbackId.SETUP_MODAL, setup_values("", tz="Mars/Olympus", days=()), user="U1", private_metadata=metadata)
    body = ack_json(response)
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {"name", "timezone", "working_days"}
    with session_scope(bot.runtime.session_factory) as session:
        assert session.scalars(select(LearningSet)).all() == []


@pytest.mark.parametrize("text", ["away until someday", "away until 31/12/2027", "away", "away until 2001-01-01"])
def test_away_with_bad_dates_is_explained(bot: BotDriver, text: str) -> None:
    create_set(bot)
    bot.command(text, user="U2", channel=CHANNEL)
    assert memberships(bot)["U2"] == "active"
    assert bot.responses_for("U2")[-1]["response_type"] == "ephemeral"
    assert bot.responses_for("U2")[-1]["text"]


def test_join_when_not_in_the_channel_is_refused(bot: BotDriver) -> None:
    create_set(bot)
    bot.fake.add_user("U9")
    bot.command("join", user="U9", channel=CHANNEL)
    assert "Join this channel first" in bot.responses_for("U9")[-1]["text"]
    assert "U9" not in memberships(bot)


def test_commands_in_a_channel_without_a_set_say_how_to_start(bot: BotDriver) -> None:
    body = bot.answer("status", user="U1", channel="C0NONE")
    assert "/als setup" in body["text"]


def test_app_home_shows_sets_to_members_and_an_empty_state_to_strangers(bot: BotDriver) -> None:
    create_set(bot)
    bot.event({"type": "app_home_opened", "user": "U2", "channel": "D0U2", "tab": "home"})
    home = bot.fake.home_view("U2")
    assert home is not None and "Leaders' set" in json.dumps(home)
    bot.fake.add_user("U9")
    bot.event({"type": "app_home_opened", "user": "U9", "channel": "D0U9", "tab": "home"})
    stranger = json.dumps(bot.fake.home_view("U9"))
    assert "Start a set" in stranger and "Leaders' set" not in stranger


def test_duplicate_member_joined_delivery_is_processed_once(bot: BotDriver) -> None:
    create_set(bot)
    bot.fake.add_user("U7")
    bot.fake.add_member(CHANNEL, "U7")
    event = {"type": "member_joined_channel", "user": "U7", "channel": CHANNEL, "channel_type": "G", "team": bot.team_id}
    bot.event(event, event_id="Ev0DUP")
    bot.event(event, event_id="Ev0DUP", retry_num=1, retry_reason="http_timeout")
    welcomes = [c for c in bot.fake.calls_to("chat.postEphemeral") if c.param("user") == "U7"]
    assert len(welcomes) == 1


def test_status_is_acked_at_once_and_answered_through_the_response_url(bot: BotDriver) -> None:
    """Its reads can wait on a busy database server; the 3 s ack must not."""
    create_set(bot)
    assert ack_json(bot.command("status", user="U1", channel=CHANNEL)) == {}
    answer = bot.responses_for("U1")[-1]
    assert answer["response_type"] == "ephemeral" and "Members" in json.dumps(answer["blocks"])
