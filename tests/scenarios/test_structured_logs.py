"""Structured logs: one JSON object per line, a request id on each, no tokens or message text."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from bot.logs import configure_logging
from tests.scenarios.test_sets import create_set
from tests.support import slack_requests
from tests.support.bot_driver import BotDriver

SECRET_TEXT = "my confidential problem about Dana's promotion"


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """configure_logging(LOG_FORMAT=json, INFO) into a buffer; the previous set-up is restored afterwards."""
    root = logging.getLogger()
    names = ("bot", "slack_bolt", "slack_sdk", "apscheduler", "alembic")
    saved = (root.handlers[:], root.level, {name: logging.getLogger(name).level for name in names})
    for name in ("bot", "slack_bolt"):  # another test may have quietened them; production never does
        logging.getLogger(name).setLevel(logging.NOTSET)
    stream = io.StringIO()
    configure_logging("json", "INFO", stream=stream)
    yield stream
    root.handlers[:], root.level = saved[0], saved[1]
    for name, level in saved[2].items():
        logging.getLogger(name).setLevel(level)


def records(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_requests_log_json_with_request_ids_and_no_tokens_or_text(bot: BotDriver, json_logs: io.StringIO) -> None:
    create_set(bot, ["U1", "U2", "U3", "U4"], "C0LOG")

    command = slack_requests.slash_command("help", user_id="U1", channel_id="C0LOG", team_id=bot.team_id)
    bot.send(command)
    bot.command(f"present {SECRET_TEXT}", user="U2", channel="C0LOG")
    bot.event({"type": "message", "channel": "C0LOG", "user": "U3", "text": SECRET_TEXT, "ts": "1700000100.000100",
               "channel_type": "group"}, event_id="EvLOGTEXT1")
    bot.event({"type": "message", "channel": "DU3", "user": "U3", "text": SECRET_TEXT, "ts": "1700000200.000100",
               "channel_type": "im"}, event_id="EvLOGTEXT2")
    bot.event({"type": "app_uninstalled"}, event_id="EvLOGUNINSTALL")
    logging.getLogger("bot.test").info("outside a request, token %s", "xoxb-1234-5678-abcdef")

    output = json_logs.getvalue()
    lines = records(json_logs)
    assert lines and all({"time", "level", "logger", "request_id", "message"} <= set(line) for line in lines)
    assert all(logging.getLevelName(line["level"]) >= logging.INFO for line in lines)
    assert "xoxb-" not in output.replace("xoxb-***", "")  # tokens are masked wherever they come from
    assert SECRET_TEXT not in output and "Dana" not in output

    trigger_id = command.json()["trigger_id"]
    help_line = next(line for line in lines if "command /als help" in line["message"])
    assert help_line["request_id"] == trigger_id  # set in dispatch, carried into the listener thread
    uninstall = next(line for line in lines if "uninstalled" in line["message"])
    assert uninstall["request_id"] == "EvLOGUNINSTALL" and uninstall["level"] == "WARNING"
    assert lines[-1]["request_id"] == "-" and lines[-1]["message"].endswith("xoxb-***")


def test_text_format_shows_the_request_id_and_masks_tokens() -> None:
    from bot.logs import RequestIdFilter, TextFormatter, request_id_var

    record = logging.LogRecord("bot", logging.INFO, __file__, 1, "token %s", ("xapp-1-A1-secret",), None)
    token = request_id_var.set("Ev123")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    line = TextFormatter().format(record)
    assert "[Ev123]" in line and line.endswith("token xapp-***")


@pytest.mark.parametrize("body", [None, [], "text", {"event_id": 5}, {}])
def test_any_body_gets_a_request_id(body: object) -> None:
    from bot.slack.request_ids import request_id_of

    assert request_id_of(body).startswith("req-")
    assert request_id_of({"event_id": "Ev1", "trigger_id": "1.2.3"}) == "Ev1"
    assert request_id_of({"trigger_id": "1.2.3"}) == "1.2.3"
