"""Weekly reflection end to end: simulated weeks of ticks, DM replies, the buttons and modals, sharing."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.db import session_scope
from bot.domain.enums import Pace
from bot.domain.reflection_schedule import reflection_due_at
from bot.domain.set_settings import SetSettings
from bot.models import Reflection, SlackUser
from bot.scheduler.tick import run_tick
from bot.services.sets import ChannelFacts, create_set
from bot.services.users import remember_user
from bot.slack.ids import ActionId, CallbackId, ReflectionBlock
from tests.support.bot_driver import BotDriver, ack_json

CHANNEL = "C0SET"
ZONES = {"UNY": "America/New_York", "ULON": "Europe/London", "UIN": "Asia/Kolkata"}
START = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday; New York springs forward on 8 March, London on 29 March
TICK = timedelta(minutes=15)


def as_json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def make_set(bot: BotDriver, members: dict[str, str] = ZONES, channel: str = CHANNEL, *, weekday: int = 4, hour: int = 15) -> None:
    """A set straight through the services (fast), with each member's Slack zone cached."""
    bot.fake.add_channel(channel, members=list(members))
    for user, tz in members.items():
        bot.fake.add_user(user, tz=tz)
    with session_scope(bot.runtime.session_factory) as session:
        settings = SetSettings(f"Set {channel}", Pace.STANDARD, "Europe/London", frozenset(range(5)), weekday, hour, 1)
        create_set(
            session, team_id=bot.team_id, enterprise_id=None, channel=ChannelFacts(channel, True, False),
            created_by=next(iter(members)), settings=settings, member_ids=list(members), now=START - timedelta(days=1),
        )  # fmt: skip
        for user, tz in members.items():
            remember_user(session, team_id=bot.team_id, user_id=user, timezone=tz, is_deleted=False, now=START)


def at(bot: BotDriver, now: datetime) -> None:
    """Listeners read the simulated clock too."""
    object.__setattr__(bot.runtime, "now", lambda: now)


def prompts_to(bot: BotDriver, user: str) -> list[dict[str, Any]]:
    return [m for m in bot.fake.messages(bot.fake.dm_channel_id(user)) if "weekly reflection" in m.get("text", "")]


def dm(bot: BotDriver, user: str, text: str, ts: str, **kwargs: Any) -> None:
    message = {"type": "message", "channel": bot.fake.dm_channel_id(user), "user": user, "text": text, "ts": ts,
               "event_ts": ts, "channel_type": "im"}  # fmt: skip
    bot.event(message, **kwargs)


def reflections(bot: BotDriver) -> dict[tuple[str, date], Reflection]:
    with session_scope(bot.runtime.session_factory) as session:
        return {(r.user_id, r.week_start): r for r in session.scalars(select(Reflection))}


def button(message: dict[str, Any], action_id: str) -> dict[str, Any]:
    blocks = as_json(message.get("blocks")) or []
    return next(e for b in blocks if b["type"] == "actions" for e in b["elements"] if e["action_id"] == action_id)


def test_five_weeks_three_zones_one_prompt_a_week_at_the_local_hour_even_ticking_twice(bot: BotDriver) -> None:
    make_set(bot)
    delivered: dict[str, list[datetime]] = defaultdict(list)
    now = START
    replied = False
    while now < START + timedelta(weeks=5):
        at(bot, now)
        for _ in range(2):  # every tick runs twice: nothing may go out twice
            run_tick(bot.runtime, now)
        for user in ZONES:
            while len(delivered[user]) < len(prompts_to(bot, user)):
                delivered[user].append(now)
        if not replied and delivered["UNY"]:
            dm(bot, "UNY", "Week one: the <!channel> migration & the outage", ts=f"{now.timestamp():.6f}")
            replied = True
        now += TICK

    for user, tz in ZONES.items():
        expected = [reflection_due_at(START.date() + timedelta(weeks=w), weekday=4, hour=15, tz=tz) for w in range(5)]
        assert len(delivered[user]) == 5, (user, delivered[user])
        for sent, due in zip(delivered[user], expected, strict=True):
            assert due <= sent < due + TICK, (user, sent, due)
            assert sent.astimezone(due.tzinfo).hour == due.hour
    # New York's prompt moved an hour earlier in UTC after 8 March, London's after 29 March.
    assert [d.hour for d in delivered["UNY"][:2]] == [20, 19]
    assert [d.hour for d in delivered["ULON"][3:5]] == [15, 14]
    assert bot.fake.dm_open_count("UNY") == 1  # opened once, then cached

    entry = reflections(bot)[("UNY", date(2026, 3, 2))]
    assert "migration" in entry.text and entry.shared_set_id is None
    # Nothing shared without the button (the set's channel may hold the presenter invitations).
    assert not [m for m in bot.fake.messages(CHANNEL) if "migration" in json.dumps(m) or "reflection" in m.get("text", "")]


def test_a_dm_reply_is_stored_once_confirmed_in_its_thread_and_extended_later(bot: BotDriver) -> None:
    make_set(bot)
    friday = reflection_due_at(date(2026, 3, 2), weekday=4, hour=15, tz="Europe/London")
    at(bot, friday)
    run_tick(bot.runtime, friday)
    dm(bot, "ULON", "Shipped the report.", ts="1772809200.000100", event_id="Ev1")
    dm(bot, "ULON", "Shipped the report.", ts="1772809200.000100", event_id="Ev1", retry_num=1)  # redelivered
    dm(bot, "ULON", "Shipped the report.", ts="1772809200.000100", event_id="Ev2")  # a new id, same message
    at(bot, friday + timedelta(hours=2))
    dm(bot, "ULON", "Learned to ask first.", ts="1772816400.000200")
    entry = reflections(bot)[("ULON", date(2026, 3, 2))]
    assert entry.text == "Shipped the report.\n\nLearned to ask first."
    notes = [m for m in bot.fake.messages("DULON") if m.get("thread_ts")]
    assert [n["thread_ts"] for n in notes] == ["1772809200.000100", "1772816400.000200"]
    assert "Saved to your private learning log" in notes[0]["text"] and "Added to" in notes[1]["text"]
    assert button(notes[0], ActionId.REFLECTION_SHARE)["value"] == str(entry.id)


def test_other_message_events_are_left_alone(bot: BotDriver) -> None:
    make_set(bot)
    at(bot, START)
    bot.event({"type": "message", "subtype": "message_changed", "channel": "DULON", "channel_type": "im",
               "ts": "1.000002", "message": {"type": "message", "user": "ULON", "text": "edited", "ts": "1.000001"}})  # fmt: skip
    bot.event({"type": "message", "channel": "DULON", "channel_type": "im", "bot_id": "BOTHER", "user": "UOTHER",
               "text": "from a bot", "ts": "1.000003"})  # fmt: skip
    bot.event({"type": "message", "channel": CHANNEL, "channel_type": "group", "user": "ULON", "text": "in the channel",
               "ts": "1.000004"})  # fmt: skip
    assert reflections(bot) == {}
    assert bot.fake.calls_to("chat.postMessage") == []


def test_a_stranger_writing_to_the_bot_is_told_what_it_does(bot: BotDriver) -> None:
    bot.fake.add_user("USTRANGER")
    at(bot, START)
    dm(bot, "USTRANGER", "hello?", ts="1.000001")
    assert reflections(bot) == {}
    assert "members of action learning sets" in bot.fake.last("chat.postMessage").param("text")


def test_the_write_button_opens_a_modal_whose_answers_are_stored_for_that_week(bot: BotDriver) -> None:
    make_set(bot)
    friday = reflection_due_at(date(2026, 3, 2), weekday=4, hour=15, tz="Asia/Kolkata")
    at(bot, friday)
    run_tick(bot.runtime, friday)
    prompt = prompts_to(bot, "UIN")[0]
    value = button(prompt, ActionId.REFLECTION_WRITE)["value"]
    assert value == "2026-03-02"
    bot.click(ActionId.REFLECTION_WRITE, user="UIN", value=value, channel_id="DUIN", message_ts=prompt["ts"])
    view = as_json(bot.fake.last("views.open").param("view"))
    assert view["callback_id"] == CallbackId.REFLECTION_MODAL
    empty = bot.submit(CallbackId.REFLECTION_MODAL, {ReflectionBlock.HAPPENED: {ReflectionBlock.HAPPENED: {"value": " "}}},
                       user="UIN", private_metadata=view["private_metadata"])  # fmt: skip
    assert ReflectionBlock.HAPPENED in ack_json(empty)["errors"]
    answers = {ReflectionBlock.HAPPENED: {ReflectionBlock.HAPPENED: {"value": "A hard review."}},
               ReflectionBlock.LEARNED: {ReflectionBlock.LEARNED: {"value": "Listen longer."}}}  # fmt: skip
    bot.submit(CallbackId.REFLECTION_MODAL, answers, user="UIN", private_metadata=view["private_metadata"])
    entry = reflections(bot)[("UIN", date(2026, 3, 2))]
    assert entry.text == "What happened in your work this week?\nA hard review.\n\nWhat did you learn?\nListen longer."
    assert "Saved to your private learning log" in bot.fake.messages("DUIN")[-1]["text"]


def test_share_posts_into_the_chosen_set_only_when_asked(bot: BotDriver) -> None:
    make_set(bot)
    make_set(bot, {"ULON": "Europe/London", "UX": "Europe/Paris"}, channel="C0TWO")
    at(bot, START)
    dm(bot, "ULON", "I learned <@UX> was right & said so", ts="1.000001")
    note = bot.fake.messages("DULON")[-1]
    share = button(note, ActionId.REFLECTION_SHARE)
    bot.click(ActionId.REFLECTION_SHARE, user="ULON", value=share["value"], channel_id="DULON", message_ts=note["ts"])
    view = as_json(bot.fake.last("views.open").param("view"))
    select_block = next(b for b in view["blocks"] if b.get("block_id") == ReflectionBlock.SHARE_SET)
    options = {o["text"]["text"]: o["value"] for o in select_block["element"]["options"]}
    assert set(options) == {"Set C0SET", "Set C0TWO"}
    assert bot.fake.messages(CHANNEL) == [] and bot.fake.messages("C0TWO") == []
    chosen = {ReflectionBlock.SHARE_SET: {ReflectionBlock.SHARE_SET: {"selected_option": {"value": options["Set C0TWO"]}}}}
    bot.submit(CallbackId.REFLECTION_SHARE_MODAL, chosen, user="ULON", private_metadata=view["private_metadata"])
    posted = bot.fake.messages("C0TWO")
    assert len(posted) == 1 and bot.fake.messages(CHANNEL) == []
    body = json.dumps(as_json(posted[0]["blocks"]))
    assert "<@ULON>" in posted[0]["text"] and "&lt;@UX&gt; was right &amp; said so" in body
    entry = reflections(bot)[("ULON", date(2026, 3, 2))]
    assert entry.shared_ts == posted[0]["ts"]
    again = bot.submit(CallbackId.REFLECTION_SHARE_MODAL, chosen, user="ULON", private_metadata=view["private_metadata"])
    assert "already shared" in ack_json(again)["errors"][ReflectionBlock.SHARE_SET]
    bot.click(ActionId.REFLECTION_SHARE, user="ULON", value=share["value"], channel_id="DULON", message_ts=note["ts"])
    assert "already shared" in bot.responses_for("ULON")[-1]["text"]  # refused after the ack, told privately
    assert len(bot.fake.messages("C0TWO")) == 1


def test_snooze_skips_a_week_and_stop_resume_works_from_app_home(bot: BotDriver) -> None:
    make_set(bot, {"ULON": "Europe/London"})
    weeks = [date(2026, 3, 2) + timedelta(weeks=w) for w in range(4)]
    due = [reflection_due_at(w, weekday=4, hour=15, tz="Europe/London") for w in weeks]
    at(bot, due[0])
    run_tick(bot.runtime, due[0])
    prompt = prompts_to(bot, "ULON")[0]
    bot.click(ActionId.REFLECTION_SNOOZE, user="ULON", value="2026-03-02", channel_id="DULON", message_ts=prompt["ts"])
    assert "Snoozed" in bot.responses_for("ULON")[-1]["text"]
    run_tick(bot.runtime, due[1])
    assert len(prompts_to(bot, "ULON")) == 1  # week two skipped
    run_tick(bot.runtime, due[2])
    assert len(prompts_to(bot, "ULON")) == 2
    bot.click(ActionId.REFLECTION_STOP, user="ULON", value="2026-03-16", channel_id="DULON", message_ts=prompt["ts"])
    assert "App Home" in bot.responses_for("ULON")[-1]["text"]
    bot.event({"type": "app_home_opened", "user": "ULON", "channel": "DULON", "tab": "home", "event_ts": "1.1"})
    home = json.dumps(bot.fake.home_view("ULON"))
    assert "My last reflections" in home and ActionId.HOME_REFLECTIONS_RESUME in home
    run_tick(bot.runtime, due[3])
    assert len(prompts_to(bot, "ULON")) == 2  # opted out
    bot.click(ActionId.HOME_REFLECTIONS_RESUME, user="ULON", value="resume", view={"id": "VHOME", "type": "home"})
    assert ActionId.HOME_REFLECTIONS_RESUME not in json.dumps(bot.fake.home_view("ULON"))
    run_tick(bot.runtime, due[3] + TICK)
    assert len(prompts_to(bot, "ULON")) == 3


def test_user_change_moves_the_prompt_to_the_new_zone(bot: BotDriver) -> None:
    make_set(bot, {"ULON": "Europe/London"})
    at(bot, START)
    user = {"id": "ULON", "team_id": bot.team_id, "name": "ulon", "deleted": False, "tz": "Asia/Tokyo", "is_bot": False}
    bot.event({"type": "user_change", "user": user, "event_ts": "1.2", "cache_ts": 1})
    with session_scope(bot.runtime.session_factory) as session:
        cached = session.scalars(select(SlackUser).where(SlackUser.user_id == "ULON")).one()
        assert cached.timezone == "Asia/Tokyo"
    tokyo = reflection_due_at(date(2026, 3, 2), weekday=4, hour=15, tz="Asia/Tokyo")
    run_tick(bot.runtime, tokyo)
    assert len(prompts_to(bot, "ULON")) == 1


@pytest.mark.parametrize("actions", [0, 2])
def test_the_prompt_lists_open_actions(bot: BotDriver, actions: int) -> None:
    from bot.models import Action, Presentation

    make_set(bot, {"ULON": "Europe/London"})
    with session_scope(bot.runtime.session_factory) as session:
        presentation = Presentation(set_id=1, presenter_id="ULON", title="t", situation="s", status="closed",
                                    channel_id=CHANNEL, created_at=START)  # fmt: skip
        session.add(presentation)
        session.flush()
        for n in range(actions):
            session.add(Action(presentation_id=presentation.id, owner_id="ULON", text=f"Call <the> client {n}",
                               due_on=date(2026, 3, 20 + n), status="open", created_at=START))  # fmt: skip
        session.add(Action(presentation_id=presentation.id, owner_id="ULON", text="done one", due_on=date(2026, 3, 1),
                           status="done", created_at=START))  # fmt: skip
    due = reflection_due_at(date(2026, 3, 2), weekday=4, hour=15, tz="Europe/London")
    run_tick(bot.runtime, due)
    blocks = json.dumps(as_json(prompts_to(bot, "ULON")[0]["blocks"]))
    assert ("Your open actions" in blocks) == bool(actions)
    assert "done one" not in blocks
    if actions:
        assert "Call &lt;the&gt; client 0 (due Fri 20 Mar)" in blocks
