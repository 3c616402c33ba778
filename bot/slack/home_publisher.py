"""Refreshing a member's App Home: the one way the bot publishes it.

An unchanged Home is not published again. What "unchanged" means comes from Slack itself:
every published view carries a digest of its content in `private_metadata`, and
`app_home_opened` brings the view Slack shows now. A process's own memory of what it published
would not do: with several web workers each knows only its own publishes (worker A publishes X,
B then Y, the member's state goes back to X, and A would skip, leaving Y).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from slack_sdk import WebClient

from bot.db import read_scope
from bot.runtime import Runtime
from bot.services.home import home_for
from bot.slack.blocks.home import home_view


def refresh_home(
    runtime: Runtime, client: WebClient, *, team_id: str, user_id: str, shown: dict[str, Any] | None = None
) -> bool:
    """Read and render the member's Home, and publish it unless `shown` (the view Slack sent with
    the event, if any) is this very view. True when it published."""
    with read_scope(runtime.session_factory) as session:
        home = home_for(session, team_id=team_id, user_id=user_id)
    view = home_view(home)
    digest = view_digest(view)
    if shown is not None and shown.get("private_metadata") == digest:
        return False  # views.publish is Tier 4 (100 a minute per workspace): don't spend one on no change
    client.views_publish(user_id=user_id, view={**view, "private_metadata": digest})
    return True


def view_digest(view: dict[str, Any]) -> str:
    """A short digest of a view's content (Slack's `private_metadata` holds up to 3,000 characters)."""
    canonical = json.dumps(view, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "home:" + hashlib.sha256(canonical.encode()).hexdigest()[:32]
