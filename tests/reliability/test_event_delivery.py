"""Item 1: Slack redelivers events (X-Slack-Retry-Num), late or while the first is still running,
and people double-click. Each of those creates one record."""

from __future__ import annotations

import json
import logging

import pytest

from bot.models import Acknowledgement, Contribution, Presentation
from bot.slack.ids import ActionId, CallbackId, PresentBlock
from tests.reliability.conftest import describe
from tests.reliability.helpers import CHANNEL, count, dispatch_all, open_presentation, set_up
from tests.support import slack_requests
from tests.support.bot_driver import BotDriver

pytestmark = pytest.mark.usefixtures("frozen")

DELIVERIES = 4  # the first delivery and Slack's three retries


def reply_event(user: str, text: str, *, ts: str, thread_ts: str) -> dict[str, object]:
    return {"type": "message", "channel": CHANNEL, "channel_type": "group", "user": user, "text": text,
            "ts": ts, "thread_ts": thread_ts, "event_ts": ts}


def redeliveries(event: dict[str, object], *, event_id: str = "Ev0RETRY0001") -> list[slack_requests.SignedRequest]:
    """The same event as Slack sends it: once, then retries 1..3 with the same event_id."""
    return [
        slack_requests.event(event, event_id=event_id, retry_num=n or None, retry_reason="http_timeout" if n else None)
        for n in range(DELIVERIES)
    ]


def test_a_thread_reply_delivered_four_times_in_a_row_is_one_contribution(bot: BotDriver, bot_errors: list[logging.LogRecord]) -> None:
    root = open_presentation(bot)
    ts = bot.fake.add_message(CHANNEL, user="U2", text="What have you tried?", thread_ts=root)
    for request in redeliveries(reply_event("U2", "What have you tried?", ts=ts, thread_ts=root)):
        assert bot.send(request).status == 200
    assert count(bot, Contribution) == 1
    assert not bot_errors, describe(bot_errors)


def test_a_thread_reply_delivered_four_times_at_once_is_one_contribution(bot: BotDriver, bot_errors: list[logging.LogRecord]) -> None:
    root = open_presentation(bot)
    ts = bot.fake.add_message(CHANNEL, user="U3", text="What would success look like?", thread_ts=root)
    statuses = dispatch_all(bot, redeliveries(reply_event("U3", "What would success look like?", ts=ts, thread_ts=root)))
    assert statuses == [200] * DELIVERIES
    assert count(bot, Contribution) == 1
    assert not bot_errors, describe(bot_errors)


def test_the_same_message_under_new_event_ids_and_late_is_one_contribution(bot: BotDriver) -> None:
    root = open_presentation(bot)
    ts = bot.fake.add_message(CHANNEL, user="U4", text="Who decides?", thread_ts=root)
    event = reply_event("U4", "Who decides?", ts=ts, thread_ts=root)
    dispatch_all(bot, [slack_requests.event(event, event_id=f"Ev0NEW{i}") for i in range(DELIVERIES)])
    other = bot.fake.add_message(CHANNEL, user="U5", text="Since when?", thread_ts=root)
    bot.event(reply_event("U5", "Since when?", ts=other, thread_ts=root))
    bot.send(slack_requests.event(event, event_id="Ev0NEW0", retry_num=3, retry_reason="http_timeout"))  # minutes late
    assert count(bot, Contribution) == 2
    assert count(bot, Contribution, Contribution.ts == ts) == 1


def test_member_joined_delivered_four_times_at_once_welcomes_once(bot: BotDriver, bot_errors: list[logging.LogRecord]) -> None:
    set_up(bot)
    bot.fake.add_user("U7")
    bot.fake.add_member(CHANNEL, "U7")
    joined = {"type": "member_joined_channel", "user": "U7", "channel": CHANNEL, "channel_type": "G", "team": bot.team_id,
              "inviter": "U1", "event_ts": "1799999999.000100"}
    assert dispatch_all(bot, redeliveries(joined, event_id="Ev0JOIN0001")) == [200] * DELIVERIES
    welcomes = [c for c in bot.fake.calls_to("chat.postEphemeral") if c.param("user") == "U7"]
    assert len(welcomes) == 1 and "Welcome" in welcomes[0].param("text")
    assert not bot_errors, describe(bot_errors)


def test_a_slash_command_sent_again_with_its_trigger_id_presents_once(bot: BotDriver) -> None:
    set_up(bot)
    command = slack_requests.slash_command(
        "present Hiring is stuck\nNo offers accepted.", user_id="U1", channel_id=CHANNEL, team_id=bot.team_id,
        response_url=bot.fake.response_url("cmd-U1"),
    )
    acks = dispatch_all(bot, [command] * DELIVERIES)
    assert acks == [200] * DELIVERIES
    assert count(bot, Presentation) == 1
    roots = [m for m in bot.fake.messages(CHANNEL) if not m.get("thread_ts")]
    assert len(roots) == 1


def present_submission(view_id: str = "V0DOUBLE") -> slack_requests.SignedRequest:
    values = {
        PresentBlock.TITLE: {PresentBlock.TITLE: {"value": "Our roadmap keeps slipping"}},
        PresentBlock.SITUATION: {PresentBlock.SITUATION: {"value": "Every quarter we promise too much."}},
    }
    return slack_requests.view_submission(
        CallbackId.PRESENT_MODAL, values, user_id="U1", view_id=view_id, private_metadata=json.dumps({"channel_id": CHANNEL})
    )


def test_a_modal_submitted_twice_at_once_presents_once(bot: BotDriver, bot_errors: list[logging.LogRecord]) -> None:
    set_up(bot)
    request = present_submission()
    assert dispatch_all(bot, [request, request]) == [200, 200]
    assert count(bot, Presentation) == 1
    assert not bot_errors, describe(bot_errors)


def test_a_button_double_clicked_acknowledges_once(bot: BotDriver, bot_errors: list[logging.LogRecord]) -> None:
    root = open_presentation(bot)
    with_id = count(bot, Presentation)
    assert with_id == 1
    clicks = [
        slack_requests.block_action(ActionId.ACK_READ, value="1", user_id="U3", channel_id=CHANNEL, message_ts=root,
                                    team_id=bot.team_id, response_url=bot.fake.response_url("cmd-U3"))
        for _ in range(2)
    ]
    assert dispatch_all(bot, clicks) == [200, 200]
    assert count(bot, Acknowledgement, Acknowledgement.user_id == "U3") == 1
    answers = [r["text"] for r in bot.responses_for("U3")]
    assert sorted(answers) == ["Already noted (or you're not an active member of this set).", "Thanks: noted that you've read it."]
    assert not bot_errors, describe(bot_errors)


def test_ground_rules_agreed_twice_are_recorded_once(bot: BotDriver) -> None:
    set_id = set_up(bot)
    for _ in range(2):
        bot.click(ActionId.AGREE_GROUND_RULES, user="U2", value=str(set_id), channel_id=CHANNEL, message_ts="1799999999.000001")
    assert [r["text"] for r in bot.responses_for("U2")] == [
        "Thank you: your agreement to the ground rules is recorded.", "You've already agreed. Thank you!"
    ]



def test_every_member_replying_at_the_same_moment_loses_no_reply(bot: BotDriver, bot_errors: list[logging.LogRecord]) -> None:
    """Found by bench/reliability_load.py on PostgreSQL: the last replies of a phase arrived
    together, each advanced the phase early, they collided on the next round and the losing
    replies were rolled back after their ack (lost). The advance now takes the presentation's lock."""
    root = open_presentation(bot)
    requests = []
    for i, user in enumerate(["U2", "U3", "U4", "U5", "U6"] * 2):
        ts = bot.fake.add_message(CHANNEL, user=user, text=f"question {i}?", thread_ts=root)
        requests.append(slack_requests.event(reply_event(user, f"question {i}?", ts=ts, thread_ts=root)))
    assert dispatch_all(bot, requests) == [200] * len(requests)
    assert count(bot, Contribution) == len(requests)
    assert not bot_errors, describe(bot_errors)


def _open_presentation_and_its_questioners(bot: BotDriver) -> tuple[str, int, int, list[str]]:
    """A running presentation: its root ts, id, phase, and its questioners."""
    from sqlalchemy import select

    from bot.db import session_scope
    from bot.domain.enums import Role
    from bot.models import RoleAssignment

    root = open_presentation(bot)
    with session_scope(bot.runtime.session_factory) as session:
        presentation = session.scalars(select(Presentation)).one()
        pid, phase = presentation.id, presentation.phase
        questioners = list(session.scalars(select(RoleAssignment.user_id).where(
            RoleAssignment.presentation_id == pid, RoleAssignment.role == Role.QUESTIONER)))
    return root, pid, phase, questioners


def _assert_advanced_exactly_once(bot: BotDriver, pid: int, phase: int) -> None:
    from sqlalchemy import select

    from bot.db import session_scope
    from bot.models import OutboundPost, Round

    with session_scope(bot.runtime.session_factory) as session:
        assert session.get(Presentation, pid).phase == phase + 1
        assert sorted(session.scalars(select(Round.phase).where(Round.presentation_id == pid))) == list(range(phase + 2))
    assert count(bot, OutboundPost, OutboundPost.work_key == f"prompt:{pid}:{phase + 1}") == 1


def test_the_questioners_last_replies_at_the_same_moment_advance_the_phase_exactly_once(bot: BotDriver) -> None:
    """record_reply checks for an early advance only on a questioner's first reply in a phase,
    under the presentation's lock: replies arriving together neither both advance nor both miss it."""
    root, pid, phase, questioners = _open_presentation_and_its_questioners(bot)
    assert len(questioners) >= 2
    requests = []
    for i, user in enumerate(questioners):
        ts = bot.fake.add_message(CHANNEL, user=user, text=f"what happened next {i}?", thread_ts=root)
        requests.append(slack_requests.event(reply_event(user, f"what happened next {i}?", ts=ts, thread_ts=root)))
    assert dispatch_all(bot, requests) == [200] * len(requests)
    _assert_advanced_exactly_once(bot, pid, phase)
    assert count(bot, Contribution) == len(questioners)


def test_the_questioners_last_acknowledgements_at_the_same_moment_advance_the_phase_exactly_once(bot: BotDriver) -> None:
    """acknowledge checks for an early advance under the presentation's lock, like record_reply:
    "I've read it" clicks arriving together neither both advance P0 nor both miss it."""
    from bot.models import Acknowledgement

    root, pid, phase, questioners = _open_presentation_and_its_questioners(bot)
    assert phase == 0 and len(questioners) >= 2
    clicks = [
        slack_requests.block_action(ActionId.ACK_READ, value=str(pid), user_id=user, channel_id=CHANNEL, message_ts=root,
                                    team_id=bot.team_id, response_url=bot.fake.response_url(f"cmd-{user}"))
        for user in questioners
    ]
    assert dispatch_all(bot, clicks) == [200] * len(clicks)
    _assert_advanced_exactly_once(bot, pid, phase)
    assert count(bot, Acknowledgement) == len(questioners)
