"""Posts are claimed in batches: same order and semantics as one at a time, DM ids resolved in the
claim, untried posts given back when the poster stops early, marker look-ups paced."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.db import session_scope
from bot.domain.states import PostKind, PostStatus
from bot.models import OutboundPost
from bot.runtime import Runtime
from bot.services.outbox import STALE_CLAIM, claim_batch, claim_next, enqueue_post, record_failure
from bot.services.users import remember_dm_channel
from bot.slack import poster as poster_module
from bot.slack.pacing import METHOD_LIMITS, TIER_3, Pacer
from bot.slack.poster import Poster
from tests.support.fake_slack import FakeSlack

NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


def enqueue(runtime: Runtime, key: str, **kwargs: object) -> None:
    kwargs.setdefault("channel_id", "C1")
    with session_scope(runtime.session_factory) as session:
        enqueue_post(session, work_key=key, team_id="T0001", text=f"post {key}", now=NOW, **kwargs)  # type: ignore[arg-type]


def rows(runtime: Runtime) -> dict[str, tuple[str, int]]:
    with session_scope(runtime.session_factory) as session:
        return {p.work_key: (p.status, p.attempts) for p in session.scalars(select(OutboundPost))}


class RecordingPacer(Pacer):
    """No limits; remembers every method it was asked about."""

    def __init__(self) -> None:
        super().__init__({}, per_channel=None)
        self.methods: list[str] = []

    def wait(self, team_id: str, method: str, channel: str | None = None, *, max_delay: float | None = None) -> bool:
        self.methods.append(method)
        return True


def test_a_batch_takes_posts_in_the_order_single_claims_would(runtime: Runtime) -> None:
    for key in ("stale", "retry", "new-1", "new-2", "later-retry"):
        enqueue(runtime, key)
    with session_scope(runtime.session_factory) as session:
        claim_batch(session, now=NOW - STALE_CLAIM - timedelta(minutes=1), worker="crashed", keys=["stale"])
        for key, when in (("retry", NOW - timedelta(minutes=1)), ("later-retry", NOW + timedelta(hours=1))):
            [post] = claim_batch(session, now=NOW, worker="w", keys=[key])
            record_failure(session, post.id, error="internal_error", permanent=False, now=NOW)
            session.get(OutboundPost, post.id).next_attempt_at = when  # type: ignore[union-attr]
    with session_scope(runtime.session_factory) as session:
        batch = claim_batch(session, now=NOW, worker="w", limit=10)
    assert [(p.work_key, p.was_stale, p.attempts) for p in batch] == [
        ("new-1", False, 1), ("new-2", False, 1), ("retry", False, 2), ("stale", True, 2),
    ]  # pending first, then retries that are due, then stale claims; "later-retry" is not due
    with session_scope(runtime.session_factory) as session:
        assert claim_next(session, now=NOW, worker="w") is None


def test_a_batch_respects_its_limit_and_keys(runtime: Runtime) -> None:
    for i in range(5):
        enqueue(runtime, f"k{i}")
    with session_scope(runtime.session_factory) as session:
        assert [p.work_key for p in claim_batch(session, now=NOW, worker="w", limit=2)] == ["k0", "k1"]
        assert [p.work_key for p in claim_batch(session, now=NOW, worker="w", keys=["k4", "k0"])] == ["k4"]
    assert {key for key, (status, _) in rows(runtime).items() if status == PostStatus.PENDING} == {"k2", "k3"}


def test_the_claim_resolves_cached_dm_channels(runtime: Runtime, fake_slack: FakeSlack) -> None:
    for user in ("U1", "U2"):
        fake_slack.add_user(user)
        enqueue(runtime, f"dm-{user}", kind=PostKind.DM, channel_id=None, user_id=user)
    with session_scope(runtime.session_factory) as session:
        remember_dm_channel(session, team_id="T0001", user_id="U1", channel_id=fake_slack.dm_channel_id("U1"))
        remember_dm_channel(session, team_id="T0OTHER", user_id="U2", channel_id="D0ELSEWHERE")  # another workspace
    with session_scope(runtime.session_factory) as session:
        batch = {p.work_key: p.dm_channel for p in claim_batch(session, now=NOW, worker="w")}
    assert batch == {"dm-U1": fake_slack.dm_channel_id("U1"), "dm-U2": None}


def test_cached_dm_ids_are_used_without_opening_or_looking_up_again(runtime: Runtime, fake_slack: FakeSlack) -> None:
    fake_slack.add_user("U1")
    with session_scope(runtime.session_factory) as session:
        remember_dm_channel(session, team_id="T0001", user_id="U1", channel_id=fake_slack.dm_channel_id("U1"))
    enqueue(runtime, "week-2", kind=PostKind.DM, channel_id=None, user_id="U1")
    assert Poster(runtime).deliver_due(NOW).posted == 1
    assert fake_slack.dm_open_count("U1") == 0
    assert fake_slack.last("chat.postMessage").param("channel") == fake_slack.dm_channel_id("U1")


def test_a_paced_out_poster_gives_back_the_rest_of_its_batch(runtime: Runtime, fake_slack: FakeSlack) -> None:
    fake_slack.add_channel("C1")
    for i in range(4):
        enqueue(runtime, f"k{i}")
    # A clock that never moves: after the first post, the next slot is always 0.2 s away.
    paced = replace(runtime, pacer=Pacer(clock=lambda: 100.0, sleep=lambda _: None))
    report = Poster(paced, max_pacing_wait=0.1).deliver_due(NOW)
    assert report.posted == 1
    assert rows(runtime) == {
        "k0": (PostStatus.POSTED, 1),
        "k1": (PostStatus.PENDING, 0),  # paced out: released untried, not an attempt
        "k2": (PostStatus.PENDING, 0),
        "k3": (PostStatus.PENDING, 0),
    }
    assert Poster(runtime).deliver_due(NOW).posted == 3


class Boom(Exception):
    pass


def test_a_failure_mid_batch_leaves_that_post_to_the_stale_claim_check_and_frees_the_rest(
    runtime: Runtime, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_slack.add_channel("C1")
    for i in range(3):
        enqueue(runtime, f"k{i}")
    real_record = poster_module.record_posted

    def record_or_die(session, post_id, **kwargs):  # type: ignore[no-untyped-def]
        if session.get(OutboundPost, post_id).work_key == "k1":
            raise Boom("the process died between posting and recording")
        return real_record(session, post_id, **kwargs)

    monkeypatch.setattr(poster_module, "record_posted", record_or_die)
    with pytest.raises(Boom):
        Poster(runtime).deliver_due(NOW)
    assert rows(runtime) == {"k0": (PostStatus.POSTED, 1), "k1": (PostStatus.CLAIMED, 1), "k2": (PostStatus.PENDING, 0)}
    monkeypatch.setattr(poster_module, "record_posted", real_record)
    assert Poster(runtime).deliver_due(NOW).posted == 1  # k2; k1 is someone's claim until it goes stale
    assert Poster(runtime).deliver_due(NOW + STALE_CLAIM + timedelta(seconds=1)).posted == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 3  # k1 was found by its marker, not re-posted
    assert {key for key, (status, _) in rows(runtime).items() if status == PostStatus.POSTED} == {"k0", "k1", "k2"}


@pytest.mark.parametrize("threaded", [False, True])
def test_marker_lookups_wait_for_the_pacer(runtime: Runtime, fake_slack: FakeSlack, threaded: bool) -> None:
    assert METHOD_LIMITS["conversations.history"] == METHOD_LIMITS["conversations.replies"] == TIER_3
    fake_slack.add_channel("C1")
    fake_slack.add_user("U1")
    root = fake_slack.add_message("C1", user="U1", text="a problem")
    enqueue(runtime, "crashy", thread_ts=root if threaded else None)
    with session_scope(runtime.session_factory) as session:
        assert claim_next(session, now=NOW, worker="crashed") is not None  # then the process died
    pacer = RecordingPacer()
    assert Poster(replace(runtime, pacer=pacer)).deliver_due(NOW + STALE_CLAIM + timedelta(seconds=1)).posted == 1
    lookup = "conversations.replies" if threaded else "conversations.history"
    assert pacer.methods == [lookup, "chat.postMessage"]
    assert len(fake_slack.calls_to(lookup)) == 1


def test_a_pass_that_empties_the_queue_claims_once(
    runtime: Runtime, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch smaller than asked for took everything due: no second, empty claim transaction
    (every reply nudge or phase prompt used to cost one)."""
    fake_slack.add_channel("C1")
    claims: list[int] = []

    def counting_claim(session, **kwargs):  # type: ignore[no-untyped-def]
        batch = claim_batch(session, **kwargs)
        claims.append(len(batch))
        return batch

    monkeypatch.setattr(poster_module, "claim_batch", counting_claim)
    for key in ("a", "b"):
        enqueue(runtime, key)
    assert Poster(runtime).deliver_due(NOW).posted == 2
    assert claims == [2]
    assert Poster(runtime).deliver_due(NOW).posted == 0 and claims == [2, 0]
