"""The pacer's reservations, driven by a fake clock (no sleeping, no timing assertions)."""

from __future__ import annotations

import threading

from bot.slack.pacing import METHOD_LIMITS, Limit, Pacer, unpaced


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def make(limits: dict[str, Limit], clock: FakeClock, **kwargs: object) -> Pacer:
    return Pacer(limits, clock=clock, sleep=clock.sleep, **kwargs)  # type: ignore[arg-type]


def test_calls_are_spaced_by_the_window_over_the_limit() -> None:
    clock = FakeClock()
    pacer = make({"conversations.open": Limit(50)}, clock, per_channel=None)
    delays = [pacer.reserve("T1", "conversations.open") for _ in range(4)]
    assert [round(d, 6) for d in delays] == [0.0, 1.2, 2.4, 3.6]


def test_wait_sleeps_exactly_the_reserved_delay_on_the_injected_clock() -> None:
    clock = FakeClock()
    pacer = make({"chat.postMessage": Limit(300)}, clock, per_channel=None)
    for _ in range(3):
        pacer.wait("T1", "chat.postMessage", "C1")
    assert [round(s, 6) for s in clock.slept] == [0.2, 0.2]
    assert round(clock.now - 100.0, 6) == 0.4


def test_a_burst_goes_at_once_then_the_rate_applies() -> None:
    clock = FakeClock()
    pacer = make({"users.info": Limit(100, burst=3)}, clock, per_channel=None)
    delays = [round(pacer.reserve("T1", "users.info"), 6) for _ in range(5)]
    assert delays == [0.0, 0.0, 0.0, 0.6, 1.2]


def test_idle_time_refills_but_never_beyond_the_burst() -> None:
    clock = FakeClock()
    pacer = make({"users.info": Limit(100, burst=2)}, clock, per_channel=None)
    pacer.reserve("T1", "users.info")
    clock.now += 3600
    delays = [round(pacer.reserve("T1", "users.info"), 6) for _ in range(3)]
    assert delays == [0.0, 0.0, 0.6]


def test_workspaces_and_methods_have_their_own_budgets() -> None:
    clock = FakeClock()
    pacer = make({"conversations.open": Limit(50), "chat.postMessage": Limit(300)}, clock, per_channel=None)
    assert pacer.reserve("T1", "conversations.open") == 0.0
    assert pacer.reserve("T2", "conversations.open") == 0.0
    assert pacer.reserve("T1", "chat.postMessage") == 0.0
    assert pacer.reserve("T1", "conversations.open") > 0.0


def test_post_message_also_paces_each_channel_at_about_one_per_second() -> None:
    clock = FakeClock()
    pacer = make({"chat.postMessage": Limit(300)}, clock, per_channel=Limit(1, window=1.0))
    assert pacer.reserve("T1", "chat.postMessage", "C1") == 0.0
    # Another channel only waits for the workspace budget (0.2 s); the same channel for its second.
    assert round(pacer.reserve("T1", "chat.postMessage", "C2"), 6) == 0.2
    assert round(pacer.reserve("T1", "chat.postMessage", "C1"), 6) == 1.0
    # The channel's wait also held the workspace slot back: the next call queues behind it.
    assert round(pacer.reserve("T1", "chat.postMessage", "C3"), 6) == 1.2


def test_scale_shrinks_every_window() -> None:
    clock = FakeClock()
    pacer = make({"chat.postMessage": Limit(300)}, clock, per_channel=None, scale=60)
    delays = [round(pacer.reserve("T1", "chat.postMessage"), 9) for _ in range(3)]
    assert delays == [0.0, round(0.2 / 60, 9), round(0.4 / 60, 9)]


def test_unlimited_methods_and_the_unpaced_pacer_never_wait() -> None:
    clock = FakeClock()
    pacer = make({"chat.postMessage": Limit(300)}, clock)
    assert all(pacer.reserve("T1", "auth.test") == 0.0 for _ in range(10))
    free = unpaced()
    assert all(free.reserve("T1", "chat.postMessage", "C1") == 0.0 for _ in range(10))


def test_published_tiers_are_the_defaults() -> None:
    assert METHOD_LIMITS["conversations.open"].limit == 50
    assert METHOD_LIMITS["chat.postMessage"].limit == 300
    assert METHOD_LIMITS["views.publish"].limit == 100


def test_concurrent_reservations_get_distinct_slots() -> None:
    clock = FakeClock()  # frozen: every thread reserves at the same instant
    pacer = make({"chat.postMessage": Limit(60)}, clock, per_channel=None)
    delays: list[float] = []
    lock = threading.Lock()

    def take() -> None:
        for _ in range(25):
            delay = pacer.reserve("T1", "chat.postMessage")
            with lock:
                delays.append(round(delay, 6))

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(delays) == [float(i) for i in range(100)]


def test_a_slot_beyond_max_delay_is_neither_taken_nor_waited_for() -> None:
    clock = FakeClock()
    pacer = make({"chat.postEphemeral": Limit(100)}, clock, per_channel=None)
    assert pacer.wait("T1", "chat.postEphemeral", max_delay=0.0) is True
    assert pacer.reserve("T1", "chat.postEphemeral", max_delay=0.5) is None  # the next slot is 0.6 s away
    assert pacer.wait("T1", "chat.postEphemeral", max_delay=0.5) is False
    assert clock.slept == []
    assert round(pacer.reserve("T1", "chat.postEphemeral", max_delay=1.0) or 0.0, 6) == 0.6  # nothing was taken


def test_a_post_late_for_its_slot_does_not_push_the_later_ones_back() -> None:
    clock = FakeClock()
    pacer = Pacer(clock=clock, sleep=clock.sleep, per_channel=None)  # the published defaults
    assert METHOD_LIMITS["chat.postMessage"].burst == 2
    assert round(pacer.reserve("T1", "chat.postMessage"), 6) == 0.0
    assert round(pacer.reserve("T1", "chat.postMessage"), 6) == 0.0  # the burst of 2
    assert round(pacer.reserve("T1", "chat.postMessage"), 6) == 0.2
    clock.now += 0.2 + 0.15  # the sender was 0.15 s late for that slot (a slow answer)
    # Back on the grid: the next slot is still at 0.4 s (with a burst of 1 it would be 0.55 s, and
    # every late post would push all later ones back), then one every 0.2 s, never sooner.
    assert round(pacer.reserve("T1", "chat.postMessage"), 6) == 0.05
    assert round(pacer.reserve("T1", "chat.postMessage"), 6) == 0.25
    assert round(pacer.reserve("T1", "chat.postMessage"), 6) == 0.45
