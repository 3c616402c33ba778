"""Refreshing a member's App Home: the one way the bot publishes it.

Every open publishes, even when nothing changed. Skipping an unchanged view needs to know what
Slack shows now, and with several web workers each only knows what it published itself: worker A
publishes X, worker B then Y, the member's state goes back to X, and A would skip, leaving Y.
"""

from __future__ import annotations

from slack_sdk import WebClient

from bot.db import read_scope
from bot.runtime import Runtime
from bot.services.home import home_for
from bot.slack.blocks.home import home_view


def refresh_home(runtime: Runtime, client: WebClient, *, team_id: str, user_id: str) -> None:
    """Read and render the member's Home, and publish it."""
    with read_scope(runtime.session_factory) as session:
        home = home_for(session, team_id=team_id, user_id=user_id)
    client.views_publish(user_id=user_id, view=home_view(home))
