"""Helpers listeners use after their transaction: send what they queued without waiting for a tick.

Listeners call `deliver_soon(runtime)`; the runtime's delivery strategy decides where the posts are
sent. In a server that is `BackgroundDelivery`: one thread per process, so posts (and their pacing
waits, up to a second each) never hold the listener threads that every command and button ack
needs. Tests use `InlineDelivery`, which posts in the calling thread: the harness drains the
listener executor and every post has been made, with no sleeps or polling.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from typing import TYPE_CHECKING, Protocol

from bot.services.presentations import SubmitResult

if TYPE_CHECKING:
    from bot.runtime import Runtime

logger = logging.getLogger(__name__)

SOON_LIMIT = 20  # posts per delivery pass; the tick takes the rest
SOON_MAX_PACING_WAIT = 1.0  # seconds a pass waits for a rate-limit slot before leaving the post to the tick
EXIT_WAIT = 10.0  # seconds a stopping process waits for the running pass (gunicorn's graceful timeout is 30)


class Delivery(Protocol):
    def poke(self, runtime: Runtime) -> None:
        """Posts are due: deliver them soon (never raises for a delivery failure in the background)."""


def deliver_pass(runtime: Runtime) -> None:
    """One pass over due posts (whoever claims first sends; the tick picks up anything left)."""
    from bot.slack.poster import Poster  # the poster imports the runtime, which imports this module

    Poster(runtime, max_pacing_wait=SOON_MAX_PACING_WAIT).deliver_due(runtime.now(), limit=SOON_LIMIT)


class InlineDelivery:
    """Deliver in the caller's thread (tests, one-shot commands)."""

    def poke(self, runtime: Runtime) -> None:
        deliver_pass(runtime)


class BackgroundDelivery:
    """One delivery thread per process, woken by pokes.

    Pokes never block: they set a flag and notify. Pokes that arrive during a pass are coalesced
    into one more pass. The thread starts on the first poke, in the process that pokes, so a
    runtime built before gunicorn forks its workers still gets a thread in each worker.
    Exactly-once is the outbox's job (a post is claimed before it is sent), not this class's.
    """

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self._cond = threading.Condition()
        self._pid = os.getpid()
        self._thread: threading.Thread | None = None
        self._runtime: Runtime | None = None
        self._pending = False
        self._busy = False
        self.passes = 0  # completed passes (tests check coalescing with it)

    def poke(self, runtime: Runtime) -> None:
        if self._pid != os.getpid():  # forked: the parent's thread and lock do not exist here
            self._reset()
        with self._cond:
            self._runtime = runtime
            self._pending = True
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="deliverer", daemon=True)
                self._thread.start()
                # A worker shutting down finishes the pass in hand, so no claim is left to go stale.
                atexit.register(self.wait_idle, EXIT_WAIT)
            self._cond.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Block until no pass is running or pending (tests and the bench); False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._pending and not self._busy, timeout)

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending)
                self._pending, self._busy, runtime = False, True, self._runtime
            try:
                if runtime is not None:
                    deliver_pass(runtime)
            except Exception:  # the tick retries whatever this pass could not send
                logger.exception("background delivery pass failed")
            finally:
                with self._cond:
                    self._busy = False
                    self.passes += 1
                    self._cond.notify_all()


def deliver_soon(runtime: Runtime) -> None:
    """Deliver due posts soon, by the runtime's delivery strategy."""
    runtime.delivery.poke(runtime)


def submitted_text(result: SubmitResult) -> str:
    if result.duplicate:
        return "You've already presented this one; it's in the channel."
    if result.queued_position is None:
        return "Thank you! Your problem is being posted in the channel; everything happens in its thread."
    return (
        f"The set is already running its maximum of presentations, so yours is queued "
        f"(number {result.queued_position}). It starts by itself when a slot frees up."
    )
