"""Item 3: two clock processes and three web workers against one PostgreSQL, all talking to the
fake Slack: nothing is posted or recorded twice. (SQLite is for one process: see docs/RELIABILITY.md.)"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bot.db import make_engine, session_scope, make_session_factory
from bot.domain.states import PostStatus, PresentationStatus
from bot.models import Contribution, OutboundPost, Presentation
from bot.schema import upgrade_to_head
from bot.services.outbox import enqueue_post
from bot.slack.ids import CallbackId, PresentBlock
from bot.slack.poster import MARKER_TYPE
from tests.db.databases import postgres_url
from tests.scenarios.presentation_helpers import CHANNEL, MEMBERS, make_set
from tests.support import slack_requests
from tests.support.fake_slack import FakeSlack
from tests.support.processes import REPO, clean_env, free_port, procfile_command, start_shell, stop, wait_until, wait_until_serving

pytestmark = pytest.mark.skipif(postgres_url() is None, reason="needs PostgreSQL: SQLite is for one process")

# Real time: the web workers read the system clock, and every process must agree on what a stale
# claim is (a claim older than STALE_CLAIM is taken to be from a crashed process).
NOW = datetime.now(UTC).replace(microsecond=0)
CHANNELS = [f"C0LOAD{i}" for i in range(8)]
POSTS = 96
VENV_BIN = str(Path(sys.executable).parent)


@pytest.fixture
def own_database() -> Iterator[str]:
    """A database of our own on the test server (others may be using `test` at the same time)."""
    server = make_url(postgres_url() or "")
    name = f"als_rel_mp_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def open_root(factory) -> str | None:  # type: ignore[no-untyped-def]
    with session_scope(factory) as session:
        return session.scalars(select(Presentation.root_ts).where(Presentation.status == PresentationStatus.OPEN)).first()


def contributions(factory) -> int:  # type: ignore[no-untyped-def]
    with session_scope(factory) as session:
        return int(session.scalar(select(func.count()).select_from(Contribution)) or 0)


class Seeder:
    """Just enough of BotDriver for presentation_helpers.make_set."""

    def __init__(self, fake: FakeSlack, factory) -> None:  # type: ignore[no-untyped-def]
        self.fake, self.team_id = fake, fake.team_id
        self.runtime = type("R", (), {"session_factory": factory})()


def test_two_clocks_and_three_web_workers_never_double_post_or_double_record(fake_slack: FakeSlack, own_database: str) -> None:
    engine = make_engine(own_database)
    upgrade_to_head(engine)
    factory = make_session_factory(engine)
    make_set(Seeder(fake_slack, factory), NOW - timedelta(days=3))  # type: ignore[arg-type]
    for channel in CHANNELS:
        fake_slack.add_channel(channel, members=MEMBERS)
    with session_scope(factory) as session:
        for i in range(POSTS):
            enqueue_post(session, work_key=f"mp-{i}", team_id=fake_slack.team_id, channel_id=CHANNELS[i % len(CHANNELS)],
                         text=f"post {i}", now=NOW)

    port = free_port()
    env = clean_env(PORT=str(port), WEB_CONCURRENCY="3", GUNICORN_THREADS="2", SLACK_BOT_TOKEN="xoxb-test",
                    SLACK_SIGNING_SECRET=slack_requests.SIGNING_SECRET, SLACK_API_URL=fake_slack.base_url,
                    DATABASE_URL=own_database)
    env["PATH"] = VENV_BIN + ":" + env.get("PATH", "")
    web = start_shell(procfile_command("web"), env=env, cwd=REPO)
    clocks: list[subprocess.Popen[str]] = []
    try:
        wait_until_serving(f"http://127.0.0.1:{port}/healthz", web)
        clocks = [
            subprocess.Popen([sys.executable, "-m", "tests.reliability.tick_worker", own_database, fake_slack.base_url,
                              NOW.isoformat(), "3"], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        url = f"http://127.0.0.1:{port}/slack/events"
        # While the clocks deliver: a presentation submitted three times (one modal, double clicks)...
        values = {PresentBlock.TITLE: {PresentBlock.TITLE: {"value": "Hiring is stuck"}},
                  PresentBlock.SITUATION: {PresentBlock.SITUATION: {"value": "No offers accepted since May."}}}
        submit = slack_requests.view_submission(CallbackId.PRESENT_MODAL, values, user_id="U1", view_id="V0MULTI",
                                                private_metadata=json.dumps({"channel_id": CHANNEL}))
        with ThreadPoolExecutor(max_workers=6) as pool:
            assert list(pool.map(lambda r: r.post(url)[0], [submit] * 3)) == [200] * 3
        root = wait_until("the presentation opening", lambda: open_root(factory))
        # ...then thread replies, each delivered four times across the workers (Slack's retries).
        replies = []
        for i, user in enumerate(MEMBERS[1:5]):
            ts = fake_slack.add_message(CHANNEL, user=user, text=f"question {i}?", thread_ts=root)
            event = {"type": "message", "channel": CHANNEL, "channel_type": "group", "user": user, "text": f"question {i}?",
                     "ts": ts, "thread_ts": root, "event_ts": ts}
            replies += [slack_requests.event(event, event_id=f"Ev0MP{i}", retry_num=n or None) for n in range(4)]
        with ThreadPoolExecutor(max_workers=8) as pool:
            assert set(pool.map(lambda r: r.post(url)[0], replies)) == {200}
        wait_until("four contributions", lambda: contributions(factory) >= 4)
        outputs = [clock.communicate(timeout=120) for clock in clocks]
        assert [clock.returncode for clock in clocks] == [0, 0], outputs
    finally:
        for clock in clocks:
            if clock.poll() is None:
                clock.kill()
                clock.communicate()
        stop(web)

    markers: Counter[str] = Counter()
    for channel in [CHANNEL, *CHANNELS]:
        for message in fake_slack.messages(channel):
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") == MARKER_TYPE:
                markers[metadata["event_payload"]["work_key"]] += 1
    dupes = [k for k, n in markers.items() if n > 1]
    print(f"multi-process run: {sum(markers.values())} posts with markers, {len(markers)} work keys, {len(dupes)} duplicated")
    if dupes:
        with session_scope(factory) as session:
            for row in session.scalars(select(OutboundPost).where(OutboundPost.work_key.in_(dupes))):
                print("DUPE", row.work_key, row.status, row.attempts, row.claimed_by, row.claimed_at, row.last_error, row.created_at)
        for out in outputs:
            print("CLOCK", out)
    assert markers and max(markers.values()) == 1, dupes
    with session_scope(factory) as session:
        statuses = Counter(session.scalars(select(OutboundPost.status)))
        workers = {w.split(":")[-1] for w in session.scalars(select(OutboundPost.claimed_by)) if w}
        assert session.scalar(select(func.count()).select_from(Presentation)) == 1
        assert session.scalar(select(func.count()).select_from(Contribution)) == 4
    print(f"multi-process run: outbox {dict(statuses)}, claimed by {sorted(workers)}")
    assert statuses[PostStatus.POSTED] >= POSTS and set(statuses) == {PostStatus.POSTED}, statuses
    assert len(workers) >= 2, "the two clocks should both have claimed work"
    engine.dispose()
