"""PublishedHomes: what may be skipped, and what must never be."""

from __future__ import annotations

import pytest

from bot.slack.published_homes import PublishedHomes

KEY = ("T1", "U1")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def published(homes: PublishedHomes, digest: bytes, key: tuple[str, str] = KEY) -> None:
    with homes.publishing(key, digest):
        pass


def test_only_the_last_successful_view_is_unchanged() -> None:
    homes = PublishedHomes()
    assert not homes.unchanged(KEY, b"a")
    published(homes, b"a")
    assert homes.unchanged(KEY, b"a") and not homes.unchanged(KEY, b"b") and not homes.unchanged(("T1", "U2"), b"a")
    published(homes, b"b")
    assert homes.unchanged(KEY, b"b") and not homes.unchanged(KEY, b"a")


def test_a_failed_publish_forgets_what_slack_showed() -> None:
    homes = PublishedHomes()
    published(homes, b"a")
    with pytest.raises(RuntimeError), homes.publishing(KEY, b"b"):
        raise RuntimeError("slack said no")
    assert not homes.unchanged(KEY, b"a") and not homes.unchanged(KEY, b"b")


def test_overlapping_publishes_remember_nothing() -> None:
    """Two publishes for one member at once reach Slack in an unknown order."""
    homes = PublishedHomes()
    with homes.publishing(KEY, b"a"):
        assert not homes.unchanged(KEY, b"a")
        with homes.publishing(KEY, b"b"):
            pass
    assert not homes.unchanged(KEY, b"a") and not homes.unchanged(KEY, b"b")
    published(homes, b"b")  # alone again: remembered
    assert homes.unchanged(KEY, b"b")


def test_a_view_is_trusted_for_max_age_only() -> None:
    """Another worker process may have published since."""
    clock = Clock()
    homes = PublishedHomes(max_age=60.0, clock=clock)
    published(homes, b"a")
    clock.now = 60.0
    assert homes.unchanged(KEY, b"a")
    clock.now = 60.5
    assert not homes.unchanged(KEY, b"a")


def test_the_least_recently_used_member_is_dropped_first() -> None:
    homes = PublishedHomes(capacity=2)
    published(homes, b"1", ("T1", "U1"))
    published(homes, b"2", ("T1", "U2"))
    assert homes.unchanged(("T1", "U1"), b"1")  # U1 used: U2 is now the oldest
    published(homes, b"3", ("T1", "U3"))
    assert homes.unchanged(("T1", "U1"), b"1") and homes.unchanged(("T1", "U3"), b"3")
    assert not homes.unchanged(("T1", "U2"), b"2")
