"""The Procfile as Heroku runs it: `web` (gunicorn) over real HTTP, `release` on an empty PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect

from bot import create_wsgi_app
from bot.db import make_engine
from bot.schema import TARGET_METADATA, current_revision, head_revision
from tests.conftest import make_settings
from tests.support.fake_slack import FakeSlack
from tests.support.processes import REPO, clean_env, free_port, procfile_command, start_shell, stop, wait_until_serving
from tests.support.slack_requests import SIGNING_SECRET, slash_command

VENV_BIN = str(Path(sys.executable).parent)  # gunicorn and alembic, as Heroku's PATH would have them


def procfile_env(**extra: str) -> dict[str, str]:
    env = clean_env(**extra)
    env["PATH"] = VENV_BIN + os.pathsep + env.get("PATH", "")
    return env


def get(url: str) -> tuple[int, bytes]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture
def gunicorn(fake_slack: FakeSlack, tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = procfile_env(
        PORT=str(port),
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="2",
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.base_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'web.db'}",
        LOG_FORMAT="json",
    )
    migrate = subprocess.run([sys.executable, "-m", "bot", "migrate"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert migrate.returncode == 0, migrate.stderr
    process = start_shell(procfile_command("web"), env=env, cwd=REPO)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base + "/healthz", process)
        yield base
    finally:
        _, stderr = stop(process)
        assert "Traceback" not in stderr, stderr


def test_procfile_web_serves_signed_slack_requests_over_http(gunicorn: str, fake_slack: FakeSlack) -> None:
    status, body = get(gunicorn + "/healthz")
    assert status == 200 and json.loads(body) == {"status": "ok", "database": True}

    status, body = slash_command("help", user_id="U1", channel_id="C1").post(gunicorn + "/slack/events")
    assert status == 200 and b"/als setup" in body

    status, _ = slash_command("help", user_id="U1", channel_id="C1", secret="wrong-secret").post(gunicorn + "/slack/events")
    assert status == 401

    assert get(gunicorn + "/slack/install")[0] == 404  # single-workspace mode: no OAuth flow
    assert {call.token for call in fake_slack.calls_to("auth.test")} == {"xoxb-test"}


def test_web_workers_never_start_a_scheduler(fake_slack: FakeSlack, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from apscheduler.schedulers.base import BaseScheduler

    started: list[object] = []
    monkeypatch.setattr(BaseScheduler, "start", lambda self, *a, **k: started.append(self))
    threads_before = {t.ident for t in threading.enumerate()}

    wsgi = create_wsgi_app(make_settings(fake_slack, engine))

    assert callable(wsgi) and started == []
    new_threads = [t.name for t in threading.enumerate() if t.ident not in threads_before]
    assert not [name for name in new_threads if "apscheduler" in name.lower()], new_threads


# --------------------------------------------------------------------------- release phase


def _admin_url() -> str:
    """A PostgreSQL server to create our own database on: TEST_DATABASE_URL's, else the local default."""
    url = os.environ.get("TEST_DATABASE_URL", "").strip() or "postgresql://postgres@127.0.0.1:5432/test"
    return url.replace("postgresql+psycopg://", "postgresql://").rsplit("/", 1)[0] + "/postgres"


@pytest.fixture
def empty_postgres() -> Iterator[str]:
    """A brand-new, empty database (never the suite's shared `test` one), dropped afterwards."""
    psycopg = pytest.importorskip("psycopg")
    admin = _admin_url()
    name = f"als_release_test_{uuid.uuid4().hex[:8]}"
    try:
        connection = psycopg.connect(admin, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        pytest.skip(f"PostgreSQL does not answer at {admin}")
    with connection:
        connection.execute(f'CREATE DATABASE "{name}"')
        try:
            yield admin.rsplit("/", 1)[0] + "/" + name
        finally:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_procfile_release_migrates_an_empty_postgres_from_a_heroku_url(empty_postgres: str) -> None:
    heroku_url = empty_postgres.replace("postgresql://", "postgres://")  # what Heroku puts in DATABASE_URL
    process = start_shell(procfile_command("release"), env=procfile_env(DATABASE_URL=heroku_url), cwd=REPO)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr

    engine = make_engine(empty_postgres.replace("postgresql://", "postgresql+psycopg://"))
    try:
        assert current_revision(engine) == head_revision()
        tables = set(inspect(engine).get_table_names())
        assert {name for metadata in TARGET_METADATA for name in metadata.tables} <= tables
        assert {"slack_installations", "slack_bots", "slack_oauth_states"} <= tables
    finally:
        engine.dispose()
