"""APScheduler wiring: one job with a stable id that calls `run_tick` every interval.

No pickled job store and no job per set: the database is the source of truth for what is due.
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from bot.runtime import Runtime
from bot.scheduler.tick import run_tick

logger = logging.getLogger(__name__)

TICK_JOB_ID = "als-tick"
TICK_INTERVAL_SECONDS = 60


def _tick_now(runtime: Runtime) -> None:
    summary = run_tick(runtime, runtime.now())
    logger.info(summary.line())


def add_tick_job(scheduler: BaseScheduler, runtime: Runtime, interval_seconds: int = TICK_INTERVAL_SECONDS) -> None:
    scheduler.add_job(
        _tick_now,
        "interval",
        seconds=interval_seconds,
        args=[runtime],
        id=TICK_JOB_ID,
        replace_existing=True,
        coalesce=True,  # after a pause, run once, not once per missed interval
        max_instances=1,  # never two ticks at once in this process
        misfire_grace_time=interval_seconds,
    )


def run_clock(runtime: Runtime) -> None:
    """The `clock` process: block and tick forever."""
    scheduler = BlockingScheduler(timezone="UTC")
    add_tick_job(scheduler, runtime)
    logger.info("clock started: ticking every %s s", TICK_INTERVAL_SECONDS)
    scheduler.start()


def start_background_clock(runtime: Runtime) -> BackgroundScheduler:
    """The single-machine mode's in-process scheduler."""
    scheduler = BackgroundScheduler(timezone="UTC")
    add_tick_job(scheduler, runtime)
    scheduler.start()
    return scheduler
