"""Actions end to end: commit in P4, reminders before and on the due date, report, roll over, lapse."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import time_machine
from sqlalchemy import select

from bot.db import session_scope
from bot.domain.enums import Phase
from bot.models import Action, Presentation
from bot.slack.ids import ActionId, CallbackId
from tests.scenarios.presentation_helpers import CHANNEL, make_set, posts, root_ts, tick
from tests.support.bot_driver import BotDriver

MONDAY = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)  # London = UTC in January


def action_values(text: str, due: date | None) -> dict[str, object]:
    return {
        "action_text": {"action_text": {"type": "plain_text_input", "value": text}},
        "action_due": {"action_due": {"type": "datepicker", "selected_date": due.isoformat() if due else None}},
    }


def start_at_p4(bot: BotDriver, traveller: time_machine.Coordinates) -> tuple[int, str]:
    make_set(bot, MONDAY - timedelta(days=3))
    bot.command("present Our handovers fail\nNight shift loses context.", user="U1", channel=CHANNEL)
    root = root_ts(bot.fake)
    with session_scope(bot.runtime.session_factory) as session:
        pid = session.scalars(select(Presentation.id)).one()
    for _ in range(4):  # the set's creator (U1) may advance: P0 -> P4
        bot.click(ActionId.CONTROL_ADVANCE, user="U1", value=str(pid), channel_id=CHANNEL, message_ts=root)
    with session_scope(bot.runtime.session_factory) as session:
        assert session.get(Presentation, pid).phase == Phase.P4
    return pid, root


def add(bot: BotDriver, pid: int, user: str, text: str, due: date | None) -> dict[str, object]:
    from bot.slack.blocks.actions import action_modal

    metadata = json.loads(action_modal(presentation_id=pid, due_on=date(2027, 1, 1)).private_metadata or "{}")
    response = bot.submit(CallbackId.ACTION_MODAL, action_values(text, due), user=user, private_metadata=json.dumps(metadata))
    return json.loads(response.body) if response.body else {}


def dms_to(bot: BotDriver, user: str) -> list[str]:
    channel = bot.fake.dm_channel_id(user)
    return [c.param("text") for c in bot.fake.calls_to("chat.postMessage") if c.param("channel") == channel]


def test_actions_are_committed_reminded_reported_and_listed_next_time(bot: BotDriver) -> None:
    with time_machine.travel(MONDAY, tick=False) as traveller:
        pid, root = start_at_p4(bot, traveller)
        p4_prompt = posts(bot.fake, thread_ts=root)[-1]
        assert ActionId.ACTION_ADD in p4_prompt["blocks"]
        bot.click(ActionId.ACTION_ADD, user="U1", value=str(pid), channel_id=CHANNEL, message_ts=root)
        modal = bot.fake.last("views.open").param("view")
        modal = json.loads(modal) if isinstance(modal, str) else modal
        assert "2027-01-18" in json.dumps(modal)  # default due: one Standard cycle (10 working days)

        assert "Only the presenter" in json.dumps(add(bot, pid, "U2", "Not mine", None))
        assert add(bot, pid, "U1", "Write a one-page handover template with the night lead", date(2027, 1, 14)) == {}
        assert add(bot, pid, "U1", "Shadow two night handovers", None) == {}
        assert add(bot, pid, "U1", "Ask the ward manager for 10 minutes overlap", None) == {}
        errors = add(bot, pid, "U1", "A fourth", None)["errors"]
        assert "at most 3 actions" in json.dumps(errors)
        thread = posts(bot.fake, thread_ts=root)
        assert sum("New action" in p["text"] for p in thread) == 3

    with session_scope(bot.runtime.session_factory) as session:
        first = session.scalars(select(Action).order_by(Action.id)).first()
        first_id, first_due = first.id, first.due_on
    assert first_due == date(2027, 1, 14)

    # Tick every 15 minutes (twice each) until the due date has passed.
    reminders: dict[datetime, list[str]] = {}
    now = MONDAY
    while now < datetime(2027, 1, 16, tzinfo=UTC):
        before = len(dms_to(bot, "U1"))
        with time_machine.travel(now, tick=False):
            tick(bot.runtime, now)
            tick(bot.runtime, now)
        new = [t for t in dms_to(bot, "U1")[before:] if "handover template" in t]
        if new:
            reminders[now] = new
        now += timedelta(minutes=15)
    assert reminders == {
        datetime(2027, 1, 11, 9, 0, tzinfo=UTC): ["Your action is due on 2027-01-14: Write a one-page handover template with the night lead"],
        datetime(2027, 1, 14, 9, 0, tzinfo=UTC): ["Your action is due today: Write a one-page handover template with the night lead"],
    }
    assert bot.fake.dm_open_count("U1") == 1  # the DM channel is opened once and cached

    with time_machine.travel(datetime(2027, 1, 14, 12, 0, tzinfo=UTC), tick=False):
        bot.click(ActionId.ACTION_PARTLY, user="U1", value=str(first_id), channel_id=bot.fake.dm_channel_id("U1"), message_ts="1.1")
        report_view = bot.fake.last("views.open").param("view")
        report_view = json.loads(report_view) if isinstance(report_view, str) else report_view
        bot.submit(
            CallbackId.REPORT_MODAL,
            {"action_report": {"action_report": {"type": "plain_text_input", "value": "Drafted it; nights liked it. I learned to ask early."}}},
            user="U1", private_metadata=report_view["private_metadata"],
        )
    report = posts(bot.fake, thread_ts=root)[-1]
    assert "Action report" in report["blocks"] and "partly" in report["blocks"] and "ask early" in report["blocks"]
    with session_scope(bot.runtime.session_factory) as session:
        assert session.get(Action, first_id).status == "partly"
        pres = session.get(Presentation, pid)
        from bot.models import LearningSet
        from bot.services.rounds import close_presentation

        if pres.status != "closed":  # the ticks above may have run it to its close already
            close_presentation(session, session.get(LearningSet, pres.set_id), pres, now=datetime(2027, 1, 15, tzinfo=UTC))
    with time_machine.travel(datetime(2027, 1, 18, 10, 0, tzinfo=UTC), tick=False):
        bot.command("present Budget season\nHow to say no.", user="U2", channel=CHANNEL)
    opening = [m for m in bot.fake.messages(CHANNEL) if "new problem" in str(m.get("text"))][-1]
    assert "Action reports since the last presentation" in json.dumps(opening["blocks"]) and "ask early" in json.dumps(opening["blocks"])


def test_an_unreported_action_rolls_over_once_then_lapses(bot: BotDriver) -> None:
    with time_machine.travel(MONDAY, tick=False) as traveller:
        pid, root = start_at_p4(bot, traveller)
        add(bot, pid, "U1", "Call the supplier", date(2027, 1, 8))  # Friday: reminded Tuesday and Friday
    statuses = []
    now = MONDAY
    while now < datetime(2027, 2, 15, tzinfo=UTC):
        with time_machine.travel(now, tick=False):
            tick(bot.runtime, now)
        with session_scope(bot.runtime.session_factory) as session:
            action = session.scalars(select(Action)).one()
            state = (action.status, action.rollovers, action.due_on)
        if not statuses or statuses[-1] != state:
            statuses.append(state)
        now += timedelta(hours=1)
    assert statuses == [
        ("open", 0, date(2027, 1, 8)),
        ("open", 1, date(2027, 1, 25)),  # rolled over on Mon 11 Jan (a working day to report): +10 working days
        ("lapsed", 1, date(2027, 1, 25)),
    ]
    texts = [t for t in dms_to(bot, "U1") if "supplier" in t]
    assert texts == [
        "Your action is due on 2027-01-08: Call the supplier",
        "Your action is due today: Call the supplier",
        "Your action is due on 2027-01-25: Call the supplier",  # after the rollover, both reminders again
        "Your action is due today: Call the supplier",
    ]


def test_owner_can_edit_and_drop_others_cannot(bot: BotDriver) -> None:
    with time_machine.travel(MONDAY, tick=False) as traveller:
        pid, root = start_at_p4(bot, traveller)
        add(bot, pid, "U1", "Draft the plan", None)
        with session_scope(bot.runtime.session_factory) as session:
            action_id = session.scalars(select(Action.id)).one()
        bot.click(ActionId.ACTION_DROP, user="U2", value=str(action_id), channel_id=CHANNEL, message_ts=root)
        assert "Only the action's owner" in bot.responses_for("U2")[-1]["text"]
        metadata = json.dumps({"presentation_id": pid, "action_id": action_id})
        bot.submit(CallbackId.ACTION_MODAL, action_values("Draft the plan with Sam", date(2027, 1, 29)), user="U1", private_metadata=metadata)
        with session_scope(bot.runtime.session_factory) as session:
            action = session.get(Action, action_id)
            assert (action.text, action.due_on) == ("Draft the plan with Sam", date(2027, 1, 29))
        bot.click(ActionId.ACTION_DROP, user="U1", value=str(action_id), channel_id=CHANNEL, message_ts=root)
        with session_scope(bot.runtime.session_factory) as session:
            assert session.get(Action, action_id).status == "dropped"


def test_app_home_lists_my_open_actions_with_status_buttons(bot: BotDriver) -> None:
    with time_machine.travel(MONDAY, tick=False) as traveller:
        pid, _ = start_at_p4(bot, traveller)
        add(bot, pid, "U1", "Book the retro room", date(2027, 1, 20))
        bot.event({"type": "app_home_opened", "user": "U1", "channel": "D0U1", "tab": "home"})
    home = json.dumps(bot.fake.home_view("U1"))
    assert "Your open actions" in home and "Book the retro room" in home and "due 2027-01-20" in home
    assert ActionId.ACTION_DONE in home and ActionId.ACTION_CHANGED in home
