"""A clock process for the multi-process test: `python -m tests.reliability.tick_worker URL API AT ROUNDS`.

The same `run_tick` as `python -m bot tick --at`, minus proactive pacing (which would make the
test wait for real); each round runs a minute later than the previous one.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta

from bot.config import Settings
from bot.runtime import build_runtime
from bot.scheduler.tick import run_tick
from tests.reliability.conftest import unpaced


def main(database_url: str, api_url: str, at: str, rounds: int) -> None:
    settings = Settings(bot_token="xoxb-test", signing_secret=None, app_token=None, database_url=database_url,
                        slack_api_url=api_url)
    runtime = unpaced(build_runtime(settings))
    now = datetime.fromisoformat(at)
    for _ in range(rounds):
        summary = run_tick(runtime, now)
        print(summary.line(), flush=True)
        if summary.failures:
            sys.exit(3)
        now += timedelta(minutes=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
