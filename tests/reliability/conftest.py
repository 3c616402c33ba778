"""Fixtures for the reliability suite: no real waiting, no pacing, and a watch on ERROR logs."""

from __future__ import annotations

import dataclasses
import logging
import types
from collections.abc import Iterator

import pytest
from slack_sdk.http_retry import builtin_handlers, handler
from sqlalchemy import Engine

from bot.runtime import Runtime, build_runtime
from tests.conftest import make_settings
from tests.support.fake_slack import FakeSlack


def unpaced(runtime: Runtime) -> Runtime:
    """The runtime without proactive pacing (it would sleep for real between posts to one channel)."""
    if not hasattr(runtime, "pacer"):
        return runtime
    from bot.slack.pacing import unpaced as no_limits

    return dataclasses.replace(runtime, pacer=no_limits())


@pytest.fixture
def runtime(fake_slack: FakeSlack, engine: Engine) -> Runtime:
    return unpaced(build_runtime(make_settings(fake_slack, engine), engine=engine))


@pytest.fixture
def retry_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """slack-sdk's retry handlers sleep (Retry-After, back-off): record the waits instead of waiting."""
    waits: list[float] = []
    fake_time = types.SimpleNamespace(sleep=waits.append)
    monkeypatch.setattr(handler, "time", fake_time)
    monkeypatch.setattr(builtin_handlers, "time", fake_time)
    return waits


@pytest.fixture
def bot_errors(caplog: pytest.LogCaptureFixture) -> Iterator[list[logging.LogRecord]]:
    """ERROR records (or worse) logged by the bot's own code; a test asserts the list stays empty."""
    caplog.set_level(logging.INFO)
    errors: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.ERROR and (record.name == "bot" or record.name.startswith(("bot.", "slack_bolt"))):
                errors.append(record)

    collector = Collect(level=logging.ERROR)
    logging.getLogger().addHandler(collector)
    try:
        yield errors
    finally:
        logging.getLogger().removeHandler(collector)


def describe(records: list[logging.LogRecord]) -> str:
    formatter = logging.Formatter("%(name)s: %(message)s")
    return "\n".join(formatter.format(r) for r in records)


@pytest.fixture
def frozen() -> Iterator[object]:
    """The clock stands still at helpers.NOW (signatures are made and checked on the same clock)."""
    import time_machine

    from tests.reliability.helpers import NOW

    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller
