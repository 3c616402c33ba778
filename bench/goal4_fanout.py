"""Goal 4: weekly reflection DMs to N members (week 1 opens each DM, week 2 uses the cached ids)
and round prompts into N channels, against a fake Slack that enforces the published limits.

The fake answers calls beyond a limit with 429 + Retry-After. Windows are scaled by `scale`
(60: Slack's minute becomes one second) for the fake, the floor client and the bot alike.
The floor client is the least a sender must do: the same calls, each method at exactly its rate,
no database. The bot runs its real tick (due query, outbox, claim, post, record) with its pacer.

The fake serves from a process of its own (`bench.common.start_fake_process`), a fresh one per
scenario and contender: its spec checks, HTTP server and limiter are Slack's CPU, and in the bench
process they would hold the GIL the bot (or the floor client) needs. Its 429 counts and recorded
calls come back over a small JSON endpoint (`GET /bench/report`) after the timed run.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from slack_sdk import WebClient

from bot.db import make_engine
from bot.scheduler.tick import run_tick
from bot.slack.pacing import Limit, Pacer
from tests.support.fake_slack import FakeSlack, _Reply

from bench.common import BOT_TOKEN, TEAM, FakeProcess, Results, interleaved, runtime_for, sqlite_url, start_fake_process
from bench.seed import DM_WEEK_1, DM_WEEK_2, MEMBERS, ROUND_PROMPTS_AT, Seeded, channel_of, root_ts_of, user_of

# What the fake enforces: Slack's limits per minute (section 5), with a small tolerated burst.
FAKE_LIMITS = {
    "chat.postMessage": Limit(300, burst=5),
    "conversations.open": Limit(50, burst=2),
    "chat.postEphemeral": Limit(100, burst=3),
    "users.info": Limit(100, burst=3),
    "views.publish": Limit(100, burst=3),
}
FAKE_PER_CHANNEL = Limit(1, window=1.0, burst=2)


class LimitedSlack(FakeSlack):
    """FakeSlack plus rate limits: 429 + Retry-After beyond them (counted)."""

    def __init__(self, *, scale: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scale = scale
        self.rejected: Counter[str] = Counter()
        self._limiter = Pacer(FAKE_LIMITS, per_channel=FAKE_PER_CHANNEL, scale=scale)
        self._limit_lock = threading.Lock()

    def _handle_http(self, verb: str, path: str, query: str, headers: dict[str, str], body: bytes) -> _Reply:
        if verb == "GET" and path == REPORT_PATH:
            return _Reply.json(self.report())
        return super()._handle_http(verb, path, query, headers, body)

    def report(self) -> dict[str, Any]:
        """What the bench checks: the calls answered 429, and every recorded call's method and channel."""
        with self._limit_lock:
            rejected = dict(self.rejected)
        calls = [[c.method, c.params.get("channel")] for c in self.calls]
        return {"rejected": rejected, "calls": calls, "violations": self.violations}

    def _handle_api(self, method: str, query: str, headers: dict[str, str], body: bytes) -> _Reply:
        channel = None
        if method == "chat.postMessage":
            from tests.support.fake_slack import _parse_params

            channel = str(_parse_params(headers.get("content-type", ""), body, query).get("channel") or "")
        with self._limit_lock:
            # A call is allowed when its slot is now (the limiter's burst is the tolerance).
            before = self._slots(method, channel)
            delay = self._limiter.reserve(TEAM, method, channel)
            if delay > 1e-9:
                self._undo(before)
                self.rejected[method] += 1
                retry_after = max(1, round(delay))
                return _Reply.json({"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": str(retry_after)})
        return super()._handle_api(method, query, headers, body)

    def _slots(self, method: str, channel: str | None) -> dict[tuple[str, ...], float | None]:
        """The limiter's state for the buckets this call counts against."""
        keys = [(TEAM, method)] + ([(TEAM, "channel", channel)] if channel else [])
        return {key: self._limiter._tat.get(key) for key in keys}

    def _undo(self, before: dict[tuple[str, ...], float | None]) -> None:
        # A rejected call does not use a slot: put back exactly what reserve() changed (subtracting
        # one interval was wrong for a bucket that was idle while another one held the call back).
        for key, tat in before.items():
            if tat is None:
                self._limiter._tat.pop(key, None)
            else:
                self._limiter._tat[key] = tat


REPORT_PATH = "/bench/report"


def make_fake(seeded: Seeded, scale: float) -> FakeProcess:
    """A LimitedSlack in a process of its own, with the seeded users and channels."""
    return start_fake_process(seeded.users(), seeded.channels(), fake_class="bench.goal4_fanout:LimitedSlack",
                              options={"scale": scale})


def dm_channel_id(user_id: str) -> str:
    return "D" + user_id  # what the fake's conversations.open returns (FakeSlack.dm_channel_id)


def floor_client(fake: FakeProcess, calls: list[tuple[str, dict[str, Any]]], scale: float) -> float:
    """Send `calls` in order, each method at exactly its rate (sleep until its next slot); seconds taken."""
    client = WebClient(token=BOT_TOKEN, base_url=fake.base_url)
    next_at: dict[str, float] = {}
    # The posts waiting for each user's DM channel (filled in when conversations.open answers).
    posts_to: dict[str, list[dict[str, Any]]] = {}
    for method, params in calls:
        if method == "chat.postMessage":
            posts_to.setdefault(str(params.get("channel")), []).append(params)
    started = time.perf_counter()
    for method, params in calls:
        interval = FAKE_LIMITS[method].interval(scale)
        wait = next_at.get(method, started) - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        if method == "conversations.open":
            response = client.conversations_open(**params)
            dm = response["channel"]["id"]
            for post in posts_to.get(params["users"], []):
                post["channel"] = dm
        else:
            client.api_call(method, json=params)
        next_at[method] = max(next_at.get(method, started), time.perf_counter() - interval) + interval
    return time.perf_counter() - started


def _dm_calls(users: list[str], open_first: bool) -> list[tuple[str, dict[str, Any]]]:
    calls: list[tuple[str, dict[str, Any]]] = []
    for user in users:
        if open_first:
            calls.append(("conversations.open", {"users": user}))
        calls.append(("chat.postMessage", {"channel": user if open_first else "D" + user, "text": "Weekly reflection"}))
    return calls


def _channel_calls(sets: int) -> list[tuple[str, dict[str, Any]]]:
    return [("chat.postMessage", {"channel": channel_of(i), "thread_ts": root_ts_of(i), "text": "Phase 2"}) for i in range(sets)]


def due_users(seeded: Seeded) -> list[str]:
    return [user_of(i, j) for i in range(seeded.sets) for j in range(MEMBERS)][: seeded.dm_members]


def bot_run(db: Path, fake: FakeProcess, at: datetime, scale: float) -> tuple[float, int]:
    """Ticks at `at` until nothing is left to deliver; (seconds, ticks)."""
    engine = make_engine(sqlite_url(db))
    runtime = runtime_for(fake, engine, pacer=Pacer(scale=scale))
    started = time.perf_counter()
    ticks = 0
    while True:
        ticks += 1
        summary = run_tick(runtime, at)
        if not summary.counts.get("posts delivered") and not summary.counts.get("posts to retry"):
            break
        if ticks > 20:
            break
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed, ticks


def verify(fake: FakeProcess, expected_channels: list[str], results: Results, scenario: str, who: str) -> None:
    report = fake.get_json(REPORT_PATH)
    rejected: dict[str, int] = report["rejected"]
    # Calls answered 429 never reach FakeSlack's handler, so they are not among the recorded calls.
    answered = Counter(method for method, _ in report["calls"])
    posted_to = Counter(str(channel) for method, channel in report["calls"] if method == "chat.postMessage")
    lost = sum(1 for ch in expected_channels if posted_to.get(ch, 0) == 0)
    duplicated = sum(n - 1 for n in posted_to.values() if n > 1)
    results.add("4-fanout", f"{scenario}: 429s", who, float(sum(rejected.values())))
    results.add("4-fanout", f"{scenario}: lost", who, float(lost))
    results.add("4-fanout", f"{scenario}: duplicated", who, float(duplicated))
    results.add("4-fanout", f"{scenario}: conversations.open calls", who, float(answered["conversations.open"]))


WEEK_1, WEEK_2, PROMPTS = "DMs week 1 (open each DM)", "DMs week 2 (cached DM ids)", "round prompts into channels"
# The two cached-id scenarios run again with windows divided by this (a chat.postMessage slot of
# 10 ms, still 20 times shorter than Slack's 200 ms), next to the main scale: see docs/BENCHMARKS.md.
CACHED_SCALE = 20.0


def label(scenario: str, scale: float) -> str:
    return f"{scenario}, windows /{scale:g}"


def run_fanout(
    results: Results, pristine: Path, seeded: Seeded, workdir: Path, *, rounds: int, scale: float,
    cached_scale: float | None = CACHED_SCALE,
) -> None:
    users = due_users(seeded)
    n_channels = seeded.sets
    expected_dms = [dm_channel_id(u) for u in users]
    expected_channels = [channel_of(i) for i in range(n_channels)]
    slower = [cached_scale] if cached_scale and cached_scale < scale else []

    def expected(scenario: str) -> list[str]:
        return expected_dms if scenario.startswith("DMs") else expected_channels

    def fresh(db: Path, source: Path) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
            if Path(str(source) + suffix).exists():
                shutil.copyfile(Path(str(source) + suffix), Path(str(db) + suffix))

    def bot_scenario(db: Path, scenario: str, at: datetime, s: float) -> None:
        fake = make_fake(seeded, s)
        try:
            elapsed, _ticks = bot_run(db, fake, at, s)
            results.add("4-fanout", f"{label(scenario, s)}: seconds", "bot", elapsed)
            verify(fake, expected(scenario), results, label(scenario, s), "bot")
        finally:
            fake.stop()

    def bot(_round: int) -> None:
        db, after_week_1 = workdir / "fanout.db", workdir / "fanout-week1.db"
        fresh(db, pristine)
        bot_scenario(db, WEEK_1, DM_WEEK_1, scale)
        fresh(after_week_1, db)  # DM ids cached: the start of week 2 at every scale
        bot_scenario(db, WEEK_2, DM_WEEK_2, scale)
        bot_scenario(db, PROMPTS, ROUND_PROMPTS_AT, scale)
        for s in slower:
            fresh(db, after_week_1)
            bot_scenario(db, WEEK_2, DM_WEEK_2, s)
            bot_scenario(db, PROMPTS, ROUND_PROMPTS_AT, s)

    def floor_scenario(scenario: str, s: float) -> None:
        fake = make_fake(seeded, s)
        try:
            if scenario == WEEK_1:
                calls = _dm_calls(users, True)
            elif scenario == WEEK_2:
                calls = [("chat.postMessage", {"channel": dm, "text": "Weekly reflection"}) for dm in expected_dms]
            else:
                calls = _channel_calls(n_channels)
            elapsed = floor_client(fake, calls, s)
            results.add("4-fanout", f"{label(scenario, s)}: seconds", "floor client", elapsed)
            verify(fake, expected(scenario), results, label(scenario, s), "floor client")
        finally:
            fake.stop()

    def floor(_round: int) -> None:
        for scenario in (WEEK_1, WEEK_2, PROMPTS):
            floor_scenario(scenario, scale)
        for s in slower:
            floor_scenario(WEEK_2, s)
            floor_scenario(PROMPTS, s)

    interleaved(rounds, {"bot": bot, "floor": floor})
    n_dm, post, opens = len(users), FAKE_LIMITS["chat.postMessage"], FAKE_LIMITS["conversations.open"]
    runs = [(WEEK_1, scale, n_dm, opens), (WEEK_2, scale, n_dm, post), (PROMPTS, scale, n_channels, post)]
    runs += [(scenario, s, n, post) for s in slower for scenario, n in ((WEEK_2, n_dm), (PROMPTS, n_channels))]
    for scenario, s, n, limit in runs:
        results.add("4-fanout", f"{label(scenario, s)}: seconds", "limits allow (N/rate)", (n - limit.burst) * limit.interval(s))
    def windows(s: float) -> str:
        return f"{s:g}x (Slack's minute = {60 / s:g} s, a chat.postMessage slot {1000 * post.interval(s):.1f} ms)"

    results.note("4-fanout", f"{n_dm} DMs, {n_channels} channels; windows scaled {windows(scale)}"
                 + "".join(f"; the cached-id scenarios also at {windows(s)}" for s in slower)
                 + "; fake limits: " + ", ".join(f"{m} {l.limit}/min burst {l.burst}" for m, l in FAKE_LIMITS.items())
                 + f", chat.postMessage per channel 1/s burst {FAKE_PER_CHANNEL.burst}")
