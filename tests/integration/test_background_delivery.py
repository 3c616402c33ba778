"""The background deliverer: pokes never block, coalesce into passes, survive failures, and with the
real poster every queued post is sent exactly once. Synchronised with events and conditions, no sleeps."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy import select

from bot.db import session_scope
from bot.domain.states import PostStatus
from bot.models import OutboundPost
from bot.runtime import Runtime
from bot.services.outbox import enqueue_post
from bot.slack import delivery
from bot.slack.delivery import BackgroundDelivery, deliver_soon
from bot.slack.poster import Poster
from tests.support.fake_slack import FakeSlack

WAIT = 30.0  # a bound for a broken deliverer, not a timing assertion


@pytest.fixture
def background(runtime: Runtime) -> Iterator[Runtime]:
    yield replace(runtime, delivery=BackgroundDelivery())


def test_pokes_during_a_pass_coalesce_into_one_more_pass(background: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    started, release = threading.Event(), threading.Event()
    passes: list[str] = []

    def slow_pass(runtime: Runtime) -> None:
        passes.append(threading.current_thread().name)
        started.set()
        assert release.wait(WAIT)

    monkeypatch.setattr(delivery, "deliver_pass", slow_pass)
    deliver_soon(background)
    assert started.wait(WAIT)
    for _ in range(10):  # returns at once although the first pass is still running
        deliver_soon(background)
    release.set()
    assert background.delivery.wait_idle(WAIT)  # type: ignore[attr-defined]
    assert passes == ["deliverer", "deliverer"]


def test_a_failing_pass_is_logged_and_the_next_poke_still_delivers(
    background: Runtime, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[int] = []

    def flaky_pass(runtime: Runtime) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database went away")

    monkeypatch.setattr(delivery, "deliver_pass", flaky_pass)
    deliver_soon(background)
    assert background.delivery.wait_idle(WAIT)  # type: ignore[attr-defined]
    deliver_soon(background)
    assert background.delivery.wait_idle(WAIT)  # type: ignore[attr-defined]
    assert len(calls) == 2
    assert "background delivery pass failed" in caplog.text


def test_a_forked_process_starts_its_own_thread(background: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(delivery, "deliver_pass", lambda runtime: None)
    deliverer = background.delivery
    deliver_soon(background)
    assert deliverer.wait_idle(WAIT)  # type: ignore[attr-defined]
    parent_thread = deliverer._thread  # type: ignore[attr-defined]
    monkeypatch.setattr(delivery.os, "getpid", lambda: -1)  # as seen from a gunicorn worker after fork
    deliver_soon(background)
    assert deliverer.wait_idle(WAIT)  # type: ignore[attr-defined]
    assert deliverer._thread is not parent_thread  # type: ignore[attr-defined]
    assert deliverer.passes == 1  # type: ignore[attr-defined]  # the child's count starts afresh


def test_many_pokes_and_a_tick_deliver_every_post_exactly_once(background: Runtime, fake_slack: FakeSlack) -> None:
    fake_slack.add_channel("C1")
    with session_scope(background.session_factory) as session:
        for i in range(30):
            enqueue_post(session, work_key=f"k{i}", team_id="T0001", channel_id="C1", text=f"post {i}", now=background.now())
    pokers = [threading.Thread(target=deliver_soon, args=(background,)) for _ in range(8)]
    for thread in pokers:
        thread.start()
    Poster(background).deliver_due(background.now())  # the tick, racing the deliverer for claims
    for thread in pokers:
        thread.join(WAIT)
    assert background.delivery.wait_idle(WAIT)  # type: ignore[attr-defined]
    Poster(background).deliver_due(background.now())  # whatever a pass left to the tick (SOON_LIMIT)
    texts = [call.param("text") for call in fake_slack.calls_to("chat.postMessage")]
    assert sorted(texts) == sorted(f"post {i}" for i in range(30))
    with session_scope(background.session_factory) as session:
        assert set(session.scalars(select(OutboundPost.status))) == {PostStatus.POSTED}
