"""The weekly reflection step queues its prompts in committed chunks: delivery can start on the
first chunk, and a crash between chunks leaves the rest to the next tick, once each."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from bot.db import read_scope, session_scope
from bot.domain.enums import Pace
from bot.domain.reflection_schedule import reflection_due_at
from bot.domain.set_settings import SetSettings
from bot.models import OutboundPost
from bot.runtime import Runtime
from bot.scheduler import reflections as reflections_step
from bot.scheduler.tick import TickSummary
from bot.services.sets import ChannelFacts, create_set
from bot.slack.poster import Poster
from tests.support.fake_slack import FakeSlack

TEAM = "T0001"
CREATED = datetime(2026, 2, 23, 9, tzinfo=UTC)
DUE = reflection_due_at(date(2026, 3, 2), weekday=4, hour=15, tz="Europe/London")
MEMBERS = [f"U{i}" for i in range(1, 8)]  # 7 members: chunks of 3, 3 and 1


class Crash(Exception):
    pass


@pytest.fixture
def due_set(runtime: Runtime, fake_slack: FakeSlack) -> None:
    for user in MEMBERS:
        fake_slack.add_user(user)
    fake_slack.add_channel("C1", members=MEMBERS)
    settings = SetSettings("Set", Pace.STANDARD, "Europe/London", frozenset(range(5)), 4, 15, 1)
    with session_scope(runtime.session_factory) as session:
        create_set(
            session, team_id=TEAM, enterprise_id=None, channel=ChannelFacts("C1", True, False), created_by=MEMBERS[0],
            settings=settings, member_ids=MEMBERS, now=CREATED,
        )  # fmt: skip


def committed_prompts(runtime: Runtime) -> int:
    """Reflection prompts another session can see (committed), read outside the writer line."""
    with read_scope(runtime.session_factory) as session:
        return int(session.scalar(select(func.count()).where(OutboundPost.work_key.like("reflection:%"))) or 0)


@pytest.mark.parametrize(("first", "expected"), [(3, [0, 0, 0, 3, 3, 3, 6]), (1, [0, 1, 1, 1, 4, 4, 4])])
def test_prompts_are_committed_chunk_by_chunk(
    runtime: Runtime, due_set: None, monkeypatch: pytest.MonkeyPatch, first: int, expected: list[int]
) -> None:
    monkeypatch.setattr(reflections_step, "ENQUEUE_CHUNK", 3)
    monkeypatch.setattr(reflections_step, "FIRST_CHUNK", first)  # the first chunk may be smaller
    seen: list[int] = []
    real = reflections_step.enqueue_post

    def enqueue(session, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(committed_prompts(runtime))  # what a delivery thread could claim by now
        return real(session, **kwargs)

    monkeypatch.setattr(reflections_step, "enqueue_post", enqueue)
    summary = TickSummary(at=DUE)
    reflections_step.send_weekly_reflections(runtime, DUE, summary)
    assert seen == expected
    assert summary.counts == {"reflection prompts queued": 7}
    assert committed_prompts(runtime) == 7


def test_a_crash_between_chunks_leaves_the_rest_to_the_next_tick_once_each(
    runtime: Runtime, fake_slack: FakeSlack, due_set: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reflections_step, "ENQUEUE_CHUNK", 3)
    real = reflections_step.enqueue_post
    calls = 0

    def crash_on_the_fifth(session, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        if calls == 5:
            raise Crash("the clock died mid-chunk")
        return real(session, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(reflections_step, "enqueue_post", crash_on_the_fifth)
        summary = TickSummary(at=DUE)
        with pytest.raises(Crash):
            reflections_step.send_weekly_reflections(runtime, DUE, summary)
    assert summary.counts == {"reflection prompts queued": 3}  # the first chunk; the second rolled back
    assert committed_prompts(runtime) == 3

    again = TickSummary(at=DUE)
    reflections_step.send_weekly_reflections(runtime, DUE, again)
    assert again.counts == {"reflection prompts queued": 4}
    with read_scope(runtime.session_factory) as session:
        keys = session.scalars(select(OutboundPost.work_key).where(OutboundPost.work_key.like("reflection:%"))).all()
    assert sorted(keys) == sorted(f"reflection:{TEAM}:{user}:2026-03-02" for user in MEMBERS)

    assert Poster(runtime).deliver_due(DUE).posted == 7
    dms = [str(call.param("channel")) for call in fake_slack.calls_to("chat.postMessage")]
    assert sorted(dms) == sorted(fake_slack.dm_channel_id(user) for user in MEMBERS)
    third = TickSummary(at=DUE)
    reflections_step.send_weekly_reflections(runtime, DUE, third)
    assert third.counts == {}
