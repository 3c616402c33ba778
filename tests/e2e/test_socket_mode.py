"""The README's run command in Socket Mode, against the fake Slack's Socket Mode endpoint.

`python -m bot` (SLACK_APP_TOKEN set) and `python -m bot socket` open a connection through
apps.connections.open, get `hello`, then a slash command envelope; the bot must ack it with the
envelope id and the help text as the response payload.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.fake_slack import FakeSlack
from tests.support.processes import clean_env, stop
from tests.support.slack_requests import load_fixture

APP_TOKEN = "xapp-1-A0001-1-test"


def help_envelope(envelope_id: str) -> dict[str, object]:
    envelope = load_fixture("socket_mode_envelope_slash_commands.json")
    envelope["envelope_id"] = envelope_id
    envelope["payload"].update(team_id="T0001", api_app_id="A0001", command="/als", text="help", user_id="U1")
    return envelope


@pytest.mark.parametrize("args", [pytest.param([], id="python -m bot"), pytest.param(["socket"], id="python -m bot socket")])
def test_socket_mode_acks_a_slash_command_with_the_help_payload(args: list[str], fake_slack: FakeSlack, tmp_path: Path) -> None:
    env = clean_env(
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_APP_TOKEN=APP_TOKEN,
        SLACK_API_URL=fake_slack.base_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'socket.db'}",
    )
    if args:  # `socket` refuses an unmigrated database; the no-command mode migrates itself
        migrate = subprocess.run([sys.executable, "-m", "bot", "migrate"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert migrate.returncode == 0, migrate.stderr
    fake_slack.socket_send(help_envelope("env-help-1"))  # delivered right after the bot's hello

    process = subprocess.Popen([sys.executable, "-m", "bot", *args], env=env, cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        ack = fake_slack.wait_for_socket_ack("env-help-1", timeout=60)
        assert process.poll() is None
    finally:
        _, stderr = stop(process)
    assert "Traceback" not in stderr, stderr

    assert ack["envelope_id"] == "env-help-1"
    assert "/als setup" in ack["payload"]["text"] and ack["payload"]["blocks"]
    opened = fake_slack.last("apps.connections.open")
    assert opened.token == APP_TOKEN  # the app-level token, at SLACK_API_URL
    assert fake_slack.last("auth.test").token == "xoxb-test"
