"""Logging set-up: plain text by default, one JSON object per line when LOG_FORMAT=json.

Every record carries `request_id`: the id of the Slack request being handled (set by
bot/slack/request_ids.py), or "-" outside one. Anything that looks like a Slack token is masked
by the formatters, whatever logged it.
"""

from __future__ import annotations

import json
import logging
import re
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TextIO

# The Slack request this thread (or listener task) is working for.
request_id_var: ContextVar[str | None] = ContextVar("als_request_id", default=None)

# xoxb- (bot), xoxp- (user), xoxa-/xoxr- (rotation), xoxe- (refresh), xapp- (app-level).
_TOKEN = re.compile(r"\b(xox[a-z]|xapp)-[A-Za-z0-9-]+")


def redact(text: str) -> str:
    """Mask Slack tokens, keeping their kind (`xoxb-***`) for diagnosis."""
    return _TOKEN.sub(r"\1-***", text)


class RequestIdFilter(logging.Filter):
    """Adds `record.request_id` (used by both formatters)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", None) or request_id_var.get() or "-",
            "message": redact(record.getMessage()),
        }
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get() or "-"
        return redact(super().format(record))


def configure_logging(log_format: str = "text", level: str = "INFO", *, stream: TextIO | None = None) -> None:
    """One handler on the root logger (stderr unless `stream` is given), JSON or text."""
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # slack-sdk logs whole request bodies (and so message text) at DEBUG; keep it at INFO or above.
    logging.getLogger("slack_sdk").setLevel(max(logging.INFO, root.level))
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
