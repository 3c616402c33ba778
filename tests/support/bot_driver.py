"""Drives the real Bolt app with signed requests and waits for its listener threads, without sleeps."""

from __future__ import annotations

import json
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from slack_bolt import App
from slack_bolt.response import BoltResponse

from bot.runtime import Runtime
from tests.support import slack_requests
from tests.support.fake_slack import FakeSlack
from tests.support.slack_requests import SignedRequest


class DrainableExecutor(ThreadPoolExecutor):
    """Bolt's listener executor, plus `drain()`: wait until every submitted listener has finished
    (and, once `also_drain` is given a background deliverer, until the posts they queued are sent)."""

    def __init__(self) -> None:
        super().__init__(max_workers=8, thread_name_prefix="listener")
        self._pending: set[Future[Any]] = set()
        self._lock = threading.Lock()
        self._deliverer: Any = None

    def also_drain(self, delivery: object) -> None:
        """Listeners poke this deliverer; drain waits for it too (inline delivery needs nothing)."""
        self._deliverer = delivery if hasattr(delivery, "wait_idle") else None

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        future = super().submit(fn, *args, **kwargs)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._forget)
        return future

    def _forget(self, future: Future[Any]) -> None:
        with self._lock:
            self._pending.discard(future)

    def drain(self, timeout: float = 30.0) -> None:
        while True:
            with self._lock:
                pending = list(self._pending)
            if not pending:
                break
            for future in pending:
                future.result(timeout=timeout)
        if self._deliverer is not None and not self._deliverer.wait_idle(timeout):
            raise TimeoutError("the background deliverer did not finish its passes")


class BotDriver:
    """One workspace's view of the bot under test."""

    def __init__(self, app: App, runtime: Runtime, executor: DrainableExecutor, fake: FakeSlack) -> None:
        self.app, self.runtime, self.executor, self.fake = app, runtime, executor, fake
        executor.also_drain(runtime.delivery)
        self.team_id = fake.team_id

    def send(self, request: SignedRequest) -> BoltResponse:
        response = self.app.dispatch(request.to_bolt_request())
        self.executor.drain()
        return response

    def command(self, text: str, *, user: str, channel: str, **kwargs: Any) -> BoltResponse:
        kwargs.setdefault("response_url", self.fake.response_url(f"cmd-{user}"))
        return self.send(
            slack_requests.slash_command(text, user_id=user, channel_id=channel, team_id=self.team_id, **kwargs)
        )

    def answer(self, text: str, *, user: str, channel: str) -> dict[str, Any]:
        """A command's ephemeral answer: what came through its response_url (commands that ack
        first, such as status), else its ack's body."""
        before = len(self.responses_for(user))
        body = ack_json(self.command(text, user=user, channel=channel))
        later = self.responses_for(user)[before:]
        return dict(later[-1]) if later else body

    def responses_for(self, user: str) -> list[dict[str, Any]]:
        """What the bot said through response_url to this user's commands."""
        return self.fake.responses_to(f"cmd-{user}")

    def event(self, event: dict[str, Any], **kwargs: Any) -> BoltResponse:
        return self.send(slack_requests.event(event, team_id=self.team_id, **kwargs))

    def click(self, action_id: str, *, user: str, **kwargs: Any) -> BoltResponse:
        kwargs.setdefault("response_url", self.fake.response_url(f"cmd-{user}"))
        return self.send(slack_requests.block_action(action_id, user_id=user, team_id=self.team_id, **kwargs))

    def submit(self, callback_id: str, values: dict[str, Any], *, user: str, **kwargs: Any) -> BoltResponse:
        return self.send(
            slack_requests.view_submission(callback_id, values, user_id=user, team_id=self.team_id, **kwargs)
        )


def ack_json(response: BoltResponse) -> dict[str, Any]:
    """The ack's body as Slack reads it: JSON, or plain text (an ephemeral message)."""
    if not response.body:
        return {}
    if response.headers.get("content-type", [""])[0].startswith("application/json"):
        return dict(json.loads(response.body))
    return {"text": response.body}
