"""Goal 5: resident memory of `python -m bot serve` after traffic, and of `python -m bot clock`
after its first tick (the clock ticks 60 s after it starts)."""

from __future__ import annotations

import random
import subprocess
import sys
import time

from tests.support.processes import free_port
from tests.support.slack_requests import url_verification

from bench.common import Results, bench_env, rss_mb
from bench.goal1_ack import Env, _requests
from bench.httpload import load
from bench.traffic import KINDS

CLOCK_FIRST_TICK_S = 60


def start_clock(env: Env) -> tuple[subprocess.Popen[bytes], float]:
    process = subprocess.Popen([sys.executable, "-m", "bot", "clock"], env=bench_env(env.fake.base_url, env.database_url),  # type: ignore[attr-defined]
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return process, time.monotonic()


def finish_clock(results: Results, process: subprocess.Popen[bytes], started: float) -> None:
    wait = CLOCK_FIRST_TICK_S + 5 - (time.monotonic() - started)
    if wait > 0:
        time.sleep(wait)
    if process.poll() is not None:
        results.note("5-memory", f"clock exited early: {process.stderr.read().decode()[-500:]}")  # type: ignore[union-attr]
        return
    results.add("5-memory", "RSS MB", "python -m bot clock (after its first tick)", rss_mb(process.pid))
    process.terminate()
    process.wait(timeout=10)


def serve_memory(results: Results, env: Env, *, requests: int, clients: int = 50) -> None:
    port = free_port()
    # stderr to DEVNULL, not an unread pipe: a full pipe blocks every logging call in the server.
    process = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--port", str(port)],
                               env=bench_env(env.fake.base_url, env.database_url),  # type: ignore[attr-defined]
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/slack/events"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if url_verification().post(url, timeout=2)[0] == 200:
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        results.add("5-memory", "RSS MB", "python -m bot serve (idle)", rss_mb(process.pid))
        rng = random.Random(5)
        per_client = max(1, requests // clients)
        batches = [sum((_requests(env, KINDS[(c + k) % len(KINDS)], 1, rng) for k in range(per_client)), [])
                   for c in range(clients)]
        outcomes = load(url, batches)
        time.sleep(1.0)
        results.add("5-memory", "RSS MB", f"python -m bot serve (after {len(outcomes)} requests, {clients} clients)",
                    rss_mb(process.pid))
    finally:
        process.terminate()
        process.wait(timeout=10)
