"""The WSGI app: Bolt's adapter for Slack requests, plus `GET /healthz` for load balancers."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import Engine

from bot.db import database_answers

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

SLACK_EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"

def build_wsgi_app(app: App, engine: Engine) -> WSGIApplication:
    """Serve Slack at /slack/events (and the OAuth paths when enabled) and health at /healthz."""
    slack = SlackRequestHandler(app, path=SLACK_EVENTS_PATH)

    def wsgi_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            return _health(engine, start_response)
        try:
            return slack(environ, start_response)
        except (AttributeError, KeyError, TypeError, ValueError):
            # Bolt parses the body before it checks the signature, and some JSON it cannot read
            # (`null`, a non-string `user`) raises there: a bad request, not a server error.
            logger.warning("unreadable request body on %s", environ.get("PATH_INFO"))
            start_response("400 Bad Request", [("Content-Type", "text/plain"), ("Content-Length", "11")])
            return [b"Bad Request"]

    return wsgi_app

def _health(engine: Engine, start_response: StartResponse) -> Iterable[bytes]:
    healthy = database_answers(engine)
    body = json.dumps({"status": "ok" if healthy else "unavailable", "database": healthy}).encode()
    status = "200 OK" if healthy else "503 Service Unavailable"
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
