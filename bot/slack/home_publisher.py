"""Refreshing a member's App Home: the one way the bot publishes it.

Every Home publish goes through `refresh_home`, so `PublishedHomes` always knows what this process
last sent: a Home re-opened with nothing changed costs a read and a render, but no Slack call.
"""

from __future__ import annotations

import hashlib
import json

from slack_sdk import WebClient

from bot.db import read_scope
from bot.runtime import Runtime
from bot.services.home import home_for
from bot.slack.blocks.home import home_view


def refresh_home(runtime: Runtime, client: WebClient, *, team_id: str, user_id: str) -> bool:
    """Read and render the member's Home; publish it unless Slack already shows it. True if published."""
    with read_scope(runtime.session_factory) as session:
        home = home_for(session, team_id=team_id, user_id=user_id)
    view = home_view(home)
    key, digest = (team_id, user_id), _digest(view)
    if runtime.published_homes.unchanged(key, digest):
        return False
    with runtime.published_homes.publishing(key, digest):  # a Slack error raises: nothing remembered
        client.views_publish(user_id=user_id, view=view)
    return True


def _digest(view: dict[str, object]) -> bytes:
    return hashlib.blake2b(json.dumps(view, separators=(",", ":")).encode(), digest_size=16).digest()
