"""The tick delivers while its steps are still queuing posts, and only then: an idle tick starts no
thread, delivers leftovers itself, and every post goes out once, in queue order."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, text

from bot.db import session_scope
from bot.runtime import Runtime
from bot.scheduler import tick as tick_module
from bot.scheduler.tick import TickSummary, run_tick
from bot.services.outbox import enqueue_post
from bot.slack import poster as poster_module
from bot.slack.poster import Poster
from tests.support.fake_slack import FakeSlack

NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
WAIT = 30.0  # seconds: only a bound against hanging, never a measurement


def enqueue(runtime: Runtime, key: str) -> None:
    with session_scope(runtime.session_factory) as session:
        enqueue_post(session, work_key=key, team_id="T0001", channel_id="C1", text=f"post {key}", now=NOW)


def posted_texts(fake: FakeSlack) -> list[str]:
    return [str(call.param("text")) for call in fake.calls_to("chat.postMessage")]


def only_step(monkeypatch: pytest.MonkeyPatch, step: Callable[[Runtime, datetime, TickSummary], None]) -> None:
    monkeypatch.setattr(tick_module, "PRODUCING_STEPS", [step])


def delivering_threads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the threads that record posts as posted, in order."""
    names: list[str] = []
    real = poster_module.record_posted

    def record(session, post_id, **kwargs):  # type: ignore[no-untyped-def]
        names.append(threading.current_thread().name)
        return real(session, post_id, **kwargs)

    monkeypatch.setattr(poster_module, "record_posted", record)
    return names


def test_posts_go_out_while_the_steps_are_still_queuing(
    runtime: Runtime, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_slack.add_channel("C1")
    first_posted = threading.Event()
    real = poster_module.record_posted

    def record(session, post_id, **kwargs):  # type: ignore[no-untyped-def]
        real(session, post_id, **kwargs)
        first_posted.set()

    monkeypatch.setattr(poster_module, "record_posted", record)
    seen_during_step: list[bool] = []

    def queue_then_wait(tick_runtime: Runtime, now: datetime, summary: TickSummary) -> None:
        enqueue(tick_runtime, "early")
        seen_during_step.append(first_posted.wait(WAIT))  # delivered before this step ends
        enqueue(tick_runtime, "late")

    only_step(monkeypatch, queue_then_wait)
    summary = run_tick(runtime, NOW)
    assert seen_during_step == [True]
    assert summary.counts == {"posts delivered": 2} and summary.failures == 0
    assert posted_texts(fake_slack) == ["post early", "post late"]


def test_every_post_queued_by_the_steps_goes_out_once_in_queue_order(
    runtime: Runtime, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_slack.add_channel("C1")
    threads = delivering_threads(monkeypatch)

    def queue_many(tick_runtime: Runtime, now: datetime, summary: TickSummary) -> None:
        for i in range(60):  # more than one claim batch
            enqueue(tick_runtime, f"k{i:02d}")
        summary.add("things queued", 60)

    only_step(monkeypatch, queue_many)
    summary = run_tick(runtime, NOW)
    assert summary.line() == f"tick at {NOW.isoformat()}: 60 things queued, 60 posts delivered"
    assert posted_texts(fake_slack) == [f"post k{i:02d}" for i in range(60)]
    assert set(threads) == {"tick-delivery"}
    only_step(monkeypatch, lambda *_: None)
    assert run_tick(runtime, NOW).line().endswith("nothing due")


def test_a_tick_that_queues_nothing_delivers_leftovers_without_a_thread(
    runtime: Runtime, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_slack.add_channel("C1")
    enqueue(runtime, "left-over")  # e.g. queued by a request whose own delivery was paced out
    threads = delivering_threads(monkeypatch)
    summary = run_tick(runtime, NOW)
    assert summary.counts.get("posts delivered") == 1
    assert threads == [threading.current_thread().name]
    assert posted_texts(fake_slack) == ["post left-over"]


def test_one_tick_delivers_at_most_its_bound_and_the_next_tick_the_rest(
    runtime: Runtime, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_slack.add_channel("C1")
    monkeypatch.setattr(tick_module, "MAX_POSTS_PER_TICK", 3)

    def queue_five(tick_runtime: Runtime, now: datetime, summary: TickSummary) -> None:
        for i in range(5):
            enqueue(tick_runtime, f"k{i}")

    only_step(monkeypatch, queue_five)
    assert run_tick(runtime, NOW).counts == {"posts delivered": 3}
    only_step(monkeypatch, lambda *_: None)
    assert run_tick(runtime, NOW).counts == {"posts delivered": 2}
    assert posted_texts(fake_slack) == [f"post k{i}" for i in range(5)]


def test_a_failing_delivery_thread_counts_as_a_failed_step_and_the_next_tick_delivers(
    runtime: Runtime, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_slack.add_channel("C1")

    def broken(self, now, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("database went away")

    def queue_one(tick_runtime: Runtime, now: datetime, summary: TickSummary) -> None:
        enqueue(tick_runtime, "k")
        summary.add("things queued", 1)

    only_step(monkeypatch, queue_one)
    with monkeypatch.context() as patch:
        patch.setattr(Poster, "deliver_due", broken)
        summary = run_tick(runtime, NOW)
    assert (summary.counts, summary.failures) == ({"things queued": 1}, 1)
    only_step(monkeypatch, lambda *_: None)
    assert run_tick(runtime, NOW).counts == {"posts delivered": 1}
    assert posted_texts(fake_slack) == ["post k"]


def test_after_a_step_commits_a_waiting_delivery_thread_takes_the_writer_line_first(
    runtime: Runtime, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    if runtime.engine.dialect.name != "sqlite":
        pytest.skip("the writer line is SQLite's")
    fake_slack.add_channel("C1")
    monkeypatch.setattr(tick_module, "HANDOVER_WAIT", WAIT)  # the bound, not a measurement
    order: list[str] = []

    @event.listens_for(runtime.engine, "begin")
    def began(connection):  # type: ignore[no-untyped-def]
        order.append(threading.current_thread().name)

    def queue_twice_then_write(tick_runtime: Runtime, now: datetime, summary: TickSummary) -> None:
        enqueue(tick_runtime, "first")  # the delivery thread starts and claims it
        with session_scope(tick_runtime.session_factory) as session:
            enqueue_post(session, work_key="second", team_id="T0001", channel_id="C1", text="post second", now=NOW)
            # This transaction holds the line; the delivery thread queues for it (to claim or record).
            assert session.info[tick_module._TICK]._delivery_waits.wait(WAIT)
            order.append("step commits")
        order.append("step committed")
        with session_scope(tick_runtime.session_factory) as session:
            session.execute(text("SELECT 1"))  # the step's next transaction

    only_step(monkeypatch, queue_twice_then_write)
    try:
        summary = run_tick(runtime, NOW)
    finally:
        event.remove(runtime.engine, "begin", began)
    assert summary.counts == {"posts delivered": 2}
    after = order[order.index("step commits") + 1 :]
    assert after[:2] == ["tick-delivery", "step committed"]  # the delivery thread began before the step went on
    assert posted_texts(fake_slack) == ["post first", "post second"]
