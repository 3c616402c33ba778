"""ALS bot: asynchronous action learning sets in Slack.

Public entry points (operators, the Procfile and outside tests depend on these names):
`create_app()` returns the `slack_bolt.App`; `create_wsgi_app()` the WSGI app for gunicorn.
Both read settings from the environment at call time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

    from slack_bolt import App

    from bot.config import Settings

__all__ = ["create_app", "create_wsgi_app"]


def create_app(settings: Settings | None = None) -> App:
    """The Bolt app for these settings (default: from the environment)."""
    from bot.config import load_settings
    from bot.runtime import build_runtime
    from bot.slack.app import build_app

    settings = settings or load_settings()
    settings.require_http()
    return build_app(build_runtime(settings))


def create_wsgi_app(settings: Settings | None = None) -> WSGIApplication:
    """WSGI app serving POST /slack/events, GET /healthz (and, in OAuth mode, GET /slack/install and
    /slack/oauth_redirect); refuses an unmigrated database. Never starts the scheduler."""
    from bot.config import load_settings
    from bot.runtime import build_runtime
    from bot.schema import ensure_up_to_date
    from bot.slack.app import build_app
    from bot.wsgi import build_wsgi_app

    if settings is None:  # called by a server (gunicorn): this is the process's entry point
        from bot.logs import configure_logging

        settings = load_settings()
        configure_logging(settings.log_format, settings.log_level)
    settings.require_http()
    runtime = build_runtime(settings)
    ensure_up_to_date(runtime.engine)
    # No scheduler here: web workers only answer Slack; the Procfile's `clock` process ticks.
    return build_wsgi_app(build_app(runtime), runtime.engine)
