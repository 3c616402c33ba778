"""A request id on every log line written while the bot handles one Slack request.

Bolt's middleware cannot wrap a request (each one returns before the listener runs), so the app
sets the id around `dispatch()`, the one door every request goes through: HTTP, Socket Mode and
tests. Listeners run on an executor's threads, so the executor carries the caller's context over.
"""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import ParamSpec, TypeVar

from slack_bolt import App, BoltRequest, BoltResponse

from bot.logs import request_id_var

P = ParamSpec("P")
T = TypeVar("T")


def request_id_of(body: object) -> str:
    """Slack's own id when there is one (so a log line can be matched to a delivery), else a new one."""
    if not isinstance(body, dict):  # garbage in must still get an id, not an exception
        body = {}
    for key in ("event_id", "trigger_id"):
        value = body.get(key)
        if isinstance(value, str) and value:
            return value
    return "req-" + uuid.uuid4().hex[:12]


class RequestIdApp(App):
    """A Bolt App that sets `request_id_var` for the duration of each dispatch."""

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        token = request_id_var.set(request_id_of(req.body))
        try:
            return super().dispatch(req)
        finally:
            request_id_var.reset(token)


class ContextExecutor(Executor):
    """Runs each task on `inner` inside a copy of the submitting thread's context (the request id)."""

    def __init__(self, inner: Executor) -> None:
        self._inner = inner

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        context = contextvars.copy_context()
        return self._inner.submit(context.run, fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._inner.shutdown(wait=wait, cancel_futures=cancel_futures)
