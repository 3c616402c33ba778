"""The one place that reads the system clock; everything else takes `now` as an argument."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current instant, timezone-aware UTC."""
    return datetime.now(UTC)
