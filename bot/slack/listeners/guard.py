"""Keep a listener's failure from undoing its ack.

slack-bolt 1.30 (listener/thread_runner.py): when a listener raises after calling `ack()`, Bolt
resets the ack and Slack gets a 404 "unhandled request" after the 3 s timeout. So command,
action and view listeners handle their own errors: a UserFacingError is told to the user
ephemerally; anything else is logged with its stack and the user gets an apology.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from bot.errors import UserFacingError
from bot.slack.after_ack import TurnAfterAck

logger = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong on my side and nothing was changed. Please try again in a minute."

F = TypeVar("F", bound=Callable[..., Any])


def guarded(listener: F) -> F:
    """Wrap a Bolt listener; its signature (which Bolt reads to inject arguments) is kept.

    Bolt passes only the arguments a listener declares: declare `ack`, `body` and (for commands
    and buttons) `respond`, so the guard can answer the user. Once the listener has acked, the
    rest of it waits for its turn (bot/slack/after_ack.py).
    """

    @functools.wraps(listener)
    def run(**kwargs: Any) -> Any:
        ack = None
        if "ack" in kwargs:
            ack = kwargs["ack"] = TurnAfterAck(kwargs["ack"])
        try:
            return listener(**kwargs)
        except UserFacingError as error:
            logger.info("refused %s: %s", listener.__name__, error)
            tell_user(kwargs, str(error))
        except Exception:
            logger.exception("listener %s failed", listener.__name__)
            tell_user(kwargs, SORRY)
        finally:
            if ack is not None:
                ack.release()
        return None

    return run  # type: ignore[return-value]


def tell_user(kwargs: dict[str, Any], message: str) -> None:
    """Ephemeral, by whatever the request offers: the open ack, its response_url, or a DM-less log."""
    ack = kwargs.get("ack")
    if ack is not None and ack.response is None:
        if kwargs.get("command") is not None:
            ack(text=message)  # a slash command shows its ack's text to the user
            return
        ack()
    respond = kwargs.get("respond")
    body = kwargs.get("body") or {}
    if respond is not None and (body.get("response_url") or body.get("response_urls")):
        try:
            respond(text=message, response_type="ephemeral", replace_original=False)
            return
        except Exception:  # an expired response_url: the log keeps the story
            logger.warning("could not tell the user", exc_info=True)
    client, user = kwargs.get("client"), (body.get("user") or {}).get("id")
    channel = (body.get("channel") or {}).get("id") if isinstance(body.get("channel"), dict) else None
    if client is not None and user and channel:
        try:
            client.chat_postEphemeral(channel=channel, user=user, text=message)
        except Exception:
            logger.warning("could not tell the user", exc_info=True)
