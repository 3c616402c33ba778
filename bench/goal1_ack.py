"""Goal 1: ack latency of the five request kinds, in-process and over HTTP (gunicorn), and 50 clients."""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass

from slack_bolt import App

from bot.slack.app import build_app
from tests.support.bot_driver import DrainableExecutor
from tests.support.processes import free_port
from tests.support.slack_requests import SIGNING_SECRET, url_verification

from bench import floors
from bench.common import BOT_TOKEN, Results, bench_env, interleaved, ms, percentile, runtime_for, start_fake_process
from bench.httpload import load
from bench.seed import Seeded
from bench.traffic import KINDS, request

GUNICORN_FLAGS = ["--workers", "2", "--threads", "4", "--log-level", "warning"]  # the Procfile's defaults


@dataclass
class Env:
    """What the goals share: the fake Slack, the seeded SQLite database, its engine and sizes."""

    fake: object
    engine: object
    database_url: str
    sets: int
    presentation_ids: list[int]


def inprocess_apps(env: Env) -> dict[str, tuple[App, DrainableExecutor]]:
    api = env.fake.base_url  # type: ignore[attr-defined]
    apps: dict[str, tuple[App, DrainableExecutor]] = {}
    ex = DrainableExecutor()
    runtime = runtime_for(env.fake, env.engine)  # type: ignore[arg-type]
    ex.also_drain(runtime.delivery)  # the bot's posts (background deliverer) are after-ack work too
    apps["bot (pbr=False)"] = (build_app(runtime, listener_executor=ex), ex)
    for pbr in (False, True):
        ex = DrainableExecutor()
        apps[f"bare Bolt (pbr={pbr})"] = (floors.make_bare(api_url=api, token=BOT_TOKEN, signing_secret=SIGNING_SECRET,
                                                           process_before_response=pbr, listener_executor=ex), ex)
        ex = DrainableExecutor()
        apps[f"reference (pbr={pbr})"] = (floors.reference_app(api_url=api, token=BOT_TOKEN, signing_secret=SIGNING_SECRET,
                                                               process_before_response=pbr, engine=env.engine,  # type: ignore[arg-type]
                                                               listener_executor=ex), ex)
    return apps


def _requests(env: Env, kind: str, n: int, rng: random.Random, fake: object = None) -> list:
    """`n` requests of `kind` from random sets; response_url points at `fake` (default: env.fake)."""
    response_url = (fake or env.fake).response_url("bench")  # type: ignore[attr-defined]
    out = []
    for _ in range(n):
        i = rng.randrange(env.sets)
        out.append(request(kind, i, presentation_id=env.presentation_ids[i], response_url=response_url))
    return out


def run_inprocess(results: Results, env: Env, *, rounds: int, per_kind: int) -> None:
    apps = inprocess_apps(env)
    rng = random.Random(1)
    failures: dict[str, int] = {}

    def contender(name: str) -> Callable[[int], None]:
        app, executor = apps[name]

        def run(_round: int) -> None:
            for kind in KINDS:
                latencies = []
                for req in _requests(env, kind, per_kind, rng):
                    bolt_request = req.to_bolt_request()
                    started = time.perf_counter()
                    response = app.dispatch(bolt_request)
                    latencies.append(time.perf_counter() - started)
                    if response.status != 200:
                        failures[name] = failures.get(name, 0) + 1
                    executor.drain()  # the listener's after-ack work, untimed
                results.add("1-inprocess", f"{kind} p50 ms", name, ms(percentile(latencies, 50)))
                results.add("1-inprocess", f"{kind} p99 ms", name, ms(percentile(latencies, 99)))

        return run

    interleaved(rounds, {name: contender(name) for name in apps})
    for name, count in failures.items():
        results.note("1-inprocess", f"{name}: {count} non-200 answers (bare Bolt has no listener for some kinds)")


def start_gunicorn(target: str, env_vars: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    # stderr to a file, never an unread pipe: once 64 KB of log lines fill a pipe, every logging
    # call in the server blocks on the handler's lock and the server stops answering.
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", *GUNICORN_FLAGS, target],
        env=env_vars, stdout=subprocess.DEVNULL, stderr=log,
    )
    url = f"http://127.0.0.1:{port}/slack/events"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"{target} exited: {log.read().decode()[-2000:]}")
        try:
            if url_verification().post(url, timeout=2)[0] == 200:
                return process, url
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{target} did not start")


def http_servers(env: Env, fake_url: str, database_url: str | None = None, *, bare: bool = True) -> dict[str, tuple[subprocess.Popen[bytes], str]]:
    base = bench_env(fake_url, database_url or env.database_url)
    servers = {}
    servers["bot (pbr=False)"] = start_gunicorn("bot:create_wsgi_app()", base)
    if bare:
        servers["bare Bolt (pbr=False)"] = start_gunicorn("bench.floors:bare_wsgi()", base)
    servers["reference (pbr=False)"] = start_gunicorn("bench.floors:reference_wsgi()", base)
    return servers


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _concurrent_round(results: Results, goal: str, env: Env, name: str, url: str, fake: object, rng: random.Random,
                      clients: int, per_client: int) -> None:
    """`clients` concurrent clients, each sending `per_client` requests (the five kinds in turn)."""
    batches = [sum((_requests(env, KINDS[(c + k) % len(KINDS)], 1, rng, fake) for k in range(per_client)), [])
               for c in range(clients)]
    outcomes = load(url, batches)
    latencies = [t for t, _ in outcomes]
    acked = sum(1 for t, status in outcomes if status == 200 and t <= 3.0)
    results.add(goal, "p50 ms", name, ms(percentile(latencies, 50)))
    results.add(goal, "p99 ms", name, ms(percentile(latencies, 99)))
    results.add(goal, "max ms", name, ms(max(latencies)))
    results.add(goal, "acked within 3 s (%)", name, 100.0 * acked / len(outcomes))
    time.sleep(0.5)  # let the after-ack work of this contender finish before the next one


def run_concurrency_on(results: Results, env: Env, database_url: str, *, rounds: int, clients: int, per_client: int) -> None:
    """Goal 1c again with both apps on `database_url` (PostgreSQL: what the Procfile's 2 workers
    expect; the README says SQLite is for one process). Only the bot and the reference."""
    seeded = Seeded(sets=env.sets, dm_members=0, open_presentation_ids=[])
    fake = start_fake_process(seeded.users(), seeded.channels())
    servers = http_servers(env, fake.base_url, database_url, bare=False)
    rng = random.Random(5)
    try:
        interleaved(rounds, {name: (lambda _round, name=name, url=url: _concurrent_round(
            results, "1-concurrency-pg", env, name, url, fake, rng, clients, per_client)) for name, (_p, url) in servers.items()})
        results.note("1-concurrency-pg", f"{clients} concurrent clients x {per_client} requests each, as above; "
                     f"gunicorn {' '.join(GUNICORN_FLAGS)}; the PostgreSQL server runs on the same 2 cores")
    finally:
        stop([p for p, _ in servers.values()])
        fake.stop()


def run_http(results: Results, env: Env, *, rounds: int, per_kind: int, clients: int, per_client: int) -> None:
    # The fake Slack of these runs serves from its own process (see start_fake_process): the bot,
    # bare Bolt and the reference all call the same one, and none of them shares the client's GIL.
    seeded = Seeded(sets=env.sets, dm_members=0, open_presentation_ids=[])
    fake = start_fake_process(seeded.users(), seeded.channels())
    servers = http_servers(env, fake.base_url)
    rng = random.Random(2)
    try:
        def contender(name: str) -> Callable[[int], None]:
            _process, url = servers[name]

            def run(_round: int) -> None:
                for kind in KINDS:  # one client, one request at a time
                    outcomes = load(url, [_requests(env, kind, per_kind, rng, fake)])
                    latencies = [t for t, _ in outcomes]
                    results.add("1-http", f"{kind} p50 ms", name, ms(percentile(latencies, 50)))
                    results.add("1-http", f"{kind} p99 ms", name, ms(percentile(latencies, 99)))
                _concurrent_round(results, "1-concurrency", env, name, url, fake, rng, clients, per_client)

            return run

        interleaved(rounds, {name: contender(name) for name in servers})
        results.note("1-concurrency", f"{clients} concurrent clients x {per_client} requests each (the five kinds in turn) "
                     f"per round; gunicorn {' '.join(GUNICORN_FLAGS)} for every app")
    finally:
        stop([p for p, _ in servers.values()])
        fake.stop()
