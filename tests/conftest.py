"""Shared fixtures: a clean database per test, the fake Slack, and the bot wired to both."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy import Engine

from bot.config import Settings
from bot.runtime import Runtime, build_runtime
from bot.slack.delivery import InlineDelivery
from bot.slack.pacing import unpaced
from bot.slack.app import build_app
from tests.support.bot_driver import BotDriver, DrainableExecutor
from tests.support.fake_slack import FakeSlack
from tests.support.slack_requests import SIGNING_SECRET

pytest_plugins = ["tests.db.databases", "tests.support.plugin"]


def make_settings(fake: FakeSlack, engine: Engine, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "bot_token": "xoxb-test",
        "signing_secret": SIGNING_SECRET,
        "app_token": None,
        "database_url": engine.url.render_as_string(hide_password=False),
        "slack_api_url": fake.base_url,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def runtime(fake_slack: FakeSlack, engine: Engine) -> Runtime:
    # Unpaced: scenarios post many messages into one channel at once; pacing has its own unit tests.
    # Inline delivery: a listener's posts are made before the driver's drain returns (the background
    # deliverer has its own tests in tests/integration/test_background_delivery.py).
    runtime = build_runtime(make_settings(fake_slack, engine), engine=engine)
    return replace(runtime, pacer=unpaced(), delivery=InlineDelivery())


@pytest.fixture
def bot(runtime: Runtime, fake_slack: FakeSlack) -> Iterator[BotDriver]:
    executor = DrainableExecutor()
    app = build_app(runtime, listener_executor=executor)
    yield BotDriver(app, runtime, executor, fake_slack)
    executor.shutdown(wait=True)
