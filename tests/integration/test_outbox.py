"""The transactional outbox: enqueue once, deliver once, retry failures, never double-claim."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.db import session_scope
from bot.domain.states import PostKind, PostStatus
from bot.models import OutboundPost
from bot.runtime import Runtime
from bot.scheduler.tick import run_tick
from bot.services.outbox import STALE_CLAIM, claim_next, enqueue_post
from bot.slack.poster import Poster
from tests.support.fake_slack import FakeSlack

NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


def enqueue(runtime: Runtime, key: str, **kwargs: object) -> bool:
    kwargs.setdefault("channel_id", "C1")
    with session_scope(runtime.session_factory) as session:
        return enqueue_post(session, work_key=key, team_id="T0001", text=f"post {key}", now=NOW, **kwargs)  # type: ignore[arg-type]


def statuses(runtime: Runtime) -> dict[str, str]:
    with session_scope(runtime.session_factory) as session:
        return {p.work_key: p.status for p in session.scalars(select(OutboundPost))}


def test_enqueue_is_idempotent_and_a_tick_posts_once(runtime: Runtime, fake_slack: FakeSlack) -> None:
    fake_slack.add_channel("C1")
    assert enqueue(runtime, "a") is True
    assert enqueue(runtime, "a") is False
    assert "1 posts delivered" in run_tick(runtime, NOW).line()
    assert run_tick(runtime, NOW).line().endswith("nothing due")
    assert [c.param("text") for c in fake_slack.calls_to("chat.postMessage")] == ["post a"]
    marker = fake_slack.last("chat.postMessage").param("metadata")
    assert "a" in str(marker)  # the work key rides along, to detect a crash between post and record


def test_transient_failure_is_retried_after_backoff_and_permanent_is_given_up(runtime: Runtime, fake_slack: FakeSlack) -> None:
    fake_slack.add_channel("C1")
    enqueue(runtime, "flaky")
    enqueue(runtime, "gone", channel_id="C0MISSING")
    fake_slack.fail_next("chat.postMessage", error="internal_error", status=200)
    report = Poster(runtime).deliver_due(NOW)
    assert (report.posted, report.failed, report.abandoned) == (0, 1, 1)
    assert statuses(runtime) == {"flaky": PostStatus.FAILED, "gone": PostStatus.ABANDONED}
    assert Poster(runtime).deliver_due(NOW).posted == 0  # not before the back-off
    assert Poster(runtime).deliver_due(NOW + timedelta(minutes=2)).posted == 1
    assert statuses(runtime)["flaky"] == PostStatus.POSTED


def test_dm_channels_are_opened_once_and_cached(runtime: Runtime, fake_slack: FakeSlack) -> None:
    fake_slack.add_user("U1")
    for week in range(3):
        enqueue(runtime, f"dm-{week}", kind=PostKind.DM, channel_id=None, user_id="U1")
    assert Poster(runtime).deliver_due(NOW).posted == 3
    assert fake_slack.dm_open_count("U1") == 1
    assert {c.param("channel") for c in fake_slack.calls_to("chat.postMessage")} == {fake_slack.dm_channel_id("U1")}


def test_a_stale_claim_is_taken_over(runtime: Runtime, fake_slack: FakeSlack) -> None:
    fake_slack.add_channel("C1")
    enqueue(runtime, "crashy")
    with session_scope(runtime.session_factory) as session:
        assert claim_next(session, now=NOW, worker="crashed") is not None  # then the process died
    assert Poster(runtime).deliver_due(NOW + timedelta(minutes=1)).posted == 0  # still someone's
    assert Poster(runtime).deliver_due(NOW + STALE_CLAIM + timedelta(seconds=1)).posted == 1


def test_concurrent_claimers_never_take_the_same_post(runtime: Runtime) -> None:
    for i in range(40):
        enqueue(runtime, f"k{i}")
    claimed: list[str] = []
    lock = threading.Lock()

    def worker(name: str) -> None:
        while True:
            with session_scope(runtime.session_factory) as session:
                post = claim_next(session, now=NOW, worker=name)
            if post is None:
                return
            with lock:
                claimed.append(post.work_key)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(claimed) == sorted(f"k{i}" for i in range(40))  # each exactly once


def test_a_post_for_an_uninstalled_workspace_is_given_up_and_blocks_nothing(runtime: Runtime, fake_slack: FakeSlack) -> None:
    from dataclasses import replace

    from bot.slack.client import SingleWorkspaceClients, make_web_client
    from bot.slack.installations import WorkspaceNotInstalled

    class OneInstalledWorkspace(SingleWorkspaceClients):
        def for_team(self, team_id: str, enterprise_id: str | None = None):  # type: ignore[no-untyped-def]
            if team_id != "T0001":
                raise WorkspaceNotInstalled(f"no installation for team {team_id}")
            return super().for_team(team_id, enterprise_id)

    fake_slack.add_channel("C1")
    clients = OneInstalledWorkspace(make_web_client("xoxb-test", fake_slack.base_url))
    runtime = replace(runtime, clients=clients)
    with session_scope(runtime.session_factory) as session:
        enqueue_post(session, work_key="gone", team_id="T0GONE", channel_id="C1", text="x", now=NOW)
    enqueue(runtime, "ok")
    report = Poster(runtime).deliver_due(NOW)
    assert (report.posted, report.abandoned) == (1, 1)
    assert statuses(runtime) == {"gone": PostStatus.ABANDONED, "ok": PostStatus.POSTED}
