"""`python -m bot` as an operator runs it: real processes, real HTTP, the fake Slack on 127.0.0.1."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.fake_slack import FakeSlack
from tests.support.processes import wait_until_serving
from tests.support.slack_requests import SIGNING_SECRET, slash_command

REPO = Path(__file__).resolve().parents[2]


def bot_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "ALS_"))}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "PYTHONPATH": str(REPO)})
    env.update(extra)
    return env


def run_bot(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=60)


def test_without_tokens_exits_with_one_line_naming_the_variable(tmp_path: Path) -> None:
    result = run_bot(env=bot_env(tmp_path), cwd=tmp_path)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "SLACK_BOT_TOKEN" in lines[0] and "Traceback" not in result.stderr


def test_malformed_setting_is_one_clear_line(tmp_path: Path) -> None:
    result = run_bot("tick", env=bot_env(tmp_path, DATABASE_URL="not a url"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()] and "DATABASE_URL" in result.stderr


def test_tick_refuses_an_unmigrated_database_then_runs_twice_after_migrate(tmp_path: Path) -> None:
    env = bot_env(tmp_path)
    refused = run_bot("tick", "--at", "2027-01-04T09:00:00Z", env=env, cwd=tmp_path)
    assert refused.returncode == 2 and "python -m bot migrate" in refused.stderr

    elsewhere = tmp_path / "somewhere" / "else"
    elsewhere.mkdir(parents=True)
    migrated = run_bot("migrate", env=env, cwd=elsewhere)  # works from any working directory
    assert migrated.returncode == 0, migrated.stderr

    for _ in range(2):
        tick = run_bot("tick", "--at", "2027-01-04T09:00:00Z", env=env, cwd=tmp_path)
        assert tick.returncode == 0, tick.stderr
        assert tick.stdout.strip() == "tick at 2027-01-04T09:00:00+00:00: nothing due"
    naive = run_bot("tick", "--at", "2027-01-04T09:00:00", env=env, cwd=tmp_path)
    assert "2027-01-04T09:00:00+00:00" in naive.stdout  # no offset means UTC


def test_dotenv_fills_gaps_but_the_real_environment_wins(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DATABASE_URL=sqlite:///from-dotenv.db\nSLACK_BOT_TOKEN=not-a-bot-token\n")
    env = bot_env(tmp_path, SLACK_BOT_TOKEN="")  # empty counts as unset: .env's value applies...
    env.pop("DATABASE_URL")
    result = run_bot("tick", env=env, cwd=tmp_path)
    assert "SLACK_BOT_TOKEN must start with 'xoxb-'" in result.stderr  # ...and was read
    env["SLACK_BOT_TOKEN"] = "xoxb-real"  # a real value wins over .env
    assert run_bot("migrate", env=env, cwd=tmp_path).returncode == 0
    assert (tmp_path / "from-dotenv.db").exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(fake_slack: FakeSlack, tmp_path: Path) -> Iterator[str]:
    env = bot_env(
        tmp_path,
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.base_url,
        NO_PROXY="127.0.0.1,localhost",
    )
    assert run_bot("migrate", env=env, cwd=tmp_path).returncode == 0
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port)], env=env, cwd=tmp_path, stderr=subprocess.PIPE, text=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base + "/healthz", process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_answers_health_and_verifies_signatures(served: str, fake_slack: FakeSlack) -> None:
    with urllib.request.urlopen(served + "/healthz", timeout=5) as response:
        assert response.status == 200
        assert json.loads(response.read()) == {"status": "ok", "database": True}

    status, body = slash_command("help", user_id="U1", channel_id="C1", secret="wrong-secret").post(served + "/slack/events")
    assert status == 401

    status, body = slash_command("help", user_id="U1", channel_id="C1").post(served + "/slack/events")
    assert status == 200 and b"/als setup" in body


def test_healthz_is_503_when_the_database_does_not_answer(fake_slack: FakeSlack, tmp_path: Path) -> None:
    from wsgiref.util import setup_testing_defaults

    from bot.db import make_engine
    from bot.runtime import build_runtime
    from bot.slack.app import build_app
    from bot.wsgi import build_wsgi_app
    from tests.conftest import make_settings

    dead = make_engine(f"postgresql+psycopg://nobody@127.0.0.1:{_free_port()}/none", connect_args={"connect_timeout": 2})
    runtime = build_runtime(make_settings(fake_slack, dead), engine=dead)
    wsgi = build_wsgi_app(build_app(runtime), dead)
    environ: dict[str, object] = {"PATH_INFO": "/healthz", "REQUEST_METHOD": "GET"}
    setup_testing_defaults(environ)
    statuses: list[str] = []
    body = b"".join(wsgi(environ, lambda status, headers: statuses.append(status)))  # type: ignore[arg-type]
    assert statuses == ["503 Service Unavailable"] and json.loads(body)["database"] is False
