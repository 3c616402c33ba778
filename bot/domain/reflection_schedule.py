"""When a member's weekly reflection DM is due, in the member's own time zone.

A reflection belongs to the member's local week (Monday to Sunday); the pair (member, week_start)
is the natural idempotency key for "one DM a week", whatever the number of sets.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot.domain.calendar import local_moment, zone
from bot.domain.dates import local_today


def week_start(now_utc: datetime, tz: str) -> date:
    """The Monday of the member's local week at the instant `now_utc`."""
    today = local_today(now_utc, tz)
    return today - timedelta(days=today.weekday())


def reflection_due_at(
    week_start: date, *, weekday: int, hour: int, tz: str, minute: int = 0
) -> datetime:
    """The UTC instant of the reflection in the week starting `week_start` (a Monday).

    The local wall-clock time stays fixed across DST changes. A time that does not exist locally
    (clocks jump forward) is sent that much later; one that happens twice (clocks go back) is sent
    at the first occurrence.
    """
    if week_start.weekday() != 0:
        raise ValueError(f"week_start must be a Monday, got {week_start.isoformat()}")
    if not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0 (Mon) to 6 (Sun), got {weekday}")
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ValueError(f"invalid local time {hour:02d}:{minute:02d}")
    return local_moment(week_start + timedelta(days=weekday), time(hour, minute), zone(tz))
