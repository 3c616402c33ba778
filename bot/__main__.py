"""Command line: `python -m bot [migrate|serve|socket|clock|tick]`. The only place .env is loaded."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from dotenv import dotenv_values, find_dotenv
from sqlalchemy.exc import SQLAlchemyError

from bot.config import ConfigError, Settings, load_settings
from bot.logs import configure_logging
from bot.runtime import Runtime, build_runtime
from bot.schema import SchemaOutdated, ensure_up_to_date, upgrade_to_head

logger = logging.getLogger("bot")

DEFAULT_PORT = 3000


def load_dotenv_file() -> None:
    """Fill variables from .env; a real, non-empty environment variable wins."""
    path = find_dotenv(usecwd=True)
    if not path:
        return
    for key, value in dotenv_values(path).items():
        if value is not None and not os.environ.get(key):
            os.environ[key] = value


def parse_instant(text: str) -> datetime:
    """ISO 8601; a value without an offset is UTC."""
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 instant: {text!r} (try 2027-01-04T09:00:00Z)") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="ALS bot. Without a command: migrate, then Socket Mode if SLACK_APP_TOKEN is set "
        "(else HTTP), with the scheduler in the same process.",
    )
    sub = parser.add_subparsers(dest="command", metavar="command")
    sub.add_parser("migrate", help="upgrade the database to the latest migration")
    serve = sub.add_parser("serve", help="HTTP mode: POST /slack/events, GET /healthz")
    serve.add_argument("--port", type=int, help="port to bind on 0.0.0.0 (default: $PORT, else 3000)")
    sub.add_parser("socket", help="Socket Mode (needs SLACK_APP_TOKEN)")
    sub.add_parser("clock", help="run the scheduler on real time")
    tick = sub.add_parser("tick", help="run the work due at one instant, then exit")
    tick.add_argument("--at", type=parse_instant, help="ISO 8601 instant (default: now); no offset means UTC")
    return parser


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        logger.debug("http: " + format, *args)


def serve_http(runtime: Runtime, port: int) -> None:
    from bot.slack.app import build_app
    from bot.wsgi import build_wsgi_app

    wsgi_app = build_wsgi_app(build_app(runtime), runtime.engine)
    with make_server("0.0.0.0", port, wsgi_app, _ThreadingWSGIServer, _QuietHandler) as server:
        logger.info("serving Slack on http://0.0.0.0:%s/slack/events", port)
        server.serve_forever()


def serve_socket(runtime: Runtime) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.slack.app import build_app

    handler = SocketModeHandler(build_app(runtime), runtime.settings.app_token)
    logger.info("connecting to Slack in Socket Mode")
    handler.start()


def _port(args: argparse.Namespace) -> int:
    if args.port is not None:
        return int(args.port)
    raw = os.environ.get("PORT", "").strip()
    if not raw:
        return DEFAULT_PORT
    if not raw.isdigit():
        raise ConfigError(f"PORT must be a number, got {raw!r}.")
    return int(raw)


def run(args: argparse.Namespace, settings: Settings) -> int:
    command = args.command
    if command == "serve":
        settings.require_http()
    elif command == "socket":
        settings.require_socket()
    elif command == "clock":
        settings.require_bot_token()
    elif command is None:
        settings.require_socket() if settings.app_token else settings.require_http()

    runtime = build_runtime(settings)
    if command in ("migrate", None):
        upgrade_to_head(runtime.engine)
        if command == "migrate":
            print("database is at the latest migration")
            return 0
    ensure_up_to_date(runtime.engine)

    if command == "tick":
        from bot.scheduler.tick import run_tick

        summary = run_tick(runtime, args.at or runtime.now())
        print(summary.line())
        return 0
    if command == "clock":
        from bot.scheduler.runner import run_clock

        run_clock(runtime)
        return 0
    if command == "serve":
        serve_http(runtime, _port(args))
        return 0
    if command == "socket":
        serve_socket(runtime)
        return 0

    # No command: the single-machine default, scheduler in this process.
    from bot.scheduler.runner import start_background_clock

    start_background_clock(runtime)
    if settings.app_token:
        serve_socket(runtime)
    else:
        serve_http(runtime, _port(args))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    load_dotenv_file()
    try:
        settings = load_settings()
        configure_logging(settings.log_format, settings.log_level)
        return run(args, settings)
    except (ConfigError, SchemaOutdated) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except SQLAlchemyError as error:
        print(f"error: the database did not answer ({type(error).__name__}); check DATABASE_URL.", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
