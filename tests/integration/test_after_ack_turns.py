"""Work after the ack takes turns (bot/slack/after_ack.py); acks never wait for one."""

from __future__ import annotations

import threading
from contextlib import ExitStack

from bot.slack.after_ack import TURNS, TurnAfterAck, after_ack_turn
from tests.scenarios.test_sets import create_set
from tests.support import slack_requests
from tests.support.bot_driver import BotDriver, ack_json


class RecordingAck:
    def __init__(self) -> None:
        self.response: object = None
        self.acked = threading.Event()

    def __call__(self, text: str = "") -> str:
        self.response = text
        self.acked.set()
        return text


def all_turns_taken() -> ExitStack:
    stack = ExitStack()
    for _ in range(TURNS):
        stack.enter_context(after_ack_turn())
    return stack


def test_a_listener_acks_first_then_waits_for_a_turn() -> None:
    ack, done = TurnAfterAck(RecordingAck()), threading.Event()

    def listener() -> None:
        ack(text="on it")
        done.set()  # the work after the ack
        ack.release()

    with all_turns_taken():
        worker = threading.Thread(target=listener)
        worker.start()
        ack._ack.acked.wait(10)
        assert ack.response == "on it"  # Slack has its answer ...
        assert not done.is_set()  # ... and the work waits for a turn
    worker.join(10)
    assert done.is_set()


def test_acks_are_answered_while_every_turn_is_busy(bot: BotDriver) -> None:
    create_set(bot)
    with all_turns_taken():
        command = bot.app.dispatch(slack_requests.slash_command("help", user_id="U2", channel_id="C1",
                                                                team_id=bot.team_id).to_bolt_request())
        home = bot.app.dispatch(slack_requests.event({"type": "app_home_opened", "user": "U2", "channel": "D0U2",
                                                      "tab": "home"}, team_id=bot.team_id).to_bolt_request())
        assert command.status == 200 and "/als" in ack_json(command)["text"]
        assert home.status == 200
        assert bot.fake.calls_to("views.publish") == []  # App Home's work waits for a turn
    bot.executor.drain()
    assert [c.param("user_id") for c in bot.fake.calls_to("views.publish")] == ["U2"]
