"""One error handler for every listener: tell the user, log the rest."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, Respond

from bot.errors import UserFacingError

logger = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong on my side and nothing was changed. Please try again in a minute."


def register(app: App) -> None:
    @app.error
    def handle_error(error: Exception, body: dict[str, Any], respond: Respond | None) -> None:
        if isinstance(error, UserFacingError):
            message = str(error)
            logger.info("user error: %s", message)
        else:
            message = SORRY
            logger.exception("listener failed (team %s)", _team_of(body), exc_info=error)
        if respond is not None:
            try:
                respond(text=message, response_type="ephemeral", replace_original=False)
            except Exception:  # the response_url may be spent or expired; the log has the story
                logger.warning("could not tell the user about an error", exc_info=True)


def _team_of(body: dict[str, Any]) -> str | None:
    team = body.get("team_id") or body.get("team")
    return team.get("id") if isinstance(team, dict) else team
