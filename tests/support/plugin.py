"""Pytest fixtures for the Slack test harness.

Enable from the root conftest with ``pytest_plugins = ["tests.support.plugin"]``.
"""

from __future__ import annotations

import os
from typing import Iterator

import pytest
from slack_sdk import WebClient

from tests.support.fake_slack import FakeSlack

_LOCAL_HOSTS = "127.0.0.1,localhost"


@pytest.fixture
def fake_slack(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlack]:
    """A started :class:`FakeSlack`; the test fails at teardown if the bot broke Slack's API rules.

    Tests that provoke violations on purpose should call ``fake_slack.clear_violations()``.
    """
    # urllib (used by slack-sdk) honours HTTP(S)_PROXY; keep local traffic off any CI proxy.
    for name in ("NO_PROXY", "no_proxy"):
        current = os.environ.get(name, "")
        monkeypatch.setenv(name, f"{current},{_LOCAL_HOSTS}" if current else _LOCAL_HOSTS)
    fake = FakeSlack().start()
    try:
        yield fake
    finally:
        fake.stop()
    if fake.violations:
        pytest.fail(
            "Slack API violations:\n" + "\n".join(f"  - {v}" for v in fake.violations),
            pytrace=False,
        )


@pytest.fixture
def slack_client(fake_slack: FakeSlack) -> WebClient:
    """A slack-sdk ``WebClient`` with a bot token, pointed at ``fake_slack``."""
    return WebClient(token="xoxb-test", base_url=fake_slack.base_url)
