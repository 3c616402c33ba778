"""Shared bench plumbing: statistics over rounds, the fake Slack, settings and runtimes."""

from __future__ import annotations

import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from bot.config import Settings
from bot.runtime import Runtime, build_runtime
from bot.slack.pacing import Pacer, unpaced
from tests.support.fake_slack import FakeSlack
from tests.support.slack_requests import SIGNING_SECRET

REPO = Path(__file__).resolve().parents[1]
TEAM = "T0001"
BOT_TOKEN = "xoxb-bench"


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sample."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


@dataclass
class Series:
    """One figure measured once per round: median with min-max."""

    values: list[float] = field(default_factory=list)

    def add(self, value: float) -> None:
        self.values.append(value)

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else float("nan")

    def text(self, fmt: str = "{:.1f}") -> str:
        if not self.values:
            return "n/a"
        return f"{fmt.format(self.median)} ({fmt.format(min(self.values))}-{fmt.format(max(self.values))})"


class Results:
    """Figures by (goal, row, column), each a Series; plus free-form notes and tables."""

    def __init__(self) -> None:
        self.series: dict[tuple[str, str, str], Series] = {}
        self.notes: dict[str, list[str]] = {}
        self.checks: list[tuple[str, str, bool, str]] = []  # goal, what, met, detail

    def add(self, goal: str, row: str, column: str, value: float) -> None:
        self.series.setdefault((goal, row, column), Series()).add(value)

    def get(self, goal: str, row: str, column: str) -> Series:
        return self.series.get((goal, row, column), Series())

    def note(self, goal: str, text: str) -> None:
        self.notes.setdefault(goal, []).append(text)

    def check(self, goal: str, what: str, met: bool, detail: str) -> None:
        self.checks.append((goal, what, met, detail))

    def rows(self, goal: str) -> list[str]:
        return list(dict.fromkeys(r for g, r, _ in self.series if g == goal))

    def columns(self, goal: str) -> list[str]:
        return list(dict.fromkeys(c for g, _, c in self.series if g == goal))


def interleaved(rounds: int, contenders: dict[str, Callable[[int], None]]) -> None:
    """Run every contender once per round, rotating the order each round (noise lands on all)."""
    names = list(contenders)
    for r in range(rounds):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            contenders[name](r)


def start_fake(users: Iterable[str] = (), channels: dict[str, list[str]] | None = None, fake: FakeSlack | None = None) -> FakeSlack:
    fake = fake or FakeSlack(team_id=TEAM)
    for user in users:
        fake.add_user(user)
    for channel, members in (channels or {}).items():
        fake.add_channel(channel, members=members)
    return fake.start()


@dataclass
class FakeProcess:
    """A FakeSlack serving from its own process (see `start_fake_process`)."""

    process: subprocess.Popen[str]
    base_url: str
    url: str

    def response_url(self, name: str = "default") -> str:
        return f"{self.url}/response/{name}"

    def get_json(self, path: str) -> Any:
        """GET `path` from the fake's process (e.g. a report endpoint of a FakeSlack subclass)."""
        import urllib.request

        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1: never a proxy
        with opener.open(self.url + path, timeout=30) as response:
            return json.loads(response.read())

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_fake_process(
    users: Iterable[str], channels: dict[str, list[str]], *, fake_class: str | None = None,
    options: dict[str, Any] | None = None,
) -> FakeProcess:
    """The fake Slack in a process of its own, for the HTTP runs.

    The fake validates every call against Slack's OpenAPI spec, which costs CPU. In the bench
    process it would share the GIL with the asyncio load client, so a contender's after-ack calls
    (the bot's views.publish, respond) would slow the client's own timer, and the floors, which make
    no such calls, would not pay it. In its own process it still uses the 2 cores (a real Slack
    would not) but not the client's GIL; every contender is measured against this same process.

    `fake_class` ("module:Class", a FakeSlack subclass) and its keyword `options` (JSON values)
    serve something else than the plain FakeSlack, e.g. goal 4's rate-limited fake.
    """
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as spec:
        json.dump({"users": list(users), "channels": channels, "fake_class": fake_class, "options": options or {}}, spec)
    process = subprocess.Popen(
        [sys.executable, "-c", "from bench.common import serve_fake; serve_fake()", spec.name],
        env=bench_env("", ""), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    line = process.stdout.readline()  # type: ignore[union-attr]
    os.unlink(spec.name)
    if not line:
        raise RuntimeError("the fake Slack process did not start")
    urls = json.loads(line)
    return FakeProcess(process, urls["base_url"], urls["url"])


def serve_fake() -> None:
    """Entry point of the fake's process: serve until terminated; print its URLs as one JSON line."""
    import signal

    with open(sys.argv[1]) as f:
        spec = json.load(f)
    quiet_logs()
    instance = None
    if spec.get("fake_class"):
        import importlib

        module, _, name = spec["fake_class"].partition(":")
        instance = getattr(importlib.import_module(module), name)(team_id=TEAM, **spec.get("options", {}))
    fake = start_fake(spec["users"], spec["channels"], fake=instance)
    print(json.dumps({"base_url": fake.base_url, "url": fake.url}), flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while True:
        signal.pause()


def settings_for(fake: FakeSlack, database_url: str) -> Settings:
    return Settings(
        bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET, app_token=None,
        database_url=database_url, slack_api_url=fake.base_url, log_level="WARNING",
    )


def runtime_for(fake: FakeSlack, engine: Engine, *, pacer: Pacer | None = None) -> Runtime:
    url = engine.url.render_as_string(hide_password=False)
    runtime = build_runtime(settings_for(fake, url), engine=engine)
    return replace(runtime, pacer=pacer or unpaced())


def bench_env(fake_url: str, database_url: str, **extra: str) -> dict[str, str]:
    """Environment for bot/floor processes: no proxies, no stray Slack settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "ALS_", "LOG_"))}
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        env.pop(name, None)
    env.update(
        PYTHONPATH=str(REPO), NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost",
        SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=fake_url,
        DATABASE_URL=database_url, LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


def quiet_logs() -> None:
    logging.basicConfig(level=logging.WARNING)
    for name in ("bot", "slack_bolt", "slack_sdk", "apscheduler", "tests.support.fake_slack"):
        logging.getLogger(name).setLevel(logging.ERROR)


def ms(seconds: float) -> float:
    return seconds * 1000.0


def now_s() -> float:
    return time.perf_counter()


def rss_mb(pid: int) -> float:
    """Resident set size of a process, from /proc (Linux)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def describe(values: Any) -> str:
    return repr(values)
