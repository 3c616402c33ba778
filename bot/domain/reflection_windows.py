"""Which weekly reflection times can be due at an instant, as local hour-of-week windows.

A set's reflection time is a local (weekday, hour): an "hour of week" T = weekday * 24 + hour,
0..167, read on each member's own wall clock. The scheduler must find, cheaply and in SQL, the
members whose T has just passed in their zone. Two helpers make that possible:

- `coarse_spans`: the T values that can be due *somewhere on Earth* at `now` (UTC offsets run from
  -12 to +14). If no active set has a T in there, nothing is due and the tick stops after one query.
- `due_windows`: for one time zone, the T values due at `now`, with the week (and so the work key)
  they belong to. Wall-clock windows are padded by an hour so DST changes never hide a due time;
  the exact instant is then checked with `reflection_due_at` (the source of truth).

Stale rule: a prompt more than `STALE_AFTER` (a day) late is skipped for that week, so a bot that
was down over the reflection time does not send last Friday's prompt on Sunday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.domain.calendar import ensure_aware, zone

HOURS_PER_WEEK = 168
STALE_AFTER = timedelta(hours=24)
MIN_UTC_OFFSET_HOURS = -12
MAX_UTC_OFFSET_HOURS = 14
DST_PADDING_HOURS = 1  # wall-clock hours and real hours differ by at most one across a DST change
SNOOZE_WEEKS = 1


@dataclass(frozen=True)
class HourSpan:
    """Hours `first_hour..last_hour` (inclusive) of one weekday (0 = Monday)."""

    weekday: int
    first_hour: int
    last_hour: int

    def contains(self, weekday: int, hour: int) -> bool:
        return weekday == self.weekday and self.first_hour <= hour <= self.last_hour


@dataclass(frozen=True)
class DueWindow:
    """Reflection times (as local hour spans) that may be due in one zone, all in one local week."""

    week_start: date  # the local Monday the prompts in this window belong to
    local_today: date
    spans: tuple[HourSpan, ...]

    def contains(self, weekday: int, hour: int) -> bool:
        return any(span.contains(weekday, hour) for span in self.spans)


def _late_hours(late: timedelta) -> int:
    return -(-int(late.total_seconds()) // 3600)  # ceiling


def hour_spans(first: int, last: int) -> tuple[HourSpan, ...]:
    """Split the hour-of-week range `first..last` (may wrap past either end) into per-day spans."""
    if last - first + 1 >= HOURS_PER_WEEK:
        return tuple(HourSpan(day, 0, 23) for day in range(7))
    hours = [h % HOURS_PER_WEEK for h in range(first, last + 1)]
    spans: list[HourSpan] = []
    for hour in hours:
        day, within = divmod(hour, 24)
        if spans and spans[-1].weekday == day and spans[-1].last_hour == within - 1:
            spans[-1] = HourSpan(day, spans[-1].first_hour, within)
        else:
            spans.append(HourSpan(day, within, within))
    return tuple(spans)


def hour_of_week(moment: datetime) -> int:
    """The wall-clock hour of week (0 = Monday 00:00-00:59) of an aware datetime, in its own zone."""
    return moment.weekday() * 24 + moment.hour


def coarse_spans(now_utc: datetime, late: timedelta = STALE_AFTER) -> tuple[HourSpan, ...]:
    """Every local (weekday, hour) that can be due somewhere at `now_utc`, whatever the zone."""
    utc_hour = hour_of_week(ensure_aware(now_utc, "now_utc"))
    first = utc_hour + MIN_UTC_OFFSET_HOURS - _late_hours(late) - DST_PADDING_HOURS
    last = utc_hour + MAX_UTC_OFFSET_HOURS + DST_PADDING_HOURS
    return hour_spans(first, last)


def due_windows(now_utc: datetime, tz: str, late: timedelta = STALE_AFTER) -> tuple[DueWindow, ...]:
    """The local reflection times that may be due in `tz` at `now_utc`, grouped by local week.

    One window normally; two early in the local week, when the late tail reaches back into last
    week (whose prompts keep last week's key). ValueError for an unknown zone.
    """
    local = ensure_aware(now_utc, "now_utc").astimezone(zone(tz))
    today = local.date()
    monday = today - timedelta(days=today.weekday())
    last = hour_of_week(local)
    first = last - _late_hours(late) - DST_PADDING_HOURS
    if first >= 0:
        return (DueWindow(monday, today, hour_spans(first, last)),)
    return (
        DueWindow(monday, today, hour_spans(0, last)),
        DueWindow(monday - timedelta(days=7), today, hour_spans(HOURS_PER_WEEK + first, HOURS_PER_WEEK - 1)),
    )


def is_due(due_at: datetime, now_utc: datetime, late: timedelta = STALE_AFTER) -> bool:
    """Due and not stale: the instant has passed, by less than `late`."""
    return due_at <= now_utc < due_at + late


def snoozed_until(week_start: date, weeks: int = SNOOZE_WEEKS) -> date:
    """Snoozing during week `week_start` skips the next `weeks` prompts: the last day skipped."""
    return week_start + timedelta(days=7 * (weeks + 1) - 1)


LATE_REPLY = timedelta(days=4)  # a Monday-morning answer to Friday's prompt still counts for Friday's week


def reply_week(
    current_week: date, *, prompted_this_week: bool, last_week_prompted_at: datetime | None, now_utc: datetime
) -> date:
    """The week a member's reply belongs to.

    Normally the member's current local week. But an answer to last week's prompt that comes within
    `LATE_REPLY` of it, before this week's prompt, belongs to last week.
    """
    if (
        not prompted_this_week
        and last_week_prompted_at is not None
        and now_utc - last_week_prompted_at < LATE_REPLY
    ):
        return current_week - timedelta(days=7)
    return current_week
