"""Working-time maths in a set's time zone.

A working day has two halves; deadlines fall on the half-day boundaries at 09:00 and 13:00 local
time. Counting boundaries (not hours) keeps deadlines on the local wall clock across DST changes and
lets every phase end at a time when people are at work.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MORNING_BOUNDARY = time(9, 0)
AFTERNOON_BOUNDARY = time(13, 0)
BOUNDARIES: tuple[time, ...] = (MORNING_BOUNDARY, AFTERNOON_BOUNDARY)

MON_FRI: frozenset[int] = frozenset(range(5))

DAY_ABBREVIATIONS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAY_NUMBERS: dict[str, int] = {}  # "mon", "monday", "tues"... -> date.weekday()
for _number, _full in enumerate(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
):
    for _alias in {_full, _full[:3], _full[:4]}:
        WEEKDAY_NUMBERS[_alias] = _number
WEEKDAY_NUMBERS.update({"tues": 1, "weds": 2, "thur": 3, "thurs": 3})

WORKING_DAYS_HELP = 'Write working days like "mon-fri", "sun-thu" or "mon, wed, fri".'


def zone(tz: str) -> ZoneInfo:
    """The ZoneInfo for an IANA name; ValueError with a user-safe message if it is unknown."""
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        # ZoneInfoNotFoundError is a KeyError; callers expect ValueError for bad input.
        raise ValueError(f"Unknown time zone {tz!r}: use an IANA name like Europe/London.") from exc


def ensure_aware(moment: datetime, name: str = "datetime") -> datetime:
    """Return `moment` in UTC; naive datetimes are a programming error, never guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (UTC), got naive {moment!r}")
    return moment.astimezone(UTC)


def validate_working_days(working_days: frozenset[int]) -> frozenset[int]:
    """Check a working-day set: non-empty, weekday numbers 0 (Mon) .. 6 (Sun)."""
    if not working_days:
        raise ValueError("A set needs at least one working day.")
    bad = [day for day in working_days if not (isinstance(day, int) and 0 <= day <= 6)]
    if bad:
        raise ValueError(
            f"Working days are weekday numbers 0 (Mon) to 6 (Sun), got {sorted(bad)!r}"
        )
    return frozenset(working_days)


def is_working_day(local_date: date, working_days: frozenset[int]) -> bool:
    """Whether a local calendar date is one of the set's working days."""
    return local_date.weekday() in working_days


def local_moment(local_date: date, wall: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time on a date.

    Ambiguous times (clocks going back) take the first occurrence (fold=0); times in a gap (clocks
    going forward) are resolved by zoneinfo with the pre-transition offset, i.e. shifted forward.
    """
    return datetime.combine(local_date, wall, tzinfo=tz).astimezone(UTC)


def _boundaries_from(
    local_date: date, tz: ZoneInfo, working_days: frozenset[int]
) -> Iterator[datetime]:
    """All working-day boundaries from the start of `local_date` on, in order, as UTC instants."""
    day = local_date
    while True:
        if is_working_day(day, working_days):
            for wall in BOUNDARIES:
                yield local_moment(day, wall, tz)
        day += timedelta(days=1)


def boundaries_after(
    start: datetime, count: int, *, tz: str, working_days: frozenset[int]
) -> datetime:
    """The `count`-th half-day boundary strictly after `start` that falls on a working day (UTC).

    From Tue 11:00 local: 1 -> Tue 13:00, 2 -> Wed 09:00. `count == 0` returns `start` itself
    (in UTC), so "add zero working days" is the identity.
    """
    start_utc = ensure_aware(start, "start")
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    days = validate_working_days(working_days)
    if count == 0:
        return start_utc
    zone_info = zone(tz)
    seen = 0
    for boundary in _boundaries_from(start_utc.astimezone(zone_info).date(), zone_info, days):
        if boundary > start_utc:
            seen += 1
            if seen == count:
                return boundary
    raise AssertionError("unreachable: the boundary generator is infinite")  # pragma: no cover


def add_working_days(
    start: datetime, days: int, *, tz: str, working_days: frozenset[int]
) -> datetime:
    """`days` working days after `start`, i.e. two half-day boundaries per day."""
    return boundaries_after(start, 2 * days, tz=tz, working_days=working_days)


def parse_working_days(text: str) -> frozenset[int]:
    """Parse "mon-fri", "sun-thu", "mon,tue,thu", "Mon, Wed, Fri", "monday-wednesday, fri".

    Ranges may wrap around the week ("fri-mon"). "weekdays" means Mon-Fri, "every day" all seven.
    Raises ValueError with a user-safe message.
    """
    cleaned = text.strip().lower()
    if cleaned in {"weekdays", "workdays"}:
        return MON_FRI
    if cleaned in {"every day", "everyday", "daily", "all"}:
        return frozenset(range(7))
    tokens = [token for token in re.split(r"[,\s;/]+", cleaned.replace("–", "-")) if token]
    # Re-join "mon - fri" written with spaces around the dash.
    joined = re.sub(r"\s*-\s*", "-", " ".join(tokens)).split()
    if not joined:
        raise ValueError(f"No working days given. {WORKING_DAYS_HELP}")
    days: set[int] = set()
    for token in joined:
        parts = token.split("-")
        if len(parts) == 1:
            days.add(_day_number(parts[0]))
        elif len(parts) == 2:
            first, last = _day_number(parts[0]), _day_number(parts[1])
            span = (last - first) % 7  # wraps: sun-thu is Sun, Mon, Tue, Wed, Thu
            days.update((first + offset) % 7 for offset in range(span + 1))
        else:
            raise ValueError(f"I don't understand {token!r}. {WORKING_DAYS_HELP}")
    return frozenset(days)


def _day_number(name: str) -> int:
    """Weekday number for a day name or abbreviation."""
    try:
        return WEEKDAY_NUMBERS[name.strip(".")]
    except KeyError:
        raise ValueError(f"{name!r} is not a day of the week. {WORKING_DAYS_HELP}") from None


def format_working_days(working_days: frozenset[int]) -> str:
    """Short human form: "Mon-Fri", "Mon, Wed, Fri", "Sun-Thu", "Mon-Wed, Fri".

    Runs of three or more days become ranges (wrapping over the weekend if need be); the output
    parses back to the same set with parse_working_days.
    """
    days = validate_working_days(working_days)
    if len(days) == 7:
        return "Mon-Sun"
    # A run starts on a working day whose previous day is not one; with a gap, every run has one.
    starts = sorted(day for day in days if (day - 1) % 7 not in days)
    parts: list[str] = []
    for first in starts:
        run = [first]
        while (run[-1] + 1) % 7 in days:
            run.append((run[-1] + 1) % 7)
        if len(run) >= 3:
            parts.append(f"{DAY_ABBREVIATIONS[run[0]]}-{DAY_ABBREVIATIONS[run[-1]]}")
        else:
            parts.extend(DAY_ABBREVIATIONS[day] for day in run)
    return ", ".join(parts)


def local_time(moment: datetime, tz: str) -> str:
    """A deadline as a reader in `tz` sees it, e.g. "Thu 25 Mar 09:00 (Europe/London)"."""
    return f"{moment.astimezone(zone(tz)):%a %d %b %H:%M} ({tz})"
