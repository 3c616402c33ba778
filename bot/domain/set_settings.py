"""A set's settings and their validation (what the setup modal collects)."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.domain.enums import Pace

MAX_NAME = 80
MAX_CONCURRENT_LIMIT = 2  # practice: at most two presentations per meeting
DEFAULT_REFLECTION_WEEKDAY = 4  # Friday
DEFAULT_REFLECTION_HOUR = 15
DEFAULT_WORKING_DAYS = frozenset(range(5))  # Mon-Fri
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

MIN_ACTIVE_MEMBERS = 4
MAX_ACTIVE_MEMBERS = 7
MIN_TO_PRESENT = 3  # presenter, facilitator and one questioner


@dataclass(frozen=True)
class SetSettings:
    name: str
    pace: Pace
    timezone: str  # IANA name
    working_days: frozenset[int]  # date.weekday() numbers
    reflection_weekday: int
    reflection_hour: int
    max_concurrent: int


def is_time_zone(name: str) -> bool:
    if not name or name not in _zones():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


_ZONES: set[str] | None = None


def _zones() -> set[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = available_timezones()
    return _ZONES


def validate_settings(
    *,
    name: str | None,
    pace: str | None,
    timezone: str | None,
    working_days: frozenset[int],
    reflection_weekday: int | None,
    reflection_hour: int | None,
    max_concurrent: int | None,
) -> tuple[SetSettings | None, dict[str, str]]:
    """Settings when valid, else None and a user-safe message per field name."""
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "Give the set a name."
    elif len(name) > MAX_NAME:
        errors["name"] = f"Keep the name to {MAX_NAME} characters (it has {len(name)})."
    if pace not in {p.value for p in Pace}:
        errors["pace"] = "Choose a pace."
    timezone = (timezone or "").strip()
    if not is_time_zone(timezone):
        errors["timezone"] = "Use a time zone name like Europe/London or America/New_York."
    if not working_days or not working_days <= set(range(7)):
        errors["working_days"] = "Choose at least one working day."
    if reflection_weekday is None or not 0 <= reflection_weekday <= 6:
        errors["reflection_weekday"] = "Choose a day for the weekly reflection."
    if reflection_hour is None or not 0 <= reflection_hour <= 23:
        errors["reflection_hour"] = "Choose an hour between 00 and 23."
    if max_concurrent not in range(1, MAX_CONCURRENT_LIMIT + 1):
        errors["max_concurrent"] = "Choose 1 or 2 presentations at a time."
    if errors:
        return None, errors
    assert pace is not None and reflection_weekday is not None and reflection_hour is not None
    assert max_concurrent is not None
    return (
        SetSettings(
            name=name,
            pace=Pace(pace),
            timezone=timezone,
            working_days=working_days,
            reflection_weekday=reflection_weekday,
            reflection_hour=reflection_hour,
            max_concurrent=max_concurrent,
        ),
        {},
    )


def encode_working_days(days: frozenset[int]) -> str:
    return ",".join(str(d) for d in sorted(days))


def decode_working_days(text: str) -> frozenset[int]:
    return frozenset(int(part) for part in text.split(",") if part.strip())
