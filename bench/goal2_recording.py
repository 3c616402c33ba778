"""Goal 2: thread replies recorded per second (bot vs reference reply app), SQLite and PostgreSQL;
and 4 writer threads on SQLite: the shipped engine (bot/db.py: BEGIN IMMEDIATE and its writer
line) against the same without the line, and with SQLite's default deferred BEGIN."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from slack_bolt import App
from sqlalchemy import Engine, create_engine, event

from bot.db import SQLITE_BUSY_TIMEOUT_MS
from bot.runtime import Runtime
from bot.slack.app import build_app
from tests.support.slack_requests import SIGNING_SECRET

from bench import floors
from bench.common import BOT_TOKEN, Results, interleaved, ms, percentile, runtime_for
from bench.traffic import exchange, reply

# The reply mixes measured (see bench/traffic.py): questions alone, where every third reply
# completes P1 and the bot posts its next prompt; and a thread's mix, each question answered.
MIXES = {"questions only": lambda i: [reply(i)], "questions and answers": exchange}


def unlined_sqlite_engine(url: str, begin: str) -> Engine:
    """bot/db.py's SQLite engine without its writer line: transactions start with `begin`
    ("BEGIN IMMEDIATE" or SQLite's default deferred "BEGIN") and waiting writers are left to
    SQLite's busy handler, as before the line existed (the comparison case for 4 threads)."""
    engine = create_engine(url, connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # type: ignore[no-untyped-def]
        connection.exec_driver_sql(begin)

    return engine


@dataclass
class Contender:
    """An app to send replies to, and what must finish before its round's clock stops."""

    app: App
    runtime: Runtime | None = None  # the bot's: its background deliverer's work counts too
    sets: range = range(0)  # the sets it replies in (see share_sets)

    def settle(self) -> None:
        if self.runtime is not None and hasattr(self.runtime.delivery, "wait_idle"):
            self.runtime.delivery.wait_idle(60)


def recording_apps(fake: object, engine: Engine) -> dict[str, Contender]:
    runtime = runtime_for(fake, engine)  # type: ignore[arg-type]
    return {
        "bot": Contender(build_app(runtime, process_before_response=True), runtime),
        "reference": Contender(floors.reference_app(api_url=fake.base_url, token=BOT_TOKEN, signing_secret=SIGNING_SECRET,  # type: ignore[attr-defined]
                                                    process_before_response=True, engine=engine)),
    }


def share_sets(contenders: dict[str, Contender], sets: range | int) -> dict[str, Contender]:
    """Each contender replies in its own sets (every k-th), so no one's replies complete another's
    phases: the reference's questions would otherwise make the bot's next replies advance phases."""
    sets = range(sets) if isinstance(sets, int) else sets
    for k, contender in enumerate(contenders.values()):
        contender.sets = sets[k :: len(contenders)]
    return contenders


def _send(contender: Contender, n: int, rng: random.Random, mix: str = "questions only") -> tuple[list[float], int]:
    latencies, errors = [], 0
    requests = []
    while len(requests) < n:
        requests += [r.to_bolt_request() for r in MIXES[mix](rng.choice(contender.sets))]
    requests = requests[:n]
    for request in requests:
        started = time.perf_counter()
        response = contender.app.dispatch(request)
        latencies.append(time.perf_counter() - started)
        errors += response.status != 200
    return latencies, errors


def run_throughput(results: Results, label: str, fake: object, engine: Engine, sets: int, *, rounds: int, n: int) -> None:
    """Sequential replies through app.dispatch with process_before_response=True (the ack waits
    for the record), so each dispatch is one whole recorded reply. The bot's round also waits
    for the posts its replies caused (phase prompts after an early advance, advice nudges),
    which its background deliverer sends: the reference has no such work, the bot is not let off it.
    Each mix replies in its own half of the sets, so one's phase advances don't shape the other's."""
    for k, mix in enumerate(MIXES):
        half = range(k * sets // len(MIXES), (k + 1) * sets // len(MIXES))
        apps = share_sets(recording_apps(fake, engine), half)
        rng = random.Random(3)

        def contender(name: str, apps: dict[str, Contender] = apps, mix: str = mix) -> Callable[[int], None]:
            def run(_round: int) -> None:
                started = time.perf_counter()
                _latencies, errors = _send(apps[name], n, rng, mix)
                apps[name].settle()
                results.add("2-throughput", f"{label}, {mix}: replies/s", name, n / (time.perf_counter() - started))
                if errors:
                    results.note("2-throughput", f"{label} {name} ({mix}): {errors} errors in a round")

            return run

        interleaved(rounds, {name: contender(name) for name in apps})


def run_threads(results: Results, fake: object, url: str, shipped: Engine, sets: int, *, rounds: int, n: int,
                threads: int = 4) -> None:
    """4 writer threads into one SQLite file: the shipped engine (BEGIN IMMEDIATE + writer line)
    against the same without the line (SQLite's busy handler) and with deferred BEGIN."""
    immediate = unlined_sqlite_engine(url, "BEGIN IMMEDIATE")
    deferred = unlined_sqlite_engine(url, "BEGIN")
    # Deferred BEGIN fails with "database is locked" (counted below); keep its stack traces out of the output.
    for name in ("bot", "slack_bolt"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    apps = {f"{name}, as shipped": app for name, app in recording_apps(fake, shipped).items()}
    apps["bot, BEGIN IMMEDIATE, no writer line"] = recording_apps(fake, immediate)["bot"]
    apps["bot, deferred BEGIN, no writer line"] = recording_apps(fake, deferred)["bot"]
    share_sets(apps, sets)
    rng = random.Random(4)

    def contender(name: str) -> Callable[[int], None]:
        def run(_round: int) -> None:
            per_thread: list[tuple[list[float], int]] = []
            lock = threading.Lock()

            def worker(seed: float) -> None:
                outcome = _send(apps[name], n // threads, random.Random(seed))
                with lock:
                    per_thread.append(outcome)

            workers = [threading.Thread(target=worker, args=(rng.random(),)) for _ in range(threads)]
            started = time.perf_counter()
            for w in workers:
                w.start()
            for w in workers:
                w.join()
            apps[name].settle()
            elapsed = time.perf_counter() - started
            latencies = [t for lat, _ in per_thread for t in lat]
            errors = sum(e for _, e in per_thread)
            results.add("2-threads", "replies/s", name, len(latencies) / elapsed)
            results.add("2-threads", "p50 ms", name, ms(percentile(latencies, 50)))
            results.add("2-threads", "p99 ms", name, ms(percentile(latencies, 99)))
            results.add("2-threads", "max ms", name, ms(max(latencies)))
            results.add("2-threads", "errors", name, float(errors))

        return run

    interleaved(rounds, {name: contender(name) for name in apps})
    results.note("2-threads", f"{threads} threads each sending {n // threads} replies through app.dispatch "
                 "(process_before_response=True) into one SQLite file in WAL mode; errors = replies not recorded "
                 "(\"database is locked\")")
    immediate.dispose()
    deferred.dispose()
