"""Proactive pacing of outbound Web API calls, per workspace and method tier (and per channel).

Slack answers calls beyond a method's limit with 429 + Retry-After, and slack-sdk then sleeps
for whole seconds (often 30+). A sender that only reacts to 429s therefore runs several times
slower than the limits allow. The poster asks the pacer first and waits just long enough.

Each bucket is a GCRA (generic cell rate algorithm) token bucket: `limit` calls per `window`
seconds with a burst of `burst`. Keys are (team, method) and, for chat.postMessage, also
(team, "channel", channel_id) at about one message per second. The clock and the sleep are
injected, so tests drive it with a fake clock and never sleep. `scale` divides every window
(the benchmark shrinks Slack's minute to a second to keep runs short).

A pacer is per process: the clock process is the one bulk sender; web workers send a few posts
right after their acks and pace themselves independently.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    """`limit` calls per `window` seconds, up to `burst` at once."""

    limit: int
    window: float = 60.0
    burst: int = 1

    def interval(self, scale: float) -> float:
        return self.window / scale / self.limit


# Published limits (docs.slack.dev rate-limits; /work/shared/slack/README.md section 5).
TIER_2, TIER_3, TIER_4 = Limit(20), Limit(50), Limit(100)
METHOD_LIMITS: dict[str, Limit] = {
    # Workspace budget of "several hundred per minute": plan with 300. Slack tolerates short bursts;
    # a burst of 2 lets a sender that was late for its slot (a slow answer, a commit) take the next
    # one at once instead of losing it (the bench's floor client catches up the same way). Over
    # any window it is at most one call ahead of the rate.
    "chat.postMessage": Limit(300, burst=2),
    "chat.postEphemeral": TIER_4,
    "chat.getPermalink": TIER_4,
    "chat.update": TIER_3,
    "conversations.open": TIER_3,
    "conversations.history": TIER_3,  # the outbox's marker check after a crash or a lost answer
    "conversations.replies": TIER_3,
    "conversations.info": TIER_3,
    "conversations.members": TIER_4,
    "users.info": TIER_4,
    "views.publish": TIER_4,
}
PER_CHANNEL = Limit(1, window=1.0)  # chat.postMessage: about one message per second per channel


class Pacer:
    """Thread-safe reservations of call slots; `wait()` sleeps until the slot comes."""

    def __init__(
        self,
        limits: Mapping[str, Limit] | None = None,
        *,
        per_channel: Limit | None = PER_CHANNEL,
        scale: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._limits = dict(METHOD_LIMITS if limits is None else limits)
        self._per_channel = per_channel
        self._scale = scale
        self._clock = clock
        self._sleep = sleep
        self._tat: dict[tuple[str, ...], float] = {}  # theoretical arrival time of the next call, per key
        self._lock = threading.Lock()

    def reserve(self, team_id: str, method: str, channel: str | None = None, *, max_delay: float | None = None) -> float | None:
        """Take the next slot for this call on every bucket it counts against; the seconds to wait.

        With `max_delay`, a slot further away is not taken and None is returned.
        """
        buckets: list[tuple[tuple[str, ...], Limit]] = []
        if method in self._limits:
            buckets.append(((team_id, method), self._limits[method]))
        if channel and method == "chat.postMessage" and self._per_channel is not None:
            buckets.append(((team_id, "channel", channel), self._per_channel))
        if not buckets:
            return 0.0
        with self._lock:
            now = self._clock()
            at = now
            for key, limit in buckets:
                tolerance = (limit.burst - 1) * limit.interval(self._scale)
                at = max(at, self._tat.get(key, now) - tolerance)
            if max_delay is not None and at - now > max_delay:
                return None
            for key, limit in buckets:
                self._tat[key] = max(self._tat.get(key, now), at) + limit.interval(self._scale)
            self._forget_idle(now)
        return at - now

    def wait(self, team_id: str, method: str, channel: str | None = None, *, max_delay: float | None = None) -> bool:
        """Block until this call may go and return True; False (no wait, no slot) when that is
        more than `max_delay` away."""
        delay = self.reserve(team_id, method, channel, max_delay=max_delay)
        if delay is None:
            return False
        if delay > 0:
            self._sleep(delay)
        return True

    def _forget_idle(self, now: float) -> None:
        # Per-channel keys grow with the channels posted to; drop the ones whose slot has passed.
        if len(self._tat) > 4096:
            self._tat = {key: tat for key, tat in self._tat.items() if tat > now}


def unpaced() -> Pacer:
    """A pacer with no limits (what the bot did before pacing: react to 429s only)."""
    return Pacer({}, per_channel=None)
