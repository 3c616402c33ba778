"""Helpers listeners use after their transaction: send what they queued without waiting for a tick."""

from __future__ import annotations

from bot.runtime import Runtime
from bot.services.presentations import SubmitResult
from bot.slack.poster import Poster

SOON_LIMIT = 20  # a request thread delivers a few posts; the tick takes the rest
SOON_MAX_PACING_WAIT = 1.0  # seconds: a request thread never queues longer behind the rate limits


def deliver_soon(runtime: Runtime) -> None:
    """Deliver due posts now (whoever claims first sends; the tick picks up anything left)."""
    Poster(runtime, max_pacing_wait=SOON_MAX_PACING_WAIT).deliver_due(runtime.now(), limit=SOON_LIMIT)


def submitted_text(result: SubmitResult) -> str:
    if result.duplicate:
        return "You've already presented this one; it's in the channel."
    if result.queued_position is None:
        return "Thank you! Your problem is being posted in the channel; everything happens in its thread."
    return (
        f"The set is already running its maximum of presentations, so yours is queued "
        f"(number {result.queued_position}). It starts by itself when a slot frees up."
    )
