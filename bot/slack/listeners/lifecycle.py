"""App lifecycle events: the app was uninstalled, or its tokens were revoked.

Slack sends both without a usable token (Bolt skips authorisation for them). We forget the
workspace's tokens (OAuth mode) and pause its sets, so the scheduler stops posting there.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext

from bot.db import session_scope
from bot.runtime import Runtime
from bot.services.workspaces import pause_workspace_sets
from bot.slack.after_ack import in_turn

logger = logging.getLogger(__name__)


def register(app: App, runtime: Runtime) -> None:
    @app.event("app_uninstalled")
    @in_turn
    def handle_event_app_uninstalled(context: BoltContext) -> None:
        _forget_workspace(runtime, context, reason="the app was uninstalled from this workspace")

    @app.event("tokens_revoked")
    @in_turn
    def handle_event_tokens_revoked(event: dict[str, Any], context: BoltContext) -> None:
        tokens = event.get("tokens") or {}
        if runtime.oauth is not None:
            # User tokens (we ask for none, but an installer's may exist): forget just those.
            for user_id in tokens.get("oauth") or []:
                runtime.oauth.installations.delete_installation(
                    enterprise_id=context.enterprise_id, team_id=_team(context), user_id=user_id
                )
        if tokens.get("bot"):
            _forget_workspace(runtime, context, reason="the bot's token was revoked")


def _team(context: BoltContext) -> str | None:
    """An org-wide install is stored without a team id."""
    return None if context.is_enterprise_install else context.team_id


def _forget_workspace(runtime: Runtime, context: BoltContext, *, reason: str) -> None:
    if runtime.oauth is not None:
        runtime.oauth.installations.delete_all(enterprise_id=context.enterprise_id, team_id=_team(context))
    with session_scope(runtime.session_factory) as session:
        paused = pause_workspace_sets(
            session, team_id=_team(context), enterprise_id=context.enterprise_id, reason=reason, now=runtime.now()
        )
    forgotten = "tokens forgotten, " if runtime.oauth is not None else ""
    logger.warning(
        "workspace %s (enterprise %s): %s; %s%d set(s) paused",
        context.team_id, context.enterprise_id, reason, forgotten, len(paused),
    )
