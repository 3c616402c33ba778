"""Item 2: Slack API faults. Every queued post is delivered exactly once although Slack answers
429 + Retry-After, 500, 503, drops connections, loses answers, and the bot crashes between
"posted" and "recorded"."""

from __future__ import annotations

import json
import os
import random
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db import session_scope
from bot.domain.states import PostKind, PostStatus
from bot.models import OutboundPost
from bot.runtime import Runtime
from bot.services.outbox import STALE_CLAIM, claim_next, enqueue_post
from bot.slack import poster as poster_module
from bot.slack.poster import MARKER_TYPE, Poster
from tests.support.fake_slack import FakeSlack

NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
FAULT_SHARE = 0.10
CRASH_SHARE = 0.02  # of successful posts, the process "dies" before recording the ts
POSTS = int(os.environ.get("RELIABILITY_POSTS", "300"))  # RELIABILITY_POSTS=1000 for docs/RELIABILITY.md


def enqueue(runtime: Runtime, key: str, **kwargs: object) -> None:
    kwargs.setdefault("channel_id", "C1")
    with session_scope(runtime.session_factory) as session:
        enqueue_post(session, work_key=key, team_id="T0001", text=f"post {key}", now=NOW, **kwargs)  # type: ignore[arg-type]


def delivered(fake: FakeSlack, channels: list[str]) -> Counter[str]:
    """How many messages carry each work key's marker, across the given channels (threads included)."""
    found: Counter[str] = Counter()
    for channel in channels:
        for message in fake.messages(channel):
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") == MARKER_TYPE:
                found[metadata["event_payload"]["work_key"]] += 1
    return found


def recorded(runtime: Runtime) -> dict[str, tuple[str, str | None]]:
    with session_scope(runtime.session_factory) as session:
        return {p.work_key: (p.status, p.posted_ts) for p in session.scalars(select(OutboundPost))}


@pytest.mark.parametrize("kind", ["channel", "thread", "dm"])
def test_a_crash_between_posted_and_recorded_does_not_post_twice(
    runtime: Runtime, fake_slack: FakeSlack, retry_sleeps: list[float], kind: str
) -> None:
    fake_slack.add_channel("C1")
    fake_slack.add_user("U1")
    root = fake_slack.add_message("C1", user="U1", text="a problem")
    where = {"channel": {}, "thread": {"thread_ts": root}, "dm": {"kind": PostKind.DM, "channel_id": None, "user_id": "U1"}}[kind]
    enqueue(runtime, "crashy", **where)
    with session_scope(runtime.session_factory) as session:
        post = claim_next(session, now=NOW, worker="doomed")
    assert post is not None
    Poster(runtime)._send(runtime.clients.for_team("T0001"), post)  # posted... and then the process died
    assert Poster(runtime).deliver_due(NOW + timedelta(minutes=1)).posted == 0  # the claim is not stale yet
    report = Poster(runtime).deliver_due(NOW + STALE_CLAIM + timedelta(seconds=1))
    assert report.posted == 1
    channel = fake_slack.dm_channel_id("U1") if kind == "dm" else "C1"
    assert delivered(fake_slack, [channel]) == {"crashy": 1}
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    [message] = [m for m in fake_slack.messages(channel) if m.get("metadata")]
    assert recorded(runtime)["crashy"] == (PostStatus.POSTED, message["ts"])
    lookup = fake_slack.last("conversations.replies" if kind == "thread" else "conversations.history")
    assert lookup.param("include_all_metadata") in (True, "1", "true")


def test_a_lost_answer_is_not_resent_blindly_and_the_retry_finds_the_post(
    runtime: Runtime, fake_slack: FakeSlack, retry_sleeps: list[float]
) -> None:
    fake_slack.add_channel("C1")
    enqueue(runtime, "timeout")
    fake_slack.lose_answer_next("chat.postMessage")  # posted, but the connection drops before the answer
    report = Poster(runtime).deliver_due(NOW)
    assert (report.posted, report.failed) == (0, 1)  # maybe posted: kept for a careful retry
    assert len(fake_slack.calls_to("chat.postMessage")) == 1  # slack-sdk did not re-send it
    assert Poster(runtime).deliver_due(NOW + timedelta(minutes=2)).posted == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    assert delivered(fake_slack, ["C1"]) == {"timeout": 1}
    assert recorded(runtime)["timeout"][0] == PostStatus.POSTED


def test_a_dropped_connection_before_slack_acted_is_posted_on_the_retry(
    runtime: Runtime, fake_slack: FakeSlack, retry_sleeps: list[float]
) -> None:
    fake_slack.add_channel("C1")
    enqueue(runtime, "dropped")
    fake_slack.drop_next("chat.postMessage")
    assert Poster(runtime).deliver_due(NOW).failed == 1
    assert Poster(runtime).deliver_due(NOW + timedelta(minutes=2)).posted == 1
    assert delivered(fake_slack, ["C1"]) == {"dropped": 1}


def test_rate_limits_and_server_errors_are_retried_without_real_waiting(
    runtime: Runtime, fake_slack: FakeSlack, retry_sleeps: list[float]
) -> None:
    fake_slack.add_channel("C1")
    enqueue(runtime, "busy")
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=30)
    fake_slack.fail_next("chat.postMessage", error="service_unavailable", status=503)
    assert Poster(runtime).deliver_due(NOW).posted == 1
    assert 30 <= retry_sleeps[0] < 31  # Retry-After honoured (recorded, not slept)
    assert delivered(fake_slack, ["C1"]) == {"busy": 1}


class SimulatedCrash(Exception):
    """The process died between Slack's ok and the database commit of the ts."""


@dataclass
class FaultRun:
    posts: int
    fault_share: float
    rounds: int = 0
    api_calls: int = 0
    post_attempts: int = 0  # chat.postMessage requests that reached Slack
    marker_lookups: int = 0
    faults: dict[str, int] = field(default_factory=dict)
    crashes_injected: int = 0
    delivered: int = 0
    duplicated: int = 0
    lost: int = 0
    abandoned: int = 0
    ts_mismatches: int = 0
    unexpected_crashes: int = 0


def test_every_post_is_delivered_exactly_once_under_random_faults_and_crashes(
    runtime: Runtime, fake_slack: FakeSlack, retry_sleeps: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    channels = [f"C{i}" for i in range(1, 6)]
    users = [f"U{i}" for i in range(1, 11)]
    for user in users:
        fake_slack.add_user(user)
    for channel in channels:
        fake_slack.add_channel(channel, members=users)
    roots = [fake_slack.add_message(c, user="U1", text="a problem") for c in channels]
    for i in range(POSTS):
        shape = i % 3
        if shape == 0:
            enqueue(runtime, f"p{i}", channel_id=channels[i % 5])
        elif shape == 1:
            enqueue(runtime, f"p{i}", channel_id=channels[i % 5], thread_ts=roots[i % 5])
        else:
            enqueue(runtime, f"p{i}", kind=PostKind.DM, channel_id=None, user_id=users[i % 10])

    crash_rng = random.Random(7)
    real_record = poster_module.record_posted

    def record_or_crash(session, post_id, **kwargs):  # type: ignore[no-untyped-def]
        if crash_rng.random() < CRASH_SHARE:
            raise SimulatedCrash(post_id)
        return real_record(session, post_id, **kwargs)

    monkeypatch.setattr(poster_module, "record_posted", record_or_crash)
    fake_slack.inject_random_faults(FAULT_SHARE, seed=2027)
    run = FaultRun(posts=POSTS, fault_share=FAULT_SHARE)
    now = NOW
    while run.rounds < 40:
        run.rounds += 1
        try:
            Poster(runtime).deliver_due(now, limit=POSTS * 2)
        except SimulatedCrash:
            run.crashes_injected += 1  # the worker died mid-run; its claim goes stale
            continue  # the next round runs at a later instant, like a restarted clock
        finally:
            now += timedelta(hours=2)  # past every back-off and the stale-claim age
        if all(status in (PostStatus.POSTED, PostStatus.ABANDONED) for status, _ in recorded(runtime).values()):
            break
    fake_slack.inject_random_faults(0)

    counts = delivered(fake_slack, channels + [fake_slack.dm_channel_id(u) for u in users])
    rows = recorded(runtime)
    messages = {m["ts"]: m for c in channels + [fake_slack.dm_channel_id(u) for u in users] for m in fake_slack.messages(c)}
    run.api_calls = len(fake_slack.calls)
    run.post_attempts = len(fake_slack.calls_to("chat.postMessage"))
    run.marker_lookups = len(fake_slack.calls_to("conversations.history")) + len(fake_slack.calls_to("conversations.replies"))
    run.faults = dict(fake_slack.fault_counts)
    run.delivered = sum(1 for key in rows if counts[key] == 1)
    run.duplicated = sum(1 for key in rows if counts[key] > 1)
    run.lost = sum(1 for key, (status, _) in rows.items() if counts[key] == 0 or status != PostStatus.POSTED)
    run.abandoned = sum(1 for status, _ in rows.values() if status == PostStatus.ABANDONED)
    run.ts_mismatches = sum(
        1 for key, (_, ts) in rows.items()
        if ts is None or ((messages.get(ts) or {}).get("metadata") or {}).get("event_payload", {}).get("work_key") != key
    )
    figures = json.dumps(asdict(run), sort_keys=True)
    print(f"fault run: {figures}")
    if os.environ.get("RELIABILITY_FIGURES"):
        Path(os.environ["RELIABILITY_FIGURES"]).write_text(figures + "\n")
    assert sum(run.faults.values()) > 0 and run.crashes_injected > 0, "the run must actually meet faults"
    assert (run.delivered, run.duplicated, run.lost, run.ts_mismatches) == (POSTS, 0, 0, 0), figures
