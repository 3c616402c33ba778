"""The Bolt app factory: settings and runtime in, a wired `slack_bolt.App` out."""

from __future__ import annotations

import os
from concurrent.futures import Executor

from slack_bolt import App

from bot.runtime import Runtime
from bot.slack.listeners import actions, commands, errors, events, views


def build_app(
    runtime: Runtime,
    *,
    process_before_response: bool = False,
    listener_executor: Executor | None = None,
) -> App:
    """Build the app. `App(token=...)` calls auth.test now, so Slack (or the fake) must answer."""
    settings = runtime.settings
    client = runtime.clients.for_team("")
    if not settings.oauth_enabled:
        # Bolt turns on OAuth when these merely exist in the environment, even empty (see README).
        for name in ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"):
            os.environ.pop(name, None)
    options: dict[str, object] = {}
    if listener_executor is not None:
        options["listener_executor"] = listener_executor
    app = App(
        name="als-bot",
        client=client,  # carries the bot token, SLACK_API_URL and our retry handlers
        signing_secret=settings.signing_secret or "",
        process_before_response=process_before_response,
        **options,  # type: ignore[arg-type]
    )
    errors.register(app)
    commands.register(app, runtime)
    views.register(app, runtime)
    actions.register(app, runtime)
    events.register(app, runtime)
    return app
