"""Drop events whose fields do not have the types Slack documents, before any listener runs.

Listeners can then rely on the documented shapes: ids, ts and text are strings; `user_change`
carries a user object; a reaction's `item`, an edit's `message` are objects. A malformed event is
acknowledged (200, so Slack does not redeliver it) and logged without its content.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltResponse

logger = logging.getLogger(__name__)

STRINGS = ("user", "channel", "channel_type", "ts", "thread_ts", "event_ts", "text", "subtype", "bot_id", "deleted_ts",
           "tab", "reaction", "inviter")
OBJECTS = ("item", "message", "previous_message", "tokens", "view", "root", "edited")
USER_OBJECT_EVENTS = ("user_change", "team_join")


def is_well_formed(event: Any) -> bool:
    """True when the event's well-known fields have their documented types (absent or null is fine)."""
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        return False
    strings = STRINGS
    if event["type"] in USER_OBJECT_EVENTS:
        user = event.get("user")
        if not (isinstance(user, dict) and isinstance(user.get("id"), str)):
            return False
        if not isinstance(user.get("tz"), str | None) or not isinstance(user.get("deleted", False), bool):
            return False
        strings = tuple(k for k in STRINGS if k != "user")
    if any(event.get(key) is not None and not isinstance(event[key], str) for key in strings):
        return False
    return all(event.get(key) is None or isinstance(event[key], dict) for key in OBJECTS)


def drop_malformed_events(body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse | None:  # noqa: A002 - Bolt's name
    """Bolt global middleware (after signature verification)."""
    if body.get("type") == "event_callback" and not is_well_formed(body.get("event")):
        logger.warning("ignored a malformed event %s (team %s)", body.get("event_id"), body.get("team_id"))
        return BoltResponse(status=200, body="")
    return next()
