"""The Bolt app factory: settings and runtime in, a wired `slack_bolt.App` out."""

from __future__ import annotations

import os
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from slack_bolt import App

from bot.runtime import Runtime
from bot.slack.client import make_web_client
from bot.slack.event_shapes import drop_malformed_events
from bot.slack.oauth import oauth_settings
from bot.slack.request_ids import ContextExecutor, RequestIdApp
from bot.slack.listeners import actions, commands, errors, events, lifecycle, presentations, views
from bot.slack.listeners import action_followup, reflections

# Listener threads per process. With process_before_response=False every command and button ack
# runs on this pool while the HTTP thread polls for it, so an ack must never queue behind other
# listeners' after-ack work (a transaction, respond, views.publish; posts go to the background
# deliverer), which runs a few at a time (bot/slack/after_ack.py) while the rest of a burst's
# listeners wait for their turn on threads of this pool: so the pool is large (50 clients on 2
# cores: ack p99 ~210-330 ms with 128 threads, ~130-190 ms with 256). The pool only creates a
# thread when none is idle, so a generous cap costs nothing at rest.
LISTENER_THREADS = 256


def build_app(
    runtime: Runtime,
    *,
    process_before_response: bool = False,
    listener_executor: Executor | None = None,
) -> App:
    """Build the app. `App(token=...)` calls auth.test now, so Slack (or the fake) must answer."""
    settings = runtime.settings
    options: dict[str, Any] = {}
    if runtime.oauth is not None:
        # Multi-workspace: Bolt finds each request's token in the installation store; the app's
        # own client has no token but carries SLACK_API_URL (used by the OAuth flow too).
        client = make_web_client(None, settings.slack_api_url)
        options["installation_store"] = runtime.oauth.installations
        options["oauth_settings"] = oauth_settings(settings, runtime.oauth)
    else:
        client = runtime.clients.for_team("")
        # Bolt turns on OAuth when these merely exist in the environment, even empty (see README).
        for name in ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"):
            os.environ.pop(name, None)
    # Listeners run on these threads; ContextExecutor carries the request id into them.
    executor = ContextExecutor(listener_executor or ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="bolt"))
    app = RequestIdApp(
        name="als-bot",
        client=client,  # carries the bot token (single mode), SLACK_API_URL and our retry handlers
        signing_secret=settings.signing_secret or "",
        process_before_response=process_before_response,
        listener_executor=executor,
        **options,
    )
    app.middleware(drop_malformed_events)  # listeners may rely on the documented event shapes
    # Bolt tries listeners in registration order and each check costs ~0.04 ms (it builds the
    # matcher's arguments), so the busiest kinds come first: /als, thread replies, App Home,
    # "I've read it" (a reply used to pass 8 checks: ~0.3 ms of its ~1.5 ms).
    # No two listeners take the same command, action, view or event (message listeners differ
    # by channel type), so the order changes only the cost.
    errors.register(app)
    commands.register(app, runtime)
    presentations.register_thread_replies(app, runtime)
    events.register_app_home(app, runtime)
    presentations.register_read_button(app, runtime)
    lifecycle.register(app, runtime)
    events.register(app, runtime)
    presentations.register(app, runtime)
    reflections.register(app, runtime)
    views.register(app, runtime)
    actions.register(app, runtime)
    action_followup.register(app, runtime)
    return app
