"""Shared set-up for the reliability suite: a set with an open presentation, and concurrent sends."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import func, select

from bot.db import session_scope
from tests.scenarios.presentation_helpers import CHANNEL, MEMBERS, make_set, root_ts
from tests.support.bot_driver import BotDriver
from tests.support.slack_requests import SignedRequest

NOW = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)  # a Monday; London = UTC in January
T = TypeVar("T")

__all__ = ["CHANNEL", "MEMBERS", "NOW", "at_once", "count", "open_presentation", "present", "set_up"]


def set_up(bot: BotDriver) -> int:
    """A six-member set in CHANNEL, made three days before NOW (tests freeze the clock at NOW)."""
    return make_set(bot, NOW - timedelta(days=3))


def present(bot: BotDriver, user: str = "U1", text: str = "Stakeholders ignore our roadmap\nThey keep adding work.") -> str:
    bot.command(f"present {text}", user=user, channel=CHANNEL)
    return root_ts(bot.fake)


def open_presentation(bot: BotDriver) -> str:
    """A set with one running presentation; its root message's ts."""
    set_up(bot)
    return present(bot)


def count(bot: BotDriver, model: Any, *where: Any) -> int:
    with session_scope(bot.runtime.session_factory) as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def at_once(calls: Sequence[Callable[[], T]]) -> list[T]:
    """Run the calls on their own threads, released together by a barrier; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    failures: list[BaseException] = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = calls[i]()
        except BaseException as error:  # surfaced below, in the test's thread
            failures.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if failures:
        raise failures[0]
    return results


def dispatch_all(bot: BotDriver, requests: Sequence[SignedRequest]) -> list[int]:
    """Dispatch requests concurrently (as Slack's retries and double clicks arrive); statuses."""
    statuses = at_once([lambda r=r: bot.app.dispatch(r.to_bolt_request()).status for r in requests])
    bot.executor.drain()
    return statuses
