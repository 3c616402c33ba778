"""Work after the ack takes turns: a few listeners per process at a time run what follows it.

Commands and buttons are acked by their listener, events before theirs runs; what follows the
ack (App Home's read and views.publish, a click's transaction and respond, a reply's record)
competes for the CPU and the GIL with the next requests' acks. Unbounded, a burst has dozens of
listener threads doing that work while acks wait; in turns, acks go first and the work catches
up after the burst (50 clients on 2 cores, ack p99: ~270-450 ms unbounded, ~130-190 ms with 4
turns; docs/BENCHMARKS.md, goal 1c). Acks never wait for a turn. Four turns do far more than
Slack lets one workspace use anyway (views.publish and chat.postEphemeral: 100 calls a minute).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

TURNS = 4  # per process

_turns = threading.BoundedSemaphore(TURNS)

F = TypeVar("F", bound=Callable[..., Any])


@contextmanager
def after_ack_turn() -> Iterator[None]:
    with _turns:
        yield


def in_turn(listener: F) -> F:
    """For event listeners, which Bolt acks before they run: the whole listener waits its turn.
    The signature (which Bolt reads to inject arguments) is kept."""

    @functools.wraps(listener)
    def run(**kwargs: Any) -> Any:
        with after_ack_turn():
            return listener(**kwargs)

    return run  # type: ignore[return-value]


class TurnAfterAck:
    """Bolt's `Ack` for a listener that acks itself: once it has acked, it waits for its turn.
    `release()` (the guard calls it when the listener ends) gives the turn back."""

    def __init__(self, ack: Any) -> None:
        self._ack = ack
        self._holds_turn = False

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        response = self._ack(*args, **kwargs)  # Slack has its answer before we wait
        if not self._holds_turn:
            _turns.acquire()
            self._holds_turn = True
        return response

    def release(self) -> None:
        if self._holds_turn:
            self._holds_turn = False
            _turns.release()

    def __getattr__(self, name: str) -> Any:  # response, and whatever else Bolt's Ack offers
        return getattr(self._ack, name)
