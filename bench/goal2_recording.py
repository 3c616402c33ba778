"""Goal 2: thread replies recorded per second (bot vs reference reply app), SQLite and PostgreSQL;
and 4 writer threads on SQLite with BEGIN IMMEDIATE (bot/db.py) against SQLite's default deferred BEGIN."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable

from slack_bolt import App
from sqlalchemy import Engine, create_engine, event

from bot.db import SQLITE_BUSY_TIMEOUT_MS
from bot.slack.app import build_app
from tests.support.slack_requests import SIGNING_SECRET

from bench import floors
from bench.common import BOT_TOKEN, Results, interleaved, ms, percentile, runtime_for
from bench.traffic import reply


def deferred_sqlite_engine(url: str) -> Engine:
    """bot/db.py's SQLite engine, except that transactions start with a plain (deferred) BEGIN."""
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
        connection.exec_driver_sql("BEGIN")

    return engine


def serialised_sqlite_engine(url: str) -> Engine:
    """bot/db.py's engine plus one process-wide lock held from BEGIN IMMEDIATE to COMMIT/ROLLBACK:
    writers queue on a fair Python lock instead of SQLite's sleeping busy handler (a candidate fix)."""
    from bot.db import make_engine

    engine = make_engine(url)
    lock = threading.RLock()

    @event.listens_for(engine, "begin", insert=True)
    def _take(connection):  # type: ignore[no-untyped-def]
        lock.acquire()

    def _give(connection):  # type: ignore[no-untyped-def]
        try:
            lock.release()
        except RuntimeError:  # not held by this thread
            pass

    event.listen(engine, "commit", _give)
    event.listen(engine, "rollback", _give)
    return engine


def recording_apps(fake: object, engine: Engine) -> dict[str, App]:
    return {
        "bot": build_app(runtime_for(fake, engine), process_before_response=True),  # type: ignore[arg-type]
        "reference": floors.reference_app(api_url=fake.base_url, token=BOT_TOKEN, signing_secret=SIGNING_SECRET,  # type: ignore[attr-defined]
                                          process_before_response=True, engine=engine),
    }


def _send(app: App, sets: int, n: int, rng: random.Random) -> tuple[list[float], int]:
    latencies, errors = [], 0
    requests = [reply(rng.randrange(sets)).to_bolt_request() for _ in range(n)]
    for request in requests:
        started = time.perf_counter()
        response = app.dispatch(request)
        latencies.append(time.perf_counter() - started)
        errors += response.status != 200
    return latencies, errors


def run_throughput(results: Results, label: str, fake: object, engine: Engine, sets: int, *, rounds: int, n: int) -> None:
    """Sequential replies through app.dispatch with process_before_response=True (the ack waits
    for the record), so each dispatch is one whole recorded reply."""
    apps = recording_apps(fake, engine)
    rng = random.Random(3)

    def contender(name: str) -> Callable[[int], None]:
        def run(_round: int) -> None:
            started = time.perf_counter()
            _latencies, errors = _send(apps[name], sets, n, rng)
            results.add("2-throughput", f"{label}: replies/s", name, n / (time.perf_counter() - started))
            if errors:
                results.note("2-throughput", f"{label} {name}: {errors} errors in a round")

        return run

    interleaved(rounds, {name: contender(name) for name in apps})


def run_threads(results: Results, fake: object, url: str, immediate: Engine, sets: int, *, rounds: int, n: int,
                threads: int = 4) -> None:
    deferred = deferred_sqlite_engine(url)
    # Deferred BEGIN fails with "database is locked" (counted below); keep its stack traces out of the output.
    for name in ("bot", "slack_bolt"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    apps = {f"{name}, BEGIN IMMEDIATE": app for name, app in recording_apps(fake, immediate).items()}
    apps.update({f"{name}, deferred BEGIN": app for name, app in recording_apps(fake, deferred).items()})
    serialised = serialised_sqlite_engine(url)
    apps["bot, BEGIN IMMEDIATE + process lock"] = recording_apps(fake, serialised)["bot"]
    rng = random.Random(4)

    def contender(name: str) -> Callable[[int], None]:
        def run(_round: int) -> None:
            per_thread: list[tuple[list[float], int]] = []
            lock = threading.Lock()

            def worker(seed: int) -> None:
                outcome = _send(apps[name], sets, n // threads, random.Random(seed))
                with lock:
                    per_thread.append(outcome)

            workers = [threading.Thread(target=worker, args=(rng.random(),)) for _ in range(threads)]
            started = time.perf_counter()
            for w in workers:
                w.start()
            for w in workers:
                w.join()
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
                 "(process_before_response=True) into one SQLite file in WAL mode")
    deferred.dispose()
    serialised.dispose()
