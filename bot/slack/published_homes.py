"""What this process last published to each member's App Home, so an unchanged Home is not sent again.

Slack keeps a published Home until the app publishes another, and only this bot publishes ours;
so when a re-rendered view is byte-identical to the last one this process sent for that member,
Slack already shows it. Kept per process, bounded, and only trusted for `MAX_AGE` seconds: another
worker process may have published a different view since (A here, B there, then back to A would
otherwise leave B showing), and a short age bounds how long that can last.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

CAPACITY = 10_000  # members; a digest and a timestamp each
MAX_AGE = 60.0  # seconds

Key = tuple[str, str]  # (team id, user id)


@dataclass
class _InFlight:
    count: int = 1
    overlapped: bool = False  # two publishes for one member at once: their order at Slack is unknown


class PublishedHomes:
    def __init__(self, capacity: int = CAPACITY, max_age: float = MAX_AGE, clock: Callable[[], float] = time.monotonic) -> None:
        self._capacity, self._max_age, self._clock = capacity, max_age, clock
        self._lock = threading.Lock()
        self._last: OrderedDict[Key, tuple[bytes, float]] = OrderedDict()  # digest, when published
        self._in_flight: dict[Key, _InFlight] = {}

    def unchanged(self, key: Key, digest: bytes) -> bool:
        """True when Slack already shows this view: this process published it recently, successfully."""
        with self._lock:
            last = self._last.get(key)
            if last is None or last[0] != digest or self._clock() - last[1] > self._max_age:
                return False
            self._last.move_to_end(key)
            return True

    @contextmanager
    def publishing(self, key: Key, digest: bytes) -> Iterator[None]:
        """Wrap one `views.publish`. The digest is remembered only if the call returned normally
        and no other publish for the member overlapped it; until then nothing is remembered."""
        with self._lock:
            self._last.pop(key, None)
            flight = self._in_flight.get(key)
            if flight is None:
                flight = self._in_flight[key] = _InFlight()
            else:
                flight.count += 1
                flight.overlapped = True
        published = False
        try:
            yield
            published = True
        finally:
            with self._lock:
                flight.count -= 1
                if flight.count == 0:
                    del self._in_flight[key]
                if published and not flight.overlapped:
                    self._remember(key, digest)

    def _remember(self, key: Key, digest: bytes) -> None:
        self._last[key] = (digest, self._clock())
        self._last.move_to_end(key)
        while len(self._last) > self._capacity:
            self._last.popitem(last=False)
